"""Rich text of articles: intloffice.core.richtext, shared with the information pages.

Kept under its old name for news.models (and whoever imported it from here)."""

from intloffice.core.richtext import (  # noqa: F401
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    EDITOR_EXTENSIONS,
    URL_SCHEMES,
    HTMLField,
    sanitize,
)
