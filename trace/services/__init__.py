"""Use cases, one module per capability. Each takes a Session and runs one transaction.

Imports `trace.db`, `trace.domain`, `trace.gs1`; never Flask (the HTTP edge calls these).
"""
