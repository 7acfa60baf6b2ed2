"""RSS and Atom feeds of the news (all of it, and a partner's), fetched through the test
client and parsed as readers do."""

import datetime as dt
import time
import unicodedata
from zoneinfo import ZoneInfo

import feedparser
import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from intloffice.core import dependencies, websub
from news import workflow
from news.models import Article
from partners.models import Organization
from tests.conftest import SEED_SLUG, SEEDS
from tests.factories import make_article, make_category, make_organization, make_tag
from tests.forms import form_fields
from tests.hub import silent_address

FEEDS = ["/en/news/feed/", "/en/news/feed/atom/", "/en/partners/aturc/feed/"]
SEED_TITLE = "Polytechnic University at the Fifth ATURC-2022 Summit"
SEED_LINK = f"http://testserver/en/news/{SEED_SLUG}/"
MOSCOW = ZoneInfo("Europe/Moscow")


def fetch_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return response, feed


def entry_for(feed, link):
    return next(entry for entry in feed.entries if entry.link == link)


@pytest.mark.parametrize(
    ("url", "version", "content_type"),
    [
        ("/en/news/feed/", "rss20", "application/rss+xml; charset=utf-8"),
        ("/en/news/feed/atom/", "atom10", "application/atom+xml; charset=utf-8"),
    ],
)
def test_feed_lists_the_seed_article_with_its_date_author_and_text(
    client, seed_article, url, version, content_type
):
    response, feed = fetch_feed(client, url)
    assert response["Content-Type"] == content_type
    assert feed.version == version
    assert feed.feed.title == "International Office — News"
    assert feed.feed.language == "en"
    entry = entry_for(feed, SEED_LINK)
    assert entry.title == SEED_TITLE
    # Published at midnight, Moscow time: 21:00 UTC the day before.
    published = dt.datetime(*entry.published_parsed[:6], tzinfo=dt.UTC)
    assert published.astimezone(MOSCOW) == dt.datetime(2022, 6, 10, tzinfo=MOSCOW)
    assert entry.author == "Prepared by the SPbPU International Office"
    assert entry.summary.startswith("St. Petersburg Polytechnic University participated")
    assert "in Xi'an in online" in response.text  # no "Xi&#x27;an" for literal readers
    assert entry.summary.endswith("…")
    assert 350 <= len(entry.summary) <= 400
    assert entry.id.startswith("urn:uuid:")


def test_entry_ids_are_stable_and_differ_between_languages(client, seed_article):
    first = entry_for(fetch_feed(client, "/en/news/feed/atom/")[1], SEED_LINK).id
    seed_article.slug = "renamed"
    seed_article.save()
    renamed = fetch_feed(client, "/en/news/feed/atom/")[1].entries[0]
    assert renamed.link == "http://testserver/en/news/renamed/"
    assert renamed.id == first
    assert fetch_feed(client, "/ru/news/feed/atom/")[1].entries[0].id != first


def test_russian_feed_declares_russian_and_links_to_russian_pages(client, seed_article):
    response, feed = fetch_feed(client, "/ru/news/feed/")
    assert feed.feed.language == "ru"
    assert feed.feed.title == "Международная служба — Новости"
    assert feed.entries[0].link == f"http://testserver/ru/news/{SEED_SLUG}/"
    assert 'xml:lang="ru"' in client.get("/ru/news/feed/atom/").text


def test_feed_shows_each_language_with_fallback(client, db):
    make_article(title_en="Summit report", title_ru="Отчёт о саммите", summary_ru="Кратко.")
    ru = fetch_feed(client, "/ru/news/feed/")[1].entries[0]
    assert (ru.title, ru.summary) == ("Отчёт о саммите", "Кратко.")
    zh = fetch_feed(client, "/zh-hans/news/feed/")[1]
    assert zh.feed.language == "zh-hans"
    assert zh.entries[0].title == "Summit report"


def test_categories_are_the_category_and_tags(client, db):
    make_article(category=make_category(name_en="Cooperation"), tags=[make_tag(name_en="China")])
    for url in FEEDS[:2]:
        entry = fetch_feed(client, url)[1].entries[0]
        assert [tag.term for tag in entry.tags] == ["Cooperation", "China"]


def test_unpublished_articles_are_in_no_feed(client, seed_article):
    aturc = Organization.objects.get(slug="aturc")
    make_article(title_en="Draft news", status=Article.Status.DRAFT, organizations=[aturc])
    make_article(title_en="Review news", status=Article.Status.REVIEW, organizations=[aturc])
    make_article(
        title_en="Future news",
        publish_at=timezone.now() + dt.timedelta(hours=1),
        organizations=[aturc],
    )
    for url in FEEDS:
        response, feed = fetch_feed(client, url)
        assert [entry.link for entry in feed.entries] == [SEED_LINK]
        assert "news</title>" not in response.text


def test_feed_holds_the_20_latest_articles(client, db):
    for _ in range(21):
        make_article()
    feed = fetch_feed(client, "/en/news/feed/")[1]
    published = [entry.published_parsed for entry in feed.entries]
    assert len(published) == 20
    assert published == sorted(published, reverse=True)


@pytest.mark.parametrize("url", FEEDS)
def test_markup_in_an_article_is_text_in_the_feed(client, db, url):
    make_article(
        title_en="<script>alert(1)</script> Summit",
        summary_en="",
        body_en=(
            "<p>&lt;img src=x onerror=alert(2)&gt; and "
            '<a href="javascript:alert(3)">a link</a></p><script>alert(4)</script>'
        ),
        byline_en="<b>Prepared</b> by the office",
        organizations=[make_organization(slug="aturc")],
    )
    response, feed = fetch_feed(client, url)
    xml = response.text
    for live in ["<script", "<img", "<a ", "<b>", 'href="javascript']:
        assert live not in xml
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Summit" in xml
    entry = feed.entries[0]
    assert entry.title == "<script>alert(1)</script> Summit"
    assert entry.author == "<b>Prepared</b> by the office"
    # The description is HTML: the text "<img ...>" arrives escaped, to be shown as text.
    # (The <script> element itself never got stored: bodies are sanitised on write.)
    assert entry.summary == "&lt;img src=x onerror=alert(2)&gt; and a link"


def test_partner_feed_holds_the_partners_articles_only(client, seed_article):
    make_article(title_en="Unrelated news")
    response, feed = fetch_feed(client, "/en/partners/aturc/feed/")
    assert "Association of Technical Universities of Russia and China" in feed.feed.title
    assert feed.feed.link == "http://testserver/en/partners/aturc/"
    assert [entry.link for entry in feed.entries] == [SEED_LINK]


def test_partner_feed_of_an_unknown_partner_is_404(client, db):
    assert client.get("/en/partners/no-such-partner/feed/").status_code == 404


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize(("url", "queries"), [*zip(FEEDS, [2, 2, 3], strict=True)])
def test_feeds_cost_a_fixed_number_of_queries(
    client, db, django_assert_max_num_queries, count, url, queries
):
    aturc = make_organization(slug="aturc")
    category = make_category()
    tags = [make_tag(), make_tag()]
    for _ in range(count):
        make_article(category=category, tags=tags, organizations=[aturc])
    with django_assert_max_num_queries(queries):
        feed = fetch_feed(client, url)[1]
    assert len(feed.entries) == min(count, 20)
    assert len(feed.entries[0].tags) == 3


def test_a_feed_is_sent_in_one_piece(client, seed_article):
    """Written element by element, a feed would reach the server as hundreds of writes."""
    response = client.get("/en/news/feed/")
    assert len(response._container) == 1
    assert b"<rss" in response._container[0]


def test_chinese_descriptions_are_shortened_too(client, seed_article):
    """Chinese has no spaces between words: a count of words never shortened it."""
    with translation.override("zh-hans"):
        lead = " ".join(Article.objects.get(pk=seed_article.pk).lead.split())
    assert len(lead) > 300  # the seed's Chinese opening is long enough to be cut
    feed = fetch_feed(client, "/zh-hans/news/feed/atom/")[1]
    summary = entry_for(feed, SEED_LINK.replace("/en/", "/zh-hans/")).summary
    assert summary.endswith("…") and lead.startswith(summary[:-1])
    # Two columns a Chinese character (as on screen), one a Latin letter or digit.
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in summary)
    assert 380 <= columns <= 400


# --- Announcing changes to a WebSub hub (a real server on 127.0.0.1: tests/hub.py) ----------

HUB_SITE = "https://io.example.edu"
NEWS_FEEDS = [
    f"{HUB_SITE}/{lang}/news/feed/{atom}"
    for lang in ("en", "ru", "zh-hans")
    for atom in ("", "atom/")
]


def partner_feeds(slug):
    return [f"{HUB_SITE}/{lang}/partners/{slug}/feed/" for lang in ("en", "ru", "zh-hans")]


def change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


def publish_in_the_admin(client, article):
    page = client.get(change_url(article))
    response = client.post(
        change_url(article), {**form_fields(page.text, "article_form"), "_transition": "publish"}
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).is_public()


def test_publishing_in_the_admin_tells_the_hub_of_the_news_and_partner_feeds_after_commit(
    client, publisher, hub, django_capture_on_commit_callbacks
):
    aturc, other = make_organization(slug="aturc"), make_organization(slug="other")
    article = make_article(status=Article.Status.DRAFT, organizations=[aturc])
    make_article(organizations=[other])  # another partner's feed is not touched
    assert websub.wait() and hub.received == []  # made outside any commit: never committed
    client.force_login(publisher)
    with django_capture_on_commit_callbacks() as callbacks:
        publish_in_the_admin(client, article)
    assert websub.wait() and hub.received == []  # published, not yet committed
    for callback in callbacks:
        callback()
    assert websub.wait()
    assert sorted(hub.announced()) == sorted(NEWS_FEEDS + partner_feeds("aturc"))


def test_the_announced_addresses_are_the_ones_the_feeds_give_as_their_own(
    client, db, hub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_article(organizations=[make_organization(slug="aturc")])
    assert websub.wait()
    for url in hub.announced():
        path = url.removeprefix(HUB_SITE)
        feed = fetch_feed(client, path)[1]
        assert [link.href for link in feed.feed.links if link.rel == "self"] == [url]


def test_editing_a_draft_tells_the_hub_nothing_and_unpublishing_tells_it(
    publisher, hub, django_capture_on_commit_callbacks
):
    aturc = make_organization(slug="aturc")
    draft = make_article(status=Article.Status.DRAFT, organizations=[aturc])
    live = make_article(organizations=[aturc])
    with django_capture_on_commit_callbacks(execute=True):
        draft.title_en = "Still a draft"
        draft.save()
    assert websub.wait() and hub.received == []
    with django_capture_on_commit_callbacks(execute=True):
        workflow.apply(live, "unpublish", publisher)
    assert websub.wait()
    assert sorted(hub.announced()) == sorted(NEWS_FEEDS + partner_feeds("aturc"))


def test_a_partner_an_article_no_longer_names_hears_of_it_too(
    db, hub, django_capture_on_commit_callbacks
):
    old, new = make_organization(slug="old-partner"), make_organization(slug="new-partner")
    article = make_article(organizations=[old])
    with django_capture_on_commit_callbacks(execute=True):
        article.title_en = "Corrected"
        article.save()
        article.organizations.set([new])  # as the admin saves links after the article
    assert websub.wait()
    expected = NEWS_FEEDS + partner_feeds("old-partner") + partner_feeds("new-partner")
    assert sorted(hub.announced()) == sorted(expected)


def test_a_rolled_back_publication_tells_the_hub_nothing(
    publisher, hub, django_capture_on_commit_callbacks
):
    article = make_article(status=Article.Status.DRAFT)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workflow.apply(article, "publish", publisher)
        raise RuntimeError("a later step failed")
    assert callbacks == []
    assert websub.wait() and hub.received == []


def test_an_import_tells_the_hub_once(
    seed_entities, publisher, hub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("import_articles", SEEDS, user="publisher", verbosity=0)
    # Bulk writes send no signals: one announcement, at the end (besides the page
    # cache's own after-commit renewals).
    announcements = [c for c in callbacks if getattr(c, "func", None) is not dependencies.bump]
    assert len(announcements) == 1
    assert websub.wait()
    partners = Article.objects.get().organizations.values_list("slug", flat=True)
    assert "aturc" in partners  # the seed names it: its feed changed
    expected = NEWS_FEEDS + [url for slug in partners for url in partner_feeds(slug)]
    assert sorted(hub.announced()) == sorted(expected)


def test_a_hub_that_never_answers_does_not_hold_up_publishing(
    client, publisher, settings, monkeypatch, django_capture_on_commit_callbacks
):
    listener, address = silent_address()
    settings.INTLOFFICE_WEBSUB_HUB, settings.SITE_URL = address, HUB_SITE
    # Waiting on the hub would take its whole timeout: long beside a publish, even on a
    # busy machine (a publish took 0.52 s there once, with the timeout at 0.5 s).
    monkeypatch.setattr(websub, "TIMEOUT_SECONDS", 3)
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(publisher)
    with listener:
        with django_capture_on_commit_callbacks(execute=True):
            page = client.get(change_url(article))  # the form, read before the clock starts
            started = time.monotonic()
            response = client.post(
                change_url(article),
                {**form_fields(page.text, "article_form"), "_transition": "publish"},
            )
        assert response.status_code == 302
        assert time.monotonic() - started < 3  # the publisher never waits on the hub
        assert Article.objects.get(pk=article.pk).is_public()
        assert websub.wait()
