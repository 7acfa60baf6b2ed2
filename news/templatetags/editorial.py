from django import template
from django.urls import reverse

from news.models import ATTENTION, Article

register = template.Library()


@register.simple_tag(takes_context=True)
def editorial_attention(context):
    """What waits for staff on the admin index: (label, count, changelist link) rows."""
    user = context["request"].user
    if not user.has_perm("news.view_article"):
        return []
    changelist = reverse("admin:news_article_changelist")
    return [
        (attention.waiting, count, f"{changelist}?attention={key}")
        for key, attention in ATTENTION.items()
        if (count := Article.objects.needing_attention(key).count())
    ]
