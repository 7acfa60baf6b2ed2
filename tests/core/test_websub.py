"""Telling a WebSub hub of changed feeds (intloffice.core.websub): after the commit only,
once per feed however many saves touched it, and never at publishing's expense. The hub
is a real HTTP server on 127.0.0.1 (tests/hub.py)."""

import logging
import time

import pytest
from django.db import transaction

from intloffice.core import websub
from tests.hub import Hub, closed_address, running, silent_address

pytestmark = pytest.mark.django_db

FEEDS = ["https://io.example.edu/en/news/feed/", "https://io.example.edu/ru/news/feed/"]


def test_the_hub_hears_of_each_feed_only_once_the_transaction_commits(
    hub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        websub.announce(FEEDS)
        assert websub.wait()
        assert hub.received == []
    assert websub.wait() and hub.received == []  # still nothing: the test's commit is to come
    for callback in callbacks:
        callback()
    assert websub.wait()
    assert sorted(hub.announced()) == sorted(FEEDS)
    assert {request["type"] for request in hub.received} == {"application/x-www-form-urlencoded"}
    assert {request["path"] for request in hub.received} == {"/hub"}


def test_nothing_is_announced_when_the_transaction_rolls_back(
    hub, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        websub.announce(FEEDS)
        raise RuntimeError("the save failed")
    assert callbacks == []
    assert websub.wait()
    time.sleep(websub.GATHER_SECONDS * 2)
    assert hub.received == []


def test_saves_of_one_transaction_announce_each_feed_once(hub, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        websub.announce(FEEDS)
        websub.announce(lambda: FEEDS[:1])  # computed after the commit
        websub.announce(FEEDS[1:])
    assert websub.wait()
    assert sorted(hub.announced()) == sorted(FEEDS)


def test_without_a_hub_nothing_waits_for_the_commit(settings, django_capture_on_commit_callbacks):
    settings.INTLOFFICE_WEBSUB_HUB = ""
    with django_capture_on_commit_callbacks() as callbacks:
        websub.announce(FEEDS)
    assert callbacks == []
    assert not websub.enabled()


def commit_and_time(django_capture_on_commit_callbacks) -> float:
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        websub.announce(FEEDS)
    return time.monotonic() - started


def test_a_hub_that_never_answers_delays_nothing_and_costs_one_warning(
    settings, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    listener, address = silent_address()
    settings.INTLOFFICE_WEBSUB_HUB = address
    monkeypatch.setattr(websub, "TIMEOUT_SECONDS", 0.5)
    with listener:
        assert commit_and_time(django_capture_on_commit_callbacks) < 0.1
        started = time.monotonic()
        assert websub.wait()
        # One timeout, not one per feed: the round stops at the first failure.
        assert time.monotonic() - started < 0.5 + websub.GATHER_SECONDS + 0.4
    warnings = [r for r in caplog.records if r.name == "intloffice.core.websub"]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert f"WebSub hub {address} was not told of 2 changed feed(s)" in warnings[0].getMessage()


def test_a_hub_that_is_away_costs_one_warning(settings, caplog, django_capture_on_commit_callbacks):
    settings.INTLOFFICE_WEBSUB_HUB = closed_address()
    assert commit_and_time(django_capture_on_commit_callbacks) < 0.1
    assert websub.wait()
    warnings = [r for r in caplog.records if r.name == "intloffice.core.websub"]
    assert len(warnings) == 1 and "was not told of 2 changed feed(s)" in warnings[0].getMessage()


def test_a_hub_that_refuses_is_not_asked_again_in_the_same_round(
    settings, caplog, django_capture_on_commit_callbacks
):
    refusing = Hub(status=500)
    thread = running(refusing)
    settings.INTLOFFICE_WEBSUB_HUB = refusing.url
    try:
        commit_and_time(django_capture_on_commit_callbacks)
        assert websub.wait()
    finally:
        refusing.shutdown()
        thread.join()
        refusing.server_close()
    assert len(refusing.received) == 1
    assert "HTTP Error 500" in caplog.text
