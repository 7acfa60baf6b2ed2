"""A reader on a visit's page and on a partner's timeline, on a laptop and a phone, in each
language: who came to whom, the delegation as it was on the day, and the visit's report
under the visit on the partner's timeline. Photographed for people to look at."""

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, LANGUAGES, PHONE, screenshot, visit

VISIT = "/events/aturc-secretariat-visit/"
PARTNER = "/partners/aturc/"
REPORT = "/news/aturc-secretariat-visits-spbpu/"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_visit_and_the_partners_timeline(site, open_browser_page, lang, viewport):
    page = open_browser_page(viewport)
    visit(page, f"{site}/{lang}{VISIT}")
    screenshot(page, f"visit-{lang}")
    main = page.get_by_role("main")
    # Who came to whom, each a link.
    lead = main.locator("p.lead")
    expect(lead.locator(f'a[href="/{lang}{PARTNER}"]')).to_have_count(1)
    expect(lead.locator(f'a[href="/{lang}/partners/spbpu/"]')).to_have_count(1)
    delegation = main.locator("section", has=page.locator("#delegation"))
    expect(
        delegation.get_by_role(
            "link", name={"en": "Wang Lei", "ru": "Ван Лэй", "zh-hans": "王磊"}[lang]
        )
    ).to_be_visible()
    expect(main.locator("#purpose")).to_be_visible()
    expect(main.locator("#outcomes")).to_be_visible()

    visit(page, f"{site}/{lang}{PARTNER}")
    screenshot(page, f"partner-timeline-{lang}")
    timeline = main.locator("section.timeline")
    years = timeline.locator("h3.timeline-year")
    assert years.count() >= 2, "the timeline spans the summit's year and the visit's"
    texts = [int(text) for text in years.all_inner_texts()]
    assert texts == sorted(texts, reverse=True)
    # The report is read under the visit, once.
    visit_entry = timeline.locator("ol > li", has=page.locator(f'a[href="/{lang}{VISIT}"]'))
    expect(visit_entry.locator(f'.timeline-attached a[href="/{lang}{REPORT}"]')).to_have_count(1)
    expect(timeline.locator(f'a[href="/{lang}{REPORT}"]')).to_have_count(1)
    # Nothing sticks out sideways on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]
