"""Rich text that is safe to show: one allow-list, applied on every write of an HTML field
(articles' and information pages' bodies)."""

import nh3
from django_prose_editor.fields import ProseEditorField

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "a",
    "figure",
    "figcaption",
    "img",
    "hr",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
}
# No javascript:, data: or vbscript: URLs; relative links stay allowed.
URL_SCHEMES = {"http", "https", "mailto", "tel"}
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False},
    "HorizontalRule": True,
    "HardBreak": True,
}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize(html: str | None) -> str | None:
    """Drop every tag, attribute and URL outside the allow-list (scripts, event handlers,
    inline styles, javascript: and data: links)."""
    if not html:
        return html
    cleaned = _cleaner.clean(html)
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned


class HTMLField(ProseEditorField):
    """A rich-text field edited with django-prose-editor and sanitised on every write.

    Sanitising in ``get_db_prep_save`` covers save(), bulk_create(), bulk_update() and
    QuerySet.update() alike, and modeltranslation's per-language columns inherit it.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extensions", EDITOR_EXTENSIONS)
        kwargs.setdefault("sanitize", sanitize)
        super().__init__(*args, **kwargs)

    def get_db_prep_save(self, value, connection):
        if isinstance(value, str):  # not an SQL expression (bulk_update sends CASE ... END)
            value = sanitize(value)
        return super().get_db_prep_save(value, connection)
