"""The domain, pure: event kinds and their EPCIS shapes, the rules that protect the truth, hashing.

Imports nothing but the standard library and `trace.gs1`: no Flask, SQLAlchemy or marshmallow.
"""
