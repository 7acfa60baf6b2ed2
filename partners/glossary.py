"""The glossary of a language pair, seeded from the partners' names: ATURC → АТУРК →
中俄工科大学联盟, whatever a machine would have made of them.

For each organisation, its name in the source language maps to its name in the target
language, and its short name, acronyms and aliases to its short name there (or its name when
it has none): an acronym stays an acronym. A name kept for "any language" (ASRTU) is written
so in every language and maps to itself. A name with no counterpart in the target language
is left out: better the machine's guess than an empty word. Two queries, whatever the number
of organisations.
"""

from collections import defaultdict

from intloffice.core.glossary import Glossary

from .models import Organization, OrganizationName


def _column(field: str, language: str) -> str:
    return f"{field}_{language.replace('-', '_')}"


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
        own = names[row["pk"]]
        label = OrganizationName.Kind.LABEL
        acronym = OrganizationName.Kind.ACRONYM
        full = row[_column("name", target)] or next(iter(own[target, label]), "")
        short = row[_column("short_name", target)] or next(iter(own[target, acronym]), "") or full
        pairs.append((row[_column("name", source)], full))
        pairs.append((row[_column("short_name", source)], short))
        for (language, kind), values in own.items():
            for value in values:
                if language == "":
                    pairs.append((value, value))
                elif language == source:
                    pairs.append((value, full if kind == label else short))
    return [(term, translation) for term, translation in pairs if term and translation]


def partner_glossary(source: str, target: str) -> Glossary:
    """The glossary of partner names from ``source`` into ``target`` (site codes)."""
    return Glossary(glossary_pairs(source, target))
