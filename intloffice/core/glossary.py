"""A glossary for one language pair, applied to every machine draft: the names a machine must
not translate on its own (ATURC is АТУРК in Russian and 中俄工科大学联盟 in Chinese).

Before a text goes to the backend, each source term found in it is replaced by a placeholder
(``protect``); after, each placeholder becomes the term's target (``restore``), whatever the
backend made of the words around it. A term matches as a whole word, ignoring case, in Latin
and Cyrillic text; a term in Chinese characters matches wherever its characters stand (Chinese
has no spaces between words). The longest term wins (the full name before the acronym inside
it). A term given two different targets is ambiguous and left to the machine.

Placeholders are short Latin tokens (``XG0X``), which translation models copy as unknown names;
in HTML they are also wrapped in ``<span translate="no">``, which LibreTranslate's HTML mode
leaves untranslated. In HTML only text between tags is searched: never an address or an
attribute. The glossary knows no model: apps register where terms come from (``register``,
in their ``AppConfig.ready()``; partners/glossary.py gives the partners' names), and
``for_pair`` gathers them for one language pair.
"""

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Letters and digits of alphabetic scripts: a Latin or Cyrillic term must not touch them.
_WORD = "0-9A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f_"
_TAG = re.compile(r"(<[^>]*>)")
_TOKEN = "XG{}X"
_HTML_TOKEN = '<span translate="no">XG{}X</span>'
# What a backend may return for a placeholder: spaces inside, the span's quotes changed.
_RESTORE = re.compile(
    r"<span\s+translate\s*=\s*[\"']?no[\"']?\s*>\s*XG\s*(\d+)\s*X\s*</span>|XG\s*(\d+)\s*X",
    re.IGNORECASE,
)


class GlossaryError(ValueError):
    """A backend lost a protected term: the draft would miss a name."""


def _is_alphabetic(char: str) -> bool:
    return bool(re.match(f"[{_WORD}]", char))


@dataclass(frozen=True)
class Protected:
    """A text with its terms replaced by placeholders, and each placeholder's target."""

    text: str
    targets: tuple[str, ...]


class Glossary:
    """Source terms and their targets for one language pair."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()):
        targets: dict[str, str] = {}
        spelled: dict[str, str] = {}
        ambiguous = set()
        for source, target in pairs:
            source, target = " ".join(source.split()), target.strip()
            if not source or not target:
                continue
            key = source.casefold()
            if key in targets and targets[key] != target:
                ambiguous.add(key)
            targets.setdefault(key, target)
            spelled.setdefault(key, source)
        self.targets = {key: target for key, target in targets.items() if key not in ambiguous}
        self._terms = sorted(
            (spelled[key] for key in self.targets), key=lambda term: (-len(term), term)
        )
        self._plain = self._pattern(self._terms)
        self._html = self._pattern([html.escape(term, quote=False) for term in self._terms])

    def __len__(self) -> int:
        return len(self.targets)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """The terms with their targets, longest term first."""
        return [(term, self.targets[term.casefold()]) for term in self._terms]

    @staticmethod
    def _pattern(terms: list[str]) -> re.Pattern | None:
        if not terms:
            return None
        alternatives = []
        for term in terms:
            # Spaces in a term match any run of white space (a line break in the text).
            body = r"\s+".join(re.escape(word) for word in term.split())
            before = f"(?<![{_WORD}])" if _is_alphabetic(term[0]) else ""
            after = f"(?![{_WORD}])" if _is_alphabetic(term[-1]) else ""
            alternatives.append(before + body + after)
        return re.compile("|".join(alternatives), re.IGNORECASE)

    def protect(self, text: str, *, is_html: bool) -> Protected:
        """``text`` with every term replaced by a numbered placeholder."""
        if _RESTORE.search(text):
            raise GlossaryError("The text already holds a glossary placeholder (XG…X).")
        pattern = self._html if is_html else self._plain
        if pattern is None:
            return Protected(text, ())
        targets: list[str] = []

        def placeholder(match: re.Match) -> str:
            term = html.unescape(match.group()) if is_html else match.group()
            targets.append(self.targets[" ".join(term.split()).casefold()])
            return (_HTML_TOKEN if is_html else _TOKEN).format(len(targets) - 1)

        if is_html:
            parts = _TAG.split(text)
            # Odd parts are tags: left as they are.
            protected = "".join(
                part if index % 2 else pattern.sub(placeholder, part)
                for index, part in enumerate(parts)
            )
        else:
            protected = pattern.sub(placeholder, text)
        return Protected(protected, tuple(targets))

    @staticmethod
    def restore(protected: Protected, translated: str, *, is_html: bool) -> str:
        """The backend's ``translated`` text with each placeholder turned into its target.

        Raises ``GlossaryError`` when a placeholder is missing or unknown: a draft without
        the partner's name is worse than no draft.
        """
        seen = set()

        def target(match: re.Match) -> str:
            number = int(match.group(1) or match.group(2))
            if number >= len(protected.targets):
                raise GlossaryError(f"The translation holds an unknown placeholder XG{number}X.")
            seen.add(number)
            term = protected.targets[number]
            return html.escape(term, quote=False) if is_html else term

        restored = _RESTORE.sub(target, translated) if protected.targets else translated
        missing = [term for n, term in enumerate(protected.targets) if n not in seen]
        if missing:
            raise GlossaryError(
                "The translation lost the glossary term(s) " + ", ".join(missing) + "."
            )
        return restored


# Where terms come from: functions (source, target) -> [(term, target term)], in order.
_sources: list[Callable[[str, str], Iterable[tuple[str, str]]]] = []


def register(source: Callable[[str, str], Iterable[tuple[str, str]]]) -> None:
    """Add a source of terms (from an ``AppConfig.ready()``); registering twice is once."""
    if source not in _sources:
        _sources.append(source)


def for_pair(source: str, target: str) -> Glossary:
    """The glossary from ``source`` into ``target`` (site codes), from every registered
    source of terms."""
    return Glossary(pair for terms in _sources for pair in terms(source, target))
