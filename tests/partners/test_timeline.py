"""A partner's timeline: its visits, events and articles (and what other apps register), newest
first, each once, by year; only what the public may see; a fixed number of queries."""

import datetime as dt
import re

import pytest
from django.utils import timezone, translation

from news.models import Article
from partners import timeline
from partners.models import Participation
from tests.factories import make_article, make_event, make_organization, make_person, make_visit


@pytest.fixture(autouse=True)
def english():
    """Names and addresses read in these tests are English ones: a page fetched before, in
    another language, leaves the test's thread in that language (LocaleMiddleware)."""
    with translation.override("en"):
        yield


def at(year, month=6, day=15, hour=12, zone=dt.UTC):
    return dt.datetime(year, month, day, hour, tzinfo=zone)


def timeline_html(client, organization, lang="en") -> str:
    response = client.get(f"/{lang}/partners/{organization.slug}/")
    assert response.status_code == 200
    html = response.text
    if 'id="timeline"' not in html:
        return ""
    start = html.index('<section class="timeline"')
    return html[start : html.index("</section>", start)]


def shown(organization, limit=timeline.LIMIT) -> list[tuple[int, list]]:
    """The timeline as (year, [(title, [attached titles])]), in English."""
    with translation.override("en"):
        return [
            (
                year.year,
                [
                    (
                        getattr(entry.obj, entry.title_field),
                        [getattr(a.obj, a.title_field) for a in entry.attached],
                    )
                    for entry in year.entries
                ],
            )
            for year in timeline.timeline(organization, limit).years
        ]


def test_visits_events_and_articles_newest_first_by_year(db):
    partner = make_organization()
    make_visit(name_en="Delegation of 2019", visiting=[partner], start=at(2019), end=None)
    summit = make_event(name_en="Summit 2022", kind="summit", start=at(2022, 6), end=None)
    summit.organizers.add(partner)
    make_article(title_en="Report of 2023", organizations=[partner], publish_at=at(2023, 2))
    make_article(title_en="News of 2022", organizations=[partner], publish_at=at(2022, 9))
    assert shown(partner) == [
        (2023, [("Report of 2023", [])]),
        (2022, [("News of 2022", []), ("Summit 2022", [])]),
        (2019, [("Delegation of 2019", [])]),
    ]


def test_an_article_about_a_visit_is_shown_once_under_the_visit(client, db):
    partner = make_organization()
    visit = make_visit(name_en="Delegation", visiting=[partner], start=at(2024, 3), end=None)
    report = make_article(
        title_en="The delegation's report",
        organizations=[partner],
        events=[visit],
        publish_at=at(2024, 3, 20),
    )
    assert shown(partner) == [(2024, [("Delegation", ["The delegation's report"])])]
    html = timeline_html(client, partner)
    assert html.count(f'href="{report.get_absolute_url()}"') == 1
    assert html.count(f'href="{visit.get_absolute_url()}"') == 1
    # Under the visit, with its own date.
    attached = html[html.index('<ul class="timeline-attached">') :]
    assert "The delegation&#x27;s report" in attached
    assert '<time datetime="2024-03-20">' in attached and "March 20, 2024" in attached


def test_sessions_and_their_news_are_shown_under_the_main_event(db):
    """The seed's world: the summit, its forum and working meeting, and the report naming all
    three, are one entry on the partner's timeline."""
    partner = make_organization()
    summit = make_event(name_en="Summit", start=at(2022, 6, 9, 1), end=None)
    forum = make_event(name_en="Forum", parent=summit, start=at(2022, 6, 9, 2), end=None)
    meeting = make_event(name_en="Meeting", parent=summit, start=at(2022, 6, 9, 6), end=None)
    for event in (summit, forum, meeting):
        event.organizers.add(partner)
    make_article(
        title_en="Report",
        organizations=[partner],
        events=[forum, meeting],
        publish_at=at(2022, 6, 10),
    )
    assert shown(partner) == [(2022, [("Summit", ["Forum", "Meeting", "Report"])])]


def test_an_article_about_an_event_elsewhere_stands_on_its_own(db):
    partner = make_organization()
    elsewhere = make_event(name_en="Someone else's forum")
    make_article(
        title_en="News", organizations=[partner], events=[elsewhere], publish_at=timezone.now()
    )
    assert shown(partner) == [(timezone.localdate().year, [("News", [])])]


def test_the_seed_summit_on_its_partners_timelines(client, seed_article):
    from partners.models import Organization

    for slug in ("aturc", "spbpu"):
        organization = Organization.objects.get(slug=slug)
        assert shown(organization) == [
            (
                2022,
                [
                    (
                        "Fifth ATURC Summit",
                        [
                            "ATURC University Rectors' Forum",
                            "Working meeting of ATURC executive staff",
                            "Polytechnic University at the Fifth ATURC-2022 Summit",
                        ],
                    )
                ],
            )
        ], slug
    html = timeline_html(client, Organization.objects.get(slug="aturc"), "ru")
    assert '<h3 class="timeline-year">2022</h3>' in html
    assert "Пятый саммит АТУРК" in html and "Саммит" in html
    # Dates as Russian writes them: the month in the genitive.
    assert '<time datetime="2022-06-09">9 июня 2022 г.</time>' in html


def test_an_event_involves_its_organisers_hosts_visitors_and_whom_participants_represented(db):
    partner = make_organization()
    organised = make_event(name_en="Organised")
    organised.organizers.add(partner)
    make_visit(name_en="Hosted", direction="outgoing", hosts=[partner])
    make_visit(name_en="Visited", visiting=[partner])
    attended = make_event(name_en="Attended")
    Participation.objects.create(person=make_person(organization=partner), event=attended)
    # Not: an event someone attended for another organisation, or before joining it.
    moved = make_person(organization=make_organization())
    Participation.objects.create(person=moved, event=make_event(name_en="Before they moved"))
    moved.organization = partner
    moved.save()
    make_event(name_en="Unrelated").organizers.add(make_organization())
    titles = {title for _year, entries in shown(partner) for title, _attached in entries}
    assert titles == {"Organised", "Hosted", "Visited", "Attended"}


def test_a_day_is_the_day_at_the_events_place(db):
    partner = make_organization()
    # 20:00 UTC on New Year's Eve is already New Year's Day in Shanghai.
    make_visit(
        name_en="New Year visit",
        visiting=[partner],
        start=dt.datetime(2024, 12, 31, 20, tzinfo=dt.UTC),
        end=None,
        timezone="Asia/Shanghai",
    )
    (year,) = timeline.timeline(partner).years
    assert (year.year, year.entries[0].day) == (2025, dt.date(2025, 1, 1))


@pytest.mark.parametrize(
    "unpublished",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.REVIEW},
        {"status": Article.Status.ARCHIVED},
        {"publish_at": timezone.now() + dt.timedelta(days=3)},  # scheduled
    ],
    ids=["draft", "review", "archived", "scheduled"],
)
def test_articles_not_public_never_reach_the_timeline(client, db, unpublished):
    """Events have no draft state (every event is public); articles do."""
    partner = make_organization()
    visit = make_visit(name_en="Public visit", visiting=[partner])
    make_article(title_en="Not public yet", organizations=[partner], events=[visit], **unpublished)
    assert shown(partner) == [(visit.start.year, [("Public visit", [])])]
    for lang in ("en", "ru", "zh-hans"):
        html = client.get(f"/{lang}/partners/{partner.slug}/").text
        assert "Not public yet" not in html, lang


def test_the_timeline_keeps_the_latest_of_each_kind(db):
    partner = make_organization()
    for year in range(2010, 2016):
        make_visit(name_en=f"Visit {year}", visiting=[partner], start=at(year), end=None)
        make_article(title_en=f"News {year}", organizations=[partner], publish_at=at(year, 1))
    titles = [title for _y, entries in shown(partner, limit=3) for title, _a in entries]
    latest = [f"{kind} {year}" for year in (2015, 2014, 2013) for kind in ("Visit", "News")]
    assert titles == latest
    # Said when older entries may be left out.
    assert timeline.timeline(partner, 3).cut
    assert not timeline.timeline(partner, 7).cut


def test_a_source_registered_by_another_app_joins_the_timeline_once(db, monkeypatch):
    """The agreements app plugs its agreements in as news does its articles: an agreement
    signed at a visit is shown under the visit, and a thing two sources give, once."""
    partner = make_organization()
    visit = make_visit(name_en="Visit", visiting=[partner], start=at(2024), end=None)
    other = make_event(name_en="Other event", start=at(2023), end=None)
    calls = []

    def agreements(organization, limit):
        calls.append((organization, limit))
        return [
            timeline.Entry(
                # A stand-in for an agreement: any object with a page.
                obj=make_person(name_en="Signed at the visit"),
                when=at(2024, 7),
                day=dt.date(2024, 7, 1),
                label="agreement",
                about=(timeline.key(type(visit), visit.pk),),
            ),
            # The same event as partners' own source gives: shown once.
            timeline.Entry(obj=visit, when=visit.start, day=visit.start.date(), label="again"),
            timeline.Entry(obj=other, when=other.start, day=other.start.date(), label="event"),
        ]

    monkeypatch.setitem(timeline._sources, "agreements", agreements)
    assert shown(partner) == [
        (2024, [("Visit", ["Signed at the visit"])]),
        (2023, [("Other event", [])]),
    ]
    assert calls == [(partner, timeline.LIMIT)]
    with translation.override("en"):
        years = timeline.timeline(partner).years
        assert str(years[0].entries[0].label) == "incoming visit"  # the first source's


def test_entries_about_each_other_are_shown_under_the_newest(db, monkeypatch):
    partner = make_organization()
    first = make_event(name_en="First", start=at(2024, 1), end=None)
    second = make_event(name_en="Second", start=at(2024, 2), end=None)
    third = make_event(name_en="Third", start=at(2024, 3), end=None)
    about = {first: second, second: first, third: first}

    def circular(organization, limit):
        return [
            timeline.Entry(
                obj=event,
                when=event.start,
                day=event.start.date(),
                label="event",
                about=(timeline.key(type(event), event.pk), timeline.key(type(on), on.pk)),
            )
            for event, on in about.items()
        ]

    monkeypatch.setattr(timeline, "_sources", {"circular": circular})
    assert shown(partner) == [(2024, [("Second", ["First", "Third"])])]


@pytest.mark.parametrize("count", [1, 50])
def test_the_partner_page_costs_the_same_queries_whatever_its_history(
    client, db, django_assert_max_num_queries, count
):
    partner = make_organization(kind="association")
    host = make_organization()
    for number in range(count):
        start = at(2000 + number % 25, 1 + number % 12)
        visit = make_visit(visiting=[partner], hosts=[host], start=start, end=None)
        make_event(start=start, end=None).organizers.add(partner)
        make_article(organizations=[partner], events=[visit])
        make_article(organizations=[partner])
    # The organisation with its parent, offices, people, memberships and latest news; its
    # timeline: events, the visiting and host organisations of its visits, its articles
    # and the events they are about, its agreements; its agreements; its translations'
    # states; the site's menus (once per content generation: the first page after a change).
    with django_assert_max_num_queries(14):
        html = timeline_html(client, partner)
    # Everything while there is little; the latest of each kind when there is much.
    entries = len(re.findall(r'<p class="timeline-title">', html))
    assert entries == (4 if count == 1 else 2 * timeline.LIMIT)
    assert html.count("Incoming visit</span>") >= 1
    note = f"The timeline shows the latest {timeline.LIMIT} entries of each kind."
    assert (note in html) is (count > timeline.LIMIT)
    if count > timeline.LIMIT:
        assert f'<a href="/en/news/?partner={partner.slug}">All news</a>' in html


def test_markup_in_the_timeline_is_shown_as_text(client, db):
    attack = "<script>alert('x')</script>"
    partner = make_organization(name_en=f"Partner {attack}")
    visit = make_visit(name_en=f"Visit {attack}", visiting=[partner])
    make_article(title_en=f"Report {attack}", organizations=[partner], events=[visit])
    make_article(title_en=f"News {attack}", organizations=[partner])
    html = timeline_html(client, partner)
    assert "<script>" not in html
    # The visit, its visiting partner, the report under it and the other news.
    assert html.count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") == 4


def test_a_partner_with_no_history_has_no_timeline(client, db):
    partner = make_organization()
    assert not timeline.timeline(partner)
    assert 'id="timeline"' not in client.get(partner.get_absolute_url()).text


def test_a_cached_partner_page_shows_a_visit_once_the_partner_is_added_to_it(client, db):
    partner = make_organization()
    visit = make_visit(name_en="Delegation", visiting=[make_organization()])
    assert client.get(partner.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(partner.get_absolute_url())["X-Page-Cache"] == "hit"
    # Only the link between the visit and the partner changes, not a row of either.
    visit.visiting_organizations.add(partner)
    response = client.get(partner.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert 'href="/en/events/visit-' in timeline_html(client, partner)
