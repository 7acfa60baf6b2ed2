from django import forms
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView
from django_countries import countries
from django_countries.fields import Country

from intloffice.core import language_rules, structured_data
from intloffice.core.pages import DetailPage, PageMixin, home_crumb, shortened
from intloffice.core.translated import translated_ordering

from . import timeline
from .models import Event, Membership, Organization, Participation, Person
from .world_map import partner_map

RELATED_NEWS = 10
EVENTS_PER_PAGE = 20
UPCOMING_LIMIT = 50


def partners_crumb():
    return (_("Partners"), reverse("partners:organization_list"))


def events_crumb():
    return (_("Events"), reverse("partners:event_list"))


class EntityPage(DetailPage, DetailView):
    """An organisation's, person's or event's page, with the latest news naming it.

    ``articles`` is the news app's relation: partners need not know how news is stored,
    only that it can say which of its articles are published.
    """

    section_crumb = staticmethod(partners_crumb)
    # The object whose page comes before this one's in the trail, if it has one.
    parent_field: str | None = None

    def get_parent_crumbs(self):
        trail = [home_crumb(), self.section_crumb()]
        if self.parent_field and (parent := getattr(self.object, self.parent_field)):
            trail.append((parent.name, parent.get_absolute_url()))
        return trail

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = list(self.object.articles.published()[:RELATED_NEWS])
        return context


class PartnerFilterForm(forms.Form):
    """The partners list's query string; a value that does not validate is not applied."""

    country = forms.CharField(required=False, max_length=2)

    def clean_country(self):
        code = self.cleaned_data["country"]
        if code and code not in countries:  # an ISO 3166-1 alpha-2 code, as stored: "CN"
            raise forms.ValidationError("unknown country")
        return code


class OrganizationListView(PageMixin, ListView):
    model = Organization
    section = "partners"
    query_parameters = ("country",)  # see intloffice.core.freshness

    def get_queryset(self):
        form = PartnerFilterForm(self.request.GET)
        code = form.cleaned_data["country"] if form.is_valid() else ""
        self.country = Country(code) if code else None
        queryset = Organization.objects.partners()
        if self.country:
            queryset = queryset.filter(country=code)
        return queryset.order_by("kind", translated_ordering("name"))

    def get_breadcrumbs(self):
        return [home_crumb(), partners_crumb()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["country"] = self.country
        if not self.country:
            # The host university and its offices, apart from the partners: "us".
            ours = Organization.objects.ours().order_by("slug")
            context["ours"] = sorted(ours, key=lambda organization: not organization.is_host())
        return context


class PartnerMapView(PageMixin, TemplateView):
    """The countries where partners are, on a world map and in a table."""

    template_name = "partners/partner_map.html"
    section = "partners"

    def get_breadcrumbs(self):
        return [
            home_crumb(),
            partners_crumb(),
            (_("Partners on the map"), reverse("partners:partner_map")),
        ]

    def get_description(self):
        return _("The countries of the International Office's partners, on a world map.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["map"] = partner_map()
        return context


class OrganizationDetailView(EntityPage):
    model = Organization
    section = "partners"
    describe = staticmethod(structured_data.organization)

    def get_queryset(self):
        return Organization.objects.select_related("parent").prefetch_related(
            Prefetch("children", queryset=Organization.objects.order_by("slug")),
            Prefetch("people", queryset=Person.objects.order_by("slug")),
        )

    def get_description(self):
        organization = self.object
        return (
            shortened(organization.description) if organization.description else organization.name
        )

    @cached_property
    def membership_links(self) -> list[Membership]:
        """Both directions of membership in one query: its members, and what it is member
        of (for the page and its structured data)."""
        organization = self.object
        return list(
            Membership.objects.filter(Q(member=organization) | Q(association=organization))
            .select_related("member", "association")
            .order_by("member__slug", "association__slug")
        )

    def get_structured_data(self):
        organization = self.object
        member_of = [
            link.association
            for link in self.membership_links
            if link.member_id == organization.pk and link.is_current(self.today)
        ]
        return [structured_data.organization(self.request, organization, member_of)]

    def get_context_data(self, **kwargs):
        self.today = timezone.localdate()
        context = super().get_context_data(**kwargs)
        organization = self.object
        for link in self.membership_links:
            link.current = link.is_current(self.today)
        members = [link for link in self.membership_links if link.association_id == organization.pk]
        # Its members now, and apart from them those that left, most recent first.
        context["members"] = [link for link in members if link.current]
        context["former_members"] = sorted(
            (link for link in members if not link.current),
            key=lambda link: link.until,
            reverse=True,
        )
        context["memberships"] = sorted(
            (link for link in self.membership_links if link.member_id == organization.pk),
            key=lambda link: (not link.current, link.association.slug),
        )
        # Its visits, events, articles (and what other apps add), by year.
        context["timeline"] = timeline.timeline(organization)
        return context


class PersonDetailView(EntityPage):
    model = Person
    section = "partners"
    describe = staticmethod(structured_data.person)
    parent_field = "organization"

    def get_queryset(self):
        return Person.objects.select_related("organization").prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("event").order_by("-event__start"),
            )
        )

    def get_description(self):
        person = self.object
        parts = [person.name]
        if person.position:
            parts.append(person.position)
        if person.organization:
            parts.append(person.organization.name)
        return language_rules.joined_phrases(parts)


class EventListView(PageMixin, ListView):
    """Past events, paginated, with the upcoming ones above them."""

    paginate_by = EVENTS_PER_PAGE
    query_parameters = ("page",)  # see intloffice.core.freshness
    template_name = "partners/event_list.html"
    section = "events"

    def get_queryset(self):
        return Event.objects.past()

    def get_breadcrumbs(self):
        return [home_crumb(), events_crumb()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["upcoming_events"] = list(Event.objects.upcoming()[:UPCOMING_LIMIT])
        return context


class EventDetailView(EntityPage):
    model = Event
    section = "events"
    describe = staticmethod(structured_data.event)
    section_crumb = staticmethod(events_crumb)
    parent_field = "parent"

    def get_queryset(self):
        return Event.objects.select_related("parent").prefetch_related(
            Prefetch("organizers", queryset=Organization.objects.order_by("slug")),
            Prefetch("visiting_organizations", queryset=Organization.objects.order_by("slug")),
            Prefetch("host_organizations", queryset=Organization.objects.order_by("slug")),
            Prefetch("sessions", queryset=Event.objects.order_by("start")),
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("person", "organization").order_by(
                    "person__slug"
                ),
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A visit's delegation apart from its hosts and guests.
        context["delegation"], context["participations"] = self.object.delegation()
        return context

    def get_description(self):
        event = self.object
        if event.description:
            return shortened(event.description)
        return language_rules.joined_phrases([event.name, event.city])
