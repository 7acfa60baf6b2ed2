import json

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from js_asset import Media

from intloffice.core.text import html_to_text
from intloffice.core.translated import shown_language

register = template.Library()

# Characters that could end a <script> element or confuse an HTML parser, as JSON escapes.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
OG_LOCALES = {"en": "en_GB", "ru": "ru_RU", "zh-hans": "zh_CN"}


@register.filter
def text_of(html_text):
    """The readable text of stored HTML: tags dropped, entities turned back into
    characters (the template escapes the result again)."""
    return html_to_text(html_text)


@register.simple_tag(takes_context=True)
def translated_path(context, language_code):
    """This page's address in another language (slugs are the same in every language)."""
    request = context["request"]
    return translate_url(request.get_full_path(), language_code)


@register.simple_tag
def lang_attr(obj, field):
    """` lang="xx"` when the field falls back to another language than the page's."""
    code = shown_language(obj, field)
    if code == get_language():
        return ""
    return format_html(' lang="{}"', code)


@register.simple_tag
def fallback_notice(obj, field):
    """A discreet note when the main text is shown in another language than the page's."""
    code = shown_language(obj, field)
    if code == get_language():
        return ""
    name = get_language_info(code)["name_translated"]
    return format_html(
        '<p class="fallback-notice">{}</p>',
        _("Not yet translated; shown in %(language)s.") % {"language": name},
    )


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
        return request.build_absolute_uri(translate_url(path, code))

    default = settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in codes else codes[0]
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
def media_with_nonce(context, media):
    """Form media whose tags carry this request's CSP nonce: the rich-text editor's import
    map is an inline script, which the admin's policy runs only with the nonce. (Public
    pages have no inline script: they are cached whole, and a nonce must not be shared.)"""
    return Media.from_media(media, nonce=str(context["request"].csp_nonce)).render()
