"""What every endpoint of the JSON API shares (intloffice/core/api.py), seen through the
articles' list: keyset pages, modified_since, conditional requests, CORS, read-only
methods, bad parameters and the page cache's view of the parameters."""

import datetime as dt
import re
import typing

from django.conf import settings
from django.utils import timezone
from django.utils.http import http_date

from intloffice.core import api
from intloffice.core.freshness import query_parameters
from news.models import Article
from tests.factories import make_article

LIST = "/api/v1/articles/"


def local(url: str) -> str:
    return re.sub(r"^http://testserver", "", url)


def test_the_api_s_languages_are_the_site_s():
    assert typing.get_args(api.Language) == tuple(code for code, _name in settings.LANGUAGES)


def test_walking_next_links_gives_every_item_once_in_order(client, db):
    for _ in range(45):
        make_article()
    expected = list(Article.objects.published().newest_first().values_list("slug", flat=True))
    seen, url, pages = [], f"{LIST}?limit=20&lang=ru", 0
    while url:
        body = client.get(url).json()
        seen += [item["slug"] for item in body["items"]]
        url = body["next"] and local(body["next"])
        pages += 1
        assert not url or "lang=ru" in url
    assert pages == 3
    assert seen == expected


def test_an_item_added_while_walking_is_neither_skipped_nor_repeated(client, db):
    for _ in range(5):
        make_article()
    first = client.get(f"{LIST}?limit=2").json()
    make_article(publish_at=timezone.now() - dt.timedelta(seconds=1))  # newest: page one
    rest, url = [], local(first["next"])
    while url:
        body = client.get(url).json()
        rest += [item["slug"] for item in body["items"]]
        url = body["next"] and local(body["next"])
    assert len(rest) == 3
    assert not {item["slug"] for item in first["items"]} & set(rest)


def test_a_page_is_at_most_100_items_and_a_bad_limit_or_cursor_is_a_400(client, db):
    make_article()
    for query in ("limit=1000", "limit=0", "limit=x", "cursor=nonsense", "lang=fr", "year=abc"):
        response = client.get(f"{LIST}?{query}")
        assert response.status_code == 400, query
        detail = response.json()["detail"]
        assert "\n" not in detail and detail.split(":")[0] in query, detail
    assert client.get(f"{LIST}?limit=100").status_code == 200


def test_modified_since_gives_the_items_changed_since_then(client, db):
    old, new = make_article(), make_article()
    moment = timezone.now() - dt.timedelta(hours=1)
    Article.objects.filter(pk=old.pk).update(updated_at=moment - dt.timedelta(days=1))
    body = client.get(LIST, {"modified_since": moment.isoformat()}).json()
    assert [item["slug"] for item in body["items"]] == [new.slug]
    # Without a time zone: the site's.
    naive = timezone.localtime(moment).replace(tzinfo=None).isoformat()
    assert len(client.get(LIST, {"modified_since": naive}).json()["items"]) == 1
    for bad in ("yesterday", "1700000000", "2025-13-01T00:00:00"):
        response = client.get(LIST, {"modified_since": bad})
        assert response.status_code == 400, bad
        assert response.json()["detail"].startswith("modified_since: ")


def test_conditional_requests_get_304(client, db):
    article = make_article()
    for url in (LIST, f"{LIST}{article.slug}/"):
        response = client.get(url)
        assert response.status_code == 200
        article.refresh_from_db()
        assert response["Last-Modified"] == http_date(article.updated_at.timestamp())
        etag = response["ETag"]
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304
        since = response["Last-Modified"]
        assert client.get(url, headers={"if-modified-since": since}).status_code == 304
        past = http_date((article.updated_at - dt.timedelta(days=1)).timestamp())
        assert client.get(url, headers={"if-modified-since": past}).status_code == 200


def test_reads_are_open_to_every_origin_and_writes_are_not_allowed(client, db):
    article = make_article()
    for url in (LIST, f"{LIST}{article.slug}/", "/api/v1/openapi.json"):
        assert client.get(url)["Access-Control-Allow-Origin"] == "*"
        head = client.head(url)
        assert head.status_code == 200
        assert head["Access-Control-Allow-Origin"] == "*"
        for method in (client.post, client.put, client.patch, client.delete):
            response = method(url, data="{}", content_type="application/json")
            assert response.status_code == 405, (method, url)
            assert "GET" in response["Allow"]
            assert "Access-Control-Allow-Origin" not in response
    assert Article.objects.count() == 1


def test_the_page_cache_knows_each_endpoint_s_parameters(db):
    assert query_parameters(LIST) == (
        "category",
        "cursor",
        "lang",
        "limit",
        "modified_since",
        "partner",
        "tag",
        "year",
    )
    assert query_parameters("/api/v1/articles/some-slug/") == ("lang",)
    assert set(query_parameters("/api/v1/events/")) >= {"when", "country", "kind", "partner"}
    assert query_parameters("/api/v1/openapi.json") == ()


def test_parameters_an_endpoint_does_not_read_share_one_cached_response(client, db):
    make_article()
    assert client.get(f"{LIST}?lang=ru")["X-Page-Cache"] == "miss"
    assert client.get(f"{LIST}?utm_source=x&lang=ru")["X-Page-Cache"] == "hit"
    assert client.get(f"{LIST}?lang=zh-hans")["X-Page-Cache"] == "miss"
