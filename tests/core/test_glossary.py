"""The glossary (intloffice/core/glossary.py): which words it protects, and what it puts back."""

import pytest

from intloffice.core.glossary import Glossary, GlossaryError

ASSOCIATION = "Association of Technical Universities of Russia and China"
RUSSIAN = Glossary(
    [
        ("ATURC", "АТУРК"),
        (ASSOCIATION, "Ассоциация технических университетов России и Китая"),
        ("HIT", "ХПИ"),
    ]
)


def round_trip(glossary, text, *, is_html=False, translate=lambda text: text):
    protected = glossary.protect(text, is_html=is_html)
    return protected, glossary.restore(protected, translate(protected.text), is_html=is_html)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ATURC summit", "АТУРК summit"),
        ("the aturc summit", "the АТУРК summit"),  # case does not matter
        ("ATURC, HIT and (ATURC)", "АТУРК, ХПИ and (АТУРК)"),
        ("ATURCS and HITACHI and WHIT", "ATURCS and HITACHI and WHIT"),  # whole words only
        ("ATURC2 or 2ATURC", "ATURC2 or 2ATURC"),
        ("中俄ATURC峰会", "中俄АТУРК峰会"),  # Chinese letters are no Latin word's
        (
            f"The {ASSOCIATION} (ATURC)",
            "The Ассоциация технических университетов России и Китая (АТУРК)",
        ),
        (
            ASSOCIATION.replace(" and ", " and\n  "),
            "Ассоциация технических университетов России и Китая",
        ),
    ],
)
def test_terms_are_replaced_as_whole_words_ignoring_case_longest_first(text, expected):
    assert round_trip(RUSSIAN, text)[1] == expected


def test_the_backend_never_sees_a_term_only_its_placeholder():
    protected = RUSSIAN.protect(f"ATURC is the {ASSOCIATION}", is_html=False)
    assert protected.text == "XG0X is the XG1X"
    assert protected.targets == ("АТУРК", "Ассоциация технических университетов России и Китая")


def test_a_cyrillic_term_is_a_whole_word_too():
    glossary = Glossary([("АТУРК", "ATURC")])
    assert round_trip(glossary, "Саммит атурк и АТУРКа")[1] == "Саммит ATURC и АТУРКа"


def test_a_chinese_term_matches_inside_a_chinese_sentence():
    glossary = Glossary([("中俄工科大学联盟", "ATURC"), ("中俄工科大学", "wrong")])
    assert (
        round_trip(glossary, "代表团参加了中俄工科大学联盟论坛。")[1] == "代表团参加了ATURC论坛。"
    )


def test_in_html_only_text_is_protected_never_tags_or_addresses():
    html = '<p class="ATURC">ATURC &amp; HIT <a href="/partners/aturc/" title="ATURC">aturc</a></p>'
    protected, restored = round_trip(RUSSIAN, html, is_html=True)
    assert protected.text == (
        '<p class="ATURC"><span translate="no">XG0X</span> &amp; <span translate="no">XG1X</span> '
        '<a href="/partners/aturc/" title="ATURC"><span translate="no">XG2X</span></a></p>'
    )
    assert restored == (
        '<p class="ATURC">АТУРК &amp; ХПИ <a href="/partners/aturc/" title="ATURC">АТУРК</a></p>'
    )


def test_in_html_a_term_with_an_ampersand_is_found_escaped_and_put_back_escaped():
    glossary = Glossary([("R&D Centre", "Центр НИОКР & Co")])
    _protected, restored = round_trip(glossary, "<p>The R&amp;D Centre</p>", is_html=True)
    assert restored == "<p>The Центр НИОКР &amp; Co</p>"


def test_placeholders_come_back_though_the_backend_spaced_them_or_changed_quotes():
    protected = RUSSIAN.protect("<p>ATURC and HIT</p>", is_html=True)
    translated = "<p><span translate='no'>XG 0 X</span> и XG1X</p>"
    assert RUSSIAN.restore(protected, translated, is_html=True) == "<p>АТУРК и ХПИ</p>"


def test_a_lost_or_invented_placeholder_is_an_error():
    protected = RUSSIAN.protect("ATURC and HIT", is_html=False)
    with pytest.raises(GlossaryError, match="lost the glossary term.*ХПИ"):
        Glossary.restore(protected, "XG0X и", is_html=False)
    with pytest.raises(GlossaryError, match="unknown placeholder XG7X"):
        Glossary.restore(protected, "XG0X XG1X XG7X", is_html=False)


def test_a_text_already_holding_a_placeholder_is_refused():
    with pytest.raises(GlossaryError, match="already holds"):
        RUSSIAN.protect("Code XG1X", is_html=False)


def test_an_ambiguous_term_is_left_to_the_machine_and_empty_pairs_are_dropped():
    glossary = Glossary([("PU", "ПУ"), ("pu", "ПолиУн"), ("", "x"), ("y", " "), ("ATURC", "АТУРК")])
    assert glossary.pairs == [("ATURC", "АТУРК")]
    assert len(glossary) == 1
    assert round_trip(glossary, "PU and ATURC")[1] == "PU and АТУРК"


def test_an_empty_glossary_changes_nothing():
    protected, restored = round_trip(Glossary(), "<p>ATURC</p>", is_html=True)
    assert protected.text == restored == "<p>ATURC</p>"
