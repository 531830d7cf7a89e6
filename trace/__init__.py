"""trace: farm-to-export traceability (GS1, EPCIS).

Importing this package loads nothing else: the pure layers (`trace.gs1`, `trace.domain`)
must stay importable without Flask or a database.
"""
