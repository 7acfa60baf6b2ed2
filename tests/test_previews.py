"""What search engines, feed readers and link previews see: head tags and structured data."""

import datetime as dt
import json
import re

import extruct
from django.utils import timezone

from tests.conftest import SEED_SLUG
from tests.factories import make_article, make_event, make_organization

ARTICLE_URL = f"/en/news/{SEED_SLUG}/"


def head_links(html, rel):
    return re.findall(rf'<link rel="{rel}"(?: hreflang="([^"]+)")? href="([^"]+)"', html)


def test_article_has_hreflang_only_for_languages_with_content(client, seed_article):
    html = client.get(ARTICLE_URL).text
    assert head_links(html, "alternate")[:2] == [
        ("en", f"http://testserver{ARTICLE_URL}"),
        ("x-default", f"http://testserver{ARTICLE_URL}"),
    ]
    seed_article.title_ru = "Политех на саммите АТУРК"
    seed_article.save()
    html = client.get(ARTICLE_URL).text
    languages = [code for code, _url in head_links(html, "alternate") if code]
    assert languages == ["en", "ru", "x-default"]


def test_lists_have_all_languages_and_a_canonical_url(client, seed_article):
    html = client.get("/ru/news/?partner=aturc&utm_source=x").text
    assert [code for code, _ in head_links(html, "alternate") if code] == [
        "en",
        "ru",
        "zh-hans",
        "x-default",
    ]
    assert '<link rel="canonical" href="http://testserver/ru/news/">' in html


def test_open_graph_and_twitter_tags(client, seed_article):
    html = client.get(ARTICLE_URL).text
    assert '<meta property="og:type" content="article">' in html
    assert (
        '<meta property="og:title" content="Polytechnic University at the Fifth ATURC-2022 Summit">'
        in html
    )
    assert f'<meta property="og:url" content="http://testserver{ARTICLE_URL}">' in html
    assert '<meta property="og:locale" content="en_GB">' in html
    assert '<meta property="og:locale:alternate" content="ru_RU">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert 'property="article:published_time" content="2022-06-10T00:00:00+03:00"' in html
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    assert description.startswith("St. Petersburg Polytechnic University participated")


def test_feeds_are_announced_in_the_head(client, seed_article):
    html = client.get("/ru/").text
    assert 'type="application/rss+xml"' in html and 'href="/ru/news/feed/"' in html
    assert 'type="application/atom+xml"' in html and 'href="/ru/news/feed/atom/"' in html
    partner = client.get("/en/partners/aturc/").text
    assert 'href="/en/partners/aturc/feed/"' in partner


def structured(client, url):
    response = client.get(url)
    data = extruct.extract(response.text, base_url=f"http://testserver{url}", syntaxes=["json-ld"])
    return {item["@type"]: item for item in data["json-ld"]}


def test_article_page_carries_a_news_article_with_mentions(client, seed_article):
    items = structured(client, ARTICLE_URL)
    article = items["NewsArticle"]
    assert article["headline"] == "Polytechnic University at the Fifth ATURC-2022 Summit"
    assert article["datePublished"].startswith("2022-06-10T00:00:00+03:00")
    assert article["inLanguage"] == "en"
    assert article["publisher"]["@type"] == "CollegeOrUniversity"
    mentioned = {(m["@type"], m["name"]) for m in article["mentions"]}
    assert ("Person", "Dmitry Arseniev") in mentioned
    assert ("Event", "Fifth ATURC Summit") in mentioned
    assert (
        "Organization",
        "Association of Technical Universities of Russia and China",
    ) in mentioned
    crumbs = items["BreadcrumbList"]["itemListElement"]
    assert [c["position"] for c in crumbs] == [1, 2, 3]
    assert crumbs[-1]["item"] == f"http://testserver{ARTICLE_URL}"


def test_event_page_carries_an_event(client, seed_article):
    items = structured(client, "/en/events/fifth-aturc-summit-2022/")
    event = items["Event"]
    assert event["name"] == "Fifth ATURC Summit"
    assert event["startDate"] == "2022-06-09T09:00:00+08:00"  # in the event's own time zone
    assert event["endDate"] == "2022-06-09T18:00:00+08:00"
    assert event["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert event["organizer"][0]["name"].startswith("Association of Technical Universities")
    assert any(place.get("@type") == "Place" for place in event["location"])


def test_partner_and_person_pages_carry_their_types(client, seed_article):
    assert (
        structured(client, "/en/partners/spbpu/")["CollegeOrUniversity"]["alternateName"] == "SPbPU"
    )
    assert "Organization" in structured(client, "/en/partners/aturc/")
    person = structured(client, "/en/people/dmitry-arseniev/")["Person"]
    assert person["jobTitle"] == "Vice-Rector for International Affairs"
    assert person["honorificPrefix"] == "Professor"


def test_json_ld_cannot_break_out_of_its_script(client, db):
    article = make_article(title_en="</script><script>alert(1)</script>")
    html = client.get(f"/en/news/{article.slug}/").text
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert all("<" not in script for script in scripts)
    assert json.loads(scripts[0])["headline"] == "</script><script>alert(1)</script>"


def test_previous_next_and_related_articles(client, db):
    partner = make_organization()
    now = timezone.now()
    older = make_article(title_en="Older", publish_at=now - dt.timedelta(days=30))
    current = make_article(
        title_en="Current", publish_at=now - dt.timedelta(days=20), organizations=[partner]
    )
    newer = make_article(title_en="Newer", publish_at=now - dt.timedelta(days=10))
    related = make_article(
        title_en="Same partner", publish_at=now - dt.timedelta(days=40), organizations=[partner]
    )
    context = client.get(f"/en/news/{current.slug}/").context
    assert context["previous_article"] == older
    assert context["next_article"] == newer
    assert context["related_articles"] == [related]


def test_related_are_the_three_latest_public_sharing_a_partner_or_event(client, db):
    partner, event = make_organization(), make_event()
    now = timezone.now()

    def at(days, **links):
        return make_article(publish_at=now - dt.timedelta(days=days), **links)

    current = at(20, organizations=[partner], events=[event])
    by_partner = [at(days, organizations=[partner]) for days in (19, 25, 60)]
    by_event = at(30, events=[event])
    unrelated = at(21)
    at(5, organizations=[partner], status="draft")
    make_article(organizations=[partner], publish_at=now + dt.timedelta(days=1))
    context = client.get(f"/en/news/{current.slug}/").context
    # The neighbours are found whether or not they are related too.
    assert context["next_article"] == by_partner[0]
    assert context["previous_article"] == unrelated
    assert context["related_articles"] == [by_partner[0], by_partner[1], by_event]


def test_an_article_without_links_or_neighbours_has_none(client, db):
    only = make_article()
    context = client.get(f"/en/news/{only.slug}/").context
    assert context["previous_article"] is None
    assert context["next_article"] is None
    assert context["related_articles"] == []


def test_fallback_text_is_marked_with_a_notice(client, seed_article):
    html = client.get(f"/ru/news/{SEED_SLUG}/").text
    assert 'class="fallback-notice"' in html
    assert 'class="fallback-notice"' not in client.get(ARTICLE_URL).text


def test_not_found_page_speaks_the_readers_language(client, db):
    response = client.get("/ru/news/no-such-article/")
    assert response.status_code == 404
    assert '<html lang="ru">' in response.text
    assert "Страница не найдена" in response.text


def test_repeat_request_for_an_unchanged_page_gets_304(client, seed_article):
    first = client.get(ARTICLE_URL)
    assert first.status_code == 200 and first.headers["ETag"]
    repeat = client.get(ARTICLE_URL, HTTP_IF_NONE_MATCH=first.headers["ETag"])
    assert repeat.status_code == 304
    assert repeat.content == b""
    seed_article.title_en = "A corrected title"
    seed_article.save()
    assert client.get(ARTICLE_URL, HTTP_IF_NONE_MATCH=first.headers["ETag"]).status_code == 200


def test_robots_and_accessibility_statement(client, db):
    html = client.get("/en/").text
    assert 'href="/en/accessibility/"' in html
    statement = client.get("/en/accessibility/")
    assert statement.status_code == 200 and "WCAG" in statement.text


def test_stylesheet_has_a_print_layout():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[1] / "static" / "css" / "site.css").read_text()
    assert "@media print" in css
