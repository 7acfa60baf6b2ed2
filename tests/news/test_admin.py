"""Articles in the admin: the language tabs, search in any language, articles in one language
only, and a list that does not count the whole table on every view."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_article


def test_article_form_has_tabs_for_each_language_served_locally(superuser_client, seed_article):
    response = superuser_client.get(reverse("admin:news_article_change", args=[seed_article.pk]))
    html = response.text
    for column in ("title_en", "title_ru", "title_zh_hans", "body_ru"):
        assert f'name="{column}"' in html
    assert "googleapis" not in html
    assert "vendor/jquery-ui/jquery-ui.min" in html
    assert "modeltranslation/js/tabbed_translation_fields" in html


def test_admin_search_finds_articles_by_any_language(superuser_client, seed_article):
    seed_article.title_ru = "Политех на пятом саммите АТУРК"
    seed_article.save()
    url = reverse("admin:news_article_changelist")
    assert "Fifth ATURC-2022" in superuser_client.get(url + "?q=саммите").text
    assert superuser_client.get(url + "?q=nothing-like-this").context["cl"].result_count == 0


def test_an_article_can_be_written_in_russian_only(superuser_client):
    from news.models import Article

    response = superuser_client.post(
        reverse("admin:news_article_add"),
        {
            "title_en": "",
            "title_ru": "Новость только на русском",
            "slug": "novost-tolko-na-russkom",
            "body_ru": "<p>Текст.</p>",
            "status": "draft",
            "publish_at_0": "2026-01-01",
            "publish_at_1": "10:00:00",
            "original_language": "ru",
            "based_on_version": "1",
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors
    article = Article.objects.get(slug="novost-tolko-na-russkom")
    assert article.title_ru == "Новость только на русском"
    assert not article.title_en


def test_an_article_needs_a_title_in_some_language(superuser_client):
    response = superuser_client.post(
        reverse("admin:news_article_add"),
        {
            "slug": "untitled",
            "status": "draft",
            "publish_at_0": "2026-01-01",
            "publish_at_1": "10:00:00",
            "original_language": "en",
        },
    )
    assert response.status_code == 200
    assert "Give the article a title in at least one language." in response.text


ARTICLES = "/admin/news/article/"


def listed_titles(response) -> list[str]:
    return [str(article) for article in response.context["cl"].result_list]


def test_article_list_counts_once_per_content_change(superuser_client, seed_article):
    """No COUNT(*) of the whole table on every view: the count is kept until content changes."""
    for _ in range(3):
        make_article()

    def counts(url):
        with CaptureQueriesContext(connection) as queries:
            response = superuser_client.get(url)
        assert response.status_code == 200
        return response, [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]

    first, counted = counts(ARTICLES)
    assert first.context["cl"].result_count == 4
    assert len(counted) == 1  # the list's count; no second, unfiltered one
    again, counted = counts(ARTICLES)
    assert again.context["cl"].result_count == 4 and counted == []
    make_article()
    fresh, counted = counts(ARTICLES)
    assert fresh.context["cl"].result_count == 5 and len(counted) == 1
    # A filter has its own count.
    filtered, counted = counts(ARTICLES + "?status__exact=draft")
    assert filtered.context["cl"].result_count == 0 and len(counted) == 1


def test_admin_search_finds_words_in_any_form_and_slugs(superuser_client):
    make_article(title_en="Delegation visits Harbin", slug="harbin-visit")
    make_article(title_en="Another story")
    by_word = superuser_client.get(ARTICLES, {"q": "harbin"})
    assert listed_titles(by_word) == ["Delegation visits Harbin"]
    by_slug = superuser_client.get(ARTICLES, {"q": "harbin-visit"})
    assert listed_titles(by_slug) == ["Delegation visits Harbin"]
    if connection.vendor == "postgresql":
        # Other forms of a word, as on the public search.
        assert listed_titles(superuser_client.get(ARTICLES, {"q": "visit"})) == [
            "Delegation visits Harbin"
        ]
