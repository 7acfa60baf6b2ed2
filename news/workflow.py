"""The life of an article: draft → in review → published (now or scheduled) → archived.

One function, ``apply``, moves an article and checks who may do it; the admin's buttons,
its list actions and the tests all call it, so the rules cannot differ between them.
Editors may submit and withdraw; only holders of ``news.publish_article`` (Publishers)
may publish, schedule, unpublish or archive.
"""

import datetime as dt
import logging
from dataclasses import dataclass

import reversion
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Article

audit = logging.getLogger("intloffice.audit")
Status = Article.Status
PUBLISH = "news.publish_article"
EDIT = "news.change_article"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    permission: str


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit", _("Submit for review"), frozenset({Status.DRAFT}), Status.REVIEW, EDIT
        ),
        Transition("withdraw", _("Back to draft"), frozenset({Status.REVIEW}), Status.DRAFT, EDIT),
        Transition(
            "publish",
            _("Publish now"),
            frozenset({Status.DRAFT, Status.REVIEW, Status.ARCHIVED}),
            Status.PUBLISHED,
            PUBLISH,
        ),
        Transition(
            "schedule",
            _("Schedule for the publication date"),
            frozenset({Status.DRAFT, Status.REVIEW, Status.ARCHIVED, Status.PUBLISHED}),
            Status.PUBLISHED,
            PUBLISH,
        ),
        Transition(
            "unpublish",
            _("Unpublish"),
            frozenset({Status.PUBLISHED}),
            Status.DRAFT,
            PUBLISH,
        ),
        Transition(
            "archive",
            pgettext_lazy("workflow action", "Archive"),
            frozenset({Status.PUBLISHED, Status.DRAFT, Status.REVIEW}),
            Status.ARCHIVED,
            PUBLISH,
        ),
    ]
}


def available(user, article: Article) -> list[Transition]:
    """The transitions this user may apply to this article now (for buttons)."""
    return [
        t
        for t in TRANSITIONS.values()
        if article.status in t.sources and user.has_perm(t.permission)
    ]


def apply(
    article: Article, name: str, user, when: dt.datetime | None = None, save: bool = True
) -> Article:
    """Move ``article`` through transition ``name`` on behalf of ``user``.

    ``schedule`` publishes at ``when`` (or the article's own publication date), which must
    lie in the future; ``publish`` publishes at once. Raises PermissionDenied when the
    user lacks the permission and ValueError when the move makes no sense.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValueError(f"unknown transition {name!r}")
    if not user.has_perm(transition.permission):
        audit.warning("%s was refused %s of article %s", user, name, article.pk)
        raise PermissionDenied(f"{user} may not {name} articles")
    if article.status not in transition.sources:
        raise ValueError(f"cannot {name} an article that is {article.get_status_display()}")
    now = timezone.now()
    if name == "publish":
        article.publish_at = now
    elif name == "schedule":
        when = when or article.publish_at
        if when <= now:
            raise ValueError("a scheduled publication date must lie in the future")
        article.publish_at = when
    article.status = transition.target
    article.last_edited_by = user if user.is_authenticated else None
    if save:
        article.version += 1
        # A revision (who, when, which action) like an edit; inside the admin's own
        # revision block this joins that one.
        with reversion.create_revision():
            reversion.set_user(user if user.is_authenticated else None)
            reversion.set_comment(str(transition.label))
            article.save(
                update_fields=["status", "publish_at", "last_edited_by", "version", "updated_at"]
            )
        record(article, name, user)
    return article


def record(article: Article, name: str, user) -> None:
    """The audit line of a transition, once the article is saved (and has its id)."""
    audit.info(
        "%s: %s article %s %r (publish at %s)",
        user,
        name,
        article.pk,
        article.slug,
        article.publish_at.isoformat(),
    )
