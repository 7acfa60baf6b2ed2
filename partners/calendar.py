"""The iCalendar feed of events, for calendar apps to subscribe to."""

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import get_language, gettext

from .models import Event

CALENDAR_LENGTH = 500
PRODID = "-//intloffice//International Office events//EN"


def calendar_event(event: Event, request) -> icalendar.Event:
    zone = event.zone
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
        description="\n\n".join(filter(None, [event.theme, event.description, event.purpose]))
        or None,
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
