"""RSS 2.0 and Atom feeds of the latest public articles, in the reader's language: all of
them, or those naming one partner.

LocaleMiddleware has activated the language of the URL prefix, so translated fields read
in that language (with modeltranslation's fallback), links get that prefix, and ``Feed``
declares that language as the feed's own: ``Feed.language`` is left unset on purpose.
"""

import html
import uuid

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext

from intloffice.core.text import excerpt
from partners.models import Organization

from .models import Article

FEED_LENGTH = 20
# About sixty words of Latin or Cyrillic, or two hundred Chinese characters (which have no
# spaces to count words by): core.text.excerpt counts a Chinese character as two columns.
DESCRIPTION_COLUMNS = 400
# Entry ids are derived from the article's key, not its link: they must survive a change
# of slug or of host name, or readers show the article again as new.
ENTRY_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "intloffice:news:article")


def for_feed(articles):
    """Articles with what their entries show, in a fixed number of queries."""
    return articles.select_related("category").prefetch_related("tags")[:FEED_LENGTH]


class LatestArticlesFeed(Feed):
    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The feed is written piece by piece: hundreds of small chunks, each a separate
        # socket write under gunicorn (4 ms per feed on loopback). One piece, one write.
        response.content = response.content
        return response

    def title(self):
        return f"{settings.SITE_NAME} — {gettext('News')}"

    def description(self):
        return gettext("Latest news")

    def link(self):
        return reverse("news:article_list")

    def author_name(self):
        # Atom needs an author for every entry: the office stands in for missing bylines.
        return str(settings.SITE_NAME)

    def items(self):
        return for_feed(Article.objects.published())

    def item_title(self, item):
        # Plain text, escaped once by the feed generator. Django's default escapes it a
        # second time, which readers that show titles literally (as the RSS Advisory Board
        # asks, and as Atom's type="text" requires) display as "Xi&#x27;an".
        return item.title

    def item_description(self, item):
        # RSS descriptions and Atom summaries (type="html") are HTML: escaping the plain
        # text makes "<script>" in an article something a reader shows, never runs. Quotes
        # stay as they are: this is element content, and "Xi&#x27;an" helps nobody.
        return html.escape(excerpt(item.lead, DESCRIPTION_COLUMNS), quote=False)

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.byline or None

    def item_categories(self, item):
        names = [tag.name for tag in item.tags.all()]
        return [item.category.name, *names] if item.category else names

    def item_guid(self, item):
        # One id per translation: the /en/ and /ru/ entries of an article are different
        # texts, and an aggregator merging both feeds must not drop one of them.
        return f"urn:uuid:{uuid.uuid5(ENTRY_ID_NAMESPACE, f'{item.pk}/{get_language()}')}"

    item_guid_is_permalink = False


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()


class PartnerNewsFeed(LatestArticlesFeed):
    """The latest public articles linked to one organisation."""

    def get_object(self, request, slug):
        # Feed turns Organization.DoesNotExist into a 404.
        return Organization.objects.get(slug=slug)

    def title(self, organization):
        return f"{settings.SITE_NAME} — {gettext('News')}: {organization.name}"

    def link(self, organization):
        return organization.get_absolute_url()

    def items(self, organization):
        return for_feed(organization.articles.published())
