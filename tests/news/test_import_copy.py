"""New articles written by COPY (PostgreSQL) are the rows bulk_create wrote, with the same
links, translation states and audit lines; elsewhere the same code writes by INSERT."""

import logging
import re
import shutil
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType

from intloffice.core import bulk, provenance
from intloffice.core.provenance import TranslationState
from news.importing import BATCH_SIZE, import_articles
from news.models import Article
from tests.conftest import SEEDS

DATA = Path(__file__).resolve().parent / "data"
SEED = Path(SEEDS) / "000_81355e64a07f423b.txt"
TITLE = "Polytechnic University at the Fifth ATURC-2022 Summit"
LINKS = ("organizations", "people", "events", "agreements")
# Columns that differ between two imports of the same files by nature.
MOMENTS = {"id", "created_at", "updated_at"}
NUMBER = re.compile(r"\d+")


@pytest.fixture
def archive(tmp_path):
    """Some 300 articles over two batches: repeated titles (dated slugs), an article given
    twice with different text (written, then updated), translations, markup, Cyrillic."""
    text = SEED.read_text(encoding="utf-8")
    for number in range(300):
        day = 1 + number % 28
        month = 1 + number // 28 % 12
        title = f"{TITLE}, part {number % 240}"
        body = text.replace(TITLE, title).replace("2022.06.10", f"2021.{month:02}.{day:02}")
        if number % 240 >= 200:  # same title, another date: the dated slug
            body = body.replace("2021.", "2020.")
        (tmp_path / f"{number:03}.txt").write_text(body, encoding="utf-8")
    again = (tmp_path / "007.txt").read_text(encoding="utf-8").replace("68 foremost", "69")
    (tmp_path / "z-again.txt").write_text(again, encoding="utf-8")  # in the second batch
    for name in ("markup.txt", "chinese_utf8.txt", "russian_cp1251_crlf.txt"):
        shutil.copy(DATA / name, tmp_path / name)
    shutil.copytree(DATA / "translated", tmp_path / "translated")
    for path in Path(SEEDS).iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def article_type() -> ContentType:
    return ContentType.objects.get_for_model(Article)


def keys() -> dict[int, str]:
    return dict(Article.objects.values_list("pk", "import_key"))


def articles() -> dict[str, dict]:
    """Every article's stored columns (its search vector too), links and translation
    states, by import key."""
    by_pk = keys()
    columns = [f.attname for f in Article._meta.concrete_fields if f.attname not in MOMENTS]
    rows = {row["import_key"]: row for row in Article.objects.values(*columns)}
    for pk, key in by_pk.items():
        article = Article.objects.get(pk=pk)
        for kind in LINKS:
            rows[key][kind] = sorted(getattr(article, kind).values_list("pk", flat=True))
    for state in states().items():
        rows[state[0][0]].setdefault("states", []).append(state)
    for row in rows.values():
        row.get("states", []).sort()
    return rows


def states() -> dict[tuple, tuple]:
    """Translation states by (import key, field, language), without their moments."""
    by_pk = keys()
    return {
        (by_pk[row.object_id], row.field, row.language): (
            row.state,
            row.source_language,
            row.source_digest,
            row.seen_source_digest,
            row.translation_digest,
            row.draft,
            row.source_changed_at is not None,
        )
        for row in TranslationState.objects.filter(content_type=article_type(), object_id__in=by_pk)
    }


def audit_lines(caplog) -> list[str]:
    """The audit's lines, ids counted from the run's first article."""
    first = min(keys()) - 1
    lines = []
    for record in caplog.records:
        if record.name != "intloffice.audit":
            continue
        head, ids = record.getMessage().rsplit(": ", 1)
        lines.append(f"{head}: {NUMBER.sub(lambda m: str(int(m[0]) - first), ids)}")
    return lines


def test_copy_writes_the_rows_links_states_and_audit_lines_of_bulk_create(
    seed_entities, archive, caplog, monkeypatch
):
    caplog.set_level(logging.INFO, logger="intloffice.audit")
    report = import_articles([archive])
    assert report.created > BATCH_SIZE and report.updated == 1 and not report.failures
    copied, copied_audit = articles(), audit_lines(caplog)
    assert any(row["organizations"] for row in copied.values())
    assert any(row.get("states") for row in copied.values())

    Article.objects.all().delete()
    assert not states()
    caplog.clear()
    # The way every database wrote them before COPY: bulk_create's INSERT.
    monkeypatch.setattr(bulk, "copies", lambda connection: False)
    again = import_articles([archive])

    assert (again.created, again.updated, again.unchanged) == (
        report.created,
        report.updated,
        report.unchanged,
    )
    written = articles()
    assert written.keys() == copied.keys()
    for key, row in copied.items():  # one article at a time: a difference reads short
        assert written[key] == row, key
    assert audit_lines(caplog) == copied_audit


def test_states_from_the_texts_sent_are_those_the_stored_texts_give(seed_entities, archive):
    (archive / "z-again.txt").unlink()  # new articles only: an update dates its change
    assert import_articles([archive]).updated == 0
    kept = states()
    assert len(kept) > 300
    TranslationState.objects.filter(content_type=article_type()).delete()
    provenance.refresh(Article, keys())
    assert states() == kept
