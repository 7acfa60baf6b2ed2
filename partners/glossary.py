"""The glossary of a language pair, seeded from the partners' names: ATURC → АТУРК →
中俄工科大学联盟, whatever a machine would have made of them.

For each organisation, its name, full names and aliases in the source language map to its
name in the target language, and its short name and acronyms to its short name there (or its
name when it has none): an acronym stays an acronym. A name kept for "any language" (ATURC,
ASRTU) maps to the short name the target language has of its own (АТУРК), or else to itself:
a machine must not "translate" an acronym. A name with no counterpart in the target language
is left out: better the machine's guess than an empty word. Two queries, whatever the number
of organisations.
"""

from collections import defaultdict

from intloffice.core.glossary import Glossary

from .models import Organization, OrganizationName


def _column(field: str, language: str) -> str:
    return f"{field}_{language.replace('-', '_')}"


def _first(names: dict, language: str, kind: str) -> str:
    return next(iter(names.get((language, kind), ())), "")


def glossary_pairs(source: str, target: str) -> list[tuple[str, str]]:
    """(source term, target term) for every partner name that has a target."""
    names = defaultdict(lambda: defaultdict(list))
    for organization_id, language, kind, value in OrganizationName.objects.filter(
        language__in=[source, target, ""]
    ).values_list("organization_id", "language", "kind", "value"):
        names[organization_id][language, kind].append(value)

    columns = [_column(f, code) for f in ("name", "short_name") for code in (source, target)]
    pairs = []
    for row in Organization.objects.values("pk", *columns):
        own = names.get(row["pk"], {})
        label = OrganizationName.Kind.LABEL
        acronym = OrganizationName.Kind.ACRONYM
        full = row[_column("name", target)] or _first(own, target, label)
        own_short = row[_column("short_name", target)] or _first(own, target, acronym)
        short = own_short or full
        mine = [(row[_column("name", source)], full), (row[_column("short_name", source)], short)]
        for (language, kind), values in own.items():
            for value in values:
                if language == "":
                    mine.append((value, own_short or value))
                elif language == source:
                    mine.append((value, short if kind == acronym else full))
        # A term that is both an organisation's name and its short name (中俄工科大学联盟)
        # takes the name's target: the first one of its own.
        targets = {}
        for term, translation in mine:
            if term and translation:
                targets.setdefault(term.casefold(), (term, translation))
        pairs.extend(targets.values())
    return pairs


def partner_glossary(source: str, target: str) -> Glossary:
    """The glossary of partner names from ``source`` into ``target`` (site codes)."""
    return Glossary(glossary_pairs(source, target))
