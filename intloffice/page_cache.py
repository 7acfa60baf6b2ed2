"""Whole pages for anonymous readers, kept in the cache and made fresh exactly when needed.

Every cached page's key holds the current *generation*. Any change to what public pages
show (an article, partner, person, event, category, tag or their links, from the admin,
the importer or anywhere else) starts a new generation, so every page in every language
is fresh at once: nothing has to know which pages an object appears on. A scheduled
article needs no write to go live, so the generation also ends by itself at the next
scheduled publication time.

Readers with a session cookie (staff, previews) are never served from or stored in the
cache. Works the same with local memory and with Redis (shared by every app server).
"""

import hashlib
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_response_headers

from news.models import Article

GENERATION_KEY = "pages:generation"
NEXT_CHANGE_KEY = "pages:next-change"
CACHED_PREFIXES = (*(f"/{code}/" for code, _name in settings.LANGUAGES), "/sitemap")
CACHED_PATHS = {"/robots.txt"}
# Derived values outlive no generation; this only bounds what an idle site keeps.
DERIVED_SECONDS = 24 * 3600


def new_generation() -> str:
    """Start a new generation: every cached page is stale from now on."""
    generation = uuid.uuid4().hex[:16]
    next_publication = (
        Article.objects.scheduled().order_by("publish_at").values_list("publish_at", flat=True)
    ).first()
    cache.set_many(
        {
            GENERATION_KEY: generation,
            NEXT_CHANGE_KEY: next_publication.timestamp() if next_publication else 0,
        },
        timeout=None,
    )
    return generation


def current_generation() -> str:
    values = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY])
    generation = values.get(GENERATION_KEY)
    next_change = values.get(NEXT_CHANGE_KEY) or 0
    if generation is None or (next_change and time.time() >= next_change):
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


def content_changed(**kwargs) -> None:
    """Signal receiver (and plain function for bulk writers): public pages changed."""
    new_generation()


def cacheable_request(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and (request.path.startswith(CACHED_PREFIXES) or request.path in CACHED_PATHS)
    )


def cacheable_response(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def page_key(request, generation: str) -> str:
    # Scheme and host too: absolute links (feeds, sitemap) differ between them.
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:32]
    return f"page:{generation}:{request.method}:{digest}"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            return self.get_response(request)
        key = page_key(request, current_generation())
        response = cache.get(key)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if cacheable_response(response):
            # Browsers and proxies revalidate (ETag) rather than keep their own copy.
            patch_response_headers(response, cache_timeout=0)
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response
