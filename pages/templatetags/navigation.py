from django import template

from .. import navigation

register = template.Library()


@register.simple_tag
def menu_pages(name):
    """The published pages the admin put in menu ``name`` ("main" or "footer")."""
    return navigation.menu(name)
