"""Pages of the whole site through real HTTP requests (Django's test client): the language
redirect, the home page, the frame every page shares, error and accessibility pages."""

import pytest

from tests.conftest import SEED_SLUG

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
