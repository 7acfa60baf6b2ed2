"""Facts about events that hold wherever they are used: which are upcoming, which zones are real."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.factories import make_event


def test_upcoming_and_past_events(db):
    from partners.models import Event

    now = timezone.now()
    past = make_event(start=now - dt.timedelta(days=3), end=now - dt.timedelta(days=2))
    running = make_event(start=now - dt.timedelta(hours=1), end=now + dt.timedelta(hours=1))
    future = make_event(start=now + dt.timedelta(days=1), end=None)
    assert list(Event.objects.upcoming()) == [running, future]
    assert list(Event.objects.past()) == [past]


def test_an_event_time_zone_must_be_a_real_zone(db):
    from django.core.exceptions import ValidationError

    event = make_event(timezone="Asia/Shanghai")
    event.full_clean()
    event.timezone = "Asia/Shangai"
    with translation.override("en"), pytest.raises(ValidationError, match="not a time zone"):
        event.full_clean()
