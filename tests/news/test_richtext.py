"""Rich text is sanitised on every write path and in every language column."""

import pytest

from news.models import Article
from news.richtext import sanitize
from tests.factories import make_article

DIRTY = (
    '<p style="color:red" onclick="steal()">Hello <script>alert(1)</script>'
    '<img src="x.png" onerror="alert(2)" alt="pic">'
    '<a href="javascript:alert(3)">js</a> <a href="data:text/html,hi">data</a> '
    '<a href="https://example.org/">ok</a></p><iframe src="https://evil"></iframe>'
)


def assert_clean(html):
    for bad in ("<script", "onerror", "onclick", "javascript:", "data:", "style=", "<iframe"):
        assert bad not in html, bad
    assert '<a href="https://example.org/" rel="noopener noreferrer">ok</a>' in html


def test_sanitize_keeps_the_allow_list_only():
    assert_clean(sanitize(DIRTY))
    kept = "<h2>Title</h2><ul><li><strong>a</strong></li></ul><blockquote>q</blockquote>"
    assert sanitize(kept) == kept


@pytest.mark.parametrize("column", ["body_en", "body_ru", "body_zh_hans"])
def test_save_sanitises_every_language(db, column):
    article = make_article(**{column: DIRTY})
    article.refresh_from_db()
    assert_clean(getattr(article, column))


def test_bulk_update_and_queryset_update_sanitise_too(db):
    article = make_article()
    article.body_ru = DIRTY
    Article.objects.bulk_update([article], ["body_ru"])
    article.refresh_from_db()
    assert_clean(article.body_ru)
    Article.objects.filter(pk=article.pk).update(body_zh_hans=DIRTY)
    article.refresh_from_db()
    assert_clean(article.body_zh_hans)


def test_public_page_never_shows_stored_script(client, db):
    article = make_article(body_en=DIRTY, body_ru=DIRTY)
    for language in ("en", "ru"):
        html = client.get(f"/{language}/news/{article.slug}/").text
        assert "alert(1)" not in html and "onerror" not in html and "javascript:alert" not in html
