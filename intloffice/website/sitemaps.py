"""The sitemap, and robots.txt pointing to it.

``/sitemap.xml`` is an index of files: the site's fixed pages and published information
pages, partners, people, events, the public agreements, and the news, ``ITEMS_PER_FILE``
articles per file, newest first. Each file lists every page once per language with
``<xhtml:link hreflang>`` to its translations and an x-default to the unprefixed address,
which redirects by the browser's Accept-Language.

Written here rather than with django.contrib.sitemaps, whose i18n mode loads every item of
a section for each file and activates a language for each address: 4 seconds and 4 MB at
10,000 articles. Here a news file is one query, found by key like the news list's pages
(news.pagination.NewestFirstPaginator), so the last file costs what the first does.
"""

from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation

from agreements.models import Agreement
from intloffice.core.freshness import remember
from news.models import Article
from news.pagination import NewestFirstPaginator
from pages.models import Page
from partners.models import Event, Organization, Person

ITEMS_PER_FILE = 250
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
# Every fixed page the public can reach, by URL name.
FIXED_PAGES = [
    "home",
    "news:article_list",
    "partners:organization_list",
    "partners:partner_map",
    "partners:event_list",
    "agreements:agreement_list",
    "accessibility",
]
# Partner, person, event and agreement pages, by section: what has a page (a function
# giving a queryset) and the URL name.
DIRECTORIES = {
    "partners": (Organization.objects.all, "partners:organization_detail"),
    "people": (Person.objects.all, "partners:person_detail"),
    "events": (Event.objects.all, "partners:event_detail"),
    "agreements": (Agreement.objects.public, "agreements:agreement_detail"),
}
# A slug that no real slug equals, to reverse an address once per language and fill it in.
SLUG = "0-slug-0"
HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)


def xml_response(text: str) -> HttpResponse:
    return HttpResponse(text, content_type="application/xml")


def addresses(base: str, name: str, **kwargs) -> dict[str, str]:
    """The absolute address of a page in every language, and its x-default."""
    urls = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            urls[code] = base + reverse(name, kwargs=kwargs)
    default = urls[settings.LANGUAGE_CODE]
    urls["x-default"] = default.replace(f"/{settings.LANGUAGE_CODE}/", "/", 1)
    return urls


def url_entries(urls: dict[str, str], lastmod=None) -> str:
    """One ``<url>`` per language, each with every alternate."""
    links = "".join(
        f'<xhtml:link rel="alternate" hreflang="{code}" href={quoteattr(href)}/>'
        for code, href in urls.items()
    )
    modified = f"<lastmod>{timezone.localdate(lastmod).isoformat()}</lastmod>" if lastmod else ""
    return "".join(
        f"<url><loc>{escape(urls[code])}</loc>{modified}{links}</url>\n" for code in LANGUAGE_CODES
    )


def urlset(base: str, name: str, items) -> str:
    """Entries for objects with a slug (and perhaps updated_at), reversing once per language."""
    templates = addresses(base, name, slug=SLUG)
    parts = [HEADER]
    for item in items:
        urls = {code: url.replace(SLUG, item.slug) for code, url in templates.items()}
        parts.append(url_entries(urls, getattr(item, "lastmod", None)))
    parts.append("</urlset>\n")
    return "".join(parts)


def news_paginator() -> NewestFirstPaginator:
    return NewestFirstPaginator(
        Article.objects.published().newest_first().only("slug", "updated_at", "publish_at"),
        ITEMS_PER_FILE,
        name="sitemap",
    )


def directory_files() -> dict[str, int]:
    """How many files each directory section takes (counted once, until they change)."""

    def compute():
        return {
            section: max(1, -(-rows().count() // ITEMS_PER_FILE))
            for section, (rows, _name) in DIRECTORIES.items()
        }

    return remember("sitemap-directories", compute)


def index(request):
    base = request.build_absolute_uri("/")[:-1]
    files = [reverse("sitemap_pages")]
    for section, count in directory_files().items():
        files += [reverse("sitemap_section", args=[section, n]) for n in range(1, count + 1)]
    files += [reverse("sitemap_section", args=["news", n]) for n in news_paginator().page_range]
    entries = "".join(f"<sitemap><loc>{escape(base + path)}</loc></sitemap>\n" for path in files)
    return xml_response(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</sitemapindex>\n"
    )


def pages(request):
    """The fixed pages, and the published information pages (a few dozen at most)."""
    base = request.build_absolute_uri("/")[:-1]
    body = "".join(url_entries(addresses(base, name)) for name in FIXED_PAGES)
    templates = addresses(base, "pages:page_detail", slug=SLUG)
    for page in Page.objects.published().only("slug", "updated_at").order_by("pk"):
        urls = {code: url.replace(SLUG, page.slug) for code, url in templates.items()}
        body += url_entries(urls, page.updated_at)
    return xml_response(f"{HEADER}{body}</urlset>\n")


def section(request, section: str, number: int):
    base = request.build_absolute_uri("/")[:-1]
    if section == "news":
        try:
            articles = news_paginator().page(number)
        except InvalidPage:
            raise Http404 from None
        for article in articles:
            article.lastmod = article.updated_at
        return xml_response(urlset(base, "news:article_detail", articles))
    if section not in DIRECTORIES or number > directory_files()[section]:
        raise Http404
    # No lastmod: these pages also list related news and events, so the object's own
    # updated_at would understate changes, and search engines ignore a lastmod they
    # catch out.
    rows, name = DIRECTORIES[section]
    start = (number - 1) * ITEMS_PER_FILE
    items = rows().only("slug").order_by("pk")[start : start + ITEMS_PER_FILE]
    return xml_response(urlset(base, name, items))


def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
