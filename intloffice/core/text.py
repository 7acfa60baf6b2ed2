"""Text helpers shared by the parser, mention linking, search, feeds and templates."""

import functools
import html
import re
import unicodedata

# Han ideographs (with the compatibility and supplementary blocks) and Japanese kana:
# scripts written without spaces, where every character counts as a word of its own.
CJK_CHARACTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"

TAG = re.compile(r"<[^>]*>")
# Where a block ends, a space: dropping the tags must not glue two paragraphs together,
# while inline tags (<strong>, <a>) vanish without leaving a gap before punctuation.
BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|div|figcaption)>|<br\s*/?>", re.IGNORECASE)


def html_to_text(value: str | None) -> str:
    """The readable text of a stored HTML fragment: tags dropped, character references
    decoded once, white space collapsed. The result is plain text, to be escaped again."""
    if not value:
        return ""
    return " ".join(html.unescape(TAG.sub("", BLOCK_END.sub(" ", value))).split())


def split_aliases(text: str) -> list[str]:
    """Aliases are stored one per line (a name may itself contain a comma)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# Excerpts

ELLIPSIS = "…"
# Characters that join the parts of one word: an excerpt does not end between them.
WORD_JOINERS = "'’-"
# What an excerpt does not end on before its ellipsis: spaces, commas, dashes, openings.
LOOSE_ENDS = " ,;:.-–—(«„“‘\"'、，；：。（《"


@functools.lru_cache(maxsize=4096)  # excerpts ask about the same few thousand characters
def is_wide(char: str) -> bool:
    """A character of a script written without spaces (Chinese, Japanese), and its
    full-width punctuation: each is a word of its own, about twice a Latin letter's width."""
    return unicodedata.east_asian_width(char) in {"W", "F"}


def is_wordish(char: str) -> bool:
    return char.isalnum() or char in WORD_JOINERS


def splits_a_word(text: str, position: int) -> bool:
    """Whether cutting ``text`` before ``position`` would break a word written with spaces."""
    before, after = text[position - 1], text[position]
    if is_wide(before) or is_wide(after):
        return False
    return is_wordish(before) and is_wordish(after)


def excerpt(text: str | None, limit: int) -> str:
    """``text`` shortened to ``limit`` columns at most, ellipsis included, for cards and
    page descriptions: cut between words in text written with spaces (Latin, Cyrillic),
    between characters in Chinese. A Chinese character takes two columns, as it does on
    the screen, so a card of either script shows about as much text.

    A single word longer than half the limit (a long address) is cut where it must be.
    """
    text = " ".join((text or "").split())
    # Every character takes a column at least: what lies past the limit is never measured
    # (a lead may be a whole article's text).
    head = text[: limit + 1]
    columns = [1] * len(head) if head.isascii() else [2 if is_wide(char) else 1 for char in head]
    if sum(columns) <= limit:
        return text
    room, end = limit - len(ELLIPSIS), 0
    while columns[end] <= room:
        room -= columns[end]
        end += 1
    cut = end
    while cut > end // 2 and splits_a_word(text, cut):
        cut -= 1
    if cut <= end // 2:
        cut = end
    return (text[:cut].rstrip(LOOSE_ENDS) or text[:cut]) + ELLIPSIS
