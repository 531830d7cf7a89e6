"""Genuineness: a carton's page counts people, not requests. Each way of forging a "Genuine
label" or of pushing a genuine carton over the "may have been copied" threshold fails: a
neighbour's serial, another spelling of a serial, an embedded image or frame, a prefetch, a
reload or a language switch. A shopper's one visit counts once and shows its day. Counting is
exact under concurrent requests (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session

from tests.flows import GTIN
from tests.lookup.conftest import LOT, LOT_URL, print_labels
from tests.lookup.test_lookup_pages import text_of
from trace.domain.local_time import zone
from trace.services.scans import count_scan, day_salt, scans_of

# What a phone's browser sends when it opens a scanned code.
BROWSER = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Sec-Fetch-Dest": "document",
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Site": "none",
    "User-Agent": "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36",
}
GENUINE = "Genuine label"
DOUBTFUL = "This label may not be genuine"


def scans(engine, serial: str) -> int:
    with Session(engine) as session:
        return scans_of(session, GTIN, LOT, serial).count


def person(app, n: int):
    """A test client that is the n-th person: an address and a phone of their own."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"203.0.113.{n}"
    return client


def opens(client, path: str, language: str = "en", **headers) -> str:
    agent = headers.pop("agent", BROWSER["User-Agent"])
    response = client.get(
        path, headers={**BROWSER, "User-Agent": agent, "Accept-Language": language, **headers}
    )
    assert response.status_code == 200
    return text_of(response)


def test_a_shoppers_visit_counts_once_and_shows_its_day(app, engine, story):
    serial = story["serials"][6]
    shopper = person(app, 1)
    page = opens(shopper, f"{LOT_URL}/21/{serial}")
    assert GENUINE in page
    today = datetime.now(UTC).astimezone(zone("+07:00"))
    assert "Only one person has scanned this code so far, first on" in page
    assert str(today.year) in page.split("first on", 1)[1]
    # Reloading, switching language, coming back later that day: still one person.
    opens(shopper, f"{LOT_URL}/21/{serial}")
    opens(shopper, f"{LOT_URL}/21/{serial}?lang=ja", "ja")
    page = opens(shopper, f"{LOT_URL}/21/{serial}?lang=vi", "vi")
    assert "Đến nay mới có một người quét mã này" in page
    assert scans(engine, serial) == 1
    # A second person counts.
    page = opens(person(app, 2), f"{LOT_URL}/21/{serial}", "ja")
    assert "このコードは 2 回読み取られています" in page
    assert scans(engine, serial) == 2
    assert scans(engine, story["serials"][7]) == 0  # counted per carton


def test_every_way_of_forging_genuineness_fails(app, engine, story):
    serial = next(s for s in story["serials"] if any(c.isalpha() for c in s))
    attacker = person(app, 66)
    # A neighbour's serial: the carton numbers and a serial one character away are not printed.
    neighbours = ["1", "2", "11", "12", serial[:-1] + ("0" if serial[-1] != "0" else "1")]
    # Other spellings of a printed serial: not genuine, count nothing.
    letter = next(i for i, char in enumerate(serial) if char.isalpha())
    one_lower = serial[:letter] + serial[letter].lower() + serial[letter + 1 :]
    spellings = [serial.lower(), one_lower, "0" + serial, "00" + serial]
    for forged in neighbours + spellings:
        page = opens(attacker, f"{LOT_URL}/21/{forged}")
        assert DOUBTFUL in page and GENUINE not in page, forged
        assert "scanned" not in page, forged  # no count is shown for what was never printed
    with Session(engine) as session:
        counted = session.exec(text("SELECT count(*) FROM scan")).one()[0]
    assert counted == 0

    # Another site embeds the carton's page as images, frames or scripts, prefetches it, or
    # asks for its HEAD: no person opened it.
    path = f"{LOT_URL}/21/{serial}"
    for n, headers in enumerate(
        [
            {"Sec-Fetch-Dest": "image", "Sec-Fetch-Mode": "no-cors", "Accept": "image/*"},
            {"Sec-Fetch-Dest": "iframe"},
            {"Sec-Fetch-Dest": "script", "Sec-Fetch-Mode": "no-cors"},
            {"Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors"},  # fetch()
            {"Sec-Purpose": "prefetch"},
            {"Sec-Purpose": "prefetch;prerender"},
            {"Purpose": "prefetch"},
            {"X-Moz": "prefetch"},
        ]
    ):
        opens(person(app, 100 + n), path, **headers)
    old_image = {k: v for k, v in BROWSER.items() if not k.startswith("Sec-")}
    old_image["Accept"] = "image/avif,image/webp,*/*"
    person(app, 120).get(path, headers=old_image)  # a browser without fetch metadata
    person(app, 121).get(path)  # a script: no Accept, no metadata
    person(app, 122).head(path, headers=BROWSER)
    assert scans(engine, serial) == 0
    # One person reloading many times and switching language: one.
    for language in ["en", "ja", "vi"] * 5:
        opens(attacker, f"{path}?lang={language}", language)
    assert scans(engine, serial) == 1
    app.config["LOOKUP_SCAN_ALERT"] = 3
    assert GENUINE in opens(person(app, 3), path)  # the genuine carton is not pushed over


def test_a_code_opened_by_too_many_people_is_flagged(app, engine, story):
    app.config["LOOKUP_SCAN_ALERT"] = 3
    path = f"{LOT_URL}/21/{story['serials'][11]}"
    for n in range(3):
        assert "正規のラベル" in opens(person(app, n), path, "ja")
    page = opens(person(app, 9), path, "en")
    assert "This code has been scanned unusually often" in page
    assert "More than 3 different people have opened this code" in page
    # The same address with another phone is another person (a family on one Wi-Fi).
    page = opens(person(app, 9), path, "ja", agent="Mozilla/5.0 (iPhone) Safari/604.1")
    assert "3 人を超える人がこのコードを開いています" in page
    assert scans(engine, story["serials"][11]) == 5


def test_a_code_opened_over_longer_than_produce_keeps_is_flagged(app, engine, story):
    serial = story["serials"][12]
    months_ago = datetime.now(UTC) - timedelta(days=130)
    with Session(engine) as session:  # someone opened it 130 days ago
        count_scan(session, GTIN, LOT, serial, "a" * 32, months_ago)
    page = opens(person(app, 4), f"{LOT_URL}/21/{serial}", "vi")
    assert "Mã này đã được mở trong hơn 120 ngày" in page
    app.config["LOOKUP_SCAN_DAYS"] = 200
    page = opens(person(app, 5), f"{LOT_URL}/21/{serial}", "en")
    assert GENUINE in page and "scanned 3 times" in page


def test_a_serial_never_printed_is_flagged(client, story):
    response = client.get(f"{LOT_URL}/21/999", headers={"Accept-Language": "vi"})
    assert response.status_code == 200  # the lot is real; the label is doubtful
    page = text_of(response)
    assert "Nhãn này có thể là nhãn giả" in page
    assert "Chưa từng có nhãn nào mang số sê-ri 999" in page


def test_a_serial_of_another_lot_is_flagged(client, engine, api, story):
    other = api.as_("worker").post(
        "/packings",
        json={
            "location_id": story["ids"]["house"],
            "product_gtin": GTIN,
            "inputs": [{"lot": story["harvest"], "quantity": 100, "unit": "kg"}],
            "cartons": 20,
            "packed_on": "2026-06-11",
            "lot_code": "LOT26B",
        },
    )
    assert other.status_code == 201, other.json
    serials = print_labels(engine, "LOT26B", 5)
    response = client.get(
        f"{LOT_URL}/21/{serials[0]}", headers={**BROWSER, "Accept-Language": "en"}
    )
    page = text_of(response)
    assert "This label may not be genuine" in page
    assert f"Serial number {serials[0]} was printed for another lot (LOT26B)" in page
    assert scans(engine, serials[0]) == 0


def test_people_at_the_same_moment_are_all_counted_once(app, engine, story):
    """16 people open one carton twice each, 8 requests at a time, through the whole app: each
    counted once, none lost (SQLite and PostgreSQL; each person under the rate limit)."""
    serial = story["serials"][13]
    start = threading.Barrier(8)

    def scan(n):
        client = person(app, n % 16)
        if n < 8:
            start.wait()
        return client.get(f"{LOT_URL}/21/{serial}", headers=BROWSER).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(scan, range(32)))
    assert codes == [200] * 32
    assert scans(engine, serial) == 16


def test_count_scan_is_atomic_and_once_per_client_day(engine):
    """The service alone, 8 threads: 100 clients each counted once however often they come."""

    def bump(n):
        for i in range(25):
            with Session(engine) as session:
                count_scan(session, GTIN, "L1", "X", f"client-{(n * 25 + i) % 100}")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(bump, range(8)))
    with Session(engine) as session:
        counted = scans_of(session, GTIN, "L1", "X")
        rows = session.exec(text("SELECT count(*) FROM scan")).one()[0]
    assert counted.count == rows == 100 and counted.first_at is not None


def test_clients_are_hashed_with_a_daily_salt_never_stored_as_addresses(app, engine, story):
    opens(person(app, 77), f"{LOT_URL}/21/{story['serials'][14]}")
    with Session(engine) as session:
        rows = session.exec(text("SELECT client FROM scan")).all()
        assert len(rows) == 1 and "203.0.113.77" not in rows[0][0] and len(rows[0][0]) == 32
        today = datetime.now(UTC).date()
        salt = day_salt(session, today)
        assert day_salt(session, today) == salt  # one salt a day, for every worker
        assert day_salt(session, today + timedelta(days=3)) != salt
        days = [row[0] for row in session.exec(text("SELECT day FROM scan_salt"))]
    assert len(days) == 1  # the older salts are gone: yesterday's hashes cannot be redone
