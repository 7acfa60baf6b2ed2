"""The articles of a partner's timeline (partners.timeline): its published news."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners import timeline
from partners.models import Event

from .models import Article


def articles(organization, limit: int) -> list[timeline.Entry]:
    """The latest published articles naming the organisation, each about the events it
    names, under which the timeline shows it (two queries: the articles, their events)."""
    found = list(
        Article.objects.published()
        .filter(organizations=organization)
        .newest_first()
        # What an entry shows: the title in each language, not the body.
        .headings()[:limit]
    )
    events: dict[int, list] = {}
    links = Article.events.through.objects.filter(article_id__in=[a.pk for a in found])
    for article_id, event_id in links.order_by("pk").values_list("article_id", "event_id"):
        events.setdefault(article_id, []).append(timeline.key(Event, event_id))
    return [
        timeline.Entry(
            obj=article,
            when=article.publish_at,
            day=timezone.localdate(article.publish_at),
            label=_("news"),
            title_field="title",
            about=tuple(events.get(article.pk, ())),
        )
        for article in found
    ]
