"""Visits and delegations: an event of the kind "visit" with its direction, who visited whom,
the delegation as it was on the day, purpose and outcomes; checked in the model, the admin
form (posted as a browser posts it), the public page, its structured data and the calendar."""

import re

import extruct
import icalendar
import pytest
from django.urls import reverse
from django.utils import translation

from partners.models import Event, Participation, direction_problems, party_problems
from tests.factories import make_article, make_event, make_organization, make_person, make_visit
from tests.forms import form_fields


@pytest.fixture(autouse=True)
def english():
    """Names and addresses read in these tests are English ones: a page fetched before, in
    another language, leaves the test's thread in that language (LocaleMiddleware)."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db, settings):
    """Our university (the host setting), a partner, a delegate of the partner and our
    vice-rector."""
    settings.SITE_HOST_ORGANIZATION = "ours"
    ours = make_organization(slug="ours", name_en="Polytechnic University", short_name_en="PU")
    office = make_organization(slug="ours-shanghai", name_en="PU Shanghai Office", parent=ours)
    partner = make_organization(
        slug="hit", name_en="Harbin Institute of Technology", short_name_en="HIT"
    )
    delegate = make_person(
        slug="li-wei",
        name_en="Li Wei",
        position_en="Vice-President",
        position_ru="Вице-президент",
        position_zh_hans="副校长",
        organization=partner,
    )
    host = make_person(slug="anna", name_en="Anna Petrova", position_en="Rector", organization=ours)
    return {"ours": ours, "office": office, "partner": partner, "delegate": delegate, "host": host}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> headed by ``heading_id``."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


# The delegation as it was on the day.


def test_a_participation_keeps_the_position_and_organisation_of_the_day(client, world):
    delegate, partner = world["delegate"], world["partner"]
    visit = make_visit(visiting=[partner], hosts=[world["ours"]], delegation=[delegate])
    recorded = Participation.objects.get(event=visit)
    assert (recorded.position_en, recorded.position_ru, recorded.position_zh_hans) == (
        "Vice-President",
        "Вице-президент",
        "副校长",
    )
    assert recorded.organization == partner
    # Years later the person is elsewhere: the visit still shows them as they were.
    elsewhere = make_organization(name_en="Ministry of Education")
    delegate.position_en, delegate.organization = "Deputy Minister", elsewhere
    delegate.save()
    recorded.refresh_from_db()
    assert (recorded.position_en, recorded.organization) == ("Vice-President", partner)
    delegation = section(page(client, visit.get_absolute_url()).text, "delegation")
    assert "Li Wei" in delegation and "Vice-President" in delegation
    assert 'href="/en/partners/hit/"' in delegation
    assert "Deputy Minister" not in delegation and "Ministry" not in delegation
    # A participation recorded now takes the present position.
    later = Participation.objects.create(person=delegate, event=make_event())
    assert (later.position_en, later.organization) == ("Deputy Minister", elsewhere)


def test_what_an_editor_typed_for_the_day_is_kept(world):
    delegate = world["delegate"]
    typed = Participation.objects.create(
        person=delegate,
        event=make_event(),
        position_en="Dean of Engineering",
        organization=world["office"],
    )
    # The English position typed stands for the day; no other language is taken from today.
    assert (typed.position_en, typed.position_ru, typed.position_zh_hans) == (
        "Dean of Engineering",
        None,
        None,
    )
    assert typed.organization == world["office"]
    # Emptied later on purpose, it stays empty: only a new participation is filled in.
    typed.position_en = ""
    typed.save()
    typed.refresh_from_db()
    assert typed.position_en == ""


# What an editor is told.


def problems(kind, direction, visiting=(), hosts=()):
    with translation.override("en"):
        found = {**direction_problems(kind, direction)}
        found.update(party_problems(kind, direction, visiting, hosts))
        return {field: str(message) for field, message in found.items()}


def test_a_visit_needs_a_direction_and_someone_visiting_or_hosting(world):
    assert problems("visit", "") == {
        "direction": "A visit needs a direction: incoming (a delegation visits us) or "
        "outgoing (our delegation visits a partner).",
        "visiting_organizations": "A visit needs at least one visiting or host organisation.",
    }
    assert problems("visit", "incoming", visiting=[world["partner"]]) == {}
    assert problems("visit", "outgoing", hosts=[world["partner"]]) == {}


def test_only_a_visit_has_a_direction_and_visiting_or_host_organisations(world):
    found = problems("summit", "incoming", visiting=[world["partner"]])
    assert set(found) == {"direction", "visiting_organizations"}
    assert "Only a visit has a direction" in found["direction"]
    assert problems("summit", "") == {}


def test_an_organisation_cannot_both_visit_and_host(world):
    partner = world["partner"]
    found = problems("visit", "incoming", visiting=[partner], hosts=[partner, world["ours"]])
    assert found == {
        "host_organizations": "An organisation cannot both visit and host: remove HIT from "
        "one of the lists."
    }


@pytest.mark.parametrize(
    ("direction", "side", "field"),
    [
        ("incoming", "visiting", "visiting_organizations"),
        ("outgoing", "hosts", "host_organizations"),
    ],
)
@pytest.mark.parametrize("which", ["ours", "office"])
def test_our_university_is_not_on_the_wrong_side_of_a_visit(world, direction, side, field, which):
    other = "hosts" if side == "visiting" else "visiting"
    parties = {side: [world[which]], other: [world["partner"]]}
    found = problems("visit", direction, **parties)
    assert list(found) == [field]
    assert found[field].endswith("incoming?" if direction == "outgoing" else "outgoing?")
    # The other way round is right.
    assert problems("visit", direction, **{side: [world["partner"]], other: [world[which]]}) == {}


def test_a_visit_reads_as_its_direction(world):
    with translation.override("en"):
        assert make_visit(direction="outgoing").kind_label() == "outgoing visit"
        assert make_visit(direction="incoming").kind_label() == "incoming visit"
        assert make_event(kind="summit").kind_label() == "summit"


def test_the_delegation_is_who_came_for_a_visiting_organisation(world):
    partner, ours = world["partner"], world["ours"]
    partner_office = make_organization(name_en="HIT Moscow Office", parent=partner)
    colleague = make_person(name_en="Zhang Min", organization=partner_office)
    visit = make_visit(
        visiting=[partner], hosts=[ours], delegation=[world["delegate"], colleague, world["host"]]
    )
    visit = Event.objects.prefetch_related(
        "visiting_organizations", "participations__organization"
    ).get(pk=visit.pk)
    members, others = visit.delegation()
    assert {p.person.name for p in members} == {"Li Wei", "Zhang Min"}
    assert [p.person.name for p in others] == ["Anna Petrova"]
    # Everyone is a participant of an event that is not a visit.
    summit = make_event(kind="summit")
    Participation.objects.create(person=world["delegate"], event=summit)
    assert [len(side) for side in summit.delegation()] == [0, 1]


# The admin form.


def admin_url(event=None):
    if event is None:
        return reverse("admin:partners_event_add")
    return reverse("admin:partners_event_change", args=[event.pk])


def opened(client, event=None) -> dict:
    response = client.get(admin_url(event))
    assert response.status_code == 200
    return form_fields(response.text, "event_form")


VISIT_FORM = {
    "kind": "visit",
    "name_en": "Delegation of HIT",
    "timezone": "Europe/Moscow",
    "start_0": "2031-06-09",
    "start_1": "09:00",
    "purpose_en": "To discuss a double degree.",
}


def test_an_editor_records_a_visit_and_is_told_what_is_missing(client, editor, world):
    client.force_login(editor)
    form = {**opened(client), **VISIT_FORM}
    response = client.post(admin_url(), form)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"direction", "visiting_organizations"}
    partner = str(world["partner"].pk)
    form.update(direction="incoming", visiting_organizations=partner, host_organizations=partner)
    response = client.post(admin_url(), form)
    assert list(response.context["adminform"].form.errors) == ["host_organizations"]
    form.update(host_organizations=str(world["ours"].pk))
    response = client.post(admin_url(), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    visit = Event.objects.get(name_en="Delegation of HIT")
    assert (visit.kind, visit.direction, visit.purpose_en) == (
        "visit",
        "incoming",
        VISIT_FORM["purpose_en"],
    )
    assert list(visit.visiting_organizations.all()) == [world["partner"]]
    assert list(visit.host_organizations.all()) == [world["ours"]]


def test_the_visit_fields_have_their_own_part_folded_away_on_other_events(client, editor, world):
    client.force_login(editor)
    visit = make_visit(visiting=[world["partner"]])
    summit = make_event(kind="summit")

    def visit_part(event):
        html = client.get(admin_url(event)).text
        heading = html.index(">Visit or delegation</h2>")
        return html[html.rindex("<fieldset", 0, heading) : heading]

    assert "collapse" not in visit_part(visit) and "<details>" not in visit_part(visit)
    assert "collapse" in visit_part(summit) and "<details>" in visit_part(summit)
    assert "collapse" not in visit_part(None)  # a new event may be a visit
    # Sent back with errors, nothing is folded: without scripts it could not be opened.
    form = {**opened(client, summit), "direction": "outgoing"}
    response = client.post(admin_url(summit), form)
    assert response.status_code == 200
    assert "Only a visit has a direction" in response.text
    html = response.text
    heading = html.index(">Visit or delegation</h2>")
    assert "collapse" not in html[html.rindex("<fieldset", 0, heading) : heading]


def test_the_event_list_filters_by_direction(client, editor, world):
    client.force_login(editor)
    make_visit(name_en="Came to us", visiting=[world["partner"]])
    make_visit(name_en="We went", direction="outgoing", hosts=[world["partner"]])
    make_event(name_en="A summit", kind="summit")
    changelist = reverse("admin:partners_event_changelist")
    listed = client.get(changelist, {"direction": "outgoing"}).text
    assert "We went" in listed and "Came to us" not in listed and "A summit" not in listed
    listed = client.get(changelist, {"kind": "visit"}).text
    assert "We went" in listed and "Came to us" in listed and "A summit" not in listed


def test_the_delegation_is_edited_in_the_event_form_and_filled_in_on_save(client, editor, world):
    client.force_login(editor)
    visit = make_visit(visiting=[world["partner"]], hosts=[world["ours"]])
    form = opened(client, visit)
    form.update(
        {
            "participations-TOTAL_FORMS": "1",
            "participations-0-person": str(world["delegate"].pk),
            "participations-0-event": str(visit.pk),
            "participations-0-role_en": "head of the delegation",
        }
    )
    response = client.post(admin_url(visit), form)
    assert response.status_code == 302, response.context and response.context["errors"]
    recorded = Participation.objects.get(event=visit)
    assert (recorded.position_en, recorded.organization) == ("Vice-President", world["partner"])
    # The form shows what was filled in, to be corrected if the day was different.
    shown = opened(client, visit)
    assert shown["participations-0-position_en"] == "Vice-President"
    assert shown["participations-0-organization"] == str(world["partner"].pk)


# The public page, its structured data and the calendar.


@pytest.fixture
def visit(world):
    visit = make_visit(
        slug="hit-delegation",
        name_en="Delegation of HIT",
        visiting=[world["partner"]],
        hosts=[world["ours"]],
        delegation=[world["delegate"], world["host"]],
        purpose_en="To discuss a double degree in robotics.",
        outcomes_en="A memorandum of understanding is to be signed in the autumn.",
        follow_up_en="The International Office sends the draft by July.",
    )
    Participation.objects.filter(event=visit, person=world["delegate"]).update(
        role_en="head of the delegation"
    )
    return visit


def test_a_visits_page_says_who_came_to_whom_and_why(client, world, visit):
    html = page(client, "/en/events/hit-delegation/").text
    lead = html[html.index('<p class="lead">') : html.index("</p>", html.index('<p class="lead">'))]
    assert (
        re.sub(r"\s+", " ", lead)
        .strip()
        .endswith(
            'Delegation from <a href="/en/partners/hit/">Harbin Institute of Technology</a> to '
            '<a href="/en/partners/ours/">Polytechnic University</a>'
        )
    )
    assert "<dd>Incoming visit</dd>" in html
    assert "To discuss a double degree in robotics." in section(html, "purpose")
    outcomes = section(html, "outcomes")
    assert "memorandum of understanding" in outcomes and "Follow-up</h3>" in outcomes
    assert "sends the draft by July" in outcomes
    delegation = section(html, "delegation")
    assert "Li Wei" in delegation and "head of the delegation" in delegation
    assert 'Vice-President</span>, <a href="/en/partners/hit/">HIT</a>' in delegation
    others = section(html, "participants")
    assert (
        "Other participants</h2>" in others and "Anna Petrova" in others and "Li Wei" not in others
    )


def test_a_visit_with_one_side_known_says_that_side(client, world):
    outgoing = make_visit(direction="outgoing", hosts=[world["partner"]])
    html = page(client, outgoing.get_absolute_url()).text
    assert 'Delegation to <a href="/en/partners/hit/">Harbin Institute of Technology</a>' in html
    assert "<dd>Outgoing visit</dd>" in html
    incoming = make_visit(visiting=[world["partner"], make_organization(name_en="Tianjin U")])
    html = page(client, incoming.get_absolute_url()).text
    assert re.search(r"Delegation from <a [^>]+>Harbin Institute of Technology</a>, <a ", html)
    assert "Delegation to" not in html


def test_other_events_show_no_visit_parts(client, world):
    summit = make_event(kind="summit", name_en="Summit")
    Participation.objects.create(person=world["delegate"], event=summit)
    html = page(client, summit.get_absolute_url()).text
    assert "Delegation" not in html and 'id="purpose"' not in html and 'id="outcomes"' not in html
    # Its participants still carry their position and organisation of the day.
    assert "Vice-President" in section(html, "participants")


def test_a_visit_in_chinese_lists_organisations_with_the_enumeration_comma(client, world):
    visit = make_visit(
        visiting=[world["partner"], make_organization(name_en="Tianjin U", name_zh_hans="天津大学")]
    )
    html = page(client, f"/zh-hans{visit.get_absolute_url()[3:]}").text
    assert re.search(
        r'<a href="/zh-hans/partners/hit/" lang="en">[^<]+</a>、<a [^>]+>天津大学</a>', html
    )


def structured(client, url) -> dict:
    response = page(client, url)
    data = extruct.extract(response.text, base_url=f"http://testserver{url}", syntaxes=["json-ld"])
    return {item["@type"]: item for item in data["json-ld"]}


def test_a_visit_is_an_event_with_its_hosts_organising_and_its_delegation_attending(
    client, world, visit
):
    event = structured(client, "/en/events/hit-delegation/")["Event"]
    assert [(o["@type"], o["name"]) for o in event["organizer"]] == [
        ("CollegeOrUniversity", "Polytechnic University")
    ]
    people = {a["name"]: a for a in event["attendee"] if a["@type"] == "Person"}
    assert people["Li Wei"]["jobTitle"] == "Vice-President"
    assert people["Li Wei"]["affiliation"]["url"] == "http://testserver/en/partners/hit/"
    assert people["Li Wei"]["url"] == "http://testserver/en/people/li-wei/"
    assert people["Anna Petrova"]["jobTitle"] == "Rector"
    organizations = [a["name"] for a in event["attendee"] if a["@type"] != "Person"]
    assert organizations == ["Harbin Institute of Technology"]
    assert event["description"] == "To discuss a double degree in robotics."
    # As the delegate was on the day, not as they are now.
    world["delegate"].position_en = "President"
    world["delegate"].save()
    event = structured(client, "/en/events/hit-delegation/")["Event"]
    assert {a["name"]: a.get("jobTitle") for a in event["attendee"]}["Li Wei"] == "Vice-President"


def test_the_calendar_holds_a_visit_with_its_purpose(client, world, visit):
    response = page(client, "/en/events/calendar.ics")
    calendar = icalendar.Calendar.from_ical(response.content)
    (entry,) = [e for e in calendar.events if e["SUMMARY"] == "Delegation of HIT"]
    assert entry["DESCRIPTION"] == "To discuss a double degree in robotics."
    assert entry.categories == ["visit"]


def test_markup_in_a_visit_is_shown_as_text(client, world):
    attack = "<script>alert('x')</script>"
    world["partner"].name_en = f"HIT {attack}"
    world["partner"].save()
    world["delegate"].position_en = f"Dean {attack}"
    world["delegate"].save()
    visit = make_visit(
        name_en=f"Visit {attack}",
        visiting=[world["partner"]],
        delegation=[world["delegate"]],
        purpose_en=f"Purpose {attack}",
        outcomes_en=f"Outcome {attack}",
        follow_up_en=f"Next {attack}",
    )
    for url in [visit.get_absolute_url(), "/en/partners/hit/", "/en/events/calendar.ics"]:
        text = page(client, url).text
        if url.endswith(".ics"):
            continue  # plain text, not HTML: nothing to escape
        assert "<script>alert" not in text, url
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text, url
    html = page(client, visit.get_absolute_url()).text
    assert html.count("&lt;script&gt;") >= 6


@pytest.mark.parametrize("count", [1, 50])
def test_a_visits_page_costs_the_same_queries_however_large_the_delegation(
    client, world, django_assert_max_num_queries, count
):
    visiting = [make_organization() for _ in range(count)]
    delegation = [make_person(organization=visiting[n], position_en="Dean") for n in range(count)]
    visit = make_visit(visiting=visiting, hosts=[world["ours"]], delegation=delegation)
    for _ in range(count):
        make_article(events=[visit], organizations=visiting[:1])
    # The visit, its parent, organisers, visiting and host organisations, sessions,
    # participants with their organisations of the day, latest news, the agreements signed
    # at it, its translations' states; the site's menus (once
    # per content generation: this is the first page after a change).
    with django_assert_max_num_queries(10):
        html = page(client, visit.get_absolute_url()).text
    assert section(html, "delegation").count('href="/en/people/') == count
