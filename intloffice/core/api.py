"""Building blocks of the read-only JSON API: what every endpoint of every kind shares.

Each app describes its own kinds in its ``api.py`` (a ninja ``Router`` with pydantic
schemas), and ``intloffice/website/api.py`` puts them together in a ``ReadOnlyAPI``. This
module names no app. It holds:

- the query every list and detail reads (``lang``, and for lists ``limit``, ``cursor`` and
  ``modified_since``); the reader's language is active while the endpoint works
  (``read_only``);
- what every item carries (``common``): its id and slug, its public address in each
  language, when it last changed, each translated field in the reader's language with the
  site's fallback (settings.MODELTRANSLATION_FALLBACK_LANGUAGES, as the pages show it) and
  the language actually shown, and its translations' states (``core.provenance``, one
  query for a whole page of items: ``translation_states``);
- keyset pages (``page_of``): an opaque cursor naming the last item shown, so a page costs
  the same however deep it is and an item added meanwhile is neither skipped nor repeated;
- the headers of a read-only public API (``ReadOnlyAPI``): ``Last-Modified`` from the newest
  item shown, ``Access-Control-Allow-Origin: *`` on reads only, HEAD answered as GET,
  bad parameters a 400 with a one-line reason, and for the page cache
  (``core.freshness``) the query parameters each endpoint reads.

Any other method (a write) is answered 405, before the endpoint is reached.
"""

import base64
import binascii
import datetime as dt
import inspect
import json
import typing
from collections.abc import Iterable
from functools import wraps
from typing import Annotated, Literal
from urllib.parse import urlencode

from csp.decorators import csp_update
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from modeltranslation.utils import build_localized_fieldname
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.openapi.docs import Swagger
from pydantic import BeforeValidator

from . import provenance
from .provenance import State
from .translated import shown_language

# The languages of settings.LANGUAGES (a test holds them together): a literal, so the
# OpenAPI description lists them.
Language = Literal["en", "ru", "zh-hans"]
TranslationStateName = Literal["missing", "stale", "current", "machine"]
DEFAULT_LIMIT = 20
MIN_YEAR, MAX_YEAR = 1000, 9000
MAX_LIMIT = 100


def aware(moment: dt.datetime) -> dt.datetime:
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def iso_datetime(value):
    """Only ISO 8601 dates with a time: ``2025-03-01T09:00:00+03:00`` (pydantic alone would
    also take a bare number as seconds since 1970)."""
    if isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValueError("not an ISO 8601 date and time, such as 2025-03-01T09:00:00+03:00")
    try:
        # The database compares in UTC: the first hours of year 1 east of it are not there.
        return aware(parsed).astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("out of range") from None


def year_field(description: str):
    """A year to filter on: within the years a date of the site can be in, in any zone."""
    return Field(None, ge=MIN_YEAR, le=MAX_YEAR, description=description)


IsoDateTime = Annotated[dt.datetime, BeforeValidator(iso_datetime)]


class BadRequest(HttpError):
    def __init__(self, message: str):
        super().__init__(400, message)


class Problem(Schema):
    """What a 400 or 404 says: one line."""

    detail: str


# Declared on every endpoint, so clients (and schemathesis) know them.
LIST_ERRORS = {400: Problem}
DETAIL_ERRORS = {400: Problem, 404: Problem}


class DetailQuery(Schema):
    lang: Language = Field(
        "en",
        description="The language to read the item in. A field not translated into it is "
        "shown in the next language of the site's fallback order, and `language` says which.",
    )


class ListQuery(DetailQuery):
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}."
    )
    cursor: str | None = Field(
        None,
        description="Where the page starts, as given in the previous page's `next` link; "
        "a cursor this API did not give is refused (400).",
    )
    modified_since: IsoDateTime | None = Field(
        None,
        description="Only items changed at or after this moment (ISO 8601; without a time "
        "zone, the site's): for incremental synchronisation.",
    )


class Translation(Schema):
    """How an item reads in one language: its worst state, each tracked field's, and whether
    this language is the one it was written in."""

    state: TranslationStateName
    source: bool
    fields: dict[str, TranslationStateName]


class Item(Schema):
    """What every item carries."""

    id: int
    slug: str
    url: dict[Language, str] = Field(description="The item's public page in each language.")
    updated_at: dt.datetime
    language: dict[str, Language] = Field(
        description="For each translated field shown, the language of its text."
    )
    translations: dict[Language, Translation] = Field(
        description="For each language, the state of the item's translated prose: missing, "
        "stale (the original changed since), current (up to date) or machine (a machine "
        "draft awaits review; the draft itself is never shown)."
    )


def page_schema(item: type[Schema]) -> type[Schema]:
    """The schema of a list endpoint's page of ``item``."""
    return type(
        f"{item.__name__}Page",
        (Schema,),
        {
            "__annotations__": {"items": list[item], "next": str | None},
            "__doc__": f"A page of {item.__name__} items; `next` is the following page, or null.",
        },
    )


# Items


def urls_of(request, obj) -> dict[str, str]:
    """The object's public page in every language, absolute."""
    found = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found[code] = request.build_absolute_uri(obj.get_absolute_url())
    return found


def tracked_fields(obj) -> tuple[str, ...]:
    return tuple(getattr(obj, "translation_tracked", ()) or ())


def translation_states(objects: Iterable[Model], fields: Iterable[str] = ()) -> dict:
    """(type, pk) -> language -> Translation dict, for a page of items in one query.

    Kinds that ``core.provenance`` tracks report its states; for a kind it does not track
    (``fields`` are its translated ones), a field is missing where its language has no text
    and current where it has: no more is known of it."""
    objects = list(objects)
    if not objects:
        return {}
    if tracked_fields(objects[0]):
        found = {}
        for key, by_language in provenance.states_for(objects).items():
            found[key] = {}
            for code, summary in by_language.items():
                states = dict.fromkeys(tracked_fields(objects[0]), State.CURRENT.value)
                states.update({name: str(value) for name, value in summary.fields.items()})
                found[key][code] = {
                    "state": str(summary.state),
                    "source": summary.is_source,
                    "fields": states,
                }
        return found
    source = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    found = {}
    for obj in objects:
        found[provenance.key(obj)] = by_language = {}
        for code, _name in settings.LANGUAGES:
            states = {
                field: State.CURRENT.value
                if code == source
                or getattr(obj, build_localized_fieldname(field, code), None)
                or not getattr(obj, build_localized_fieldname(field, source), None)
                else State.MISSING.value
                for field in fields
            }
            worst = (
                State.MISSING.value
                if State.MISSING.value in states.values()
                else State.CURRENT.value
            )
            by_language[code] = {"state": worst, "source": code == source, "fields": states}
    return found


def common(request, obj, language: str, fields: Iterable[str], states: dict) -> dict:
    """What every item carries, with the translated ``fields`` read in ``language`` (the
    site's fallback applies) and the language each is shown in. ``states`` is what
    ``translation_states`` returned for the page."""
    fields = tuple(fields)
    with translation.override(language):
        values = {field: getattr(obj, field) for field in fields}
    return {
        "id": obj.pk,
        "slug": obj.slug,
        "url": urls_of(request, obj),
        "updated_at": obj.updated_at,
        "language": {field: shown_language(obj, field, language) for field in fields},
        "translations": states[provenance.key(obj)],
        **values,
    }


def translated(obj, field: str, language: str) -> str:
    """One translated field of a related object, in ``language`` with the site's fallback."""
    with translation.override(language):
        return getattr(obj, field)


def absolute_file_url(request, file) -> str | None:
    """The address of an uploaded file (an image), or None when there is none."""
    return request.build_absolute_uri(file.url) if file else None


# Pages of items


def encode_cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, fields: list) -> list:
    """The values a cursor names, each read as its model field reads it."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(fields):
            raise ValueError
        values = [field.to_python(value) for field, value in zip(fields, raw, strict=True)]
        if any(value is None for value in values):
            raise ValueError
        return values
    except (ValueError, TypeError, binascii.Error, DjangoValidationError):
        raise BadRequest("cursor: not a cursor this API gave; start again without it") from None


def page_of(request, queryset, query: ListQuery, order: tuple[str, str]) -> tuple[list, str | None]:
    """One page of ``queryset`` in ``order`` (a field and the primary key, both ascending or
    both descending: ``("-publish_at", "-pk")``), from ``query.cursor``, at most
    ``query.limit`` items, changed since ``query.modified_since``; and the next page's
    absolute address, or None. One query (plus what the queryset prefetches)."""
    descending = order[0].startswith("-")
    names = [name.lstrip("-") for name in order]
    model_fields = [
        queryset.model._meta.pk if name == "pk" else queryset.model._meta.get_field(name)
        for name in names
    ]
    if query.modified_since is not None:
        queryset = queryset.filter(updated_at__gte=query.modified_since)
    if query.cursor:
        value, pk = decode_cursor(query.cursor, model_fields)
        beyond = "lt" if descending else "gt"
        queryset = queryset.filter(
            Q(**{f"{names[0]}__{beyond}": value}) | Q(**{names[0]: value, f"pk__{beyond}": pk})
        )
    rows = list(queryset.order_by(*order)[: query.limit + 1])
    items, more = rows[: query.limit], len(rows) > query.limit
    if not more:
        return items, None
    last = items[-1]
    values = [field.value_to_string(last) for field in model_fields]
    parameters = {name: value for name, value in request.GET.items() if name != "cursor"}
    parameters["cursor"] = encode_cursor(values)
    return items, request.build_absolute_uri(
        f"{request.path}?{urlencode(sorted(parameters.items()))}"
    )


def mark_modified(response: HttpResponse, objects: Iterable[Model]) -> None:
    """``Last-Modified``: when the newest of the items shown last changed."""
    moments = [obj.updated_at for obj in objects]
    if moments:
        response["Last-Modified"] = http_date(max(moments).timestamp())


def list_page(request, response, queryset, query: ListQuery, order, to_items) -> dict:
    """A list endpoint's answer: one page of ``queryset`` (``page_of``), its items as
    ``to_items(request, objects, language)`` describes them, and ``Last-Modified``."""
    found, following = page_of(request, queryset, query, order)
    mark_modified(response, found)
    return {"items": to_items(request, found, query.lang), "next": following}


def one(request, response, queryset, slug: str, language: str, to_items) -> dict:
    """A detail endpoint's answer: the item of ``queryset`` with this slug (else 404)."""
    found = get_or_404(queryset, slug=slug)
    mark_modified(response, [found])
    return to_items(request, [found], language)[0]


def get_or_404(queryset, **lookup):
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404
    return found


# The API


def one_line(exc: ValidationError) -> str:
    """The first problem of a request's parameters, as ``name: reason``."""
    errors = exc.errors or [{"msg": "invalid parameters"}]
    first = errors[0]
    location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path")]
    reason = str(first.get("msg", "invalid")).splitlines()[0]
    return f"{'.'.join(location)}: {reason}" if location else reason


def query_names(callback) -> tuple[str, ...]:
    """The query parameters the endpoints at a ninja URL read (from its operations'
    parameter models)."""
    if not inspect.isfunction(callback):  # the OpenAPI description and its page: none
        return ()
    path_view = inspect.getclosurevars(callback).nonlocals.get("self")
    names = set()
    for operation in getattr(path_view, "operations", ()):
        for model in operation.models:
            if model.__ninja_param_source__ == "query":
                names.update(model.__ninja_flatten_map__)
    return tuple(sorted(names))


def read_only(callback, names: tuple[str, ...]):
    """A ninja view as this API serves it: HEAD answered as GET (the server sends no
    body), anyone's pages may read it (CORS) but only by reading, and the page cache told
    which query parameters it reads."""

    @wraps(callback)
    def view(request, *args, **kwargs):
        method = request.method
        if method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"], content=b"Method not allowed")
        if method == "HEAD":
            request.method = "GET"
        language = request.GET.get("lang")
        if language not in typing.get_args(Language):
            language = settings.LANGUAGE_CODE  # the endpoint refuses it, in English
        try:
            with translation.override(language):
                response = callback(request, *args, **kwargs)
        finally:
            request.method = method
        response["Access-Control-Allow-Origin"] = "*"
        return response

    view.query_parameters = names
    return view


def not_found(request, exception=None, *args, **kwargs) -> JsonResponse:
    """Any other address under the API: a JSON 404, as the endpoints' own."""
    return JsonResponse({"detail": "Not Found"}, status=404)


class ReadOnlyAPI(NinjaAPI):
    """A ninja API for public reading: documentation served from this site's static files
    (Swagger UI, no CDN), a 400 with a one-line reason for any bad parameter (where ninja
    answers 422), and read-only views (``read_only``)."""

    def __init__(self, **options):
        # Swagger UI's stylesheet draws its icons as data: images; the site's policy
        # allows images from itself only. The description shares the decorator (ninja's
        # docs_decorator), where the addition does nothing: JSON loads no images.
        docs_policy = csp_update({"img-src": ["data:"]})
        super().__init__(docs=Swagger(), docs_decorator=docs_policy, **options)
        self.add_exception_handler(ValidationError, self.bad_parameters)

    def bad_parameters(self, request, exc: ValidationError) -> HttpResponse:
        return self.create_response(request, {"detail": one_line(exc)}, status=400)

    def get_openapi_schema(self, **options):
        """The description, saying that an empty query parameter is as good as none: the
        page cache drops empty values before the view reads them, as for every page."""
        schema = super().get_openapi_schema(**options)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", ()):
                    if parameter["in"] == "query":
                        parameter["allowEmptyValue"] = True
        return schema

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = read_only(pattern.callback, query_names(pattern.callback))
        return patterns, app_name, namespace
