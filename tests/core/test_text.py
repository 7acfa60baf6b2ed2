"""Text helpers (intloffice/core/text.py): excerpts cut where a reader would cut."""

import pytest
from django.utils.text import Truncator

from intloffice.core.text import excerpt

ENGLISH = (
    "St. Petersburg Polytechnic University participated in the Fifth Summit of the "
    "Association of Technical Universities of Russia and China."
)
RUSSIAN = "Политехнический университет принял участие в Пятом саммите Ассоциации АТУРК."
CHINESE = "圣彼得堡彼得大帝理工大学参加了第五届中俄工科大学联盟峰会，并介绍了学校的合作建议。"


def test_short_text_is_kept_whole():
    assert excerpt(ENGLISH, 500) == ENGLISH
    assert excerpt("  two\n spaces  ", 50) == "two spaces"
    assert excerpt(None, 10) == excerpt("", 10) == ""


@pytest.mark.parametrize("text", [ENGLISH, RUSSIAN])
@pytest.mark.parametrize("limit", [20, 31, 47, 60])
def test_text_with_spaces_is_cut_between_words_with_an_ellipsis(text, limit):
    cut = excerpt(text, limit)
    assert cut.endswith("…") and len(cut) <= limit
    kept = cut.removesuffix("…")
    # Every word kept is a whole word of the text.
    assert text.startswith(kept)
    assert text[len(kept)] in " ,." or not text[len(kept)].isalnum()
    assert not kept.endswith((" ", ",", "."))


def test_the_word_truncator_chars_would_have_split_is_left_out():
    assert Truncator(ENGLISH).chars(30) == "St. Petersburg Polytechnic Un…"
    assert excerpt(ENGLISH, 30) == "St. Petersburg Polytechnic…"
    assert excerpt(RUSSIAN, 30) == "Политехнический университет…"


def test_chinese_is_cut_between_characters_each_two_columns_wide():
    cut = excerpt(CHINESE, 30)
    # 14 characters fill 28 columns; the ellipsis takes one more.
    assert cut == "圣彼得堡彼得大帝理工大学参加…"
    assert excerpt(CHINESE, 40) == "圣彼得堡彼得大帝理工大学参加了第五届中…"


def test_chinese_punctuation_does_not_end_an_excerpt():
    # The full-width comma after 峰会 fits, and is dropped before the ellipsis.
    assert excerpt(CHINESE, 59) == "圣彼得堡彼得大帝理工大学参加了第五届中俄工科大学联盟峰会…"


def test_words_joined_by_a_hyphen_or_an_apostrophe_stay_whole():
    assert excerpt("The ATURC-2022 summit in Xi'an", 18) == "The ATURC-2022…"
    assert excerpt("Delegates met in Xi'an yesterday", 22) == "Delegates met in…"


def test_a_single_long_word_is_cut_where_it_must_be():
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis"
    assert excerpt(word + " is long", 30) == word[:29] + "…"
    # A long address is cut after one of its slashes.
    assert excerpt("https://example.org/" + "a" * 80, 30) == "https://example.org/…"
