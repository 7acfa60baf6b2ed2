"""Each line of an organisation's free-text aliases becomes one of its names, with the
language its script tells and a kind its shape tells; the aliases column keeps its text
(it is now written from the names, and holds the same lines).

A Latin name is given no language: "ASRTU" and "ATURC" are written so in Russian and
Chinese texts too. One short word with two capitals or more (ATURC, SPbPU, СПбПУ) is an
acronym; the rest are aliases, which staff may make full names in the admin.
"""

import re

from django.db import migrations

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Han ideographs and kana (as intloffice.core.text.CJK_CHARACTERS, frozen here).
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def language_of(name: str) -> str:
    if CJK.search(name):
        return "zh-hans"
    if CYRILLIC.search(name):
        return "ru"
    return ""


def kind_of(name: str) -> str:
    capitals = sum(character.isupper() for character in name)
    short_word = len(name) <= 12 and not any(character.isspace() for character in name)
    return "acronym" if short_word and capitals >= 2 and not CJK.search(name) else "alias"


def names_from_aliases(apps, schema_editor):
    Organization = apps.get_model("partners", "Organization")
    OrganizationName = apps.get_model("partners", "OrganizationName")
    alias = schema_editor.connection.alias
    names = []
    for pk, aliases in Organization.objects.using(alias).exclude(aliases="").values_list(
        "pk", "aliases"
    ):
        seen = set()
        for line in aliases.splitlines():
            value = " ".join(line.split())
            language = language_of(value)
            if value and (language, value) not in seen:
                seen.add((language, value))
                names.append(
                    OrganizationName(
                        organization_id=pk, language=language, kind=kind_of(value), value=value
                    )
                )
    OrganizationName.objects.using(alias).bulk_create(names)


def aliases_from_names(apps, schema_editor):
    """Back: the names are dropped with their table; the aliases column kept the text."""


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0008_identifiers_names_and_membership_dates"),
    ]

    operations = [migrations.RunPython(names_from_aliases, aliases_from_names)]
