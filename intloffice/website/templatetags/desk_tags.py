from django import template

from intloffice.website import translation_desk

register = template.Library()


@register.simple_tag(takes_context=True)
def translations_attention(context):
    """What waits for translators on the admin index: (label, count, desk link) rows."""
    return translation_desk.attention(context["request"].user)
