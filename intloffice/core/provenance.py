"""Where each translation comes from, and whether it still says what its source says.

A model takes part by declaring ``translation_tracked``, the translated fields that are
prose (``("title", "summary", "body")``), and, if its source language is not the site's
default, ``translation_source_field``, the column that names it (``"original_language"``).
This module finds such models through the app registry, as the search engine finds
``search_fields``: it names no app.

For each tracked field and each language other than the source, one ``TranslationState``
row (none while both texts are empty: nothing to translate, as good as up to date) keeps
the digest of the source text the translation was made from or confirmed against
(``source_digest``), the digests of the source and of the translation as last seen, and a
state:

- *missing*: the translation is empty and the source is not;
- *up to date*: filled or edited since the source last changed, or confirmed against it
  (a "minor change" of the source);
- *stale*: the source changed meaningfully since the translation was made;
- *machine draft*: a translation backend wrote a draft of a missing or stale field
  (``store_drafts``). The draft is kept on the row, never in the object's column, so it is
  never public: the column keeps the older translation, or nothing, until a person saves
  the field (the admin puts the draft into the form for review: core/provenance_admin.py).
  Saving the field, or a meaningful change of the source (the draft translates a text that
  is gone), drops the draft; ``confirm`` drops it too.

A digest is taken of normalised text (tags dropped, NFKC, white space collapsed): re-wrapping
a paragraph or changing only markup is not a change of meaning.

Rows are kept current in the transaction of every save: ``post_save`` for one object
(connected in ``core/apps.py``: admin forms, workflow steps, History's revert and recover),
``refresh(model, pks)`` after bulk writes (the importer). Deleting an object deletes its rows.

Readers: ``state_of(obj, language)`` and ``states_for(objects, language)`` summarise an
object in a language (the worst state of its fields: machine draft, then stale, then
missing, then up to date) with the moment its source last changed meaningfully;
``having(queryset, states, language)`` filters a queryset by state in SQL; ``pairs_in(state)``
counts object × language pairs for the admin's "needs attention".

Longer than most modules: the rule, its two writers (one object, a batch) and its readers
must agree on what a state means, and are read together.
"""

import contextlib
import datetime as dt
import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from . import bulk, freshness
from .text import html_to_text

# A prefix of the SHA-256 is plenty to tell two versions of one field apart.
DIGEST_LENGTH = 16


class State(models.TextChoices):
    MISSING = "missing", _("missing")
    STALE = "stale", _("stale")
    CURRENT = "current", _("up to date")
    MACHINE = "machine", _("machine draft")


# How bad a state is, for the summary of several fields: the worst one names the whole.
SEVERITY = {State.CURRENT: 0, State.MISSING: 1, State.STALE: 2, State.MACHINE: 3}


class TranslationState(models.Model):
    """One translated field of one object in one language other than its source."""

    content_type = models.ForeignKey(
        ContentType, models.CASCADE, related_name="+", verbose_name=_("kind of object")
    )
    object_id = models.BigIntegerField(_("object id"))
    field = models.CharField(_("field"), max_length=50)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    source_language = models.CharField(
        _("source language"), max_length=10, choices=settings.LANGUAGES
    )
    # The source text the translation was made from or confirmed against ("" if none).
    source_digest = models.CharField(_("source digest"), max_length=DIGEST_LENGTH, blank=True)
    # The source and the translation as last seen: a save compares the texts with these.
    seen_source_digest = models.CharField(max_length=DIGEST_LENGTH, blank=True)
    translation_digest = models.CharField(max_length=DIGEST_LENGTH, blank=True)
    changed_at = models.DateTimeField(_("state changed at"))
    # A machine draft awaiting a person's review ("" if none); never shown to readers.
    draft = models.TextField(_("machine draft"), blank=True, db_default="")
    # When the source last changed meaningfully (None: not since the row was made).
    source_changed_at = models.DateTimeField(_("source changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("translation state")
        verbose_name_plural = _("translation states")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"],
                name="translation_state_unique",
            )
        ]
        # The desk's filters and the admin's counts.
        indexes = [
            models.Index(fields=["state", "language", "content_type"], name="translation_state_idx")
        ]

    def __str__(self):
        return (
            f"{self.content_type_id}/{self.object_id} {self.field} [{self.language}]: {self.state}"
        )


def digest(text: str | None) -> str:
    """The digest of what a text says: "" for no text; the same for texts that differ only
    in tags, Unicode compatibility forms or white space."""
    plain = " ".join(unicodedata.normalize("NFKC", html_to_text(text)).split())
    if not plain:
        return ""
    return hashlib.sha256(plain.encode()).hexdigest()[:DIGEST_LENGTH]


# Which models and fields


def tracked_models() -> list[type[models.Model]]:
    """Every installed model that declares ``translation_tracked``."""
    return [model for model in apps.get_models() if getattr(model, "translation_tracked", None)]


def tracked_kinds() -> dict[str, type[models.Model]]:
    """The tracked models by name ("article", "page", "organization" …): the kinds a
    person names in commands and on the desk."""
    return {model._meta.model_name: model for model in tracked_models()}


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def source_language_of(obj) -> str:
    """The language an object is written in first; the others are its translations."""
    column = getattr(obj, "translation_source_field", None)
    return (getattr(obj, column) if column else None) or settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def columns(model, fields: Iterable[str], source_field: str | None = None) -> list[str]:
    """The columns a state of ``model`` is computed from."""
    found = [build_localized_fieldname(f, code) for f in fields for code in languages()]
    return [*found, source_field] if source_field else found


def _tracked_columns(model) -> list[str]:
    return columns(
        model, model.translation_tracked, getattr(model, "translation_source_field", None)
    )


# Computing the states


@dataclass
class Plan:
    """The rows one refresh writes."""

    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    delete: list = field(default_factory=list)


UPDATED_COLUMNS = [
    "state",
    "source_language",
    "source_digest",
    "seen_source_digest",
    "translation_digest",
    "changed_at",
    "source_changed_at",
]


def plan(
    content_type_id: int,
    texts: dict[int, dict[str, str]],
    fields: Iterable[str],
    existing: Iterable,
    *,
    source_field: str | None = None,
    minor: bool = False,
    now: dt.datetime | None = None,
) -> Plan:
    """The rows to write for objects whose current ``texts`` (pk -> column -> value) are
    given, against their ``existing`` rows. Pure: the caller reads and writes."""
    now = now or timezone.now()
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    rows = {(row.object_id, row.field, row.language): row for row in existing}
    result = Plan()
    for pk, values in texts.items():
        source = (values.get(source_field) if source_field else None) or default
        for name in fields:
            s = digest(values.get(build_localized_fieldname(name, source)))
            for code in languages():
                row = rows.pop((pk, name, code), None)
                if code == source:
                    if row is not None:  # the source language changed: no translation here
                        result.delete.append(row.pk)
                    continue
                t = digest(values.get(build_localized_fieldname(name, code)))
                if not s and not t:
                    # Nothing to translate: no row (most image captions), as if up to date.
                    if row is not None:
                        result.delete.append(row.pk)
                    continue
                if row is None:
                    result.create.append(
                        SimpleNamespace(
                            content_type_id=content_type_id,
                            object_id=pk,
                            field=name,
                            language=code,
                            state=State.CURRENT if t else State.MISSING,
                            source_language=source,
                            source_digest=s if t else "",
                            seen_source_digest=s,
                            translation_digest=t,
                            changed_at=now,
                            source_changed_at=None,
                        )
                    )
                    continue
                if next_state(row, source, s, t, minor=minor, now=now):
                    result.update.append(row)
    # Rows of fields no longer tracked.
    result.delete.extend(row.pk for (pk, _f, _l), row in rows.items() if pk in texts)
    return result


def next_state(row, source: str, s: str, t: str, *, minor: bool, now: dt.datetime) -> bool:
    """Move ``row`` to what the source digest ``s`` and translation digest ``t`` say;
    whether anything changed."""
    before = [getattr(row, column, None) for column in (*UPDATED_COLUMNS, "draft")]
    moved = s != row.seen_source_digest or source != row.source_language
    if moved:
        row.source_changed_at = now
    edited = t != row.translation_digest
    if getattr(row, "draft", "") and (edited or moved):
        # A person wrote the translation, or the draft translates a text that is gone.
        row.draft = ""
    if not t:
        state, made_from = (State.MISSING if s else State.CURRENT), ""
    elif edited or not row.source_digest:
        # Written or changed by a person, or written while the source was empty (it is
        # the original then): true to the source as it is now.
        state, made_from = State.CURRENT, s
    elif minor and row.state == State.CURRENT and row.source_language == source:
        # "The translations are still right": they follow the source's new wording.
        state, made_from = State.CURRENT, s
    else:
        same = s == row.source_digest and source == row.source_language
        state, made_from = (State.CURRENT if same else State.STALE), row.source_digest
    if getattr(row, "draft", ""):
        state = State.MACHINE
    if state != row.state:
        row.changed_at = now
    row.state, row.source_digest = state, made_from
    row.source_language, row.seen_source_digest, row.translation_digest = source, s, t
    return before != [getattr(row, column, None) for column in (*UPDATED_COLUMNS, "draft")]


INSERTED_COLUMNS = ["content_type_id", "object_id", "field", "language", *UPDATED_COLUMNS]


def write(state_model, result: Plan) -> None:
    if result.delete:
        state_model._default_manager.filter(pk__in=result.delete).delete()
    if result.create:
        insert(state_model, result.create)
    if result.update:
        # A data migration's model may predate the draft (core 0002): new rows get the
        # column's default, "".
        names = {f.name for f in state_model._meta.concrete_fields}
        updated = [c for c in (*UPDATED_COLUMNS, "draft") if c in names]
        state_model._default_manager.bulk_update(result.update, updated, batch_size=500)


def insert(state_model, rows: list) -> None:
    """New rows, by COPY on PostgreSQL, else with one prepared statement. An import of
    1,000 articles makes thousands: ``bulk_create`` would spend more time preparing them,
    value by value, than the database takes to store them (the import took a third
    longer); their values are plain strings and one moment."""
    connection = connections[router.db_for_write(state_model)]
    table = state_model._meta.db_table
    moments = {}

    def value(row, column):
        found = getattr(row, column)
        if isinstance(found, dt.datetime):
            if found not in moments:
                moments[found] = connection.ops.adapt_datetimefield_value(found)
            return moments[found]
        return found

    values = ([value(row, column) for column in INSERTED_COLUMNS] for row in rows)
    if bulk.copies(connection):
        bulk.copy_rows(connection, table, INSERTED_COLUMNS, values)
        return
    names = ", ".join(connection.ops.quote_name(column) for column in INSERTED_COLUMNS)
    marks = ", ".join(["%s"] * len(INSERTED_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({marks})",  # noqa: S608 - names, not values
            list(values),
        )


# Keeping them current

_minor: ContextVar[bool] = ContextVar("translation_minor_change", default=False)


@contextlib.contextmanager
def minor_change() -> Iterator[None]:
    """Saves inside are minor changes of the source: translations up to date stay so."""
    token = _minor.set(True)
    try:
        yield
    finally:
        _minor.reset(token)


def refresh(model, pks: Iterable[int], *, minor: bool | None = None) -> None:
    """Bring the rows of ``model``'s objects ``pks`` up to date with their stored text,
    in a fixed number of queries (for bulk writes, which send no signals)."""
    pks = list(pks)
    if not pks:
        return
    cols = _tracked_columns(model)
    for start in range(0, len(pks), 1000):
        chunk = pks[start : start + 1000]
        texts = {
            row["pk"]: row
            for row in model._default_manager.filter(pk__in=chunk).values("pk", *cols)
        }
        refresh_texts(model, texts, minor)


def refresh_texts(model, texts: dict[int, dict], minor: bool | None = None) -> None:
    """``refresh`` for a writer that holds the texts as it stored them (pk -> column ->
    value, other columns ignored): nothing is read back."""
    if not texts:
        return
    content_type = ContentType.objects.get_for_model(model)
    existing = TranslationState.objects.filter(content_type=content_type, object_id__in=list(texts))
    write(
        TranslationState,
        plan(
            content_type.pk,
            texts,
            model.translation_tracked,
            existing,
            source_field=getattr(model, "translation_source_field", None),
            minor=_minor.get() if minor is None else minor,
        ),
    )


def refresh_on_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """post_save: the object's rows follow its text, in the save's transaction."""
    cols = _tracked_columns(sender)
    if update_fields is not None and not set(update_fields) & set(cols):
        return
    if set(cols) & instance.get_deferred_fields():
        refresh(sender, [instance.pk])
        return
    refresh_texts(sender, {instance.pk: {c: getattr(instance, c) for c in cols}}, None)


def forget_on_delete(sender, instance, **kwargs):
    TranslationState.objects.filter(
        content_type=ContentType.objects.get_for_model(sender), object_id=instance.pk
    ).delete()


def refresh_all(minor: bool = False) -> int:
    """Every tracked object's rows (a backfill, or a repair after writes outside the ORM);
    how many objects were looked at."""
    seen = 0
    for model in tracked_models():
        pks = list(model._default_manager.values_list("pk", flat=True))
        refresh(model, pks, minor=minor)
        seen += len(pks)
    freshness.content_changed()  # bulk writes send no signal; pages show the states
    return seen


def backfill(apps_, label: str, fields: Iterable[str], source_field: str | None = None) -> None:
    """For a data migration: rows for every object of the historical model ``label``
    ("news.Article"), existing translations counting as up to date with their source."""
    model = apps_.get_model(label)
    state_model = apps_.get_model("core", "TranslationState")
    content_type_model = apps_.get_model("contenttypes", "ContentType")
    app_label, model_name = label.lower().split(".")
    content_type, _created = content_type_model.objects.get_or_create(
        app_label=app_label, model=model_name
    )
    fields = list(fields)
    cols = columns(model, fields, source_field)
    pks = list(model._default_manager.values_list("pk", flat=True))
    for start in range(0, len(pks), 1000):
        texts = {
            row["pk"]: row
            for row in model._default_manager.filter(pk__in=pks[start : start + 1000]).values(
                "pk", *cols
            )
        }
        existing = state_model.objects.filter(content_type=content_type, object_id__in=list(texts))
        write(
            state_model,
            plan(content_type.pk, texts, fields, existing, source_field=source_field),
        )


# Machine drafts and approvals (the translation backends' side)


@dataclass(frozen=True)
class Wanted:
    """A field to draft: the object's ``model``, ``pk``, tracked ``field``, the ``language``
    to draft in, and the source text as it is (``source_language``, ``text``, ``digest``)."""

    model: type
    pk: int
    field: str
    language: str
    source_language: str
    text: str
    digest: str


def wanted(model, language: str, states: Iterable[str] = (State.MISSING, State.STALE), limit=None):
    """The fields of ``model``'s objects to draft in ``language``: those in ``states`` with
    no draft yet, in two queries. Public and recently changed objects are not preferred:
    the caller orders nothing, a backend drafts them all."""
    rows = TranslationState.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        language=language,
        state__in=[s for s in states if s in (State.MISSING, State.STALE)],
    ).order_by("object_id", "field")
    if limit is not None:
        rows = rows[:limit]
    rows = list(rows.values("object_id", "field", "source_language", "seen_source_digest"))
    cols = columns(model, {row["field"] for row in rows})
    texts = {
        row["pk"]: row
        for row in model._default_manager.filter(pk__in={row["object_id"] for row in rows}).values(
            "pk", *cols
        )
    }
    found = []
    for row in rows:
        values = texts.get(row["object_id"])
        source = row["source_language"]
        text = (values or {}).get(build_localized_fieldname(row["field"], source)) or ""
        made_from = digest(text)
        if values is None or not made_from or made_from != row["seen_source_digest"]:
            continue  # gone, or changed since the row was kept: a save will bring it back
        found.append(
            Wanted(model, row["object_id"], row["field"], language, source, text, made_from)
        )
    return found


def store_drafts(drafts: Iterable[tuple[Wanted, str]]) -> int:
    """Keep each machine draft beside the field it translates (never in the object's
    column), if the field still needs it and its source is still the text drafted; how
    many were kept. Two queries per kind of object, in one transaction."""
    by_model = defaultdict(dict)
    for item, text in drafts:
        if text.strip():
            by_model[item.model][(item.pk, item.field, item.language)] = (item.digest, text)
    kept = []
    drafted = defaultdict(set)
    now = timezone.now()
    with transaction.atomic(using=router.db_for_write(TranslationState)):
        for model, wanted_here in by_model.items():
            rows = TranslationState.objects.select_for_update().filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in={pk for pk, _f, _l in wanted_here},
                language__in={code for _p, _f, code in wanted_here},
                state__in=[State.MISSING, State.STALE],
            )
            for row in rows:
                made_from, text = wanted_here.get(
                    (row.object_id, row.field, row.language), ("", "")
                )
                if made_from and made_from == row.seen_source_digest:
                    row.state, row.draft, row.changed_at = State.MACHINE, text, now
                    kept.append(row)
                    drafted[model].add(row.object_id)
        TranslationState.objects.bulk_update(kept, ["state", "draft", "changed_at"])
    # No save, so no signal: a page stops advertising a language whose field is a draft.
    for model, pks in drafted.items():
        freshness.rows_changed(model, pks)
    return len(kept)


def drafts_of(obj, language: str | None = None) -> dict[tuple[str, str], str]:
    """The machine drafts awaiting review for ``obj``: (field, language) -> text."""
    rows = TranslationState.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, state=State.MACHINE
    ).exclude(draft="")
    if language:
        rows = rows.filter(language=language)
    return {(row.field, row.language): row.draft for row in rows.order_by("language", "field")}


def confirm(obj, language: str | None = None, fields: Iterable[str] | None = None) -> int:
    """A person says the translations as stored (of ``fields``, in ``language``; default
    all) are right for the source as it is now: stale ones become up to date, and machine
    drafts are dropped (a missing field stays missing); how many rows changed."""
    rows = TranslationState.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).exclude(state__in=[State.MISSING, State.CURRENT])
    if language:
        rows = rows.filter(language=language)
    if fields is not None:
        rows = rows.filter(field__in=list(fields))
    changed = list(rows)
    now = timezone.now()
    for row in changed:
        made = bool(row.translation_digest)
        row.state = State.CURRENT if made else State.MISSING
        row.source_digest = row.seen_source_digest if made else ""
        row.draft, row.changed_at = "", now
    TranslationState.objects.bulk_update(changed, ["state", "source_digest", "draft", "changed_at"])
    if changed:
        # No save, so no signal: public pages say whether a translation is current.
        freshness.rows_changed(type(obj), [obj.pk])
    return len(changed)


# Reading them


@dataclass(frozen=True)
class Summary:
    """An object in one language: its worst state, each field's, and when its source last
    changed meaningfully (None if not since tracking began)."""

    language: str
    state: str
    source_language: str
    fields: dict[str, str]
    source_changed_at: dt.datetime | None = None

    @property
    def label(self) -> str:
        return State(self.state).label

    @property
    def is_source(self) -> bool:
        return self.language == self.source_language

    def fields_in(self, state: str) -> list[str]:
        return [name for name, value in self.fields.items() if value == state]


def summarise(rows: Iterable, language: str, source_language: str) -> Summary:
    rows = list(rows)
    if language == source_language or not rows:
        return Summary(language, State.CURRENT, source_language, {})
    worst = max(rows, key=lambda row: SEVERITY[row.state]).state
    changes = [row.source_changed_at for row in rows if row.source_changed_at]
    return Summary(
        language,
        worst,
        source_language,
        {row.field: row.state for row in rows},
        max(changes) if changes else None,
    )


def states_for(objects: Iterable, language: str | None = None) -> dict[tuple[int, int], dict]:
    """For objects of any tracked models, in one query: (content type id, pk) ->
    language -> Summary, for ``language`` or every language."""
    objects = list(objects)
    by_type = defaultdict(set)
    for obj in objects:
        by_type[ContentType.objects.get_for_model(obj).pk].add(obj.pk)
    if not by_type:
        return {}
    wanted = models.Q()
    for type_id, pks in by_type.items():
        wanted |= models.Q(content_type_id=type_id, object_id__in=pks)
    rows = TranslationState.objects.filter(wanted)
    if language:
        rows = rows.filter(language=language)
    grouped = defaultdict(list)
    for row in rows.order_by("field"):
        grouped[(row.content_type_id, row.object_id, row.language)].append(row)
    codes = [language] if language else languages()
    result = {}
    for obj in objects:
        key = (ContentType.objects.get_for_model(obj).pk, obj.pk)
        source = source_language_of(obj)
        result[key] = {code: summarise(grouped[(*key, code)], code, source) for code in codes}
    return result


def key(obj) -> tuple[int, int]:
    """An object's key in what ``states_for`` returns."""
    return ContentType.objects.get_for_model(obj).pk, obj.pk


def state_of(obj, language: str) -> Summary:
    """One object in one language (one query): e.g. for a reader's notice."""
    return states_for([obj], language)[key(obj)][language]


def having(queryset, states: Iterable[str], language: str | None = None):
    """The objects of ``queryset`` with a field in one of ``states`` (in ``language``)."""
    rows = TranslationState.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model),
        object_id=OuterRef("pk"),
        state__in=list(states),
    )
    if language:
        rows = rows.filter(language=language)
    return queryset.filter(Exists(rows))


def pairs_in(state: str, content_types: Iterable[int] | None = None) -> int:
    """How many object × language pairs have a field in ``state`` (one query)."""
    rows = TranslationState.objects.filter(state=state)
    if content_types is not None:
        rows = rows.filter(content_type_id__in=list(content_types))
    return rows.values("content_type_id", "object_id", "language").distinct().count()
