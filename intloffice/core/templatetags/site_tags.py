import hashlib
import json
import logging
from itertools import pairwise

from django import template
from django.conf import settings
from django.core.cache import cache
from django.urls import translate_url
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from js_asset import Media
from sorl.thumbnail import get_thumbnail
from sorl.thumbnail.conf import settings as thumbnail_settings

from intloffice.core import freshness, language_rules
from intloffice.core.text import excerpt as shortened_text
from intloffice.core.text import html_to_text
from intloffice.core.time_zones import zone_label
from intloffice.core.translated import shown_language

register = template.Library()
# Failed renditions are logged where sorl's own {% thumbnail %} tag logged them.
logger = logging.getLogger("sorl.thumbnail")

# Characters that could end a <script> element or confuse an HTML parser, as JSON escapes.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
OG_LOCALES = {"en": "en_GB", "ru": "ru_RU", "zh-hans": "zh_CN"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# What a reader is told when a translation may be out of date, by the original's language
# (Russian declines the language's name: one sentence each), and for a language of no
# sentence of its own.
ORIGINAL_UPDATED = {
    "en": gettext_lazy(
        "The English original was updated on %(date)s; this translation may be out of date."
    ),
    "ru": gettext_lazy(
        "The Russian original was updated on %(date)s; this translation may be out of date."
    ),
    "zh-hans": gettext_lazy(
        "The Chinese original was updated on %(date)s; this translation may be out of date."
    ),
}
ORIGINAL_UPDATED_IN = gettext_lazy(
    "The original (%(language)s) was updated on %(date)s; this translation may be out of date."
)
ORIGINAL_CHANGED = gettext_lazy(
    "The original (%(language)s) has changed; this translation may be out of date."
)
# A list's mark on an item shown in another language than the page's.
SHOWN_IN = {
    "en": gettext_lazy("in English"),
    "ru": gettext_lazy("in Russian"),
    "zh-hans": gettext_lazy("in Chinese"),
}
# How wide a picture is shown unless the page says otherwise: the article column.
ARTICLE_COLUMN = "(min-width: 48rem) 46rem, calc(100vw - 2rem)"


@register.filter
def text_of(html_text):
    """The readable text of stored HTML: tags dropped, entities turned back into
    characters (the template escapes the result again)."""
    return html_to_text(html_text)


@register.filter
def excerpt(text, limit=220):
    """Text cut at a word (or a Chinese character) with an ellipsis: see core.text.excerpt."""
    return shortened_text(text, int(limit))


@register.simple_tag
def list_comma():
    """The separator between the items of a list in the page's language ("、" in Chinese)."""
    return language_rules.list_separator()


@register.simple_tag
def phrase_comma():
    """The separator between phrases in the page's language ("，" in Chinese)."""
    return language_rules.phrase_separator()


@register.simple_tag
def label_colon():
    """After a label in the page's language ("：" in Chinese)."""
    return language_rules.label_separator()


@register.simple_tag
def name_with_title(person, plain=False):
    """A person's name with their title (honorific) in the order of the title's language:
    "Professor Dmitry Arseniev", "德米特里·阿尔谢尼耶夫教授". Each part carries the ``lang``
    of the language it is shown in; ``plain=True`` gives text, for a page's title."""
    title_language = shown_language(person, "honorific")
    if plain:
        return language_rules.with_title(person.name, person.honorific, title_language)
    name = format_html("<span{}>{}</span>", lang_attr(person, "name"), person.name)
    if not person.honorific:
        return name
    title = format_html(
        '<span class="honorific"{}>{}</span>', lang_attr(person, "honorific"), person.honorific
    )
    if language_rules.title_follows_name(title_language):
        return format_html("{}{}", name, title)
    return format_html("{} {}", title, name)


@register.simple_tag
def short_name(organization, plain=False):
    """`` (ATURC)`` after an organisation's name, when its short name is another: in the
    page's parentheses ("（…）" in Chinese), with the ``lang`` it is shown in; ``plain=True``
    gives text, for an ``<option>``."""
    short = organization.short_name
    if not short or short == organization.name:
        return ""
    shown = language_rules.parenthetical(short)
    if plain:
        return shown
    # The space stays outside the span: a short name's own language has no say in it.
    space, bracketed = (" ", shown[1:]) if shown.startswith(" ") else ("", shown)
    return format_html(
        '{}<span class="short-name"{}>{}</span>',
        space,
        lang_attr(organization, "short_name"),
        bracketed,
    )


@register.simple_tag
def place(obj, venue=False):
    """Where ``obj`` is (its ``city`` and ``country``, with ``venue=True`` its venue too),
    written as the page's language writes it: "Xi'an, China", "Сиань, Китай", "中国西安";
    a venue first, or in Chinese last: "Innovation Center, Xi'an, China", "中国西安，创新港"."""

    def shown(field):
        value = getattr(obj, field)
        return format_html("<span{}>{}</span>", lang_attr(obj, field), value) if value else ""

    city, country = shown("city"), (obj.country.name if obj.country else "")
    there = shown("venue") if venue else ""
    comma = language_rules.phrase_separator()
    if language_rules.country_comes_first():
        # Run together only when both are Chinese: "中国 Harbin" keeps a space.
        chinese_city = language_rules.is_chinese(shown_language(obj, "city"))
        where = format_html("{}{}{}", country, "" if chinese_city else " ", city)
        where = where if city and country else (city or country)
        return format_html("{}{}{}", where, comma, there) if where and there else where or there
    parts = [part for part in (there, city, country) if part]
    return format_html_join(comma, "{}", ((part,) for part in parts))


@register.filter
def monogram(organization):
    """Letters standing in for a missing logo, the same in every language as a logo is:
    the English short name when it is short ("RSF"), else the initials of the English name."""
    short = organization.short_name_en or ""
    if short and len(short) <= 6:
        return short
    name = organization.name_en or organization.name
    capitals = [word[0] for word in name.split() if word[:1].isupper()]
    return "".join(capitals[:3]) or name[:1].upper()


@register.simple_tag(takes_context=True)
def translated_path(context, language_code):
    """This page's address in another language (slugs are the same in every language)."""
    request = context["request"]
    return translated(request, request.get_full_path(), language_code)


def translated(request, path: str, language_code: str) -> str:
    """``translate_url``, once per request for each address and language: the language
    switcher and the hreflang links ask for the same ones (each costs a resolve and a
    reverse)."""
    known = request.__dict__.setdefault("_translated_paths", {})
    if (path, language_code) not in known:
        known[path, language_code] = translate_url(path, language_code)
    return known[path, language_code]


@register.simple_tag
def lang_attr(obj, field):
    """` lang="xx"` when the field falls back to another language than the page's."""
    code = shown_language(obj, field)
    if code == get_language():
        return ""
    return format_html(' lang="{}"', code)


@register.simple_tag
def text_in_its_language(obj, field):
    """The field's text, in a ``<span lang>`` when it is shown in another language than the
    page's; for use inside a translated sentence (``{% ... as city %}``)."""
    lang = lang_attr(obj, field)
    if not lang:
        return getattr(obj, field)
    return format_html("<span{}>{}</span>", lang, getattr(obj, field))


@register.filter
def zone_name(zone, at):
    """The zone as readers know it in the page's language, with its offset at the instant
    ``at``: "China Standard Time (UTC+8)", "UTC−3" for a zone with no name of ours."""
    return zone_label(zone, at)


@register.simple_tag
def link_to(obj, field, text=None, heading=None):
    """A link to ``obj``'s page showing its ``field`` (or ``text``, e.g. a search hit's
    highlighted title, already safe), with the ``lang`` of the language that field is
    really shown in. With ``heading="h3"``, the link is a card's title: the heading carries
    the ``lang``, as it is the heading's text."""
    shown = getattr(obj, field) if text is None else text
    lang = lang_attr(obj, field)
    if heading is None:
        return format_html('<a href="{}"{}>{}</a>', obj.get_absolute_url(), lang, shown)
    if heading not in HEADINGS:
        raise template.TemplateSyntaxError(f"link_to: heading={heading!r} is not h1 to h6.")
    return format_html(
        '<{} class="card-title"{}><a href="{}">{}</a></{}>',
        heading,
        lang,
        obj.get_absolute_url(),
        shown,
        heading,
    )


@register.simple_tag
def links_to(objects, field):
    """A link to each of ``objects`` (as ``link_to`` makes them), joined as the page's
    language joins a list: "SPbPU, ATURC", "圣彼得堡理工大学、中俄工科大学联盟"."""
    return format_html_join(
        language_rules.list_separator(), "{}", ((link_to(obj, field),) for obj in objects)
    )


def srcset(renditions) -> str:
    """``url 480w, url 800w, ...``; a rendition no wider than the one before is left out
    (renditions are never upscaled, so a small original gives fewer)."""
    candidates = renditions[:1] + [
        rendition
        for previous, rendition in pairwise(renditions)
        if rendition.width > previous.width
    ]
    return ", ".join(f"{rendition.url} {rendition.width}w" for rendition in candidates)


# A stored name is content-unique (a new picture gets a new name): what is kept under it
# never goes stale. A day, so that a change of media storage or address settles by itself.
RENDITIONS_SECONDS = 24 * 3600


def renditions(image, widths: list[str], fallback: str) -> tuple[str, str, tuple]:
    """The WebP and stored-format srcsets of ``image`` at ``widths``, and the middle
    stored rendition's URL, width and height: six sorl-thumbnail look-ups (each a read of
    its key-value store), made once per stored file rather than once per page view."""
    key = (
        "renditions:"
        + hashlib.sha256(f"{image.name}|{','.join(widths)}|{fallback}".encode()).hexdigest()
    )
    kept = cache.get(key)
    if kept is None:
        webp = [
            get_thumbnail(image, width, format="WEBP", quality=80, upscale=False)
            for width in widths
        ]
        stored = [
            get_thumbnail(image, width, format=fallback, quality=85, upscale=False)
            for width in widths
        ]
        # A rendition of a file gone from storage has no size: reading it fails here.
        img = stored[1]
        kept = (srcset(webp), srcset(stored), (img.url, img.width, img.height))
        cache.set(key, kept, RENDITIONS_SECONDS)
    return kept


@register.simple_tag
def picture(
    obj,
    field,
    *,
    alt_field=None,
    decorative=False,
    main=False,
    sizes=ARTICLE_COLUMN,
    small=480,
    medium=800,
    large=1200,
    img_class="",
):
    """The responsive image in ``obj.<field>``: WebP renditions for browsers that take them,
    the stored format otherwise (PNG stays PNG, as it may be transparent; the rest becomes
    JPEG), at three widths never wider than the original, made once by sorl-thumbnail.

    ``alt_field`` names the field describing the image (its ``lang`` follows its fallback);
    a ``decorative`` image gets ``alt=""``. The ``main`` image of a page is fetched at once,
    others lazily. ``sizes`` says how wide it is shown; ``medium`` is the ``<img>``'s own.
    """
    image = getattr(obj, field)
    if not image:
        return ""
    # sorl reads a geometry from text ("480": 480 pixels wide, any height).
    widths = [str(width) for width in (small, medium, large)]
    fallback = "PNG" if image.name.lower().endswith(".png") else "JPEG"
    try:
        webp_srcset, stored_srcset, (img_url, img_width, img_height) = renditions(
            image, widths, fallback
        )
    except Exception:
        # As sorl's own tag does: a file gone from storage (a revision put back from
        # History) must not take the page down; the page shows no picture instead.
        if thumbnail_settings.THUMBNAIL_DEBUG:
            raise
        logger.exception("Thumbnail tag failed")
        return ""
    alt = "" if decorative or not alt_field else getattr(obj, alt_field)
    return format_html(
        '<picture>\n  <source type="image/webp" srcset="{}" sizes="{}">\n'
        '  <img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}{}{}'
        ' decoding="async">\n</picture>',
        webp_srcset,
        sizes,
        img_url,
        stored_srcset,
        sizes,
        img_width,
        img_height,
        alt,
        lang_attr(obj, alt_field) if alt else "",
        format_html(' class="{}"', img_class) if img_class else "",
        mark_safe(' fetchpriority="high"' if main else ' loading="lazy"'),
    )


@register.simple_tag(takes_context=True)
def fallback_notice(context, obj, field):
    """A discreet note when the main text is shown in another language than the page's;
    otherwise, when the page's translation may be out of date (the view's
    ``outdated_translation``: see core/pages.py), a note saying so with a link to the
    original. Never both: the first says more."""
    code = shown_language(obj, field)
    if code != get_language():
        name = get_language_info(code)["name_translated"]
        return format_html(
            '<p class="fallback-notice">{}</p>',
            _("Not yet translated; shown in %(language)s.") % {"language": name},
        )
    outdated = context.get("outdated_translation")
    if outdated is None or outdated.language != get_language():
        return ""
    return outdated_translation_notice(context["request"], outdated)


def outdated_translation_notice(request, outdated) -> str:
    source = outdated.source_language
    language = get_language_info(source)["name_translated"]
    when = outdated.source_changed_at
    if when is None:
        message = conditional_escape(ORIGINAL_CHANGED % {"language": language})
    else:
        day = localtime(when).date()
        date = format_html(
            '<time datetime="{}">{}</time>', day.isoformat(), date_format(day, "DATE_FORMAT")
        )
        sentence = conditional_escape(ORIGINAL_UPDATED.get(source, ORIGINAL_UPDATED_IN))
        # The sentence is escaped before the date's markup goes in.
        message = mark_safe(sentence % {"date": date, "language": conditional_escape(language)})  # noqa: S308
    return format_html(
        '<p class="translation-notice" role="note">{} <a href="{}" hreflang="{}">{}</a></p>',
        message,
        translate_url(request.path, source),
        source,
        _("Read the original"),
    )


@register.simple_tag
def fallback_mark(obj, field):
    """In a list, a small mark on an item whose ``field`` is shown in another language than
    the page's ("in English"); the text itself carries its ``lang`` (``link_to``). Reads
    only the row's columns: no query."""
    code = shown_language(obj, field)
    if code == get_language():
        return ""
    label = SHOWN_IN.get(code) or get_language_info(code)["name_translated"]
    return format_html(' <span class="fallback-mark">{}</span>', label)


@register.simple_tag
def jsonld(data):
    """schema.org data as <script type="application/ld+json">, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(
        JSON_SCRIPT_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def alternate_links(context):
    """hreflang alternates for the languages this page really has, and x-default."""
    request = context["request"]
    codes = context.get("content_languages") or [code for code, _name in settings.LANGUAGES]
    path = request.path

    def href(code):
        return request.build_absolute_uri(translated(request, path, code))

    # The site's default language, else the original's (a page about one object), else
    # the first one there is.
    original = context.get("original_language")
    default = next(code for code in (settings.LANGUAGE_CODE, original, codes[0]) if code in codes)
    links = [(code, href(code)) for code in codes] + [("x-default", href(default))]
    return format_html_join("\n", '<link rel="alternate" hreflang="{}" href="{}">', links)


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """A URL made absolute on this site, unless it already is (media in object storage)."""
    return context["request"].build_absolute_uri(url)


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page without filters or tracking parameters; numbered pages keep their number."""
    request = context["request"]
    page = context.get("page_obj")
    url = request.build_absolute_uri(request.path)
    if page is not None and page.number > 1:
        url += f"?page={page.number}"
    return url


@register.simple_tag
def og_locale(code=None):
    return OG_LOCALES.get(code or get_language(), "en_GB")


@register.simple_tag
def og_locale_alternates():
    current = get_language()
    return format_html_join(
        "\n",
        '<meta property="og:locale:alternate" content="{}">',
        ((OG_LOCALES[code],) for code, _name in settings.LANGUAGES if code != current),
    )


@register.simple_tag
def page_numbers(page):
    """The page numbers to link: the first, the last, two either side of this one, and
    ellipses between (a list of 5,000 links helps nobody)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The address of another page of this list, keeping its filters (``filter_query``)."""
    query = context.get("filter_query")
    return f"?{query}&page={number}" if query else f"?page={number}"


@register.simple_tag(takes_context=True)
def media_with_nonce(context, media):
    """Form media whose tags carry this request's CSP nonce: the rich-text editor's import
    map is an inline script, which the admin's policy runs only with the nonce. (Public
    pages have no inline script: they are cached whole, and a nonce must not be shared.)"""
    return Media.from_media(media, nonce=str(context["request"].csp_nonce)).render()


@register.tag
def remembered(parser, token):
    """``{% remembered "name" value ... [only] %}…{% endremembered %}``: the block rendered
    once per language, host and values, and kept until anything the page read before it
    or inside it changes (core.freshness.remember_fragment). With ``only``, what it reads
    itself is all it shows (menus, the footer): a block every page shares must not
    depend on what one page read. Readers only: staff and previews always get it
    rendered, and so does everyone where ``if condition`` (before ``only``) is false.
    The block must not set variables used after it."""
    bits = token.split_contents()[1:]
    inherit = bits[-1:] != ["only"]
    bits = bits if inherit else bits[:-1]
    condition = None
    if len(bits) > 2 and bits[-2] == "if":
        condition, bits = parser.compile_filter(bits[-1]), bits[:-2]
    if not bits or "if" in bits:
        raise template.TemplateSyntaxError("remembered needs a name (and one 'if' at the end)")
    nodelist = parser.parse(("endremembered",))
    parser.delete_first_token()
    vary = [parser.compile_filter(bit) for bit in bits]
    return RememberedNode(nodelist, vary, inherit, condition)


class RememberedNode(template.Node):
    def __init__(self, nodelist, vary, inherit: bool, condition=None):
        self.nodelist, self.vary, self.inherit = nodelist, vary, inherit
        self.condition = condition

    def render(self, context):
        request = context.get("request")
        # The 404 page shows the menus only if they are known: never keep what it shows.
        if context.get("preview") or context.get("menus_known_only") or request is None:
            return self.nodelist.render(context)
        if not freshness.reader_request(request):
            return self.nodelist.render(context)
        if self.condition is not None and not self.condition.resolve(context):
            return self.nodelist.render(context)
        values = [str(value.resolve(context)) for value in self.vary]
        where = (get_language(), request.scheme, request.get_host(), values)
        name = "fragment:" + hashlib.sha256(repr(where).encode()).hexdigest()[:32]
        render = lambda: self.nodelist.render(context)  # noqa: E731
        return mark_safe(freshness.remember_fragment(name, render, self.inherit))
