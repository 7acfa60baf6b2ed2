"""Showing where a search matched: the words marked, and an excerpt around the first match.

For display only, in any language: the matching itself is the engine's (search.py).
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import APOSTROPHES, CJK_RUN, STEMMED_LENGTH, stems, without_apostrophes

SNIPPET_LENGTH = 200  # characters, about 30 English words; Chinese has no words to count
SNIPPET_LEAD = 60  # characters of context shown before the first match


def highlighter(terms: list[str]) -> re.Pattern | None:
    """A pattern for the words to mark: short words whole, longer ones from their stem on.

    The stems are the engine's (query.stems), so what is marked is what matched:
    "university" also marks "universities", "Арсеньева" marks "Арсеньев". Apostrophes
    are forgiven as in matching: "Xian" and "Xi’an" mark "Xi'an".
    """
    patterns = set()
    for word in {word for term in terms for word in term.split()}:
        if CJK_RUN.search(word):
            patterns.add(re.escape(word))
            continue
        word = without_apostrophes(word)
        if len(word) < STEMMED_LENGTH:
            patterns.add(rf"(?<!\w){re.escape(word)}(?!\w)")
        else:
            stem = min((word, *stems(word)), key=len)
            patterns.add(rf"(?<!\w){_apostrophes_between(stem)}\w*")
    if not patterns:
        return None
    return re.compile("|".join(sorted(patterns, key=len, reverse=True)), re.IGNORECASE)


def _apostrophes_between(word: str) -> str:
    """A pattern for the word with any apostrophes between its letters: xian -> x'?i'?a'?n."""
    return f"[{APOSTROPHES}]?".join(re.escape(character) for character in word)


def highlight(text: str, pattern: re.Pattern | None) -> SafeString:
    """``text`` escaped, with the matches wrapped in ``<mark>``."""
    if pattern is None:
        return escape(text)
    parts, end = [], 0
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        parts.append(escape(text[end : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        end = match.end()
    parts.append(escape(text[end:]))
    # Safe: every piece of text went through escape().
    return mark_safe("".join(parts))


def excerpt(text: str, pattern: re.Pattern | None) -> SafeString:
    """About SNIPPET_LENGTH characters of ``text`` around its first match, marked."""
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - SNIPPET_LEAD) if match else 0
    if start:
        space = text.find(" ", start, match.start())
        start = space + 1 if space != -1 else start
    end = start + SNIPPET_LENGTH
    if end < len(text):
        space = text.rfind(" ", end - SNIPPET_LENGTH // 4, end)
        end = space if space != -1 else end
    shown = highlight(text[start:end], pattern)
    return mark_safe(("…" if start else "") + shown + ("…" if end < len(text) else ""))
