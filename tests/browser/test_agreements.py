"""An agreement from the admin to the reader, in Chromium: a publisher records an agreement
signed during a visit (ATURC's secretariat at SPbPU), with the university already filled in
as a party and a Chinese university as the third, shows it on the site and links the
article that reports it; a reader then finds it on the agreements list (filtered by
partner, with the form, no script needed), on ATURC's timeline under the visit, on the
visit's page, from the article, and from the partner map (China, then its university).

Screenshots at 1280 px go to test-artifacts/screenshots/agreement-flow-*.
"""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from agreements.models import Agreement
from news.models import Article
from tests.conftest import SEED_SLUG
from tests.factories import make_organization, role_group

from .conftest import screenshot, visit
from .test_admin_flow import PASSWORD, log_in

TITLE = "Student exchange between SPbPU and ATURC universities"


def choose(page, select_id: str, text: str) -> None:
    """Pick ``text`` in the autocomplete box (select2) standing for ``<select id>``."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.keyboard.type(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_a_publisher_records_an_agreement_and_a_reader_finds_it(
    site, django_user_model, open_browser_page
):
    chief = django_user_model.objects.create_user(
        "chief", "chief@example.org", PASSWORD, is_staff=True
    )
    chief.groups.add(role_group("Publishers"))
    today = timezone.localdate()
    make_organization(
        slug="xjtu",
        name_en="Xi'an Jiaotong University",
        name_ru="Сианьский университет Цзяотун",
        country="CN",
    )

    # 1. The publisher records it: the university is the first party already.
    publisher = open_browser_page()
    log_in(publisher, site, "chief")
    publisher.goto(f"{site}/admin/agreements/agreement/add/")
    first_party = publisher.locator("#select2-id_party_links-0-organization-container")
    expect(first_party).to_have_text("SPbPU")
    publisher.locator("#id_title_en").fill(TITLE)
    publisher.locator("#id_kind").select_option("student-exchange")
    publisher.locator("#id_summary_en").fill("Ten students a year each way, for a semester.")
    choose(publisher, "id_party_links-1-organization", "ATURC")
    publisher.locator("#id_party_links-1-unit_en").fill("Secretariat")
    publisher.get_by_role("button", name="Add another party").click()
    choose(publisher, "id_party_links-2-organization", "Xi'an Jiaotong")
    publisher.locator("#id_signed_on").fill(str(today - dt.timedelta(days=2)))
    publisher.locator("#id_valid_until").fill(str(today.replace(year=today.year + 5)))
    publisher.locator("#id_places_per_year").fill("10")
    publisher.locator("#id_subject_area").fill("0715")
    publisher.get_by_role("checkbox", name="Shown on the site").check()
    choose(publisher, "id_signing_event", "ATURC secretariat at SPbPU")
    publisher.locator("#id_notes").fill("Renewal: ask the rector in good time.")
    screenshot(publisher, "agreement-flow-1-publisher-records")
    publisher.locator("input[name=_save]").click()
    expect(publisher).to_have_url(f"{site}/admin/agreements/agreement/")
    agreement = Agreement.objects.get(title=TITLE)
    assert agreement.is_public() and agreement.status() == Agreement.Status.ACTIVE
    assert agreement.parties.count() == 3
    assert agreement.signing_event.slug == "aturc-secretariat-visit"

    # 2. ...and links the article that reports it.
    article = Article.objects.get(slug=SEED_SLUG)
    publisher.goto(f"{site}/admin/news/article/{article.pk}/change/")
    choose(publisher, "id_agreements", "Student exchange")
    screenshot(publisher, "agreement-flow-2-publisher-links-the-article")
    publisher.locator("input[name=_save]").click()
    expect(publisher.locator(".messagelist")).to_be_visible()
    assert agreement in article.agreements.all()

    # 3. A reader finds it on the list, by partner, with the filter form.
    reader = open_browser_page()
    visit(reader, f"{site}/en/partners/agreements/")
    reader.get_by_label("Partner").select_option("aturc")
    reader.get_by_role("button", name="Show").click()
    expect(reader).to_have_url(f"{site}/en/partners/agreements/?partner=aturc&country=&kind=")
    expect(reader.locator(".agreement-list")).to_contain_text(TITLE)
    expect(reader.locator(".agreement-list")).not_to_contain_text("Draft in talks")
    screenshot(reader, "agreement-flow-3-reader-filters-by-partner")

    # 4. On the partner's page, in its agreements and on its timeline under the visit.
    visit(reader, f"{site}/en/partners/aturc/")
    expect(reader.locator("#agreements + ul")).to_contain_text(TITLE)
    under_the_visit = reader.locator(
        ".timeline-entries > li", has_text="ATURC secretariat at SPbPU"
    )
    expect(under_the_visit.locator(".timeline-attached")).to_contain_text(TITLE)
    screenshot(reader, "agreement-flow-4-on-the-partners-timeline")
    under_the_visit.get_by_role("link", name="ATURC secretariat at SPbPU").click()
    expect(reader.locator("#event-agreements + ul")).to_contain_text(TITLE)

    # 5. From the map: China, its university, the agreement on its timeline.
    visit(reader, f"{site}/en/partners/map/")
    reader.get_by_role("link", name="China: 1 partner").first.click()
    reader.get_by_role("link", name="Xi'an Jiaotong University").first.click()
    expect(reader.locator("h1")).to_contain_text("Xi'an Jiaotong University")
    expect(reader.locator(".timeline")).to_contain_text(TITLE)

    # 6. From the article.
    visit(reader, f"{site}/en/news/{SEED_SLUG}/")
    aside = reader.locator(".related")
    expect(aside).to_contain_text("Agreements signed")
    aside.get_by_role("link", name=TITLE).click()
    expect(reader.locator("h1")).to_have_text(TITLE)
    expect(reader.locator(".facts")).to_contain_text("Secretariat")
    expect(reader.locator(".facts")).to_contain_text("10 places a year in each direction")
    expect(reader.locator("body")).not_to_contain_text("Renewal: ask the rector")
    screenshot(reader, "agreement-flow-5-reader-reads-the-agreement")
    reader.get_by_role("link", name="ATURC secretariat at SPbPU").click()
    expect(reader.locator("h1")).to_have_text("ATURC secretariat at SPbPU")
