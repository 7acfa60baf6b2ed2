"""RSS 2.0 and Atom feeds of the latest public articles, in the reader's language: all of
them, or those naming one partner (what all feeds share: intloffice.core.feeds)."""

import uuid

from django.conf import settings
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from intloffice.core.feeds import FEED_LENGTH, Feed, description_html
from partners.models import Organization

from .models import Article


def for_feed(articles):
    """Articles with what their entries show, in a fixed number of queries."""
    return articles.select_related("category").prefetch_related("tags")[:FEED_LENGTH]


class LatestArticlesFeed(Feed):
    entry_namespace = uuid.uuid5(uuid.NAMESPACE_URL, "intloffice:news:article")

    def title(self):
        return f"{settings.SITE_NAME} — {gettext('News')}"

    def description(self):
        return gettext("Latest news")

    def link(self):
        return reverse("news:article_list")

    def items(self):
        return for_feed(Article.objects.published())

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return description_html(item.lead)

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.byline or None

    def item_categories(self, item):
        names = [tag.name for tag in item.tags.all()]
        return [item.category.name, *names] if item.category else names


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
