"""News pages (the list and an article) through real HTTP requests (Django's test client)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from intloffice.core.audit import CommandLine
from news import workflow
from news.models import Article
from tests.conftest import SEED_SLUG
from tests.factories import (
    make_agreement,
    make_article,
    make_category,
    make_event,
    make_organization,
    make_person,
    make_tag,
)

LANGUAGES = ["en", "ru", "zh-hans"]
ARTICLE_URL = f"/en/news/{SEED_SLUG}/"


def test_article_page_shows_paragraphs_date_byline_and_links_that_open(client, seed_article):
    response = client.get(ARTICLE_URL)
    assert response.status_code == 200
    html = response.text
    body = re.search(r'<div class="body"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert body.count("<p>") == 7
    assert '<time datetime="2022-06-10">' in html
    assert "Prepared by the SPbPU International Office" in html
    for url in [
        "/en/partners/aturc/",
        "/en/events/fifth-aturc-summit-2022/",
        "/en/people/dmitry-arseniev/",
        "/en/people/pavel-romanov/",
    ]:
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200


def test_fallback_text_carries_its_language(client, english_seed_article):
    html = client.get(f"/ru/news/{SEED_SLUG}/").text
    assert '<h1 lang="en">Polytechnic University at the Fifth ATURC-2022 Summit</h1>' in html
    # The Russian name of ATURC exists, so it is shown in Russian without a lang attribute.
    assert ">Ассоциация технических университетов России и Китая</a>" in html


def test_news_list_filters_combine(client, seed_entities):
    aturc = make_organization(slug="some-association", kind="association")
    tag = make_tag(slug="mobility")
    category = make_category(slug="cooperation")
    wanted = make_article(title_en="Wanted", organizations=[aturc], tags=[tag], category=category)
    make_article(title_en="Other partner", tags=[tag], category=category)
    make_article(title_en="Other tag", organizations=[aturc], category=category)
    query = (
        f"?partner=some-association&tag=mobility&category=cooperation&year={wanted.publish_at.year}"
    )
    page = client.get(f"/en/news/{query}")
    titles = [article.title for article in page.context["page_obj"]]
    assert titles == ["Wanted"]


def test_news_list_pages_by_twenty(client, db):
    for _ in range(25):
        make_article()
    first = client.get("/en/news/")
    assert len(first.context["page_obj"]) == 20
    assert len(client.get("/en/news/?page=2").context["page_obj"]) == 5
    assert client.get("/en/news/?page=9").status_code == 404


@pytest.mark.parametrize("lang", LANGUAGES)
def test_unpublished_and_future_articles_are_404_on_every_language(client, db, lang):
    hidden = [
        make_article(status=Article.Status.DRAFT),
        make_article(status=Article.Status.REVIEW),
        make_article(status=Article.Status.ARCHIVED),
        make_article(publish_at=timezone.now() + dt.timedelta(minutes=5)),
    ]
    visible = make_article()
    for article in hidden:
        assert client.get(f"/{lang}/news/{article.slug}/").status_code == 404
    assert client.get(f"/{lang}/news/{visible.slug}/").status_code == 200
    listed = {a.slug for a in client.get(f"/{lang}/news/").context["page_obj"]}
    assert listed == {visible.slug}


# Query budgets: a page costs the same number of queries whatever the data size.


def populate(count, organization, person, event, tag, category):
    for _ in range(count):
        make_article(
            organizations=[organization],
            people=[person],
            events=[event],
            tags=[tag],
            category=category,
        )


@pytest.mark.parametrize("count", [1, 50])
def test_news_list_query_count_is_fixed(client, db, django_assert_max_num_queries, count):
    org, person, event = make_organization(), make_person(), make_event()
    populate(count, org, person, event, make_tag(), make_category())
    # The first view after a change: the generation's next scheduled publication, the
    # page boundaries and count, the page, the filter form's years, categories, partners,
    # the host university's own (a group apart) and tags, and the site's menus.
    with django_assert_max_num_queries(8):
        assert client.get("/en/news/").status_code == 200
    # Every later view, whichever page and language: the page's rows.
    with django_assert_max_num_queries(1):
        assert client.get("/ru/news/").status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(f"/zh-hans/news/?page={1 + count // 20}").status_code == 200
    # A filtered list has boundaries of its own.
    with django_assert_max_num_queries(2):
        assert client.get(f"/en/news/?partner={org.slug}").status_code == 200


@pytest.mark.parametrize("count", [1, 50])
def test_article_page_query_count_is_fixed(client, db, django_assert_max_num_queries, count):
    orgs = [make_organization() for _ in range(count)]
    people = [make_person(organization=orgs[0]) for _ in range(count)]
    events = [make_event() for _ in range(count)]
    tags = [make_tag() for _ in range(count)]
    article = make_article(organizations=orgs, people=people, events=events, tags=tags)
    article.agreements.set([make_agreement(parties=orgs[:2]) for _ in range(count)])
    for _ in range(count):
        make_article(organizations=orgs[:1])
    # The first view after a change: the article, its tags, partners, people, events and
    # agreements, its translations' states, the generation's next scheduled publication,
    # and the previous and next articles and the related ones before and after it. All
    # are then kept until what they show changes (news.views.public_article).
    with django_assert_max_num_queries(6 + 1 + 4):
        response = client.get(f"/en/news/{article.slug}/")
    assert response.status_code == 200
    assert response.text.count('href="/en/people/') == count
    # Every later view, in any language: none.
    with django_assert_max_num_queries(0):
        response = client.get(f"/ru/news/{article.slug}/")
    assert response.text.count('href="/ru/people/') == count
    assert response.text.count('href="/ru/partners/agreements/') == count


def test_markup_in_an_imported_file_is_shown_as_text_everywhere(client, db):
    from pathlib import Path

    from news.importing import import_articles

    import_articles([Path(__file__).parent / "data" / "markup.txt"])
    article = Article.objects.get()
    for url in ["/en/", "/en/news/", f"/en/news/{article.slug}/", "/ru/news/"]:
        html = client.get(url).text
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html, url
        assert "<img src=x" not in html and '<a href="javascript:' not in html, url


def test_cards_cut_a_long_lead_at_a_word_or_a_chinese_character(client, db):
    english = "Delegates of sixty-eight technical universities discussed " * 6
    chinese = "中俄工科大学联盟第五届峰会在西安举行" * 10
    make_article(title_en="Long", summary_en=english, summary_zh_hans=chinese)
    card = re.search(r'<p class="card-text"[^>]*>(.*?)</p>', client.get("/en/news/").text)
    shown = card.group(1)
    assert shown.endswith("…") and len(shown) <= 160
    assert english.startswith(shown.removesuffix("…") + " ")
    chinese_card = re.search(
        r'<p class="card-text"[^>]*>(.*?)</p>', client.get("/zh-hans/news/").text
    ).group(1)
    # A Chinese character takes the room of two Latin letters: 79 of them, and "…".
    assert chinese_card == chinese[:79] + "…"


def test_the_partner_filter_names_short_names_in_the_readers_language(client, seed_entities):
    russian = client.get("/ru/news/").text
    assert ">Российский научный фонд (РНФ)</option>" in russian
    chinese = client.get("/zh-hans/news/").text
    assert ">俄罗斯科学基金会（RSF）</option>" in chinese
    # A short name that is the name itself is not repeated.
    assert ">中俄工科大学联盟</option>" in chinese


# --- What an article's page keeps between views (news.views.page_parts, {% picture %}) ---


def article_pages(client, article) -> dict[str, str]:
    pages = {code: client.get(f"/{code}/news/{article.slug}/") for code in LANGUAGES}
    assert {response.status_code for response in pages.values()} == {200}
    return {code: response.text for code, response in pages.items()}


def picture_of(html: str) -> str:
    return re.search(r"<picture>.*?</picture>", html, re.S).group(0)


def a_picture(name: str, colour: str):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from intloffice.core.images import normalised

    output = BytesIO()
    Image.new("RGB", (900, 600), colour).save(output, "JPEG")
    return normalised(SimpleUploadedFile(name, output.getvalue(), "image/jpeg"))


@pytest.mark.parametrize("page_cache_seconds", [0, 600])
def test_an_edit_of_an_article_is_on_its_page_at_once_in_every_language(
    client, db, settings, tmp_path, page_cache_seconds
):
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    settings.MEDIA_ROOT = tmp_path
    partner = make_organization(name_en="Old Partner", name_ru="Старый партнёр")
    article = make_article(
        title_en="Old title",
        title_ru="Старый заголовок",
        title_zh_hans="旧标题",
        body_en="<p>Old English body.</p>",
        body_ru="<p>Старый русский текст.</p>",
        organizations=[partner],
        image=a_picture("first.jpg", "red"),
        image_alt_en="A red square",
        image_alt_ru="Красный квадрат",
    )
    before = article_pages(client, article)
    first_picture = article.image.name.rsplit(".", 1)[0]
    assert all(first_picture in html for html in before.values())
    assert "Old title" in before["en"] and "Старый заголовок" in before["ru"]
    assert "旧标题" in before["zh-hans"]

    article.title_en = "New title"
    article.body_en = "<p>New English body.</p>"
    article.title_ru = "Новый заголовок"
    article.body_ru = "<p>Новый русский текст.</p>"
    article.title_zh_hans = "新标题"
    article.body_zh_hans = "<p>新的中文正文。</p>"
    article.image = a_picture("second.jpg", "blue")
    article.image_alt_en = "A blue square"
    article.save()
    partner.name_en, partner.name_ru = "New Partner", "Новый партнёр"
    partner.save()
    second_picture = article.image.name.rsplit(".", 1)[0]
    after = article_pages(client, article)

    expected = {
        "en": ["New title", "New English body.", "A blue square", "New Partner"],
        "ru": ["Новый заголовок", "Новый русский текст.", "Красный квадрат", "Новый партнёр"],
        "zh-hans": ["新标题", "新的中文正文。", "A blue square", "New Partner"],
    }
    for code, texts in expected.items():
        for text in texts:
            assert text in after[code], (code, text)
        assert second_picture in after[code] and first_picture not in after[code]
        # The renditions too (named by sorl-thumbnail, not after the stored file).
        assert picture_of(after[code]) != picture_of(before[code])
        for old in ("Old title", "Старый заголовок", "旧标题", "Old English body", "Old Partner"):
            assert old not in after[code], (code, old)


@pytest.mark.parametrize("page_cache_seconds", [0, 600])
def test_an_article_page_never_shows_another_languages_text(
    client, db, settings, page_cache_seconds
):
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    partner = make_organization(name_en="Partner in English", name_ru="Партнёр по-русски")
    other = make_article(title_en="Other in English", title_ru="Другая по-русски")
    article = make_article(
        title_en="Title in English",
        title_ru="Заголовок по-русски",
        title_zh_hans="中文标题",
        summary_en="Summary in English.",
        summary_ru="Аннотация по-русски.",
        summary_zh_hans="中文摘要。",
        organizations=[partner],
        publish_at=other.publish_at + dt.timedelta(hours=1),
    )
    # Viewed in one language first, then in each of the others, then again: every view
    # shows its own language's texts only, the links' and neighbours' too.
    for code in ["ru", "en", "zh-hans", "ru", "en"]:
        html = client.get(f"/{code}/news/{article.slug}/").text
        russian = code == "ru"
        assert ("Заголовок по-русски" in html) == russian
        assert ("Аннотация по-русски." in html) == russian
        assert ("Партнёр по-русски" in html) == russian
        assert ("Другая по-русски" in html) == russian
        assert ("Title in English" in html) == (code == "en")
        assert ("中文标题" in html) == (code == "zh-hans")
        assert f'href="/{code}/news/{other.slug}/"' in html


def test_a_partners_link_made_after_a_view_is_on_the_article_page(client, db):
    article = make_article()
    assert "Linked later" not in client.get(f"/en/news/{article.slug}/").text
    article.organizations.add(make_organization(name_en="Linked later"))
    assert "Linked later" in client.get(f"/en/news/{article.slug}/").text


def test_a_kept_part_of_a_page_follows_what_it_shows(client, db, settings):
    """With the page cache off, the article's main part and the list are kept whole
    ({% remembered %}) until anything they show changes: a neighbour's new title, in
    every language, and a new article on the list."""
    settings.PAGE_CACHE_SECONDS = 0
    older = make_article(title_en="Older story", title_ru="Старая история")
    article = make_article(publish_at=older.publish_at + dt.timedelta(hours=1))
    for code in LANGUAGES:
        assert f"/{code}/news/{older.slug}/" in client.get(f"/{code}/news/{article.slug}/").text
    older.title_en, older.title_ru, older.title_zh_hans = "Renamed", "Переименована", "改名"
    older.save()
    for code, title in {"en": "Renamed", "ru": "Переименована", "zh-hans": "改名"}.items():
        html = client.get(f"/{code}/news/{article.slug}/").text
        assert title in html and "Older story" not in html and "Старая история" not in html
    assert "Renamed" in client.get("/en/news/").text
    make_article(title_en="Brand new story", publish_at=timezone.now() - dt.timedelta(minutes=1))
    assert "Brand new story" in client.get("/en/news/").text
    assert "Brand new story" in client.get(f"/en/news/{article.slug}/").text  # its neighbour


def test_staff_never_get_a_kept_part(client, db, settings, admin_user):
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article(title_en="Public title")
    assert "Public title" in client.get(f"/en/news/{article.slug}/").text
    # Changed behind the cache's back (no signal): readers keep the kept part, staff
    # always see it rendered.
    Article.objects.filter(pk=article.pk).update(title_en="Changed without a signal")
    client.force_login(admin_user)
    assert "Changed without a signal" in client.get(f"/en/news/{article.slug}/").text


def test_an_article_pages_head_follows_its_title_and_links_in_every_language(
    client, db, settings, django_assert_num_queries
):
    """With the page cache off, the article and its page's head (title, link previews,
    structured data) are kept until they change: a reader's second view costs no query,
    and an edit shows in the head of every language at once."""
    settings.PAGE_CACHE_SECONDS = 0
    article = make_article(title_en="First title", title_ru="Первый", title_zh_hans="第一")
    for code in LANGUAGES:
        client.get(f"/{code}/news/{article.slug}/")
    with django_assert_num_queries(0):
        assert "First title" in client.get(f"/en/news/{article.slug}/").text
    article.title_en, article.title_ru, article.title_zh_hans = "Second", "Второй", "第二"
    article.save()
    article.tags.add(make_tag(name_en="Summer school"))
    for code, title in {"en": "Second", "ru": "Второй", "zh-hans": "第二"}.items():
        html = client.get(f"/{code}/news/{article.slug}/").text
        head = html.split("</head>")[0]
        assert f"<title>{title} ·" in head
        assert f'<meta property="og:title" content="{title}">' in head
        assert f'"headline":"{title}"' in head
        assert "First title" not in html and "Первый" not in html and "第一" not in html
    assert 'content="Summer school"' in client.get(f"/en/news/{article.slug}/").text


def test_a_draft_asked_for_is_not_kept_and_shows_once_published(client, db, settings):
    settings.PAGE_CACHE_SECONDS = 0
    draft = make_article(title_en="Not yet", status=Article.Status.DRAFT)
    for _ in range(2):
        assert client.get(f"/en/news/{draft.slug}/").status_code == 404
    with workflow.acting(CommandLine("tests")):
        draft.status = Article.Status.PUBLISHED
        draft.save()
    assert "Not yet" in client.get(f"/en/news/{draft.slug}/").text
