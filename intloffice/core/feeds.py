"""What every feed of the site shares (news, a partner's news, agreements): one write per
response, titles escaped once, HTML descriptions from plain text, entry ids that survive a
change of address, and the links that let readers follow it by WebSub: its own address
(``rel="self"``, always) and the hub's (``rel="hub"``, when ``INTLOFFICE_WEBSUB_HUB`` is
set; intloffice.core.websub tells the hub of changes). A feed is RSS 2.0 (``RssFeed``,
the default) or Atom (``feed_type = AtomFeed``): never Django's generators directly, which
know no hub.

LocaleMiddleware has activated the language of the URL prefix, so translated fields read
in that language (with modeltranslation's fallback), links get that prefix, and ``Feed``
declares that language as the feed's own: ``Feed.language`` is left unset on purpose.
"""

import html
import uuid

from django.conf import settings
from django.contrib.syndication import views as syndication
from django.utils import feedgenerator
from django.utils.translation import get_language

from .text import excerpt

FEED_LENGTH = 20
# About sixty words of Latin or Cyrillic, or two hundred Chinese characters (which have no
# spaces to count words by): core.text.excerpt counts a Chinese character as two columns.
DESCRIPTION_COLUMNS = 400


def description_html(text: str) -> str:
    """A plain text as a feed description, which RSS and Atom (type="html") read as HTML:
    escaped, "<script>" in a text is something a reader shows, never runs. Quotes stay as
    they are: this is element content, and "Xi&#x27;an" helps nobody."""
    return html.escape(excerpt(text, DESCRIPTION_COLUMNS), quote=False)


def feed_address(path: str, request=None) -> str:
    """A feed's full address: under ``SITE_URL`` when it is set, the address the hub is
    told of, so that the topic a reader subscribes to is the one the hub announces; else
    as the request reached the site."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)


class RssFeed(feedgenerator.Rss201rev2Feed):
    def add_root_elements(self, handler):
        # Django writes the self link without its type; WebSub readers and validators
        # expect it (and the hub's) as atom:link, which the <rss> element declares.
        own_address = self.feed["feed_url"]
        self.feed["feed_url"] = None
        try:
            super().add_root_elements(handler)
        finally:
            self.feed["feed_url"] = own_address
        attributes = {"rel": "self", "type": "application/rss+xml", "href": own_address}
        handler.addQuickElement("atom:link", None, attributes)
        if self.feed["hub"]:
            handler.addQuickElement("atom:link", None, {"rel": "hub", "href": self.feed["hub"]})


class AtomFeed(feedgenerator.Atom1Feed):
    def add_root_elements(self, handler):
        super().add_root_elements(handler)  # the self link is Django's
        if self.feed["hub"]:
            handler.addQuickElement("link", "", {"rel": "hub", "href": self.feed["hub"]})


class Feed(syndication.Feed):
    """A feed whose entries are rows of one model, identified by ``entry_namespace``."""

    feed_type = RssFeed

    # Entry ids are derived from the row's key, not its link: they must survive a change
    # of slug or of host name, or readers show the entry again as new.
    entry_namespace: uuid.UUID
    item_guid_is_permalink = False

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The feed is written piece by piece: hundreds of small chunks, each a separate
        # socket write under gunicorn (4 ms per feed on loopback). One piece, one write.
        response.content = response.content
        return response

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["feed_url"] = feed_address(request.path, request)
        return feed

    def feed_extra_kwargs(self, obj):
        return {"hub": settings.INTLOFFICE_WEBSUB_HUB or None}

    def author_name(self):
        # Atom needs an author for every entry: the office stands in for missing ones.
        return str(settings.SITE_NAME)

    def item_title(self, item):
        # Plain text, escaped once by the feed generator. Django's default escapes it a
        # second time, which readers that show titles literally (as the RSS Advisory Board
        # asks, and as Atom's type="text" requires) display as "Xi&#x27;an".
        return str(item)

    def item_guid(self, item):
        # One id per translation: the /en/ and /ru/ entries of a row are different texts,
        # and an aggregator merging both feeds must not drop one of them.
        return f"urn:uuid:{uuid.uuid5(self.entry_namespace, f'{item.pk}/{get_language()}')}"
