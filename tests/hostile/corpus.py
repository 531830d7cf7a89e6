"""Hostile and broken inputs for the API and the public pages (issue: hardening, item 5).

Each case is one request that must be refused with a clear 4xx (JSON from the API, a page from
the public routes) and must write nothing. `cases(ids, codes)` builds them against the
walkthrough's records: `ids` (master data) and `codes` (harvest, packed lot, SSCCs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.flows import GTIN, harvest_body

SCRIPT = "<script>alert('x')</script>"
SQL = "1'; DROP TABLE event;--"
UNICODE_TRICKS = {
    "right-to-left override": "\u202eeehcyl",
    "zero-width space": "LOT\u200b26",
    "NUL byte": "LOT\x0026",
    "lone surrogate": "LOT\ud80026",
    "fullwidth digits": "０８９３１２３４５６７８９７",
    "combining marks": "LOT26\u0301\u0301\u0301",
}


@dataclass
class Case:
    name: str
    method: str
    path: str  # under /api/v1 when `api`, else from the root
    json: object = None
    data: bytes | str | None = None
    content_type: str | None = None
    role: str | None = "worker"
    api: bool = True
    headers: dict = field(default_factory=dict)


def cases(ids: dict, codes: dict) -> list[Case]:
    out: list[Case] = []
    harvest, packed, sscc = codes["harvest"], codes["packed"], codes["ssccs"][0]

    def bad_harvest(name: str, **changes) -> None:
        body = harvest_body(ids, **changes)
        out.append(Case(f"harvest: {name}", "POST", "/lots/harvest", json=body))

    # numbers
    for value in (-1, 0, -0.0, 1e309, 10**30, True, None, [], {}, "", "1200 kg"):
        bad_harvest(f"quantity {value!r}", quantity=value)
    for raw in ("NaN", "Infinity", "-Infinity"):
        text = (
            f'{{"orchard_id": {ids["orchard"]}, "commodity": "lychee", "quantity": {raw}, '
            '"unit": "kg", "harvested_on": "2026-06-10"}'
        )
        out.append(
            Case(
                f"harvest: quantity {raw} (raw JSON)",
                "POST",
                "/lots/harvest",
                data=text,
                content_type="application/json",
            )
        )
    for value in (-1, 0, 2**31, 2**63, "1 OR 1=1", 1.5, 999_999):
        bad_harvest(f"orchard_id {value!r}", orchard_id=value)
    # dates and times
    for value in (
        "1900-01-01",
        "2100-01-01",
        "2026-13-01",
        "2026-02-30",
        "",
        "yesterday",
        "10/06/2026",
        "2026-06-10T06:30:00",
        "0000-00-00",
        "2026-6-1",
    ):
        bad_harvest(f"harvested_on {value!r}", harvested_on=value)
    for value in (
        "2026-06-10T06:30:00",
        "2026-06-10T06:30:00+25:00",
        "1900-06-10T06:30:00+07:00",
        "2100-06-10T06:30:00+07:00",
        "2026-06-10 06:30",
        "1781072000",
    ):
        bad_harvest(f"harvested_at {value!r}", harvested_at=value)
    # words that are codes
    for value in ("kgs", "", SQL, SCRIPT, "KG\u200b"):
        bad_harvest(f"unit {value!r}", unit=value)
    for value in (SQL, SCRIPT, "", "x" * 300, *UNICODE_TRICKS.values()):
        bad_harvest(f"commodity {value[:20]!r}", commodity=value)
    bad_harvest("an unknown field", evil="1")
    bad_harvest("variety of 10,000 characters", variety="v" * 10_000)

    # lots: GS1 AI (10) is up to 20 characters of set 82
    packing = {
        "location_id": ids["house"],
        "product_gtin": GTIN,
        "inputs": [{"lot": harvest, "quantity": 10, "unit": "kg"}],
        "cartons": 2,
        "packed_on": "2026-06-11",
    }
    for name, value in {
        "21 characters": "A" * 21,
        "a space": "LOT 26",
        "HTML": SCRIPT,
        "SQL": SQL,
        "a hash sign": "LOT#26",
        "Japanese": "ロット26",
        **UNICODE_TRICKS,
    }.items():
        out.append(
            Case(
                f"packing: lot code with {name}",
                "POST",
                "/packings",
                json=packing | {"lot_code": value},
            )
        )
    for name, value in {
        "wrong check digit": "08931234567896",
        "letters": "0893123456789X",
        "15 digits": "089312345678970",
        "SQL": SQL,
        "fullwidth": UNICODE_TRICKS["fullwidth digits"],
        "empty": "",
    }.items():
        out.append(
            Case(
                f"packing: GTIN {name}", "POST", "/packings", json=packing | {"product_gtin": value}
            )
        )
    for value in (-5, 0, 1.5, "2", 10**9):
        out.append(
            Case(
                f"packing: cartons {value!r}",
                "POST",
                "/packings",
                json=packing | {"cartons": value},
            )
        )
    out.append(
        Case(
            "packing: input lot SQL",
            "POST",
            "/packings",
            json=packing | {"inputs": [{"lot": SQL, "quantity": 1, "unit": "kg"}]},
        )
    )
    out.append(Case("packing: no inputs", "POST", "/packings", json=packing | {"inputs": []}))
    out.append(
        Case(
            "packing: 10,000 inputs",
            "POST",
            "/packings",
            json=packing | {"inputs": [{"lot": harvest, "quantity": 1, "unit": "kg"}] * 10_000},
        )
    )

    pallet = {"location_id": ids["house"], "contents": [{"lot": packed, "cartons": 1}]}
    for value in (-5, 0, 1.5, "NaN", 10**12):
        out.append(
            Case(
                f"pallet: cartons {value!r}",
                "POST",
                "/pallets",
                json=pallet | {"contents": [{"lot": packed, "cartons": value}]},
            )
        )
    for value in (SQL, SCRIPT, "A" * 21, UNICODE_TRICKS["NUL byte"]):
        out.append(
            Case(
                f"pallet: lot {value[:12]!r}",
                "POST",
                "/pallets",
                json=pallet | {"contents": [{"lot": value, "cartons": 1}]},
            )
        )

    # products and locations (admin)
    for value in ("08931234567896", "12345", SCRIPT, SQL):
        out.append(
            Case(
                f"product: GTIN {value[:14]!r}",
                "POST",
                "/products",
                role="admin",
                json={"gtin": value, "commodity": "lychee", "name": {"en": "x"}},
            )
        )
    for value in ("8931234000018", "893123400001", SCRIPT):
        out.append(
            Case(
                f"location: GLN {value[:13]!r}",
                "POST",
                "/locations",
                role="admin",
                json={"kind": "orchard", "name": "x", "gln": value},
            )
        )
    out.append(
        Case(
            "location: country 'Vietnam'",
            "POST",
            "/locations",
            role="admin",
            json={"kind": "orchard", "name": "x", "address": {"country": "Vietnam"}},
        )
    )
    out.append(
        Case(
            "location: kind SQL",
            "POST",
            "/locations",
            role="admin",
            json={"kind": SQL, "name": "x"},
        )
    )

    # bodies that are not what they say
    body = '{"orchard_id": 1, "commodity": "lychee"'
    out += [
        Case(
            "body: truncated JSON",
            "POST",
            "/lots/harvest",
            data=body,
            content_type="application/json",
        ),
        Case(
            "body: JSON nested 100,000 deep",
            "POST",
            "/lots/harvest",
            data="[" * 100_000 + "]" * 100_000,
            content_type="application/json",
        ),
        Case(
            "body: an object nested 5,000 deep",
            "POST",
            "/lots/harvest",
            data='{"a":' * 5_000 + "1" + "}" * 5_000,
            content_type="application/json",
        ),
        Case(
            "body: 40 MB of JSON",
            "POST",
            "/lots/harvest",
            data='{"variety": "' + "x" * 40_000_000 + '"}',
            content_type="application/json",
        ),
        Case(
            "body: XML",
            "POST",
            "/lots/harvest",
            data="<harvest quantity='1'/>",
            content_type="application/xml",
        ),
        Case(
            "body: a form",
            "POST",
            "/lots/harvest",
            data="quantity=1200&unit=kg",
            content_type="application/x-www-form-urlencoded",
        ),
        Case(
            "body: JSON sent as text/plain",
            "POST",
            "/lots/harvest",
            data='{"quantity": 1}',
            content_type="text/plain",
        ),
        Case("body: a JSON list", "POST", "/lots/harvest", json=[harvest_body(ids)]),
        Case("body: a JSON string", "POST", "/lots/harvest", json="harvest"),
        Case(
            "body: not UTF-8",
            "POST",
            "/lots/harvest",
            data=b'{"variety": "\xff\xfe"}',
            content_type="application/json",
        ),
        Case("body: empty", "POST", "/lots/harvest", data="", content_type="application/json"),
        Case("EPCIS: not a document", "POST", "/epcis/capture", json={"type": "Nothing"}),
        Case(
            "EPCIS: nested 100,000 deep",
            "POST",
            "/epcis/capture",
            data="[" * 100_000 + "]" * 100_000,
            content_type="application/ld+json",
        ),
    ]

    event = {
        "type": "ObjectEvent",
        "eventTime": "2026-06-12T08:00:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE",
        "epcList": [f"https://id.gs1.org/00/{sscc}"],
        "example:note": "LOT\ud80026",
    }
    epcis_doc = {
        "@context": [
            "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
            {"example": "https://example.com/"},
        ],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-06-12T08:00:00+07:00",
        "epcisBody": {"eventList": [event]},
    }
    out.append(
        Case("EPCIS: a lone surrogate in an extension", "POST", "/epcis/capture", json=epcis_doc)
    )
    out.append(
        Case(
            "EPCIS: a NUL in an extension",
            "POST",
            "/epcis/capture",
            json=epcis_doc | {"epcisBody": {"eventList": [event | {"example:note": "a\x00b"}]}},
        )
    )

    # paths and query strings of the API
    for path in (
        f"/lots/{SQL}",
        f"/trace/{SCRIPT}",
        "/lots/" + "A" * 500,
        f"/pallets/{SQL}",
        "/recall/%00",
        "/shipments/99999999999999999999",
        "/exports/epcis?from=notadate",
        "/exports/epcis?from=1900-01-01T00:00:00",
        "/epcis/events?eventCountLimit=-1",
        "/epcis/events?GE_eventTime=yesterday",
        "/lots?page=-1",
        "/lots?page_size=100000",
        f"/trace/{harvest}?direction=sideways",
        "/lots?page=abc",
    ):
        out.append(Case(f"GET {path[:40]}", "GET", path, role="inspector"))
    out.append(
        Case(
            "a lot's receipt, SQL in the path",
            "POST",
            f"/lots/{SQL}/receipts",
            json={
                "location_id": ids["house"],
                "received_at": "2026-06-10T14:00:00+07:00",
                "quantity": 1,
                "unit": "kg",
            },
        )
    )
    out.append(
        Case("a correction of event 0", "POST", "/events/0/corrections", json={"reason": "x"})
    )

    # the public routes: a page that says what is wrong, never a 500 or a 200
    for path in (
        "/01/08931234567896",
        "/01/0893123456789X",
        f"/01/{GTIN}/10/" + "A" * 21,
        f"/01/{GTIN}/10/LOT%20SPACE",
        f"/01/{GTIN}/10/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        f"/01/{GTIN}/10/%00",
        f"/01/{GTIN}/21/1/10/LOT",
        f"/01/{GTIN}/10/{packed}/21/" + "9" * 30,
        "/00/12345",
        f"/00/{sscc[:-1]}0" if not sscc.endswith("0") else f"/00/{sscc[:-1]}1",
        "/414/123",
        "/t/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/t/" + "%E2%80%AE" + "abc",
        f"/01/{GTIN}?17=999999",
        f"/01/{GTIN}?17=%3Cscript%3E",
        f"/01/{GTIN}/10/{packed}?linkType=javascript:alert(1)",
        f"/01/{GTIN}/10/{packed}?linkType=gs1:%3Cscript%3E",
        "/01/" + "0" * 5000,
    ):
        out.append(Case(f"public {path[:48]}", "GET", path, role=None, api=False))
    return out
