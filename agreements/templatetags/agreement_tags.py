from django import template
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html

from agreements.models import ATTENTION, Agreement
from intloffice.core import language_rules

register = template.Library()

# An organisation's page lists this many of its agreements; the rest are a link away.
PARTNER_PAGE_AGREEMENTS = 20


@register.simple_tag
def agreements_of(organization, limit=PARTNER_PAGE_AGREEMENTS):
    """The public agreements an organisation is party to, newest first: ``shown`` (at most
    ``limit``) and whether there are ``more``. One query, through the relation the
    agreements app declares (partners import nothing of it)."""
    found = list(organization.agreements.public()[: limit + 1])
    return {"shown": found[:limit], "more": len(found) > limit}


@register.simple_tag
def country_after(organization):
    """`` (China)`` after a name, in the page's parentheses ("（中国）" in Chinese)."""
    if not organization.country:
        return ""
    shown = language_rules.parenthetical(str(organization.country.name))
    # The space stays outside the span, as site_tags.short_name does.
    space, bracketed = (" ", shown[1:]) if shown.startswith(" ") else ("", shown)
    return format_html('{}<span class="country">{}</span>', space, bracketed)


@register.simple_tag
def day(date):
    """A date as the page's language writes it, in a ``<time>`` element, for a sentence."""
    return format_html('<time datetime="{}">{}</time>', date.isoformat(), formats.date_format(date))


@register.simple_tag(takes_context=True)
def agreements_attention(context):
    """What waits for staff on the admin index: (label, count, changelist link) rows."""
    user = context["request"].user
    if not user.has_perm("agreements.view_agreement"):
        return []
    changelist = reverse("admin:agreements_agreement_changelist")
    return [
        (attention.waiting, count, f"{changelist}?expiring={days}")
        for days, attention in ATTENTION.items()
        if (count := Agreement.objects.expiring_within(int(days)).count())
    ]
