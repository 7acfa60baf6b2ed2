"""Pages of the whole site through real HTTP requests (Django's test client): the language
redirect, the home page, the frame every page shares, error and accessibility pages."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from intloffice.core.images import normalised
from tests.conftest import SEED_SLUG
from tests.core.test_images import encoded, halves
from tests.factories import make_article

LANGUAGES = ["en", "ru", "zh-hans"]
ARTICLE_URL = f"/en/news/{SEED_SLUG}/"


def test_root_redirects_to_the_browsers_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru,en;q=0.5").url == "/ru/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").url == "/zh-hans/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de").url == "/en/"


def test_home_shows_the_summit_report(client, seed_article):
    response = client.get("/en/")
    assert response.status_code == 200
    assert "Polytechnic University at the Fifth ATURC-2022 Summit" in response.text


@pytest.mark.parametrize(
    ("language", "words"),
    [("ru", ["Новости", "Партнёры", "Перейти к содержимому"]), ("zh-hans", ["新闻", "合作伙伴"])],
)
def test_interface_is_translated(client, seed_article, language, words):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text
    for word in words:
        assert word in response.text


def test_language_switcher_keeps_the_reader_on_the_same_page(client, seed_article):
    html = client.get(ARTICLE_URL).text
    assert f'href="/ru/news/{SEED_SLUG}/"' in html
    assert f'href="/zh-hans/news/{SEED_SLUG}/"' in html
    assert ">Русский</a>" in html and ">简体中文</a>" in html


@pytest.mark.parametrize(
    "url",
    [
        "/{lang}/",
        "/{lang}/news/",
        "/{lang}/news/?partner=aturc",
        "/{lang}/news/?year=2022&page=1",
        "/{lang}/news/?year=abc&tag=",
        "/{lang}/partners/",
        "/{lang}/partners/aturc/",
        "/{lang}/partners/spbpu/",
        "/{lang}/partners/spbpu-shanghai/",
        "/{lang}/people/dmitry-arseniev/",
        "/{lang}/events/",
        "/{lang}/events/fifth-aturc-summit-2022/",
        "/{lang}/events/aturc-rectors-forum-2022/",
    ],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_page_answers(client, seed_article, url, lang):
    assert client.get(url.format(lang=lang)).status_code == 200


def test_unknown_pages_are_404(client, db):
    for url in ["/en/news/nope/", "/en/partners/nope/", "/en/people/nope/", "/en/events/nope/"]:
        assert client.get(url).status_code == 404


def test_feeds_are_announced_in_the_head(client, seed_article):
    html = client.get("/ru/").text
    assert 'type="application/rss+xml"' in html and 'href="/ru/news/feed/"' in html
    assert 'type="application/atom+xml"' in html and 'href="/ru/news/feed/atom/"' in html
    partner = client.get("/en/partners/aturc/").text
    assert 'href="/en/partners/aturc/feed/"' in partner


def test_not_found_page_speaks_the_readers_language(client, db):
    response = client.get("/ru/news/no-such-article/")
    assert response.status_code == 404
    assert '<html lang="ru">' in response.text
    assert "Страница не найдена" in response.text


def test_robots_and_accessibility_statement(client, db):
    html = client.get("/en/").text
    assert 'href="/en/accessibility/"' in html
    statement = client.get("/en/accessibility/")
    assert statement.status_code == 200 and "WCAG" in statement.text


# The home page's lead story: the newest public article with a picture.


def picture_upload(name="a.jpg"):
    return normalised(SimpleUploadedFile(name, encoded(halves((1200, 800)), "JPEG")))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def lead_story(html: str) -> str:
    start = html.find('<article class="lead-story">')
    return html[start : html.index("</article>", start)] if start >= 0 else ""


def test_the_newest_article_with_a_picture_leads_the_home_page_and_is_not_repeated(
    client, db, media
):
    now = timezone.now()
    make_article(title_en="Newest, no picture", publish_at=now - dt.timedelta(days=1))
    lead = make_article(
        title_en="Summit in pictures",
        image=picture_upload(),
        image_alt_en="Delegates on the stage",
        publish_at=now - dt.timedelta(days=5),
    )
    make_article(
        title_en="Older, with a picture",
        image=picture_upload("b.jpg"),
        publish_at=now - dt.timedelta(days=30),
    )
    response = client.get("/en/")
    story = lead_story(response.text)
    assert "Summit in pictures" in story and 'alt="Delegates on the stage"' in story
    assert 'fetchpriority="high"' in story
    assert response.context["lead_article"] == lead
    assert lead not in list(response.context["latest_articles"])
    assert response.text.count(f'href="{lead.get_absolute_url()}"') == 1
    # The other cards show their pictures too, small and lazily, described by their titles.
    cards = response.text[response.text.index('id="latest-news"') :]
    assert 'class="card-picture"' in cards and 'loading="lazy"' in cards and 'alt=""' in cards


def test_without_any_picture_there_is_no_lead_story(client, db):
    make_article(title_en="Plain news")
    html = client.get("/en/").text
    assert lead_story(html) == "" and "Plain news" in html


@pytest.mark.parametrize("status", ["draft", "review", "archived"])
def test_an_unpublished_or_future_article_never_leads_the_home_page(client, db, media, status):
    public = make_article(title_en="Public report", image=picture_upload("p.jpg"))
    make_article(title_en="Secret draft", image=picture_upload(), status=status)
    make_article(
        title_en="Not yet",
        image=picture_upload("n.jpg"),
        publish_at=timezone.now() + dt.timedelta(hours=1),
    )
    for language in LANGUAGES:
        response = client.get(f"/{language}/")
        assert response.context["lead_article"] == public
        assert "Secret draft" not in response.text and "Not yet" not in response.text


def test_the_lead_story_shows_markup_in_its_title_lead_and_alt_text_as_text(client, db, media):
    make_article(
        title_en="<script>alert(1)</script>",
        summary_en='<img src=x onerror="alert(2)">',
        image=picture_upload(),
        image_alt_en='"><script>alert(3)</script>',
    )
    story = lead_story(client.get("/en/").text)
    assert story
    assert "<script>" not in story and "<img src=x" not in story
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in story
    assert 'alt="&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"' in story


def test_the_host_university_is_not_among_the_partners_on_the_home_page(client, seed_article):
    html = client.get("/en/").text
    partners = html[html.index('id="our-partners"') :]
    assert 'href="/en/partners/aturc/"' in partners
    assert 'href="/en/partners/spbpu/"' not in partners


def test_every_page_ends_with_the_offices_address_contacts_and_the_universitys_site(
    client, db, settings
):
    english = client.get("/en/").text
    footer = english[english.index('<footer class="site-footer">') :]
    assert "29 Polytechnicheskaya Street, St. Petersburg 195251, Russia" in footer
    assert 'href="mailto:international@spbstu.ru"' in footer
    assert 'href="tel:+78122971616">+7 812 297-16-16</a>' in footer
    assert "Monday to Friday" in footer
    assert 'href="https://www.spbstu.ru/" rel="external"' in footer
    chinese = client.get("/zh-hans/").text
    assert "电子邮件：" in chinese or "E-mail：" in chinese  # a Chinese label takes "："
    settings.OFFICE_PHONE = "+86 21 5555-0100"
    settings.OFFICE_ADDRESS = "Shanghai <office>"
    cache.clear()
    again = client.get("/ru/").text
    assert 'href="tel:+862155550100">+86 21 5555-0100</a>' in again
    assert "Shanghai &lt;office&gt;" in again
