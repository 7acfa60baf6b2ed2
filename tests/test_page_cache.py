"""Whole-page caching for anonymous readers, made fresh exactly when content changes."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from news import workflow
from news.models import Article
from tests.conftest import SEED_SLUG
from tests.factories import make_article, make_event, make_organization

ARTICLE = f"/{{lang}}/news/{SEED_SLUG}/"
LANGUAGES = ["en", "ru", "zh-hans"]


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def test_second_request_is_served_from_the_cache(client, seed_article, django_assert_num_queries):
    url = ARTICLE.format(lang="en")
    assert fetch(client, url)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        assert fetch(client, url)["X-Page-Cache"] == "hit"


SITEMAP_NEWS = "/sitemap-news-1.xml"


def pages(organization_slug="aturc"):
    return [
        "/{lang}/",
        "/{lang}/news/",
        ARTICLE,
        f"/{{lang}}/partners/{organization_slug}/",
        "/{lang}/news/feed/",
        "/{lang}/news/feed/atom/",
        f"/{{lang}}/partners/{organization_slug}/feed/",
        "/{lang}/events/calendar.ics",
    ]


def warm(client, urls):
    for lang in LANGUAGES:
        for url in urls:
            fetch(client, url.format(lang=lang))
    fetch(client, "/sitemap.xml")
    fetch(client, SITEMAP_NEWS)


def assert_everywhere(client, urls, text, present=True):
    for lang in LANGUAGES:
        for url in urls:
            body = client.get(url.format(lang=lang)).content.decode()
            assert (text in body) is present, (url.format(lang=lang), text, present)


def test_editing_an_article_refreshes_every_page_in_every_language(client, seed_article):
    urls = pages()
    warm(client, urls)
    seed_article.title_en = "A corrected title for the summit report"
    seed_article.save()
    listed = [u for u in urls if "calendar" not in u]
    assert_everywhere(client, listed, "A corrected title for the summit report")


def test_unpublishing_and_deleting_remove_the_article_everywhere(client, seed_article, admin_user):
    urls = [u for u in pages() if u != ARTICLE and "calendar" not in u]
    warm(client, urls)
    assert_everywhere(client, urls, SEED_SLUG)
    assert SEED_SLUG in client.get(SITEMAP_NEWS).content.decode()
    workflow.apply(seed_article, "unpublish", admin_user)
    assert_everywhere(client, urls, SEED_SLUG, present=False)
    assert SEED_SLUG not in client.get(SITEMAP_NEWS).content.decode()
    for lang in LANGUAGES:
        assert client.get(ARTICLE.format(lang=lang)).status_code == 404
    workflow.apply(seed_article, "publish", admin_user)
    assert_everywhere(client, urls, SEED_SLUG)
    seed_article.delete()
    assert_everywhere(client, urls, SEED_SLUG, present=False)


def test_publishing_a_new_article_shows_it_at_once(client, seed_article, admin_user):
    warm(client, pages())
    draft = make_article(status=Article.Status.DRAFT, title_en="Brand new cooperation")
    draft.organizations.add(seed_article.organizations.get(slug="aturc"))
    assert_everywhere(client, ["/{lang}/", "/{lang}/news/"], "Brand new cooperation", False)
    workflow.apply(draft, "publish", admin_user)
    assert_everywhere(
        client,
        ["/{lang}/", "/{lang}/news/", "/{lang}/partners/aturc/", "/{lang}/news/feed/"],
        "Brand new cooperation",
    )


def test_a_scheduled_article_appears_at_its_time_without_any_write(client, seed_article):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        make_article(title_en="Scheduled news", publish_at=start + dt.timedelta(minutes=5))
        warm(client, ["/{lang}/", "/{lang}/news/"])
        assert_everywhere(client, ["/{lang}/news/"], "Scheduled news", present=False)
        traveller.move_to(start + dt.timedelta(minutes=5, seconds=1))
        assert_everywhere(client, ["/{lang}/", "/{lang}/news/"], "Scheduled news")


@pytest.mark.parametrize("change", ["organization", "person", "event"])
def test_editing_a_partner_person_or_event_refreshes_pages_showing_it(client, seed_article, change):
    from partners.models import Event, Organization, Person

    urls = [ARTICLE, "/{lang}/partners/aturc/", "/{lang}/events/fifth-aturc-summit-2022/"]
    warm(client, urls)
    if change == "organization":
        obj, field, page = Organization.objects.get(slug="aturc"), "name_ru", ARTICLE
        value = "Ассоциация (новое название)"
    elif change == "person":
        obj, field, page = Person.objects.get(slug="dmitry-arseniev"), "name_ru", ARTICLE
        value = "Дмитрий Г. Арсеньев"
    else:
        obj, field = Event.objects.get(slug="fifth-aturc-summit-2022"), "name_ru"
        page, value = "/{lang}/partners/aturc/", "Пятый саммит (исправлено)"
    setattr(obj, field, value)
    obj.save()
    assert value in client.get(page.format(lang="ru")).content.decode()


def test_new_links_and_new_partners_refresh_pages(client, seed_article):
    warm(client, [ARTICLE])
    partner = make_organization(name_en="Harbin Institute of Technology")
    seed_article.organizations.add(partner)
    assert_everywhere(client, [ARTICLE], "Harbin Institute of Technology")
    event = make_event(name_en="Joint winter school")
    assert "Joint winter school" in client.get("/en/events/").content.decode()
    event.delete()
    assert "Joint winter school" not in client.get("/en/events/").content.decode()


def test_importing_refreshes_pages(client, seed_entities, tmp_path):
    from news.importing import import_articles

    warm(client, ["/{lang}/news/"])
    (tmp_path / "new.txt").write_text("Imported news\n\nText.\n\nДата публикации: 2022.01.01\n")
    import_articles([tmp_path])
    assert_everywhere(client, ["/{lang}/news/"], "Imported news")


def test_staff_and_previews_are_never_cached(client, seed_article, admin_user):
    draft = make_article(status=Article.Status.DRAFT, title_en="Secret draft")
    client.force_login(admin_user)
    preview = client.get(f"/en/news/{draft.slug}/")
    assert preview.status_code == 200 and "X-Page-Cache" not in preview
    staff_home = client.get("/en/")
    assert "X-Page-Cache" not in staff_home
    client.logout()
    assert client.get(f"/en/news/{draft.slug}/").status_code == 404
    assert "Secret draft" not in client.get("/en/").content.decode()


def test_conditional_get_works_on_cached_pages(client, seed_article):
    url = ARTICLE.format(lang="en")
    etag = fetch(client, url)["ETag"]
    cached = fetch(client, url)
    assert cached["X-Page-Cache"] == "hit" and cached["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
