"""Articles in the JSON API: only published ones, in the reader's language with the site's
fallback, filtered, at a fixed number of queries."""

import datetime as dt

import pytest
from django.utils import timezone

from agreements.models import Agreement
from news.models import Article
from tests.factories import (
    make_agreement,
    make_article,
    make_category,
    make_event,
    make_organization,
    make_person,
    make_tag,
)


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["items"]]


def test_drafts_scheduled_and_unpublished_articles_are_not_in_the_api(client, db):
    public = make_article()
    draft = make_article(status=Article.Status.DRAFT)
    review = make_article(status=Article.Status.REVIEW)
    scheduled = make_article(publish_at=timezone.now() + dt.timedelta(days=2))
    assert slugs(client.get("/api/v1/articles/")) == [public.slug]
    for hidden in (draft, review, scheduled):
        response = client.get(f"/api/v1/articles/{hidden.slug}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json() == {"detail": "Not Found"}
    assert client.get(f"/api/v1/articles/{public.slug}/").json()["slug"] == public.slug


def test_an_article_reports_only_public_agreements(client, db):
    article = make_article()
    public, hidden = make_agreement(), make_agreement(published=False)
    article.agreements.set([public, hidden])
    item = client.get(f"/api/v1/articles/{article.slug}/").json()
    assert item["agreements"] == [public.slug]
    assert Agreement.objects.count() == 2


def test_a_script_in_a_title_comes_back_as_a_json_string(client, db):
    title = '<script>alert("x")</script> & co'
    article = make_article(title_en=title)
    response = client.get(f"/api/v1/articles/{article.slug}/")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["title"] == title
    # A browser never sniffs it as a page.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get("/api/v1/articles/").json()["items"][0]["title"] == title


def test_a_russian_reader_gets_the_english_title_where_there_is_no_russian_one(client, db):
    article = make_article(
        title_en="Summit in Xi'an", summary_en="In English.", summary_ru="По-русски."
    )
    item = client.get(f"/api/v1/articles/{article.slug}/?lang=ru").json()
    assert item["title"] == "Summit in Xi'an"
    assert item["language"]["title"] == "en"
    assert item["summary"] == "По-русски."
    assert item["language"]["summary"] == "ru"
    assert item["translations"]["ru"]["fields"]["title"] == "missing"
    assert item["translations"]["ru"]["state"] == "missing"
    assert item["translations"]["en"] == {
        "state": "current",
        "source": True,
        "fields": dict.fromkeys(
            ["title", "summary", "body", "image_alt", "image_caption"], "current"
        ),
    }
    assert item["url"] == {
        "en": f"http://testserver/en/news/{article.slug}/",
        "ru": f"http://testserver/ru/news/{article.slug}/",
        "zh-hans": f"http://testserver/zh-hans/news/{article.slug}/",
    }


def test_articles_are_filtered_by_partner_year_category_and_tag(client, db):
    partner, tag, category = make_organization(), make_tag(), make_category()
    old = make_article(publish_at=timezone.now().replace(year=2019), organizations=[partner])
    tagged = make_article(tags=[tag], category=category)
    other = make_article()
    assert slugs(client.get(f"/api/v1/articles/?partner={partner.slug}")) == [old.slug]
    assert slugs(client.get("/api/v1/articles/?year=2019")) == [old.slug]
    assert slugs(client.get(f"/api/v1/articles/?tag={tag.slug}")) == [tagged.slug]
    assert slugs(client.get(f"/api/v1/articles/?category={category.slug}")) == [tagged.slug]
    assert slugs(client.get("/api/v1/articles/?partner=nobody")) == []
    assert set(slugs(client.get("/api/v1/articles/"))) == {old.slug, tagged.slug, other.slug}
    item = client.get(f"/api/v1/articles/{tagged.slug}/?lang=ru").json()
    assert item["tags"] == [{"slug": tag.slug, "name": tag.name_en}]
    assert item["category"]["slug"] == category.slug


@pytest.mark.parametrize("count", [1, 50])
def test_the_article_list_costs_a_fixed_number_of_queries(
    client, db, settings, django_assert_max_num_queries, count
):
    settings.PAGE_CACHE_SECONDS = 0
    partner, person, event, tag = make_organization(), make_person(), make_event(), make_tag()
    agreement, category = make_agreement(), make_category()
    for _ in range(count):
        article = make_article(
            organizations=[partner], people=[person], events=[event], tags=[tag], category=category
        )
        article.agreements.set([agreement])
    # The articles with their category, their tags, organisations, people, events and
    # public agreements, and their translations' states.
    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/articles/?limit=100&lang=zh-hans")
    assert len(response.json()["items"]) == count
    with django_assert_max_num_queries(7):
        assert client.get(f"/api/v1/articles/{article.slug}/").status_code == 200


def test_an_edited_article_is_served_from_the_cache_until_it_changes(client, db):
    article = make_article(title_en="Before")
    assert client.get("/api/v1/articles/")["X-Page-Cache"] == "miss"
    cached = client.get("/api/v1/articles/?unknown=1")
    assert cached["X-Page-Cache"] == "hit"
    assert cached.json()["items"][0]["title"] == "Before"
    article.title_en = "After"
    article.save()
    fresh = client.get("/api/v1/articles/")
    assert fresh["X-Page-Cache"] == "miss"
    assert fresh.json()["items"][0]["title"] == "After"
    assert client.get(f"/api/v1/articles/{article.slug}/").json()["title"] == "After"
