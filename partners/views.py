from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from intloffice.translated import translated_ordering
from news.models import Article

from .models import Event, Membership, Organization, Participation, Person

RELATED_NEWS = 10
EVENTS_PER_PAGE = 20
UPCOMING_LIMIT = 50


def latest_news(**filters):
    return Article.objects.published().filter(**filters)[:RELATED_NEWS]


class OrganizationListView(ListView):
    model = Organization

    def get_queryset(self):
        return Organization.objects.order_by("kind", translated_ordering("name"))


class OrganizationDetailView(DetailView):
    model = Organization

    def get_queryset(self):
        return Organization.objects.select_related("parent").prefetch_related(
            Prefetch(
                "member_links",
                queryset=Membership.objects.select_related("member").order_by("member__slug"),
            ),
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("association").order_by(
                    "association__slug"
                ),
            ),
            Prefetch("children", queryset=Organization.objects.order_by("slug")),
            Prefetch("people", queryset=Person.objects.order_by("slug")),
            Prefetch("organized_events", queryset=Event.objects.order_by("-start")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = latest_news(organizations=self.object)
        return context


class PersonDetailView(DetailView):
    model = Person

    def get_queryset(self):
        return Person.objects.select_related("organization").prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("event").order_by("-event__start"),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = latest_news(people=self.object)
        return context


class EventListView(ListView):
    """Past events, paginated, with the upcoming ones above them."""

    paginate_by = EVENTS_PER_PAGE
    template_name = "partners/event_list.html"

    def get_queryset(self):
        return Event.objects.past()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["upcoming_events"] = Event.objects.upcoming()[:UPCOMING_LIMIT]
        return context


class EventDetailView(DetailView):
    model = Event

    def get_queryset(self):
        return Event.objects.select_related("parent").prefetch_related(
            Prefetch("organizers", queryset=Organization.objects.order_by("slug")),
            Prefetch("sessions", queryset=Event.objects.order_by("start")),
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("person").order_by("person__slug"),
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = latest_news(events=self.object)
        return context
