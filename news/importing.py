"""Importing archives of plain-text articles: files -> parsed articles -> rows.

``import_articles(paths)`` is what the management command, a test or any future caller
runs. An article is a file, ``NAME.txt``, with its translations beside it, if any
(``NAME.ru.txt``, ``NAME.zh-hans.txt``: one file per language, each in the seed format).
Each file is all-or-nothing; a file that fails is reported with one line and the others
go on (or, with ``strict``, nothing at all is written): a translation that fails leaves
its article in the other languages, a translation without its original is refused.
Articles are written in batches, with one look-up of existing rows per batch, so a
re-import of an unchanged archive only reads. Finding and reading the files safely, and
grouping them by article, is news/sources.py.

Most of a first import is the database's work (storing rows, computing their search
vectors), so Python works meanwhile: a thread reads and parses the next files
(``read_ahead``), and new articles go by COPY on PostgreSQL (intloffice/core/bulk.py),
each row's mentions found while the database stores the rows sent before it.

Longer than most modules: the importer's steps for a batch (look up, create, update,
link mentions, refresh translation states and pages) share their state and are read in order.
"""

import datetime as dt
import hashlib
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.html import escape
from modeltranslation.utils import build_localized_fieldname

from intloffice.core import provenance, websub
from intloffice.core.audit import CommandLine
from intloffice.core.freshness import kinds_changed
from intloffice.core.slugs import make_slug, with_suffix
from intloffice.core.translated import localized_fields

from . import feeds, workflow
from .mentions import KINDS, MentionMatcher, Mentions, replace_links
from .models import Article
from .parsing import (
    MAX_FILE_BYTES,
    ParsedArticle,
    ParseError,
    decode,
    normalise_title,
    parse_article,
)
from .sources import Found, find_articles, read_bytes

# Measured at 10,000 articles on PostgreSQL (bench/import_bench.py, a loaded 2-core
# machine): 250 a batch ran at 338 and 268 articles/s where 500 ran at 282 and 247 in the
# same minutes, 1,000 at 299 and 100 at 252; and peaks at 137 MB against 156 (500) and
# 208 (1,000). With COPY and the read-ahead, import_articles alone took 13.4 and 13.0 s at
# 250, 12.9 at 500, 13.1 and 13.2 at 1,000 (alternating, one session): no faster, but
# peaks of 140, 146 and 158 MB.
BATCH_SIZE = 250
# A run that writes this many articles ends by refreshing the planner's statistics.
ANALYZE_AFTER = 1000
# The archive format has no lead: cards and descriptions fall back to the body.
TRANSLATED = ("title", "body", "byline")
EMPTY_TRANSLATIONS = localized_fields(
    "title", "summary", "body", "byline", "image_alt", "image_caption"
)
T = TypeVar("T")
# What an import writes of an article's text, and so what it compares before writing.
TEXT_COLUMNS = (*localized_fields(*TRANSLATED), "original_language")


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


@dataclass(frozen=True)
class SourceFile:
    """An article as its files give it: the original (``path``, ``article``) names it
    (``key``), its translations add languages, ``digest`` covers them all."""

    path: Path
    article: ParsedArticle
    key: str
    digest: str
    translations: tuple[ParsedArticle, ...] = ()

    @property
    def texts(self) -> tuple[ParsedArticle, ...]:
        return (self.article, *self.translations)

    def with_translation(self, translation: ParsedArticle) -> "SourceFile":
        """Raises ParseError if the translation does not fit its original."""
        original = self.article
        if translation.language in {text.language for text in self.texts}:
            raise ParseError(
                f"a second {translation.language} text of {self.path.name}; "
                "an article has one file per language"
            )
        if translation.published != original.published:
            raise ParseError(
                f"dated {translation.published:%Y.%m.%d}, its original {self.path.name} "
                f"{original.published:%Y.%m.%d}: a translation carries its original's date"
            )
        translations = (*self.translations, translation)
        return replace(self, translations=translations, digest=digest(original, translations))


class ImportAborted(Exception):
    """Raised inside the strict transaction to roll it back."""


def read_source(path: Path, language: str | None, max_bytes: int = MAX_FILE_BYTES) -> SourceFile:
    article = parse_article(decode(read_bytes(path, max_bytes)), language=language)
    return SourceFile(path=path, article=article, key=identity(article), digest=digest(article))


def read_article(
    files: list[Found], language: str | None, max_bytes: int
) -> tuple[SourceFile | None, list[tuple[Path, str | None]]]:
    """The article a group of files makes (None if its original fails or is missing), and
    what became of each file: ``(path, None)`` read, ``(path, reason)`` refused.

    ``language`` is the original's (None: detected); a translation's is in its name.
    """
    original = next((found for found in files if found.language is None), None)
    source = None
    outcome: dict[Path, str | None] = {}
    if original is not None:
        error = original.error
        if error is None:
            try:
                source = read_source(original.path, language, max_bytes)
            except ParseError as refused:
                error = str(refused)
        outcome[original.path] = error
    for found in files:
        if found is original:
            continue
        error = found.error
        if error is None and original is None:
            name = found.path.name[: -len(f".{found.language}.txt")] + ".txt"
            error = f"a translation without its original {name}; import the two together"
        elif error is None and source is None:
            error = f"not imported: its original {original.path.name} failed"
        elif error is None:
            try:
                text = decode(read_bytes(found.path, max_bytes))
                source = source.with_translation(parse_article(text, language=found.language))
            except ParseError as refused:
                error = str(refused)
        outcome[found.path] = error
    return source, [(found.path, outcome[found.path]) for found in files]


def read_ahead(items: Iterable[T], ahead: int) -> Iterator[T]:
    """What ``items`` gives, in order, computed by a thread up to ``ahead`` items early.

    The importer reads and parses the next files while it waits for the database to
    store the last batch (the database's work, not Python's, is most of an import; a
    thread waiting on it holds no lock). The thread touches no database. An exception
    it meets is raised here, where the item would have come; if the reader stops early,
    the thread stops too.
    """
    finished = object()
    ready: queue.Queue = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as error:  # noqa: BLE001 - raised again in the reader
            put((finished, error))
            return
        put((finished, None))

    thread = threading.Thread(target=produce, name="import-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = ready.get()
            if error is not None:
                raise error
            if item is finished:
                return
            yield item
    finally:
        stop.set()
        thread.join()


def identity(article: ParsedArticle) -> str:
    """Same normalised title and date: the same article, whatever file it came from."""
    text = f"{normalise_title(article.title)}\x1f{article.published.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()


def digest(article: ParsedArticle, translations: Iterable[ParsedArticle] = ()) -> str:
    """The text's digest; with translations, a digest of the texts' digests (an article
    of one file keeps the digest it had before translations existed)."""
    parts = [article.language, article.title, *article.paragraphs, article.byline]
    parts.append(article.published.isoformat())
    own = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    others = [digest(text) for text in sorted(translations, key=lambda text: text.language)]
    if not others:
        return own
    return hashlib.sha256("\x1f".join([own, *others]).encode()).hexdigest()


def slug_choices(source: SourceFile) -> tuple[str, str]:
    """The title's slug (as the admin makes it), then the title with the date."""
    base = make_slug(source.article.title, fallback=f"article-{source.key[:12]}")
    return base, with_suffix(base, source.article.published.isoformat())


def body_html(article: ParsedArticle) -> str:
    """Text is text: every character is escaped, each paragraph is a <p>."""
    return "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in article.paragraphs)


def text_values(source: SourceFile) -> dict[str, str]:
    """The columns an import writes of the article's text, in every language it has."""
    values = {"original_language": source.article.language}
    for text in source.texts:
        values.update(translated_values(text))
    return values


def mentions_in(matcher: MentionMatcher, source: SourceFile) -> Mentions:
    """Who and what the article names, in any of its languages."""
    found = Mentions()
    for text in source.texts:
        in_text = matcher.find(text.text)
        for kind in KINDS:
            getattr(found, kind).update(getattr(in_text, kind))
    return found


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
        # Whether published articles were written, and the partners they name: their feeds
        # changed, and the WebSub hub is told once, at the end.
        self.feeds_changed = False
        self.partners_in_feeds: set[str] = set()

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
            kinds_changed(Article)
            return
        self.add(report, counts)
        if counts[0] or counts[1]:
            # Bulk writes send no signals: the committed batch renews cached pages itself.
            kinds_changed(Article)

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
        load_texts(existing, batch)
        created: dict[str, tuple[Article, SourceFile]] = {}
        updated: dict[str, tuple[Article, SourceFile]] = {}
        unchanged = 0
        for source in batch:
            previous = created.get(source.key) or updated.get(source.key)
            article = previous[0] if previous else existing.get(source.key)
            known_digest = self.seen.get(source.key) or (article.source_digest if article else None)
            if known_digest == source.digest or (
                article is not None and writes_nothing(article, source)
            ):
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
        texts: dict[int, dict] = {}
        links: dict[int, Mentions] = {}

        def sent(article: Article, values: dict) -> None:
            # While PostgreSQL stores the rows sent (and computes their search vectors),
            # Python finds what this one names and keeps its text for its translation states.
            texts[article.pk] = values
            if self.matcher is not None:
                links[article.pk] = mentions_in(self.matcher, created[article.import_key][1])

        # The bulk write checks the actor's permission and logs what it published.
        with workflow.acting(self.actor, via="import"):
            Article.objects.insert_new(new_articles, sent)
        changed = [article for article, _source in updated.values()]
        if changed:
            # Text only: status and publication date belong to the workflow, and a
            # publisher may have changed them since the first import.
            fields = [*TEXT_COLUMNS, "source_file", "source_digest", "updated_at"]
            Article.objects.bulk_update(changed, fields, batch_size=BATCH_SIZE)
            workflow.record_bulk(
                workflow.Acting(self.actor, "import"),
                "update the text of",
                [article.pk for article in changed],
            )
        # Bulk writes send no post_save: the translations' states follow the texts in a few
        # queries. (The search vectors were computed by the writes themselves, by the
        # table's trigger: intloffice.core.search.)
        provenance.refresh_texts(Article, texts)
        provenance.refresh(Article, [article.pk for article in changed])
        if self.matcher is not None:
            for article, source in updated.values():
                links[article.pk] = mentions_in(self.matcher, source)
            replace_links(links)
        if websub.enabled():
            in_feeds = [
                a.pk for a in new_articles + changed if a.status == Article.Status.PUBLISHED
            ]
            if in_feeds:
                self.feeds_changed = True
                self.partners_in_feeds |= feeds.partners_of(in_feeds)
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
        """The article's text from its files (not its status or publication date).

        A language no file gives keeps its text: staff may have translated it in the admin.
        """
        for column, value in text_values(source).items():
            setattr(article, column, value)
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


def load_texts(existing: dict[str, Article], batch: list[SourceFile]) -> None:
    """Read the text of the articles a file of the batch may change, in one query.

    A digest that differs may still write nothing (an article's original imported alone
    after it was imported with its translations); comparing the text tells. Loaded here,
    the columns are not read again one by one when the article is written.
    """
    stale = {
        existing[source.key].pk
        for source in batch
        if source.key in existing and existing[source.key].source_digest != source.digest
    }
    if not stale:
        return
    articles = {article.pk: article for article in existing.values()}
    for pk, *values in Article.objects.filter(pk__in=stale).values_list("pk", *TEXT_COLUMNS):
        for column, value in zip(TEXT_COLUMNS, values, strict=True):
            setattr(articles[pk], column, value)


def writes_nothing(article: Article, source: SourceFile) -> bool:
    """Would the article's text stay as it is? Both sides are compared as the columns store
    them (a body sanitised), whether the article was read or is about to be written."""

    def stored(column: str, value: str | None):
        return Article._meta.get_field(column).get_db_prep_save(value, connection)

    return all(
        stored(column, getattr(article, column)) == stored(column, value)
        for column, value in text_values(source).items()
    )


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
    languages = [code for code, _name in settings.LANGUAGES]
    found = find_articles(paths, languages)
    read = (read_article(files, language, max_bytes) for files in found)
    try:
        with (
            transaction.atomic() if strict else nullcontext(),
            closing(read_ahead(read, BATCH_SIZE)) as articles,
        ):
            batch: list[SourceFile] = []
            for source, outcome in articles:
                if source is not None:
                    batch.append(source)
                for path, error in outcome:
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
            kinds_changed(Article)
        if importer.feeds_changed:
            websub.announce(feeds.addresses(importer.partners_in_feeds))
    importer.keep_statistics(report, final=True)
    report.seconds = time.monotonic() - started
    return report
