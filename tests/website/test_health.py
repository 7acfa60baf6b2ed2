"""Liveness (/healthz) and readiness (/readyz): what a load balancer or a deployment asks."""

import json
import subprocess
import sys
from pathlib import Path

from tests.core.test_freshness import free_port, redis_cache

ROOT = Path(__file__).resolve().parents[2]


def test_readyz_answers_200_when_everything_answers(
    client, db, settings, tmp_path, django_assert_max_num_queries
):
    settings.MEDIA_ROOT = tmp_path
    with django_assert_max_num_queries(1):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "down": []}
    assert "no-store" in response["Cache-Control"]
    assert "X-Page-Cache" not in response


def test_readyz_is_neither_language_prefixed_nor_cached(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert client.get("/en/readyz").status_code == 404
    client.get("/readyz")
    assert "X-Page-Cache" not in client.get("/readyz")


def test_readyz_names_an_unreachable_cache(client, db, settings, tmp_path):
    settings.CACHES = redis_cache(free_port())
    settings.MEDIA_ROOT = tmp_path
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "down": ["cache"]}


def test_readyz_names_unusable_media_storage(client, db, settings, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    settings.MEDIA_ROOT = tmp_path / "a-file" / "media"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["down"] == ["media storage"]


def test_readyz_names_an_unreachable_database_and_cache(tmp_path):
    # A fresh process whose database and cache are ports where nothing listens.
    code = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "response = Client().get('/readyz', HTTP_HOST='localhost')\n"
        "print(response.status_code, response.content.decode())"
    )
    port = free_port()
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "intloffice.settings",
            "DJANGO_SECRET_KEY": "tests-only-not-a-secret",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/nothing",
            "REDIS_URL": f"redis://127.0.0.1:{port}/0",
            "MEDIA_ROOT": str(tmp_path),
            "DJANGO_LOG_LEVEL": "CRITICAL",
        },
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"status": "unavailable", "down": ["database", "cache"]}


def test_healthz_touches_neither_database_nor_cache(client, settings):
    # No `db` fixture: pytest-django makes any database access in this test an error.
    settings.CACHES = {
        "default": {
            "BACKEND": "intloffice.core.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
