"""A partner's timeline: what involves an organisation, newest first, each thing once, by year.

partners knows its events and visits; the apps above it know their articles and agreements,
and partners may not import them (ARCHITECTURE.md). So each app plugs a *source* into this
registry in its ``AppConfig.ready()``, as news does with its articles (news/apps.py)::

    from partners import timeline
    timeline.register("agreements", agreements_source)

The contract of a source, ``source(organization, limit) -> Iterable[Entry]``:

- It gives the entries that involve ``organization`` and that the public may see (an
  article only when published by ``Article.objects.published()``; an agreement only when
  public, and nothing of its private fields), at most ``limit`` of them, the newest first.
- It costs a fixed number of SQL queries whatever the data: the rows and their prefetches,
  never a query per entry (the organisation page's budget is asserted at 1 and 50 rows).
- ``obj`` is the thing itself: the entry links to ``obj.get_absolute_url()``, showing
  ``obj.<title_field>`` in the language it is written in.
- ``when`` orders entries (an aware datetime); ``day`` is the date readers see (an event's
  in its own zone) and the year it is filed under.
- ``label`` is the kind in words ("incoming visit", "news"), ``template`` an optional
  partial shown under the link, with ``entry`` in its context.
- ``about`` holds the keys (``key(Model, pk)``) of what the entry is about: an article's
  events, an agreement's signing event, a session's main event. An entry about another
  entry of the same timeline is shown under it rather than on its own, so that a visit's
  report is read under the visit, not once as an article and once as an event.

An entry is known by ``key(type(obj), obj.pk)``: when two sources give the same thing, the
first registered wins.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Model, Prefetch, prefetch_related_objects
from django.utils import timezone

from .models import Event, Organization

# The latest entries of each source: the page stays fast however long the history. The
# articles beyond it are in the news list filtered by the partner (the page links to it).
LIMIT = 30

Key = tuple[str, object]


def key(model: type[Model], pk) -> Key:
    return (model._meta.label_lower, pk)


@dataclass
class Entry:
    obj: Model
    when: dt.datetime
    day: dt.date
    label: str
    title_field: str = "name"
    about: tuple[Key, ...] = ()
    template: str | None = None
    # Filled by timeline(): the entries shown under this one, oldest first.
    attached: list["Entry"] = field(default_factory=list)

    @property
    def key(self) -> Key:
        return key(type(self.obj), self.obj.pk)


@dataclass
class Year:
    year: int
    entries: list[Entry]


@dataclass
class Timeline:
    years: list[Year]
    # The most entries a source gave; a source that gave that many may have more.
    limit: int
    cut: bool = False

    def __bool__(self) -> bool:
        return bool(self.years)


Source = Callable[[Organization, int], Iterable[Entry]]
_sources: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Add a source of entries (registering a name again replaces its source)."""
    _sources[name] = source


def timeline(organization: Organization, limit: int = LIMIT) -> Timeline:
    """The organisation's entries from every source, by year, newest first; an entry about
    another is shown under it (the outermost one when entries are about entries). ``cut``
    when a source gave ``limit`` entries: older ones may be left out."""
    entries: dict[Key, Entry] = {}
    cut = False
    for source in _sources.values():
        given = list(source(organization, limit))
        cut = cut or len(given) >= limit
        for entry in given:
            entries.setdefault(entry.key, entry)
    newest_first = sorted(entries.values(), key=lambda e: (e.when, e.key), reverse=True)
    rank = {entry.key: number for number, entry in enumerate(newest_first)}
    shown = []
    for entry in newest_first:
        if (home := shown_under(entry, entries, rank)) is None:
            shown.append(entry)
        else:
            home.attached.append(entry)
    years: dict[int, list[Entry]] = {}
    for entry in shown:
        entry.attached.sort(key=lambda attached: (attached.when, attached.key))
        years.setdefault(entry.day.year, []).append(entry)
    by_year = [Year(year, items) for year, items in sorted(years.items(), reverse=True)]
    return Timeline(by_year, limit, cut)


def shown_under(entry: Entry, entries: dict[Key, Entry], rank: dict[Key, int]) -> Entry | None:
    """The entry that ``entry`` is shown under, or None when it stands on its own: the end
    of the chain of what it is about (the first of its ``about`` in the timeline, and so on).
    Entries about each other in a circle are all shown under the newest of them."""
    path = [entry.key]
    current = entry
    while following := next(
        (entries[k] for k in current.about if k in entries and k != current.key), None
    ):
        if following.key in path:
            circle = path[path.index(following.key) :]
            current = entries[min(circle, key=rank.__getitem__)]
            break
        path.append(following.key)
        current = following
    return None if current is entry else current


def events_and_visits(organization: Organization, limit: int) -> list[Entry]:
    """partners' own source: the events and visits involving the organisation (three
    queries at most: the events, and the visiting and host organisations of the visits
    among them). Events have no draft state: every event is public."""
    events = list(Event.objects.involving(organization).order_by("-start", "-pk")[:limit])
    by_slug = Organization.objects.order_by("slug")
    prefetch_related_objects(
        [event for event in events if event.is_visit()],
        Prefetch("visiting_organizations", queryset=by_slug),
        Prefetch("host_organizations", queryset=by_slug),
    )
    return [
        Entry(
            obj=event,
            when=event.start,
            day=timezone.localtime(event.start, event.zone).date(),
            label=event.kind_label(),
            about=(key(Event, event.parent_id),) if event.parent_id else (),
            template="includes/timeline_visit.html" if event.is_visit() else None,
        )
        for event in events
    ]
