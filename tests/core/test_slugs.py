"""Slugs made from titles in any language: the pure maker, and the admin filling a slug
left blank (news and partners alike) the way the importer makes it."""

import re

import pytest
from django.urls import reverse

from intloffice.core.slugs import SLUG_LENGTH, make_slug
from news.importing import import_articles
from news.models import Article, Category, Tag
from partners.models import Event, Organization, Person
from tests.factories import make_article, make_organization
from tests.forms import form_fields

RUSSIAN = "Пятый саммит АТУРК в Сиане"
CHINESE = "中俄工科大学联盟第五届峰会在西安举行"


def test_an_english_title_becomes_its_words_joined_by_hyphens():
    assert make_slug("Fifth ATURC-2022 Summit: a report", fallback="x") == (
        "fifth-aturc-2022-summit-a-report"
    )


def test_a_russian_title_is_transliterated_into_readable_latin():
    assert make_slug(RUSSIAN, fallback="x") == "pyatyy-sammit-aturk-v-siane"


def test_each_chinese_character_is_a_word_of_its_own():
    assert make_slug("大学新闻", fallback="x") == "da-xue-xin-wen"
    assert make_slug(CHINESE, fallback="x").startswith("zhong-e-gong-ke-da-xue")


@pytest.mark.parametrize("title", ["", "   ", "!!!", "«»—!?"])
def test_a_title_without_letters_or_digits_gets_the_fallback(title):
    assert make_slug(title, fallback="article-1234") == "article-1234"


def test_a_long_title_is_cut_at_a_word_boundary():
    slug = make_slug("cooperation " * 20, fallback="x")
    assert len(slug) <= SLUG_LENGTH
    assert slug == "-".join(["cooperation"] * 6)  # 71 characters; a 7th would not fit
    assert make_slug("a" * 100, fallback="x") == "a" * SLUG_LENGTH  # one word: cut inside
    assert make_slug("word " * 30, fallback="x", max_length=12) == "word-word"


# Through the admin's real HTML forms, as an editor's browser would post them.


def add_form(client, model) -> tuple[str, dict]:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    page = client.get(url)
    assert page.status_code == 200
    return url, form_fields(page.text, f"{model._meta.model_name}_form")


def add(client, model, **fields):
    """Add a ``model`` through its admin form with ``fields`` filled in; the new row."""
    url, form = add_form(client, model)
    response = client.post(url, {**form, **fields})
    assert response.status_code == 302, response.context and response.context["errors"]
    return model.objects.order_by("-pk").first()


def add_article(client, **fields) -> Article:
    fields = {"publish_at_0": "2026-01-01", "publish_at_1": "10:00:00", **fields}
    return add(client, Article, **fields)


def slug_input(page: str) -> str:
    return re.search(r'<input[^>]*name="slug"[^>]*>', page)[0]


@pytest.mark.parametrize("model", [Article, Category, Tag, Organization, Person, Event])
def test_the_slug_field_is_optional_and_says_what_a_blank_one_becomes(admin_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    page = admin_client.get(url).text
    # A browser would refuse to send the form with a required field left empty.
    assert "required" not in slug_input(page)
    assert "Left blank, it is made from the" in page
    assert 'data-prepopulated-fields="[]"' in page  # no JavaScript spelling of its own


def test_the_help_text_names_the_source_and_keeps_the_models_own(admin_client):
    page = admin_client.get(reverse("admin:news_article_add")).text
    help_text = "Keep it once published: links depend on it. Left blank, it is made from the title."
    assert help_text in page
    page = admin_client.get(reverse("admin:partners_organization_add")).text
    assert "Left blank, it is made from the short name, or else the name." in page
    page = admin_client.get("/admin/partners/person/add/", headers={"accept-language": "ru"}).text
    assert "Если оставить пустым, адрес будет составлен из названия." in page


def test_a_russian_only_article_gets_the_slug_the_importer_gives(client, editor, tmp_path):
    (tmp_path / "a.txt").write_text(f"{RUSSIAN}\n\nТекст.\n\nДата публикации: 2022.01.01\n")
    import_articles([tmp_path])
    imported = Article.objects.get().slug
    Article.objects.all().delete()
    client.force_login(editor)
    article = add_article(
        client, title_ru=RUSSIAN, body_ru="<p>Текст.</p>", original_language="ru", slug=""
    )
    assert article.slug == imported == "pyatyy-sammit-aturk-v-siane"
    assert not article.title_en


def test_a_chinese_only_article_gets_a_latin_slug(client, editor):
    client.force_login(editor)
    article = add_article(
        client, title_zh_hans=CHINESE, body_zh_hans="<p>正文。</p>", original_language="zh-hans"
    )
    assert article.slug.startswith("zhong-e-gong-ke-da-xue-lian-meng")
    assert article.slug.isascii()


def test_the_english_title_comes_first(client, editor):
    client.force_login(editor)
    article = add_article(client, title_en="Summit in Xi'an", title_ru=RUSSIAN, body_en="<p>x</p>")
    assert article.slug == "summit-in-xian"


def test_two_articles_with_the_same_title_get_distinct_slugs(client, editor):
    make_article(title_en="Same title", slug="same-title-2")  # taken by someone else
    client.force_login(editor)
    first = add_article(client, title_en="Same title", body_en="<p>One.</p>")
    second = add_article(client, title_en="Same title", body_en="<p>Two.</p>")
    assert (first.slug, second.slug) == ("same-title", "same-title-3")


def test_a_typed_slug_is_kept_as_typed(client, editor):
    client.force_login(editor)
    article = add_article(client, title_en="Summer school", body_en="<p>x</p>", slug="school")
    assert article.slug == "school"
    organization = add(client, Organization, kind="university", name_en="Name", slug="own")
    assert organization.slug == "own"


def test_a_wrong_typed_slug_is_refused_not_replaced(client, editor):
    client.force_login(editor)
    url, form = add_form(client, Article)
    response = client.post(url, {**form, "title_en": "Summer school", "slug": "Summer school!"})
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_blanking_the_slug_of_an_article_makes_it_again_from_the_title(client, editor):
    article = make_article(
        title_en="Delegation visits Harbin", slug="old", status=Article.Status.DRAFT
    )
    client.force_login(editor)
    url = reverse("admin:news_article_change", args=[article.pk])
    form = form_fields(client.get(url).text, "article_form")
    assert client.post(url, {**form, "slug": ""}).status_code == 302
    article.refresh_from_db()
    assert (article.slug, article.version) == ("delegation-visits-harbin", 2)


def test_an_organisation_gets_its_slug_from_the_short_name_else_the_name(client, editor):
    make_organization(slug="hit")
    client.force_login(editor)
    hit = add(client, Organization, kind="university", name_en="Harbin Tech", short_name_en="HIT")
    assert hit.slug == "hit-2"
    named = add(client, Organization, kind="university", name_en="Xi'an Jiaotong University")
    assert named.slug == "xian-jiaotong-university"


def test_a_person_and_an_event_with_a_blank_slug_get_one(client, editor):
    client.force_login(editor)
    person = add(client, Person, name_en="Dmitry Arseniev", name_ru="Дмитрий Арсеньев")
    assert person.slug == "dmitry-arseniev"
    event = add(
        client,
        Event,
        kind="summit",
        name_en="Fifth ATURC Summit",
        start_0="2022-10-20",
        start_1="10:00:00",
        timezone="Asia/Shanghai",
    )
    assert event.slug == "fifth-aturc-summit"


def test_a_category_and_a_tag_with_a_blank_slug_get_one(admin_client):
    assert add(admin_client, Category, name_en="Partnerships").slug == "partnerships"
    assert add(admin_client, Tag, name_en="Summer schools").slug == "summer-schools"
