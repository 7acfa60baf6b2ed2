"""Security headers on real responses: the Content-Security-Policy of public pages and of
the admin, HSTS, the redirect to HTTPS, and X-Forwarded-Proto only behind a proxy.

The test settings speak plain HTTP (pyproject sets DJANGO_SSL_REDIRECT=0); the HTTPS
defaults themselves are checked in tests/test_settings.py, here they are switched on per
test. SecurityMiddleware reads its settings when the test client first loads it, after
the ``settings`` fixture changed them.
"""

import re

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from intloffice.core.csp import CSPMiddleware
from tests.conftest import SEED_SLUG

PUBLIC_PATHS = [
    "/{lang}/",
    "/{lang}/news/",
    f"/{{lang}}/news/{SEED_SLUG}/",
    "/{lang}/partners/aturc/",
    "/{lang}/people/dmitry-arseniev/",
    "/{lang}/events/fifth-aturc-summit-2022/",
    "/{lang}/events/",
    "/{lang}/search/?q=ATURC",
    "/{lang}/accessibility/",
    "/{lang}/news/no-such-article/",
]
UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'strict-dynamic'", "*")


def policy(response, header="Content-Security-Policy") -> dict[str, list[str]]:
    """The policy as {directive: [sources]}."""
    assert header in response, f"no {header} on {response.wsgi_request.path}"
    return {
        name: sources for name, *sources in (part.split() for part in response[header].split(";"))
    }


def assert_strict(directives: dict[str, list[str]]) -> None:
    for name, sources in directives.items():
        if name == "style-src" and sources[:2] == ["'self'", "'unsafe-hashes'"]:
            # The admin's: the hashes of a known few style attributes, nothing else.
            assert sources[2:] == settings.ADMIN_STYLE_HASHES
            continue
        assert not set(sources) & set(UNSAFE), f"{name} allows {sources}"
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("lang", ["en", "ru", "zh-hans"])
def test_every_public_page_has_the_strict_policy_also_from_the_page_cache(
    client, seed_article, lang
):
    for template in PUBLIC_PATHS:
        path = template.format(lang=lang)
        first = client.get(path)
        assert first.status_code in {200, 404}, path
        directives = policy(first)
        assert_strict(directives)
        assert directives["script-src"] == ["'self'"], path
        assert directives["style-src"] == ["'self'"], path
        assert directives["img-src"][0] == "'self'", path
        # No inline code the policy would block: no style attribute, no <style>, and the
        # only inline scripts are JSON-LD data blocks; other scripts are our static files.
        html = first.content.decode()
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html), path
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
        assert all(
            'type="application/ld+json"' in attrs
            or (attrs.startswith(' src="/static/') and not code)
            for attrs, code in scripts
        ), (path, scripts)
        if first.status_code == 200:
            again = client.get(path)
            assert again["X-Page-Cache"] == "hit", path
            assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_article_page_keeps_its_json_ld_without_a_nonce(client, seed_article):
    response = client.get(f"/en/news/{SEED_SLUG}/")
    html = response.content.decode()
    assert '<script type="application/ld+json">' in html
    assert "nonce" not in html
    assert "nonce" not in response["Content-Security-Policy"]


def test_feeds_sitemap_and_health_have_a_policy_too(client, seed_article):
    for path in ("/en/news/feed/", "/sitemap.xml", "/robots.txt", "/healthz"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict(policy(response))


def test_admin_policy_runs_the_editor_import_map_by_nonce_and_nothing_inline_else(
    superuser_client, seed_article
):
    response = superuser_client.get(reverse("admin:news_article_change", args=[seed_article.pk]))
    assert response.status_code == 200
    directives = policy(response)
    assert_strict(directives)
    nonces = [source for source in directives["script-src"] if source.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    html = response.content.decode()
    assert f'<script type="importmap" nonce="{nonce}">' in html
    # Every other script is a file (a nonce on those is harmless but not needed).
    inline = re.findall(r"<script(?![^>]*\ssrc=)([^>]*)>", html)
    assert inline == [f' type="importmap" nonce="{nonce}"'], inline
    assert not re.search(r"\son[a-z]+=\"", html), "an inline event handler"
    # A fresh nonce for each response.
    again = policy(superuser_client.get(response.wsgi_request.path))
    assert [s for s in again["script-src"] if s.startswith("'nonce-")] != nonces


def test_admin_pages_without_the_editor_carry_no_nonce(superuser_client):
    for name in ("admin:index", "admin:news_article_changelist", "admin:password_change"):
        response = superuser_client.get(reverse(name))
        assert response.status_code == 200, name
        directives = policy(response)
        assert_strict(directives)
        assert directives["script-src"] == ["'self'"], name
        assert directives["style-src"] == [
            "'self'",
            "'unsafe-hashes'",
            *settings.ADMIN_STYLE_HASHES,
        ]


def test_a_response_with_its_own_policy_keeps_it():
    """Uploaded media is served with ``default-src 'none'``; the site's policy must not
    replace it."""
    own = "default-src 'none'; sandbox"

    def media_view(request):
        response = HttpResponse(b"\xff\xd8", content_type="image/jpeg")
        response["Content-Security-Policy"] = own
        return response

    response = CSPMiddleware(media_view)(RequestFactory().get("/media/articles/x.jpg"))
    assert response["Content-Security-Policy"] == own


@pytest.fixture
def https_site(settings):
    """The production defaults of tests/test_settings.py, without a proxy."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = None
    return settings


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_and_https_gets_hsts(client, https_site):
    response = client.get("/en/news/?page=2")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/en/news/?page=2"
    assert "Strict-Transport-Security" not in response  # meaningless over plain HTTP
    response = client.get("/en/news/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_health_probes_answer_over_plain_http(client, https_site):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    # /readyz (added elsewhere) is exempt by the same rule.
    assert any(re.match(rule, "readyz") for rule in https_site.SECURE_REDIRECT_EXEMPT)
    assert not any(re.match(rule, "readyzx") for rule in https_site.SECURE_REDIRECT_EXEMPT)


@pytest.mark.django_db
def test_forwarded_proto_is_ignored_without_a_declared_proxy(client, https_site):
    response = client.get("/en/news/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 301
    assert "Strict-Transport-Security" not in response


@pytest.mark.django_db
def test_forwarded_proto_is_honoured_behind_a_declared_proxy(client, https_site):
    https_site.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/en/news/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert response.wsgi_request.is_secure()
    assert "Strict-Transport-Security" in response
    # The proxy says the reader came over plain HTTP: redirected.
    assert client.get("/en/news/", headers={"x-forwarded-proto": "http"}).status_code == 301


def test_host_prefixed_cookies_are_set_as_the_prefix_demands(client, https_site, django_user_model):
    """A ``__Host-`` cookie is dropped by browsers unless it is Secure, has Path=/ and no
    Domain: a login over HTTPS must set exactly that, and the session must work."""
    https_site.SESSION_COOKIE_SECURE = https_site.CSRF_COOKIE_SECURE = True
    https_site.SESSION_COOKIE_NAME = "__Host-sessionid"
    https_site.CSRF_COOKIE_NAME = "__Host-csrftoken"
    django_user_model.objects.create_superuser("admin", "admin@example.org", "x" * 20)
    login = reverse("admin:login")
    client.get(login, secure=True)
    response = client.post(login, {"username": "admin", "password": "x" * 20}, secure=True)
    assert response.status_code == 302
    for name in ("__Host-sessionid", "__Host-csrftoken"):
        cookie = client.cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["path"] == "/", name
        assert cookie["domain"] == "", name
    assert client.get(reverse("admin:index"), secure=True).status_code == 200


def test_images_are_allowed_from_object_storage_and_listed_origins(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"base_url": "https://media.example.org/office/"},
        },
    }
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "img-src": ["'self'", "https://photos.example.net"],
        }
    }
    directives = policy(client.get("/healthz"))
    assert directives["img-src"] == [
        "'self'",
        "https://photos.example.net",
        "https://media.example.org",
    ]
    assert_strict(directives)


def test_images_from_elsewhere_are_not_allowed_by_default(client):
    assert policy(client.get("/healthz"))["img-src"] == ["'self'"]
