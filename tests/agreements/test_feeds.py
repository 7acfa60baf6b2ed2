"""RSS and Atom feeds of the public agreements, fetched through the test client and parsed
as readers do. What must never be in them is checked, with every other public address, in
test_privacy.py."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agreements.models import Agreement
from tests.factories import make_agreement, make_organization
from tests.news.test_feeds import fetch_feed

FEEDS = ["/{lang}/partners/agreements/feed/", "/{lang}/partners/agreements/feed/atom/"]


@pytest.fixture
def agreements(db):
    today = timezone.localdate()
    xjtu = make_organization(name_en="Xi'an Jiaotong University", name_zh_hans="西安交通大学")
    hit = make_organization(name_en="Harbin Institute of Technology")
    older = make_agreement(
        parties=[xjtu],
        title_en="Student exchange with XJTU",
        title_zh_hans="与西安交通大学的学生交流协议",
        summary_en="Four students a year each way.",
        signed_on=today - dt.timedelta(days=400),
        valid_until=today - dt.timedelta(days=10),  # expired: still news of its signing
    )
    newer = make_agreement(
        parties=[hit],
        kind=Agreement.Kind.DOUBLE_DEGREE,
        title_en="Double degree in robotics with HIT",
        signed_on=today - dt.timedelta(days=3),
        valid_until=today + dt.timedelta(days=5 * 365),
    )
    hidden = make_agreement(parties=[hit], title_en="Not shown yet", published=False)
    draft = make_agreement(parties=[hit], title_en="Being negotiated", signed_on=None)
    return {"older": older, "newer": newer, "hidden": hidden, "draft": draft}


@pytest.mark.parametrize("url", FEEDS)
def test_the_feed_lists_signed_public_agreements_latest_first(client, agreements, url):
    response, feed = fetch_feed(client, url.format(lang="en"))
    assert feed.feed.title == "International Office — Agreements with partners"
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Double degree in robotics with HIT", "Student exchange with XJTU"]
    newest = feed.entries[0]
    assert newest.link == f"http://testserver/en/partners/agreements/{agreements['newer'].slug}/"
    assert newest.summary.startswith("Double degree; Harbin Institute of Technology; in force")
    assert dt.date(*newest.published_parsed[:3]) <= agreements["newer"].signed_on
    assert "Four students a year each way." in feed.entries[1].summary
    assert [tag.term for tag in newest.tags] == ["double degree"]
    assert newest.id.startswith("urn:uuid:")


def test_each_language_has_its_feed_with_its_own_entry_ids(client, agreements):
    _response, english = fetch_feed(client, FEEDS[0].format(lang="en"))
    _response, chinese = fetch_feed(client, FEEDS[0].format(lang="zh-hans"))
    assert chinese.feed.language == "zh-hans"
    assert "与西安交通大学的学生交流协议" in [entry.title for entry in chinese.entries]
    assert "西安交通大学" in chinese.entries[1].summary
    assert not {entry.id for entry in english.entries} & {entry.id for entry in chinese.entries}


def test_an_entry_keeps_its_id_when_its_address_changes(client, agreements):
    _response, before = fetch_feed(client, FEEDS[1].format(lang="en"))
    agreement = agreements["newer"]
    agreement.slug = "robotics-double-degree"
    agreement.save()
    _response, after = fetch_feed(client, FEEDS[1].format(lang="en"))
    assert after.entries[0].link.endswith("/robotics-double-degree/")
    assert after.entries[0].id == before.entries[0].id


def test_the_list_page_announces_its_feeds(client, agreements):
    page = client.get("/ru/partners/agreements/").text
    assert 'type="application/rss+xml"' in page
    assert 'href="/ru/partners/agreements/feed/"' in page
    assert 'href="/ru/partners/agreements/feed/atom/"' in page


def test_feed_is_not_an_agreement_address(agreements):
    agreement = agreements["older"]
    agreement.slug = "feed"
    with pytest.raises(ValidationError, match="feed"):
        agreement.full_clean()
