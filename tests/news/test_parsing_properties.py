"""Property-based tests of the parser (hypothesis): it never fails in an unplanned way."""

import datetime as dt
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from news.parsing import (
    DATE_LINE,
    ParsedArticle,
    ParseError,
    decode,
    detect_language,
    parse_article,
    render_article,
)

LINES = st.one_of(
    st.text(max_size=80),
    st.just(""),
    st.just("   "),
    st.sampled_from(
        [
            "Дата публикации: 2022.06.10",
            "Дата публикации: 2022.13.45",
            "Дата публикации:",
            "дата ПУБЛИКАЦИИ : 1999.1.1",
            ">>Перейти к новости",
            "Prepared by the International Office",
            "Подготовлено Международной службой",
            "\ufeffTitle",
            "\r",
        ]
    ),
)


def parses_or_refuses(text):
    try:
        result = parse_article(text)
    except ParseError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert isinstance(result, ParsedArticle)
    assert result.title and result.paragraphs


@given(st.lists(LINES, max_size=30).map("\n".join))
@example("Title\n\nBody\n\nДата публикации: 0000.01.01")
@example("Title\n\nBody\n\nДата публикации: 99999.01.01")
def test_any_text_parses_or_is_refused_with_a_reason(text):
    parses_or_refuses(text)


@given(st.binary(max_size=2000))
@example(b"\xef\xbb\xbf")
@example(b"\x98")
def test_any_bytes_decode_and_parse_or_are_refused(data):
    try:
        text = decode(data)
    except ParseError:
        return
    parses_or_refuses(text)


WORD = st.text(
    alphabet=st.characters(categories=["L", "N", "P"], exclude_characters="\ufeff"),
    min_size=1,
    max_size=12,
).filter(lambda word: unicodedata.is_normalized("NFC", word))
SENTENCE = st.lists(WORD, min_size=1, max_size=15).map(" ".join)


def plain(text):
    return not DATE_LINE.match(text) and not text.startswith(">>")


@st.composite
def articles(draw):
    title = draw(SENTENCE.filter(plain).filter(lambda t: len(t) <= 300))
    paragraphs = draw(st.lists(SENTENCE.filter(plain), min_size=1, max_size=6))
    if paragraphs[-1].casefold().startswith(("prepared by", "подготовлено")):
        paragraphs.append("Closing words.")
    byline = draw(st.sampled_from(["", "Prepared by the Office", "Подготовлено службой"]))
    published = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)))
    language = detect_language(" ".join([title, *paragraphs]))
    return ParsedArticle(title, tuple(paragraphs), byline, published, language)


@settings(max_examples=150)
@given(articles())
def test_an_article_rendered_back_to_the_seed_format_parses_to_the_same_article(article):
    text = render_article(article)
    assert parse_article(text) == article
    as_windows_file = ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")
    assert parse_article(decode(as_windows_file)) == article
