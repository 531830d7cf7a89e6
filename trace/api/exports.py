"""/exports and /evidence: EPCIS 2.0 documents, the FSMA 204 spreadsheet, signed evidence.

Any file here (and the recall reports in `tracing.py`) can be asked for `signed=true`: the
answer is then a JSON envelope with the file, its SHA-256, an Ed25519 signature and a fresh
signed checkpoint of the hash chain, which `tools/verify_evidence.py` checks offline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema

from trace.config import signing_key_path
from trace.db.session import get_session
from trace.domain.epcis_ids import Names
from trace.domain.errors import Forbidden
from trace.filenames import content_disposition
from trace.services import evidence, fsma, fsma_files
from trace.services.common import now
from trace.services.epcis import export

from .auth import current_user
from .common import protected
from .schemas.epcis import CheckpointOut, ExportQuery, FsmaQuery, PublicKeyOut, SignedQuery, span

blp = Blueprint("exports", __name__, description="EPCIS and FSMA 204 exports; signed evidence")

SIGNED = "a signed evidence envelope (JSON) when signed=true"
NO_KEY = "no signing key yet: `flask --app wsgi keys create` makes one"
IMPORTER = (403, "an importer, for anything but a shipment consigned to it (shipment=<id>)")
EXPORTERS = ("admin", "inspector", "importer")  # who may ask for an export (an importer: its own)
EXPORT_ERRORS = (404, (409, NO_KEY), IMPORTER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def names() -> Names:
    return Names(current_app.config["PUBLIC_BASE_URL"])


def key_path():
    return signing_key_path(current_app.config, current_app.instance_path)


def download(
    blp: Blueprint,
    roles: Iterable[str],
    query: type[Schema],
    content_type: str,
    description: str,
    errors: Iterable[int | tuple[int, str]],
):
    """A file download's decorators: who may ask for it (and why it may be refused), its query
    parameters, and the file it answers (documented as `content_type`)."""

    def decorate(view):
        view = blp.response(200, content_type=content_type, description=description)(view)
        view = blp.arguments(query, location="query")(view)
        return protected(blp, *roles, errors=errors)(view)

    return decorate


def deliver(content: bytes, content_type: str, file_name: str, signed: bool) -> Response:
    """The file as a download, or (signed) its evidence envelope."""
    file_name = file_name.replace("/", "-")
    if signed:
        key = evidence.require_key(key_path())
        envelope = evidence.sign_file(get_session(), key, content, content_type, file_name)
        content = json.dumps(envelope, indent=1).encode()
        content_type, file_name = "application/json", f"{file_name}.signed.json"
    return Response(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition(file_name)},
    )


def _scope(args: dict, lot: str | None = None) -> export.Scope:
    user = current_user()
    if user.role == "importer" and (lot or args.get("lot") or not args.get("shipment")):
        # Its own shipment, and only that: a lot's graph reaches other parties' shipments.
        raise Forbidden(
            "an importer exports its own shipments: give shipment=<id> and no lot",
            kind="export.importer_scope",
        )
    start, end = span(args.get("from_"), args.get("to"))
    return export.Scope(lot=lot, shipment=args.get("shipment"), start=start, end=end)


@blp.route("/exports/epcis")
class EpcisExport(MethodView):
    @download(
        blp,
        EXPORTERS,
        ExportQuery,
        "application/ld+json",
        f"an EPCISDocument (EPCIS 2.0 JSON-LD); {SIGNED}",
        EXPORT_ERRORS,
    )
    def get(self, args):
        """An EPCIS 2.0 document of a lot's trace graph, a shipment, or a time range"""
        scope = _scope(args, args.get("lot"))
        document = export.export_document(
            get_session(),
            scope,
            names(),
            current_app.config["EPCIS_EXTENSION_NAMESPACE"],
            current_user(),
        )
        content = json.dumps(document, ensure_ascii=False, indent=1).encode()
        return deliver(
            content, "application/ld+json", f"epcis_{scope.label()}.jsonld", args["signed"]
        )


def _fsma(args: dict, fmt: str) -> Response:
    lots = args.get("lot") or [None]
    session = get_session()
    table, seen = [], set()
    for code in lots:  # each lot's graph; a row shared by two lots' graphs appears once
        for row in fsma.rows(session, _scope(args, code), names(), current_user()):
            key = (row["EPCIS Event ID"], row["Traceability Lot Code"], row["Internal Lot Code"])
            if key not in seen:
                seen.add(key)
                table.append(row)
    label = _scope(args, "-".join(args.get("lot") or []) or None).label()
    if fmt == "csv":
        return deliver(
            fsma_files.to_csv(table),
            "text/csv; charset=utf-8",
            f"fsma204_{label}.csv",
            args["signed"],
        )
    content = fsma_files.to_xlsx(table, f"FSMA 204 records {label}", now())
    return deliver(content, XLSX, f"fsma204_{label}.xlsx", args["signed"])


class FsmaSignedQuery(FsmaQuery, SignedQuery):
    pass


@blp.route("/exports/fsma204.csv")
class FsmaCsv(MethodView):
    @download(
        blp, EXPORTERS, FsmaSignedQuery, "text/csv", f"one row per CTE; {SIGNED}", EXPORT_ERRORS
    )
    def get(self, args):
        """FSMA 204 sortable spreadsheet (CSV): one row per critical tracking event and lot"""
        return _fsma(args, "csv")


@blp.route("/exports/fsma204.xlsx")
class FsmaXlsx(MethodView):
    @download(
        blp,
        EXPORTERS,
        FsmaSignedQuery,
        XLSX,
        f"the KDE sheet and a Glossary sheet; {SIGNED}",
        EXPORT_ERRORS,
    )
    def get(self, args):
        """FSMA 204 sortable spreadsheet (XLSX) with a glossary sheet"""
        return _fsma(args, "xlsx")


@blp.route("/exports/fsma204-glossary.csv")
class FsmaGlossary(MethodView):
    @protected(blp, "admin", "inspector", "importer")
    @blp.response(200, content_type="text/csv")
    def get(self):
        """What each column of the FSMA 204 spreadsheet holds, and its 21 CFR paragraph"""
        return deliver(
            fsma_files.glossary_csv(), "text/csv; charset=utf-8", "fsma204_glossary.csv", False
        )


@blp.route("/evidence/public-key")
class PublicKey(MethodView):
    @protected(blp, "admin", "worker", "inspector", "importer", errors=[(409, NO_KEY)])
    @blp.response(200, PublicKeyOut)
    def get(self):
        """The organisation's public key (Ed25519) that signs evidence, and its fingerprint"""
        key = evidence.require_key(key_path())
        return {
            "algorithm": "Ed25519",
            "fingerprint": evidence.fingerprint(evidence.raw_public(key)),
            "public_key_pem": evidence.public_pem(key).decode(),
        }


@blp.route("/evidence/checkpoints")
class Checkpoints(MethodView):
    @protected(blp, "admin", "inspector")
    @blp.response(200, CheckpointOut(many=True))
    def get(self):
        """Signed checkpoints of the hash chain, oldest first"""
        return evidence.list_checkpoints(get_session())

    @protected(blp, "admin", errors=[(409, NO_KEY)])
    @blp.response(201, CheckpointOut)
    def post(self):
        """Sign the chain head as it is now (a checkpoint)"""
        return evidence.make_checkpoint(get_session(), evidence.require_key(key_path()), "api")
