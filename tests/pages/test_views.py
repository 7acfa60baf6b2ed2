"""Information pages and the staff directory as readers get them: only what is published
(at its address, in the menus, the sitemap and search), escaped, in a fixed number of
queries, described by structured data."""

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intloffice.core.images import normalised
from pages.models import Page, StaffMember, reserved_slugs
from tests.core.test_images import encoded, halves
from tests.factories import make_page, make_staff_member

LANGUAGES = ["en", "ru", "zh-hans"]


def structured_data(html: str) -> list[dict]:
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def nav(html: str, label: str) -> str:
    """The HTML of the <nav> with this aria-label."""
    found = re.search(rf'<nav[^>]*aria-label="{label}"[^>]*>(.*?)</nav>', html, re.S)
    return found.group(1) if found else ""


@pytest.fixture
def no_seeded_pages(db):
    """Start from no pages at all (the migration seeds six)."""
    Page.objects.all().delete()


# --- Only what is published ------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "review", "archived", "scheduled"])
def test_an_unpublished_page_is_nowhere_for_the_public(client, db, status):
    fields = {"status": status}
    if status == "scheduled":
        fields = {"status": "published", "publish_at": timezone.now() + dt.timedelta(days=1)}
    secret = make_page(title_en="Secret plans", slug="secret-plans", menu="main", **fields)
    make_page(title_en="Open day", slug="open-day", menu="footer")
    assert not secret.is_public()
    for lang in LANGUAGES:
        assert client.get(f"/{lang}/secret-plans/").status_code == 404
    home = client.get("/en/").text
    assert "Secret plans" not in home and "/en/secret-plans/" not in home
    assert '<a href="/en/open-day/"' in home
    sitemap = client.get("/sitemap-pages.xml").text
    assert "secret-plans" not in sitemap and "/en/open-day/" in sitemap
    found = client.get("/en/search/", {"q": "secret plans"})
    assert "secret-plans" not in found.text
    assert "Secret plans" not in client.get("/en/search/", {"q": "secret"}).text


def test_staff_preview_a_draft_at_its_address(client, editor, db):
    make_page(title_en="Work in progress", slug="wip", status="draft")
    client.force_login(editor)
    response = client.get("/en/wip/")
    assert response.status_code == 200
    assert "Preview — not public" in response.text
    assert '<meta name="robots" content="noindex">' in response.text


def test_a_scheduled_page_appears_by_itself_at_its_time(client, db):
    when = timezone.now() + dt.timedelta(hours=1)
    make_page(title_en="Later", slug="later", menu="main", publish_at=when)
    assert client.get("/en/later/").status_code == 404
    assert Page.objects.next_publication() == when
    assert Page.objects.published(now=when).filter(slug="later").exists()


def test_a_private_staff_member_is_not_shown(client, db):
    make_staff_member(name_en="Public Person")
    make_staff_member(name_en="Private Person", public=False, email="private@example.org")
    html = client.get("/en/contacts/").text
    assert "Public Person" in html
    assert "Private Person" not in html and "private@example.org" not in html
    data = json.dumps(structured_data(html))
    assert "Public Person" in data and "Private Person" not in data


# --- Safe text ---------------------------------------------------------------------------


def test_script_in_a_title_name_or_body_is_escaped_or_removed(client, db):
    evil = "<script>alert(1)</script>"
    make_page(
        title_en=f"Visa {evil}",
        slug="visa-x",
        menu="main",
        summary_en=f"Lead {evil}",
        body_en=f'<p onclick="steal()">Body</p>{evil}<a href="javascript:alert(1)">x</a>',
    )
    make_staff_member(name_en=f"Ann {evil}", role_en=f"Role {evil}")
    for url in ("/en/visa-x/", "/en/contacts/", "/en/"):
        html = client.get(url).text
        assert "<script>alert(1)</script>" not in html, url
        assert "onclick" not in html and "javascript:" not in html, url
    assert "Visa &lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/en/visa-x/").text
    assert "Ann &lt;script&gt;" in client.get("/en/contacts/").text
    # Inside JSON-LD the text is data, with < escaped so it cannot end the script block.
    assert "Visa \\u003Cscript\\u003E" in client.get("/en/visa-x/").text


# --- Addresses ---------------------------------------------------------------------------


def test_section_names_are_reserved(db):
    reserved = reserved_slugs()
    for section in ("news", "partners", "people", "events", "search", "accessibility", "admin"):
        assert section in reserved
    page = Page(title_en="News", slug="news")
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "slug" in error.value.message_dict
    Page(title_en="Fine", slug="fine-page").full_clean()


def test_the_admin_refuses_a_reserved_slug(superuser_client):
    from django.urls import reverse

    from tests.forms import form_fields

    url = reverse("admin:pages_page_add")
    fields = form_fields(superuser_client.get(url).text, "page_form")
    response = superuser_client.post(url, {**fields, "title_en": "Events", "slug": "events"})
    assert response.status_code == 200
    assert "is the address of a section of the site" in response.text
    assert not Page.objects.filter(slug="events").exists()


def test_an_address_that_is_no_page_is_the_plain_404_at_no_query(
    client, db, django_assert_max_num_queries
):
    client.get("/en/")  # the menus and the page addresses, remembered
    with django_assert_max_num_queries(0):
        response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    # The sections keep their addresses: no page can shadow them.
    assert client.get("/en/news/").status_code == 200
    assert client.get("/en/search/").status_code == 200


def test_one_level_of_parent_pages(client, db):
    parent = make_page(title_en="Incoming", slug="incoming")
    child = make_page(title_en="Visas", slug="visas", summary_en="What to prepare.", parent=parent)
    make_page(title_en="Hidden child", slug="hidden-child", parent=parent, status="draft")
    html = client.get("/en/incoming/").text
    assert '<a href="/en/visas/">Visas</a>' in html and "What to prepare." in html
    assert "Hidden child" not in html
    crumbs = client.get("/en/visas/").text
    assert '<a href="/en/incoming/">Incoming</a>' in crumbs
    grandchild = Page(title_en="Deeper", slug="deeper", parent=child)
    with pytest.raises(ValidationError):
        grandchild.full_clean()
    parent.parent = make_page(slug="top")
    with pytest.raises(ValidationError):
        parent.full_clean()


# --- The menus ---------------------------------------------------------------------------


def test_menus_show_published_pages_in_the_admins_order(client, no_seeded_pages):
    make_page(title_en="Second", slug="second", menu="main", position=20)
    make_page(title_en="First", slug="first", menu="main", position=10)
    make_page(title_en="Footnote", slug="footnote", menu="footer")
    make_page(title_en="Nowhere", slug="nowhere", menu="none")
    html = client.get("/en/first/").text
    main = nav(html, "Main")
    assert main.index("/en/news/") < main.index("/en/first/") < main.index("/en/second/")
    assert '<a href="/en/first/"\n            aria-current="page">First</a>' in main
    assert "/en/footnote/" not in main and "/en/nowhere/" not in main
    footer = nav(html, "Information for readers")
    assert "/en/footnote/" in footer and "/en/first/" not in footer
    assert "/en/nowhere/" not in html


def test_a_page_untranslated_in_the_menu_carries_its_language(client, no_seeded_pages):
    make_page(title_en="Only English", slug="only-english", menu="main")
    make_page(title_en="Both", title_ru="Оба", slug="both", menu="main")
    main = nav(client.get("/ru/").text, "Основное меню")
    assert '<a href="/ru/only-english/" lang="en"' in main
    assert ">Оба</a>" in main


def test_a_change_to_a_page_refreshes_every_cached_page(client, db, settings):
    settings.PAGE_CACHE_SECONDS = 600
    assert client.get("/en/").headers.get("X-Page-Cache") in {"miss", None}
    assert client.get("/en/")["X-Page-Cache"] == "hit"
    page = make_page(title_en="New in the menu", slug="new-in-menu", menu="main")
    assert "New in the menu" in client.get("/en/").text
    member = make_staff_member(name_en="New colleague")
    assert "New colleague" in client.get("/en/contacts/").text
    member.public = False
    member.save()
    assert "New colleague" not in client.get("/en/contacts/").text
    page.delete()
    assert "New in the menu" not in client.get("/en/").text


# --- A fixed number of queries -------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("count", [1, 50])
def test_a_page_costs_a_fixed_number_of_queries(
    client, db, settings, django_assert_max_num_queries, count
):
    settings.PAGE_CACHE_SECONDS = 0
    for number in range(count):
        make_page(slug=f"main-{number}", menu="main", position=number)
        make_page(slug=f"child-{number}", parent=Page.objects.get(slug="contacts"))
        make_staff_member(languages=["en", "ru"], phone="+7 812 000-00-00")
    # A new content generation (the next scheduled article and page), the menus and page
    # addresses, then the page, its translations' states, the pages under it and the staff.
    with django_assert_max_num_queries(7):
        response = client.get("/en/contacts/")
    assert len(response.context["staff"]) == count
    assert len(response.context["child_pages"]) == count
    # Then the menus are remembered: the page, its states, the pages under it, the staff.
    with django_assert_max_num_queries(4):
        client.get("/ru/contacts/")


@pytest.mark.parametrize("count", [1, 50])
def test_the_menu_costs_the_home_page_no_query_per_page(client, db, settings, count):
    settings.PAGE_CACHE_SECONDS = 0
    Page.objects.all().delete()
    client.get("/en/")
    without_pages = count_queries(client, "/en/")
    for number in range(count):
        make_page(slug=f"menu-{number}", menu="main" if number % 2 else "footer")
    cold = count_queries(client, "/en/")  # a new generation: the menus are read once
    warm = count_queries(client, "/en/")
    assert warm == without_pages
    assert cold <= without_pages + 3  # two next publications and the menus, whatever count
    assert len(re.findall(r'href="/en/menu-\d+/"', client.get("/en/").text)) == count


# --- Structured data and staff -----------------------------------------------------------


def test_pages_are_web_pages_and_contacts_describe_the_office(client, db):
    make_staff_member(
        name_en="Anna Ivanova",
        role_en="Incoming exchange students",
        email="anna@example.org",
        phone="+7 812 000-00-01",
        languages=["ru", "en", "zh-hans"],
    )
    about = structured_data(client.get("/en/about/").text)
    assert about[0]["@type"] == "WebPage" and about[0]["name"] == "About the office"
    assert about[0]["url"] == "http://testserver/en/about/"
    assert about[-1]["@type"] == "BreadcrumbList"
    contacts = structured_data(client.get("/ru/contacts/").text)[0]
    assert contacts["@type"] == "ContactPage" and contacts["inLanguage"] == "ru"
    office = contacts["mainEntity"]
    assert office["@type"] == "Organization"
    assert office["contactPoint"]["email"] == "international@spbstu.ru"
    (person,) = office["employee"]
    assert person == {
        "@type": "Person",
        "name": "Anna Ivanova",
        "jobTitle": "Incoming exchange students",
        "email": "anna@example.org",
        "telephone": "+7 812 000-00-01",
        "knowsLanguage": ["ru", "en", "zh-hans"],
    }


def test_languages_are_named_in_themselves(client, db):
    make_staff_member(name_en="Polyglot", languages=["de", "zh-hans", "ru"])
    html = client.get("/en/contacts/").text
    spoken = re.findall(r'<span\s+lang="([a-z-]+)">([^<]+)</span>', html)
    # In the list's order (English, Russian, Chinese, then the others), each in itself.
    assert spoken == [("ru", "Русский"), ("zh-hans", "中文"), ("de", "Deutsch")]


def test_a_photo_is_shown_only_with_consent_recorded(client, db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("face.png", encoded(halves(), "PNG"), content_type="image/png")
    member = make_staff_member(name_en="Camera Shy", photo=normalised(photo))
    html = client.get("/en/contacts/").text
    assert "staff-photo" not in html and "image" not in json.dumps(structured_data(html))
    member.photo_consent = True
    with pytest.raises(ValidationError):
        member.full_clean()  # consent needs its date
    member.photo_consent_date = dt.date(2026, 9, 1)
    member.full_clean()
    member.save()
    html = client.get("/en/contacts/").text
    assert 'class="staff-photo"' in html and 'alt=""' in html
    assert "/media/staff/" in json.dumps(structured_data(html))


def test_a_phone_number_is_checked(db):
    member = StaffMember(name_en="X", phone="call me")
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert "phone" in error.value.message_dict
    StaffMember(name_en="X", phone="+86 (10) 1234-5678", languages=["en"]).full_clean()
    with pytest.raises(ValidationError):
        StaffMember(name_en="X", languages=["xx"]).full_clean()


# --- Search and the sitemap -----------------------------------------------------------------


def test_pages_are_found_by_search_in_every_language(client, db):
    make_page(
        title_en="Scholarships", title_ru="Стипендии", title_zh_hans="奖学金", slug="scholarships"
    )
    for lang, query in (("en", "scholarships"), ("ru", "стипендии"), ("zh-hans", "奖学金")):
        html = client.get(f"/{lang}/search/", {"q": query}).text
        assert f'href="/{lang}/scholarships/"' in html, lang
        assert 'id="results-pages"' in html


def test_the_sitemap_lists_published_pages_in_every_language(client, db):
    xml = client.get("/sitemap-pages.xml").text
    for lang in LANGUAGES:
        assert f"<loc>http://testserver/{lang}/contacts/</loc>" in xml
    assert 'hreflang="zh-hans" href="http://testserver/zh-hans/visa-support/"' in xml
