"""The linkset of a code (RFC 9264, GS1 Digital Link resolver): the links of a carton, its lot,
its product, a pallet or a place, and the paths their pages live at. Pure data in, data out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from trace.gs1 import digital_link

GS1_VOC = "https://ref.gs1.org/voc/"
# Older and CURIE spellings of the same link types that clients send as ?linkType=.
_VOC_PREFIXES = ("gs1:", "https://ref.gs1.org/voc/", "https://gs1.org/voc/", "http://gs1.org/voc/")


def link_type(name: str) -> str | None:
    """``gs1:epcis``, ``https://gs1.org/voc/epcis`` … → ``https://ref.gs1.org/voc/epcis``."""
    for prefix in _VOC_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            term = name[len(prefix) :]
            if re.fullmatch(r"[A-Za-z]+", term):
                return GS1_VOC + term
    return None


def gtin_path(gtin: str, lot: str | None = None, serial: str | None = None) -> str:
    """A product's, lot's or carton's Digital Link path (from the resolver's root)."""
    return digital_link("", gtin, lot, serial)


def lot_path(lot_code: str, gtin: str | None) -> str:
    """Where a lot's page lives: its Digital Link, or /t/{code} for a product without GTIN."""
    return gtin_path(gtin, lot_code) if gtin else f"/t/{quote(lot_code, safe='')}"


def _link(
    href: str, title: str, kind: str | None = "text/html", langs: Iterable[str] | None = None
) -> dict[str, Any]:
    link: dict[str, Any] = {"href": href, "title": title}
    if kind:
        link["type"] = kind
    if langs:
        link["hreflang"] = list(langs)
    return link


def _pages(anchor: str, title: str, languages: list[str]) -> list[dict[str, Any]]:
    """The HTML page of an anchor, once per language (the resolver picks by Accept-Language).

    GS1's linkset schema takes a language or language-region as hreflang (``zh``, ``en-GB``),
    not a script: a ``zh-Hans`` page is announced as ``zh``."""
    return [
        _link(f"{anchor}?lang={lang}", f"{title} ({lang})", langs=[lang.split("-")[0]])
        for lang in languages
    ]


def linkset(
    base: str,
    languages: list[str],
    *,
    product: dict[str, Any] | None = None,
    lot: dict[str, Any] | None = None,
    serial: str | None = None,
    pallet: dict[str, Any] | None = None,
    place: dict[str, Any] | None = None,
    gtin: str | None = None,
) -> dict[str, Any]:
    """The links of a code and of every level above it (carton → lot → product).

    The default link of each anchor is its own HTML page (the resolver serves it in place);
    the same page is also typed gs1:pip (product) or gs1:traceability (lot, carton, pallet).
    """
    entries = []
    name = (product or {}).get("name") or {}
    item = name.get("en") or next(iter(name.values()), None) or (product or {}).get("commodity")
    if pallet is not None:
        sscc = pallet["pallet"]["sscc"]
        title = "Where this pallet came from"
        entries.append(
            _entry(f"{base}/00/{sscc}", f"Pallet {sscc}", "traceability", title, languages)
        )
    if place is not None:
        gln, title = place["place"]["gln"], place["place"]["name"]
        entries.append(_entry(f"{base}/414/{gln}", title, "locationInfo", title, languages))
    if lot is not None:
        code, what = lot["lot"]["code"], item or lot["commodity"]
        if serial is not None:
            assert gtin is not None, "a carton's serial is read with its product's GTIN"
            anchor = base + gtin_path(gtin, code, serial)
            title = f"{what}, lot {code}, carton {serial}"
            entries.append(
                _entry(anchor, title, "traceability", "History and label check", languages)
            )
        entries.append(_lot_entry(base, languages, lot, gtin, f"{what}, lot {code}"))
    if product is not None and gtin is not None:
        title = item or "Product information"
        entries.append(_entry(f"{base}/01/{gtin}", item or gtin, "pip", title, languages))
    return {"linkset": entries}


def _entry(
    anchor: str, description: str, link_type: str, title: str, languages: list[str]
) -> dict[str, Any]:
    """An anchor whose default link is its own page, which is also its link of `link_type`
    (one per language)."""
    return {
        "anchor": anchor,
        "itemDescription": description,
        GS1_VOC + link_type: _pages(anchor, title, languages),
        GS1_VOC + "defaultLink": [_link(anchor, title, None)],
    }


def _lot_entry(
    base: str, languages: list[str], lot: dict[str, Any], gtin: str | None, what: str
) -> dict[str, Any]:
    """A lot's links: its page, its EPCIS events, the keys that sign them, its certificates."""
    code = lot["lot"]["code"]
    anchor = base + lot_path(code, gtin)
    links = _entry(anchor, what, "traceability", "Where and when it was grown", languages)
    links[GS1_VOC + "epcis"] = [
        _link(
            f"{base}/api/v1/exports/epcis?lot={quote(code, safe='')}",
            f"EPCIS 2.0 events of lot {code}",
            "application/ld+json",
        )
    ]
    # The keys that sign the exporter's evidence (signed EPCIS exports): how an importer
    # checks them (docs/epcis.md, "Verifying evidence").
    links["describedby"] = [
        _link(
            f"{base}/.well-known/trace-keys.json",
            "Keys that sign this exporter's evidence",
            "application/json",
        )
    ]
    certificates = [
        _link(
            f"{anchor}#certificates",
            f"{'Phytosanitary' if c['kind'] == 'phytosanitary' else 'Treatment'} certificate {c['number']}",
        )
        for c in lot["certificates"]
    ]
    if certificates:
        links[GS1_VOC + "certificationInfo"] = certificates
    return links


def find_link(links: dict[str, Any], wanted: str, language: str) -> dict[str, Any] | None:
    """The link of type `wanted` for the most specific anchor that has one, in `language`
    if there is a link in it."""
    for entry in links["linkset"]:
        candidates: list[dict[str, Any]] | None = entry.get(wanted)
        if candidates:
            for link in candidates:
                if {language, language.split("-")[0]} & set(link.get("hreflang", [])):
                    return link
            return candidates[0]
    return None
