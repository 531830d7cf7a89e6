"""The resolver against GS1's Digital Link rules: every link GS1's syntax engine calls valid is
answered (its item, or 404), every invalid one is a 400 that says why and changes nothing, and
GS1's resolver conformance criteria are checked one by one (docs/lookup.md lists the answers).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.flows import BROWSER, GTIN
from tests.lookup.conftest import LOT_URL
from tests.lookup.test_lookup_pages import text_of
from tests.lookup.test_lookup_scans import scans

GLN = "8931234000011"  # the packing house of tests/flows.py
CRITERIA = Path(__file__).parents[1] / "gs1" / "vectors" / "resolver-conformance-criteria.txt"

# Valid GS1 Digital Links that GS1's resolver standard says a resolver SHALL take (all key
# qualifiers), and the page trace answers with: the most specific item it knows.
QUALIFIED = [
    (f"/01/{GTIN}/22/2A/10/LOT%2F26A", "lot"),  # a CPV trace does not record: the lot
    (f"/01/{GTIN}/22/2A/10/LOT%2F26A/21/7", "lot"),  # ... and a carton of it
    (f"/01/{GTIN}/22/2A", "product"),
    (f"/01/{GTIN}/235/TPX-1", "product"),  # a third-party serial: the product
    (f"/414/{GLN}/254/32a%2Fb", "place"),  # a GLN extension: the place
    (f"/414/{GLN}/7040/1AB_", "place"),
]

# (query string on the lot's link, the English sentence's telling part): GS1's syntax engine
# refuses each (tests/gs1/vectors/syntax-engine-dl.json for the kinds).
BAD_ATTRIBUTES = [
    ("?99=", "The value “” given for 99 is not valid"),
    ("?999=x", "999, which is not a GS1 Application Identifier"),
    ("?89=ABC", "89, which is not a GS1 Application Identifier"),
    ("?10=LOT26A", "The part 10 appears twice"),
    ("?17=260731&17=260801", "The part 17 appears twice"),
    ("?4321=2", "The value “2” given for 4321 is not valid"),
    ("?22=2A", "22 cannot be given after “?”"),
    ("?422=999", "The value “999” given for 422 is not valid"),
    ("?99=A+B", "The value “A B” given for 99 is not valid"),  # "+" is a space there
    ("?3922=0299", "3922 is only valid together with"),  # a price per unit needs 30, 31nn…
]


def _kind(response) -> str:
    html = response.get_data(as_text=True)
    for kind, mark in (("lot", "LOT/26A"), ("place", "Thanh Hà Fruit Packing")):
        if mark in html:
            return kind
    return "product"


def test_every_key_qualifier_resolves_to_the_most_specific_item_known(client, story):
    for path, kind in QUALIFIED:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _kind(response) == kind, path


def test_attributes_gs1s_engine_refuses_get_400_saying_why_and_count_no_scan(client, engine, story):
    serial = story["serials"][6]
    carton = f"{LOT_URL}/21/{serial}"
    for query, sentence in BAD_ATTRIBUTES:
        response = client.get(carton + query, headers={**BROWSER, "Accept-Language": "en"})
        assert response.status_code == 400, query
        assert sentence in text_of(response), query
    assert scans(engine, serial) == 0  # a refused request changes nothing
    good = client.get(f"{carton}?17=260731&3103=000195&422=704&99=A%2BB", headers=BROWSER)
    assert good.status_code == 200
    assert scans(engine, serial) == 1


def test_the_400_for_a_misplaced_attribute_is_worded_in_each_language(client):
    for language, sentence in (
        ("en", "10 belongs in the path of the code (/10/…)"),
        ("vi", "10 phải nằm trong đường dẫn của mã"),
        ("ja", "10 は「?」の後ではなく"),
    ):
        response = client.get(f"/01/{GTIN}?10=LOT26A", headers={"Accept-Language": language})
        assert response.status_code == 400
        assert sentence in text_of(response), language
    machine = client.get(f"/01/{GTIN}?10=LOT26A", headers={"Accept": "application/json"})
    assert machine.status_code == 400
    assert machine.json["code"] == 400 and "belongs in the path" in machine.json["message"]


@pytest.mark.parametrize(
    "path",
    [f"/01//{GTIN}", f"/01/{GTIN}//10/LOT", f"/01/{GTIN}/10//21/1", f"/414//{GLN}"],
)
def test_an_empty_path_segment_is_a_400_not_a_redirect(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "empty part" in text_of(response)
    assert "Location" not in response.headers


def test_valid_links_of_keys_trace_does_not_issue_are_404_and_invalid_ones_400(client):
    for path in ("/8004/095060001343", "/8010/1234ABC/8011/1", "/253/1231231231232"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["Link"].startswith(f"<http://127.0.0.1:5000{path}?")
    for path in ("/8004/095060001343/21/1", "/253/1231231231233", "/8010/1234abc"):
        assert client.get(path).status_code == 400, path


def test_a_broken_code_never_reaches_a_header(client):
    response = client.get(f"/01/{GTIN}/10/%0D%0ASet-Cookie:x=1")
    assert response.status_code == 400
    assert "x=1" not in response.headers.get("Set-Cookie", "")
    assert all("\n" not in value and "\r" not in value for _, value in response.headers)


# --- GS1's resolver conformance criteria, one by one ------------------------------------------

# Each line of GS1's list (vendored from gs1/GS1DL-resolver-testsuite) → how trace answers:
# "checked" (the test below checks it), "elsewhere: <test>" or "no: <why>".
ANSWERS = {
    "For primary keys that have key qualifiers, all key qualifiers SHALL be supported": "checked",
    "SHALL support HTTP 1.1 (or higher) GET, HEAD and OPTIONS requests.": "checked",
    "SHALL support HTTP Over TLS (HTTPS)": "no: TLS is the reverse proxy's (docs/operations.md)",
    "SHALL support CORS": "checked",
    "SHALL extract and syntactically validate the URI and report errors with an HTTP response"
    " code of 400.": "checked",
    "SHALL NOT use a 200 OK response code with a resource that indicates an error condition.":
        "checked",
    "Compression:": "heading",
    "- A resolver SHALL be able to decompress a URI to generate a GS1 Digital Link URI.":
        "elsewhere: test_a_compressed_link_is_answered_like_the_uncompressed_one",
    "- A resolver SHOULD NOT redirect to the equivalent uncompressed URI on the same resolver.":
        "elsewhere: test_a_compressed_link_is_answered_like_the_uncompressed_one",
    "- It SHALL expose the uncompressed URI in the Link response header with a rel value of"
    " owl:sameAs.": "elsewhere: test_a_compressed_link_is_answered_like_the_uncompressed_one",
    "- If redirecting to an alternative resolver, should redirect to the relevant uncompressed"
    " GS1 Digital Link URI.": "no: not applicable, trace redirects no codes to other resolvers",
    "Linksets:": "heading",
    "- SHALL respond to a query parameter of linkType set to linkset and/or a request with the"
    " HTTP Accept header set to application/linkset+json by returning a list of links available"
    " to the client application. The list SHALL be available as per RFC9264.": "checked",
    "- If the request GS1 Digital Link URI includes one or more key qualifiers, any links"
    " associated with each level up to the primary key SHALL be included in the linkset.":
        "elsewhere: test_lookup_linkset.py::test_a_cartons_linkset_has_every_level_up_to_the_gtin",
    "- The URI used as the subject of facts presented SHALL be the uncompressed version.":
        "checked",
    "- All links in the linkset SHALL include the target URL, the link type and a link title,"
    " and SHOULD include the human language(s).": "checked",
    "- If a media type is defined for a link, it SHALL be one defined by IANA.": "checked",
    "- Links that are typed gs1:defaultLink or gs1:defaultLinkMulti SHALL also be described"
    " using a descriptive link type": "checked",
    "- the resolver SHOULD include an HTTP Link header pointing to a JSON-LD context file with a"
    " rel type of http://www.w3.org/ns/json-ld#context that itself should be served with a media"
    " type of application/ld+json.": "no: a SHOULD; trace serves no JSON-LD context file",
    "- The resolver SHALL recognise one available link as the default for any given request"
    " URI. The default link SHALL NOT have any optional attributes.": "checked",
    "The resolver SHALL redirect to the default link unless there is information supplied in"
    " the request that can be used to make a better match.":
        "no: the default link is the item's own page on this service, served in place",
    "For any request URI, no matter how granular, there SHALL be a default link at the entry"
    " level or higher up the tree": "checked",
    "SHALL redirect to the requested type of link if available.": "checked",
    "SHALL return a 404 Not Found message if a link of the requested type is not available.":
        "checked",
    "By default, SHALL pass on all key=value pairs in the query string of the request URI (if"
    " present) when redirecting.": "checked",
    "SHOULD support use of the Accept-Language and MAY support Accept HTTP Request Headers, and"
    " the context keyword in the query string, to disambiguate between multiple links of the"
    " same linkType": "checked",
    "Resolver Description File:": "heading",
    "- The resolver SHALL provide a resolver description file at /.well-known/gs1resolver":
        "checked",
    "- The list of supported primary identifiers SHALL be provided in the Resolver Description"
    " File": "checked",
    "- A context file that can be used to render the linkset as JSON-LD SHOULD be declared in"
    " the Resolver Description File.": "no: a SHOULD; trace serves no JSON-LD context file",
    "If supporting redirection based on an MO or Global Company Prefix with no further"
    " processing taking place on the resolver, redirections SHALL be annotated with the"
    " gs1:handledBy link type instead of the link to the linkset.":
        "no: not applicable, trace resolves its own codes and redirects none onward",
    "SHOULD tolerate trailing slashes at the end of GS1 Digital Link URIs, i.e. the resolver"
    " SHOULD NOT fail if one is present.": "checked",
    "SHOULD expose link to the linkset in an HTTP Link header, even when redirecting.": "checked",
    "SHALL recognise one available link as the default for any given request URI.": "checked",
    "All links exposed SHALL include the target URL, the link relationship type (the link type)"
    " and a human-readable title": "checked",
    "SHALL redirect to the default link unless there is information in the request that can be"
    " matched against available link metadata to provide a better response.":
        "no: the default link is the item's own page on this service, served in place",
    "SHALL redirect to the requested linkType if available": "checked",
    "SHALL provide a resolver description file at /.well-known/gs1resolver.": "checked",
    "If supporting multiple links per identified item, SHALL recognise the GS1 Web vocabulary"
    " namespace, noting its change management practice. A resolver MAY recognise additional"
    " namespaces but link types defined elsewhere SHALL NOT duplicate link types available from"
    " GS1.": "checked",
    "If supporting redirection based on an MO or Global Company Prefix with no further"
    " processing taking place on the resolver, redirections SHALL be annotated with the"
    " gs1:handledBy link type.": "no: not applicable, trace redirects no codes onward",
}  # fmt: skip


def criteria() -> list[str]:
    return [line.strip() for line in CRITERIA.read_text().splitlines() if line.strip()]


def test_every_criterion_of_gs1s_list_has_an_answer():
    assert set(criteria()) == set(ANSWERS)
    assert all(
        answer in ("checked", "heading") or answer.startswith(("no: ", "elsewhere: "))
        for answer in ANSWERS.values()
    )


VOC = "https://ref.gs1.org/voc/"
IANA_TYPES = {"text/html", "application/json", "application/ld+json", "text/csv"}


def test_the_criteria_answered_checked_hold(client, story):
    carton = f"{LOT_URL}/21/7"
    # all key qualifiers; GET, HEAD and OPTIONS; CORS
    assert client.get(f"/01/{GTIN}/22/2A/10/LOT%2F26A").status_code == 200
    assert client.head(LOT_URL).status_code == 200
    options = client.options(LOT_URL)
    assert options.status_code == 200
    assert options.headers["Access-Control-Allow-Origin"] == "*"
    # syntax validated, errors 400 and never 200; trailing slash tolerated
    assert client.get(f"{LOT_URL}?4321=2").status_code == 400
    assert client.get(f"/01/{GTIN}/10/LOT%2026A").status_code == 400
    assert client.get(f"{LOT_URL}/").status_code == 200
    # linksets: by linkType and by Accept; anchored on the (uncompressed) request URI
    by_type = client.get(f"{carton}?linkType=linkset")
    by_accept = client.get(carton, headers={"Accept": "application/linkset+json"})
    assert by_type.mimetype == by_accept.mimetype == "application/linkset+json"
    sets = by_type.json["linkset"]
    assert sets[0]["anchor"].endswith(carton)
    for anchor in sets:
        links = {k: v for k, v in anchor.items() if isinstance(v, list)}  # not itemDescription
        assert f"{VOC}defaultLink" in links  # a default link at every level
        default = links[f"{VOC}defaultLink"]
        assert len(default) == 1 and set(default[0]) == {"href", "title"}  # no optional attrs
        described = [
            link["href"] for rel, ls in links.items() if rel != f"{VOC}defaultLink" for link in ls
        ]
        # described by a descriptive type too (there once per language: ?lang=…)
        assert default[0]["href"] in {href.split("?")[0] for href in described}
        for rel, ls in links.items():
            # GS1 Web vocabulary link types; and the instance's signing keys, linked with
            # IANA's registered `describedby` (RFC 9264 allows registered relation types)
            assert rel.startswith(VOC) or rel == "describedby", rel
            for link in ls:
                assert link["href"] and link["title"]
                assert link.get("type", "text/html") in IANA_TYPES
    # redirect to a requested link type, query passed on, linkset in the Link header; else 404
    redirect = client.get(f"{LOT_URL}?linkType=gs1:epcis&17=260731")
    assert redirect.status_code == 307
    assert redirect.headers["Location"].endswith("&17=260731")
    assert 'rel="linkset"' in redirect.headers["Link"]
    assert client.get(f"{LOT_URL}?linkType=gs1:nutritionalInfo").status_code == 404
    # Accept-Language chooses among links of one type
    vi = client.get(f"{LOT_URL}?linkType=gs1:traceability", headers={"Accept-Language": "vi"})
    assert "lang=vi" in vi.headers["Location"]
    # the resolver description file and its primary keys
    description = client.get("/.well-known/gs1resolver").json
    assert {"01", "00", "414"} <= set(description["supportedPrimaryKeys"])


def test_a_compressed_link_is_answered_like_the_uncompressed_one(client, engine, story):
    # /01/08931234567897/10/LOT%2F26A/21/7 as GS1's compression prototype writes it
    response = client.get("/CxA-7iCtsw8yfUXsm0EhAX", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "LOT/26A" in response.get_data(as_text=True)
    assert f'<http://127.0.0.1:5000{LOT_URL}/21/7>; rel="owl:sameAs"' in response.headers.getlist(
        "Link"
    )
    # The same answer as the uncompressed link's, counting included: serial 7 was never
    # printed (the labels carry random serials), so neither counts a scan.
    same = client.get("/CxA-7iCtsw8yfUXsm0EhAX", headers={**BROWSER, "Accept-Language": "en"})
    plain = client.get(f"{LOT_URL}/21/7", headers={**BROWSER, "Accept-Language": "en"})
    assert text_of(same) == text_of(plain)
    assert scans(engine, "7") == 0
    linkset = client.get("/CxA-7iCtsw8yfUXsm0EhAX?linkType=linkset")
    assert linkset.json["linkset"][0]["anchor"].endswith(f"{LOT_URL}/21/7")  # uncompressed
    assert client.get("/ARFRJydaKA").status_code == 404  # a GTIN nobody registered
    assert client.get("/ZZZZZZZZZZZZ").status_code == 404  # not a compressed link
