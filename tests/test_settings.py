import json
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def run_settings(code: str, **env) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with only the given environment."""
    return subprocess.run(
        [sys.executable, "-c", f"import django, os\n{code}"],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "intloffice.settings", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_missing_secret_key_with_debug_off_stops_start_up():
    result = run_settings("from django.conf import settings; settings.DEBUG")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    code = "from django.conf import settings; print(settings.DEBUG)"
    assert run_settings(code, DJANGO_SECRET_KEY="x").stdout.strip() == "False"
    assert run_settings(code, DJANGO_DEBUG="1").stdout.strip() == "True"


def test_sqlite_default_database_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    code = (
        "django.setup()\n"
        "from django.db import connection\n"
        "cursor = connection.cursor()\n"
        "cursor.execute('PRAGMA journal_mode'); mode = cursor.fetchone()[0]\n"
        "cursor.execute('PRAGMA busy_timeout'); timeout = cursor.fetchone()[0]\n"
        "print(mode, timeout, connection.settings_dict['NAME'])"
    )
    result = run_settings(code, DJANGO_DEBUG="1", DJANGO_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    mode, timeout, name = result.stdout.split()
    assert mode == "wal"
    assert int(timeout) >= 5000
    assert Path(name).parent == tmp_path


def test_database_url_selects_postgresql_with_persistent_checked_connections():
    code = (
        "from django.conf import settings\n"
        "import json; print(json.dumps(settings.DATABASES['default'], default=str))"
    )
    result = run_settings(
        code, DJANGO_DEBUG="1", DATABASE_URL="postgres://someone@db.example:5432/office"
    )
    database = json.loads(result.stdout)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "office"
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


def test_languages_and_time_zone():
    assert [code for code, _ in settings.LANGUAGES] == ["en", "ru", "zh-hans"]
    assert settings.TIME_ZONE == "Europe/Moscow"
    assert settings.USE_TZ


def test_healthz_answers_ok_without_touching_the_database(client):
    # No `db` fixture: pytest-django makes any database access in this test an error.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


SECURITY_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
)


def security_settings(**env) -> dict:
    code = (
        "from django.conf import settings; import json\n"
        f"print(json.dumps({{name: getattr(settings, name) for name in {SECURITY_SETTINGS!r}}}))"
    )
    result = run_settings(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_defaults_are_https_only_with_host_prefixed_cookies():
    assert security_settings(DJANGO_SECRET_KEY="x") == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
    }


def test_a_plain_http_intranet_switches_https_off_from_the_environment():
    found = security_settings(
        DJANGO_SECRET_KEY="x",
        DJANGO_SSL_REDIRECT="0",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_SECURE_COOKIES="0",
    )
    assert found["SECURE_SSL_REDIRECT"] is False
    assert found["SECURE_HSTS_SECONDS"] == 0
    assert (found["SESSION_COOKIE_SECURE"], found["CSRF_COOKIE_SECURE"]) == (False, False)
    # A __Host- cookie over plain HTTP would be dropped by the browser: no login at all.
    assert (found["SESSION_COOKIE_NAME"], found["CSRF_COOKIE_NAME"]) == ("sessionid", "csrftoken")


def test_development_server_speaks_plain_http():
    found = security_settings(DJANGO_DEBUG="1")
    assert found["SECURE_SSL_REDIRECT"] is False
    assert found["SECURE_HSTS_SECONDS"] == 0
    assert found["SESSION_COOKIE_NAME"] == "sessionid"


def test_forwarded_proto_is_trusted_only_when_a_proxy_is_declared():
    assert security_settings(DJANGO_SECRET_KEY="x")["SECURE_PROXY_SSL_HEADER"] is None
    found = security_settings(DJANGO_SECRET_KEY="x", DJANGO_PROXY_COUNT="0")
    assert found["SECURE_PROXY_SSL_HEADER"] is None
    found = security_settings(DJANGO_SECRET_KEY="x", DJANGO_PROXY_COUNT="1")
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_a_number_that_is_not_one_stops_start_up_with_its_name():
    result = run_settings(
        "from django.conf import settings; settings.DEBUG",
        DJANGO_SECRET_KEY="x",
        DJANGO_HSTS_SECONDS="a year",
    )
    assert result.returncode != 0
    assert "DJANGO_HSTS_SECONDS must be a whole number, not 'a year'." in result.stderr


def test_a_websub_hub_is_off_unless_set_and_needs_the_sites_address():
    code = "from django.conf import settings; print(repr(settings.INTLOFFICE_WEBSUB_HUB))"
    assert run_settings(code, DJANGO_SECRET_KEY="x").stdout.strip() == "''"
    hub = "https://pubsubhubbub.appspot.com/"
    on = run_settings(
        code, DJANGO_SECRET_KEY="x", DJANGO_WEBSUB_HUB=hub, DJANGO_SITE_URL="https://io.example.edu"
    )
    assert on.stdout.strip() == repr(hub)
    alone = run_settings(code, DJANGO_SECRET_KEY="x", DJANGO_WEBSUB_HUB=hub)
    assert alone.returncode != 0 and "DJANGO_WEBSUB_HUB needs DJANGO_SITE_URL" in alone.stderr
    bad = run_settings(
        code, DJANGO_SECRET_KEY="x", DJANGO_WEBSUB_HUB="hub.example", DJANGO_SITE_URL="https://x"
    )
    assert "DJANGO_WEBSUB_HUB must be an http(s) address, not 'hub.example'." in bad.stderr


def test_machine_translation_is_off_unless_a_backend_is_named_in_the_environment():
    code = (
        "from django.conf import settings; import json\n"
        "print(json.dumps([settings.INTLOFFICE_TRANSLATION_BACKEND, "
        "settings.INTLOFFICE_TRANSLATION_OPTIONS]))"
    )
    off = json.loads(run_settings(code, DJANGO_SECRET_KEY="x").stdout)
    assert off == [None, {"url": "", "api_key": "", "timeout": 60}]
    on = run_settings(
        code,
        DJANGO_SECRET_KEY="x",
        DJANGO_TRANSLATION_BACKEND="intloffice.core.machine_translation.LibreTranslateBackend",
        DJANGO_TRANSLATION_URL="http://10.0.0.5:5000",
        DJANGO_TRANSLATION_API_KEY="key-from-the-environment",
        DJANGO_TRANSLATION_TIMEOUT="20",
    )
    assert json.loads(on.stdout) == [
        "intloffice.core.machine_translation.LibreTranslateBackend",
        {"url": "http://10.0.0.5:5000", "api_key": "key-from-the-environment", "timeout": 20},
    ]


def test_production_defaults_redirect_to_https_except_the_health_probes():
    """The real middleware with the real defaults, in a fresh process: a load balancer's
    plain-HTTP probe is answered, a reader is sent to HTTPS, and a forged
    X-Forwarded-Proto changes nothing without a proxy."""
    code = (
        "django.setup()\n"
        "from django.test import Client\n"
        "client = Client(headers={'host': 'localhost'})\n"
        "probe = client.get('/healthz')\n"
        "page = client.get('/en/news/')\n"
        "forged = client.get('/en/news/', headers={'x-forwarded-proto': 'https'})\n"
        "print(probe.status_code, page.status_code, page['Location'], forged.status_code)"
    )
    result = run_settings(code, DJANGO_SECRET_KEY="x")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "301", "https://localhost/en/news/", "301"]


def test_check_deploy_finds_nothing_with_production_settings():
    key = secrets.token_urlsafe(50)
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SECRET_KEY": key}
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    # And it does look: an intranet without HSTS is told so.
    env["DJANGO_HSTS_SECONDS"] = "0"
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr
