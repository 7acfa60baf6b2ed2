import io
import json
import logging
import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from intloffice.core.logs import JSONFormatter, RequestIdFilter, logging_config
from tests.test_settings import run_settings

pytestmark = pytest.mark.urls("tests.failing_urls")


def test_a_sane_incoming_request_id_is_kept_and_echoed(client):
    response = client.get("/missing/", HTTP_X_REQUEST_ID="nginx-3f2a9c:01")
    assert response["X-Request-ID"] == "nginx-3f2a9c:01"


@pytest.mark.parametrize("incoming", ["", "two words", "a\r\nSet-Cookie: x=1", "x" * 129, "é"])
def test_an_absent_or_odd_request_id_is_replaced_by_a_new_one(client, incoming):
    first = client.get("/missing/", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"]
    second = client.get("/missing/", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


@pytest.fixture
def json_lines():
    """Every record of the request loggers, as the JSON console handler would write it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JSONFormatter())
    loggers = [logging.getLogger("django.request"), logging.getLogger("intloffice.tests")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


def test_every_line_of_a_request_carries_its_id_method_path_and_status(client, json_lines):
    client.get("/missing/", HTTP_X_REQUEST_ID="req-1")
    client.get("/missing/")
    lines = json_lines()
    assert [(line["logger"], line["request_id"]) for line in lines[:2]] == [
        ("intloffice.tests", "req-1"),
        ("django.request", "req-1"),
    ]
    assert lines[0]["message"] == "looking for /missing/"
    assert lines[1] | {"time": None} == {
        "time": None,
        "level": "WARNING",
        "logger": "django.request",
        "message": "Not Found: /missing/",
        "request_id": "req-1",
        "method": "GET",
        "path": "/missing/",
        "status": 404,
    }
    assert lines[2]["request_id"] not in {None, "req-1"}
    assert lines[2]["request_id"] == lines[3]["request_id"]


def test_an_error_line_carries_the_traceback(json_lines):
    Client(raise_request_exception=False).get("/boom/", HTTP_X_REQUEST_ID="req-2")
    (line,) = [line for line in json_lines() if line["logger"] == "django.request"]
    assert (line["level"], line["status"], line["request_id"]) == ("ERROR", 500, "req-2")
    assert "RuntimeError: the view failed on purpose" in line["exception"]


def test_a_line_outside_any_request_has_no_request_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "started", None, None)
    RequestIdFilter().filter(record)
    line = json.loads(JSONFormatter().format(record))
    assert (line["request_id"], line["method"], line["path"], line["message"]) == (
        None,
        None,
        None,
        "started",
    )


def run_request(tmp_path, **env) -> subprocess.CompletedProcess:
    """One failing request in a fresh interpreter configured only by the environment."""
    # Over HTTPS: with production defaults a plain-HTTP request is only redirected.
    code = (
        "import django; django.setup()\n"
        "from django.test import Client, override_settings\n"
        "with override_settings(ROOT_URLCONF='tests.failing_urls'):\n"
        "    Client(raise_request_exception=False).get(\n"
        "        '/missing/', HTTP_X_REQUEST_ID='r-9', HTTP_HOST='localhost', secure=True)\n"
    )
    return run_settings(
        code, DJANGO_SECRET_KEY="tests-only", DJANGO_STATIC_ROOT=str(tmp_path), **env
    )


def test_json_format_writes_one_object_per_line(tmp_path):
    result = run_request(tmp_path, DJANGO_LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert {(line["logger"], line["request_id"], line["path"]) for line in lines} >= {
        ("intloffice.tests", "r-9", "/missing/"),
        ("django.request", "r-9", "/missing/"),
    }


def test_plain_text_is_the_default_and_shows_the_request_id(tmp_path):
    result = run_request(tmp_path)
    assert result.returncode == 0, result.stderr
    assert " WARNING django.request [r-9]: Not Found: /missing/" in result.stderr
    assert not result.stderr.lstrip().startswith("{")


def test_an_unknown_log_format_is_refused_in_one_line():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_LOG_FORMAT must be 'plain' or 'json'"):
        logging_config("xml", level="INFO", mail_admins=False)


@override_settings(DEBUG=False)
def test_cached_pages_do_not_replay_another_request_id(client, seed_article):
    with override_settings(ROOT_URLCONF="intloffice.urls"):
        first = client.get("/en/news/", HTTP_X_REQUEST_ID="first-reader")
        second = client.get("/en/news/", HTTP_X_REQUEST_ID="second-reader")
    assert second.get("X-Page-Cache") == "hit"
    assert (first["X-Request-ID"], second["X-Request-ID"]) == ("first-reader", "second-reader")
