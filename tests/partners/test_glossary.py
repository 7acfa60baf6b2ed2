"""The partners' glossary (partners/glossary.py): partner names as the office writes them in
each language, applied to machine drafts whatever the machine did."""

import pytest

from intloffice.core.machine_translation import Backend, MarkingBackend, machine_drafts
from partners.glossary import glossary_pairs, partner_glossary
from partners.models import OrganizationName
from tests.factories import make_organization

ASSOCIATION_RU = "Ассоциация технических университетов России и Китая"


class Mangling(Backend):
    """Would get partner names wrong: it must never see them."""

    def translate(self, texts, source, target, is_html):
        for name in ("ATURC", "ASRTU", "Association", "АТУРК"):
            assert not any(name in text for text in texts), texts
        words = {
            "ru": ("саммит", "summit"),
            "zh-hans": ("峰会", "summit"),
            "en": ("summit", "саммит"),
        }
        translation, original = words[target]
        return [text.replace(original, translation) for text in texts]


@pytest.mark.parametrize(
    ("target", "expected"),
    [("ru", "АТУРК саммит"), ("zh-hans", "中俄工科大学联盟 峰会")],
)
def test_a_draft_of_aturc_summit_names_aturc_as_the_target_language_does(
    seed_entities, target, expected
):
    glossary = partner_glossary("en", target)
    term = expected.split()[0]

    def drafts(backend):
        return [
            machine_drafts(
                [text], "en", target, is_html=is_html, glossary=glossary, backend=backend
            )[0]
            for text, is_html in (("ATURC summit", False), ("<p>ATURC summit</p>", True))
        ]

    assert drafts(Mangling()) == [expected, f"<p>{expected}</p>"]
    assert drafts(MarkingBackend()) == [
        f"[MT {target}] {term} summit",
        f"<p>[MT {target}] {term} summit</p>",
    ]


def test_the_seed_glossary_maps_names_to_names_and_acronyms_to_acronyms(seed_entities):
    russian = dict(partner_glossary("en", "ru").pairs)
    assert russian["ATURC"] == "АТУРК"
    assert russian["ASRTU"] == "АТУРК"  # kept for any language: the Russian acronym
    assert russian["Association of Technical Universities of Russia and China"] == ASSOCIATION_RU
    assert russian["Association of Sino-Russian Technical Universities"] == ASSOCIATION_RU
    assert russian["SPbPU"] == "СПбПУ"
    chinese = dict(partner_glossary("ru", "zh-hans").pairs)
    assert chinese["АТУРК"] == "中俄工科大学联盟"
    assert chinese[ASSOCIATION_RU] == "中俄工科大学联盟"
    # In Chinese the name and the short name are one: the name's target wins.
    english = dict(partner_glossary("zh-hans", "en").pairs)
    assert (
        english["中俄工科大学联盟"] == "Association of Technical Universities of Russia and China"
    )


def test_a_long_name_is_drafted_whole_before_its_acronym(seed_entities):
    text = "The Association of Technical Universities of Russia and China (ATURC) summit"
    [draft] = machine_drafts(
        [text], "en", "ru", is_html=False, glossary=partner_glossary("en", "ru"), backend=Mangling()
    )
    assert draft == f"The {ASSOCIATION_RU} (АТУРК) саммит"


def test_a_name_with_no_counterpart_in_the_target_is_left_out(db):
    make_organization(name_en="Harbin Institute of Technology", short_name_en="HIT")
    xjtu = make_organization(
        name_en="Xi'an Jiaotong University", name_ru="Сианьский университет Цзяотун"
    )
    OrganizationName.objects.create(organization=xjtu, language="", kind="acronym", value="XJTU")
    OrganizationName.objects.create(organization=xjtu, language="ru", kind="label", value="СЦУ")
    pairs = glossary_pairs("en", "ru")
    assert ("Harbin Institute of Technology", "") not in pairs
    assert all("Harbin" not in term and term != "HIT" for term, _t in pairs)
    # No Russian short name: the acronym kept for any language stays itself.
    assert ("XJTU", "XJTU") in pairs
    assert ("Xi'an Jiaotong University", "Сианьский университет Цзяотун") in pairs
    assert ("СЦУ", "Xi'an Jiaotong University") in glossary_pairs("ru", "en")


def test_a_name_two_partners_share_is_left_to_the_machine(db):
    make_organization(name_en="Polytechnic University", name_ru="Политехнический университет")
    make_organization(name_en="Polytechnic University", name_ru="Политех")
    make_organization(name_en="Tomsk University", name_ru="Томский университет")
    assert dict(partner_glossary("en", "ru").pairs) == {"Tomsk University": "Томский университет"}


def test_the_glossary_costs_two_queries_whatever_the_number_of_partners(
    db, django_assert_num_queries
):
    for count in (1, 30):
        for _n in range(count):
            organization = make_organization(
                name_ru="Университет", short_name_en="U", short_name_ru="У"
            )
            OrganizationName.objects.create(organization=organization, language="en", value="Uni")
        with django_assert_num_queries(2):
            partner_glossary("en", "ru")
