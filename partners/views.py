from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from intloffice import structured_data
from intloffice.pages import PageMixin, content_languages, home_crumb
from intloffice.translated import translated_ordering
from news.models import Article

from .models import Event, Membership, Organization, Participation, Person

RELATED_NEWS = 10
EVENTS_PER_PAGE = 20
UPCOMING_LIMIT = 50


def latest_news(**filters):
    return list(Article.objects.published().filter(**filters)[:RELATED_NEWS])


def partners_crumb():
    return (_("Partners"), reverse("partners:organization_list"))


def events_crumb():
    return (_("Events"), reverse("partners:event_list"))


class OrganizationListView(PageMixin, ListView):
    model = Organization
    section = "partners"

    def get_queryset(self):
        return Organization.objects.order_by("kind", translated_ordering("name"))

    def get_breadcrumbs(self):
        return [home_crumb(), partners_crumb()]


class OrganizationDetailView(PageMixin, DetailView):
    model = Organization
    section = "partners"

    def get_queryset(self):
        return Organization.objects.select_related("parent").prefetch_related(
            Prefetch("children", queryset=Organization.objects.order_by("slug")),
            Prefetch("people", queryset=Person.objects.order_by("slug")),
            Prefetch("organized_events", queryset=Event.objects.order_by("-start")),
        )

    def get_breadcrumbs(self):
        return [home_crumb(), partners_crumb(), (self.object.name, self.object.get_absolute_url())]

    def get_structured_data(self):
        return [structured_data.organization(self.request, self.object)]

    def get_content_languages(self):
        return content_languages(self.object, "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organization = self.object
        # Both directions of membership in one query: its members, and what it is member of.
        links = list(
            Membership.objects.filter(Q(member=organization) | Q(association=organization))
            .select_related("member", "association")
            .order_by("member__slug", "association__slug")
        )
        context["members"] = [link for link in links if link.association_id == organization.pk]
        context["memberships"] = sorted(
            (link for link in links if link.member_id == organization.pk),
            key=lambda link: link.association.slug,
        )
        context["articles"] = latest_news(organizations=organization)
        return context


class PersonDetailView(PageMixin, DetailView):
    model = Person
    section = "partners"

    def get_queryset(self):
        return Person.objects.select_related("organization").prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("event").order_by("-event__start"),
            )
        )

    def get_breadcrumbs(self):
        trail = [home_crumb(), partners_crumb()]
        if organization := self.object.organization:
            trail.append((organization.name, organization.get_absolute_url()))
        return [*trail, (self.object.name, self.object.get_absolute_url())]

    def get_structured_data(self):
        return [structured_data.person(self.request, self.object)]

    def get_content_languages(self):
        return content_languages(self.object, "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = latest_news(people=self.object)
        return context


class EventListView(PageMixin, ListView):
    """Past events, paginated, with the upcoming ones above them."""

    paginate_by = EVENTS_PER_PAGE
    query_parameters = ("page",)  # see page_cache
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


class EventDetailView(PageMixin, DetailView):
    model = Event
    section = "events"

    def get_queryset(self):
        return Event.objects.select_related("parent").prefetch_related(
            Prefetch("organizers", queryset=Organization.objects.order_by("slug")),
            Prefetch("sessions", queryset=Event.objects.order_by("start")),
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("person").order_by("person__slug"),
            ),
        )

    def get_breadcrumbs(self):
        trail = [home_crumb(), events_crumb()]
        if parent := self.object.parent:
            trail.append((parent.name, parent.get_absolute_url()))
        return [*trail, (self.object.name, self.object.get_absolute_url())]

    def get_structured_data(self):
        return [structured_data.event(self.request, self.object)]

    def get_content_languages(self):
        return content_languages(self.object, "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = latest_news(events=self.object)
        return context
