"""What search engines, link previews and readers going on from an article see of news
pages: head tags, structured data, the fallback notice, neighbouring and related articles."""

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


def test_article_has_hreflang_only_for_languages_with_content(client, english_seed_article):
    html = client.get(ARTICLE_URL).text
    assert head_links(html, "alternate")[:2] == [
        ("en", f"http://testserver{ARTICLE_URL}"),
        ("x-default", f"http://testserver{ARTICLE_URL}"),
    ]
    english_seed_article.title_ru = "Политех на саммите АТУРК"
    english_seed_article.save()
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


def test_related_are_three_public_sharing_a_partner_or_event(client, db):
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
    # The neighbours are found whether or not they are related too; the related leave
    # out the next one, offered already.
    assert context["next_article"] == by_partner[0]
    assert context["previous_article"] == unrelated
    assert context["related_articles"] == [by_partner[1], by_event, by_partner[2]]


def test_related_are_the_nearest_in_time_not_the_newest(client, db):
    """An old report is followed by what happened with its partner then; the newest news
    is not on every article's page (an edit of it would renew the whole archive)."""
    partner = make_organization()
    now = timezone.now()

    def at(days):
        return make_article(publish_at=now - dt.timedelta(days=days), organizations=[partner])

    current = at(100)
    newest = [at(days) for days in (1, 2, 3)]
    near = {days: at(days) for days in (95, 97, 104, 106, 108, 140)}
    context = client.get(f"/en/news/{current.slug}/").context
    assert (context["next_article"], context["previous_article"]) == (near[97], near[104])
    assert context["related_articles"] == [near[95], near[106], near[108]]
    assert not set(context["related_articles"]) & set(newest)


def test_related_never_repeat_the_previous_or_the_next_article(client, db):
    partner = make_organization()
    now = timezone.now()
    older, current, newer, oldest = (
        make_article(publish_at=now - dt.timedelta(days=days), organizations=[partner])
        for days in (30, 20, 10, 40)
    )
    context = client.get(f"/en/news/{current.slug}/").context
    assert (context["previous_article"], context["next_article"]) == (older, newer)
    assert context["related_articles"] == [oldest]
    html = client.get(f"/en/news/{current.slug}/").text
    assert html.count(f'href="{older.get_absolute_url()}"') == 1
    assert html.count(f'href="{newer.get_absolute_url()}"') == 1


def test_an_article_without_links_or_neighbours_has_none(client, db):
    only = make_article()
    context = client.get(f"/en/news/{only.slug}/").context
    assert context["previous_article"] is None
    assert context["next_article"] is None
    assert context["related_articles"] == []


def test_fallback_text_is_marked_with_a_notice(client, english_seed_article):
    html = client.get(f"/ru/news/{SEED_SLUG}/").text
    assert 'class="fallback-notice"' in html
    assert 'class="fallback-notice"' not in client.get(ARTICLE_URL).text


def test_repeat_request_for_an_unchanged_page_gets_304(client, seed_article):
    first = client.get(ARTICLE_URL)
    assert first.status_code == 200 and first.headers["ETag"]
    repeat = client.get(ARTICLE_URL, HTTP_IF_NONE_MATCH=first.headers["ETag"])
    assert repeat.status_code == 304
    assert repeat.content == b""
    seed_article.title_en = "A corrected title"
    seed_article.save()
    assert client.get(ARTICLE_URL, HTTP_IF_NONE_MATCH=first.headers["ETag"]).status_code == 200
