"""The pages the migration seeds: six, published, in three languages, each saying that it
is a placeholder, and inventing nothing (no phone number, no address of their own)."""

import re

import pytest

from pages.models import Page

SEEDED = ["about", "contacts", "incoming-students", "outgoing-mobility", "visa-support", "faq"]
PLACEHOLDER = {"en": "placeholder", "ru": "заготовка", "zh_hans": "占位"}


def test_six_pages_are_seeded_published_and_placed_in_the_menus(db):
    pages = {page.slug: page for page in Page.objects.published()}
    assert sorted(pages) == sorted(SEEDED)
    assert [p.slug for p in Page.objects.filter(menu="main").in_menu_order()] == [
        "about",
        "contacts",
    ]
    assert [p.slug for p in Page.objects.filter(menu="footer").in_menu_order()] == [
        "incoming-students",
        "outgoing-mobility",
        "visa-support",
        "faq",
    ]
    assert [p.slug for p in Page.objects.filter(shows_staff=True)] == ["contacts"]


@pytest.mark.parametrize("suffix", ["en", "ru", "zh_hans"])
def test_every_seeded_page_is_written_in_each_language_and_says_it_is_a_placeholder(db, suffix):
    for page in Page.objects.filter(slug__in=SEEDED):
        title, body = getattr(page, f"title_{suffix}"), getattr(page, f"body_{suffix}")
        assert title and body, (page.slug, suffix)
        assert PLACEHOLDER[suffix] in body, (page.slug, suffix)
        # Nothing made up: no phone number or other figures of their own.
        assert not re.search(r"\d", re.sub(r'href="[^"]*"', "", body)), (page.slug, suffix)


@pytest.mark.parametrize("lang", ["en", "ru", "zh-hans"])
def test_seeded_pages_answer_in_each_language(client, db, lang):
    for slug in SEEDED:
        response = client.get(f"/{lang}/{slug}/")
        assert response.status_code == 200, slug
        assert f'<html lang="{lang}">' in response.text
        assert "Not yet translated" not in response.text
    # Their links to the Contacts page stay in the reader's language.
    assert f'href="/{lang}/contacts/"' in client.get(f"/{lang}/faq/").text


def test_the_seeded_pages_are_searchable(client, db):
    html = client.get("/ru/search/", {"q": "визовая"}).text
    assert 'href="/ru/visa-support/"' in html
