"""What every feed of the site shares (news, a partner's news, agreements): one write per
response, titles escaped once, HTML descriptions from plain text, and entry ids that
survive a change of address.

LocaleMiddleware has activated the language of the URL prefix, so translated fields read
in that language (with modeltranslation's fallback), links get that prefix, and ``Feed``
declares that language as the feed's own: ``Feed.language`` is left unset on purpose.
"""

import html
import uuid

from django.conf import settings
from django.contrib.syndication import views as syndication
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


class Feed(syndication.Feed):
    """A feed whose entries are rows of one model, identified by ``entry_namespace``."""

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
