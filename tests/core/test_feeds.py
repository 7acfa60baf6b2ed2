"""What every feed of the site carries, whichever app serves it (intloffice.core.feeds):
its own address as rel="self" and, when a WebSub hub is set, the hub's as rel="hub"."""

import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation

from intloffice.core.feeds import Feed
from tests.factories import make_agreement, make_article, make_organization
from tests.hub import SITE_URL

ATOM = "{http://www.w3.org/2005/Atom}"
# Every feed of the URL configuration, with the arguments of one of its addresses: a new
# feed fails test_every_feed_is_listed_here until it is added (and so tested below).
FEEDS = {
    "news:feed_rss": [],
    "news:feed_atom": [],
    "news:partner_feed": ["aturc"],
    "agreements:feed_rss": [],
    "agreements:feed_atom": [],
}
LANGUAGES = ["en", "ru", "zh-hans"]


def feed_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from feed_names(pattern.url_patterns, inner)
        elif isinstance(pattern.callback, Feed):
            yield f"{namespace}:{pattern.name}"


def test_every_feed_is_listed_here():
    assert set(feed_names(get_resolver().url_patterns)) == set(FEEDS)


@pytest.fixture
def content(db):
    aturc = make_organization(slug="aturc")
    make_article(organizations=[aturc])
    make_agreement(parties=[aturc])


def addresses():
    for name, args in FEEDS.items():
        for language in LANGUAGES:
            with translation.override(language):
                yield reverse(name, args=args)


def links(client, path):
    """The feed's links by rel, as feedparser reads them, and the raw XML's root links."""
    response = client.get(path)
    assert response.status_code == 200, path
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    root = ET.fromstring(response.content)
    raw = root.findall(f"{ATOM}link") + root.findall(f"channel/{ATOM}link")
    return parsed, {link.get("rel"): link.attrib for link in raw}


def test_every_feed_in_every_language_gives_its_own_address_and_no_hub(client, content):
    for path in addresses():
        parsed, raw = links(client, path)
        assert raw["self"]["href"] == f"http://testserver{path}"
        assert [link.href for link in parsed.feed.links if link.rel == "self"] == [
            f"http://testserver{path}"
        ]
        if parsed.version == "rss20":
            assert raw["self"]["type"] == "application/rss+xml"
        assert "hub" not in raw
        assert not [link for link in parsed.feed.links if link.rel == "hub"]


def test_with_a_hub_every_feed_names_it_and_its_address_under_the_site_url(client, content, hub):
    for path in addresses():
        parsed, raw = links(client, path)
        assert raw["self"]["href"] == f"{SITE_URL}{path}"
        assert raw["hub"]["href"] == hub.url
        assert [link.href for link in parsed.feed.links if link.rel == "hub"] == [hub.url]
    assert hub.received == []  # reading a feed announces nothing
