"""RSS 2.0 and Atom feeds of the latest public articles, in the reader's language: all of
them, or those naming one partner (what all feeds share: intloffice.core.feeds); and which
of them a change of articles touches, for the WebSub hub (intloffice.core.websub)."""

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from intloffice.core import websub
from intloffice.core.feeds import FEED_LENGTH, AtomFeed, Feed, description_html, feed_address
from partners.models import Organization

from .models import Article
from .workflow import ARTICLES


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
    feed_type = AtomFeed

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


# --- Which feeds a change touches (for the WebSub hub) -----------------------------------


def addresses(partner_slugs: Iterable[str] = ()) -> list[str]:
    """The full addresses of the news feeds, and of these partners' feeds, in every
    language."""
    partner_slugs = sorted(set(partner_slugs))
    found = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths = [reverse("news:feed_rss"), reverse("news:feed_atom")]
            paths += [reverse("news:partner_feed", args=[slug]) for slug in partner_slugs]
        found += [feed_address(path) for path in paths]
    return found


def partners_of(article_ids: Iterable[int]) -> set[str]:
    """The slugs of the organisations these articles name (their feeds list them)."""
    links = Organization.objects.filter(articles__pk__in=list(article_ids))
    return set(links.values_list("slug", flat=True).distinct())


def article_changing(sender, instance, raw=False, **kwargs) -> None:
    """Before an article is saved or deleted: whether the feeds show it as stored, and
    under which partners (a partner it no longer names loses it from its feed)."""
    if not websub.enabled() or instance.pk is None:
        return
    before = ARTICLES.stored_state(instance, raw)
    was_public = (
        before is not None
        and before.status == Article.Status.PUBLISHED
        and before.publish_at <= timezone.now()
    )
    instance._in_feeds_of = partners_of([instance.pk]) if was_public else None


def article_saved(sender, instance, **kwargs) -> None:
    """After an article is saved: if the feeds showed it or show it now, tell the hub once
    the change commits (with the partners it names then: the admin saves them after)."""
    if not websub.enabled():
        return
    before = instance.__dict__.pop("_in_feeds_of", None)
    if before is None and not instance.is_public():
        return
    pk = instance.pk
    websub.announce(lambda: addresses(partners_of([pk]) | (before or set())))


def article_deleted(sender, instance, **kwargs) -> None:
    before = instance.__dict__.pop("_in_feeds_of", None)
    if before is not None:
        websub.announce(addresses(before))
