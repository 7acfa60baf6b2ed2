"""Text helpers shared by the parser, mention linking, search, feeds and templates."""

import html
import re

# Han ideographs (with the compatibility and supplementary blocks) and Japanese kana:
# scripts written without spaces, where every character counts as a word of its own.
CJK_CHARACTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"

TAG = re.compile(r"<[^>]*>")
# Where a block ends, a space: dropping the tags must not glue two paragraphs together,
# while inline tags (<strong>, <a>) vanish without leaving a gap before punctuation.
BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|div|figcaption)>|<br\s*/?>", re.IGNORECASE)


def html_to_text(value: str | None) -> str:
    """The readable text of a stored HTML fragment: tags dropped, character references
    decoded once, white space collapsed. The result is plain text, to be escaped again."""
    if not value:
        return ""
    return " ".join(html.unescape(TAG.sub("", BLOCK_END.sub(" ", value))).split())


def split_aliases(text: str) -> list[str]:
    """Aliases are stored one per line (a name may itself contain a comma)."""
    return [line.strip() for line in text.splitlines() if line.strip()]
