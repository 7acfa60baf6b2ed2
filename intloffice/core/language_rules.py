"""How each language writes lists, places and a name with its title: the one place that
knows Chinese punctuation and word order, for templates (site_tags) and views alike.

Chinese separates the items of a list with the enumeration comma "、" and phrases with the
full-width comma "，", never an ASCII comma; it puts a title after the name
(阿尔谢尼耶夫教授, "Professor Arseniev") and a country before its city (中国西安).
"""

from django.utils.translation import get_language


def is_chinese(language: str | None) -> bool:
    return (language or get_language() or "").lower().startswith("zh")


def list_separator(language: str | None = None) -> str:
    """Between the items of a list of things of one kind: "Xi'an, Harbin", "西安、哈尔滨"."""
    return "、" if is_chinese(language) else ", "


def phrase_separator(language: str | None = None) -> str:
    """Between phrases of different kinds: "Vice-Rector, SPbPU", "副校长，圣彼得堡理工大学"."""
    return "，" if is_chinese(language) else ", "


def label_separator(language: str | None = None) -> str:
    """After a label ("Phone: ", "电话："): Chinese uses the full-width colon, no space."""
    return "：" if is_chinese(language) else ": "


def parenthetical(text: str, language: str | None = None) -> str:
    """Text in parentheses after a word: " (ATURC)"; in Chinese full-width parentheses,
    which bring their own space: "（RSF）"."""
    return f"（{text}）" if is_chinese(language) else f" ({text})"


def joined_list(items, language: str | None = None) -> str:
    return list_separator(language).join(str(item) for item in items if item)


def joined_phrases(items, language: str | None = None) -> str:
    return phrase_separator(language).join(str(item) for item in items if item)


def title_follows_name(title_language: str | None) -> bool:
    """Whether a title (教授, "Professor") is written after the name: in Chinese it is.
    Decided by the title's own language, as a fallback title keeps its language's order."""
    return is_chinese(title_language)


def with_title(name: str, title: str, title_language: str | None = None) -> str:
    """A name with its title, as plain text: "Professor Dmitry Arseniev",
    "德米特里·阿尔谢尼耶夫教授"."""
    if not title:
        return name
    return f"{name}{title}" if title_follows_name(title_language) else f"{title} {name}"


def country_comes_first(language: str | None = None) -> bool:
    """Chinese writes a place from the largest to the smallest: 中国西安, not 西安，中国."""
    return is_chinese(language)
