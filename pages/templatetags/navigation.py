from django import template

from .. import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def menu_pages(context, name):
    """The published pages the admin put in menu ``name`` ("main" or "footer"); on a page
    rendered with ``menus_known_only`` (the 404 page), only if they are remembered."""
    known_only = bool(context.get("menus_known_only"))
    # Read once per page: the header's menu and the footer's come from one directory.
    kept = context.render_context.get(navigation)
    if kept is None or kept[0] != known_only:
        kept = context.render_context[navigation] = (known_only, navigation.menus(known_only))
    return kept[1].get(name, [])
