"""Whole-page caching for anonymous readers, made fresh exactly when content changes."""

import datetime as dt
import itertools
import logging
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis
import time_machine
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from intloffice.core import freshness as page_cache
from news import workflow
from news.models import Article
from tests.conftest import SEED_SLUG
from tests.factories import make_article, make_event, make_organization
from tests.news.test_editorial import form_data

ARTICLE = f"/{{lang}}/news/{SEED_SLUG}/"
LANGUAGES = ["en", "ru", "zh-hans"]


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def test_second_request_is_served_from_the_cache(client, seed_article, django_assert_num_queries):
    url = ARTICLE.format(lang="en")
    assert fetch(client, url)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        assert fetch(client, url)["X-Page-Cache"] == "hit"


SITEMAP_NEWS = "/sitemap-news-1.xml"


def pages(organization_slug="aturc"):
    return [
        "/{lang}/",
        "/{lang}/news/",
        ARTICLE,
        f"/{{lang}}/partners/{organization_slug}/",
        "/{lang}/news/feed/",
        "/{lang}/news/feed/atom/",
        f"/{{lang}}/partners/{organization_slug}/feed/",
        "/{lang}/events/calendar.ics",
    ]


def warm(client, urls):
    for lang in LANGUAGES:
        for url in urls:
            fetch(client, url.format(lang=lang))
    fetch(client, "/sitemap.xml")
    fetch(client, SITEMAP_NEWS)


def assert_everywhere(client, urls, text, present=True):
    for lang in LANGUAGES:
        for url in urls:
            body = client.get(url.format(lang=lang)).content.decode()
            assert (text in body) is present, (url.format(lang=lang), text, present)


def test_editing_an_article_refreshes_every_page_in_every_language(client, english_seed_article):
    urls = pages()
    warm(client, urls)
    english_seed_article.title_en = "A corrected title for the summit report"
    english_seed_article.save()
    listed = [u for u in urls if "calendar" not in u]
    assert_everywhere(client, listed, "A corrected title for the summit report")


def test_unpublishing_and_deleting_remove_the_article_everywhere(client, seed_article, admin_user):
    urls = [u for u in pages() if u != ARTICLE and "calendar" not in u]
    warm(client, urls)
    assert_everywhere(client, urls, SEED_SLUG)
    assert SEED_SLUG in client.get(SITEMAP_NEWS).content.decode()
    workflow.apply(seed_article, "unpublish", admin_user)
    assert_everywhere(client, urls, SEED_SLUG, present=False)
    assert SEED_SLUG not in client.get(SITEMAP_NEWS).content.decode()
    for lang in LANGUAGES:
        assert client.get(ARTICLE.format(lang=lang)).status_code == 404
    workflow.apply(seed_article, "publish", admin_user)
    assert_everywhere(client, urls, SEED_SLUG)
    seed_article.delete()
    assert_everywhere(client, urls, SEED_SLUG, present=False)


def test_publishing_a_new_article_shows_it_at_once(client, seed_article, admin_user):
    warm(client, pages())
    draft = make_article(status=Article.Status.DRAFT, title_en="Brand new cooperation")
    draft.organizations.add(seed_article.organizations.get(slug="aturc"))
    assert_everywhere(client, ["/{lang}/", "/{lang}/news/"], "Brand new cooperation", False)
    workflow.apply(draft, "publish", admin_user)
    assert_everywhere(
        client,
        ["/{lang}/", "/{lang}/news/", "/{lang}/partners/aturc/", "/{lang}/news/feed/"],
        "Brand new cooperation",
    )


def test_a_scheduled_article_appears_at_its_time_without_any_write(client, seed_article):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        make_article(title_en="Scheduled news", publish_at=start + dt.timedelta(minutes=5))
        warm(client, ["/{lang}/", "/{lang}/news/"])
        assert_everywhere(client, ["/{lang}/news/"], "Scheduled news", present=False)
        traveller.move_to(start + dt.timedelta(minutes=5, seconds=1))
        assert_everywhere(client, ["/{lang}/", "/{lang}/news/"], "Scheduled news")


@pytest.mark.parametrize("change", ["organization", "person", "event"])
def test_editing_a_partner_person_or_event_refreshes_pages_showing_it(client, seed_article, change):
    from partners.models import Event, Organization, Person

    urls = [ARTICLE, "/{lang}/partners/aturc/", "/{lang}/events/fifth-aturc-summit-2022/"]
    warm(client, urls)
    if change == "organization":
        obj, field, page = Organization.objects.get(slug="aturc"), "name_ru", ARTICLE
        value = "Ассоциация (новое название)"
    elif change == "person":
        obj, field, page = Person.objects.get(slug="dmitry-arseniev"), "name_ru", ARTICLE
        value = "Дмитрий Г. Арсеньев"
    else:
        obj, field = Event.objects.get(slug="fifth-aturc-summit-2022"), "name_ru"
        page, value = "/{lang}/partners/aturc/", "Пятый саммит (исправлено)"
    setattr(obj, field, value)
    obj.save()
    assert value in client.get(page.format(lang="ru")).content.decode()


def test_new_links_and_new_partners_refresh_pages(client, seed_article):
    warm(client, [ARTICLE])
    partner = make_organization(name_en="Harbin Institute of Technology")
    seed_article.organizations.add(partner)
    assert_everywhere(client, [ARTICLE], "Harbin Institute of Technology")
    event = make_event(name_en="Joint winter school")
    assert "Joint winter school" in client.get("/en/events/").content.decode()
    event.delete()
    assert "Joint winter school" not in client.get("/en/events/").content.decode()


def test_importing_refreshes_pages(client, seed_entities, tmp_path):
    from news.importing import import_articles

    warm(client, ["/{lang}/news/"])
    (tmp_path / "new.txt").write_text("Imported news\n\nText.\n\nДата публикации: 2022.01.01\n")
    import_articles([tmp_path])
    assert_everywhere(client, ["/{lang}/news/"], "Imported news")


def test_staff_and_previews_are_never_cached(client, seed_article, admin_user):
    draft = make_article(status=Article.Status.DRAFT, title_en="Secret draft")
    client.force_login(admin_user)
    preview = client.get(f"/en/news/{draft.slug}/")
    assert preview.status_code == 200 and "X-Page-Cache" not in preview
    staff_home = client.get("/en/")
    assert "X-Page-Cache" not in staff_home
    client.logout()
    assert client.get(f"/en/news/{draft.slug}/").status_code == 404
    assert "Secret draft" not in client.get("/en/").content.decode()


def test_conditional_get_works_on_cached_pages(client, seed_article):
    url = ARTICLE.format(lang="en")
    etag = fetch(client, url)["ETag"]
    cached = fetch(client, url)
    assert cached["X-Page-Cache"] == "hit" and cached["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


# --- The page cache cannot be switched off or flooded from outside --------------------


def fresh_local_cache(settings, name):
    """A local-memory cache of its own, so a test can count what is stored."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name}
    }
    return caches["default"]


def test_a_made_up_session_cookie_does_not_bypass_the_cache(
    client, seed_article, django_assert_max_num_queries
):
    url = ARTICLE.format(lang="en")
    assert fetch(client, url)["X-Page-Cache"] == "miss"
    client.cookies["sessionid"] = "x"
    with django_assert_max_num_queries(0):
        assert fetch(client, url)["X-Page-Cache"] == "hit"
    # A session cookie on a page not cached yet: stored for everyone after one session read.
    with django_assert_max_num_queries(8):
        first = fetch(client, "/en/news/")
    assert first["X-Page-Cache"] == "miss"
    assert first.cookies["sessionid"].value == ""  # Django removes the made-up cookie...
    with django_assert_max_num_queries(0):
        assert fetch(client, "/en/news/")["X-Page-Cache"] == "hit"
    other = fetch(Client(), "/en/news/")
    assert other["X-Page-Cache"] == "hit" and not other.cookies  # ...for that client only


def test_a_forged_or_borrowed_marker_does_not_bypass_the_cache(
    client, seed_article, django_assert_max_num_queries
):
    url = ARTICLE.format(lang="en")
    fetch(client, url)
    signer = page_cache.marker_signer()
    for marker in (
        "staff",
        page_cache.session_digest("x"),  # the right value, unsigned
        signer.sign(page_cache.session_digest("someone-elses-session")),
    ):
        client.cookies["sessionid"] = "x"
        client.cookies[page_cache.marker_cookie_name()] = marker
        with django_assert_max_num_queries(0):
            assert fetch(client, url)["X-Page-Cache"] == "hit", marker


def test_signed_in_staff_get_the_marker_and_never_a_cached_page(client, seed_article, admin_user):
    draft = make_article(status=Article.Status.DRAFT, title_en="Secret draft")
    fetch(client, "/en/")
    assert fetch(client, "/en/")["X-Page-Cache"] == "hit"
    login = client.post("/admin/login/", {"username": "admin", "password": "password"})
    assert login.status_code == 302
    marker = login.cookies[page_cache.marker_cookie_name()]
    assert marker.value and marker["httponly"]
    home = fetch(client, "/en/")
    assert "X-Page-Cache" not in home
    preview = fetch(client, f"/en/news/{draft.slug}/")
    assert "Preview" in preview.text and "X-Page-Cache" not in preview
    logout = client.post("/admin/logout/")
    assert logout.cookies[page_cache.marker_cookie_name()].value == ""
    assert fetch(client, "/en/")["X-Page-Cache"] == "hit"
    assert client.get(f"/en/news/{draft.slug}/").status_code == 404


def test_query_parameters_a_page_does_not_read_share_its_cache_entry(
    client, seed_article, settings, django_assert_max_num_queries
):
    stored = fresh_local_cache(settings, "query-strings")
    assert fetch(client, "/en/news/?x=1")["X-Page-Cache"] == "miss"
    entries = len(stored._cache)
    for number in range(2, 12):
        with django_assert_max_num_queries(0):
            response = fetch(client, f"/en/news/?x={number}&utm_source=y")
        assert response["X-Page-Cache"] == "hit"
        assert "x=1" not in response.text  # the first reader's query is not in the page
    assert fetch(client, "/en/news/")["X-Page-Cache"] == "hit"
    assert len(stored._cache) == entries


def test_read_parameters_in_any_order_are_one_page_and_still_filter(client, seed_article):
    first = fetch(client, "/en/news/?year=2022&partner=aturc&x=1")
    assert first["X-Page-Cache"] == "miss" and SEED_SLUG in first.text
    again = fetch(client, "/en/news/?partner=aturc&utm=2&year=2022")
    assert again["X-Page-Cache"] == "hit"
    other_year = fetch(client, "/en/news/?year=2019&partner=aturc")
    assert other_year["X-Page-Cache"] == "miss" and SEED_SLUG not in other_year.text
    search = fetch(client, "/en/search/?q=summit")
    assert search["X-Page-Cache"] == "miss" and SEED_SLUG in search.text
    assert fetch(client, "/en/search/?ref=mail&q=summit")["X-Page-Cache"] == "hit"
    assert fetch(client, "/en/search/?q=summit&page=1")["X-Page-Cache"] == "miss"


def test_missing_pages_cost_no_rendering_nor_cache_space(
    client, seed_entities, settings, django_assert_max_num_queries
):
    stored = fresh_local_cache(settings, "missing-pages")
    client.get("/en/")  # the generation
    entries = len(stored._cache)
    for number in range(10):
        # An address no page has: no query at all; a missing article: its one lookup.
        with django_assert_max_num_queries(0):
            response = client.get(f"/en/no-such-page-{number}/?x={number}")
        assert response.status_code == 404
        assert "Page not found" in response.text
        with django_assert_max_num_queries(1):
            assert client.get(f"/ru/news/no-such-article-{number}/").status_code == 404
    assert len(stored._cache) == entries
    # Its language links lead to pages that exist, not to the same missing address.
    assert 'href="/ru/"' in response.text and 'href="/zh-hans/"' in response.text
    assert "no-such-page" not in response.text


# --- The cache fails open ---------------------------------------------------------------

# The project's test ports for Redis servers of its own (the shared one is never stopped).
REDIS_PORTS = range(6390, 6395)
PAUSE = 0.3  # the circuit breaker's pause, short for the tests
_databases = itertools.count()


def free_port() -> int:
    for port in REDIS_PORTS:
        with socket.socket() as probe:
            # As servers do: a port a closed connection still waits on (TIME_WAIT) is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {REDIS_PORTS}")


def redis_cache(port: int) -> dict:
    # A database number of its own per call: each test sees a fresh outage record (the
    # error is logged once a minute per server address).
    return {
        "default": {
            "BACKEND": "intloffice.core.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/{next(_databases) % 14}",
            "OPTIONS": {
                "socket_connect_timeout": 0.2,
                "socket_timeout": 0.2,
                "pause_after_error": PAUSE,
            },
        }
    }


class RedisServer:
    """A Redis server of the test's own, to stop, hang and restart."""

    def __init__(self, port: int):
        self.port = port
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_timeout=0.2)
        for _ in range(50):
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.1)
        pytest.fail(f"redis-server did not start on port {self.port}")

    def stop(self):
        self.process.send_signal(signal.SIGCONT)
        self.process.terminate()
        self.process.wait(10)

    def hang(self):
        """The server keeps its data and its connections but answers nothing."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        message = "needs redis-server (apt-get install redis-server)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = RedisServer(free_port())
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def cache_errors(caplog) -> int:
    return sum(
        1 for r in caplog.records if r.name == "intloffice.cache" and r.levelno >= logging.ERROR
    )


def assert_site_works(client, seed_article, admin_user, new_title):
    """Public pages, the admin list and an article save, as a reader and an editor."""
    for url in [
        "/en/",
        "/ru/news/",
        "/en/news/?year=2022",
        ARTICLE.format(lang="zh-hans"),
        "/en/search/?q=summit",
        "/en/partners/aturc/",
        "/en/news/feed/",
        "/sitemap.xml",
    ]:
        fetch(client, url)
    assert client.get("/en/news/no-such-article/").status_code == 404
    client.force_login(admin_user)
    assert client.get(reverse("admin:news_article_changelist")).status_code == 200
    change = reverse("admin:news_article_change", args=[seed_article.pk])
    assert client.get(change).status_code == 200
    saved = client.post(change, form_data(seed_article, title_en=new_title))
    assert saved.status_code == 302, saved.content[:2000]
    client.logout()
    assert new_title in fetch(client, ARTICLE.format(lang="en")).text


def cached_article(client, settings, redis_server) -> str:
    """Point the cache at the test's own server and cache the seed article there."""
    settings.CACHES = redis_cache(redis_server.port)
    url = ARTICLE.format(lang="en")
    assert fetch(client, url)["X-Page-Cache"] == "miss"
    assert fetch(client, url)["X-Page-Cache"] == "hit"
    return url


def test_everything_works_while_nothing_listens_on_the_cache_port(
    client, seed_article, admin_user, settings, caplog
):
    settings.CACHES = redis_cache(free_port())
    assert_site_works(client, seed_article, admin_user, "Saved without a cache")
    assert cache_errors(caplog) == 1


def test_after_redis_stops_the_site_works_and_caching_resumes_when_it_returns(
    client, seed_article, admin_user, settings, caplog, redis_server
):
    url = cached_article(client, settings, redis_server)
    redis_server.stop()
    assert_site_works(client, seed_article, admin_user, "Saved while the cache was stopped")
    assert cache_errors(caplog) == 1
    redis_server.start()
    time.sleep(PAUSE)
    assert fetch(client, url)["X-Page-Cache"] == "miss"
    cached = fetch(client, url)
    assert cached["X-Page-Cache"] == "hit"
    assert "Saved while the cache was stopped" in cached.text
    assert cache_errors(caplog) == 1


def test_a_change_made_while_redis_hung_is_shown_when_it_answers_again(
    client, seed_article, settings, redis_server
):
    url = cached_article(client, settings, redis_server)
    redis_server.hang()  # keeps the cached page, and the generation it belongs to
    seed_article.title_en = "Corrected while the cache hung"
    seed_article.save()  # cannot start a new generation in the cache
    assert "Corrected while the cache hung" in fetch(client, url).text
    redis_server.resume()
    time.sleep(PAUSE)
    assert "Corrected while the cache hung" in fetch(client, url).text
    assert fetch(client, url)["X-Page-Cache"] == "hit"


def test_a_change_the_cache_refused_is_shown_when_it_accepts_writes_again(
    client, seed_article, settings, redis_server
):
    url = cached_article(client, settings, redis_server)
    # Writes refused, reads answered: the cached page stays, the new generation is lost.
    server = redis.Redis(port=redis_server.port)
    server.config_set("min-replicas-to-write", 1)
    seed_article.title_en = "Corrected while the cache refused writes"
    seed_article.save()
    assert "Corrected while the cache refused writes" in fetch(client, url).text
    server.config_set("min-replicas-to-write", 0)
    time.sleep(PAUSE)
    assert "Corrected while the cache refused writes" in fetch(client, url).text
    assert fetch(client, url)["X-Page-Cache"] == "hit"


def test_sessions_do_not_live_in_the_cache():
    assert django_settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


# An edit renews only the pages that showed what it changed (core.dependencies).


def cached(client, url) -> bool:
    response = client.get(url)
    assert response.status_code == 200, url
    return response["X-Page-Cache"] == "hit"


@pytest.fixture
def four_articles(seed_entities):
    """Four articles a day apart, the newest first; only the newest names a partner."""
    from partners.models import Organization

    now = timezone.now()
    oldest, older, newer, newest = (
        make_article(title_en=f"Story {n}", publish_at=now - dt.timedelta(days=10 - n))
        for n in range(4)
    )
    newest.organizations.add(Organization.objects.get(slug="aturc"))
    return oldest, older, newer, newest


def article_url(article, lang="{lang}"):
    return f"/{lang}/news/{article.slug}/"


def test_editing_an_articles_text_renews_its_pages_and_leaves_unrelated_ones_cached(
    client, four_articles, django_assert_max_num_queries
):
    oldest, older, newer, newest = four_articles
    page = make_organization(name_en="Partner in older news", slug="quiet-partner")
    oldest.organizations.add(page)
    showing = [
        article_url(newest),
        article_url(newer),  # shows the newest as its next article
        "/{lang}/news/",
        "/{lang}/",
        "/{lang}/news/feed/",
        "/{lang}/partners/aturc/",
    ]
    unrelated = [
        article_url(oldest),  # its only neighbour is `older`
        f"/{{lang}}/partners/{page.slug}/",
        "/{lang}/events/",
        "/{lang}/partners/",
    ]
    warm(client, showing + unrelated)
    newest.title_en = "Story three, corrected"
    newest.title_ru = "История три, исправлено"
    newest.title_zh_hans = "第三个故事（更正）"
    newest.save()
    for lang in LANGUAGES:
        for url in unrelated:
            assert cached(client, url.format(lang=lang)), url.format(lang=lang)
    expected = {
        "en": "Story three, corrected",
        "ru": "История три, исправлено",
        "zh-hans": "第三个故事",
    }
    for lang in LANGUAGES:
        for url in showing:
            body = fetch(client, url.format(lang=lang)).content.decode()
            assert expected[lang] in body, (url.format(lang=lang), expected[lang])
    # The renewed pages are cached again, at no query.
    with django_assert_max_num_queries(0):
        assert cached(client, article_url(newest, "ru"))


def test_a_text_edit_keeps_the_other_pages_of_the_list_cached(client, seed_entities):
    now = timezone.now()
    articles = [make_article(publish_at=now - dt.timedelta(hours=n)) for n in range(25)]
    warm(client, ["/{lang}/news/", "/{lang}/news/?page=2"])
    articles[0].summary_en = "A new lead for the first story"
    articles[0].save()
    for lang in LANGUAGES:
        assert cached(client, f"/{lang}/news/?page=2")
        assert not cached(client, f"/{lang}/news/")
    assert "A new lead for the first story" in client.get("/en/news/").content.decode()


def test_publishing_renews_every_list_of_articles_but_not_pages_without_them(
    client, four_articles, admin_user
):
    from tests.factories import make_page

    oldest = four_articles[0]
    about = make_page(title_en="About the office")
    lists = ["/{lang}/news/", "/{lang}/", "/{lang}/partners/aturc/", article_url(oldest)]
    # A partner's page lists its articles (a new one may name it): only pages reading no
    # article stay.
    untouched = [about.get_absolute_url().replace("/en/", "/{lang}/", 1), "/{lang}/events/"]
    warm(client, lists + untouched)
    draft = make_article(
        status=Article.Status.DRAFT,
        title_en="Fresh cooperation news",
        publish_at=timezone.now() - dt.timedelta(days=20),  # right before the oldest
    )
    draft.organizations.add(four_articles[-1].organizations.get())
    workflow.apply(draft, "publish", admin_user)
    for lang in LANGUAGES:
        for url in untouched:
            assert cached(client, url.format(lang=lang)), url.format(lang=lang)
    assert_everywhere(
        client, ["/{lang}/news/", "/{lang}/partners/aturc/"], "Fresh cooperation news"
    )
    # The newest article before it has a new neighbour.
    assert draft.slug in client.get(article_url(four_articles[-1], "en")).content.decode()


def test_renaming_a_partner_renews_the_pages_reading_partners_only(client, four_articles):
    from partners.models import Organization
    from tests.factories import make_page

    newest = four_articles[-1]
    about = make_page(title_en="About the office")
    unrelated = [about.get_absolute_url().replace("/en/", "/{lang}/", 1), "/{lang}/search/?q=x"]
    warm(client, [article_url(newest), "/{lang}/partners/aturc/", *unrelated])
    aturc = Organization.objects.get(slug="aturc")
    aturc.name_zh_hans = "亚太大学联盟（新名称）"
    aturc.save()
    # Organisations declare no display-only fields: every page reading them is renewed,
    # and no page that does not.
    for url in (article_url(newest, "zh-hans"), "/zh-hans/partners/aturc/"):
        assert "亚太大学联盟（新名称）" in client.get(url).content.decode(), url
    for lang in LANGUAGES:
        assert cached(client, unrelated[0].format(lang=lang))


def test_a_change_is_announced_again_when_its_transaction_commits(
    four_articles, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from intloffice.core import dependencies

    newest = four_articles[-1]
    dependencies.read_state()
    before = cache.get(dependencies.CLOCK_KEY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        newest.title_en = "Edited inside a transaction"
        newest.save()
        during = cache.get(dependencies.CLOCK_KEY)
        assert during > before  # at once, for this process's next read
    after = cache.get(dependencies.CLOCK_KEY)
    assert callbacks and after > during  # and after the commit, for readers in between
    tag = f"{dependencies.TAG_PREFIX}row:news.Article:{newest.pk}"
    assert cache.get(tag) == after


def test_what_a_page_read_is_what_it_depends_on(four_articles):
    """The recording: tables read, rows built, and text filtered on."""
    from intloffice.core import dependencies
    from news.models import Article

    oldest = four_articles[0]
    epoch, clock, _values = dependencies.read_state()
    with dependencies.recording(epoch, clock) as rec:
        list(Article.objects.filter(pk=oldest.pk))
    assert {"set:news.Article", f"row:news.Article:{oldest.pk}"} <= rec.tags
    assert "any:news.Article" not in rec.tags
    with dependencies.recording(epoch, clock) as rec:
        list(Article.objects.filter(title_en__icontains="story").values_list("pk", flat=True))
    assert "any:news.Article" in rec.tags  # filtered on text: any edit may change it
    with dependencies.recording(epoch, clock) as rec:
        list(Article.objects.values_list("title_en", flat=True))
    assert "any:news.Article" in rec.tags  # text read without rows it can name
    with dependencies.recording(epoch, clock) as rec:
        list(Article.objects.filter(pk=-1))
    assert rec.tags == {"set:news.Article"}  # no row shown, only which rows there are
    with dependencies.recording(epoch, clock) as rec:
        list(Article.objects.filter(pk=oldest.pk).only("pk", "title_en"))
    assert rec.tags == {"set:news.Article", f"row:news.Article:{oldest.pk}"}  # rows built
    with dependencies.recording(epoch, clock) as rec:
        oldest.organizations.count()
    assert {"set:news.Article", "set:partners.Organization"} <= rec.tags


def test_an_edit_through_the_admin_keeps_unrelated_pages_cached(client, four_articles, admin_user):
    from tests.news.test_editorial import form_data

    oldest, _older, newer, newest = four_articles
    newest.publish_at = newest.publish_at.replace(microsecond=0)  # as the form shows it
    newest.save()
    linked = [str(pk) for pk in newest.organizations.values_list("pk", flat=True)]
    warm(client, [article_url(oldest), article_url(newest)])
    staff = Client()
    staff.force_login(admin_user)
    response = staff.post(
        f"/admin/news/article/{newest.pk}/change/",
        form_data(newest, title_en="Corrected in the admin", organizations=linked),
    )
    assert response.status_code == 302
    for lang in LANGUAGES:
        assert cached(client, article_url(oldest, lang))
        assert "Corrected in the admin" in client.get(article_url(newest, lang)).content.decode()
    # A second edit, by the same door, the same.
    newest.refresh_from_db()
    staff.post(
        f"/admin/news/article/{newest.pk}/change/",
        form_data(newest, title_en="Again", organizations=linked),
    )
    assert cached(client, article_url(oldest, "en"))
    assert "Again" in client.get(article_url(newest, "en")).content.decode()
