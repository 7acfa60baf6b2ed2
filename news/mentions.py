"""Finding the organisations, people, events and agreements that an article names.

Names and aliases, in every language, are cut into tokens the same way as the text, so a
match is always whole words ("ATURC" never matches inside "ATURCX") and ignores case and
punctuation ("ATURC-2022 Summit" == "ATURC 2022 summit"). Chinese has no spaces: each CJK
character is a token, so a Chinese name matches wherever its characters stand together.

An agreement is named by its title in any language (titles of fewer than three words, such
as "Memorandum", would match too much and are left out). Links to agreements are only ever
added: staff choose an article's agreements in its form too, and a re-link must not undo
their choice; links to the others are exactly those found.

The matcher holds every name once (a prefix set acting as a trie); scanning a text costs
about one set look-up per word whatever the number of names.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

from agreements.models import Agreement
from intloffice.core.freshness import kinds_changed
from intloffice.core.text import CJK_CHARACTERS, html_to_text, split_aliases
from intloffice.core.translated import localized_fields
from partners.models import Event, Organization, Person

from .models import Article

TOKEN = re.compile(f"[{CJK_CHARACTERS}]|[^\\W_]+")
KINDS = ("organizations", "people", "events", "agreements")
# Those an article links to exactly as found; agreements are added to (see the top).
REPLACED = ("organizations", "people", "events")
# An agreement's title names it only with at least this many words (or CJK characters).
AGREEMENT_TITLE_WORDS = 3


def tokens(text: str) -> tuple[str, ...]:
    return tuple(TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()))


@dataclass
class Mentions:
    organizations: set[int] = field(default_factory=set)
    people: set[int] = field(default_factory=set)
    events: set[int] = field(default_factory=set)
    agreements: set[int] = field(default_factory=set)


class MentionMatcher:
    def __init__(self, names: dict[str, dict[int, list[str]]]):
        """``names``: for each kind in KINDS, object id -> the names it is mentioned by."""
        self.targets: dict[tuple[str, ...], set[tuple[str, int]]] = defaultdict(set)
        self.prefixes: set[tuple[str, ...]] = set()
        self.longest = 0
        self.first_words: set[str] = set()
        for kind, by_id in names.items():
            for pk, object_names in by_id.items():
                for name in object_names:
                    key = tokens(name)
                    if not key:
                        continue
                    self.targets[key].add((kind, pk))
                    self.longest = max(self.longest, len(key))
                    self.prefixes.update(key[:n] for n in range(1, len(key) + 1))
                    self.first_words.add(key[0])

    @classmethod
    def from_database(cls) -> "MentionMatcher":
        languages = [code for code, _name in settings.LANGUAGES]
        name_columns = [build_localized_fieldname("name", code) for code in languages]
        names: dict[str, dict[int, list[str]]] = {}
        sources = [
            ("organizations", Organization, localized_fields("short_name")),
            ("people", Person, []),
            ("events", Event, []),
        ]
        for kind, model, extra in sources:
            rows = model.objects.values_list("pk", "aliases", *extra, *name_columns)
            names[kind] = {
                pk: [*split_aliases(aliases), *(value for value in values if value)]
                for pk, aliases, *values in rows
            }
        titles = Agreement.objects.values_list("pk", *localized_fields("title"))
        names["agreements"] = {
            pk: [title for title in values if len(tokens(title or "")) >= AGREEMENT_TITLE_WORDS]
            for pk, *values in titles
        }
        return cls(names)

    def find(self, text: str) -> Mentions:
        words = tokens(text)
        found = Mentions()
        first_words = self.first_words
        for start, word in enumerate(words):
            if word not in first_words:
                continue  # most words start no name: one set look-up and on
            key: tuple[str, ...] = ()
            for next_word in words[start : start + self.longest]:
                key += (next_word,)
                if key not in self.prefixes:
                    break
                for kind, pk in self.targets.get(key, ()):
                    getattr(found, kind).add(pk)
        return found


def article_text(values: dict[str, str]) -> str:
    """The searchable text of an article from its column values (HTML tags dropped)."""
    return " \n".join(html_to_text(value) for value in values.values() if value)


def replace_links(links: dict[int, Mentions]) -> None:
    """Make each article's organisations, people and events exactly those found for it, and
    add the agreements found to those it has."""
    article_ids = list(links)
    for kind in KINDS:
        through = getattr(Article, kind).through
        target = getattr(Article, kind).field.m2m_reverse_field_name()
        if kind in REPLACED:
            through.objects.filter(article_id__in=article_ids).delete()
        through.objects.bulk_create(
            [
                through(article_id=article_id, **{f"{target}_id": pk})
                for article_id, found in links.items()
                for pk in sorted(getattr(found, kind))
            ],
            batch_size=1000,
            ignore_conflicts=kind not in REPLACED,
        )


def link_all_articles(batch_size: int = 500) -> int:
    """Re-link every article, e.g. after staff add a partner or an alias. Returns the count."""
    matcher = MentionMatcher.from_database()
    columns = localized_fields("title", "summary", "body", "byline")
    count = 0
    batch: dict[int, Mentions] = {}
    for row in Article.objects.order_by("pk").values("pk", *columns).iterator(batch_size):
        pk = row.pop("pk")
        batch[pk] = matcher.find(article_text(row))
        if len(batch) >= batch_size:
            replace_links(batch)
            count += len(batch)
            batch = {}
    if batch:
        replace_links(batch)
        count += len(batch)
    kinds_changed(Article)  # links are shown on partner, person and event pages
    return count
