"""The life of a publishable object: draft → in review → scheduled or published → archived.

A ``Workflow`` is made once per model (news.workflow for articles, pages.workflow for
information pages) and knows the model, the two permissions that separate editors from
publishers and the model that keeps each step's note. Its ``apply`` moves an object and
checks who may do it; the admin's buttons, its list actions and the tests all call it, so
the rules cannot differ between them. Editors may submit and withdraw; only holders of
the publish permission (Publishers) may publish, schedule, unpublish or archive. Each step
may carry a comment, and leaves a note and a History revision named after it ("Submitted
for review").

Staff see five stages (``STAGES``): the stored status, except that a published object
whose time has not come is "scheduled". Transitions start from stages, so a scheduled
object can be published now.

Every other way an object's status or publication date can change (a History revert,
*Recover deleted*, an importer, a shell) is held by ``guard``, which runs before every save
of the model, and by ``WorkflowQuerySet``'s bulk writes: a change that did not come through
``apply`` is refused unless the code doing it names who acts (``acting``), and that person
holds the permission the change needs. Each change leaves an audit line.

The model inherits ``Publishable`` (status, publication date, what was stored) and its
manager's QuerySet ``WorkflowQuerySet`` (``published()``, the one definition of public).

Longer than most modules: the states, the rules and the guard are one state machine,
read and changed together.
"""

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from . import bulk, freshness
from .audit import audit


class Status(models.TextChoices):
    """The stored place of an object in the workflow (Article.Status has the same values)."""

    DRAFT = "draft", _("draft")
    REVIEW = "review", _("in review")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


SCHEDULED = "scheduled"
# What staff call an object's place in the workflow, everywhere (list, filter, form,
# messages), in this order.
STAGES = {
    Status.DRAFT: Status.DRAFT.label,
    Status.REVIEW: Status.REVIEW.label,
    SCHEDULED: _("scheduled"),
    Status.PUBLISHED: Status.PUBLISHED.label,
    Status.ARCHIVED: Status.ARCHIVED.label,
}
# Steps that tell the author and the publishers by mail (intloffice.core.notifications).
ANNOUNCED = frozenset({"submit", "withdraw", "unpublish", "schedule", "publish"})


def moment(when: dt.datetime) -> str:
    """A date and time as staff read it: in the site's zone, named by its abbreviation,
    in the active language ("1 Dec 2026, 09:00 MSK")."""
    # Translators: a format of Django's "date" filter; T is the zone (MSK). Russian:
    # "j E Y, H:i T" (1 декабря 2026, 09:00 MSK); Chinese: "Y年n月j日 H:i T".
    pattern = pgettext("date and time of a workflow step", "j M Y, H:i T")
    return formats.date_format(timezone.localtime(when), pattern)


def history_line(text: str, comment: str = "") -> str:
    """A step as History names it: what it did, and the comment given with it."""
    if not comment:
        return text
    return gettext("%(step)s: “%(comment)s”") % {"step": text, "comment": comment}


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the button: what it will do
    sources: frozenset  # stages
    target: str  # a status
    permission: str
    done: str  # the confirmation and History: what it did; %(when)s is the date set

    def said(self, publish_at: dt.datetime) -> str:
        """What this step did, for an object it left at ``publish_at``."""
        return str(self.done) % {"when": moment(publish_at)}


def transitions(edit: str, publish: str) -> dict[str, Transition]:
    """The steps, editors' steps needing ``edit`` and publishers' ``publish``."""
    return {
        t.name: t
        for t in [
            Transition(
                "submit",
                _("Submit for review"),
                frozenset({Status.DRAFT}),
                Status.REVIEW,
                edit,
                _("Submitted for review"),
            ),
            Transition(
                "withdraw",
                _("Back to draft"),
                frozenset({Status.REVIEW}),
                Status.DRAFT,
                edit,
                _("Sent back to draft"),
            ),
            Transition(
                "publish",
                _("Publish now"),
                frozenset({Status.DRAFT, Status.REVIEW, Status.ARCHIVED, SCHEDULED}),
                Status.PUBLISHED,
                publish,
                _("Published"),
            ),
            Transition(
                "schedule",
                _("Schedule for the publication date"),
                frozenset(
                    {Status.DRAFT, Status.REVIEW, Status.ARCHIVED, Status.PUBLISHED, SCHEDULED}
                ),
                Status.PUBLISHED,
                publish,
                _("Scheduled for %(when)s"),
            ),
            Transition(
                "unpublish",
                _("Unpublish"),
                frozenset({Status.PUBLISHED, SCHEDULED}),
                Status.DRAFT,
                publish,
                _("Sent back to draft"),
            ),
            Transition(
                "archive",
                pgettext_lazy("workflow action", "Archive"),
                frozenset({Status.PUBLISHED, SCHEDULED, Status.DRAFT, Status.REVIEW}),
                Status.ARCHIVED,
                publish,
                pgettext_lazy("workflow step done", "Archived"),
            ),
        ]
    }


class WorkflowBypass(PermissionDenied):
    """A status or publication date was about to change outside the workflow."""


@dataclass(frozen=True)
class State:
    """What the workflow governs: whether an object is public, and from when."""

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
    """A change the workflow allowed, to be logged once the object is saved."""

    name: str
    actor: object
    state: State
    via: str = ""
    step: bool = False  # a transition through ``apply``: it leaves a note
    comment: str = ""


_acting: ContextVar[Acting | None] = ContextVar("workflow_acting", default=None)


@contextlib.contextmanager
def acting(actor, via: str = "") -> Iterator[None]:
    """Saves inside this block, of any object a workflow governs, are made by ``actor``
    (through ``via``): a status or publication-date change is allowed if ``actor`` holds
    its permission."""
    token = _acting.set(Acting(actor, str(via)))
    try:
        yield
    finally:
        _acting.reset(token)


def state_of(obj) -> State:
    return State(obj.status, obj.publish_at)


WORKFLOW_FIELDS = ("status", "publish_at")


class Publishable(models.Model):
    """For a model the workflow governs: its facts about being public. The model declares
    ``status`` (``Status`` choices) and ``publish_at`` itself, with its own help texts."""

    WORKFLOW_FIELDS = WORKFLOW_FIELDS

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        obj.remember_workflow_state()
        return obj

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        self.remember_workflow_state(fields)

    def remember_workflow_state(self, fields=None) -> None:
        """Keep the status and publication date as stored, for the workflow to compare a
        save with (no query: only what was loaded or just saved)."""
        stored = self.__dict__.setdefault("_stored_state", {})
        for name in self.WORKFLOW_FIELDS:
            if name in self.__dict__ and (fields is None or name in fields):
                stored[name] = self.__dict__[name]

    def is_public(self, now=None) -> bool:
        return self.status == Status.PUBLISHED and self.publish_at <= (now or timezone.now())

    def is_scheduled(self, now=None) -> bool:
        """Published, to appear by itself at its date."""
        return self.status == Status.PUBLISHED and self.publish_at > (now or timezone.now())


class StepNote(models.Model):
    """One workflow step taken on an object: which, by whom, when, with what comment.

    Written by ``Workflow.saved`` for every step; the change form shows the latest to the
    author, each named in the reader's language from ``step`` (a transition's name). A
    concrete model adds the foreign key to what it notes (``Workflow.note_owner``).
    """

    step = models.CharField(_("step"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    comment = models.TextField(_("comment"), blank=True)
    # The publication date the step set: "Scheduled for …" names it.
    publish_at = models.DateTimeField(_("publication date"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]


# Every model's workflow, by model: the QuerySet's bulk writes find theirs here.
_workflows: dict[type, "Workflow"] = {}


def workflow_of(model) -> "Workflow":
    return _workflows[model._meta.concrete_model]


class Workflow:
    """The rules for one model: ``model`` (a ``Publishable``), the permissions ``edit``
    and ``publish`` ("app.codename"), and ``notes``, the model of the step notes, whose
    foreign key to ``model`` is named ``note_owner``. ``noun`` and ``nouns`` name the
    objects in audit lines and errors (in English, as the log is), ``a_noun`` with its
    article ("an article")."""

    def __init__(
        self, model, *, edit: str, publish: str, notes, note_owner: str, noun: str, a_noun: str
    ):
        self.model = model
        self.EDIT = edit
        self.PUBLISH = publish
        self.notes = notes
        self.note_owner = note_owner
        self.noun = noun
        self.nouns = f"{noun}s"
        self.a_noun = a_noun
        self.TRANSITIONS = transitions(edit, publish)
        _workflows[model] = self

    def connect(self) -> None:
        """Make every save of the model pass the workflow (from an AppConfig.ready())."""
        from django.db.models.signals import post_save, pre_save

        label = self.model._meta.label
        pre_save.connect(self.guard, sender=self.model, dispatch_uid=f"workflow-guard-{label}")
        post_save.connect(self.saved, sender=self.model, dispatch_uid=f"workflow-saved-{label}")

    # --- Stages and transitions -----------------------------------------------------

    def stage(self, obj, now: dt.datetime | None = None) -> str:
        """The object's stage (a key of STAGES): its status, or "scheduled" for a published
        object whose time has not come."""
        return SCHEDULED if obj.is_scheduled(now) else obj.status

    def stage_label(self, obj) -> str:
        return str(STAGES[self.stage(obj)])

    def available(self, user, obj) -> list[Transition]:
        """The transitions this user may apply to this object now (for buttons)."""
        current = self.stored_stage(obj)
        return [
            t
            for t in self.TRANSITIONS.values()
            if current in t.sources and user.has_perm(t.permission)
        ]

    def may_edit(self, user, obj) -> bool:
        """Beside the model's change permission: what is live (or scheduled) changes only
        through a publisher. The admin's forms and the translators' files ask this."""
        return obj.status != Status.PUBLISHED or user.has_perm(self.PUBLISH)

    def stored_stage(self, obj) -> str:
        """The stage the object is in as stored, before the change at hand (a form may have
        set a new date on the instance already)."""
        before = self.stored_state(obj, raw=False)
        if before is None:
            return self.stage(obj)
        return self.stage(self.model(status=before.status, publish_at=before.publish_at))

    def apply(
        self,
        obj,
        name: str,
        user,
        when: dt.datetime | None = None,
        save: bool = True,
        comment: str = "",
    ):
        """Move ``obj`` through transition ``name`` on behalf of ``user``, with an optional
        ``comment`` (kept in the step's note and its History revision).

        ``schedule`` publishes at ``when`` (or the object's own publication date), which
        must lie in the future; ``publish`` publishes at once, a scheduled object too.
        Raises PermissionDenied when the user lacks the permission and ValueError when the
        move makes no sense.
        """
        transition = self.TRANSITIONS.get(name)
        if transition is None:
            raise ValueError(f"unknown transition {name!r}")
        if not user.has_perm(transition.permission):
            audit.warning("%s was refused %s of %s %s", user, name, self.noun, obj.pk)
            raise PermissionDenied(f"{user} may not {name} {self.nouns}")
        current = self.stored_stage(obj)
        if current not in transition.sources:
            raise ValueError(f"cannot {name} {self.a_noun} that is {STAGES[current]}")
        comment = comment.strip()
        now = timezone.now()
        if name == "publish":
            obj.publish_at = now
        elif name == "schedule":
            when = when or obj.publish_at
            if when <= now:
                raise ValueError("a scheduled publication date must lie in the future")
            obj.publish_at = when
        obj.status = transition.target
        obj.last_edited_by = user if user.is_authenticated else None
        # The guard before the save lets exactly this state through, once; the save logs
        # it and writes the step's note.
        obj._workflow_move = Move(name, user, state_of(obj), step=True, comment=comment)
        if save:
            obj.version += 1
            # A revision (who, when, which step) like an edit; inside the admin's own
            # revision block this joins that one.
            with reversion.create_revision():
                reversion.set_user(user if user.is_authenticated else None)
                reversion.set_comment(history_line(transition.said(obj.publish_at), comment))
                obj.save(
                    update_fields=[
                        "status",
                        "publish_at",
                        "last_edited_by",
                        "version",
                        "updated_at",
                    ]
                )
        return obj

    def record(self, obj, name: str, actor, via: str = "") -> None:
        """The audit line of a move, once the object is saved (and has its id)."""
        audit.info(
            "%s: %s %s %s %r (%s, publish at %s)%s",
            actor,
            name,
            self.noun,
            obj.pk,
            obj.slug,
            obj.status,
            obj.publish_at.isoformat(),
            f" via {via}" if via else "",
        )

    # --- Every other door: the guard ---------------------------------------------------

    def permission_for(self, before: State | None, after: State) -> str | None:
        """The permission a move from ``before`` (None: a new object) to ``after`` needs,
        or None if it moves nothing the workflow governs."""
        if after.same_as(before):
            return None
        if before is not None and before.status == after.status == Status.DRAFT:
            return None  # a draft's date is only a plan
        if before is None and after.status == Status.DRAFT:
            return None
        unpublished = {Status.DRAFT, Status.REVIEW}
        if after.status in unpublished and (before is None or before.status in unpublished):
            return self.EDIT
        return self.PUBLISH

    def move_name(self, before: State | None, after: State) -> str:
        if before is None:
            return "publish" if after.status == Status.PUBLISHED else f"create as {after.status}"
        if before.status == after.status:
            return "change the publication date of"
        if after.status == Status.PUBLISHED and after.publish_at > timezone.now():
            return "schedule"
        for transition in self.TRANSITIONS.values():
            if before.status in transition.sources and transition.target == after.status:
                return transition.name
        return f"move from {before.status} to {after.status}"

    def check(self, actor, name: str, before: State | None, after: State, pk=None) -> str | None:
        """Raise PermissionDenied (and log the refusal) unless ``actor`` may move an object
        from ``before`` to ``after``; return the permission that was needed."""
        needed = self.permission_for(before, after)
        if needed and not actor.has_perm(needed):
            if pk is None:
                audit.warning("%s was refused: %s", actor, name)
            else:
                audit.warning("%s was refused %s of %s %s", actor, name, self.noun, pk)
            raise PermissionDenied(f"{actor} may not {name} {self.nouns}")
        return needed

    def stored_state(self, obj, raw: bool) -> State | None:
        """The object's state as the database holds it, read from the row only when the
        instance does not know it (a deserialised revision, a hand-made instance)."""
        if not raw and obj.pk is None:
            return None
        known = getattr(obj, "_stored_state", {})
        if not raw and all(name in known for name in WORKFLOW_FIELDS):
            return State(**known)
        row = self.model.objects.filter(pk=obj.pk).values_list(*WORKFLOW_FIELDS).first()
        return State(*row) if row else None

    def guard(self, sender, instance, raw=False, update_fields=None, **kwargs) -> None:
        """Before every save: refuse a status or publication-date change that neither
        ``apply`` nor an ``acting`` block allowed (a pre_save receiver)."""
        move = instance.__dict__.pop("_workflow_move", None)
        # A deferred field is not written, nor one left out of update_fields.
        written = [
            name
            for name in WORKFLOW_FIELDS
            if name in instance.__dict__ and (update_fields is None or name in update_fields)
        ]
        if not written:
            return
        before = self.stored_state(instance, raw)
        after = State(
            **{
                name: getattr(instance if name in written or before is None else before, name)
                for name in WORKFLOW_FIELDS
            }
        )
        if move is not None and move.state.same_as(after):
            instance._workflow_logged = move
            return
        if self.permission_for(before, after) is None:
            return
        name = self.move_name(before, after)
        context = _acting.get()
        if context is None:
            audit.warning("refused to %s %s %s outside the workflow", name, self.noun, instance.pk)
            raise WorkflowBypass(
                f"{self.noun} {instance.pk}: status and publication date change only through "
                f"{self.model._meta.app_label}.workflow (apply, or a block that names who acts)"
            )
        self.check(context.actor, name, before, after, instance.pk)
        if not raw:
            # A raw save is a revision being restored: the door that restores it logs the
            # revert once it is kept (the History view also restores to show its form).
            instance._workflow_logged = Move(name, context.actor, after, context.via)

    def saved(self, sender, instance, raw=False, update_fields=None, **kwargs) -> None:
        """After every save: log the move ``guard`` allowed, and remember the state now
        stored (a post_save receiver)."""
        move = instance.__dict__.pop("_workflow_logged", None)
        if move is not None:
            self.record(instance, move.name, move.actor, move.via)
            if move.step:
                self.notes.objects.create(
                    **{self.note_owner: instance},
                    step=move.name,
                    actor=move.actor if getattr(move.actor, "is_authenticated", False) else None,
                    comment=move.comment,
                    publish_at=instance.publish_at,
                )
        instance.remember_workflow_state(update_fields)

    # --- Bulk writes (no save signals) -------------------------------------------------

    def check_bulk(self, name: str, needed: set) -> Acting:
        """The ``acting`` block's actor must hold each ``needed`` permission. Returns who
        acts, for the audit line."""
        context = _acting.get()
        needed = needed - {None}
        if not needed:
            return context or Acting("?")
        if context is None:
            audit.warning("refused to %s %s in bulk outside the workflow", name, self.nouns)
            raise WorkflowBypass(
                f"{name}: status and publication date change only through "
                f"{self.model._meta.app_label}.workflow"
            )
        for permission in needed:
            if not context.actor.has_perm(permission):
                audit.warning("%s was refused %s of %s in bulk", context.actor, name, self.nouns)
                raise PermissionDenied(f"{context.actor} may not {name} {self.nouns}")
        return context

    def record_bulk(self, context: Acting, name: str, ids: Iterable[int]) -> None:
        """One line for many objects: their ids as ranges (1-500, 503)."""
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
        audit.info(
            "%s: %s %d %s(s)%s: %s",
            context.actor,
            name,
            len(ids),
            self.noun,
            via,
            ", ".join(ranges),
        )


class WorkflowQuerySet(models.QuerySet):
    """The public vocabulary of a ``Publishable`` model, and its bulk writes held to the
    workflow's rules (they send no save signals)."""

    def published(self, now=None):
        """The one definition of "public": published, and its time has come."""
        return self.filter(status=Status.PUBLISHED, publish_at__lte=now or timezone.now())

    def scheduled(self, now=None):
        """Published, but its time has not come yet: it will appear by itself."""
        return self.filter(status=Status.PUBLISHED, publish_at__gt=now or timezone.now())

    def next_publication(self):
        """When the next scheduled object goes live by itself (None if none is waiting)."""
        return self.scheduled().order_by("publish_at").values_list("publish_at", flat=True).first()

    def in_review(self):
        return self.filter(status=Status.REVIEW)

    def update(self, **kwargs):
        if not set(WORKFLOW_FIELDS) & kwargs.keys():
            return super().update(**kwargs)
        workflow = workflow_of(self.model)
        context = workflow.check_bulk("update", {workflow.PUBLISH})
        ids = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        freshness.kinds_changed(self.model)  # no signal: say what changed
        changes = ", ".join(f"{name}={kwargs[name]}" for name in WORKFLOW_FIELDS if name in kwargs)
        workflow.record_bulk(context, f"set {changes} of", ids)
        return count

    def bulk_update(self, objs, fields, batch_size=None):
        if not set(WORKFLOW_FIELDS) & set(fields):
            return super().bulk_update(objs, fields, batch_size=batch_size)
        workflow = workflow_of(self.model)
        objs = list(objs)
        context = workflow.check_bulk("update", {workflow.PUBLISH})
        count = super().bulk_update(objs, fields, batch_size=batch_size)
        freshness.kinds_changed(self.model)
        workflow.record_bulk(context, "update the status or date of", [o.pk for o in objs])
        return count

    def bulk_create(self, objs, *args, **kwargs):
        create = super().bulk_create
        return self._create_governed(objs, lambda objs: create(objs, *args, **kwargs))

    def insert_new(self, objs, each=None):
        """``bulk_create`` by COPY where the database takes it (core.bulk.insert_objects,
        which calls ``each(obj, values)`` after each row), held to the same rules."""
        return self._create_governed(objs, lambda objs: bulk.insert_objects(self.model, objs, each))

    def _create_governed(self, objs, create):
        workflow = workflow_of(self.model)
        objs = list(objs)
        # The new objects the workflow governs (beyond drafts), with the permission each needs.
        governed = []
        for obj in objs:
            state = state_of(obj)
            if needed := workflow.permission_for(None, state):
                governed.append((obj, state, needed))
        context = workflow.check_bulk("create", {needed for _obj, _state, needed in governed})
        created = create(objs)
        freshness.kinds_changed(self.model)
        by_move: dict[str, list[int]] = {}
        for obj, state, _needed in governed:
            by_move.setdefault(workflow.move_name(None, state), []).append(obj.pk)
        for name, ids in by_move.items():
            workflow.record_bulk(context, name, ids)
        return created
