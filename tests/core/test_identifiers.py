"""Identifiers of organisations (intloffice/core/identifiers.py): read however they are
typed, kept in one form, refused with a one-line reason. No database."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from intloffice.core.identifiers import (
    normalise_erasmus,
    normalise_pic,
    normalise_ror,
    normalise_schac,
    normalise_wikidata,
    ror_check_digits,
)


def refused(normalise, value) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        normalise(value)
    (message,) = error.value.messages
    assert "\n" not in message
    return message


# ROR


@pytest.mark.parametrize(
    "typed",
    [
        "02x91aj62",
        "ror.org/02x91aj62",
        "https://ror.org/02x91aj62",
        "http://ror.org/02x91aj62/",
        "  HTTPS://ROR.ORG/02X91AJ62 ",
    ],
)
def test_a_ror_id_is_kept_as_its_address(typed):
    assert normalise_ror(typed) == "https://ror.org/02x91aj62"


@pytest.mark.parametrize(
    "identifier",
    # SPbPU, Xi'an Jiaotong, Harbin Tech (ror.org), University of California (ROR's schema
    # example) and PSL (ROR's API documentation).
    ["02x91aj62", "017zhmm22", "01yqg2h08", "00pjdza24", "013cjyk83"],
)
def test_the_check_digits_of_real_ror_ids(identifier):
    assert ror_check_digits(identifier[1:7]) == identifier[7:]
    assert normalise_ror(identifier).endswith(identifier)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("02x91aj63", "typing error"),  # the last digit wrong
        ("02x91ja62", "typing error"),  # two characters swapped
        ("12x91aj62", "0 and eight letters and digits"),  # must begin with 0
        ("02x91ai62", "0 and eight letters and digits"),  # i is not in the alphabet
        ("02x91al62", "0 and eight letters and digits"),  # nor l
        ("02x91aj6", "0 and eight letters and digits"),
        ("https://ror.org/02x91aj62x", "0 and eight letters and digits"),
        ("https://example.org/02x91aj62", "0 and eight letters and digits"),
        ("ror", "0 and eight letters and digits"),
    ],
)
def test_a_wrong_ror_id_is_refused(typed, reason):
    assert reason in refused(normalise_ror, typed)


# SCHAC


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("spbstu.ru", "spbstu.ru"),
        (" SPbSTU.RU ", "spbstu.ru"),
        ("uni-hamburg.de.", "uni-hamburg.de"),
        ("en.xjtu.edu.cn", "en.xjtu.edu.cn"),
        ("xn--80a1acny.xn--p1ai", "xn--80a1acny.xn--p1ai"),
    ],
)
def test_a_schac_code_is_a_lower_case_domain(typed, kept):
    assert normalise_schac(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "spbstu",
        "https://spbstu.ru",
        "spbstu.ru/",
        "spb stu.ru",
        "-spbstu.ru",
        "spbstu.r",
        "спбпу.рф",
    ],
)
def test_what_is_not_a_domain_is_not_a_schac_code(typed):
    assert "internet domain" in refused(normalise_schac, typed)


# Erasmus


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("F  PARIS001", "F  PARIS001"),
        ("F PARIS001", "F  PARIS001"),
        ("f paris001", "F  PARIS001"),
        ("D  BERLIN01", "D  BERLIN01"),
        ("D BERLIN 01", "D  BERLIN01"),
        ("UK LONDON029", "UK LONDON029"),
        ("PL  WARSZAW01", "PL WARSZAW01"),
        ("IRL DUBLIN01", "IRLDUBLIN01"),
        ("IRLDUBLIN44", "IRLDUBLIN44"),
        ("LUXLUX-VIL01", "LUXLUX-VIL01"),
        ("CH_DELEMON02", "CH DELEMON02"),
        ("E  MADRID3", "E  MADRID03"),  # a one-digit number gets its leading zero
    ],
)
def test_an_erasmus_code_is_read_with_any_spacing_and_kept_in_the_standard_one(typed, kept):
    assert normalise_erasmus(typed) == kept


@pytest.mark.parametrize(
    "typed",
    ["FPARIS001", "PARIS001", "F  PARIS", "F  PARIS0001", "FRA PARIS01", "F  PAR1S01", "F 01"],
)
def test_what_is_not_an_erasmus_code_is_refused(typed):
    assert "country letters, the city and a number" in refused(normalise_erasmus, typed)


# PIC and Wikidata


@pytest.mark.parametrize(
    ("typed", "kept"), [("999866821", "999866821"), ("999 866 821", "999866821")]
)
def test_a_pic_is_nine_digits(typed, kept):
    assert normalise_pic(typed) == kept


@pytest.mark.parametrize("typed", ["99986682", "9998668210", "99986682A"])
def test_what_is_not_nine_digits_is_not_a_pic(typed):
    assert refused(normalise_pic, typed) == "A PIC is nine digits."


@pytest.mark.parametrize(
    "typed",
    [
        "Q981237",
        "q981237",
        "https://www.wikidata.org/wiki/Q981237",
        "http://www.wikidata.org/entity/Q981237",
        "wikidata.org/wiki/Q981237",
    ],
)
def test_a_wikidata_id_is_its_q_number(typed):
    assert normalise_wikidata(typed) == "Q981237"


@pytest.mark.parametrize("typed", ["981237", "Q", "Q0123", "P31", "https://example.org/Q1"])
def test_what_is_not_a_q_number_is_not_a_wikidata_id(typed):
    assert "a Q and a number" in refused(normalise_wikidata, typed)
