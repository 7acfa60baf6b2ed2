"""sitemap.xml, with every public page in every language, and robots.txt pointing to it."""

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse

from news.models import Article
from partners.models import Event, Organization, Person


class MultilingualSitemap(Sitemap):
    # Each page once per language of settings.LANGUAGES, with <xhtml:link hreflang> to its
    # translations and an x-default to the unprefixed URL, which redirects by the
    # browser's Accept-Language.
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(MultilingualSitemap):
    def items(self):
        return [
            "home",
            "news:article_list",
            "partners:organization_list",
            "partners:event_list",
            "accessibility",
        ]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(MultilingualSitemap):
    def items(self):
        # Only what the sitemap writes: bodies in three languages would be read for nothing.
        return Article.objects.published().only("slug", "updated_at")

    def lastmod(self, article):
        return article.updated_at


# No lastmod below: these pages also list related news and events, so the object's own
# updated_at would understate changes, and search engines ignore a lastmod they catch out.
class OrganizationSitemap(MultilingualSitemap):
    def items(self):
        return Organization.objects.only("slug")


class PersonSitemap(MultilingualSitemap):
    def items(self):
        return Person.objects.only("slug")


class EventSitemap(MultilingualSitemap):
    def items(self):
        return Event.objects.only("slug")


# Classes, not instances: the sitemap view instantiates them per request, and Sitemap
# keeps per-request state (latest_lastmod) on the instance.
sitemaps = {
    "pages": PageSitemap,
    "news": ArticleSitemap,
    "partners": OrganizationSitemap,
    "people": PersonSitemap,
    "events": EventSitemap,
}


def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
