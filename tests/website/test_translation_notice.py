"""Readers are told: a public page whose translation may be out of date says so, with a link
to the original; hreflang and JSON-LD advertise only the languages that are up to date;
lists mark what they show in another language. Real requests through the test client,
with the page cache on (as in production)."""

import datetime as dt
import json
import re
import zoneinfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import translation

from intloffice.core import provenance, translation_drafts
from intloffice.core.audit import CommandLine
from intloffice.core.machine_translation import MarkingBackend
from news import workflow
from news.models import Article
from tests.factories import make_article, make_event, make_organization, make_page, make_person

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
# When the English original changes in these tests: 3 March 2026, noon in Moscow.
CHANGED = dt.datetime(2026, 3, 3, 12, 0, tzinfo=MOSCOW)
DATES = {"ru": "3 марта 2026 г.", "zh-hans": "2026年3月3日", "en": "March 3, 2026"}
NOTICE = re.compile(r'<p class="translation-notice" role="note">.*?</p>', re.S)


def notice(html: str) -> str | None:
    found = NOTICE.search(html)
    return found.group(0) if found else None


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.text


def save(obj, **fields) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    with workflow.acting(CommandLine("tests")):
        obj.save()


def change_english_body(article) -> None:
    with time_machine.travel(CHANGED, tick=False):
        save(article, body_en="<p>The rectors met and signed a roadmap.</p>")


@pytest.fixture
def article(db):
    """An English article translated into Russian and Chinese, all up to date."""
    return make_article(
        slug="summit",
        title_en="Summit",
        title_ru="Саммит",
        title_zh_hans="峰会",
        summary_en="The rectors met.",
        summary_ru="Ректоры встретились.",
        summary_zh_hans="校长们会面。",
        body_en="<p>The rectors met.</p>",
        body_ru="<p>Ректоры встретились.</p>",
        body_zh_hans="<p>校长们会面。</p>",
    )


def alternates(html: str) -> list[str]:
    return re.findall(r'<link rel="alternate" hreflang="([^"]+)"', html)


def structured(html: str, type_name: str) -> dict:
    for text in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        data = json.loads(text)
        if data.get("@type") == type_name:
            return data
    raise AssertionError(f"no {type_name} in the page")


def test_no_notice_while_the_translations_are_up_to_date(client, article):
    for language in ("en", "ru", "zh-hans"):
        assert notice(page(client, f"/{language}/news/summit/")) is None


@pytest.mark.parametrize("language", ["ru", "zh-hans"])
def test_a_change_of_the_english_body_brings_the_notice_in_the_readers_language(
    client, article, language
):
    change_english_body(article)
    found = notice(page(client, f"/{language}/news/summit/"))
    assert found is not None
    # The date in the reader's language, the link to the same page in English.
    assert f'<time datetime="2026-03-03">{DATES[language]}</time>' in found
    assert '<a href="/en/news/summit/" hreflang="en">' in found


def test_the_english_reader_is_told_nothing(client, article):
    change_english_body(article)
    assert notice(page(client, "/en/news/summit/")) is None


def test_a_minor_change_keeps_the_translations_true(client, article):
    with provenance.minor_change():
        change_english_body(article)
    for language in ("ru", "zh-hans"):
        assert notice(page(client, f"/{language}/news/summit/")) is None


def test_editing_the_russian_text_takes_the_notice_away_for_russian_only(client, article):
    change_english_body(article)
    assert notice(page(client, "/ru/news/summit/"))
    save(article, body_ru="<p>Ректоры встретились и подписали дорожную карту.</p>")
    assert notice(page(client, "/ru/news/summit/")) is None
    assert notice(page(client, "/zh-hans/news/summit/"))


def test_approving_a_translation_without_a_save_reaches_the_cached_page(client, article):
    """``confirm`` writes the states in bulk (no save, no signal): the page cache must still
    start a new generation, or the cached page would keep its notice."""
    change_english_body(article)
    assert notice(page(client, "/ru/news/summit/"))
    assert client.get("/ru/news/summit/")["X-Page-Cache"] == "hit"
    assert provenance.confirm(article, "ru") == 1
    assert notice(page(client, "/ru/news/summit/")) is None
    assert notice(page(client, "/zh-hans/news/summit/"))


def test_a_repair_of_the_states_after_a_write_outside_the_orm_reaches_the_cached_page(
    client, article
):
    assert notice(page(client, "/ru/news/summit/")) is None  # now in the cache
    Article.objects.filter(pk=article.pk).update(body_en="<p>The rectors met in Xi'an.</p>")
    provenance.refresh_all()
    assert notice(page(client, "/ru/news/summit/"))


def test_a_machine_draft_awaiting_review_changes_nothing_readers_see_but_stays_out_of_date(
    client, article
):
    change_english_body(article)
    assert notice(page(client, "/ru/news/summit/"))  # now in the cache
    translation_drafts.draft("ru", backend=MarkingBackend())
    html = page(client, "/ru/news/summit/")
    assert notice(html) and "[MT" not in html and "Ректоры встретились." in html
    assert "ru" not in alternates(html)


def test_a_draft_of_a_missing_field_is_no_reason_for_the_notice_but_is_not_advertised(
    client, article
):
    save(article, body_ru="")
    assert "ru" in alternates(page(client, "/en/news/summit/"))  # now in the cache
    translation_drafts.draft("ru", backend=MarkingBackend())
    html = page(client, "/ru/news/summit/")
    assert notice(html) is None and "[MT" not in html
    # The draft's field waits for review: the cached page no longer offers Russian.
    assert "ru" not in alternates(page(client, "/en/news/summit/"))


def test_the_fallback_notice_alone_when_the_title_is_not_translated(client, article):
    save(article, title_zh_hans="")
    change_english_body(article)
    html = page(client, "/zh-hans/news/summit/")
    assert 'class="fallback-notice"' in html
    assert notice(html) is None


def test_an_article_written_in_russian_sends_the_english_reader_to_the_russian_original(client, db):
    make_article(
        slug="forum",
        original_language="ru",
        title_ru="Форум",
        title_en="Forum",
        body_ru="<p>Форум открылся.</p>",
        body_en="<p>The forum opened.</p>",
        summary_en="",
    )
    article = Article.objects.get(slug="forum")
    with time_machine.travel(CHANGED, tick=False):
        save(article, body_ru="<p>Форум открылся в Харбине.</p>")
    found = notice(page(client, "/en/news/forum/"))
    assert "The Russian original was updated on" in found
    assert f'<time datetime="2026-03-03">{DATES["en"]}</time>' in found
    assert '<a href="/ru/news/forum/" hreflang="ru">' in found
    assert notice(page(client, "/ru/news/forum/")) is None
    # x-default: the site's language is not up to date, the original stands for the page.
    html = page(client, "/ru/news/forum/")
    assert alternates(html) == ["ru", "x-default"]
    assert (
        '<link rel="alternate" hreflang="x-default" href="http://testserver/ru/news/forum/">'
        in html
    )


def test_a_hostile_title_stays_text_beside_the_notice(client, article):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    save(article, title_ru=hostile)
    change_english_body(article)
    html = page(client, "/ru/news/summit/")
    assert notice(html)
    assert "<script>alert" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_draft_tells_no_one_but_staff(client, article):
    save(article, status=Article.Status.DRAFT)
    change_english_body(article)
    assert client.get("/ru/news/summit/").status_code == 404
    assert "Summit" not in page(client, "/ru/news/")
    staff = get_user_model().objects.create_user("editor", is_staff=True, is_superuser=True)
    client.force_login(staff)
    # Staff preview the draft, with what readers would be told.
    assert notice(page(client, "/ru/news/summit/"))


def test_hreflang_leaves_out_stale_languages_and_takes_them_back(client, article):
    assert alternates(page(client, "/en/news/summit/")) == ["en", "ru", "zh-hans", "x-default"]
    change_english_body(article)
    for language in ("en", "ru", "zh-hans"):
        assert alternates(page(client, f"/{language}/news/summit/")) == ["en", "x-default"]
    save(article, body_ru="<p>Ректоры встретились и подписали дорожную карту.</p>")
    assert alternates(page(client, "/zh-hans/news/summit/")) == ["en", "ru", "x-default"]


def test_json_ld_links_only_up_to_date_translations(client, article):
    data = structured(page(client, "/en/news/summit/"), "NewsArticle")
    assert [v["inLanguage"] for v in data["workTranslation"]] == ["ru", "zh-hans"]
    assert data["workTranslation"][0] == {
        "@type": "NewsArticle",
        "inLanguage": "ru",
        "url": "http://testserver/ru/news/summit/",
    }
    change_english_body(article)
    assert "workTranslation" not in structured(page(client, "/en/news/summit/"), "NewsArticle")
    save(article, body_zh_hans="<p>校长们会面并签署了路线图。</p>")
    data = structured(page(client, "/en/news/summit/"), "NewsArticle")
    assert [v["inLanguage"] for v in data["workTranslation"]] == ["zh-hans"]
    # A translation names its original.
    data = structured(page(client, "/ru/news/summit/"), "NewsArticle")
    assert data["inLanguage"] == "ru"
    assert data["translationOfWork"] == {
        "@type": "NewsArticle",
        "inLanguage": "en",
        "url": "http://testserver/en/news/summit/",
    }


def test_every_kind_of_tracked_page_tells_its_readers(client, db):
    """Information pages, organisations, people and events: the same notice."""
    texts = {"en": "Founded in 1899.", "ru": "Основан в 1899 году.", "zh-hans": "成立于1899年。"}
    objects = {
        "page": make_page(
            slug="who-we-are", title_en="About", title_ru="О нас", title_zh_hans="关于",
            body_en=texts["en"], body_ru=texts["ru"], body_zh_hans=texts["zh-hans"],
        ),
        "organization": make_organization(
            slug="spbpu", name_en="SPbPU", name_ru="СПбПУ", name_zh_hans="圣彼得堡理工大学",
            description_en=texts["en"], description_ru=texts["ru"],
            description_zh_hans=texts["zh-hans"],
        ),
        "person": make_person(
            slug="arseniev", name_en="Dmitry Arseniev", name_ru="Дмитрий Арсеньев",
            name_zh_hans="德米特里·阿尔谢尼耶夫", bio_en=texts["en"], bio_ru=texts["ru"],
            bio_zh_hans=texts["zh-hans"],
        ),
        "event": make_event(
            slug="summit-2022", name_en="Summit", name_ru="Саммит", name_zh_hans="峰会",
            description_en=texts["en"], description_ru=texts["ru"],
            description_zh_hans=texts["zh-hans"],
        ),
    }  # fmt: skip
    changed = {"page": "body_en", "organization": "description_en", "person": "bio_en"}
    for kind, obj in objects.items():
        with translation.override("en"):
            original = obj.get_absolute_url()
        url = original.replace("/en/", "/ru/", 1)
        assert notice(page(client, url)) is None, kind
        with time_machine.travel(CHANGED, tick=False):
            save(obj, **{changed.get(kind, "description_en"): "Founded in 1899 in St Petersburg."})
        found = notice(page(client, url))
        assert found is not None, kind
        assert DATES["ru"] in found, kind
        assert f'href="{original}" hreflang="en"' in found, kind
        assert alternates(page(client, url)) == ["en", "x-default"], kind


def test_lists_mark_items_shown_in_another_language(client, db):
    make_article(slug="translated", title_en="Translated", title_ru="Переведено")
    make_article(slug="english-only", title_en="English only")
    make_organization(slug="untranslated-university", name_en="Untranslated University")
    make_event(slug="english-event", name_en="English event")
    html = page(client, "/ru/news/")
    marks = re.findall(r'<span class="fallback-mark">([^<]+)</span>', html)
    assert marks == ["на английском"]  # "in English", in the reader's language
    assert re.search(
        r'lang="en"><a href="/ru/news/english-only/">English only</a>.*?fallback-mark', html, re.S
    )
    assert "fallback-mark" not in page(client, "/en/news/")
    for url in ("/ru/", "/ru/partners/", "/ru/events/", "/ru/search/?q=English"):
        assert '<span class="fallback-mark">на английском</span>' in page(client, url), url


def test_json_ld_of_what_is_not_a_creative_work_names_no_translation(client, db):
    make_event(slug="forum-2026", name_en="Forum", name_ru="Форум", description_en="Talks.")
    data = structured(page(client, "/ru/events/forum-2026/"), "Event")
    assert data["inLanguage"] == "ru"
    assert "workTranslation" not in data and "translationOfWork" not in data
