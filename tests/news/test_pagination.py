"""Numbered news pages found by key (intloffice/pagination.py), not by OFFSET."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news.models import Article
from news.pagination import PAGES_PER_BLOCK, NewestFirstPaginator
from tests.factories import make_article, make_organization

pytestmark = pytest.mark.django_db

SLUGS = re.compile(r'<h2 class="card-title"[^>]*><a href="/en/news/([^/]+)/">')


def all_pages(per_page, name="test", queryset=None):
    queryset = queryset if queryset is not None else Article.objects.published()
    paginator = NewestFirstPaginator(queryset, per_page, name=name)
    return paginator, [list(paginator.page(n)) for n in paginator.page_range]


def test_pages_hold_every_article_once_in_list_order_even_with_equal_dates():
    moment = timezone.now() - dt.timedelta(days=1)
    # Ten articles share one date: the id breaks the tie, as in the list's ORDER BY.
    for _ in range(10):
        make_article(publish_at=moment)
    for _ in range(13):
        make_article()
    make_article(status=Article.Status.DRAFT)
    paginator, pages = all_pages(per_page=4)
    assert paginator.count == 23
    assert [len(page) for page in pages] == [4, 4, 4, 4, 4, 3]
    assert [a.pk for page in pages for a in page] == list(
        Article.objects.published().values_list("pk", flat=True)
    )


def test_boundaries_span_several_cached_blocks():
    for _ in range(PAGES_PER_BLOCK + 3):
        make_article()
    paginator, pages = all_pages(per_page=1)
    assert paginator.num_pages == PAGES_PER_BLOCK + 3
    expected = list(Article.objects.published().values_list("pk", flat=True))
    assert [page[0].pk for page in pages] == expected


def test_an_empty_listing_has_one_empty_page():
    paginator, pages = all_pages(per_page=5)
    assert paginator.count == 0
    assert pages == [[]]


def test_a_new_article_moves_every_boundary_at_once(client):
    articles = [make_article() for _ in range(21)]
    first = client.get("/en/news/?page=2")
    assert SLUGS.findall(first.text) == [articles[20].slug]
    newest = make_article(publish_at=timezone.now())
    second = client.get("/en/news/?page=2")
    assert SLUGS.findall(second.text) == [articles[19].slug, articles[20].slug]
    assert SLUGS.findall(client.get("/en/news/").text)[0] == newest.slug


def test_filtered_lists_have_their_own_pages(client):
    partner = make_organization()
    linked = [make_article(organizations=[partner]) for _ in range(22)]
    for _ in range(30):
        make_article()
    response = client.get(f"/en/news/?partner={partner.slug}&page=2")
    assert SLUGS.findall(response.text) == [linked[20].slug, linked[21].slug]
    assert client.get(f"/en/news/?partner={partner.slug}&page=3").status_code == 404
    assert client.get("/en/news/?page=3").status_code == 200


def test_a_page_past_the_end_is_404_and_last_is_the_last(client):
    articles = [make_article() for _ in range(41)]
    assert client.get("/en/news/?page=4").status_code == 404
    assert client.get("/en/news/?page=0").status_code == 404
    assert SLUGS.findall(client.get("/en/news/?page=last").text) == [articles[40].slug]


def test_a_deep_page_reads_no_more_rows_than_the_first():
    """The SQL of page 3 has no OFFSET: it starts from a key and takes one page."""
    for _ in range(12):
        make_article()
    paginator = NewestFirstPaginator(Article.objects.published(), 5, name="sql")
    assert paginator.count == 12  # the boundaries, once
    with CaptureQueriesContext(connection) as queries:
        rows = list(paginator.page(3))
    assert len(rows) == 2
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "OFFSET" not in sql.upper()
    assert sql.rstrip().upper().endswith("LIMIT 5")


def test_pages_are_right_when_the_cache_keeps_nothing(monkeypatch):
    """An evicted (or never stored) boundary is recomputed, never shown as an empty page."""
    for _ in range(7):
        make_article()
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    monkeypatch.setattr(cache, "get_many", lambda *args, **kwargs: {})
    paginator, pages = all_pages(per_page=3)
    assert paginator.count == 7
    assert [a.pk for page in pages for a in page] == list(
        Article.objects.published().values_list("pk", flat=True)
    )
