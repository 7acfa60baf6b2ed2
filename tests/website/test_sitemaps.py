"""sitemap.xml and robots.txt, fetched through the test client and read as a crawler does."""

import datetime as dt
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from intloffice.website import sitemaps
from news.models import Article
from pages.models import Page
from tests.conftest import SEED_SLUG
from tests.factories import (
    make_agreement,
    make_article,
    make_event,
    make_organization,
    make_person,
)

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
SERVER = "http://testserver"
LANGUAGES = ["en", "ru", "zh-hans"]


def fetch_xml(client, path: str) -> ElementTree.Element:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "application/xml"
    return ElementTree.fromstring(response.content)


def sitemap_files(client) -> list[str]:
    """The files the index at /sitemap.xml lists, as paths."""
    index = fetch_xml(client, "/sitemap.xml")
    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    return [loc.text.removeprefix(SERVER) for loc in index.findall("sm:sitemap/sm:loc", NS)]


def fetch_sitemap(client) -> dict[str, ElementTree.Element]:
    """The <url> elements of every file of the sitemap, by their <loc>."""
    urls = {}
    for path in sitemap_files(client):
        for url in fetch_xml(client, path).findall("sm:url", NS):
            loc = url.findtext("sm:loc", namespaces=NS)
            assert loc not in urls, f"{loc} listed twice"
            urls[loc] = url
    return urls


def alternates(url: ElementTree.Element) -> dict[str, str]:
    return {
        link.get("hreflang"): link.get("href")
        for link in url.findall("xhtml:link", NS)
        if link.get("rel") == "alternate"
    }


def test_sitemap_lists_the_seed_article_in_each_language_with_alternates(client, seed_article):
    urls = fetch_sitemap(client)
    path = f"/news/{SEED_SLUG}/"
    expected = {code: f"{SERVER}/{code}{path}" for code in LANGUAGES}
    for code in LANGUAGES:
        url = urls[f"{SERVER}/{code}{path}"]
        assert alternates(url) == {**expected, "x-default": f"{SERVER}{path}"}
        assert url.findtext("sm:lastmod", namespaces=NS) == (
            timezone.localdate(seed_article.updated_at).isoformat()
        )
    # x-default is the address that picks the language from the browser.
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="ru")
    assert (response.status_code, response["Location"]) == (302, f"/ru{path}")


def test_sitemap_covers_every_public_page_and_each_one_answers(client, seed_article):
    urls = fetch_sitemap(client)
    for code in LANGUAGES:
        for path in [
            "/",
            "/news/",
            f"/news/{SEED_SLUG}/",
            "/partners/",
            "/partners/map/",
            "/partners/aturc/",
            "/partners/spbpu-shanghai/",
            "/people/dmitry-arseniev/",
            "/people/pavel-romanov/",
            "/events/",
            "/events/fifth-aturc-summit-2022/",
            "/events/aturc-working-meeting-2022/",
            "/accessibility/",
        ]:
            assert f"{SERVER}/{code}{path}" in urls
    for loc in urls:
        assert client.get(loc.removeprefix(SERVER)).status_code == 200, loc


def test_unpublished_articles_are_not_in_the_sitemap(client, seed_article):
    for status in [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.ARCHIVED]:
        make_article(slug=f"hidden-{status}", status=status)
    make_article(slug="hidden-future", publish_at=timezone.now() + dt.timedelta(hours=1))
    urls = fetch_sitemap(client)
    assert f"{SERVER}/en/news/{SEED_SLUG}/" in urls
    assert not [loc for loc in urls if "/hidden-" in loc]


def test_robots_txt_allows_all_but_the_admin_and_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert [line for line in lines if line.startswith(("Allow", "Disallow"))] == [
        "Disallow: /admin/"
    ]
    assert f"Sitemap: {SERVER}/sitemap.xml" in lines
    assert client.get("/robots.txt", secure=True).text.endswith(
        "Sitemap: https://testserver/sitemap.xml\n"
    )


@pytest.mark.parametrize("count", [1, 30])
def test_sitemap_costs_a_fixed_number_of_queries(client, db, django_assert_max_num_queries, count):
    for _ in range(count):
        organization = make_organization()
        make_person(organization=organization)
        make_event()
        make_article(organizations=[organization])
        partner = make_organization()
        make_agreement(parties=[organization, partner])
        make_agreement(parties=[organization, partner], published=False)  # not listed
    # The news count and the four directory counts (the writes started the generation).
    with django_assert_max_num_queries(5):
        files = sitemap_files(client)
    assert files == [
        "/sitemap-pages.xml",
        "/sitemap-partners-1.xml",
        "/sitemap-people-1.xml",
        "/sitemap-events-1.xml",
        "/sitemap-agreements-1.xml",
        "/sitemap-news-1.xml",
    ]
    for path in files:
        with django_assert_max_num_queries(1):
            fetch_xml(client, path)
    # The fixed pages, the published information pages (seeded); per round, two
    # organisations, a person, event, agreement, article.
    pages = Page.objects.published().count()
    assert len(fetch_sitemap(client)) == 3 * (7 + pages + 6 * count)


def test_news_is_split_into_files_of_equal_size_newest_first(client, db, monkeypatch):
    monkeypatch.setattr(sitemaps, "ITEMS_PER_FILE", 2)
    articles = [make_article() for _ in range(5)]
    make_organization()
    files = [path for path in sitemap_files(client) if "news" in path]
    assert files == ["/sitemap-news-1.xml", "/sitemap-news-2.xml", "/sitemap-news-3.xml"]
    listed = [
        loc.text.removeprefix(f"{SERVER}/en/news/").rstrip("/")
        for path in files
        for loc in fetch_xml(client, path).findall("sm:url/sm:loc", NS)
        if "/en/" in loc.text
    ]
    assert listed == [article.slug for article in articles]
    for path in ["/sitemap-news-4.xml", "/sitemap-partners-2.xml", "/sitemap-nothing-1.xml"]:
        assert client.get(path).status_code == 404
