from django import template

from .. import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def menu_pages(context, name):
    """The published pages the admin put in menu ``name`` ("main" or "footer"); on a page
    rendered with ``menus_known_only`` (the 404 page), only if they are remembered."""
    # One cache read each (the header's menu and the footer's are kept parts of the page,
    # {% remembered %}, which must each see the read to know what they show).
    return navigation.menu(name, known_only=bool(context.get("menus_known_only")))
