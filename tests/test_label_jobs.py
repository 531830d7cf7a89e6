"""Carton serials: allocated per GTIN, never reused, never more than the lot's cartons."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, select

from tests.flows import GTIN
from trace.db.models import LabelJob, User
from trace.domain.errors import Invalid, RuleViolation
from trace.services import labels


def worker_of(session) -> User:
    return session.exec(select(User).where(User.role == "worker")).first()


def test_serials_are_allocated_once_and_reprints_give_the_same(session, season):
    actor = worker_of(session)
    _, _, _, serials = labels.carton_job(
        session, actor, season["packed"], count=150, serials=None, size="100x150mm", fmt="pdf"
    )
    assert serials == list(range(1, 151))
    _, _, _, more = labels.carton_job(
        session, actor, season["packed"], count=50, serials=None, size="100x150mm", fmt="pdf"
    )
    assert more == list(range(151, 201))
    with pytest.raises(RuleViolation, match="0 more can be printed, not 1"):
        labels.carton_job(
            session, actor, season["packed"], count=1, serials=None, size="100x150mm", fmt="pdf"
        )
    job, _, _, again = labels.carton_job(
        session, actor, season["packed"], count=None, serials=[17, 18], size="50x30mm", fmt="zpl"
    )
    assert again == [17, 18] and job.reprint
    with pytest.raises(Invalid, match="serial 201 was never printed"):
        labels.carton_job(
            session, actor, season["packed"], count=None, serials=[201], size="100x150mm", fmt="pdf"
        )


def test_serial_status_tells_printed_from_invented_and_copied(api, session, ids, season):
    actor = worker_of(session)
    labels.carton_job(
        session, actor, season["packed"], count=10, serials=None, size="100x150mm", fmt="pdf"
    )
    other = (
        api.as_("worker")
        .post(
            "/packings",
            json={
                "location_id": ids["house"],
                "product_gtin": GTIN,
                "packed_on": "2026-06-11",
                "inputs": [{"lot": season["harvest"], "quantity": 50, "unit": "kg"}],
                "cartons": 10,
            },
        )
        .json["lot"]
    )
    labels.carton_job(session, actor, other, count=5, serials=None, size="100x150mm", fmt="pdf")
    assert labels.serial_status(session, GTIN, season["packed"], "7")["status"] == "printed"
    assert labels.serial_status(session, GTIN, season["packed"], "12") == {
        "status": "other_lot",
        "lot": other,
    }
    assert labels.serial_status(session, GTIN, season["packed"], "16")["status"] == "never_printed"
    assert labels.serial_status(session, GTIN, season["packed"], "x1")["status"] == "never_printed"


def test_concurrent_print_jobs_never_share_a_serial(engine, session, season):
    actor = worker_of(session)

    def job(_):
        with Session(engine, expire_on_commit=False) as own:
            return labels.carton_job(
                own, actor, season["packed"], count=10, serials=None, size="100x150mm", fmt="pdf"
            )[3]

    with ThreadPoolExecutor(max_workers=4) as pool:
        allocated = [s for batch in pool.map(job, range(12)) for s in batch]
    assert sorted(allocated) == list(range(1, 121))
    assert len(session.exec(select(LabelJob)).all()) == 12
