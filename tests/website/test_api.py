"""The JSON API as a whole: its OpenAPI description holds for every endpoint (schemathesis
against a live server), nothing private reaches any response, and its documentation page
is served from this site."""

import re

import schemathesis
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode

from agreements.models import Agreement
from intloffice.website.api import api
from partners.models import Organization
from tests.conftest import SEED_SLUG
from tests.factories import (
    make_agreement,
    make_article,
    make_page,
    make_person,
    make_staff_member,
    make_visit,
)

SECRET = "zqxapisentinel"
LANGUAGES = ("en", "ru", "zh-hans")


def make_world() -> dict:
    """Something of every kind, with a secret in every private field there is: an agreement's
    notes, reference and responsible person, a hidden agreement, a draft article and page,
    and a staff member's contact details (the pages' staff directory is not in the API)."""
    spbpu, aturc = (Organization.objects.get(slug=slug) for slug in ("spbpu", "aturc"))
    keeper = get_user_model().objects.create_user(
        f"{SECRET}-login", email=f"{SECRET}@example.org", is_staff=True
    )
    visitor = make_person(
        name_en="Visiting Professor", slug="visiting-professor", organization=aturc
    )
    visit = make_visit(visiting=[aturc], hosts=[spbpu], delegation=[visitor], slug="visit-of-aturc")
    public = make_agreement(
        parties=[(spbpu, "International Office"), aturc],
        title_en="Memorandum with ATURC",
        slug="memorandum-with-aturc",
        summary_en="Cooperation in education.",
        kind=Agreement.Kind.MEMORANDUM,
        signing_event=visit,
        reference=f"No. {SECRET}-17",
        notes=f"Private notes: {SECRET}.",
        responsible=keeper,
    )
    hidden = make_agreement(parties=[spbpu, aturc], title_en=f"{SECRET} hidden", published=False)
    draft = make_agreement(parties=[spbpu], title_en=f"{SECRET} draft", signed_on=None)
    make_article(title_en=f"{SECRET} draft article", status="draft")
    make_page(title_en=f"{SECRET} draft page", status="draft")
    page = make_page(title_en="About the office", slug="the-office")
    make_staff_member(email=f"{SECRET}@example.org", phone="+7 812 000 00 00", public=False)
    make_staff_member(name_en=f"{SECRET} hidden member", public=False)
    return {"public": public, "hidden": hidden, "draft": draft, "visit": visit, "page": page}


def addresses(client) -> list[str]:
    """Every list (every page of it, following ``next``) and every detail the lists name,
    in every language, and the description."""
    found = ["/api/v1/openapi.json", "/api/v1/docs"]
    lists = list(api.get_openapi_schema(path_prefix="/api/v1/")["paths"])
    for lang in LANGUAGES:
        for path in lists:
            if "{slug}" in path:
                continue
            url = f"{path}?lang={lang}&limit=2"
            while url:
                found.append(url)
                body = client.get(url).json()
                found += [path + f"{item['slug']}/?lang={lang}" for item in body["items"]]
                url = body["next"] and re.sub(r"^https?://[^/]+", "", body["next"])
    return found


def test_nothing_private_or_unpublished_appears_in_any_api_response(client, seed_article):
    world = make_world()
    urls = addresses(client)
    assert len(urls) > 100
    assert any(world["public"].slug in url for url in urls)
    assert any(world["visit"].slug in url and "/visits/" in url for url in urls)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode().lower(), url
    for kind in ("hidden", "draft"):
        assert client.get(f"/api/v1/agreements/{world[kind].slug}/").status_code == 404


def test_an_agreement_item_has_no_field_for_the_office_s_own_facts(client, seed_entities):
    world = make_world()
    item = client.get(f"/api/v1/agreements/{world['public'].slug}/").json()
    assert not {"notes", "reference", "responsible", "signed_copy", "reminders"} & set(item)
    assert item["status"] == "active"
    assert [party["organisation"] for party in item["parties"]] == ["aturc", "spbpu"]
    assert item["signing_event"] == world["visit"].slug


def test_the_documentation_page_uses_only_this_site_s_files(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle" in source for source in sources)
    assert all(source.startswith("/static/") for source in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert "/api/v1/openapi.json" in html
    # Swagger UI's icons are data: images: allowed on this page, and on no other.
    assert "data:" in response["Content-Security-Policy"].split("img-src")[1].split(";")[0]
    assert "data:" not in client.get("/en/accessibility/")["Content-Security-Policy"]
    description = client.get("/api/v1/openapi.json").json()
    assert description["info"]["version"] == "1"
    assert description["openapi"].startswith("3.")


def test_an_unknown_api_address_is_a_json_404(client, db):
    for url in ("/api/v1/nothing", "/api/v1/articles//", "/api/v2/articles/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not Found"}


# Schemathesis: every operation of the description, in data that fits it and data that
# does not, against a live server with something of every kind, within bounds that keep
# the whole run under a minute. (Its pytest loader, ``schemathesis.pytest.from_fixture``,
# reads a node attribute pytest 9 no longer has: each operation's strategy is driven by
# Hypothesis here instead, with the same checks.)

EXAMPLES = 25
EXISTING = {
    "/api/v1/articles/{slug}/": SEED_SLUG,
    "/api/v1/pages/{slug}/": "the-office",
    "/api/v1/organisations/{slug}/": "aturc",
    "/api/v1/people/{slug}/": "visiting-professor",
    "/api/v1/events/{slug}/": "fifth-aturc-summit-2022",
    "/api/v1/visits/{slug}/": "visit-of-aturc",
    "/api/v1/agreements/{slug}/": "memorandum-with-aturc",
}


def without_cursor(case):
    """A cursor is read only as given in a ``next`` link (tests/core/test_api.py walks them):
    a made-up one is refused with a 400, which no schema can tell from a valid one."""
    if case.query:
        case.query.pop("cursor", None)
    return case


def run(strategy, seen: list) -> None:
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        response = case.call_and_validate()
        seen.append(response.status_code)

    check()


def test_every_endpoint_answers_as_its_description_says(live_server, seed_article):
    make_world()
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    schema.config.update(base_url=live_server.url)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 14
    seen = []
    for operation in operations:
        run(operation.as_strategy().map(without_cursor), seen)
        run(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE), seen)
        if operation.path in EXISTING:
            slug = {"slug": EXISTING[operation.path]}
            run(operation.as_strategy(path_parameters=slug), seen)
    # Every kind was read for real, and bad parameters were refused.
    assert seen.count(200) > 14 * 10 and 400 in seen and 404 in seen
    print(f"schemathesis: {len(operations)} operations, {len(seen)} requests, 0 failures")
