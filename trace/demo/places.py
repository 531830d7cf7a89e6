"""The demo season's locations: the data `masterdata.create_location` takes for each orchard,
packing house, treatment facility and party, with its codes, phone and address."""

from __future__ import annotations

from .data import (
    CARTONS,
    DISTRICTS,
    EXPORT_ISSUER,
    FACILITIES,
    FIELD_WORDS,
    GACC_CODES,
    HOUSES,
    ORCHARDS,
    PARTIES,
    YEAR,
    Facility,
    House,
    Orchard,
    Party,
    gs1_key,
    initials,
    orchard_key,
)


def _codes(scheme: str, value: str, markets: str, issuer: str = EXPORT_ISSUER) -> list[dict]:
    codes = []
    for market in markets.split():
        market, _, status = market.partition(":")
        codes.append(
            {
                "scheme": scheme,
                "value": value,
                "market": market,
                "status": status or "active",
                "issuer": issuer,
                "season": str(YEAR),
            }
        )
    return codes


def _gacc(key: str) -> list[dict]:
    """The place's GACC registration for China, if it holds one."""
    return _codes("GACC", GACC_CODES[key], "CN", "GACC") if key in GACC_CODES else []


# Postal codes and telephone area codes of the provinces, for the places' FSMA 204 location
# descriptions (21 CFR 1.1310: phone number and address). The numbers are made up.
POSTAL = {"Hải Dương": "03000", "Bắc Giang": "26000", "Hà Nội": "10000", "Hải Phòng": "04000"}
AREA = {"Hải Dương": "220", "Bắc Giang": "204", "Hà Nội": "24", "Hải Phòng": "225"}
EXPORTER_CONTACT = {
    "name": "Hải Dương Agri Export — chăm sóc khách hàng",
    "email": "care@haiduong-agri.example",
    "website": "https://haiduong-agri.example/vai-thieu",
}
PARTY_CONTACT = {  # key: (postal code, phone)
    "exporter": ("03000", "+84 220 3850 200"),
    "tokyo": ("143-0001", "+81 3 5555 0123"),
    "los-angeles": ("90021", "+1 213 555 0142"),
    "sydney": ("2140", "+61 2 5550 0175"),
    "busan": ("46750", "+82 51 555 0128"),
    "rotterdam": ("2991 LN", "+31 180 555 014"),
    "pingxiang": ("532600", "+86 771 555 0188"),
    "hai-phong": ("04000", "+84 225 3850 300"),
}


def _field_word(orchard: Orchard) -> str:
    return FIELD_WORDS[CARTONS[DISTRICTS[orchard.district][1]].commodity]


def _phone(province: str, number: int) -> str:
    return f"+84 {AREA[province]} 3850 {number:03d}"


def places(company_prefix: str) -> list[tuple[str, dict]]:
    """Every location's key and the data `masterdata.create_location` takes."""
    return [
        *(_orchard(index, orchard) for index, orchard in enumerate(ORCHARDS, 1)),
        *(_house(index, house, company_prefix) for index, house in enumerate(HOUSES, 50)),
        *(_facility(index, facility) for index, facility in enumerate(FACILITIES, 80)),
        *(_party(party, company_prefix) for party in PARTIES),
    ]


def _place(kind: str, name: str, province: str, index: int, **address: str) -> dict:
    """A Vietnamese place's kind, name, phone and address (with its province's postal code)."""
    return {
        "kind": kind,
        "name": name,
        "phone": _phone(province, index),
        "address": {
            **address,
            "province": province,
            "postal_code": POSTAL[province],
            "country": "VN",
        },
    }


def _orchard(index: int, orchard: Orchard) -> tuple[str, dict]:
    province, _ = DISTRICTS[orchard.district]
    district, commune = initials(orchard.district), initials(orchard.commune)
    domestic = f"VN-{initials(province)}-{district}-{commune}-{orchard.number:02d}-{YEAR % 100}"
    issuer = f"Chi cục Trồng trọt và Bảo vệ thực vật {province}"
    name = f"{_field_word(orchard)} {orchard.commune} {orchard.number:02d}"
    data = _place(
        "orchard", name, province, index, commune=orchard.commune, district=orchard.district
    )
    data["codes"] = (
        _codes("PUC", domestic, "VN", issuer)
        + _codes("PUC", orchard.export_code, orchard.markets)
        + _gacc(orchard_key(orchard))
    )
    return orchard_key(orchard), data


def _house(index: int, house: House, company_prefix: str) -> tuple[str, dict]:
    province, _ = DISTRICTS[house.district]
    data = _place(
        "packing_house", house.name, province, index, commune=house.commune, district=house.district
    )
    data["codes"] = _codes("PHC", house.phc, house.markets) + _gacc(house.key)
    if house.gln:
        data["gln"] = gs1_key(company_prefix, house.gln)
    return house.key, data


def _facility(index: int, facility: Facility) -> tuple[str, dict]:
    data = _place("treatment_facility", facility.name, "Hà Nội", index, district=facility.district)
    data["codes"] = _codes("TFC", facility.tfc, facility.markets)
    data["methods"] = [facility.key]
    return facility.key, data


def _party(party: Party, company_prefix: str) -> tuple[str, dict]:
    postal_code, phone = PARTY_CONTACT[party.key]
    data = {
        "kind": party.kind,
        "name": party.name,
        "phone": phone,
        "address": {**party.address, "postal_code": postal_code},
    }
    if party.gln:
        data["gln"] = gs1_key(company_prefix, party.gln)
    if party.kind == "exporter":  # named on its cartons' public pages and labels
        data["contact"] = {**EXPORTER_CONTACT, "phone": phone}
    return party.key, data
