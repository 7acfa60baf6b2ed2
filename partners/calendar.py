"""The iCalendar feeds of events, for calendar apps to subscribe to: all events, and those
of one organisation.

Subscribers' apps keep their copy of an event and replace it only when its ``SEQUENCE``
rises (RFC 5545): the model raises it on every change of time, place or status
(``Event.save``). A cancelled event stays in the feed with ``STATUS:CANCELLED``, so that
the apps strike it out instead of keeping it as it was.
"""

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language, gettext

from .models import Event, Organization

CALENDAR_LENGTH = 500
PRODID = "-//intloffice//International Office events//EN"


def calendar_event(event: Event, request) -> icalendar.Event:
    zone = event.zone
    place = ", ".join(filter(None, [event.venue, event.city, event.country.name]))
    online = event.online_url if event.is_online() else ""
    summary = event.name
    if event.is_cancelled():
        # Some apps ignore STATUS in subscribed calendars: the title says it too.
        summary = gettext("Cancelled: %(name)s") % {"name": event.name}
    return icalendar.Event.new(
        # Keyed on the primary key, which outlives slug edits; calendar apps update the
        # event in place instead of showing it twice.
        uid=f"event-{event.pk}@{request.get_host()}",
        sequence=event.sequence,
        status="CANCELLED" if event.is_cancelled() else "CONFIRMED",
        stamp=event.updated_at,
        created=event.created_at,
        last_modified=event.updated_at,
        # In the event's own zone, so that a calendar shows "9:00 in Xi'an" whatever the
        # reader's zone, and converts correctly across daylight-saving changes.
        start=event.start.astimezone(zone),
        end=event.end.astimezone(zone) if event.end else None,
        summary=summary,
        # An online event's place is its address, where apps that know no CONFERENCE
        # (RFC 7986) still make it a link.
        location=place or online or None,
        description="\n\n".join(filter(None, [event.theme, event.description, event.purpose]))
        or None,
        categories=[event.get_kind_display()],
        url=request.build_absolute_uri(event.get_absolute_url()),
        conferences=[icalendar.Conference(online, feature="VIDEO", label=gettext("Online"))]
        if online
        else None,
    )


def calendar_response(request, events, name: str, uid: str) -> HttpResponse:
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        name=name,
        # Without one, icalendar makes up a new calendar UID on every request.
        uid=f"{uid}-{get_language()}@{request.get_host()}",
    )
    for event in events:
        calendar.add_component(calendar_event(event, request))
    # DTSTART;TZID=Asia/Shanghai needs a VTIMEZONE describing that zone.
    calendar.add_missing_timezones()
    return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")


def events_calendar(request):
    """Upcoming and past events (the latest by start), as RFC 5545 iCalendar."""
    return calendar_response(
        request,
        Event.objects.order_by("-start")[:CALENDAR_LENGTH],
        name=f"{settings.SITE_NAME} — {gettext('Events')}",
        uid="events",
    )


def partner_calendar(request, slug):
    """The events an organisation organised, hosted or visited, or took part in."""
    organization = get_object_or_404(Organization, slug=slug)
    return calendar_response(
        request,
        Event.objects.involving(organization).order_by("-start")[:CALENDAR_LENGTH],
        name=f"{settings.SITE_NAME} — {organization.name}",
        uid=f"partner-{organization.pk}",
    )
