"""Numbered pages that cost the same at page 2,000 as at page 1 (keyset pagination).

OFFSET makes the database walk past every earlier row: page 2,000 of the news list would
read 40,000 rows to show 20, and a COUNT(*) per view reads them all. Instead one pass over
the index numbers the rows and keeps the first row of every page (its sort key) with the
total. That pass runs once and is kept until the articles listed change (see core.freshness:
a new, unpublished or re-dated article makes the boundaries stale), shared by every worker
through the cache. A page is then ``WHERE key <= its first key ORDER BY key LIMIT per_page``, which
the index answers directly.
"""

import hashlib

from django.core.paginator import Paginator
from django.db.models import Count, F, Window
from django.db.models.functions import Mod, RowNumber
from django.utils.functional import cached_property

from intloffice.core import freshness
from intloffice.core.freshness import remember

from .models import NEWEST_FIRST

# Page boundaries are cached in blocks, so a page costs one small cache read.
PAGES_PER_BLOCK = 200


class NewestFirstPaginator(Paginator):
    """Pages of articles newest first (``ArticleQuerySet.newest_first``), found by key,
    not by offset.

    ``name`` identifies the listing (its filters) among the cached boundaries.
    """

    def __init__(self, object_list, per_page, *, name: str, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.name = name
        self._scanned: dict | None = None

    @cached_property
    def _prefix(self) -> str:
        return f"pages:{self.name}:{self.per_page}"

    @cached_property
    def count(self) -> int:
        key = f"{self._prefix}:count"
        total = freshness.remembered(key)
        return self._scan()[key] if total is None else total

    def page(self, number):
        number = self.validate_number(number)
        key = f"{self._prefix}:{(number - 1) // PAGES_PER_BLOCK}"
        block = freshness.remembered(key)
        if block is None:  # not computed since the list last changed, or evicted
            block = self._scan().get(key, [])
        if not block:  # an empty listing's first page
            return self._get_page(self.object_list.none(), number, self)
        published, pk = block[(number - 1) % PAGES_PER_BLOCK]
        rows = self.object_list.before(published, pk, inclusive=True)[: self.per_page]
        return self._get_page(rows, number, self)

    def _scan(self) -> dict:
        """Number the rows in one pass (once per paginator); cache the total and every
        page's first key, and return what was cached."""
        if self._scanned is not None:
            return self._scanned
        with freshness.computing() as recording:
            firsts = list(
                self.object_list.order_by()
                .annotate(
                    row=Window(RowNumber(), order_by=NEWEST_FIRST),
                    total=Window(Count("pk")),
                )
                .annotate(place=Mod(F("row") - 1, self.per_page))
                .filter(place=0)
                .order_by("row")
                .values_list("publish_at", "pk", "total")
            )
        values = {f"{self._prefix}:count": firsts[0][2] if firsts else 0}
        for start in range(0, len(firsts), PAGES_PER_BLOCK):
            block = [
                (published, pk) for published, pk, _total in firsts[start : start + PAGES_PER_BLOCK]
            ]
            values[f"{self._prefix}:{start // PAGES_PER_BLOCK}"] = block
        freshness.keep(recording, values)
        self._scanned = values
        return values


class RememberedCountPaginator(Paginator):
    """A paginator whose count is taken once for each query, until the rows it counts
    change (freshness.remember).

    For the admin's lists: COUNT(*) over 100,000 articles on every page view is the
    slowest part of a list page, and the count only changes when content does.
    """

    @cached_property
    def count(self) -> int:
        sql, params = self.object_list.query.sql_with_params()
        digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()[:32]
        return remember(f"count:{digest}", self.object_list.count)
