"""RSS and Atom feeds of the public agreements, fetched through the test client and parsed
as readers do. What must never be in them is checked, with every other public address, in
test_privacy.py."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agreements.models import Agreement, AgreementParty
from intloffice.core import websub
from tests.factories import make_agreement, make_organization
from tests.forms import form_fields
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


# --- Announcing changes to a WebSub hub (a real server on 127.0.0.1: tests/hub.py) ----------

HUB_FEEDS = [
    f"https://io.example.edu/{lang}/partners/agreements/feed/{atom}"
    for lang in ("en", "ru", "zh-hans")
    for atom in ("", "atom/")
]


def test_showing_an_agreement_in_the_admin_tells_the_hub_after_commit(
    client, publisher, hub, django_capture_on_commit_callbacks
):
    agreement = make_agreement(published=False)
    client.force_login(publisher)
    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    form = form_fields(client.get(url).text, "agreement_form")
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(url, {**form, "published": "on"}).status_code == 302
    assert websub.wait() and hub.received == []
    for callback in callbacks:
        callback()
    assert websub.wait()
    assert sorted(hub.announced()) == sorted(HUB_FEEDS)


def test_only_changes_the_feeds_show_are_announced(db, hub, django_capture_on_commit_callbacks):
    hidden = make_agreement(published=False)
    shown = make_agreement()
    with django_capture_on_commit_callbacks(execute=True):
        hidden.summary_en = "Still being negotiated."
        hidden.save()
    assert websub.wait() and hub.received == []
    with django_capture_on_commit_callbacks(execute=True):
        shown.published = False  # taken off the site: gone from the feeds
        shown.save()
    assert websub.wait()
    assert sorted(hub.announced()) == sorted(HUB_FEEDS)


def test_a_new_party_of_a_public_agreement_is_announced(
    db, hub, django_capture_on_commit_callbacks
):
    agreement = make_agreement()
    with django_capture_on_commit_callbacks(execute=True):
        AgreementParty.objects.create(agreement=agreement, organization=make_organization())
    assert websub.wait()
    assert sorted(hub.announced()) == sorted(HUB_FEEDS)
