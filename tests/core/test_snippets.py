"""Marking the words of a query in a text, everything else escaped."""

from intloffice.core.snippets import highlight, highlighter


def test_highlighting_marks_other_forms_and_escapes_everything():
    pattern = highlighter(["university", "<b>"])
    marked = highlight("Universities & the university's <b>", pattern)
    assert marked == (
        "<mark>Universities</mark> &amp; the <mark>university</mark>&#x27;s <mark>&lt;b&gt;</mark>"
    )
    assert highlight("<i>x</i>", None) == "&lt;i&gt;x&lt;/i&gt;"


def test_highlighting_marks_what_the_stems_matched():
    pattern = highlighter(["Арсеньева", "университетов"])
    marked = highlight("Дмитрий Арсеньев, ректоры университета", pattern)
    assert marked == "Дмитрий <mark>Арсеньев</mark>, ректоры <mark>университета</mark>"


def test_highlighting_forgives_apostrophes():
    for typed in ("Xian", "xi’an", "Xi'an"):
        marked = highlight("Held in Xi'an and Xi’an.", highlighter([typed]))
        assert marked == "Held in <mark>Xi&#x27;an</mark> and <mark>Xi’an</mark>."
