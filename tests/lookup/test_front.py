"""The front door (trace/lookup/front.py): what a phone most often asks is answered from memory
before Flask, exactly as Flask answers it: the same bytes and headers, every carton scan
counted once per person and day (8 phones at once, SQLite and PostgreSQL), and one rate-limit
allowance whichever way a request goes. (The kept pages' freshness is test_lookup_caching.py's:
its plain requests are the ones the front door answers.)"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session

from tests.flows import GTIN
from tests.lookup.conftest import LOT, LOT_URL
from tests.lookup.test_lookup_scans import BROWSER, opens, person
from trace.services.scans import scans_of


def flask_calls(app) -> list:
    """Every request that reaches Flask from now on (the front door's own answers do not)."""
    front = app.wsgi_app
    inner, seen = front.wsgi_app, []

    def counted(environ, start_response):
        seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    front.wsgi_app = counted
    return seen


def without_date(headers) -> list:
    return sorted((name, value) for name, value in headers.items() if name != "Date")


def test_a_kept_lot_page_is_answered_before_flask_as_flask_answers_it(app, story):
    client = app.test_client()
    seen = flask_calls(app)
    first = client.get(LOT_URL, headers={"Accept-Language": "ja"})
    again = client.get(LOT_URL, headers={"Accept-Language": "ja"})
    assert first.status_code == again.status_code == 200
    assert seen == [f"/01/{GTIN}/10/{LOT}"]  # the second never reached Flask
    assert again.get_data() == first.get_data()
    assert without_date(again.headers) == without_date(first.headers)
    assert again.headers["Date"] and again.headers["ETag"] == first.headers["ETag"]
    linkset = client.get(LOT_URL, headers={"Accept": "application/linkset+json"})
    assert linkset.status_code == 200 and linkset.is_json  # another key: Flask, then kept
    assert client.get(LOT_URL, headers={"Accept": "application/linkset+json"}).data == linkset.data
    assert len(seen) == 2


def test_each_phone_opening_a_carton_is_counted_once_without_flask(app, engine, story):
    """After one visit has taught the front door the carton's page, people opening it are
    counted and answered without Flask; reloads and prefetches go to Flask, which counts
    nothing more."""
    serial = str(story["serials"][0])
    url = f"{LOT_URL}/21/{serial}"
    assert "Only one person has scanned" in opens(person(app, 1), url)
    seen = flask_calls(app)
    for n in range(2, 7):
        page = opens(person(app, n), url)
        assert f"scanned {n} times" in page  # this person's scan, counted before the answer
    assert seen == []
    front = person(app, 7).get(url, headers=BROWSER)
    assert seen == []
    opens(person(app, 3), url)  # a reload: Flask reads the count, adds nothing
    prefetch = person(app, 9).get(url, headers={**BROWSER, "Sec-Purpose": "prefetch"})
    assert prefetch.status_code == 200
    assert len(seen) == 2
    assert front.headers["Link"] == prefetch.headers["Link"]  # the carton's linkset, as Flask says
    assert "LOT%2F26A" in front.headers["Link"]
    with Session(engine) as session:
        assert scans_of(session, GTIN, LOT, serial).count == 7


def test_eight_phones_at_once_are_each_counted_once(app, engine, story):
    """8 phones open 5 cartons each, twice (a reload), all at once: every carton's count is
    the number of people who opened it, and each page showed a count no higher."""
    serials = [str(s) for s in story["serials"][:5]]
    for serial in serials:  # the front door learns each carton's page
        opens(person(app, 100), f"{LOT_URL}/21/{serial}")

    def phone(n: int) -> list[str]:
        client = person(app, n)
        return [opens(client, f"{LOT_URL}/21/{s}") for s in serials for _ in range(2)]

    with ThreadPoolExecutor(8) as pool:
        pages = [page for pages in pool.map(phone, range(8)) for page in pages]
    assert len(pages) == 80
    with Session(engine) as session:
        assert [scans_of(session, GTIN, LOT, s).count for s in serials] == [9] * 5
    assert all("scanned 10 times" not in page for page in pages)


def test_one_rate_limit_allowance_whichever_way(app, story):
    """The public limit (60 a minute per reader) counts pages the front door answers and pages
    Flask answers alike."""
    client = app.test_client()
    answers = [client.get(LOT_URL).status_code for _ in range(30)]
    answers += [client.get(f"{LOT_URL}?lang=en").status_code for _ in range(30)]
    assert answers == [200] * 60
    assert client.get(LOT_URL).status_code == 429
    assert client.get(f"{LOT_URL}?lang=en").status_code == 429


def test_a_serial_the_view_refuses_or_never_printed_is_answered_as_the_view_answers(
    app, engine, story
):
    """The front door reads a carton's label itself, but only for a serial the view would read:
    one outside GS1's character set still gets the view's 400; one never printed its warning,
    and no count."""
    opens(person(app, 1), f"{LOT_URL}/21/{story['serials'][0]}")  # the carton answer learnt
    seen = flask_calls(app)
    refused = person(app, 2).get(f"{LOT_URL}/21/AB~C", headers=BROWSER)
    assert refused.status_code == 400 and seen == [f"/01/{GTIN}/10/{LOT}/21/AB~C"]
    page = opens(person(app, 3), f"{LOT_URL}/21/NEVER1")
    assert "This label may not be genuine" in page and len(seen) == 1
    assert "serial number NEVER1 was" in page
    other = opens(person(app, 4), f"{LOT_URL}/21/NEVER2", language="ja")  # each its own
    assert "NEVER2" in other and "NEVER1" not in other and "シリアル" in other
    with Session(engine) as session:
        assert scans_of(session, GTIN, LOT, "NEVER1").count == 0
