"""Marking the words of a query in a text, everything else escaped."""

from intloffice.core.snippets import highlight, highlighter


def test_highlighting_marks_other_forms_and_escapes_everything():
    pattern = highlighter(["university", "<b>"])
    marked = highlight("Universities & the university's <b>", pattern)
    assert marked == (
        "<mark>Universities</mark> &amp; the <mark>university</mark>&#x27;s <mark>&lt;b&gt;</mark>"
    )
    assert highlight("<i>x</i>", None) == "&lt;i&gt;x&lt;/i&gt;"
