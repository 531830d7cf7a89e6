"""Label jobs: what a print request draws, and the record of every job.

Printing is not a tracking event, but it is evidence: every job is recorded, so the public
lookup page can tell a printed serial from an invented one. Serials are allocated and
checked in `label_serials`; what a label says is read in `label_facts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, select

from trace.db.models import LabelJob, Pallet, User
from trace.domain.errors import Invalid, NotFound
from trace.gs1.serials import SAMPLE
from trace.labels.content import Label, carton_labels, pallet_label, sticker_label

from .common import get_lot, now, unit_of_work
from .label_facts import carton_market, lot_facts, pallet_facts, refuse_missing_codes
from .label_serials import (
    carton_job,
    printed_as,
    refuse_unpacked,
)


def other_job(
    session: Session,
    actor: User,
    kind: str,
    *,
    lot_code: str | None,
    sscc: str | None,
    count: int,
    size: str,
    fmt: str,
) -> LabelJob:
    """Record a pallet or sticker label job (no serials)."""
    with unit_of_work(session):
        lot = get_lot(session, lot_code) if lot_code else None
        pallet = None
        if sscc:
            pallet = session.exec(select(Pallet).where(Pallet.sscc == sscc)).first()
            if pallet is None:
                raise NotFound(f"no pallet with SSCC {sscc}", kind="pallet.unknown", sscc=sscc)
        job = LabelJob(
            kind=kind,
            product_id=lot.product_id if lot else None,
            lot_id=lot.id if lot else None,
            pallet_id=pallet.id if pallet else None,
            size=size,
            format=fmt,
            count=count,
            user_id=actor.id,
            created_at=now(),
        )
        session.add(job)
    return job


def prepare(
    session: Session,
    actor: User,
    request: dict[str, Any],
    *,
    base_url: str,
    company_prefix: str,
    preview: bool = False,
) -> tuple[Iterable[Label], str]:
    """Record the job (allocating serials for new cartons) and return the labels to render,
    lazily, with a file name. Everything that needs the database happens here, so the
    caller can stream the rendering without holding a transaction.

    A preview records nothing: a carton preview shows the next serial that would be printed.
    """
    if request["kind"] == "pallet":
        return _pallet_labels(session, actor, request, company_prefix, preview)
    if request["kind"] == "sticker":
        return _stickers(session, actor, request, base_url, preview)
    return _cartons(session, actor, request, base_url, preview)


def _pallet_labels(
    session: Session, actor: User, request: dict[str, Any], company_prefix: str, preview: bool
) -> tuple[Iterable[Label], str]:
    pallet = session.exec(select(Pallet).where(Pallet.sscc == request["sscc"])).first()
    if pallet is None:
        raise NotFound(
            f"no pallet with SSCC {request['sscc']}",
            kind="pallet.unknown",
            sscc=request["sscc"],
        )
    label = pallet_label(pallet_facts(session, pallet, request.get("market"), company_prefix))
    if preview:
        return [label], f"pallet-{pallet.sscc}"
    _record(session, actor, request, lot_code=None, sscc=pallet.sscc)
    return [label] * request["count"], f"pallet-{pallet.sscc}"


def _stickers(
    session: Session, actor: User, request: dict[str, Any], base_url: str, preview: bool
) -> tuple[Iterable[Label], str]:
    lot = get_lot(session, request["lot"])
    label = sticker_label(base_url, lot.code)
    if preview:
        return [label], f"sticker-{lot.code}"
    _record(session, actor, request, lot_code=lot.code, sscc=None)
    return [label] * request["count"], f"stickers-{lot.code}"


def _record(
    session: Session,
    actor: User,
    request: dict[str, Any],
    *,
    lot_code: str | None,
    sscc: str | None,
) -> None:
    """Record a pallet or sticker job as asked."""
    other_job(
        session,
        actor,
        request["kind"],
        lot_code=lot_code,
        sscc=sscc,
        count=request["count"],
        size=request["size"],
        fmt=request["format"],
    )


def _cartons(
    session: Session, actor: User, request: dict[str, Any], base_url: str, preview: bool
) -> tuple[Iterable[Label], str]:
    lot = get_lot(session, request["lot"])
    market = carton_market(session, lot, request.get("market"))
    refuse_unpacked(lot)
    refuse_missing_codes(session, lot, market)
    facts = lot_facts(session, lot, market, base_url)
    if preview:  # a reprint's first carton, or a sample as long as a serial: nothing recorded
        wanted = (request.get("serials") or [SAMPLE])[0]
        serial = printed_as(session, lot, [wanted])[0] if isinstance(wanted, int) else wanted
        return carton_labels(facts, [serial]), f"carton-{lot.code}-{serial}"
    job, _, _, serials = carton_job(
        session,
        actor,
        lot.code,
        count=request.get("count"),
        serials=request.get("serials"),
        size=request["size"],
        fmt=request["format"],
    )
    name = f"cartons-{lot.code}-{job.serial_first}-{job.serial_last}"  # the cartons' numbers
    return carton_labels(facts, serials), name


def check_count(
    session: Session, request: dict[str, Any], pallet_max: int, sticker_max: int
) -> None:
    """Labels bounded by reality, before anything is recorded or drawn: a pallet carries a few
    labels (`pallet_max` per request), a lot's stickers are at most its cartons (a lot without
    cartons: `sticker_max`). Carton labels are bounded by the cartons left (carton_job)."""
    count, kind = request.get("count") or 1, request["kind"]
    if kind == "pallet" and count > pallet_max:
        raise Invalid(
            "count",
            f"at most {pallet_max} labels of one pallet per request",
            kind="label.pallet_count",
            n=pallet_max,
        )
    if kind == "sticker":
        lot = get_lot(session, request["lot"])
        limit = lot.cartons or sticker_max
        if count > limit:
            raise Invalid(
                "count",
                f"at most {limit} stickers for lot {lot.code}",
                kind="label.sticker_count",
                n=limit,
                lot=lot.code,
            )
