"""The life of an article: draft → in review → scheduled or published → archived.

One function, ``apply``, moves an article and checks who may do it; the admin's buttons,
its list actions and the tests all call it, so the rules cannot differ between them.
Editors may submit and withdraw; only holders of ``news.publish_article`` (Publishers)
may publish, schedule, unpublish or archive. Each step may carry a comment, and leaves a
``ReviewNote`` and a History revision named after it ("Submitted for review").

Staff see five stages (``STAGES``): the stored status, except that a published article
whose time has not come is "scheduled" (``Article.is_scheduled``). Transitions start
from stages, so a scheduled article can be published now.

Every other way an article's status or publication date can change (a History revert,
*Recover deleted*, the importer, a shell) is held by ``guard``, which runs before every
save of an article, and by the article QuerySet's bulk writes: a change that did not come
through ``apply`` is refused unless the code doing it names who acts (``acting``), and
that person holds the permission the change needs. Each change leaves an audit line.

Longer than most modules: the states, the rules and the guard are one state machine,
read and changed together.
"""

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

import reversion
from django.core.exceptions import PermissionDenied
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from intloffice.core.audit import audit

from .models import Article, ReviewNote

Status = Article.Status
PUBLISH = "news.publish_article"
EDIT = "news.change_article"

SCHEDULED = "scheduled"
# What staff call an article's place in the workflow, everywhere (list, filter, form,
# messages), in this order.
STAGES = {
    Status.DRAFT: Status.DRAFT.label,
    Status.REVIEW: Status.REVIEW.label,
    SCHEDULED: _("scheduled"),
    Status.PUBLISHED: Status.PUBLISHED.label,
    Status.ARCHIVED: Status.ARCHIVED.label,
}


def stage(article: Article, now: dt.datetime | None = None) -> str:
    """The article's stage (a key of STAGES): its status, or "scheduled" for a published
    article whose time has not come."""
    return SCHEDULED if article.is_scheduled(now) else article.status


def stage_label(article: Article) -> str:
    return str(STAGES[stage(article)])


def moment(when: dt.datetime) -> str:
    """A date and time as staff read it: in the site's zone, named by its abbreviation,
    in the active language ("1 Dec 2026, 09:00 MSK")."""
    # Translators: a format of Django's "date" filter; T is the zone (MSK). Russian:
    # "j E Y, H:i T" (1 декабря 2026, 09:00 MSK); Chinese: "Y年n月j日 H:i T".
    pattern = pgettext("date and time of a workflow step", "j M Y, H:i T")
    return formats.date_format(timezone.localtime(when), pattern)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the button: what it will do
    sources: frozenset  # stages
    target: str  # a status
    permission: str
    done: str  # the confirmation and History: what it did; %(when)s is the date set

    def said(self, publish_at: dt.datetime) -> str:
        """What this step did, for an article it left at ``publish_at``."""
        return str(self.done) % {"when": moment(publish_at)}


# Steps that tell the author and the publishers by mail (news.notifications).
ANNOUNCED = frozenset({"submit", "withdraw", "unpublish", "schedule", "publish"})

TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit",
            _("Submit for review"),
            frozenset({Status.DRAFT}),
            Status.REVIEW,
            EDIT,
            _("Submitted for review"),
        ),
        Transition(
            "withdraw",
            _("Back to draft"),
            frozenset({Status.REVIEW}),
            Status.DRAFT,
            EDIT,
            _("Sent back to draft"),
        ),
        Transition(
            "publish",
            _("Publish now"),
            frozenset({Status.DRAFT, Status.REVIEW, Status.ARCHIVED, SCHEDULED}),
            Status.PUBLISHED,
            PUBLISH,
            _("Published"),
        ),
        Transition(
            "schedule",
            _("Schedule for the publication date"),
            frozenset({Status.DRAFT, Status.REVIEW, Status.ARCHIVED, Status.PUBLISHED, SCHEDULED}),
            Status.PUBLISHED,
            PUBLISH,
            _("Scheduled for %(when)s"),
        ),
        Transition(
            "unpublish",
            _("Unpublish"),
            frozenset({Status.PUBLISHED, SCHEDULED}),
            Status.DRAFT,
            PUBLISH,
            _("Sent back to draft"),
        ),
        Transition(
            "archive",
            pgettext_lazy("workflow action", "Archive"),
            frozenset({Status.PUBLISHED, SCHEDULED, Status.DRAFT, Status.REVIEW}),
            Status.ARCHIVED,
            PUBLISH,
            pgettext_lazy("workflow step done", "Archived"),
        ),
    ]
}


def history_line(text: str, comment: str = "") -> str:
    """A step as History names it: what it did, and the comment given with it."""
    if not comment:
        return text
    return gettext("%(step)s: “%(comment)s”") % {"step": text, "comment": comment}


def available(user, article: Article) -> list[Transition]:
    """The transitions this user may apply to this article now (for buttons)."""
    current = stored_stage(article)
    return [t for t in TRANSITIONS.values() if current in t.sources and user.has_perm(t.permission)]


def stored_stage(article: Article) -> str:
    """The stage the article is in as stored, before the change at hand (a form may have
    set a new date on the instance already)."""
    before = stored_state(article, raw=False)
    if before is None:
        return stage(article)
    return stage(Article(status=before.status, publish_at=before.publish_at))


def apply(
    article: Article,
    name: str,
    user,
    when: dt.datetime | None = None,
    save: bool = True,
    comment: str = "",
) -> Article:
    """Move ``article`` through transition ``name`` on behalf of ``user``, with an
    optional ``comment`` (kept in the step's ReviewNote and its History revision).

    ``schedule`` publishes at ``when`` (or the article's own publication date), which must
    lie in the future; ``publish`` publishes at once, a scheduled article too. Raises
    PermissionDenied when the user lacks the permission and ValueError when the move
    makes no sense.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValueError(f"unknown transition {name!r}")
    if not user.has_perm(transition.permission):
        audit.warning("%s was refused %s of article %s", user, name, article.pk)
        raise PermissionDenied(f"{user} may not {name} articles")
    current = stored_stage(article)
    if current not in transition.sources:
        raise ValueError(f"cannot {name} an article that is {STAGES[current]}")
    comment = comment.strip()
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
    # The guard before the save lets exactly this state through, once; the save logs it
    # and writes the step's ReviewNote.
    article._workflow_move = Move(name, user, state_of(article), step=True, comment=comment)
    if save:
        article.version += 1
        # A revision (who, when, which step) like an edit; inside the admin's own
        # revision block this joins that one.
        with reversion.create_revision():
            reversion.set_user(user if user.is_authenticated else None)
            reversion.set_comment(history_line(transition.said(article.publish_at), comment))
            article.save(
                update_fields=["status", "publish_at", "last_edited_by", "version", "updated_at"]
            )
    return article


def record(article: Article, name: str, actor, via: str = "") -> None:
    """The audit line of a move, once the article is saved (and has its id)."""
    audit.info(
        "%s: %s article %s %r (%s, publish at %s)%s",
        actor,
        name,
        article.pk,
        article.slug,
        article.status,
        article.publish_at.isoformat(),
        f" via {via}" if via else "",
    )


class WorkflowBypass(PermissionDenied):
    """A status or publication date was about to change outside the workflow."""


@dataclass(frozen=True)
class State:
    """What the workflow governs: whether an article is public, and from when."""

    status: str
    publish_at: dt.datetime

    def same_as(self, other: "State | None") -> bool:
        # Admin forms post whole seconds: a lost fraction of a second is no new date.
        return (
            other is not None
            and self.status == other.status
            and self.publish_at.replace(microsecond=0) == other.publish_at.replace(microsecond=0)
        )


@dataclass(frozen=True)
class Acting:
    actor: object  # a user, or intloffice.core.audit.CommandLine
    via: str = ""


@dataclass(frozen=True)
class Move:
    """A change the workflow allowed, to be logged once the article is saved."""

    name: str
    actor: object
    state: State
    via: str = ""
    step: bool = False  # a transition through ``apply``: it leaves a ReviewNote
    comment: str = ""


_acting: ContextVar[Acting | None] = ContextVar("workflow_acting", default=None)


@contextlib.contextmanager
def acting(actor, via: str = "") -> Iterator[None]:
    """Saves of articles inside this block are made by ``actor`` (through ``via``): a
    status or publication-date change is allowed if ``actor`` holds its permission."""
    token = _acting.set(Acting(actor, str(via)))
    try:
        yield
    finally:
        _acting.reset(token)


def state_of(article: Article) -> State:
    return State(article.status, article.publish_at)


def permission_for(before: State | None, after: State) -> str | None:
    """The permission a move from ``before`` (None: a new article) to ``after`` needs,
    or None if it moves nothing the workflow governs."""
    if after.same_as(before):
        return None
    if before is not None and before.status == after.status == Status.DRAFT:
        return None  # a draft's date is only a plan
    if before is None and after.status == Status.DRAFT:
        return None
    unpublished = {Status.DRAFT, Status.REVIEW}
    if after.status in unpublished and (before is None or before.status in unpublished):
        return EDIT
    return PUBLISH


def move_name(before: State | None, after: State) -> str:
    if before is None:
        return "publish" if after.status == Status.PUBLISHED else f"create as {after.status}"
    if before.status == after.status:
        return "change the publication date of"
    if after.status == Status.PUBLISHED and after.publish_at > timezone.now():
        return "schedule"
    for transition in TRANSITIONS.values():
        if before.status in transition.sources and transition.target == after.status:
            return transition.name
    return f"move from {before.status} to {after.status}"


def check(actor, name: str, before: State | None, after: State, pk=None) -> str | None:
    """Raise PermissionDenied (and log the refusal) unless ``actor`` may move an article
    from ``before`` to ``after``; return the permission that was needed."""
    needed = permission_for(before, after)
    if needed and not actor.has_perm(needed):
        if pk is None:
            audit.warning("%s was refused: %s", actor, name)
        else:
            audit.warning("%s was refused %s of article %s", actor, name, pk)
        raise PermissionDenied(f"{actor} may not {name} articles")
    return needed


def stored_state(article: Article, raw: bool) -> State | None:
    """The article's state as the database holds it, read from the row only when the
    instance does not know it (a deserialised revision, a hand-made instance)."""
    if not raw and article.pk is None:
        return None
    known = getattr(article, "_stored_state", {})
    if not raw and all(name in known for name in Article.WORKFLOW_FIELDS):
        return State(**known)
    row = Article.objects.filter(pk=article.pk).values_list(*Article.WORKFLOW_FIELDS).first()
    return State(*row) if row else None


def guard(sender, instance: Article, raw=False, update_fields=None, **kwargs) -> None:
    """Before every save of an article: refuse a status or publication-date change that
    neither ``apply`` nor an ``acting`` block allowed (a pre_save receiver)."""
    move = instance.__dict__.pop("_workflow_move", None)
    # A deferred field is not written, nor one left out of update_fields.
    written = [
        name
        for name in Article.WORKFLOW_FIELDS
        if name in instance.__dict__ and (update_fields is None or name in update_fields)
    ]
    if not written:
        return
    before = stored_state(instance, raw)
    after = State(
        **{
            name: getattr(instance if name in written or before is None else before, name)
            for name in Article.WORKFLOW_FIELDS
        }
    )
    if move is not None and move.state.same_as(after):
        instance._workflow_logged = move
        return
    if permission_for(before, after) is None:
        return
    name = move_name(before, after)
    context = _acting.get()
    if context is None:
        audit.warning("refused to %s article %s outside the workflow", name, instance.pk)
        raise WorkflowBypass(
            f"article {instance.pk}: status and publication date change only through "
            "news.workflow (apply, or a block that names who acts)"
        )
    check(context.actor, name, before, after, instance.pk)
    if not raw:
        # A raw save is a revision being restored: the door that restores it logs the
        # revert once it is kept (the History view also restores to show its form).
        instance._workflow_logged = Move(name, context.actor, after, context.via)


def saved(sender, instance: Article, raw=False, update_fields=None, **kwargs) -> None:
    """After every save of an article: log the move ``guard`` allowed, and remember the
    state now stored (a post_save receiver)."""
    move = instance.__dict__.pop("_workflow_logged", None)
    if move is not None:
        record(instance, move.name, move.actor, move.via)
        if move.step:
            ReviewNote.objects.create(
                article=instance,
                step=move.name,
                actor=move.actor if getattr(move.actor, "is_authenticated", False) else None,
                comment=move.comment,
                publish_at=instance.publish_at,
            )
    instance.remember_workflow_state(update_fields)


def check_bulk(name: str, needed: set) -> Acting:
    """For bulk writes (no save signals): the ``acting`` block's actor must hold each
    ``needed`` permission. Returns who acts, for the audit line."""
    context = _acting.get()
    needed = needed - {None}
    if not needed:
        return context or Acting("?")
    if context is None:
        audit.warning("refused to %s articles in bulk outside the workflow", name)
        raise WorkflowBypass(
            f"{name}: status and publication date change only through news.workflow"
        )
    for permission in needed:
        if not context.actor.has_perm(permission):
            audit.warning("%s was refused %s of articles in bulk", context.actor, name)
            raise PermissionDenied(f"{context.actor} may not {name} articles")
    return context


def record_bulk(context: Acting, name: str, ids: Iterable[int]) -> None:
    """One line for many articles: their ids as ranges (1-500, 503)."""
    ids = sorted(ids)
    if not ids:
        return
    ranges, start, end = [], ids[0], ids[0]
    for pk in ids[1:]:
        if pk != end + 1:
            ranges.append(f"{start}-{end}" if end > start else str(start))
            start = pk
        end = pk
    ranges.append(f"{start}-{end}" if end > start else str(start))
    via = f" via {context.via}" if context.via else ""
    audit.info("%s: %s %d article(s)%s: %s", context.actor, name, len(ids), via, ", ".join(ranges))
