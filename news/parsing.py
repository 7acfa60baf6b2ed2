"""Reading the plain-text archive format (DESIGN.md, "The seed file format"): text -> data.

Pure functions, no database: ``decode`` turns bytes into text, ``parse_article`` turns text
into a ``ParsedArticle`` or raises ``ParseError`` with a reason a person can act on.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from intloffice.core.text import CJK_CHARACTERS

# An article is a few kilobytes; a bigger file is a mistake (an export, a log, a dump).
MAX_FILE_BYTES = 1024 * 1024
# "Prepared by …" as each language says it; a Chinese byline reads "供稿：…" ("contributed by").
BYLINE_PREFIXES = ("prepared by", "подготовлено", "供稿")
NAVIGATION_PREFIX = ">>"
DATE_LINE = re.compile(r"^\s*Дата\s+публикации\s*:\s*(?P<date>\S.*?)\s*$", re.IGNORECASE)
DATE_VALUE = re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$")
CJK = re.compile(f"[{CJK_CHARACTERS}]+")
CYRILLIC = re.compile(r"[\u0400-\u04ff]+")
LATIN = re.compile(r"[A-Za-z]+")
# Control characters other than tab, newline and carriage return mean "not a text file".
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SPACES = re.compile(r"\s+")
# Invisible characters that come with copy and paste: zero-width space, word joiner and a
# byte order mark anywhere (an editor may insert one per pasted piece). They mean nothing
# in text, so they go everywhere; zero-width (non-)joiners shape Persian, Indic scripts
# and emoji, so they are kept in the body and only dropped from titles, which are
# compared and turned into slugs.
INVISIBLE = re.compile("[\u200b\u2060\ufeff]")
INVISIBLE_IN_TITLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# A well-formed UTF-8 sequence for a character beyond ASCII.
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
NON_ASCII_BYTE = re.compile(rb"[\x80-\xff]")
LANGUAGE_SAMPLE = 2000


class ParseError(ValueError):
    """The file is not an article; the message says why, in one line."""


@dataclass(frozen=True)
class ParsedArticle:
    title: str
    paragraphs: tuple[str, ...]
    byline: str
    published: dt.date
    language: str

    @property
    def text(self) -> str:
        """Everything a reader reads, a paragraph a line (where mentions are looked for)."""
        return "\n".join([self.title, *self.paragraphs, self.byline])


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1251; refuses binary data and a mixture."""
    if not data:
        raise ParseError("empty file")
    if not data.strip():
        raise ParseError("empty file (only whitespace)")
    if b"\x00" in data:
        raise ParseError("binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if mostly_utf8(data):
            raise ParseError(
                f"mixed encodings: UTF-8 text with bytes that are not UTF-8 (first at byte "
                f"{error.start}); save the whole file as UTF-8"
            ) from None
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError as error:
            raise ParseError(
                f"cannot decode: neither UTF-8 nor Windows-1251 (byte {error.start})"
            ) from None
    if CONTROL.search(text) and len(CONTROL.findall(text)) > max(2, len(text) // 1000):
        raise ParseError("binary file, not text")
    return text


def mostly_utf8(data: bytes) -> bool:
    """Does text that is not valid UTF-8 still hold real UTF-8 characters?

    Windows-1251 text forms a valid UTF-8 sequence only by chance (a capital letter before
    "ё" or "»"): none in the 5,877 Cyrillic bytes of the Russian translations. UTF-8
    text with a pasted Windows-1251 fragment has many. Decoding it all as Windows-1251
    would turn every UTF-8 letter into two wrong ones without a word of warning.
    """
    sequences = UTF8_SEQUENCE.findall(data)
    others = len(NON_ASCII_BYTE.findall(data)) - sum(map(len, sequences))
    return bool(sequences) and len(sequences) * 20 >= others


def clean_title(title: str) -> str:
    return " ".join(INVISIBLE_IN_TITLE.sub("", title).split())


def detect_language(text: str) -> str:
    """Cyrillic -> ru, CJK -> zh-hans, else en (by which script dominates the letters).

    An article keeps to one script, so its first few thousand characters decide.
    """
    text = text[:LANGUAGE_SAMPLE]
    cjk, cyrillic, latin = (sum(map(len, p.findall(text))) for p in (CJK, CYRILLIC, LATIN))
    if cjk and cjk * 2 >= cyrillic + latin:
        return "zh-hans"
    if cyrillic > latin:
        return "ru"
    return "en"


def parse_date(value: str) -> dt.date:
    match = DATE_VALUE.match(value)
    if not match:
        raise ParseError(f"date line has no date in the form YYYY.MM.DD: {value[:40]!r}")
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ParseError(f"impossible date {value}") from None


def parse_article(text: str, language: str | None = None) -> ParsedArticle:
    text = INVISIBLE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseError("empty file (only whitespace)")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)

    paragraphs: list[str] = []
    current: list[str] = []
    published = None
    for raw in text.split("\n"):
        line = " ".join(raw.split())  # a line of only spaces is blank
        if not paragraphs and not current:
            line = clean_title(line)
        if line[:4].casefold() == "дата" and (match := DATE_LINE.match(line)):
            published = parse_date(match["date"])
            break  # navigation and anything else after the date line is dropped
        if line.startswith(NAVIGATION_PREFIX):
            continue
        if line:
            current.append(line)
            # The title is the first non-blank line on its own, even without a blank after.
            if not paragraphs and len(current) == 1:
                paragraphs.append(line)
                current = []
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))

    if not paragraphs:
        raise ParseError("no title: the file has no text before the date line")
    if published is None:
        raise ParseError("no date line 'Дата публикации: YYYY.MM.DD'")
    title, body = paragraphs[0], paragraphs[1:]
    byline = ""
    if body and body[-1].casefold().startswith(BYLINE_PREFIXES):
        byline = body.pop()
    if not body:
        raise ParseError("no body: the article has a title but no paragraphs")
    if len(title) > 300:
        raise ParseError("title longer than 300 characters: is the first line a paragraph?")
    language = language or detect_language(" ".join([title, *body]))
    return ParsedArticle(
        title=title, paragraphs=tuple(body), byline=byline, published=published, language=language
    )


def render_article(article: ParsedArticle) -> str:
    """The seed format again: ``parse_article(render_article(a)) == a``."""
    blocks = ["", article.title, *article.paragraphs]
    if article.byline:
        blocks.append(article.byline)
    blocks.append(f"Дата публикации: {article.published:%Y.%m.%d}")
    blocks.append(">>Перейти к новости")
    return "\n\n".join(blocks) + "\n"


def normalise_title(title: str) -> str:
    return SPACES.sub(" ", unicodedata.normalize("NFKC", title)).strip().casefold()
