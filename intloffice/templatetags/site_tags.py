from django import template
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language

from intloffice.translated import shown_language

register = template.Library()


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
