import json
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
