"""The Erasmus Without Paper documents, validated against the EWP schemas kept beside this
file (ewp_schemas/README.md), offline: every address a schema names is mapped to a file
here, and the loader may read nothing but local files."""

import functools
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from django.core.exceptions import ImproperlyConfigured

from partners import ewp
from partners.models import Organization
from tests.factories import make_agreement, make_organization

SCHEMAS = Path(__file__).parent / "ewp_schemas"
COMMON_TYPES = SCHEMAS / "schemas/ewp-specs-architecture-v1.13.0/common-types.xsd"
XML_XSD = Path(xmlschema.__file__).parent / "schemas/XML/xml.xsd"
# Where the vendored schemas point outside this folder. The W3C's xml.xsd is xmlschema's own
# copy; the factsheet schema names common types 1.16.0, which add nothing it uses to
# 1.13.0 (same namespace), and the phone number type by its address on GitHub.
ELSEWHERE = {
    "http://www.w3.org/2001/03/xml.xsd": XML_XSD,
    "https://raw.githubusercontent.com/erasmus-without-paper/ewp-specs-architecture/stable-v1/"
    "common-types.xsd": COMMON_TYPES,
    "https://raw.githubusercontent.com/erasmus-without-paper/ewp-specs-types-phonenumber/"
    "stable-v1/schema.xsd": SCHEMAS / "schemas/ewp-specs-types-phonenumber-v1.0.1/schema.xsd",
    (SCHEMAS / "schemas/xml.xsd").as_uri(): XML_XSD,
    (SCHEMAS / "schemas/ewp-specs-architecture-v1.16.0/common-types.xsd").as_uri(): COMMON_TYPES,
}
RESPONSES = {
    "institutions": "schemas/ewp-specs-api-institutions-v2.2.0/response.xsd",
    "ounits": "jaxb-schemas/ewp-specs-api-ounits-v2.1.0/response.xsd",
    "factsheet": "schemas/ewp-specs-api-factsheet-v1.2.0/response.xsd",
    "error": "schemas/ewp-specs-architecture-v1.13.0/common-types.xsd",
}
NS = {
    "i": ewp.INSTITUTIONS,
    "o": ewp.OUNITS,
    "f": ewp.FACTSHEET,
    "ewp": ewp.COMMON,
    "a": ewp.ADDRESS,
    "c": ewp.CONTACT,
    "p": ewp.PHONE,
}
LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def local(uri: str) -> str:
    uri = uri if "://" in uri else Path(uri).as_uri()
    return ELSEWHERE[uri].as_uri() if uri in ELSEWHERE else uri


@functools.cache
def schema(kind: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / RESPONSES[kind]), uri_mapper=local, allow="local")


def valid(response, kind: str) -> ET.Element:
    """The response's document, after checking it is EWP's XML of that kind."""
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    schema(kind).validate(response.content)
    return ET.fromstring(response.content)


@pytest.fixture
def host(db, settings):
    """The host university, with its names in three languages and an office (a unit)."""
    university = make_organization(
        slug=settings.SITE_HOST_ORGANIZATION,
        schac_code="spbstu.ru",
        name_en="Polytechnic University",
        name_ru="Политехнический университет",
        name_zh_hans="理工大学",
        short_name_en="SPbPU",
        city_en="St. Petersburg",
        country="RU",
        website="https://www.spbstu.ru/",
        erasmus_code="RU SAINT-P01",
        pic="999999999",
    )
    make_organization(
        slug="shanghai-office",
        kind=Organization.Kind.OFFICE,
        name_en="Office in Shanghai",
        name_ru="Представительство в Шанхае",
        name_zh_hans="上海代表处",
        parent=university,
        city_en="Shanghai",
        country="CN",
    )
    return university


@pytest.fixture
def partner(db):
    return make_organization(
        slug="partner",
        schac_code="partner.example.edu",
        name_en="Partner University",
        name_ru="Университет-партнёр",
        name_zh_hans="合作大学",
        country="FR",
        city_en="Paris",
    )


# Institutions


def test_the_seed_host_university_validates_with_its_office_as_a_unit(client, seed_entities):
    office = Organization.objects.get(slug="spbpu-shanghai")

    root = valid(client.get("/ewp/institutions", {"hei_id": "spbstu.ru"}), "institutions")

    hei = root.find("i:hei", NS)
    assert hei.findtext("i:hei-id", namespaces=NS) == "spbstu.ru"
    names = {name.get(LANG): name.text for name in hei.findall("i:name", NS)}
    assert names["en"] == "Peter the Great St. Petersburg Polytechnic University"
    assert names["ru"] == "Санкт-Петербургский политехнический университет Петра Великого"
    assert names["zh-Hans"] == "圣彼得堡彼得大帝理工大学"
    assert hei.findtext("i:abbreviation", namespaces=NS) == "SPbPU"
    assert str(office.pk) in [unit.text for unit in hei.findall("i:ounit-id", NS)]


def test_institutions_tell_identifiers_names_place_contacts_and_units(client, host, partner):
    response = client.get("/ewp/institutions", {"hei_id": ["spbstu.ru", "partner.example.edu"]})

    root = valid(response, "institutions")
    ours, theirs = root.findall("i:hei", NS)
    assert {other.get("type"): other.text for other in ours.findall("i:other-id", NS)} == {
        "erasmus": "RU SAINT-P01",
        "pic": "999999999",
    }
    assert [name.get(LANG) for name in ours.findall("i:name", NS)] == ["en", "ru", "zh-Hans"]
    assert ours.findtext("a:street-address/a:locality", namespaces=NS) == "St. Petersburg"
    assert ours.findtext("a:street-address/a:country", namespaces=NS) == "RU"
    assert ours.findtext("i:website-url", namespaces=NS) == "https://www.spbstu.ru/"
    contact = ours.find("c:contact", NS)
    assert contact.findtext("c:email", namespaces=NS) == "international@spbstu.ru"
    assert contact.findtext("p:phone-number/p:e164", namespaces=NS) == "+78122971616"
    office = Organization.objects.get(slug="shanghai-office")
    assert ours.findtext("i:root-ounit-id", namespaces=NS) == str(host.pk)
    assert [unit.text for unit in ours.findall("i:ounit-id", NS)] == [str(host.pk), str(office.pk)]
    # A partner's contacts are not the office's to give.
    assert theirs.findtext("i:hei-id", namespaces=NS) == "partner.example.edu"
    assert theirs.find("c:contact", NS) is None


def test_an_unknown_id_is_left_out(client, host):
    root = valid(
        client.get("/ewp/institutions", {"hei_id": ["unknown.example.org", "spbstu.ru"]}),
        "institutions",
    )

    assert [hei.findtext("i:hei-id", namespaces=NS) for hei in root.findall("i:hei", NS)] == [
        "spbstu.ru"
    ]


def test_a_partner_without_a_schac_code_and_the_hosts_office_are_no_institutions(
    client, host, partner
):
    unnamed = make_organization(slug="no-schac", erasmus_code="F  PARIS001")
    Organization.objects.filter(slug="shanghai-office").update(schac_code="shanghai.example.cn")

    root = valid(
        client.get(
            "/ewp/institutions",
            {"hei_id": [unnamed.slug, "F  PARIS001", str(unnamed.pk), "shanghai.example.cn"]},
        ),
        "institutions",
    )

    assert root.findall("i:hei", NS) == []
    assert set(Organization.objects.institutions()) == {host, partner}


def test_get_and_post_give_the_same_document(client, host, partner):
    ids = {"hei_id": ["spbstu.ru", "partner.example.edu"]}

    got = client.get("/ewp/institutions", ids)
    posted = client.post("/ewp/institutions", ids)

    assert got.status_code == posted.status_code == 200
    assert got.content == posted.content


def test_too_many_ids_are_refused_with_an_ewp_error(client, host):
    ids = [f"university{number}.example.org" for number in range(ewp.MAX_HEI_IDS + 1)]

    for method in (client.get, client.post):
        response = method("/ewp/institutions", {"hei_id": ids})

        assert response.status_code == 400
        message = valid(response, "error").findtext("ewp:developer-message", namespaces=NS)
        assert message == f"At most {ewp.MAX_HEI_IDS} hei_id values are accepted; 101 were given."


def test_the_announced_maximum_of_ids_is_served(client, host):
    ids = ["spbstu.ru", *(f"university{n}.example.org" for n in range(ewp.MAX_HEI_IDS - 1))]

    assert client.get("/ewp/institutions", {"hei_id": ids}).status_code == 200


@pytest.mark.parametrize(
    "address, query",
    [
        ("/ewp/institutions", {}),
        ("/ewp/institutions", {"hei_id": ""}),
        ("/ewp/factsheet", {}),
        ("/ewp/ounits", {"ounit_id": "1"}),
        ("/ewp/ounits", {"hei_id": "spbstu.ru"}),
    ],
)
def test_a_missing_parameter_is_a_400_saying_which(client, host, address, query):
    response = client.get(address, query)

    assert response.status_code == 400
    assert "required" in valid(response, "error").findtext("ewp:developer-message", namespaces=NS)


@pytest.mark.parametrize("address", ["/ewp/institutions", "/ewp/ounits", "/ewp/factsheet"])
def test_other_methods_are_not_allowed(client, db, address):
    assert client.put(address).status_code == 405
    assert client.delete(address).status_code == 405


def test_a_name_with_markup_is_text_and_still_valid(client, host, partner):
    Organization.objects.filter(pk=partner.pk).update(
        name_en="<script>alert(1)</script> & Sons", short_name_en="A&B\x01"
    )

    response = client.get("/ewp/institutions", {"hei_id": "partner.example.edu"})

    assert b"<script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons" in response.content
    hei = valid(response, "institutions").find("i:hei", NS)
    assert hei.findtext("i:name", namespaces=NS) == "<script>alert(1)</script> & Sons"
    assert hei.findtext("i:abbreviation", namespaces=NS) == "A&B"


def test_a_logo_is_given_by_its_secure_address_only(client, host):
    Organization.objects.filter(pk=host.pk).update(logo="logos/spbpu.png")

    secure = valid(
        client.get("/ewp/institutions", {"hei_id": "spbstu.ru"}, secure=True), "institutions"
    )
    plain = valid(client.get("/ewp/institutions", {"hei_id": "spbstu.ru"}), "institutions")

    logo = secure.findtext("i:hei/i:logo-url", namespaces=NS)
    assert logo.startswith("https://testserver/") and logo.endswith("logos/spbpu.png")
    assert plain.find("i:hei/i:logo-url", NS) is None


def test_no_agreement_or_private_note_is_in_any_document(client, host, partner):
    make_agreement(parties=[host, partner], notes="SENTINEL-PRIVATE-NOTE", published=False)
    requests = [
        ("/ewp/institutions", {"hei_id": ["spbstu.ru", "partner.example.edu"]}),
        ("/ewp/ounits", {"hei_id": "spbstu.ru", "ounit_code": ["spbpu", "shanghai-office"]}),
        ("/ewp/factsheet", {"hei_id": "spbstu.ru"}),
    ]

    for address, query in requests:
        response = client.get(address, query)
        assert response.status_code == 200
        assert b"SENTINEL" not in response.content
        assert b"Agreement" not in response.content


@pytest.mark.parametrize("count", [1, 30])
def test_institutions_cost_two_queries_however_many(
    client, host, django_assert_max_num_queries, count
):
    partners = [
        make_organization(schac_code=f"partner{n}.example.org", name_ru=f"Партнёр {n}")
        for n in range(count)
    ]
    for partner in partners:
        make_organization(parent=partner, kind=Organization.Kind.OFFICE)
    ids = [partner.schac_code for partner in partners]

    with django_assert_max_num_queries(2):
        response = client.get("/ewp/institutions", {"hei_id": ids})

    assert len(valid(response, "institutions").findall("i:hei", NS)) == count


# Organisational units


def test_units_by_id_and_by_code_validate_and_form_a_tree(client, host):
    office = Organization.objects.get(slug="shanghai-office")

    by_id = client.get("/ewp/ounits", {"hei_id": "spbstu.ru", "ounit_id": [office.pk, host.pk]})
    by_code = client.post(
        "/ewp/ounits", {"hei_id": "spbstu.ru", "ounit_code": ["shanghai-office", "spbpu"]}
    )

    root = valid(by_id, "ounits")
    assert by_code.content == by_id.content
    unit, university = root.findall("o:ounit", NS)
    assert unit.findtext("o:ounit-id", namespaces=NS) == str(office.pk)
    assert unit.findtext("o:ounit-code", namespaces=NS) == "shanghai-office"
    assert unit.findtext("o:parent-ounit-id", namespaces=NS) == str(host.pk)
    assert [name.text for name in unit.findall("o:name", NS)] == [
        "Office in Shanghai",
        "Представительство в Шанхае",
        "上海代表处",
    ]
    assert unit.findtext("a:street-address/a:locality", namespaces=NS) == "Shanghai"
    assert university.find("o:parent-ounit-id", NS) is None
    assert university.findtext("o:abbreviation", namespaces=NS) == "SPbPU"


def test_units_of_another_institution_and_unknown_ones_are_left_out(client, host, partner):
    theirs = make_organization(parent=partner, kind=Organization.Kind.OFFICE)

    root = valid(
        client.get(
            "/ewp/ounits", {"hei_id": "spbstu.ru", "ounit_id": [theirs.pk, "999999", "x y"]}
        ),
        "ounits",
    )

    assert root.findall("o:ounit", NS) == []


@pytest.mark.parametrize(
    "query, message",
    [
        (
            {"hei_id": "unknown.example.org", "ounit_id": "1"},
            "Unknown hei_id: 'unknown.example.org' is not an institution served here.",
        ),
        (
            {"hei_id": ["spbstu.ru", "partner.example.edu"], "ounit_id": "1"},
            "Give exactly one hei_id: units are asked of one institution.",
        ),
        (
            {"hei_id": "spbstu.ru", "ounit_id": "1", "ounit_code": "spbpu"},
            "Give ounit_id or ounit_code, not both.",
        ),
        (
            {"hei_id": "spbstu.ru", "ounit_id": [str(n) for n in range(ewp.MAX_OUNIT_IDS + 1)]},
            f"At most {ewp.MAX_OUNIT_IDS} ounit_id values are accepted; 101 were given.",
        ),
    ],
)
def test_a_bad_units_request_is_a_400_saying_why(client, host, partner, query, message):
    response = client.get("/ewp/ounits", query)

    assert response.status_code == 400
    assert valid(response, "error").findtext("ewp:developer-message", namespaces=NS) == message


@pytest.mark.parametrize("count", [1, 30])
def test_units_cost_two_queries_however_many(client, host, django_assert_max_num_queries, count):
    units = [make_organization(parent=host, kind=Organization.Kind.OFFICE) for _n in range(count)]

    with django_assert_max_num_queries(2):
        response = client.get(
            "/ewp/ounits", {"hei_id": "spbstu.ru", "ounit_id": [unit.pk for unit in units]}
        )

    assert len(valid(response, "ounits").findall("o:ounit", NS)) == count


# Factsheet


def test_the_host_factsheet_validates_from_the_settings(client, host, partner, settings):
    settings.EWP_FACTSHEET = {
        **settings.EWP_FACTSHEET,
        "nominations_autumn": "04-30",
        "housing_url": "https://www.spbstu.ru/housing/",
        "decision_weeks": 4,
    }

    root = valid(
        client.get("/ewp/factsheet", {"hei_id": ["partner.example.edu", "spbstu.ru"]}),
        "factsheet",
    )

    # Only the host's: the site keeps no partner's deadlines.
    (factsheet,) = root.findall("f:factsheet", NS)
    assert factsheet.findtext("f:hei-id", namespaces=NS) == "spbstu.ru"
    nominations = "f:calendar/f:student-nominations/f:autumn-term"
    assert factsheet.findtext(nominations, namespaces=NS) == "--04-30"
    assert factsheet.findtext("f:decision-weeks-limit", namespaces=NS) == "4"
    housing = factsheet.find("f:housing-info", NS)
    assert housing.findtext("f:website-url", namespaces=NS) == "https://www.spbstu.ru/housing/"
    assert housing.findtext("f:email", namespaces=NS) == "international@spbstu.ru"


def test_a_phone_number_that_is_not_e164_is_given_as_written(client, host, settings):
    settings.OFFICE_PHONE = "ext. 1234 (front desk)"

    root = valid(client.get("/ewp/factsheet", {"hei_id": "spbstu.ru"}), "factsheet")

    phone = root.find("f:factsheet/f:application-info/p:phone-number", NS)
    assert phone.find("p:e164", NS) is None
    assert phone.findtext("p:other-format", namespaces=NS) == "ext. 1234 (front desk)"


def test_the_factsheet_is_for_the_host_only(client, host, partner):
    root = valid(client.get("/ewp/factsheet", {"hei_id": "partner.example.edu"}), "factsheet")

    assert root.findall("f:factsheet", NS) == []


@pytest.mark.parametrize("count", [1, 100])
def test_the_factsheet_costs_one_query_however_many_ids(
    client, host, django_assert_max_num_queries, count
):
    ids = ["spbstu.ru", *(f"university{n}.example.org" for n in range(count - 1))]

    with django_assert_max_num_queries(1):
        response = client.post("/ewp/factsheet", {"hei_id": ids})

    assert len(valid(response, "factsheet").findall("f:factsheet", NS)) == 1


@pytest.mark.parametrize("value, expected", [("05-15", "--05-15"), ("--02-29", "--02-29")])
def test_a_factsheet_date_is_a_month_and_day(value, expected):
    assert ewp.month_day(value) == expected


@pytest.mark.parametrize("value", ["15-05", "5-15", "02-30", "May 15", ""])
def test_a_wrong_factsheet_date_stops_with_a_clear_message(value):
    with pytest.raises(ImproperlyConfigured, match="month and day such as 05-15"):
        ewp.month_day(value)


def test_the_schemas_are_read_from_this_folder_only():
    """The loader may not fetch: a schema naming an address not mapped here fails."""
    with pytest.raises(xmlschema.XMLResourceError):
        xmlschema.XMLSchema(
            b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
            b'<xs:include schemaLocation="https://example.org/x.xsd"/></xs:schema>',
            uri_mapper=local,
            allow="local",
        )
