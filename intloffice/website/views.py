import copy
import os
import threading

from django.conf import settings
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connections
from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from intloffice.core import freshness, media, structured_data
from intloffice.core import translation_exchange as exchange
from intloffice.core.pages import PageMixin, home_crumb
from intloffice.website import translation_desk
from intloffice.website import year_in_figures as report
from news.models import Article
from pages import navigation
from partners.models import Event, Organization

HOME_NEWS = 6
HOME_EVENTS = 4
HOME_PARTNERS = 12


def healthz(request):
    """Liveness, for process supervisors: proves the process answers, touches nothing else."""
    return HttpResponse("ok", content_type="text/plain")


def database_answers(alias: str = "default") -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def cache_answers() -> bool:
    # The cache fails open (reads miss, writes keep nothing), so only a round trip tells.
    # A key per process and thread: concurrent probes do not overwrite each other's.
    key = f"readyz:{os.uname().nodename}:{os.getpid()}:{threading.get_ident()}"
    token = os.urandom(8).hex()
    cache.set(key, token, 60)
    return cache.get(key) == token


@never_cache
def readyz(request):
    """Readiness, for load balancers and deployments: 200 when the database, the cache and
    the media storage answer; otherwise 503, naming those that do not."""
    checks = {
        "database": database_answers,
        "cache": cache_answers,
        "media storage": lambda: media.storage_problem() is None,
    }
    down = [name for name, answers in checks.items() if not answers()]
    response = JsonResponse(
        {"status": "unavailable" if down else "ok", "down": down}, status=503 if down else 200
    )
    # Probed every few seconds: an outage must not add an error line (or report) each time.
    response._has_been_logged = True
    return response


class HomeView(PageMixin, TemplateView):
    template_name = "home.html"

    def get_structured_data(self):
        return [
            {
                "@context": "https://schema.org",
                "@type": "WebSite",
                "name": str(settings.SITE_NAME),
                "url": self.request.build_absolute_uri(reverse("home")),
                "publisher": structured_data.publisher(self.request),
            }
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest = Article.objects.published().newest_first().select_related("category")
        # The lead story: the newest article with a picture, shown big above the others.
        lead = latest.exclude(image="").first()
        if lead is not None:
            latest = latest.exclude(pk=lead.pk)
        context["lead_article"] = lead
        context["latest_articles"] = latest[:HOME_NEWS]
        context["upcoming_events"] = Event.objects.upcoming()[:HOME_EVENTS]
        # The partners, not the host university and its offices ("us").
        context["partners"] = (
            Organization.objects.partners()
            .filter(kind__in=[Organization.Kind.ASSOCIATION, Organization.Kind.UNIVERSITY])
            .order_by("kind", "slug")[:HOME_PARTNERS]
        )
        return context


class AccessibilityView(PageMixin, TemplateView):
    template_name = "accessibility.html"

    def get_breadcrumbs(self):
        return [home_crumb(), (_("Accessibility statement"), reverse("accessibility"))]


# Rendered 404 pages by language, scheme, host and year, each with the content state it was
# made in (its menus show the information pages); bounded, as hosts come from requests.
_not_found_pages: dict[tuple, str] = {}
NOT_FOUND_PAGES_KEPT = 64


def page_not_found(request, exception):
    """The same page for every missing address in a language, rendered once per process:
    a stream of made-up addresses costs neither rendering nor the page cache's space.

    It is rendered as if at the language's home page, so its language links lead to real
    pages (the missing address has no translation).
    """
    key = (get_language(), request.scheme, request.get_host(), timezone.now().year)
    # Made again when the content changes, or when the menus become known.
    made_for = (freshness.known_state(), navigation.directory_known())
    body, made_in = _not_found_pages.get(key, (None, None))
    if body is None or made_in != made_for:
        home = copy.copy(request)
        home.path_info = reverse("home")
        home.path = request.path[: len(request.path) - len(request.path_info)] + home.path_info
        home.META = {**request.META, "QUERY_STRING": ""}
        # No query, whatever the cache holds: the menus only if they are remembered.
        body = render_to_string("404.html", {"menus_known_only": True}, request=home)
        if key in _not_found_pages or len(_not_found_pages) < NOT_FOUND_PAGES_KEPT:
            _not_found_pages[key] = (body, made_for)
    return HttpResponseNotFound(body)


def server_error(request):
    # Rendered without the request context: whatever failed must not fail again here.
    return render(request, "500.html", status=500)


def year_in_figures_page(request):
    """The admin's page of the year in figures (staff only: see intloffice/urls.py), with
    the same figures as CSV or as a page of its own to download."""
    this_year = timezone.localdate().year
    years = list(range(this_year, this_year - 10, -1))
    try:
        year = int(request.GET.get("year", this_year - 1))
    except ValueError:
        year = this_year - 1
    year = year if year in years else this_year - 1
    figures = report.year_in_figures(year)
    export = request.GET.get("format")
    if export in ("csv", "html"):
        text = report.as_csv(figures) if export == "csv" else report.as_html(figures)
        response = HttpResponse(
            text,
            content_type="text/csv; charset=utf-8"
            if export == "csv"
            else "text/html; charset=utf-8",
        )
        name = f"year-in-figures-{year}-{get_language()}.{export}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    context = {
        **admin.site.each_context(request),
        "title": _("The year %(year)d in figures") % {"year": year},
        "years": years,
        **report.context_of(figures),
    }
    return render(request, "admin/year_in_figures.html", context)


def translation_desk_page(request):
    """The admin's translation desk (staff only: see intloffice/urls.py): every object the
    person may see, with the state of each translation, filtered by the GET parameters."""
    if not translation_desk.kinds_for(request.user):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": _("Translation desk"),
        **translation_desk.desk(request.user, request.GET, request.GET.get("page")),
    }
    return render(request, "admin/translation_desk.html", context)


def translation_download(request):
    """The translators' file of one language (GET ``language``, ``kind`` repeated), from the
    desk: the kinds asked for, each of which the person may see."""
    kinds = translation_desk.kinds_for(request.user)
    asked = request.GET.getlist("kind") or list(kinds)
    if not kinds or not set(asked) <= kinds.keys():
        raise PermissionDenied
    language = request.GET.get("language", "")
    try:
        data = exchange.export(language, kinds=asked)
    except exchange.ExchangeError as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('translation_desk')}?{urlencode({'language': language})}")
    response = HttpResponse(data, content_type="application/xliff+xml")
    kind = asked[0] if len(asked) == 1 else None
    name = exchange.file_name(language, kind=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def translation_upload(request):
    """A translated file from the desk's form: imported whole as the person, or refused
    whole with one line; back to the desk either way."""
    if not translation_desk.kinds_for(request.user):
        raise PermissionDenied
    form = translation_desk.UploadForm(request.POST, request.FILES)
    desk = reverse("translation_desk")
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["file"]))
        return redirect(desk)
    file = form.cleaned_data["file"]
    try:
        report = exchange.import_file(file.read(), request.user, name=file.name)
    except exchange.ExchangeError as error:
        messages.error(request, str(error))
        return redirect(desk)
    messages.success(
        request,
        _("Imported “%(name)s”: %(summary)s") % {"name": file.name, "summary": report.summary()},
    )
    return redirect(f"{desk}?{urlencode({'language': report.target_language})}")
