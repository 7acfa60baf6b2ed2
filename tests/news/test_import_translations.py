"""An article in several languages: NAME.txt with NAME.ru.txt and NAME.zh-hans.txt beside it.

tests/news/data/translated/ holds one such article: the English original, its Russian
translation in Windows-1251 with CRLF line endings and its Chinese one in UTF-8 with a
BOM (each file of a group is read as any single file is). Each language names someone
or something the others do not, so links show which texts were searched.
"""

import hashlib
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from news.importing import import_articles
from news.mentions import MentionMatcher
from news.models import Article
from news.parsing import decode, parse_article
from news.sources import name_and_language
from tests.conftest import SEED_SLUG, SEEDS

GROUP = Path(__file__).resolve().parent / "data" / "translated"
SEED = Path(SEEDS) / "000_81355e64a07f423b.txt"
LANGUAGES = ("en", "ru", "zh-hans")
TITLES = {
    "en": "University delegation at an ATURC forum",
    "ru": "Делегация университета на форуме АТУРК",
    "zh_hans": "我校代表团出席中俄工科大学联盟论坛",
}


def copy(tmp_path: Path, *names: str) -> Path:
    for name in names:
        shutil.copy(GROUP / name, tmp_path / name)
    return tmp_path


def counts(report) -> tuple[int, int, int, int]:
    return report.created, report.updated, report.unchanged, report.failed


def command_errors(capsys, *args, **options) -> list[str]:
    """Run the command expecting failures; its stderr lines without the audit log's."""
    with pytest.raises(CommandError, match=r"^\d+ file\(s\) failed\.$") as error:
        call_command("import_articles", *map(str, args), **options)
    assert error.value.returncode == 1
    err = capsys.readouterr().err
    return [line for line in err.strip().splitlines() if "intloffice.audit" not in line]


def test_a_group_of_three_files_is_one_article_in_three_languages(db):
    report = import_articles([GROUP])
    assert counts(report) == (1, 0, 0, 0)
    article = Article.objects.get()
    for language, title in TITLES.items():
        assert getattr(article, f"title_{language}") == title
        assert getattr(article, f"body_{language}").count("<p>") == 2
    assert "Профессор Павел Романов" in article.body_ru  # decoded from Windows-1251
    assert "帕维尔·罗曼诺夫教授" in article.body_zh_hans
    assert article.byline_ru == "Подготовлено Международной службой СПбПУ"
    assert article.byline_zh_hans == "供稿：国际合作处"
    # The original gives the article its language, file name and slug.
    assert article.original_language == "en"
    assert article.source_file == "forum.txt"
    assert article.slug == "university-delegation-at-an-aturc-forum"


def test_names_in_any_language_are_linked(seed_entities):
    import_articles([GROUP])
    article = Article.objects.get()
    assert "aturc" in article.organizations.values_list("slug", flat=True)
    # Only the Russian text names Pavel Romanov; only the Chinese one names the forum.
    assert list(article.people.values_list("slug", flat=True)) == ["pavel-romanov"]
    assert list(article.events.values_list("slug", flat=True)) == ["aturc-rectors-forum-2022"]


def test_reimporting_a_group_changes_nothing(db):
    import_articles([GROUP])
    before = list(Article.objects.values_list("pk", "source_digest", "updated_at"))
    assert counts(import_articles([GROUP])) == (0, 0, 1, 0)
    assert list(Article.objects.values_list("pk", "source_digest", "updated_at")) == before


def test_an_original_imported_alone_after_its_group_changes_nothing(db):
    import_articles([GROUP])
    before = list(Article.objects.values_list("pk", "source_digest", "updated_at", "title_ru"))
    assert counts(import_articles([GROUP / "forum.txt"])) == (0, 0, 1, 0)
    assert list(Article.objects.values_list("pk", "source_digest", "updated_at", "title_ru")) == (
        before
    )


def test_an_original_given_again_in_the_same_run_keeps_its_translations(db, tmp_path):
    copy(tmp_path, "forum.txt")
    assert counts(import_articles([GROUP, tmp_path / "forum.txt"])) == (1, 0, 1, 0)
    assert Article.objects.get().title_ru == TITLES["ru"]


def test_translations_added_later_update_the_same_article(seed_entities, tmp_path):
    copy(tmp_path, "forum.txt")
    assert counts(import_articles([tmp_path])) == (1, 0, 0, 0)
    article = Article.objects.get()
    assert article.title_ru is None
    assert not article.people.exists()

    copy(tmp_path, "forum.ru.txt")
    assert counts(import_articles([tmp_path])) == (0, 1, 0, 0)
    updated = Article.objects.get()
    assert (updated.pk, updated.slug) == (article.pk, article.slug)
    assert updated.title_ru == TITLES["ru"]
    assert updated.title_zh_hans is None
    assert list(updated.people.values_list("slug", flat=True)) == ["pavel-romanov"]

    copy(tmp_path, "forum.zh-hans.txt")
    assert counts(import_articles([tmp_path])) == (0, 1, 0, 0)
    assert Article.objects.get().title_zh_hans == TITLES["zh_hans"]
    assert counts(import_articles([tmp_path])) == (0, 0, 1, 0)


def test_a_translation_given_on_the_command_line_joins_its_original(db):
    import_articles([GROUP / "forum.zh-hans.txt", GROUP / "forum.txt"])
    assert Article.objects.get().title_zh_hans == TITLES["zh_hans"]


def test_a_broken_translation_is_one_line_and_the_rest_is_imported(db, tmp_path, capsys):
    copy(tmp_path, "forum.txt", "forum.zh-hans.txt")
    (tmp_path / "forum.ru.txt").write_text("Заголовок\n\nТекст без даты.\n", encoding="utf-8")
    lines = command_errors(capsys, tmp_path, verbosity=0)
    assert lines == [
        f"{tmp_path / 'forum.ru.txt'}: no date line 'Дата публикации: YYYY.MM.DD'",
    ]
    article = Article.objects.get()
    assert (article.title_en, article.title_ru) == (TITLES["en"], None)
    assert article.title_zh_hans == TITLES["zh_hans"]


def test_a_translation_without_its_original_is_one_line(db, tmp_path, capsys):
    copy(tmp_path, "forum.ru.txt")
    lines = command_errors(capsys, tmp_path, verbosity=0)
    assert lines == [
        f"{tmp_path / 'forum.ru.txt'}: a translation without its original forum.txt; "
        "import the two together",
    ]
    assert not Article.objects.exists()


def test_a_translation_of_an_original_that_fails_is_named_with_it(db, tmp_path, capsys):
    copy(tmp_path, "forum.ru.txt")
    (tmp_path / "forum.txt").write_bytes(b"")
    lines = command_errors(capsys, tmp_path, verbosity=0)
    assert sorted(lines) == [
        f"{tmp_path / 'forum.ru.txt'}: not imported: its original forum.txt failed",
        f"{tmp_path / 'forum.txt'}: empty file",
    ]
    assert not Article.objects.exists()


def test_a_second_text_of_a_language_or_another_date_is_refused(db, tmp_path, capsys):
    copy(tmp_path, "forum.txt", "forum.ru.txt")
    english = (GROUP / "forum.txt").read_text(encoding="utf-8")
    (tmp_path / "forum.en.txt").write_text(english.replace("Xi'an", "Harbin"), encoding="utf-8")
    chinese = (GROUP / "forum.zh-hans.txt").read_text(encoding="utf-8-sig")
    (tmp_path / "forum.zh-hans.txt").write_text(chinese.replace("2023.04.05", "2023.04.06"))
    lines = command_errors(capsys, tmp_path, verbosity=0)
    assert sorted(lines) == [
        f"{tmp_path / 'forum.en.txt'}: a second en text of forum.txt; "
        "an article has one file per language",
        f"{tmp_path / 'forum.zh-hans.txt'}: dated 2023.04.06, its original forum.txt "
        "2023.04.05: a translation carries its original's date",
    ]
    article = Article.objects.get()
    assert "Harbin" not in article.body_en
    assert (article.title_ru, article.title_zh_hans) == (TITLES["ru"], None)


def test_dry_run_counts_a_group_as_one_article_and_writes_nothing(db):
    report = import_articles([GROUP], dry_run=True)
    assert counts(report) == (1, 0, 0, 0)
    assert not Article.objects.exists()


def test_strict_writes_nothing_when_a_translation_fails(db, tmp_path):
    copy(tmp_path, "forum.txt", "forum.ru.txt")
    (tmp_path / "forum.zh-hans.txt").write_bytes(b"\x00binary")
    report = import_articles([tmp_path], strict=True)
    assert report.rolled_back
    assert [path for path, _error in report.failures] == [str(tmp_path / "forum.zh-hans.txt")]
    assert not Article.objects.exists()


def test_adding_a_translation_to_a_live_article_needs_a_publisher(
    seed_entities, editor, tmp_path, capsys
):
    copy(tmp_path, "forum.txt")
    import_articles([tmp_path])
    copy(tmp_path, "forum.ru.txt")
    lines = command_errors(capsys, tmp_path, user="editor", status="draft", verbosity=0)
    assert lines[0].endswith("which is published: only a publisher may change it")
    assert Article.objects.get().title_ru is None


def test_a_single_file_keeps_its_digest_and_slug(db):
    """Archives imported before translations existed are unchanged by a re-import."""
    import_articles([SEED])
    article = Article.objects.get()
    parsed = parse_article(decode(SEED.read_bytes()))
    parts = [parsed.language, parsed.title, *parsed.paragraphs, parsed.byline]
    text = "\x1f".join([*parts, parsed.published.isoformat()])
    assert article.source_digest == hashlib.sha256(text.encode()).hexdigest()
    assert article.slug == SEED_SLUG
    assert (article.title_ru, article.title_zh_hans) == (None, None)


def test_the_seed_adds_its_translations_to_the_article_it_was(seed_entities):
    import_articles([SEED])
    article = Article.objects.get()
    assert counts(import_articles([SEEDS])) == (0, 1, 0, 0)
    seed = Article.objects.get()
    assert (seed.pk, seed.slug) == (article.pk, SEED_SLUG)
    assert seed.title_ru == "Политехнический университет на Пятом саммите АТУРК-2022"
    assert seed.title_zh_hans == "圣彼得堡理工大学出席2022年第五届中俄工科大学联盟峰会"


def test_the_seed_article_reads_in_english_russian_and_chinese(client, seed_article):
    assert seed_article.original_language == "en"
    titles = {
        "en": "Polytechnic University at the Fifth ATURC-2022 Summit",
        "ru": "Политехнический университет на Пятом саммите АТУРК-2022",
        "zh-hans": "圣彼得堡理工大学出席2022年第五届中俄工科大学联盟峰会",
    }
    bylines = {
        "en": "Prepared by the SPbPU International Office",
        "ru": "Подготовлено Международной службой СПбПУ",
        "zh-hans": "供稿：圣彼得堡理工大学国际合作处",
    }
    for language in LANGUAGES:
        html = client.get(f"/{language}/news/{SEED_SLUG}/").text
        assert f"<h1>{titles[language]}</h1>" in html
        assert bylines[language] in html
        assert 'class="fallback-notice"' not in html
    russian = client.get(f"/ru/news/{SEED_SLUG}/").text
    assert "68 ведущих технических университетов двух стран" in russian
    chinese = client.get(f"/zh-hans/news/{SEED_SLUG}/").text
    assert "德米特里·阿尔谢尼耶夫教授" in chinese


@pytest.mark.parametrize("language", ["ru", "zh-hans"])
def test_each_seed_translation_names_the_people_of_the_original(seed_entities, language):
    """The translations use the seed entities' names, so each links on its own. (Russian
    events are named in inflected forms, "на Пятом саммите": no exact match for those.)"""
    matcher = MentionMatcher.from_database()

    def found(path: Path):
        return matcher.find(parse_article(decode(path.read_bytes())).text)

    original = found(SEED)
    translation = found(SEED.with_name(f"000_81355e64a07f423b.{language}.txt"))
    assert translation.people == original.people
    assert translation.organizations <= original.organizations
    assert len(translation.organizations) >= 2  # ATURC and SPbPU at least
    if language == "zh-hans":
        assert translation.events == original.events


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("forum.txt", ("forum", None)),
        ("forum.ru.txt", ("forum", "ru")),
        ("forum.zh-hans.txt", ("forum", "zh-hans")),
        ("Forum.ZH-Hans.TXT", ("Forum", "zh-hans")),
        ("report.v2.txt", ("report.v2", None)),  # not a language: an original
        ("report.v2.en.txt", ("report.v2", "en")),
        ("ru.txt", ("ru", None)),
        (".ru.txt", (".ru", None)),
        ("forum.ru", ("forum.ru", None)),
    ],
)
def test_a_file_name_says_whether_it_is_a_translation(name, expected):
    assert name_and_language(name, LANGUAGES) == expected
