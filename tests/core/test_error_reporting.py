import gzip
import http.server
import json
import threading

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from intloffice.core.logs import email_settings, parse_admins
from tests.test_settings import run_settings


@override_settings(ROOT_URLCONF="tests.failing_urls", ADMINS=[("Ops", "ops@example.org")])
def test_an_exception_in_a_view_is_mailed_to_the_admins():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    (message,) = mail.outbox
    assert message.to == ["ops@example.org"]
    assert "Internal Server Error: /boom/" in message.subject
    assert "RuntimeError at /boom/\nthe view failed on purpose" in message.body


@override_settings(ROOT_URLCONF="tests.failing_urls", ADMINS=[("Ops", "ops@example.org")])
def test_a_not_found_page_mails_nobody(client):
    assert client.get("/missing/").status_code == 404
    assert mail.outbox == []


def test_admins_are_parsed_from_a_list_of_named_addresses():
    assert parse_admins("Anna Volkova <anna@example.org>, ops@example.org") == [
        ("Anna Volkova", "anna@example.org"),
        ("ops@example.org", "ops@example.org"),
    ]
    assert parse_admins("") == []
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ADMINS: .* is not an e-mail address"):
        parse_admins("Anna Volkova")


def test_email_url_gives_the_smtp_settings():
    settings = email_settings("smtp://mailer:p%40ss@mail.example.org:587")
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert settings["EMAIL_HOST"] == "mail.example.org"
    assert (settings["EMAIL_HOST_USER"], settings["EMAIL_HOST_PASSWORD"]) == ("mailer", "p@ss")
    settings = email_settings("smtp://mail.example.org:587")
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_TLS"]) == (587, True)
    settings = email_settings("smtps://mail.example.org")
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_SSL"], settings["EMAIL_USE_TLS"]) == (
        465,
        True,
        False,
    )
    settings = email_settings("smtp://relay.intranet:25")
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_TLS"]) == (25, False)
    assert email_settings("console:")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must look like"):
        email_settings("mail.example.org")


class Collector(http.server.BaseHTTPRequestHandler):
    """Stands in for Sentry: keeps every envelope POSTed to it."""

    received: list[tuple[str, bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_with_a_dsn_errors_go_to_sentry_without_personal_data(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # Over HTTPS: with production defaults a plain-HTTP request is only redirected.
    code = (
        "import django, sentry_sdk; django.setup()\n"
        "from django.test import Client, override_settings\n"
        "with override_settings(ROOT_URLCONF='tests.failing_urls'):\n"
        "    response = Client(raise_request_exception=False).get(\n"
        "        '/boom/', HTTP_HOST='localhost', HTTP_X_REQUEST_ID='req-sentry', secure=True,\n"
        "        HTTP_COOKIE='sessionid=secret-session-value')\n"
        "print(response.status_code)\n"
        "sentry_sdk.flush(timeout=10)\n"
    )
    try:
        result = run_settings(
            code,
            DJANGO_SECRET_KEY="tests-only",
            DJANGO_STATIC_ROOT=str(tmp_path),
            SENTRY_DSN=f"http://publickey@127.0.0.1:{server.server_port}/42",
            SENTRY_ENVIRONMENT="staging",
            SENTRY_RELEASE="intloffice@1.2.3",
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "500"
    events = [body for path, body in Collector.received if path == "/api/42/envelope/"]
    assert events, Collector.received
    envelope = b"".join(events)
    assert b"the view failed on purpose" in envelope
    assert b'"environment":"staging"' in envelope
    assert b'"release":"intloffice@1.2.3"' in envelope
    assert b'"request_id":"req-sentry"' in envelope
    assert b"secret-session-value" not in envelope


def test_settings_read_admins_and_mail_server_from_the_environment():
    code = (
        "import django, json; django.setup()\n"
        "from django.conf import settings as s\n"
        "print(json.dumps([s.ADMINS, s.EMAIL_HOST, s.EMAIL_PORT, s.SERVER_EMAIL]))\n"
    )
    result = run_settings(
        code,
        DJANGO_SECRET_KEY="tests-only",
        DJANGO_ADMINS="IT Office <it@example.org>, Ops <ops@example.org>",
        EMAIL_URL="smtp://relay.example.org:25",
        DJANGO_SERVER_EMAIL="intloffice@example.org",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        [["IT Office", "it@example.org"], ["Ops", "ops@example.org"]],
        "relay.example.org",
        25,
        "intloffice@example.org",
    ]
