"""Importing archives of plain-text articles: files -> parsed articles -> rows.

``import_articles(paths)`` is what the management command, a test or any future caller
runs. Each file is all-or-nothing; a file that fails is reported with one line and the
others go on (or, with ``strict``, nothing at all is written). Articles are written in
batches, with one look-up of existing rows per batch, so a re-import of an unchanged
archive only reads. Finding and reading the files safely is news/sources.py.

Longer than most modules: the importer's steps for a batch (look up, create, update,
link mentions, refresh search and pages) share their state and are read in order.
"""

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.html import escape
from modeltranslation.utils import build_localized_fieldname

from intloffice.core.audit import CommandLine
from intloffice.core.freshness import content_changed
from intloffice.core.search import refresh_search_vectors
from intloffice.core.slugs import make_slug, with_suffix
from intloffice.core.translated import localized_fields

from . import workflow
from .mentions import MentionMatcher, replace_links
from .models import Article
from .parsing import (
    MAX_FILE_BYTES,
    ParsedArticle,
    ParseError,
    decode,
    normalise_title,
    parse_article,
)
from .sources import find_files, read_bytes

BATCH_SIZE = 500
# A run that writes this many articles ends by refreshing the planner's statistics.
ANALYZE_AFTER = 1000
# The archive format has no lead: cards and descriptions fall back to the body.
TRANSLATED = ("title", "body", "byline")
EMPTY_TRANSLATIONS = localized_fields(
    "title", "summary", "body", "byline", "image_alt", "image_caption"
)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False
    rolled_back: bool = False

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def processed(self) -> int:
        return self.created + self.updated + self.unchanged + self.failed


@dataclass
class SourceFile:
    path: Path
    article: ParsedArticle
    key: str
    digest: str


class ImportAborted(Exception):
    """Raised inside the strict transaction to roll it back."""


def read_source(path: Path, language: str | None, max_bytes: int = MAX_FILE_BYTES) -> SourceFile:
    article = parse_article(decode(read_bytes(path, max_bytes)), language=language)
    return SourceFile(path=path, article=article, key=identity(article), digest=digest(article))


def identity(article: ParsedArticle) -> str:
    """Same normalised title and date: the same article, whatever file it came from."""
    text = f"{normalise_title(article.title)}\x1f{article.published.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()


def digest(article: ParsedArticle) -> str:
    parts = [article.language, article.title, *article.paragraphs, article.byline]
    parts.append(article.published.isoformat())
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def slug_choices(source: SourceFile) -> tuple[str, str]:
    """The title's slug (as the admin makes it), then the title with the date."""
    base = make_slug(source.article.title, fallback=f"article-{source.key[:12]}")
    return base, with_suffix(base, source.article.published.isoformat())


def body_html(article: ParsedArticle) -> str:
    """Text is text: every character is escaped, each paragraph is a <p>."""
    return "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in article.paragraphs)


def translated_values(article: ParsedArticle) -> dict[str, str]:
    values = {
        "title": article.title,
        "body": body_html(article),
        "byline": article.byline,
    }
    return {
        build_localized_fieldname(name, article.language): value for name, value in values.items()
    }


def publish_time(date: dt.date) -> dt.datetime:
    return dt.datetime.combine(date, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


class Importer:
    def __init__(
        self,
        status: str,
        matcher: MentionMatcher | None,
        *,
        dry_run: bool,
        strict: bool,
        actor=None,
    ):
        # Who the audit names: a staff account (--user), or the shell's login.
        self.actor = actor or CommandLine()
        if not self.actor.has_perm("news.add_article"):
            raise PermissionDenied(f"{self.actor} may not add articles")
        # Creating articles as published is publishing: the workflow's permission.
        workflow.check(
            self.actor, f"import as {status}", None, workflow.State(status, timezone.now())
        )
        self.may_publish = self.actor.has_perm(workflow.PUBLISH)
        # Files refused because they would change what only a publisher may change.
        self.refused: dict[str, str] = {}
        self.status = status
        self.matcher = matcher
        self.dry_run = dry_run
        self.strict = strict
        self.seen: dict[str, str] = {}  # import key -> digest, for files repeated in one run
        self.analyzed_at = 0  # articles written when the statistics were last refreshed

    def keep_statistics(self, report: ImportReport, final: bool = False) -> None:
        """Refresh the planner's statistics each time the articles written have doubled,
        and at the end: a table that grows from empty under a planner that still thinks it
        empty gets slower with every batch (each batch looks up its import keys)."""
        written = report.created + report.updated
        if self.dry_run or written < ANALYZE_AFTER or written == self.analyzed_at:
            return
        if final or written >= 2 * self.analyzed_at:
            refresh_statistics()
            self.analyzed_at = written

    def write_batch(self, batch: list[SourceFile], report: ImportReport) -> None:
        """Write a batch in one transaction; if it fails, write file by file to find out which."""
        if self.strict:
            try:
                self.add(report, self.write(batch))
            except DatabaseError as error:
                report.failures.append((str(batch[0].path), f"database refused the batch: {error}"))
                raise ImportAborted from error
            return
        try:
            with transaction.atomic():
                counts = self.write(batch)
        except DatabaseError:
            for source in batch:
                try:
                    with transaction.atomic():
                        counts = self.write([source])
                except DatabaseError as error:
                    report.failures.append((str(source.path), f"database refused it: {error}"))
                    continue
                self.add(report, counts)
            content_changed()
            return
        self.add(report, counts)
        if counts[0] or counts[1]:
            # Bulk writes send no signals: the committed batch renews cached pages itself.
            content_changed()

    @staticmethod
    def add(report: ImportReport, counts: tuple[int, int, int]) -> None:
        report.created += counts[0]
        report.updated += counts[1]
        report.unchanged += counts[2]

    def write(self, batch: list[SourceFile]) -> tuple[int, int, int]:
        existing = {
            article.import_key: article
            for article in Article.objects.filter(import_key__in={s.key for s in batch}).only(
                "pk", "import_key", "source_digest", "slug", "status"
            )
        }
        created: dict[str, tuple[Article, SourceFile]] = {}
        updated: dict[str, tuple[Article, SourceFile]] = {}
        unchanged = 0
        for source in batch:
            previous = created.get(source.key) or updated.get(source.key)
            article = previous[0] if previous else existing.get(source.key)
            known_digest = self.seen.get(source.key) or (article.source_digest if article else None)
            if known_digest == source.digest:
                unchanged += 1
                continue
            if (
                article is not None
                and source.key not in created
                and article.status == Article.Status.PUBLISHED
                and not self.may_publish
            ):
                # As in the admin: what is published changes only through a publisher.
                self.refused[str(source.path)] = (
                    f"would update article {article.pk}, which is published: "
                    "only a publisher may change it"
                )
                continue
            self.seen[source.key] = source.digest
            if article is None:
                created[source.key] = (self.new_article(source), source)
            elif source.key in created:
                created[source.key] = (self.fill(created[source.key][0], source), source)
            else:
                updated[source.key] = (self.fill(article, source), source)
        if self.dry_run:
            return len(created), len(updated), unchanged

        new_articles = [article for article, _source in created.values()]
        self.assign_slugs(new_articles, [source for _article, source in created.values()])
        # The bulk write checks the actor's permission and logs what it published.
        with workflow.acting(self.actor, via="import"):
            Article.objects.bulk_create(new_articles, batch_size=BATCH_SIZE)
        changed = [article for article, _source in updated.values()]
        if changed:
            # Text only: status and publication date belong to the workflow, and a
            # publisher may have changed them since the first import.
            fields = [
                *localized_fields(*TRANSLATED),
                "source_file",
                "source_digest",
                "original_language",
                "updated_at",
            ]
            Article.objects.bulk_update(changed, fields, batch_size=BATCH_SIZE)
            workflow.record_bulk(
                workflow.Acting(self.actor, "import"),
                "update the text of",
                [article.pk for article in changed],
            )
        # Bulk writes send no post_save: one UPDATE refreshes the batch's search vectors.
        refresh_search_vectors(
            Article.objects.filter(pk__in=[a.pk for a in new_articles + changed])
        )
        if self.matcher is not None:
            replace_links(
                {
                    article.pk: self.matcher.find(source.article.text)
                    for article, source in (*created.values(), *updated.values())
                }
            )
        return len(created), len(updated), unchanged

    def new_article(self, source: SourceFile) -> Article:
        # Every translation column given: modeltranslation's per-column defaults switch the
        # active language each time, which costs more than the rest of the row.
        empty = dict.fromkeys(EMPTY_TRANSLATIONS)
        article = Article(
            import_key=source.key,
            status=self.status,
            publish_at=publish_time(source.article.published),
            **empty,
        )
        return self.fill(article, source)

    @staticmethod
    def fill(article: Article, source: SourceFile) -> Article:
        """The article's text from the file (not its status or publication date)."""
        for column, value in translated_values(source.article).items():
            setattr(article, column, value)
        article.original_language = source.article.language
        article.source_file = source.path.name[:255]
        article.source_digest = source.digest
        article.updated_at = dt.datetime.now(tz=dt.UTC)
        return article

    @staticmethod
    def assign_slugs(articles: list[Article], sources: list[SourceFile]) -> None:
        """Unique slugs with one query per batch; numbered only for rare repeated titles."""
        choices = [slug_choices(source) for source in sources]
        wanted = {slug for pair in choices for slug in pair}
        taken = set(Article.objects.filter(slug__in=wanted).values_list("slug", flat=True))
        for article, (base, dated) in zip(articles, choices, strict=True):
            if base not in taken:
                article.slug = base
            elif dated not in taken:
                article.slug = dated
            else:
                # Every numbered variant shares the first 60 characters of the dated slug.
                similar = Article.objects.filter(slug__startswith=dated[:60])
                taken |= set(similar.values_list("slug", flat=True))
                number = 2
                while (slug := with_suffix(dated, str(number))) in taken:
                    number += 1
                article.slug = slug
            taken.add(article.slug)


def refresh_statistics() -> None:
    """Tell the database's planner about a bulk load (ANALYZE the article tables).

    Autovacuum may be off or minutes late; meanwhile PostgreSQL plans for the table it
    last measured, possibly empty, and looks up one article by walking 100,000.
    """
    tables = [Article._meta.db_table] + [
        field.remote_field.through._meta.db_table for field in Article._meta.many_to_many
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def import_articles(
    paths: Iterable[str | Path],
    *,
    language: str | None = None,
    status: str = Article.Status.PUBLISHED,
    dry_run: bool = False,
    strict: bool = False,
    link: bool = True,
    max_bytes: int = MAX_FILE_BYTES,
    on_file: Callable[[Path, str | None], None] | None = None,
    actor=None,
) -> ImportReport:
    """Import articles from files and folders; ``on_file(path, error)`` follows progress.

    ``actor`` (a user holding the permissions, or by default the shell's login) is who
    the audit names; PermissionDenied if it may not create articles of ``status``.

    Without ``strict`` every batch commits on its own, so an interrupted run keeps what it
    finished; with ``strict`` the whole run is one transaction, rolled back on any failure.
    """
    started = time.monotonic()
    report = ImportReport(dry_run=dry_run)
    matcher = MentionMatcher.from_database() if link else None
    importer = Importer(status, matcher, dry_run=dry_run, strict=strict, actor=actor)
    try:
        with transaction.atomic() if strict else nullcontext():
            batch: list[SourceFile] = []
            for path, error in find_files(paths):
                if error is None:
                    try:
                        batch.append(read_source(path, language, max_bytes))
                    except ParseError as refused:
                        error = str(refused)
                if error:
                    report.failures.append((str(path), error))
                if on_file:
                    on_file(path, error)
                if len(batch) >= BATCH_SIZE:
                    importer.write_batch(batch, report)
                    importer.keep_statistics(report)
                    batch = []
            if batch:
                importer.write_batch(batch, report)
            report.failures.extend(importer.refused.items())
            if strict and report.failures:
                raise ImportAborted
    except ImportAborted:
        report.rolled_back = True
    else:
        if strict and not dry_run and (report.created or report.updated):
            content_changed()
    importer.keep_statistics(report, final=True)
    report.seconds = time.monotonic() - started
    return report
