"""Carton serials: random (nobody can guess a neighbour's), never reused, never more than the
lot's cartons; serials printed before random ones (the carton's number) keep working."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, select

from tests.flows import GTIN
from trace.db.models import CartonSerial, LabelJob, Lot, User
from trace.domain.errors import Invalid, RuleViolation
from trace.gs1 import validate_serial
from trace.gs1.serials import ALPHABET, LENGTH
from trace.services import label_serials
from trace.services.common import next_value, now


def worker_of(session) -> User:
    return session.exec(select(User).where(User.role == "worker")).first()


def print_cartons(session, code: str, count: int) -> list[str]:
    return label_serials.carton_job(
        session, worker_of(session), code, count=count, serials=None, size="100x150mm", fmt="pdf"
    )[3]


def old_job(session, code: str, first: int, last: int) -> None:
    """A carton job recorded before random serials: its labels carry the numbers themselves."""
    lot = session.exec(select(Lot).where(Lot.code == code)).one()
    session.add(
        LabelJob(
            kind="carton", product_id=lot.product_id, lot_id=lot.id, size="100x150mm",
            format="pdf", count=last - first + 1, serial_first=first, serial_last=last,
            user_id=worker_of(session).id, created_at=now(),
        )
    )  # fmt: skip
    session.commit()


def test_serials_are_random_allocated_once_and_reprints_give_the_same(session, season):
    actor = worker_of(session)
    job, _, _, serials = label_serials.carton_job(
        session, actor, season["packed"], count=150, serials=None, size="100x150mm", fmt="pdf"
    )
    assert len(set(serials)) == 150
    for serial in serials:  # 13 characters of Crockford base32: in set 82, upper case
        assert len(serial) == LENGTH and set(serial) <= set(ALPHABET)
        assert validate_serial(serial) == serial
    assert (job.serial_first, job.serial_last, job.random_serials) == (1, 150, True)
    # 65 random bits each: no two serials share a long common prefix as counters would.
    assert len({s[:4] for s in serials}) > 100
    more = print_cartons(session, season["packed"], 50)
    assert not set(more) & set(serials)
    with pytest.raises(RuleViolation, match="0 more can be printed, not 1"):
        print_cartons(session, season["packed"], 1)
    # A reprint by printed serial or by carton number gives the serials printed.
    job, _, _, again = label_serials.carton_job(
        session, actor, season["packed"], count=None, serials=[serials[16], 18], size="50x30mm",
        fmt="zpl",
    )  # fmt: skip
    assert again == [serials[16], serials[17]] and job.reprint
    assert (job.serial_first, job.serial_last) == (17, 18)
    with pytest.raises(Invalid, match="serial 201 was never printed"):
        label_serials.carton_job(
            session, actor, season["packed"], count=None, serials=[201], size="100x150mm", fmt="pdf"
        )
    with pytest.raises(Invalid, match="was never printed"):  # another spelling is not it
        label_serials.carton_job(
            session, actor, season["packed"], count=None, serials=[serials[0].lower()],
            size="100x150mm", fmt="pdf",
        )  # fmt: skip


def test_serial_status_tells_printed_from_invented_and_copied(api, session, ids, season):
    printed = print_cartons(session, season["packed"], 10)
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
    elsewhere = print_cartons(session, other, 5)

    def status(serial):
        return checked(session, season["packed"], serial)

    assert status(printed[6])["status"] == "printed"
    assert status(elsewhere[1]) == {"status": "other_lot", "lot": other}
    # Neighbours of a printed carton (numbers 1-15 were printed) and other spellings: none.
    for forged in ("7", "12", "16", printed[6].lower(), "0" + printed[6], "x1"):
        assert status(forged)["status"] == "never_printed", forged


def test_serials_printed_before_random_ones_keep_working_in_their_one_spelling(session, season):
    old_job(session, season["packed"], 1, 20)
    # The product's sequence goes on after the old job's numbers.
    lot = session.exec(select(Lot).where(Lot.code == season["packed"])).one()
    next_value(session, f"serial:{lot.product_id}", 20)
    session.commit()
    new = print_cartons(session, season["packed"], 5)
    numbers = session.exec(select(CartonSerial.number).order_by(CartonSerial.number)).all()
    assert numbers == [21, 22, 23, 24, 25]

    def status(serial):
        return checked(session, season["packed"], serial)["status"]

    assert status("7") == status("20") == status(new[0]) == "printed"
    for other_spelling in ("07", "007", "0", "21", "22", "7 ", "+7"):
        assert status(other_spelling) == "never_printed", other_spelling


def checked(session, lot: str, serial: str) -> dict:
    """A serial's label check as a scan reads it (`serial_status`), after checking that the
    lot's cartons as a kept page holds them (`lot_cartons`) find the same printed carton, and
    leave every other serial to `serial_status`."""
    status = label_serials.serial_status(session, GTIN, lot, serial)
    kept = label_serials.lot_cartons(session.connection(), GTIN, lot).status(serial)
    assert kept == (status if status["status"] == "printed" else None), serial
    return status


def test_concurrent_print_jobs_never_share_a_serial(engine, session, season):
    actor = worker_of(session)

    def job(_):
        with Session(engine, expire_on_commit=False) as own:
            return label_serials.carton_job(
                own, actor, season["packed"], count=10, serials=None, size="100x150mm", fmt="pdf"
            )[3]

    with ThreadPoolExecutor(max_workers=4) as pool:
        allocated = [s for batch in pool.map(job, range(12)) for s in batch]
    assert len(set(allocated)) == 120
    numbers = session.exec(select(CartonSerial.number).order_by(CartonSerial.number)).all()
    assert numbers == list(range(1, 121))
    assert len(session.exec(select(LabelJob)).all()) == 12
