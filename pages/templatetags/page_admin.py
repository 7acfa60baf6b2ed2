from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import Page

register = template.Library()


@register.simple_tag(takes_context=True)
def pages_attention(context):
    """Pages waiting for a publisher, for the admin index's "needs attention" block:
    (label, count, changelist link) rows, as news' editorial_attention gives."""
    if not context["request"].user.has_perm("pages.view_page"):
        return []
    count = Page.objects.in_review().count()
    if not count:
        return []
    changelist = reverse("admin:pages_page_changelist")
    return [(_("Pages waiting for review"), count, f"{changelist}?status=review")]
