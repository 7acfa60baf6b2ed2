"""The office's own facts of an agreement never reach the public: a sentinel written into every
private field, and into every field of agreements that are not public, appears in no page,
feed, calendar, sitemap, structured data or search result, in any language."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from agreements.models import Agreement, Reminder
from intloffice.core.private_files import private_storage
from partners.models import Event, Organization, Person
from tests.factories import make_agreement, make_article

# Private fields of a public agreement.
SECRET = "zqxsecretsentinel"
# Any field of an agreement that is not public (hidden, or a draft).
UNPUBLISHED = "zqxdraftsentinel"
LANGUAGES = ("en", "ru", "zh-hans")
TITLES = ("Memorandum with ATURC", "Меморандум с АТУРК", "与中俄工科大学联盟的备忘录")


@pytest.fixture
def world(seed_article, settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    spbpu, aturc = (Organization.objects.get(slug=slug) for slug in ("spbpu", "aturc"))
    event = Event.objects.get(slug="fifth-aturc-summit-2022")
    keeper = get_user_model().objects.create_user(
        f"{SECRET}-login",
        email=f"{SECRET}@example.org",
        first_name=f"{SECRET} first",
        last_name=f"{SECRET} last",
        is_staff=True,
    )
    public = make_agreement(
        parties=[(spbpu, "International Office"), (aturc, "Secretariat")],
        title_en=TITLES[0],
        title_ru=TITLES[1],
        title_zh_hans=TITLES[2],
        summary_en="Cooperation of the member universities in education and research.",
        summary_ru="Сотрудничество университетов в образовании и науке.",
        kind=Agreement.Kind.MEMORANDUM,
        places_per_year=4,
        subject_area="07",
        signing_event=event,
        reference=f"No. {SECRET}-17",
        notes=f"Private notes: {SECRET} said the rector may not renew.",
        responsible=keeper,
    )
    name = private_storage().save(f"agreement/{SECRET}-copy.pdf", ContentFile(b"%PDF-1.4"))
    Agreement.objects.filter(pk=public.pk).update(signed_copy=name)
    Reminder.objects.create(
        agreement=public, days=180, ends_on=public.valid_until, sent_to=keeper.email
    )
    for fields in ({"published": False}, {"signed_on": None}):
        make_agreement(
            parties=[(spbpu, f"{UNPUBLISHED} unit"), aturc],
            title_en=f"{UNPUBLISHED} title",
            title_ru=f"{UNPUBLISHED} заголовок",
            summary_en=f"{UNPUBLISHED} summary",
            slug=f"{UNPUBLISHED}-{len(fields)}-{next(iter(fields))}",
            signing_event=event,
            **fields,
        )
    article = make_article(title_en="Memorandum signed with ATURC", organizations=[aturc])
    article.agreements.set(Agreement.objects.all())
    seed_article.agreements.set(Agreement.objects.all())
    return {"public": public, "article": article}


def public_addresses(world, client) -> list[str]:
    """Every public page, feed, calendar and sitemap file, in every language."""
    pages = ["/robots.txt", "/sitemap.xml"]
    index = client.get("/sitemap.xml").text
    pages += [re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>([^<]+)", index)]
    slugs = {
        "partners": Organization.objects.values_list("slug", flat=True),
        "people": Person.objects.values_list("slug", flat=True),
        "events": Event.objects.values_list("slug", flat=True),
    }
    for lang in LANGUAGES:
        pages += [
            f"/{lang}/",
            f"/{lang}/news/",
            f"/{lang}/news/?partner=aturc",
            f"/{lang}/news/{world['article'].slug}/",
            f"/{lang}/news/feed/",
            f"/{lang}/news/feed/atom/",
            f"/{lang}/partners/",
            f"/{lang}/events/",
            f"/{lang}/events/calendar.ics",
            f"/{lang}/partners/agreements/",
            f"/{lang}/partners/agreements/?partner=aturc",
            f"/{lang}/partners/agreements/?kind=memorandum&country=RU",
            f"/{lang}/partners/agreements/{world['public'].slug}/",
            f"/{lang}/partners/agreements/feed/",
            f"/{lang}/partners/agreements/feed/atom/",
            f"/{lang}/search/?q=ATURC",
            f"/{lang}/search/?q=memorandum",
            f"/{lang}/search/?q=university",
            f"/{lang}/accessibility/",
        ]
        pages += [f"/{lang}/partners/{slug}/" for slug in slugs["partners"]]
        pages += [f"/{lang}/partners/{slug}/feed/" for slug in slugs["partners"]]
        pages += [f"/{lang}/partners/{slug}/calendar.ics" for slug in slugs["partners"]]
        pages += [f"/{lang}/people/{slug}/" for slug in slugs["people"]]
        pages += [f"/{lang}/events/{slug}/" for slug in slugs["events"]]
    return pages


def test_private_and_unpublished_agreement_facts_appear_nowhere_public(client, world):
    pages = public_addresses(world, client)
    assert len(pages) > 80 and any("sitemap-agreements" in page for page in pages)
    seen_public = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode().lower()
        assert SECRET not in text, url
        assert UNPUBLISHED not in text, url
        seen_public += any(title.lower() in text for title in TITLES)
    # The check looked where the public agreement is shown (so the secrets would be too):
    # in each language its list, page, feeds, partners' pages, the articles and the search.
    assert seen_public >= 3 * 10


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("word", [SECRET, UNPUBLISHED])
def test_search_does_not_find_agreements_by_what_is_not_public(client, world, lang, word):
    response = client.get(f"/{lang}/search/", {"q": word})
    assert response.status_code == 200
    assert response.context["results"].count == 0
    # The page repeats the reader's words, and links no agreement.
    assert f"/{lang}/partners/agreements/" not in response.text


def test_the_private_pages_of_unpublished_agreements_are_not_found(client, world):
    for agreement in Agreement.objects.exclude(pk=world["public"].pk):
        for lang in LANGUAGES:
            assert client.get(f"/{lang}/partners/agreements/{agreement.slug}/").status_code == 404


def test_the_structured_data_of_the_agreement_page_holds_only_public_facts(client, world):
    html = client.get(f"/en/partners/agreements/{world['public'].slug}/").text
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert blocks
    for block in blocks:
        data = json.dumps(json.loads(block)).lower()
        assert SECRET not in data and UNPUBLISHED not in data
