"""EPCIS 2.0: the log exported as documents, documents captured into the log, queries answered.

The mapping itself is pure (`trace.domain.epcis_mapping`); this package gathers what it needs from the
database, and keeps captured events: validated against GS1's JSON schema, all or nothing,
chained into the log like every event, linked to our lots and pallets where they name them.

- `validate`: the schema and the checks a document passes before it is read;
- `capture`: documents kept all or nothing (`capture`), capture jobs;
- `held`: a captured event against what the log already holds (re-sends, declarations);
- `nodes`: what a captured event names of ours (lots, pallets, places; importers' scope);
- `mapping`: what the pure mapping needs from the database;
- `export`: the EPCIS document of a lot, a shipment or a period;
- `query`: EPCIS event queries, in pages.
"""
