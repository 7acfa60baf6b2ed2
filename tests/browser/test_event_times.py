"""A publisher opens the Xi'an summit in the admin in a real browser: its times read as in
Xi'an, and saving the form untouched moves nothing (the admin used to show 04:00, Moscow
time, and an editor who "fixed" it moved the summit by five hours)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from partners.models import Event
from tests.factories import role_group

from .conftest import DESKTOP, PHONE, screenshot, visit
from .test_admin_flow import PASSWORD, log_in

SUMMIT = "fifth-aturc-summit-2022"
NINE_IN_XIAN = dt.datetime(2022, 6, 9, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def publisher(site_data, django_user_model):
    user = django_user_model.objects.create_user("publisher", password=PASSWORD, is_staff=True)
    user.groups.add(role_group("Publishers"))
    return user


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_publisher_saves_the_summit_untouched_and_it_stays_at_nine_in_xian(
    site, publisher, open_browser_page, viewport
):
    summit = Event.objects.get(slug=SUMMIT)
    assert summit.start == NINE_IN_XIAN
    page = open_browser_page(viewport)
    log_in(page, site, "publisher")

    visit(page, f"{site}/admin/partners/event/{summit.pk}/change/")
    expect(page.locator("#id_timezone")).to_have_value("Asia/Shanghai")
    expect(page.locator("#id_start_0")).to_have_value("2022-06-09")
    expect(page.locator("#id_start_1")).to_have_value("09:00:00")
    expect(page.locator("#id_end_1")).to_have_value("18:00:00")
    expect(page.locator(".field-start div.help:not(.timezonewarning)")).to_have_text(
        "In the event's local time, in the time zone chosen above."
    )
    # Django's note comparing the reader's clock with "server time" is not shown there.
    expect(page.locator(".field-start .timezonewarning")).to_be_hidden()
    screenshot(page, "event-times-admin-form")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(f"{site}/admin/partners/event/")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    row = page.locator(f'#result_list tr:has(a[href*="/event/{summit.pk}/change/"])')
    expect(row.locator(".field-local_start")).to_have_text("June 9, 2022, 9 a.m. UTC+8")
    summit.refresh_from_db()
    assert summit.start == NINE_IN_XIAN
    assert summit.end == NINE_IN_XIAN + dt.timedelta(hours=9)
    assert summit.version == 2  # it was saved, not left alone

    for language, when, zone in [
        ("en", "June 9, 2022, 9 a.m. – 6 p.m.", "local time in Xi'an: China Standard Time (UTC+8)"),
        ("ru", "9 июня 2022 г. 9:00 – 18:00", "пекинское время (UTC+8)"),
        ("zh-hans", "2022年6月9日 09:00 – 18:00", "北京时间（UTC+8）"),
    ]:
        visit(page, f"{site}/{language}/events/{SUMMIT}/")
        facts = page.locator("dl.facts dd").nth(1)
        expect(facts).to_contain_text(when)
        expect(facts.locator(".meta")).to_contain_text(zone)
        screenshot(page, f"event-times-public-{language}")
