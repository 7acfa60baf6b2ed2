"""A partner's news feed, and the iCalendar feed of events for calendar apps to subscribe to."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext

from news.feeds import LatestArticlesFeed, for_feed
from news.models import Article

from .models import Event, Organization

CALENDAR_LENGTH = 500
PRODID = "-//intloffice//International Office events//EN"


class PartnerNewsFeed(LatestArticlesFeed):
    """The latest public articles linked to one organisation."""

    def get_object(self, request, slug):
        # Feed turns Organization.DoesNotExist into a 404.
        return Organization.objects.get(slug=slug)

    def title(self, organization):
        return f"{settings.SITE_NAME} — {gettext('News')}: {organization.name}"

    def link(self, organization):
        return organization.get_absolute_url()

    def items(self, organization):
        return for_feed(Article.objects.published().filter(organizations=organization))


def event_zone(event: Event):
    try:
        return ZoneInfo(event.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        # A mistyped zone in the admin must not take the whole calendar down: the moment
        # stays right, only shown in the site's zone.
        return timezone.get_default_timezone()


def calendar_event(event: Event, request) -> icalendar.Event:
    zone = event_zone(event)
    location = [event.venue, event.city, event.country.name]
    return icalendar.Event.new(
        # Keyed on the primary key, which outlives slug edits; calendar apps update the
        # event in place instead of showing it twice.
        uid=f"event-{event.pk}@{request.get_host()}",
        stamp=event.updated_at,
        created=event.created_at,
        last_modified=event.updated_at,
        # In the event's own zone, so that a calendar shows "9:00 in Xi'an" whatever the
        # reader's zone, and converts correctly across daylight-saving changes.
        start=event.start.astimezone(zone),
        end=event.end.astimezone(zone) if event.end else None,
        summary=event.name,
        location=", ".join(filter(None, location)) or None,
        description="\n\n".join(filter(None, [event.theme, event.description])) or None,
        categories=[event.get_kind_display()],
        url=request.build_absolute_uri(event.get_absolute_url()),
    )


def events_calendar(request):
    """Upcoming and past events (the latest by start), as RFC 5545 iCalendar."""
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        name=f"{settings.SITE_NAME} — {gettext('Events')}",
        # Without one, icalendar makes up a new calendar UID on every request.
        uid=f"events-{get_language()}@{request.get_host()}",
    )
    for event in Event.objects.order_by("-start")[:CALENDAR_LENGTH]:
        calendar.add_component(calendar_event(event, request))
    # DTSTART;TZID=Asia/Shanghai needs a VTIMEZONE describing that zone.
    calendar.add_missing_timezones()
    return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
