"""Which requests read the replica and which the primary (intloffice/core/replicas.py).

The replica is a test mirror of the primary (tests/conftest.py): the same data, its own
connection, so each alias's queries are counted apart. Transactional tests: a request
inside the test's transaction would read the primary anyway.
"""

import logging
import socket
import time

import pytest
import time_machine
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intloffice.core import replicas
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def routed(settings, monkeypatch):
    settings.DATABASE_ROUTERS = [replicas.ROUTER]
    settings.REPLICA_CATCH_UP_SECONDS = 5
    monkeypatch.setattr(replicas, "replica", replicas.Replica())


@pytest.fixture
def article(routed):
    return make_article(title_en="Exchange week in Kazan")


def later(seconds=60):
    """As if the last change to content was ``seconds`` ago (the wall clock only: the
    replica's lag is measured on the monotonic one)."""
    return time_machine.travel(time.time() + seconds, tick=True)


def url(article, lang="en"):
    return f"/{lang}/news/{article.slug}/"


def get(client, path, **extra):
    """(response, queries on the primary naming a table, queries on the replica)."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(path, **extra)
    # The lag check reads the primary's WAL position (no table) at most once a second.
    tables = [q["sql"] for q in primary.captured_queries if " FROM " in q["sql"]]
    return response, tables, [q["sql"] for q in replica.captured_queries]


def test_anonymous_reader_reads_the_replica(client, article):
    with later():
        response, primary, replica = get(client, url(article))
    assert response.status_code == 200
    assert "Exchange week in Kazan" in response.content.decode()
    assert primary == []
    assert any("news_article" in sql for sql in replica)


def test_without_the_router_the_replica_is_never_read(client, settings):
    article = make_article()
    with later():
        response, primary, replica = get(client, url(article))
    assert response.status_code == 200
    assert primary and replica == []
    assert "wrote" not in client.post(reverse("admin:login"), {}).cookies


def test_a_post_reads_the_primary_and_so_does_the_clients_next_request(client, article):
    # Another article: one page's reads are kept (freshness.remember) after its first view.
    other = make_article(title_en="Summer school in Kazan")
    with later():
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections["replica"]) as replica,
        ):
            response = client.post(
                reverse("admin:login"), {"username": "nobody", "password": "wrong-password"}
            )
        assert response.status_code == 200  # the form again, with its error
        assert primary.captured_queries and not replica.captured_queries
        marker = response.cookies[replicas.AFTER_WRITE_COOKIE]
        assert marker["max-age"] == 5 and marker["httponly"]

        response, primary, replica = get(client, url(article))
        assert response.status_code == 200
        assert primary and replica == []

        # Another reader, without the cookie, reads the replica.
        client.cookies.pop(replicas.AFTER_WRITE_COOKIE)
        response, primary, replica = get(client, url(other, "ru"))
        assert primary == [] and replica


def test_answers_to_reads_set_no_cookie_and_are_cached(client, article):
    with later():
        response = client.get(url(article))
        assert replicas.AFTER_WRITE_COOKIE not in response.cookies
        assert response["X-Page-Cache"] == "miss"
        assert client.get(url(article))["X-Page-Cache"] == "hit"


def test_staff_read_the_primary(superuser_client, article):
    with later():
        for path in (url(article), reverse("admin:news_article_change", args=[article.pk])):
            response, primary, replica = get(superuser_client, path)
            assert response.status_code == 200, path
            assert primary and replica == [], path


def test_reads_go_to_the_primary_right_after_a_change_and_to_the_replica_later(client, article):
    other = make_article(title_en="Summer school in Kazan")
    with later(60):
        article.title_en = "Exchange week in Kazan, corrected"
        article.save()
        response, primary, replica = get(client, url(article))
        assert "corrected" in response.content.decode()
        assert primary and replica == []
    with later(60 + 10):
        response, primary, replica = get(client, url(other, "ru"))
        assert response.status_code == 200
        assert primary == [] and replica


def test_a_replica_marked_down_is_not_read(client, article):
    replicas.replica.failed()
    with later():
        response, primary, replica = get(client, url(article))
    assert response.status_code == 200
    assert primary and replica == []


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broken_replica(monkeypatch, tmp_path):
    """The replica's address made unreachable: a closed port (PostgreSQL), a file that
    cannot be opened (SQLite). A real connection error at the next query."""
    connection = connections["replica"]
    # Django keeps a connection to an in-memory SQLite database open through close().
    BaseDatabaseWrapper.close(connection)
    if connection.vendor == "postgresql":
        monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(connection.settings_dict, "PORT", str(closed_port()))
    else:
        monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "gone" / "db"))
    yield
    BaseDatabaseWrapper.close(connection)


def test_a_replica_failing_mid_request_is_answered_from_the_primary(
    client, article, settings, monkeypatch, caplog, request
):
    settings.REPLICA_CATCH_UP_SECONDS = 30
    with later():
        replicas.replica.check(time.monotonic())  # lag known: the next query goes there
        monkeypatch.setattr(replicas, "CHECK_EVERY", 60)
        request.getfixturevalue("broken_replica")
        with caplog.at_level(logging.WARNING, logger="intloffice.replicas"):
            # Only the primary's queries are counted: counting the replica's connects.
            with CaptureQueriesContext(connections["default"]) as primary:
                response = client.get(url(article))
            assert response.status_code == 200
            assert "Exchange week in Kazan" in response.content.decode()
            assert any("news_article" in q["sql"] for q in primary.captured_queries)
            # Down for a while: the next reader goes straight to the primary.
            assert client.get(url(article, "ru")).status_code == 200
    [record] = caplog.records
    assert "answered again from the primary" in record.getMessage()
    assert not any(r.levelno >= logging.ERROR for r in caplog.records)
