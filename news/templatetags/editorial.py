from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from news.models import Article

register = template.Library()


@register.simple_tag(takes_context=True)
def editorial_attention(context):
    """What waits for staff on the admin index: (label, count, changelist link) rows."""
    user = context["request"].user
    if not user.has_perm("news.view_article"):
        return []
    changelist = reverse("admin:news_article_changelist")
    rows = [
        (
            _("Articles waiting for review"),
            Article.objects.filter(status=Article.Status.REVIEW),
            "review",
        ),
        (_("Scheduled articles"), Article.objects.scheduled(), "scheduled"),
        (
            _("Articles missing a translation"),
            Article.objects.missing_translation(),
            "untranslated",
        ),
    ]
    return [
        (label, count, f"{changelist}?attention={key}")
        for label, queryset, key in rows
        if (count := queryset.count())
    ]
