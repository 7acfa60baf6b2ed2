from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from news.models import Article
from partners.models import Event, Organization

from . import structured_data
from .pages import PageMixin, home_crumb

HOME_NEWS = 6
HOME_EVENTS = 4
HOME_PARTNERS = 12


def healthz(request):
    """For load balancers: proves the process answers, touches no database."""
    return HttpResponse("ok", content_type="text/plain")


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
        context["latest_articles"] = Article.objects.published().select_related("category")[
            :HOME_NEWS
        ]
        context["upcoming_events"] = Event.objects.upcoming()[:HOME_EVENTS]
        context["partners"] = Organization.objects.filter(
            kind__in=[Organization.Kind.ASSOCIATION, Organization.Kind.UNIVERSITY]
        ).order_by("kind", "slug")[:HOME_PARTNERS]
        return context


class AccessibilityView(PageMixin, TemplateView):
    template_name = "accessibility.html"

    def get_breadcrumbs(self):
        return [home_crumb(), (_("Accessibility statement"), reverse("accessibility"))]


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without the request context: whatever failed must not fail again here.
    return render(request, "500.html", status=500)
