"""The parser on its own: text in, article or a reason out. No database."""

import datetime as dt
from pathlib import Path

import pytest

from news.parsing import ParseError, decode, detect_language, parse_article, render_article

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
SEED = ROOT / "seeds" / "000_81355e64a07f423b.txt"


def test_seed_article_parses_into_title_seven_paragraphs_byline_and_date():
    article = parse_article(decode(SEED.read_bytes()))
    assert article.title == "Polytechnic University at the Fifth ATURC-2022 Summit"
    assert len(article.paragraphs) == 7
    assert article.paragraphs[0].startswith("St. Petersburg Polytechnic University participated")
    assert article.byline == "Prepared by the SPbPU International Office"
    assert article.published == dt.date(2022, 6, 10)
    assert article.language == "en"
    everything = " ".join([article.title, *article.paragraphs, article.byline])
    assert "Дата публикации" not in everything
    assert ">>" not in everything


def test_crlf_bom_and_windows_1251_give_the_same_article():
    text = SEED.read_text(encoding="utf-8")
    crlf_bom = ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")
    assert parse_article(decode(crlf_bom)) == parse_article(text)
    russian = parse_article(decode((DATA / "russian_cp1251_crlf.txt").read_bytes()))
    assert russian.title == "Делегация университета на форуме ATURC"
    assert russian.byline == "Подготовлено Международной службой СПбПУ"
    assert russian.language == "ru"
    assert len(russian.paragraphs) == 2


def test_lines_of_spaces_separate_paragraphs():
    text = "Title\n\nFirst line\ncontinues here\n   \nSecond\n\t\nДата публикации: 2020.01.02"
    article = parse_article(text)
    assert article.paragraphs == ("First line continues here", "Second")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("University news in English", "en"),
        ("Новости университета", "ru"),
        ("大学新闻", "zh-hans"),
        ("ATURC: Ассоциация технических университетов", "ru"),
    ],
)
def test_language_is_detected_from_the_script(text, language):
    assert detect_language(text) == language


def test_language_given_wins_over_detection():
    article = parse_article("Title\n\nBody\n\nДата публикации: 2020.01.02", language="ru")
    assert article.language == "ru"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "empty file"),
        ("whitespace_only.txt", "empty file"),
        ("binary.txt", "binary file"),
        ("undecodable.txt", "cannot decode"),
        ("no_title.txt", "no title"),
        ("no_body.txt", "no body"),
        ("no_date.txt", "no date line"),
        ("impossible_date.txt", "impossible date 2022.02.30"),
    ],
)
def test_bad_files_are_refused_with_a_reason(name, reason):
    with pytest.raises(ParseError, match=reason):
        parse_article(decode((DATA / name).read_bytes()))


def test_rendering_back_to_the_seed_format_parses_to_the_same_article():
    article = parse_article(SEED.read_text(encoding="utf-8"))
    assert parse_article(render_article(article)) == article


@pytest.mark.parametrize(
    ("last", "byline"),
    [
        (
            "Prepared by the SPbPU International Office",
            "Prepared by the SPbPU International Office",
        ),
        ("Подготовлено Международной службой СПбПУ", "Подготовлено Международной службой СПбПУ"),
        ("供稿：圣彼得堡理工大学国际合作处", "供稿：圣彼得堡理工大学国际合作处"),
        ("Prepared in haste, this paragraph is text.", ""),
    ],
)
def test_a_byline_is_recognised_in_each_language(last, byline):
    article = parse_article(f"Title\n\nBody.\n\n{last}\n\nДата публикации: 2022.06.10")
    assert article.byline == byline
    assert len(article.paragraphs) == (1 if byline else 2)


@pytest.mark.parametrize("language", ["ru", "zh-hans"])
def test_seed_translations_parse_like_the_original(language):
    original = parse_article(decode(SEED.read_bytes()))
    path = SEED.with_name(f"000_81355e64a07f423b.{language}.txt")
    translation = parse_article(decode(path.read_bytes()))
    assert translation.language == language
    assert translation.published == original.published
    assert len(translation.paragraphs) == len(original.paragraphs)
    assert translation.byline
