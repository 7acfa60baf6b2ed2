"""RSS 2.0 and Atom feeds of the latest public articles, per language. (stub: to be written)"""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from .models import Article


class LatestArticlesFeed(Feed):
    title = "News"
    link = "/"

    def items(self):
        return Article.objects.published()[:20]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
