"""How a reader's query is read: cleaned, cut into words and phrases, and each word's
other forms (apostrophes dropped, case folded, Snowball stems).

Used by the search engine (search.py) to make its queries and by the highlighting
(snippets.py) to mark what matched, so both read a query the same way.
"""

import os
import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from .text import CJK_CHARACTERS

MAX_QUERY_LENGTH = 200
# Each word of the query becomes several tsqueries (or forms to look for): a bound on work.
MAX_TERMS = 8

CJK_RUN = re.compile(f"[{CJK_CHARACTERS}]+")

# The apostrophes people type: ASCII, typographic (phones and word processors), the
# modifier letter, the opening quote and the backtick and prime typed in their stead.
APOSTROPHES = "'\u2019\u02bc\u2018`\u2032"
# An apostrophe between two letters or digits is dropped; one at a word's edge (the
# rectors' forum, a ‘quote’) separates words as any punctuation does.
_APOSTROPHE_RUN = re.compile(f"[{APOSTROPHES}]+")
# Words shorter than this are looked for whole; longer ones also by their stem, and stems
# shorter than this are not used (they would match too much).
STEMMED_LENGTH = 4
MIN_STEM_LENGTH = 3


def clean_query(raw: str) -> tuple[str, bool]:
    """The query as searched: control characters removed, spaces collapsed, truncated.

    Returns the text and whether it was truncated. PostgreSQL refuses NUL characters.
    """
    raw = raw[: MAX_QUERY_LENGTH * 20]  # the rest would be cut anyway; spare the work
    text = "".join(" " if unicodedata.category(c) in {"Cc", "Cs"} else c for c in raw)
    text = " ".join(text.split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text, False
    return text[:MAX_QUERY_LENGTH].rstrip(), True


TOKENS = re.compile(r'"([^"]*)"|(\S+)')
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_WORD = re.compile(r"[^\W_]+")


def query_terms(text: str) -> list[str]:
    """The words and quoted phrases of a query, without punctuation at their edges.

    ``OR`` and a leading ``-`` mean something to ``websearch_to_tsquery``; the fallback
    ignores them (every term is required), and the highlighting does not need them.
    """
    terms: dict[str, str] = {}
    for phrase, word in TOKENS.findall(text):
        if word == "OR":
            continue
        term = " ".join(_EDGES.sub("", part) for part in (phrase or word).split('"'))
        term = " ".join(term.split())
        if term:
            terms.setdefault(term.casefold(), term)
    return list(terms.values())[:MAX_TERMS]


def without_apostrophes(text: str) -> str:
    """The text with the apostrophes inside its words dropped: "Xi’an" -> "Xian"."""

    # Found by the apostrophes, then their neighbours looked at: a pattern that looked
    # behind at every character took half the SQLite fallback's time.
    def inner(match: re.Match) -> str:
        start, end = match.span()
        before, after = text[start - 1 : start], text[end : end + 1]
        return "" if before.isalnum() and after.isalnum() else match.group()

    return _APOSTROPHE_RUN.sub(inner, text)


def fold(text: str) -> str:
    """Text as the SQLite fallback compares it: apostrophes inside words dropped, case folded."""
    return without_apostrophes(text).casefold()


@lru_cache(maxsize=4096)
def stems(word: str) -> tuple[str, ...]:
    """The beginnings a word's other forms share: its Russian and English stems, each cut
    to where it still agrees with the word. The English stemmer writes a final y as i
    ("university" and "universities" -> "universiti"): its stems lose a final i, so that
    "universit" begins both words.

    Only words of STEMMED_LENGTH letters or more, and stems of MIN_STEM_LENGTH or more;
    the word itself is not repeated. Each call makes its own stemmers: they keep state
    while they work, and a site serves requests in several threads.
    """
    word = word.casefold()
    if len(word) < STEMMED_LENGTH or not _WORD.fullmatch(word) or CJK_RUN.search(word):
        return ()
    found = set()
    for language in ("russian", "english"):
        stem = snowballstemmer.stemmer(language).stemWord(word)
        if language == "english" and stem.endswith("i"):
            stem = stem[:-1]
        stem = os.path.commonprefix([word, stem])
        if MIN_STEM_LENGTH <= len(stem) < len(word):
            found.add(stem)
    return tuple(sorted(found, key=len))


def word_forms(term: str) -> list[str]:
    """What the SQLite fallback looks for, any of them: the term folded, and a word's stems."""
    folded = " ".join(fold(term).split())
    return [folded, *stems(folded)]


def cjk_phrases(text: str) -> str:
    """Every run of CJK characters as a quoted phrase of single characters: 西安 -> "西 安"."""

    def spaced(match: re.Match) -> str:
        characters = " ".join(match.group())
        within_quotes = text.count('"', 0, match.start()) % 2
        return f" {characters} " if within_quotes else f' "{characters}" '

    return CJK_RUN.sub(spaced, text)
