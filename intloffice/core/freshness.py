"""Whole pages for anonymous readers, kept in the cache and made fresh exactly when needed.

Every cached page's key holds the current *generation*. Any change to what public pages
show (an article, partner, person, event, category, tag or their links, from the admin,
the importer or anywhere else) starts a new generation, so every page in every language
is fresh at once: nothing has to know which pages an object appears on. A scheduled
article needs no write to go live, so the generation also ends by itself at the next
scheduled publication time.

Signed-in staff (and so previews) are never served from or stored in the cache. A
session cookie alone does not bypass it, since anyone can send one: signing in also sets
a signed marker cookie, checked without the database, and only requests carrying a valid
one go past the cache. A view lists the query parameters its page reads in
``query_parameters``; every other parameter is dropped before the page is looked up or
rendered, so ``?x=1`` and ``?x=2`` are one page, not two cache entries.

Each app says what its pages show with ``watch()``, and what changes by itself with
``changes_by_itself()``, in its AppConfig.ready().

Works the same with local memory and with Redis (shared by every app server). When Redis
does not answer, pages are served uncached (see intloffice/core/cache.py), and when it is back
the first process that saw it away starts a new generation: a change made meanwhile could
not reach the cache.
"""

import copy
import hashlib
import time
import uuid
from http.cookies import SimpleCookie

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_response_headers

GENERATION_KEY = "pages:generation"
NEXT_CHANGE_KEY = "pages:next-change"
# The JSON API (/api/) shows the same content as the pages, and changes with them.
CACHED_PREFIXES = (*(f"/{code}/" for code, _name in settings.LANGUAGES), "/sitemap", "/api/")
CACHED_PATHS = {"/robots.txt"}
# Derived values outlive no generation; this only bounds what an idle site keeps.
DERIVED_SECONDS = 24 * 3600


# Functions that say when public pages next change by themselves (a scheduled article
# going live): a datetime, or None. Apps add theirs with changes_by_itself().
_next_changes: list = []


def changes_by_itself(next_change) -> None:
    """Register a function returning when content next changes without a write."""
    if next_change not in _next_changes:
        _next_changes.append(next_change)


def watch(*models: type[Model]) -> None:
    """Start a new generation whenever a row of these models (or of the many-to-many links
    they declare) is saved or deleted. Each app calls this for what its pages show."""
    for model in models:
        label = model._meta.label
        post_save.connect(content_changed, sender=model, dispatch_uid=f"pages-save-{label}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"pages-del-{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                m2m_changed.connect(
                    content_changed,
                    sender=through,
                    dispatch_uid=f"pages-m2m-{through._meta.label}",
                )


def new_generation() -> str:
    """Start a new generation: every cached page is stale from now on."""
    generation = uuid.uuid4().hex[:16]
    upcoming = [when for next_change in _next_changes if (when := next_change())]
    cache.set_many(
        {
            GENERATION_KEY: generation,
            NEXT_CHANGE_KEY: min(upcoming).timestamp() if upcoming else 0,
        },
        timeout=None,
    )
    return generation


def cache_available() -> bool:
    """False while this process skips an unreachable cache (local memory always answers)."""
    return getattr(cache, "available", True)


_recoveries_seen = 0


def current_generation() -> str:
    global _recoveries_seen
    if not cache_available():
        # Nothing can be read or kept: a throwaway key, without asking the database.
        return uuid.uuid4().hex[:16]
    values = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY])
    generation = values.get(GENERATION_KEY)
    next_change = values.get(NEXT_CHANGE_KEY) or 0
    recoveries = getattr(cache, "recoveries", 0)
    if (
        generation is None
        or (next_change and time.time() >= next_change)
        or recoveries != _recoveries_seen
    ):
        _recoveries_seen = recoveries
        generation = new_generation()
    return generation


def derived_key(name: str) -> str:
    """The cache key of a derived value in the current generation."""
    return f"derived:{current_generation()}:{name}"


def remember(name: str, compute):
    """A value derived from public content (filter choices, page boundaries, counts),
    computed once per generation and shared by every worker.

    Unlike whole pages it is kept even when the page cache is off: it is exact for the
    same reason (a change starts a new generation), and costs one cache read.
    """
    key = derived_key(name)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, DERIVED_SECONDS)
    return value


def known_generation() -> str | None:
    """The current generation if one is running, else None: never starts one (a query for
    the next scheduled change), for pages that must cost no database work (the 404 page)."""
    if not cache_available():
        return None
    values = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY])
    next_change = values.get(NEXT_CHANGE_KEY) or 0
    if next_change and time.time() >= next_change:
        return None
    return values.get(GENERATION_KEY)


def remembered(name: str):
    """What ``remember(name, ...)`` keeps in the current generation, or None when it is not
    kept: computes nothing and starts no generation."""
    generation = known_generation()
    if generation is None:
        return None
    return cache.get(f"derived:{generation}:{name}")


def content_changed(**kwargs) -> None:
    """Signal receiver (and plain function for bulk writers): public pages changed."""
    new_generation()


def cacheable_request(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in {"GET", "HEAD"}
        and (request.path.startswith(CACHED_PREFIXES) or request.path in CACHED_PATHS)
    )


def cacheable_response(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and (not response.cookies or removes_made_up_session_only(response))
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
        # A signed-in reader without the marker yet (signed in before it existed): their
        # page may show previews. Costs a session read only for requests with a cookie.
        and not signed_in(request)
    )


def removes_made_up_session_only(response) -> bool:
    """The response's one cookie is the removal of a session cookie naming no session."""
    name = settings.SESSION_COOKIE_NAME
    return set(response.cookies) == {name} and response.cookies[name].value == ""


def signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def query_parameters(path: str) -> tuple[str, ...] | None:
    """The query parameters the page at ``path`` reads (its view's ``query_parameters``),
    or None if no page is there."""
    # Language-prefixed patterns only match in their own language.
    with translation.override(translation.get_language_from_path(path)):
        try:
            match = resolve(path)
        except Resolver404:
            return None
    view = getattr(match.func, "view_class", match.func)
    return getattr(view, "query_parameters", ())


def keep_read_parameters(request, names: tuple[str, ...]) -> None:
    """Drop every query parameter the page does not read, and put the rest in one order.

    The view sees only these, so the page is exactly what its cache key names. One value
    per parameter (the last, as ``QueryDict.get`` reads it); empty values are dropped.
    """
    query = QueryDict(mutable=True)
    for name in sorted(names):
        if value := request.GET.get(name):
            query[name] = value
    query._mutable = False
    request.GET = query
    request.META["QUERY_STRING"] = query.urlencode()


def page_key(request, generation: str) -> str:
    # Scheme and host too: absolute links (feeds, sitemap) differ between them.
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:32]
    return f"page:{generation}:{request.method}:{digest}"


# Signed-in marker: set when a signed-in reader's request passes, removed when it finds
# them signed out. Its value signs (a digest of) the session key, so it cannot be made
# up, nor reused with another session cookie; a stale one only costs its bearer the cache.
MARKER_SALT = "intloffice.page_cache.signed-in"


def marker_cookie_name() -> str:
    # Under HTTPS the __Host- prefix keeps other subdomains from setting it.
    return "__Host-signedin" if settings.SESSION_COOKIE_SECURE else "signedin"


def session_digest(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def marker_signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=MARKER_SALT)


def has_valid_marker(request) -> bool:
    marker = request.COOKIES.get(marker_cookie_name())
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not marker or not session_key:
        return False
    try:
        signed = marker_signer().unsign(marker, max_age=settings.SESSION_COOKIE_AGE)
    except signing.BadSignature:
        return False
    return signed == session_digest(session_key)


def update_marker(request, response, marked: bool) -> None:
    """Set or remove the marker on a response that went through sessions and signing-in."""
    session = getattr(request, "session", None)
    if session is None:  # served from the cache
        return
    has_cookie = settings.SESSION_COOKIE_NAME in request.COOKIES
    # Reading the user costs a query unless the request already read its session.
    if not marked and not (session.accessed and (has_cookie or session.session_key)):
        return
    name = marker_cookie_name()
    if signed_in(request) and session.session_key:
        if not marked or request.COOKIES.get(settings.SESSION_COOKIE_NAME) != session.session_key:
            response.set_cookie(
                name,
                marker_signer().sign(session_digest(session.session_key)),
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
    elif name in request.COOKIES:
        response.delete_cookie(name, samesite="Lax")


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        marked = has_valid_marker(request)
        if marked or not cacheable_request(request):
            response = self.get_response(request)
        else:
            response = self.cached(request)
        update_marker(request, response, marked)
        return response

    def cached(self, request):
        names = query_parameters(request.path_info)
        if names is None:  # a 404 at any address: nothing to look up, nothing to keep
            return self.get_response(request)
        keep_read_parameters(request, names)
        key = page_key(request, current_generation())
        response = cache.get(key)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if cacheable_response(request, response):
            # Browsers and proxies revalidate (ETag) rather than keep their own copy.
            patch_response_headers(response, cache_timeout=0)
            stored = response
            if response.cookies:  # this client's made-up session cookie: not for everyone
                stored = copy.copy(response)
                stored.cookies = SimpleCookie()
            cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response
