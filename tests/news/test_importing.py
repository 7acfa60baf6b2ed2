"""import_articles against the real database and real files."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from intloffice.core.audit import CommandLine
from news import importing, workflow
from news.importing import import_articles
from news.models import Article
from tests.conftest import SEED_SLUG, SEEDS
from tests.factories import make_agreement, make_organization, make_visit

from .test_import_edge_files import make_specials

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parents[2]
BAD_FILES = {
    "empty.txt": "empty file",
    "whitespace_only.txt": "empty file (only whitespace)",
    "binary.txt": "binary file, not text",
    "undecodable.txt": "cannot decode: neither UTF-8 nor Windows-1251",
    "no_title.txt": "no title",
    "no_body.txt": "no body",
    "no_date.txt": "no date line",
    "impossible_date.txt": "impossible date 2022.02.30",
}


def test_seed_article_is_imported_and_linked(seed_article):
    assert seed_article.title_en == "Polytechnic University at the Fifth ATURC-2022 Summit"
    assert seed_article.is_public()
    assert seed_article.body_en.count("<p>") == 7
    assert seed_article.byline_en == "Prepared by the SPbPU International Office"
    assert seed_article.original_language == "en"
    assert set(seed_article.organizations.values_list("slug", flat=True)) >= {"aturc", "spbpu"}
    assert set(seed_article.people.values_list("slug", flat=True)) == {
        "dmitry-arseniev",
        "pavel-romanov",
    }
    assert "fifth-aturc-summit-2022" in seed_article.events.values_list("slug", flat=True)
    for column in ("title_en", "body_en", "byline_en"):
        assert "Дата публикации" not in getattr(seed_article, column)
        assert ">>" not in getattr(seed_article, column)


def test_publication_time_is_midnight_in_the_site_time_zone(seed_article):
    from django.utils import timezone

    local = timezone.localtime(seed_article.publish_at)
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2022, 6, 10, 0, 0)


def test_reimport_from_another_name_encoding_and_line_endings_updates_nothing(
    seed_article, tmp_path
):
    text = (Path(SEEDS) / "000_81355e64a07f423b.txt").read_text(encoding="utf-8")
    copy = tmp_path / "renamed copy.txt"
    copy.write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))
    report = import_articles([SEEDS, copy])
    assert (report.created, report.updated, report.unchanged, report.failed) == (0, 0, 2, 0)
    assert Article.objects.count() == 1
    assert Article.objects.get().slug == SEED_SLUG


def test_changed_text_updates_the_article_in_place(seed_article, tmp_path):
    text = (Path(SEEDS) / "000_81355e64a07f423b.txt").read_text(encoding="utf-8")
    (tmp_path / "edited.txt").write_text(text.replace("68 foremost", "sixty-eight foremost"))
    report = import_articles([tmp_path])
    assert (report.created, report.updated) == (0, 1)
    article = Article.objects.get()
    assert article.pk == seed_article.pk
    assert article.slug == SEED_SLUG
    assert "sixty-eight foremost" in article.body_en


@pytest.mark.parametrize(("name", "reason"), BAD_FILES.items())
def test_bad_file_is_refused_with_one_line_and_nothing_is_written(
    seed_article, name, reason, capsys
):
    before = list(Article.objects.values_list("pk", "source_digest", "updated_at"))
    with pytest.raises(CommandError) as error:
        call_command("import_articles", str(DATA / name))
    assert error.value.returncode == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{DATA / name}: {reason}")
    assert list(Article.objects.values_list("pk", "source_digest", "updated_at")) == before


def test_command_line_names_each_bad_file_on_one_line_and_exits_1(tmp_path):
    """The real command line, in its own process with its own SQLite database; a pipe, a
    socket and a link loop among the files must not hang it (the timeout would fail)."""
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in BAD_FILES:
        shutil.copy(DATA / name, archive / name)
    specials = make_specials(archive)
    shutil.copy(Path(SEEDS) / "000_81355e64a07f423b.txt", archive / "good.txt")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert manage("migrate", "-v0").returncode == 0
    result = manage("import_articles", str(archive))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    # The audit log's lines (who published what) go to the same stream.
    lines = [line for line in result.stderr.strip().splitlines() if "intloffice.audit" not in line]
    assert "(command line): publish 1 article(s) via import" in result.stderr
    failures = {**BAD_FILES, **specials}
    expected = sorted(f"{archive / name}: {reason}" for name, reason in failures.items())
    assert [
        line[: len(e)] for line, e in zip(sorted(lines[:-1]), expected, strict=True)
    ] == expected
    assert lines[-1] == f"CommandError: {len(failures)} file(s) failed."
    assert f"created 1, updated 0, unchanged 0, failed {len(failures)}" in result.stdout


def test_folder_mixing_good_and_bad_files_imports_the_good_and_names_every_bad(
    seed_entities, tmp_path, capsys
):
    for name in [*BAD_FILES, "russian_cp1251_crlf.txt", "chinese_utf8.txt"]:
        shutil.copy(DATA / name, tmp_path / name)
    with pytest.raises(CommandError):
        call_command("import_articles", str(tmp_path))
    err = capsys.readouterr().err
    for name in BAD_FILES:
        assert str(tmp_path / name) in err
    assert Article.objects.count() == 2
    russian = Article.objects.get(original_language="ru")
    assert russian.title_ru == "Делегация университета на форуме ATURC"
    assert russian.slug.isascii()
    assert "dmitry-arseniev" in russian.people.values_list("slug", flat=True)
    chinese = Article.objects.get(original_language="zh-hans")
    assert chinese.slug.isascii()
    assert {"aturc", "spbpu"} <= set(chinese.organizations.values_list("slug", flat=True))


def test_strict_writes_nothing_when_any_file_fails(db, tmp_path):
    shutil.copy(Path(SEEDS) / "000_81355e64a07f423b.txt", tmp_path / "good.txt")
    shutil.copy(DATA / "no_date.txt", tmp_path / "bad.txt")
    report = import_articles([tmp_path], strict=True)
    assert report.rolled_back
    assert Article.objects.count() == 0


def test_dry_run_reports_and_writes_nothing(db):
    report = import_articles([SEEDS], dry_run=True)
    assert report.created == 1
    assert Article.objects.count() == 0


def test_markup_in_a_file_is_stored_as_text(db):
    import_articles([DATA / "markup.txt"])
    article = Article.objects.get()
    assert "<script>" not in article.body_en
    assert "&lt;img src=x onerror=alert(1)&gt;" in article.body_en
    assert article.title_en.startswith("<script>")  # shown escaped by the templates


def test_two_articles_with_the_same_title_get_different_slugs(db, tmp_path):
    for day in ("01", "02"):
        (tmp_path / f"{day}.txt").write_text(
            f"Same title\n\nBody {day}.\n\nДата публикации: 2022.01.{day}\n"
        )
    import_articles([tmp_path])
    slugs = sorted(Article.objects.values_list("slug", flat=True))
    assert slugs == ["same-title", "same-title-2022-01-02"]


def test_missing_path_is_a_one_line_error(db, capsys):
    with pytest.raises(CommandError):
        call_command("import_articles", "/nonexistent/folder")
    assert "/nonexistent/folder: no such file or folder" in capsys.readouterr().err


def test_third_article_with_the_same_title_and_date_gets_a_numbered_slug(db, tmp_path):
    # Same title and date is the same article; a different case is not "the same title".
    (tmp_path / "a.txt").write_text("Same title\n\nOne.\n\nДата публикации: 2022.01.01\n")
    import_articles([tmp_path])
    Article.objects.update(import_key=None)  # as if entered in the admin
    import_articles([tmp_path])
    Article.objects.update(import_key=None)
    import_articles([tmp_path])
    slugs = sorted(Article.objects.values_list("slug", flat=True))
    assert slugs == ["same-title", "same-title-2022-01-01", "same-title-2022-01-01-2"]


def test_slugs_are_ascii_and_at_most_80_characters(db, tmp_path):
    long_russian = "Очень длинный заголовок новости о сотрудничестве университетов " * 3
    (tmp_path / "ru.txt").write_text(f"{long_russian}\n\nТекст.\n\nДата публикации: 2022.01.01\n")
    (tmp_path / "zh.txt").write_text("大学新闻\n\n正文。\n\nДата публикации: 2022.01.02\n")
    (tmp_path / "sym.txt").write_text("«»—!?\n\nText.\n\nДата публикации: 2022.01.03\n")
    import_articles([tmp_path])
    slugs = dict(Article.objects.values_list("original_language", "slug"))
    assert slugs["ru"].startswith("ochen-dlinnyy-zagolovok-novosti-o-sotrudnichestve")
    assert slugs["zh-hans"] == "da-xue-xin-wen"
    for slug in Article.objects.values_list("slug", flat=True):
        assert slug.isascii() and 0 < len(slug) <= 80 and not slug.endswith("-")


def test_links_out_of_the_folder_are_not_followed(db, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(Path(SEEDS) / "000_81355e64a07f423b.txt", outside / "secret.txt")
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "linked.txt").symlink_to(outside / "secret.txt")
    (archive / "linked-folder").symlink_to(outside, target_is_directory=True)
    report = import_articles([archive])
    assert report.failures == [
        (str(archive / "linked.txt"), f"links outside {archive}; not followed")
    ]
    assert Article.objects.count() == 0


def test_language_and_status_options(db, capsys):
    call_command(
        "import_articles",
        str(DATA / "chinese_utf8.txt"),
        language="ru",
        status="draft",
        verbosity=0,
    )
    article = Article.objects.get()
    assert article.original_language == "ru"
    assert article.title_ru.startswith("中俄工科大学联盟")
    assert article.title_en is None
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.published().exists()


def test_reimport_keeps_what_editors_changed_outside_the_text(seed_article, tmp_path):
    seed_article.status = Article.Status.ARCHIVED
    seed_article.summary_en = "An editor's lead."
    with workflow.acting(CommandLine("tests")):
        seed_article.save()
    text = (Path(SEEDS) / "000_81355e64a07f423b.txt").read_text(encoding="utf-8")
    (tmp_path / "edited.txt").write_text(text.replace("68 foremost", "69 foremost"))
    import_articles([tmp_path])
    seed_article.refresh_from_db()
    assert "69 foremost" in seed_article.body_en
    assert seed_article.status == Article.Status.ARCHIVED
    assert seed_article.summary_en == "An editor's lead."


def test_link_mentions_picks_up_a_new_alias(seed_article):
    from partners.models import Organization

    foundation = Organization.objects.get(slug="russian-science-foundation")
    seed_article.organizations.remove(foundation)
    priority = Organization.objects.create(
        kind="government", slug="priority-2030", name_en="Priority 2030"
    )
    priority.names.create(value="Priority-2030 Program", kind="alias")
    call_command("link_mentions", verbosity=0)
    linked = set(seed_article.organizations.values_list("slug", flat=True))
    assert {"priority-2030", "russian-science-foundation", "aturc"} <= linked
    assert priority.articles.get() == seed_article


def test_mentions_are_whole_words_in_any_language(db):
    from news.mentions import MentionMatcher

    matcher = MentionMatcher(
        {
            "organizations": {1: ["ATURC", "АТУРК", "中俄工科大学联盟"], 2: ["SCO University"]},
            "people": {3: ["Dmitry Arseniev"]},
            "events": {4: ["ATURC-2022 Summit"]},
        }
    )
    found = matcher.find("The aturc-2022 summit: Dmitry  Arseniev spoke. SCO Universityx. ATURCX")
    assert (found.organizations, found.people, found.events) == ({1}, {3}, {4})
    assert matcher.find("Встреча АТУРК в Сиане").organizations == {1}
    assert matcher.find("圣彼得堡理工大学是中俄工科大学联盟成员").organizations == {1}
    assert matcher.find("NATURCO, SCO").organizations == set()


def planner_knows_articles() -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'news_article'")
            return cursor.fetchone()[0] >= 1
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone():
            return False
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'news_article'")
        return cursor.fetchone()[0] > 0


def test_a_large_import_refreshes_the_planner_statistics(db, monkeypatch):
    """Autovacuum may be off: after a bulk load the planner must not think the table empty."""
    assert not planner_knows_articles()
    monkeypatch.setattr(importing, "ANALYZE_AFTER", 2)
    importing.import_articles([SEEDS])  # one article: below the threshold
    assert not planner_knows_articles()
    monkeypatch.setattr(importing, "ANALYZE_AFTER", 1)
    importing.import_articles([DATA / "russian_cp1251_crlf.txt"])
    assert planner_knows_articles()


def test_an_imported_article_links_the_visit_and_agreement_it_names(client, db, tmp_path):
    """The importer covers visits and agreements as it covers partners: an archive article
    naming them is linked to both, and shown on their pages and the partner's timeline."""
    xjtu = make_organization(name_en="Xi'an Jiaotong University", short_name_ru="СЦЯУ", slug="xjtu")
    visit = make_visit(
        name_en="XJTU delegation visit 2023", name_ru="Визит делегации СЦЯУ 2023", visiting=[xjtu]
    )
    agreement = make_agreement(
        parties=[xjtu],
        title_en="Double degree in mechatronics",
        title_ru="Соглашение о двойном дипломе по мехатронике",
    )
    short = make_agreement(parties=[xjtu], title_en="Memorandum")
    chosen = make_agreement(parties=[xjtu], title_en="Research cooperation agreement")
    (tmp_path / "visit.txt").write_text(
        "Делегация СЦЯУ в Политехе\n\n"
        "В ходе мероприятия «Визит делегации СЦЯУ 2023» подписано "
        "соглашение о двойном дипломе по мехатронике. Memorandum.\n\n"
        "Дата публикации: 2023.05.12\n",
        encoding="utf-8",
    )
    import_articles([tmp_path])
    article = Article.objects.get()
    assert list(article.events.all()) == [visit]
    assert list(article.agreements.all()) == [agreement]  # not the one-word "Memorandum"
    assert short not in article.agreements.all()
    # A re-link keeps what an editor chose and what was found.
    article.agreements.add(chosen)
    call_command("link_mentions", verbosity=0)
    assert set(article.agreements.all()) == {agreement, chosen}
    for url in (
        f"/ru/events/{visit.slug}/",
        f"/ru/partners/agreements/{agreement.slug}/",
        "/ru/partners/xjtu/",
    ):
        assert f"/ru/news/{article.slug}/" in client.get(url).text, url
