from django import forms
from django.http import HttpResponse, HttpResponseNotFound
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView
from django_countries import countries

from intloffice.core.freshness import remember
from intloffice.core.pages import DetailPage, PageMixin, home_crumb, shortened
from partners.models import Organization

from . import calendar
from .models import Agreement, AgreementParty

AGREEMENTS_PER_PAGE = 20
RELATED_NEWS = 10


class AgreementFilterForm(forms.Form):
    """The agreements list's query string; values that do not validate are not applied."""

    country = forms.CharField(required=False, max_length=2)
    kind = forms.ChoiceField(required=False, choices=Agreement.Kind.choices)
    partner = forms.SlugField(required=False)

    def clean_country(self):
        code = self.cleaned_data["country"].upper()
        if code and code not in countries:
            raise forms.ValidationError("not a country code")
        return code


def filter_choices() -> dict:
    """The list's filters: the partners' countries, the kinds and the partners of the
    agreements in force. Read once until an agreement or party changes (freshness.remember;
    also when one comes into force or expires), then named and sorted in the reader's
    language."""

    def compute():
        current = Agreement.objects.public().active()
        parties = AgreementParty.objects.filter(
            agreement__in=current, organization__in=Organization.objects.partners()
        ).order_by()
        return {
            "countries": set(
                parties.exclude(organization__country="").values_list(
                    "organization__country", flat=True
                )
            ),
            "kinds": set(current.order_by().values_list("kind", flat=True)),
            "partners": list(Organization.objects.filter(pk__in=parties.values("organization_id"))),
        }

    found = remember("agreement-filters", compute)
    return {
        "countries": sorted(
            ((code, countries.name(code)) for code in found["countries"]),
            key=lambda choice: str(choice[1]),
        ),
        "kinds": [
            (kind, label) for kind, label in Agreement.Kind.choices if kind in found["kinds"]
        ],
        "partners": sorted(found["partners"], key=lambda partner: partner.name.casefold()),
    }


def partners_crumb():
    return (_("Partners"), reverse("partners:organization_list"))


def agreements_crumb():
    return (_("Agreements"), reverse("agreements:agreement_list"))


class AgreementListView(PageMixin, ListView):
    """The agreements in force, newest first, by partner, country or kind."""

    paginate_by = AGREEMENTS_PER_PAGE
    query_parameters = ("country", "kind", "partner", "page")  # see core.freshness
    template_name = "agreements/agreement_list.html"
    section = "partners"

    def get_queryset(self):
        form = AgreementFilterForm(self.request.GET)
        self.filters = form.cleaned_data if form.is_valid() else {}
        queryset = Agreement.objects.public().active()
        if country := self.filters.get("country"):
            queryset = queryset.with_partner_country(country)
        if kind := self.filters.get("kind"):
            queryset = queryset.filter(kind=kind)
        if partner := self.filters.get("partner"):
            queryset = queryset.with_partner(partner)
        return queryset.with_parties()

    def get_breadcrumbs(self):
        return [home_crumb(), partners_crumb(), agreements_crumb()]

    def get_description(self):
        return _("The agreements in force between the university and its partners.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choices = filter_choices()
        context.update(choices)
        f = self.filters
        context["active_country"] = f.get("country") or ""
        context["active_kind"] = f.get("kind") or ""
        # Found among the choices: no query of its own.
        slug = f.get("partner")
        context["active_partner"] = next(
            (partner for partner in choices["partners"] if slug and partner.slug == slug), None
        )
        context["filtered"] = any(f.values())
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        return context


class AgreementDetailView(DetailPage, DetailView):
    section = "partners"
    title_field = "title"
    template_name = "agreements/agreement_detail.html"

    def get_queryset(self):
        # Staff preview what is not public at its address; everyone else gets a 404.
        if self.request.user.has_perm("agreements.view_agreement"):
            agreements = Agreement.objects.all()
        else:
            agreements = Agreement.objects.public()
        return agreements.select_related("signing_event").with_parties()

    def get_parent_crumbs(self):
        return [home_crumb(), partners_crumb(), agreements_crumb()]

    def get_description(self):
        agreement = self.object
        return shortened(agreement.summary) if agreement.summary else agreement.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = self.object
        # news' relation: the articles that report this agreement, if public.
        context["articles"] = list(agreement.articles.published()[:RELATED_NEWS])
        context["preview"] = not agreement.is_public()
        return context


def expiries_calendar(request):
    """A staff member's calendar of agreements' last days, at the address the agreements'
    list in the admin gives them (``?token=``). Any refusal is the same plain 404: it tells
    nothing about which part of the token failed. Never kept by the page cache, a proxy or
    the browser: it is one person's and holds what only staff may read."""
    user = calendar.subscriber(request.GET.get("token", ""))
    if user is None:
        response = HttpResponseNotFound("Not found", content_type="text/plain")
    else:
        response = HttpResponse(
            calendar.expiries_calendar(request).to_ical(),
            content_type="text/calendar; charset=utf-8",
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
