"""Whole pages for anonymous readers, kept in the cache and made fresh exactly when needed.

A cached page (and a value derived from content, kept with ``remember``) carries the tags
of what it read, and a change makes stale only the entries that read what it touched
(intloffice/core/dependencies.py says how reads and changes are told apart). Editing an
article's text renews its own page in every language and the lists, feeds and pages that
show it; every other page stays cached. A scheduled article needs no write to go live:
its lists go stale by themselves at its minute.

Signed-in staff (and so previews) are never served from or stored in the cache. A
session cookie alone does not bypass it, since anyone can send one: signing in also sets
a signed marker cookie, checked without the database, and only requests carrying a valid
one go past the cache. A view lists the query parameters its page reads in
``query_parameters``; every other parameter is dropped before the page is looked up or
rendered, so ``?x=1`` and ``?x=2`` are one page, not two cache entries.

Each app says what its pages show with ``watch()``, and what changes by itself with
``changes_by_itself()``, in its AppConfig.ready(). Bulk writes, which send no signals,
say what they changed with ``kinds_changed()`` or ``rows_changed()``.

Works the same with local memory and with Redis (shared by every app server). When Redis
does not answer, pages are served uncached (see intloffice/core/cache.py), and when it is back
the first process that saw it away starts a new epoch: a change made meanwhile could not
reach the cache.
"""

import copy
import hashlib
from contextlib import contextmanager
from http.cookies import SimpleCookie

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_response_headers

from . import dependencies
from .dependencies import cache_available, everything_changed  # noqa: F401

# The JSON API (/api/) shows the same content as the pages, and changes with them.
CACHED_PREFIXES = (*(f"/{code}/" for code, _name in settings.LANGUAGES), "/sitemap", "/api/")
CACHED_PATHS = {"/robots.txt"}
# Derived values are exact while kept; this only bounds what an idle site keeps.
DERIVED_SECONDS = 24 * 3600
DERIVED_PREFIX = "derived:"


def changes_by_itself(model: type[Model], next_change) -> None:
    """Register a function returning when ``model``'s public lists next change without a
    write (a scheduled article going live): a datetime, or None."""
    dependencies.changes_by_itself(model, next_change)


def watch(*models: type[Model], display_only: tuple[str, ...] = ()) -> None:
    """Record which pages read these models, and make those pages stale when a row (or a
    many-to-many link the models declare) is saved or deleted. Each app calls this for
    what its pages show.

    ``display_only`` names fields whose change moves a row in no list (no filter, order
    or count reads them): editing only those renews the pages that showed that row.
    """
    for model in models:
        info = dependencies.register(model, display_only)
        label = model._meta.label
        for sender in dependencies.proxies_of(model):
            uid = sender._meta.label
            if info.display_columns:
                pre_save.connect(note_move, sender=sender, dispatch_uid=f"pages-move-{uid}")
            post_save.connect(row_saved, sender=sender, dispatch_uid=f"pages-save-{uid}")
            post_delete.connect(row_deleted, sender=sender, dispatch_uid=f"pages-del-{uid}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                m2m_changed.connect(
                    links_changed, sender=through, dispatch_uid=f"pages-m2m-{label}-{field.name}"
                )


def note_move(sender, instance, update_fields=None, using="default", **kwargs) -> None:
    """Before a save: whether it changes more than display-only fields (one query)."""
    info = dependencies.watched(sender)
    if instance._state.adding or instance.pk is None:
        instance._moves_in_lists = True
        return
    if update_fields is not None:
        names = {sender._meta.get_field(name).attname for name in update_fields}
        if names <= info.display_attnames:
            instance._moves_in_lists = False
            return
    fields = [sender._meta.get_field(name) for name in info.membership_names]
    stored = (
        sender._base_manager.using(using)
        .filter(pk=instance.pk)
        .values_list(*(field.attname for field in fields))
        .first()
    )
    instance._moves_in_lists = stored is None or any(
        field.get_prep_value(getattr(instance, field.attname)) != field.get_prep_value(old)
        for field, old in zip(fields, stored, strict=True)
    )


def row_saved(sender, instance, created=False, using="default", **kwargs) -> None:
    info = dependencies.watched(sender)
    tags = {info.any_tag, info.row_tag(instance.pk)}
    if created or not info.display_columns or getattr(instance, "_moves_in_lists", True):
        tags.add(info.set_tag)
    instance.__dict__.pop("_moves_in_lists", None)
    dependencies.changed(tags, using)


def row_deleted(sender, instance, using="default", **kwargs) -> None:
    info = dependencies.watched(sender)
    dependencies.changed({info.any_tag, info.set_tag, info.row_tag(instance.pk)}, using)


def links_changed(sender, instance, action, model, pk_set, using="default", **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action != "post_clear" and not pk_set:
        return
    tags = set()
    for end in (type(instance), model):
        if info := dependencies.watched(end):
            tags |= {info.set_tag, info.any_tag}
    dependencies.changed(tags, using)


def kinds_changed(*models: type[Model]) -> None:
    """For bulk writers: rows of these models were added, removed, edited or re-linked."""
    tags = set()
    for model in models:
        if (info := dependencies.watched(model)) is None:
            everything_changed()
            return
        tags |= {info.set_tag, info.any_tag}
    dependencies.changed(tags)


def rows_changed(model: type[Model], pks) -> None:
    """For bulk writers: what these rows show changed (their translations' states, say),
    not which lists they are in."""
    info = dependencies.watched(model)
    if info is None:  # shown nowhere we know of: assume everywhere
        everything_changed()
        return
    if info.display_columns:
        tags = {info.any_tag, *(info.row_tag(pk) for pk in pks)}
    else:
        tags = {info.any_tag, info.set_tag}
    dependencies.changed(tags)


def content_changed(**kwargs) -> None:
    """For writers that cannot say what they changed: every page is stale."""
    everything_changed()


def remember(name: str, compute, inherit: bool = False):
    """A value derived from public content (filter choices, page boundaries, counts),
    computed once and shared by every worker until something it read changes;
    ``inherit``: and until anything the enclosing recording read so far changes.

    Unlike whole pages it is kept even when the page cache is off: it is exact for the
    same reason, and costs one cache read (two after a change elsewhere).
    """
    key = DERIVED_PREFIX + name
    epoch, clock, found = dependencies.read_state_once(key)
    if found is not None and dependencies.fresh(found, epoch, clock):
        dependencies.record(found[2])
        return found[3]
    with dependencies.recording(epoch, clock, inherit=inherit) as rec:
        value = compute()
    cache.set(key, (*dependencies.stamp(rec), value), DERIVED_SECONDS)
    return value


def remember_fragment(name: str, render, inherit: bool = True) -> str:
    """A rendered part of a page (``{% remembered %}``), kept until anything it read
    changes, and (``inherit``) anything the page read before it: the objects it shows
    came from the view. Rendered, not kept, outside a recorded request (what the view
    read is not known then)."""
    if not dependencies.recording_now():
        return render()
    return remember(name, render, inherit=inherit)


def reader_request(request) -> bool:
    """A public page's GET by an anonymous reader: what may be cached for everyone."""
    return (
        request.method in {"GET", "HEAD"}
        and (request.path.startswith(CACHED_PREFIXES) or request.path in CACHED_PATHS)
        and not has_valid_marker(request)
        and not signed_in(request)
    )


def remembered(name: str):
    """What ``remember(name, ...)`` keeps, if it is kept and exact, else None: computes
    nothing and asks nothing of the database."""
    state = dependencies.known_state()
    if state is None:
        return None
    found = cache.get(DERIVED_PREFIX + name)
    if found is None or not dependencies.fresh(found, *state):
        return None
    dependencies.record(found[2])
    return found[3]


@contextmanager
def computing():
    """Record what the block reads, for values kept with ``keep``."""
    epoch, clock, _values = dependencies.read_state()
    with dependencies.recording(epoch, clock) as rec:
        yield rec


def keep(rec, values: dict) -> None:
    """Keep derived values computed in ``computing()``, each fresh while ``remember``'s
    would be (read them with ``remembered``)."""
    stamp = dependencies.stamp(rec)
    cache.set_many(
        {DERIVED_PREFIX + name: (*stamp, value) for name, value in values.items()},
        DERIVED_SECONDS,
    )


def uses(obj: Model) -> None:
    """Inside ``remember``'s compute: the value shows ``obj``, passed in rather than read."""
    dependencies.uses(obj)


def known_state() -> tuple[str, int] | None:
    """Changes whenever any content does; None if nothing is known yet (see
    dependencies.known_state)."""
    return dependencies.known_state()


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


def page_key(request) -> str:
    # Scheme and host too: absolute links (feeds, sitemap) differ between them.
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:32]
    return f"page:{request.method}:{digest}"


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
            response = self.uncached(request, marked)
        else:
            response = self.cached(request)
        update_marker(request, response, marked)
        return response

    def uncached(self, request, marked: bool):
        """A page not kept whole (the page cache is off) still records what it reads, so
        that its remembered fragments know what they show."""
        if (
            marked
            or request.method not in {"GET", "HEAD"}
            or not request.path.startswith(CACHED_PREFIXES)
        ):
            return self.get_response(request)
        epoch, clock, _values = dependencies.read_state()
        with dependencies.recording(epoch, clock):
            return self.get_response(request)

    def cached(self, request):
        names = query_parameters(request.path_info)
        if names is None:  # a 404 at any address: nothing to look up, nothing to keep
            return self.get_response(request)
        keep_read_parameters(request, names)
        key = page_key(request)
        epoch, clock, values = dependencies.read_state([key])
        found = values.get(key)
        if found is not None and dependencies.fresh(found, epoch, clock):
            dependencies.record(found[2])  # for an enclosing recording (publish_static)
            response = found[3]
            response["X-Page-Cache"] = "hit"
            return response
        with dependencies.recording(epoch, clock) as rec:
            response = self.get_response(request)
        if cacheable_response(request, response):
            # Browsers and proxies revalidate (ETag) rather than keep their own copy.
            patch_response_headers(response, cache_timeout=0)
            stored = response
            if response.cookies:  # this client's made-up session cookie: not for everyone
                stored = copy.copy(response)
                stored.cookies = SimpleCookie()
            cache.set(key, (*dependencies.stamp(rec), stored), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response
