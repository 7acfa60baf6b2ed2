"""The project's addresses: every app's, the site-wide pages, the admin and the health checks."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from agreements import views as agreements_views
from intloffice.core import api as api_parts
from intloffice.core import media
from intloffice.website import search, sitemaps, views
from intloffice.website.api import api
from partners import ewp_views

# The office's name, in the reader's language (lazy), where Django says "Django administration".
admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-pages.xml", sitemaps.pages, name="sitemap_pages"),
    path("sitemap-<str:section>-<int:number>.xml", sitemaps.section, name="sitemap_section"),
    # Institution data in the Erasmus Without Paper formats, in no language's address
    # (partners/ewp.py).
    path("ewp/institutions", ewp_views.institutions, name="ewp_institutions"),
    path("ewp/ounits", ewp_views.ounits, name="ewp_ounits"),
    path("ewp/factsheet", ewp_views.factsheet, name="ewp_factsheet"),
    # Before the admin's own addresses, inside its login and staff check.
    path(
        "admin/year-in-figures/",
        admin.site.admin_view(views.year_in_figures_page),
        name="year_in_figures",
    ),
    path(
        "admin/translations/",
        admin.site.admin_view(views.translation_desk_page),
        name="translation_desk",
    ),
    path(
        "admin/translations/download/",
        admin.site.admin_view(views.translation_download),
        name="translation_download",
    ),
    path(
        "admin/translations/upload/",
        admin.site.admin_view(views.translation_upload),
        name="translation_upload",
    ),
    path("admin/", admin.site.urls),
    # A staff member's own calendar, opened by the token in its address (not a session):
    # outside the languages' prefixes, and so outside the page cache.
    path(
        "calendars/agreements.ics",
        agreements_views.expiries_calendar,
        name="agreements_calendar",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    # The JSON API, in no language's address: a client names the language with ?lang=.
    path("api/v1/", api.urls),
    re_path(r"^api/", api_parts.not_found, name="api_not_found"),
    # With DEBUG off too: uploads on this server's disk (nginx in front answers first).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve, name="media"),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    # Before news and partners: /partners/agreements/ is not an organisation's page, nor
    # /partners/agreements/feed/ its news feed.
    path("", include("agreements.urls")),
    path("", include("news.urls")),
    path("search/", search.SearchView.as_view(), name="search"),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
    path("", include("partners.urls")),
    # Last: an information page's address is one word that no section above has taken.
    path("", include("pages.urls")),
)

handler404 = "intloffice.website.views.page_not_found"
handler500 = "intloffice.website.views.server_error"
