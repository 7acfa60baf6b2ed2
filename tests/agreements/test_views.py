"""The agreements list and pages, a partner's agreements, an article's "Agreement signed":
what readers see, what they never see, and what it costs."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from agreements.models import Agreement, AgreementParty
from tests.factories import make_agreement, make_article, make_event, make_organization

DAY = dt.timedelta(days=1)


@pytest.fixture
def world(db):
    """Us, two partners in two countries, and agreements in every state."""
    today = timezone.localdate()
    us = make_organization(slug="spbpu", name_en="Polytechnic University", country="RU")
    xjtu = make_organization(name_en="Xi'an Jiaotong University", country="CN")
    tum = make_organization(name_en="Technical University of Munich", country="DE")
    agreements = {
        "exchange": make_agreement(
            parties=[us, (xjtu, "School of Mechanical Engineering")],
            title_en="Student exchange with XJTU",
            title_ru="Студенческий обмен с XJTU",
            summary_en="Five students a year each way.",
            places_per_year=5,
            subject_area="0715",
        ),
        "degree": make_agreement(
            parties=[us, tum], title_en="Double degree with TUM", kind="double-degree"
        ),
        "expired": make_agreement(
            parties=[us, tum], title_en="Old memorandum with TUM", valid_until=today - DAY
        ),
        "pending": make_agreement(
            parties=[us, xjtu],
            title_en="Research with XJTU from next month",
            kind="research",
            valid_from=today + 30 * DAY,
        ),
        "ended": make_agreement(
            parties=[us, xjtu], title_en="Staff exchange ended early", terminated_on=today
        ),
        "hidden": make_agreement(parties=[us, xjtu], title_en="Unpublished", published=False),
        "draft": make_agreement(parties=[us, tum], title_en="Draft in talks", signed_on=None),
    }
    return {"us": us, "xjtu": xjtu, "tum": tum, **agreements}


def titles(response) -> list[str]:
    return [agreement.title for agreement in response.context["page_obj"]]


def test_the_list_shows_the_public_agreements_in_force(client, world):
    response = client.get("/en/partners/agreements/")
    assert response.status_code == 200
    assert sorted(titles(response)) == ["Double degree with TUM", "Student exchange with XJTU"]
    for hidden in ("Old memorandum", "from next month", "ended early", "Unpublished", "Draft"):
        assert hidden not in response.text
    # Each shows its partners (not the university) and their countries.
    assert "Xi&#x27;an Jiaotong University" in response.text and "(China)" in response.text
    assert 'href="/en/partners/spbpu/"' not in response.text.split("agreement-list", 1)[1]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?country=CN", ["Student exchange with XJTU"]),
        ("?country=de", ["Double degree with TUM"]),
        ("?country=RU", []),  # the university's own country is not a partner's
        ("?kind=double-degree", ["Double degree with TUM"]),
        ("?partner={xjtu}", ["Student exchange with XJTU"]),
        ("?partner={tum}&kind=student-exchange", []),
        # Values that mean nothing are not applied.
        ("?country=XX", ["Double degree with TUM", "Student exchange with XJTU"]),
        ("?kind=alliance", ["Double degree with TUM", "Student exchange with XJTU"]),
    ],
)
def test_the_list_filters_by_country_kind_and_partner(client, world, query, expected):
    url = "/en/partners/agreements/" + query.format(xjtu=world["xjtu"].slug, tum=world["tum"].slug)
    assert sorted(titles(client.get(url))) == expected


def test_the_filters_offer_what_the_agreements_in_force_have(client, world):
    context = client.get("/ru/partners/agreements/").context
    assert [code for code, _name in context["countries"]] == ["DE", "CN"]  # Германия, Китай
    assert [kind for kind, _label in context["kinds"]] == ["student-exchange", "double-degree"]
    assert {partner.slug for partner in context["partners"]} == {
        world["xjtu"].slug,
        world["tum"].slug,
    }
    # The form works without scripts: a GET form with a button.
    html = client.get("/en/partners/agreements/?partner=" + world["tum"].slug).text
    assert '<form class="news-filters" method="get"' in html and 'type="submit"' in html
    assert f'value="{world["tum"].slug}" selected' in html
    assert "1 agreement matches." in html


def test_the_list_is_paginated(client, db):
    partner = make_organization()
    for _ in range(25):
        make_agreement(parties=[partner, make_organization()])
    first = client.get("/en/partners/agreements/")
    assert len(first.context["page_obj"]) == 20 and 'href="?page=2"' in first.text
    assert len(client.get("/en/partners/agreements/?page=2").context["page_obj"]) == 5


def test_an_agreement_has_its_own_page(client, world):
    exchange = world["exchange"]
    response = client.get(f"/en/partners/agreements/{exchange.slug}/")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Student exchange with XJTU</h1>" in html
    assert "School of Mechanical Engineering" in html
    assert "5 places a year in each direction" in html
    assert "Engineering, manufacturing and construction" in html and "0715" in html
    assert "In force until" in html and f'datetime="{exchange.valid_until.isoformat()}"' in html
    assert 'href="/en/partners/spbpu/"' in html  # every party, the university too
    # Its title in Russian, English elsewhere (with the fallback's lang).
    russian = client.get(f"/ru/partners/agreements/{exchange.slug}/").text
    assert "Студенческий обмен с XJTU" in russian
    chinese = client.get(f"/zh-hans/partners/agreements/{exchange.slug}/").text
    assert '<h1 lang="en">Student exchange with XJTU</h1>' in chinese


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("expired", "Expired: it was in force until"),
        ("pending", "In force from"),
        ("ended", "Ended early on"),
    ],
)
def test_a_public_agreement_not_in_force_keeps_its_page_and_says_so(client, world, name, says):
    response = client.get(f"/en/partners/agreements/{world[name].slug}/")
    assert response.status_code == 200 and says in response.text


@pytest.mark.parametrize("name", ["hidden", "draft"])
def test_a_private_agreement_is_not_found_but_staff_preview_it(client, admin_user, world, name):
    url = f"/en/partners/agreements/{world[name].slug}/"
    assert client.get(url).status_code == 404
    client.force_login(admin_user)
    preview = client.get(url)
    assert preview.status_code == 200
    assert "Preview — not public" in preview.text and 'content="noindex"' in preview.text


def test_a_partner_page_lists_its_public_agreements(client, world):
    html = client.get(f"/en/partners/{world['tum'].slug}/").text
    section = html[html.index('id="agreements"') :]
    assert "Double degree with TUM" in section and "Old memorandum with TUM" in section
    assert "Expired: it was in force until" in section
    assert "Draft in talks" not in html
    xjtu = client.get(f"/en/partners/{world['xjtu'].slug}/").text
    assert "Unpublished" not in xjtu and "Research with XJTU from next month" in xjtu
    # A partner with no public agreement has no empty section.
    assert 'id="agreements"' not in client.get(f"/en/partners/{make_organization().slug}/").text


def test_an_article_names_the_agreement_it_reports(client, world):
    article = make_article()
    article.agreements.set([world["exchange"], world["hidden"]])
    html = client.get(f"/en/news/{article.slug}/").text
    assert "Agreement signed" in html
    assert f'href="/en/partners/agreements/{world["exchange"].slug}/"' in html
    assert "Unpublished" not in html
    # And the agreement's page lists the article.
    page = client.get(f"/en/partners/agreements/{world['exchange'].slug}/").text
    assert f'href="/en/news/{article.slug}/"' in page
    # A draft article is not listed.
    draft = make_article(status="draft", title_en="Draft about the exchange")
    draft.agreements.set([world["exchange"]])
    assert (
        "Draft about the exchange"
        not in client.get(f"/en/partners/agreements/{world['exchange'].slug}/").text
    )


def test_two_agreements_signed_read_in_the_plural(client, world):
    article = make_article()
    article.agreements.set([world["exchange"], world["degree"]])
    assert "Agreements signed" in client.get(f"/en/news/{article.slug}/").text


def test_the_signing_event_is_linked(client, world):
    event = make_event(name_en="Rectors' visit")
    Agreement.objects.filter(pk=world["exchange"].pk).update(signing_event=event)
    html = client.get(f"/en/partners/agreements/{world['exchange'].slug}/").text
    assert f'href="/en/events/{event.slug}/"' in html


XSS = "<script>alert(1)</script>"


def test_names_and_texts_are_escaped_everywhere(client, db):
    partner = make_organization(name_en=f"Evil {XSS} University", country="CN")
    agreement = make_agreement(
        parties=[(partner, f"Unit {XSS}"), make_organization()],
        title_en=f"Title {XSS}",
        summary_en=f"Summary {XSS}",
    )
    article = make_article()
    article.agreements.set([agreement])
    pages = [
        "/en/partners/agreements/",
        f"/en/partners/agreements/{agreement.slug}/",
        f"/en/partners/{partner.slug}/",
        f"/en/news/{article.slug}/",
        "/en/search/?q=Evil",
        "/en/search/?q=Title",
        "/en/partners/agreements/feed/",
        "/en/partners/agreements/feed/atom/",
    ]
    for url in pages:
        html = client.get(url).text
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


@pytest.mark.parametrize("count", [1, 50])
def test_the_agreement_pages_cost_a_fixed_number_of_queries(
    client, db, django_assert_max_num_queries, count
):
    us = make_organization(slug="spbpu")
    partner = make_organization(country="CN")
    event = make_event()
    for number in range(count):
        other = make_organization(country="DE" if number % 2 else "FR")
        make_agreement(parties=[us, partner, (other, "Faculty")], signing_event=event)
    agreement = Agreement.objects.first()
    article = make_article()
    article.agreements.set(Agreement.objects.all())
    for _ in range(count):
        make_article().agreements.set([agreement])
    # The first view after a change reads the filter choices (countries, kinds, partners)
    # and the site's menus once for the generation; every view, the count, the page and its
    # parties.
    with django_assert_max_num_queries(3 + 3 + 1):
        assert client.get("/en/partners/agreements/").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/ru/partners/agreements/?country=DE").status_code == 200
    # The agreement, its parties, its news.
    with django_assert_max_num_queries(3):
        response = client.get(f"/en/partners/agreements/{agreement.slug}/")
    assert response.text.count("Faculty") == 1
    # The partner page: its own 8 (with its timeline and its translations' states), and
    # one for its agreements, one for those on its timeline.
    with django_assert_max_num_queries(8 + 2):
        response = client.get(f"/en/partners/{partner.slug}/")
    # Its agreements (20, and a link to all), and its timeline's (the latest 30).
    shown = min(count, 20) + (count > 20) + min(count, 30)
    assert response.text.count('href="/en/partners/agreements/') == shown
    # The article page: its own 6, and one for the public agreements among its links (the
    # first view after a change also finds its neighbours, kept for the generation).
    with django_assert_max_num_queries(6 + 1 + 1):
        response = client.get(f"/en/news/{article.slug}/")
    assert response.text.count('href="/en/partners/agreements/') == count
    with django_assert_max_num_queries(6 + 1):
        client.get(f"/ru/news/{article.slug}/")
    # The feeds: the latest 20 agreements and their parties.
    for feed in ("feed/", "feed/atom/"):
        with django_assert_max_num_queries(2):
            response = client.get(f"/en/partners/agreements/{feed}")
        assert response.text.count("/en/partners/agreements/agreement-") >= min(count, 20)


def test_an_agreement_leaves_the_list_the_morning_after_its_last_day(client, db, settings):
    """No job runs at midnight: the cached list is renewed by itself."""
    settings.PAGE_CACHE_SECONDS = 600
    today = timezone.localdate()
    make_agreement(title_en="Ends today", valid_until=today)
    evening = timezone.make_aware(dt.datetime.combine(today, dt.time(23, 0)))
    with time_machine.travel(evening, tick=False) as traveller:
        assert "Ends today" in client.get("/en/partners/agreements/").text
        cached = client.get("/en/partners/agreements/")
        assert cached["X-Page-Cache"] == "hit"
        traveller.shift(dt.timedelta(hours=2))  # 01:00 the next day
        after = client.get("/en/partners/agreements/")
        assert after["X-Page-Cache"] == "miss" and "Ends today" not in after.text


def test_saving_an_agreement_or_its_parties_renews_the_cached_pages(client, db, settings):
    settings.PAGE_CACHE_SECONDS = 600
    agreement = make_agreement(title_en="Before")
    assert "Before" in client.get("/en/partners/agreements/").text
    agreement.title_en = "After"
    agreement.save()
    assert "After" in client.get("/en/partners/agreements/").text
    AgreementParty.objects.create(
        agreement=agreement, organization=make_organization(name_en="Newcomer University")
    )
    assert "Newcomer University" in client.get("/en/partners/agreements/").text


def test_the_sitemap_lists_the_public_agreements_in_every_language(client, world):
    index = client.get("/sitemap.xml").text
    assert "/sitemap-agreements-1.xml" in index
    pages = client.get("/sitemap-pages.xml").text
    assert "/en/partners/agreements/</loc>" in pages and "/zh-hans/partners/agreements/" in pages
    listed = client.get("/sitemap-agreements-1.xml").text
    for name in ("exchange", "degree", "expired", "pending", "ended"):
        assert f"/ru/partners/agreements/{world[name].slug}/</loc>" in listed
    for name in ("hidden", "draft"):
        assert world[name].slug not in listed


def test_search_finds_public_agreements_by_title_summary_and_partner(client, db):
    partner = make_organization(name_en="Harbin Institute of Technology", aliases="ХПИ\nHIT")
    agreement = make_agreement(
        parties=[partner, make_organization()],
        title_en="Double degree in welding",
        summary_en="Graduates receive diplomas of both universities.",
    )
    make_agreement(parties=[partner, make_organization()], published=False)
    for words in ("welding", "diplomas", "Harbin", "ХПИ"):
        response = client.get("/en/search/", {"q": words})
        found = [hit.object for hit in response.context["results"].agreements.hits]
        assert found == [agreement], words
        assert f'href="/en/partners/agreements/{agreement.slug}/"' in response.text
    assert client.get("/en/search/", {"q": "nothing-like-it"}).context["results"].count == 0
