"""The admin's doors for a model the workflow governs (intloffice.core.workflow).

Every door through which such an admin changes what the public sees passes the workflow
here: the form's step buttons, the list actions, History's revert and recover, and a
publisher's change of a live object's date in the form. Articles and information pages
use the same doors, so their rules and audit lines cannot differ.

A ModelAdmin inherits ``WorkflowAdmin`` (before the Django admin classes), sets
``workflow`` and ``announce`` (who is told by mail), and uses a form with
``WorkflowForm`` among its bases.
"""

import contextlib

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from reversion.models import Version

from . import workflow as core_workflow
from .admin_helpers import SaidAboutTheChange
from .audit import audit
from .notifications import name_of

# The change form shows the stage in place of the stored status, and this many review notes.
STAGE = {"status": "status_label"}
REVIEW_NOTES_SHOWN = 5


class StepComment(SaidAboutTheChange, forms.CharField):
    """The comment given with a workflow step."""


class WorkflowForm(forms.ModelForm):
    # Rendered beside the workflow buttons (templates/admin/workflow/change_form.html), not
    # in a fieldset; sent with the step taken, and kept in its note and History.
    review_comment = StepComment(
        label=_("Comment for the author and the publishers (optional)"),
        help_text=_("Sent with the workflow button you press, and kept in the history."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def clean(self):
        cleaned = super().clean()
        if self.data.get("_transition") == "schedule":
            publish_at = cleaned.get("publish_at")
            if publish_at and publish_at <= timezone.now():
                self.add_error(
                    "publish_at", _("To schedule, choose a publication date in the future.")
                )
        return cleaned


class StageFilter(admin.SimpleListFilter):
    """The status filter in the stages staff see everywhere: "scheduled" apart from
    "published" (live)."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(core_workflow.STAGES.items())

    def queryset(self, request, queryset):
        value = self.value()
        if value == core_workflow.SCHEDULED:
            return queryset.scheduled()
        if value == core_workflow.Status.PUBLISHED:
            return queryset.published()
        if value in core_workflow.STAGES:
            return queryset.filter(status=value)
        return queryset


class WorkflowAdmin:
    workflow: core_workflow.Workflow = None
    # announce(request, obj, step name, comment=""): tells people by mail.
    announce = None
    change_form_template = "admin/workflow/change_form.html"
    # The list actions' confirmation, with the step's name and how many were moved.
    steps_done_message = _("%(step)s: %(count)d object(s).")
    actions = ["submit_for_review", "publish_now", "unpublish", "archive"]

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        return self.workflow.stage_label(obj)

    def has_change_permission(self, request, obj=None):
        # What is live changes only through a publisher.
        if obj is not None and not self.workflow.may_edit(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == core_workflow.Status.PUBLISHED:
            return request.user.has_perm(self.workflow.PUBLISH) and super().has_delete_permission(
                request, obj
            )
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return request.user.has_perm(self.workflow.PUBLISH)

    # The form names the stage as the list does ("scheduled", not the stored "published").

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "status_label"]

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": [STAGE.get(f, f) for f in options["fields"]]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def review_notes(self, obj) -> list[dict]:
        """The latest steps taken on ``obj``, as the change form lists them."""
        if obj is None or not obj.pk:
            return []
        notes = self.workflow.notes.objects.filter(**{self.workflow.note_owner: obj})
        return [
            {
                "step": self.workflow.TRANSITIONS[note.step].said(note.publish_at),
                "who": name_of(note.actor) if note.actor else _("someone"),
                "when": core_workflow.moment(note.created_at),
                "comment": note.comment,
            }
            for note in notes.select_related("actor")[:REVIEW_NOTES_SHOWN]
            if note.step in self.workflow.TRANSITIONS
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        current = obj or self.model(status=core_workflow.Status.DRAFT)
        context["transitions"] = self.workflow.available(request.user, current)
        context["review_comment"] = context["adminform"].form["review_comment"]
        context["review_notes"] = self.review_notes(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A publisher may change a live object's date in the form: the workflow checks
        # and logs it like a transition.
        with core_workflow.acting(request.user):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        name = request.POST.get("_transition")
        comment = form.cleaned_data.get("review_comment", "").strip()
        if name:
            try:
                self.workflow.apply(
                    obj, name, request.user, when=obj.publish_at, save=False, comment=comment
                )
            except ValueError as error:
                # Refused before anything was written: the transaction rolls back.
                raise PermissionDenied(str(error)) from error
        super().save_model(request, obj, form, change)
        if name:
            said = self.workflow.TRANSITIONS[name].said(obj.publish_at)
            # For History (log_addition/log_change) and for message_user.
            request.workflow_step = core_workflow.history_line(said, comment)
            messages.success(request, _("%(step)s: “%(title)s”") % {"step": said, "title": obj})
            self.announce(request, obj, name, comment)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # After a workflow step its confirmation says what happened; Django's "was changed
        # successfully" beside it would only repeat it. Plain saves keep it.
        if level == messages.SUCCESS and getattr(request, "workflow_step", None):
            return
        super().message_user(request, message, level, *args, **kwargs)

    # History names a step ("Published"), with its comment, rather than "No fields changed.".

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self.name_the_step(request, message)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self.name_the_step(request, message)
        return entry

    def name_the_step(self, request, message):
        step = getattr(request, "workflow_step", None)
        if step and reversion.is_active():
            # Fields changed in the same save: reversion's own comment, after the step.
            reversion.set_comment(f"{step} — {reversion.get_comment()}" if message else step)

    # History: reverting to a revision and recovering a deleted object write the stored
    # status and date back as they were. They are workflow moves like any other.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id, object_id=unquote(object_id))
        return self.restore(
            request,
            version,
            "revert",
            lambda: super(WorkflowAdmin, self).revision_view(
                request, object_id, version_id, extra_context
            ),
        )

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id)
        return self.restore(
            request,
            version,
            "recover",
            lambda: super(WorkflowAdmin, self).recover_view(request, version_id, extra_context),
        )

    def restore(self, request, version, name, view):
        wf = self.workflow
        fields = version.field_dict
        after = core_workflow.State(fields["status"], fields["publish_at"])
        current = self.model.objects.filter(pk=version.object_id).first()
        before = core_workflow.state_of(current) if current else None
        needed = wf.permission_for(before, after)
        if before is not None and before.status == core_workflow.Status.PUBLISHED:
            needed = wf.PUBLISH  # what is live changes only through a publisher
        if needed and not request.user.has_perm(needed):
            audit.warning(
                "%s was refused %s of %s %s to the revision of %s",
                request.user,
                name,
                wf.noun,
                version.object_id,
                version.revision.date_created.isoformat(),
            )
            raise PermissionDenied(f"{request.user} may not {name} this {wf.noun}")
        # The revision comment in the reader's language; the audit line in English.
        request.restoring = _("status: %(before)s → %(after)s") % {
            "before": core_workflow.Status(before.status).label if before else _("deleted"),
            "after": core_workflow.Status(after.status).label,
        }
        with core_workflow.acting(request.user, via=name):
            response = view()
        if request.method == "POST" and response.status_code == 302:
            obj = self.model.objects.get(pk=version.object_id)
            wf.record(
                obj,
                name,
                request.user,
                f"History, revision of {version.revision.date_created.isoformat()}, "
                f"was {before.status if before else 'deleted'}",
            )
        return response

    @contextlib.contextmanager
    def create_revision(self, request):
        with super().create_revision(request):
            yield
            restoring = getattr(request, "restoring", None)
            if restoring and reversion.get_comment():
                # Reversion's own comment names the revert; the status says what it did.
                reversion.set_comment(f"{reversion.get_comment()} ({restoring})")

    def _apply_to_selected(self, request, queryset, name):
        done = 0
        for obj in queryset:
            try:
                self.workflow.apply(obj, name, request.user)
            except ValueError as error:
                self.message_user(request, f"{obj}: {error}", messages.WARNING)
                continue
            done += 1
            self.announce(request, obj, name)
        if done:
            # No list action schedules: the step's name needs no date.
            self.message_user(
                request,
                self.steps_done_message
                % {"step": self.workflow.TRANSITIONS[name].said(timezone.now()), "count": done},
            )

    @admin.action(description=_("Submit for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._apply_to_selected(request, queryset, "submit")

    @admin.action(description=_("Publish now"), permissions=["publish"])
    def publish_now(self, request, queryset):
        self._apply_to_selected(request, queryset, "publish")

    @admin.action(description=_("Unpublish"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._apply_to_selected(request, queryset, "unpublish")

    @admin.action(description=pgettext_lazy("workflow action", "Archive"), permissions=["publish"])
    def archive(self, request, queryset):
        self._apply_to_selected(request, queryset, "archive")
