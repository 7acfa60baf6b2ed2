"""What a page read, and what a change touched: the tags that keep cached pages exact.

While a page (or a value derived from content, see ``freshness.remember``) is computed, a
*recording* notes the tags of what it read:

- ``set:<model>`` for every table of a watched model its SQL names (seen by a database
  execute wrapper, so joins, subqueries, counts and ``values()`` are all caught): which
  rows a list holds, in what order, and every value read from them;
- ``row:<model>:<pk>`` for every instance built of a model that declares *display-only*
  fields (``watch(Article, display_only=(...))``): the text a page shows of that row;
- ``any:<model>`` when its SQL filters or orders by a display-only column (search, the
  API's ``modified_since``), or selects one without building instances (``values()``;
  a query selecting only some columns counts as that unless rows are built from it):
  such a page depends on the text of rows it cannot name.

A change bumps tags: ``row:`` and ``any:`` always, ``set:`` unless it changed only
display-only fields of an existing row. So editing an article's title or body makes
stale its own page and the pages that built it (a list page, its partners' pages, the
feeds), not every article page, while publishing, unpublishing, re-dating or re-linking
one makes stale everything that lists articles.

Versions come from one counter (the *clock*) in the cache: a bump increments it and sets
each tag to the new value. An entry keeps the clock as read *before* it was computed and
its tags; it is fresh while none of its tags is newer than that (so a change committed
while a page was being rendered makes that page stale at once). Bumps happen when the
change is made and again after its transaction commits: a reader that rendered the old
rows in between cannot keep them.

The *epoch* ends everything at once: a cache that was away (writes may have been lost),
a restored backup, or a bulk write that cannot say what it touched (``everything_changed``).
"""

import re
import time
import uuid
from contextvars import ContextVar
from functools import partial

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Model
from django.db.models.signals import post_init

EPOCH_KEY = "pages:epoch"
CLOCK_KEY = "pages:clock"
NEXT_CHANGE_KEY = "pages:next-change"
LAST_CHANGE_KEY = "pages:last-change"  # when the last change was made (time.time())
TAG_PREFIX = "tag:"


class Watched:
    """What the recording knows of one watched model."""

    def __init__(self, model: type[Model], display_only: tuple[str, ...]):
        self.label = model._meta.label
        self.set_tag = f"set:{self.label}"
        self.any_tag = f"any:{self.label}"
        # Each display-only field's columns (modeltranslation adds one per language).
        self.display_columns = {
            field.column
            for field in model._meta.concrete_fields
            if field.name in display_only or base_name(field.name) in display_only
        }
        self.display_attnames = {
            field.attname
            for field in model._meta.concrete_fields
            if field.column in self.display_columns
        }
        # The fields a save compares with the stored row.
        self.membership_names = [
            field.name
            for field in model._meta.concrete_fields
            if field.attname not in self.display_attnames and not field.primary_key
        ]
        # A query building instances selects every column but the deferred ones, which
        # are display-only (the search vector).
        self.row_columns = [
            f'"{model._meta.db_table}"."{field.column}"'
            for field in model._meta.concrete_fields
            if field.column not in self.display_columns
        ]
        # Django names a column with its table, or with an alias (U0) in a subquery.
        columns = "|".join(map(re.escape, sorted(self.display_columns)))
        table = re.escape(model._meta.db_table)
        self.columns_re = (
            re.compile(f'(?:"{table}"|\\bU\\d+)\\."(?:{columns})"') if columns else None
        )

    def row_tag(self, pk) -> str:
        return f"row:{self.label}:{pk}"


def base_name(name: str) -> str:
    """``title_zh_hans`` -> ``title`` for modeltranslation's per-language fields."""
    for code, _name in settings.LANGUAGES:
        suffix = "_" + code.replace("-", "_")
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


_watched: dict[type[Model], Watched] = {}  # each model and its proxies
_tables: dict[str, tuple[Watched, ...]] | None = None  # table -> whose lists it holds
_tables_re: re.Pattern | None = None


def watched(model: type[Model]) -> Watched | None:
    return _watched.get(model)


def register(model: type[Model], display_only: tuple[str, ...] = ()) -> Watched:
    """Record reads of ``model`` (and its proxies) from now on."""
    global _tables
    info = Watched(model, display_only)
    for candidate in proxies_of(model):
        _watched[candidate] = info
        if info.display_columns:
            uid = f"dependencies-{candidate._meta.label}"
            post_init.connect(instance_built, sender=candidate, dispatch_uid=uid)
    _tables = None
    return info


def tables() -> tuple[dict, re.Pattern | None]:
    """Each watched table, and each many-to-many link table between watched models (part
    of both ends' lists), with the models it belongs to; a pattern finding them in SQL."""
    global _tables, _tables_re
    if _tables is None:
        found: dict[str, list[Watched]] = {}
        for model, info in _watched.items():
            if model._meta.proxy:
                continue
            found.setdefault(model._meta.db_table, []).append(info)
            for field in model._meta.local_many_to_many:
                ends = [info, _watched.get(field.remote_field.model)]
                links = found.setdefault(field.remote_field.through._meta.db_table, [])
                links.extend(end for end in ends if end and end not in links)
        _tables = {table: tuple(infos) for table, infos in found.items()}
        names = "|".join(map(re.escape, sorted(_tables)))
        _tables_re = re.compile(f'"({names})"') if _tables else None
    return _tables, _tables_re


# Recording


class Recording:
    def __init__(self, epoch: str, clock: int, parent: "Recording | None"):
        self.epoch, self.clock, self.parent = epoch, clock, parent
        self.tags: set[str] = set()
        # Models of which the last query selected display-only columns but not every
        # column: only() builds rows (each recorded), values() does not.
        self.pending: set[Watched] = set()

    def saw_query(self, sql: str) -> None:
        self.settle()
        by_table, pattern = tables()
        names = pattern.findall(sql) if pattern else ()
        if not names:
            return
        head = tail = None
        for name in set(names):
            for info in by_table[name]:
                self.tags.add(info.set_tag)
                if info.columns_re is None:
                    continue
                if head is None:
                    head, _from, tail = sql.partition(" FROM ")
                if info.columns_re.search(tail):
                    self.tags.add(info.any_tag)
                elif info.columns_re.search(head) and not all(
                    column in head for column in info.row_columns
                ):
                    self.pending.add(info)

    def settle(self) -> None:
        """Text selected by the last query without building its rows: rows it cannot name."""
        if self.pending:
            self.tags.update(info.any_tag for info in self.pending)
            self.pending.clear()


_current: ContextVar[Recording | None] = ContextVar("intloffice_recording", default=None)


class recording:
    """Record the tags of what the block reads; nested recordings add theirs to the
    enclosing one. ``epoch`` and ``clock`` are as read before the block (``read_state``).
    ``inherit``: the block also depends on everything the enclosing recording read so
    far (a template fragment shows what its view read before it)."""

    def __init__(self, epoch: str, clock: int, inherit: bool = False):
        self.epoch, self.clock, self.inherit = epoch, clock, inherit

    def __enter__(self) -> Recording:
        parent = _current.get()
        self.recording = Recording(self.epoch, self.clock, parent)
        if self.inherit and parent is not None:
            self.recording.tags |= parent.tags
        self.token = _current.set(self.recording)
        return self.recording

    def __exit__(self, *exc):
        _current.reset(self.token)
        self.recording.settle()
        if self.recording.parent is not None:
            self.recording.parent.tags |= self.recording.tags
        return False


def recording_now() -> bool:
    return _current.get() is not None


def read_state_once(key: str) -> tuple[str, int, object]:
    """(epoch, clock, the key's value): inside a recording, the epoch and clock it began
    with (read once per request; an entry checked against them is at most as old as the
    request) and one cache read; else ``read_state``'s."""
    if (current := _current.get()) is not None:
        return current.epoch, current.clock, cache.get(key)
    epoch, clock, values = read_state([key])
    return epoch, clock, values.get(key)


def record(tags) -> None:
    """Add tags to the current recording (a remembered value read from the cache)."""
    if (current := _current.get()) is not None:
        current.tags.update(tags)


def uses(obj: Model) -> None:
    """The recorded block shows ``obj`` without reading its row (it was passed in)."""
    if (current := _current.get()) is None or (info := _watched.get(type(obj))) is None:
        return
    current.tags.add(info.row_tag(obj.pk) if info.display_columns else info.set_tag)


def watch_queries(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if (current := _current.get()) is not None:
        current.saw_query(sql)
    return result


def install_on(connection, **kwargs) -> None:
    """connection_created receiver: every connection reports its queries."""
    if watch_queries not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_queries)


def instance_built(sender, instance, **kwargs) -> None:
    if (current := _current.get()) is None or instance.pk is None:
        return
    info = _watched[sender]
    current.tags.add(info.row_tag(instance.pk))
    current.pending.discard(info)


# Versions


_next_changes: list[tuple[type[Model], object]] = []


def changes_by_itself(model: type[Model], next_change) -> None:
    """``next_change()`` says when ``model``'s lists next change without a write."""
    if (model, next_change) not in _next_changes:
        _next_changes.append((model, next_change))


def next_change() -> float:
    upcoming = [when for _model, find in _next_changes if (when := find())]
    return min(upcoming).timestamp() if upcoming else 0


def cache_available() -> bool:
    """False while this process skips an unreachable cache (local memory always answers)."""
    return getattr(cache, "available", True)


def everything_changed() -> tuple[str, int]:
    """A new epoch: every cached page and value is stale from now on."""
    epoch = uuid.uuid4().hex[:16]
    # Larger than any clock before it, so a tag kept from an earlier epoch never
    # passes for an unchanged one.
    clock = time.time_ns() // 1000
    cache.set_many(
        {
            EPOCH_KEY: epoch,
            CLOCK_KEY: clock,
            NEXT_CHANGE_KEY: next_change(),
            LAST_CHANGE_KEY: time.time(),
        },
        timeout=None,
    )
    _last_change.set(time.time())
    return epoch, clock


_recoveries_seen = 0
# When content last changed, as the last read_state() in this context saw it.
_last_change: ContextVar[float] = ContextVar("intloffice_last_change", default=0.0)


def seconds_since_change() -> float:
    """Seconds since the last change to content, as read with the page cache's state at
    the start of this request (no extra cache read); large when nothing is known."""
    last = _last_change.get()
    return time.time() - last if last else float("inf")


def read_state(extra_keys=()) -> tuple[str, int, dict]:
    """(epoch, clock, the extra keys' values) in one cache read; starts an epoch when
    there is none (or the cache was away), and bumps what changed by itself when its
    time has come."""
    global _recoveries_seen
    if not cache_available():
        # Nothing can be read or kept: a throwaway epoch, without asking the database.
        return uuid.uuid4().hex[:16], 0, {}
    values = cache.get_many([EPOCH_KEY, CLOCK_KEY, NEXT_CHANGE_KEY, LAST_CHANGE_KEY, *extra_keys])
    _last_change.set(values.get(LAST_CHANGE_KEY) or 0.0)
    epoch, clock = values.get(EPOCH_KEY), values.get(CLOCK_KEY)
    due = values.get(NEXT_CHANGE_KEY) or 0
    recoveries = getattr(cache, "recoveries", 0)
    if epoch is None or clock is None or recoveries != _recoveries_seen:
        _recoveries_seen = recoveries
        epoch, clock = everything_changed()
        return epoch, clock, {}
    if due and time.time() >= due:
        tags = [tag for model, _find in _next_changes for tag in bump_tags_of(model)]
        clock = bump(tags) or clock
    return epoch, clock, values


def known_state() -> tuple[str, int] | None:
    """(epoch, clock) if an epoch is running, else None: never starts one nor asks the
    database, for pages that must cost no database work (the 404 page)."""
    if not cache_available():
        return None
    values = cache.get_many([EPOCH_KEY, CLOCK_KEY, NEXT_CHANGE_KEY])
    due = values.get(NEXT_CHANGE_KEY) or 0
    if EPOCH_KEY not in values or CLOCK_KEY not in values or (due and time.time() >= due):
        return None
    return values[EPOCH_KEY], values[CLOCK_KEY]


def bump_tags_of(model: type[Model]) -> tuple[str, str]:
    info = _watched[model]
    return (info.set_tag, info.any_tag)


def bump(tags) -> int | None:
    """Make every entry that recorded one of ``tags`` stale; the new clock."""
    tags = set(tags)
    if not tags:
        return None
    try:
        clock = cache.incr(CLOCK_KEY)
    except ValueError:  # no clock (an empty or unreachable cache): a new epoch
        everything_changed()
        return None
    values = dict.fromkeys((TAG_PREFIX + tag for tag in tags), clock)
    values[LAST_CHANGE_KEY] = time.time()
    if any(tag.startswith("set:") for tag in tags) and _next_changes:
        values[NEXT_CHANGE_KEY] = next_change()  # a change may schedule one
    cache.set_many(values, timeout=None)
    return clock


def changed(tags, using: str = "default") -> None:
    """Bump ``tags`` now and, inside a transaction, again after it commits: a reader that
    rendered the old rows in between must not keep them."""
    bump(tags)
    if connections[using].in_atomic_block:
        transaction.on_commit(partial(bump, frozenset(tags)), using=using)


def fresh(entry, epoch: str, clock: int) -> bool:
    """Whether an entry (epoch, clock, tags, value) kept earlier is still exact; a second
    cache read only when something changed since it was kept."""
    kept_epoch, kept_clock, tags, _value = entry
    if kept_epoch != epoch:
        return False
    if kept_clock == clock or not tags:
        return True
    versions = cache.get_many([TAG_PREFIX + tag for tag in tags])
    return len(versions) == len(tags) and all(v <= kept_clock for v in versions.values())


def stamp(rec: Recording) -> tuple:
    """(epoch, clock, tags) to keep with what ``rec`` recorded. Tags never bumped are
    set to the clock it was computed at, so a tag lost from the cache reads as changed."""
    tags = tuple(sorted(rec.tags))
    if tags:
        keys = [TAG_PREFIX + tag for tag in tags]
        found = cache.get_many(keys)
        for key in keys:
            if key not in found:
                cache.add(key, rec.clock, timeout=None)
    return (rec.epoch, rec.clock, tags)


def proxies_of(model: type[Model]) -> list[type[Model]]:
    """``model`` and its proxy models (signals name the class saved)."""
    return [m for m in apps.get_models() if m._meta.concrete_model is model]
