"""Machine drafts of the fields that need translating, kept for a person to review.

``draft(language)`` asks the configured backend (core/machine_translation.py) for every
missing or stale field in ``language`` that has no draft yet, with the language pair's
glossary (core/glossary.py: partners' names as the office writes them), and keeps each
answer beside its field (``provenance.store_drafts``), never in the object's column: readers
go on seeing the older translation, or the original, until an editor opens the form with the
drafts filled in, reads them and saves (core/provenance_admin.py).

Texts go in batches of one source language and kind (plain or HTML). A batch is kept as soon
as it comes back, so a backend failing half way keeps the drafts already made and the run
can simply be started again: fields with a draft are not asked twice. A draft whose source
changed while the machine worked is dropped, as is any draft once its source changes.
"""

from collections import defaultdict
from dataclasses import dataclass

from . import glossary, provenance
from .audit import audit
from .machine_translation import Backend, TranslationError, configured_backend, machine_drafts
from .richtext import HTMLField, sanitize

# Texts per request: a news body is a few kilobytes, and a server's limit is near 100 texts.
BATCH = 20


@dataclass
class Report:
    asked: int = 0  # fields sent to the backend
    kept: int = 0  # drafts kept (a field saved meanwhile is not overwritten)
    error: str = ""  # why the run stopped early, in one line


def is_html(model, field: str) -> bool:
    return isinstance(model._meta.get_field(field), HTMLField)


def draft(
    language: str,
    *,
    models=None,
    states=(provenance.State.MISSING, provenance.State.STALE),
    limit: int | None = None,
    backend: Backend | None = None,
    actor=None,
) -> Report:
    """Machine drafts for the fields of ``models`` (default: every tracked model) in
    ``states`` in ``language``, at most ``limit`` of them. Raises ``TranslationError`` when
    no backend is configured; a backend failing later stops the run with ``Report.error``."""
    backend = backend or configured_backend()
    if backend is None:
        raise TranslationError("No translation backend is configured (DJANGO_TRANSLATION_BACKEND).")
    report = Report()
    glossaries = {}
    for model in models or provenance.tracked_models():
        remaining = None if limit is None else limit - report.asked
        if remaining is not None and remaining <= 0:
            break
        batches = defaultdict(list)
        for item in provenance.wanted(model, language, states, remaining):
            batches[(item.source_language, is_html(model, item.field))].append(item)
        for (source, html), items in batches.items():
            if source not in glossaries:
                glossaries[source] = glossary.for_pair(source, language)
            for start in range(0, len(items), BATCH):
                chunk = items[start : start + BATCH]
                try:
                    texts = machine_drafts(
                        [item.text for item in chunk],
                        source,
                        language,
                        is_html=html,
                        glossary=glossaries[source],
                        backend=backend,
                    )
                except TranslationError as error:
                    report.error = str(error)
                    _log(actor, language, report)
                    return report
                report.asked += len(chunk)
                if html:
                    texts = [sanitize(text) or "" for text in texts]
                report.kept += provenance.store_drafts(zip(chunk, texts, strict=True))
    _log(actor, language, report)
    return report


def _log(actor, language: str, report: Report) -> None:
    if report.asked or report.error:
        audit.info(
            "%s: machine drafts in %s: %d kept of %d asked%s",
            actor or "system",
            language,
            report.kept,
            report.asked,
            f" (stopped: {report.error})" if report.error else "",
        )
