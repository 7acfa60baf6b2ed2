"""The back-office for articles, categories and tags.

Longer than most modules: every door through which the article admin changes what the
public sees (the form, the list actions, History's revert and recover) passes the
workflow here, and they are read together.
"""

import contextlib
import re

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.utils import build_localized_fieldname
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from intloffice.core import query, search
from intloffice.core.admin_helpers import GuidedAdmin, language_status
from intloffice.core.slugs import SlugFromTitle
from intloffice.core.translated import localized_fields
from intloffice.core.versioning import VersionedAdmin, VersionedForm
from news.pagination import RememberedCountPaginator

from . import notifications, richtext, workflow
from .models import ATTENTION, Article, Category, Tag

# History keeps what editors write. The version number, the last editor and the search
# vector describe the row, not its content: restoring an old revision must not roll
# them back.
reversion.register(Article, exclude=["version", "last_edited_by", "search_vector"])


class LabelForm(SlugFromTitle, forms.ModelForm):
    pass


@admin.register(Category)
class CategoryAdmin(GuidedAdmin, CompareVersionAdmin, TabbedTranslationAdmin):
    form = LabelForm
    verbose_name_as_object = pgettext_lazy("accusative", "category")
    list_display = ["name", "slug"]
    search_fields = ["slug", *localized_fields("name")]


@admin.register(Tag)
class TagAdmin(GuidedAdmin, CompareVersionAdmin, TabbedTranslationAdmin):
    form = LabelForm
    verbose_name_as_object = pgettext_lazy("accusative", "tag")
    list_display = ["name", "slug"]
    search_fields = ["slug", *localized_fields("name")]


class StepComment(forms.CharField):
    """The comment given with a workflow step: said about the article, not part of it."""

    def has_changed(self, initial, data):
        # Not a change of the article: History must not list it among changed fields.
        return False


class ArticleForm(SlugFromTitle, VersionedForm):
    slug_sources = ("title",)
    slug_help_text = _("Left blank, it is made from the title.")
    stale_message = _(
        "%(who)s saved this article at %(when)s, after you opened it. "
        "Your changes were not saved: copy them, reload the page and "
        "apply them again."
    )
    # Rendered beside the workflow buttons (templates/admin/news/article/change_form.html),
    # not in a fieldset; sent with the step taken, and kept in its ReviewNote and History.
    review_comment = StepComment(
        label=_("Comment for the author and the publishers (optional)"),
        help_text=_("Sent with the workflow button you press, and kept in the history."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An article may exist in Russian or Chinese only; clean() asks for one title.
        self.fields["title_en"].required = False

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in localized_fields("title")):
            raise forms.ValidationError(_("Give the article a title in at least one language."))
        self.require_alt_text(cleaned)
        if self.data.get("_transition") == "schedule":
            publish_at = cleaned.get("publish_at")
            if publish_at and publish_at <= timezone.now():
                self.add_error(
                    "publish_at", _("To schedule, choose a publication date in the future.")
                )
        return cleaned

    def require_alt_text(self, cleaned):
        """An image needs a description in every language the article is written in,
        unless it is marked decorative."""
        has_image = cleaned.get("image") or (cleaned.get("image") is None and self.instance.image)
        if not has_image or cleaned.get("image_decorative"):
            return
        for code, name in settings.LANGUAGES:
            title = cleaned.get(build_localized_fieldname("title", code))
            alt_field = build_localized_fieldname("image_alt", code)
            if title and not cleaned.get(alt_field):
                self.add_error(
                    alt_field,
                    _("Describe the image in %(language)s, or mark it as decorative.")
                    % {"language": name},
                )


class AttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [(key, attention.choice) for key, attention in ATTENTION.items()]

    def queryset(self, request, queryset):
        if self.value() in ATTENTION:
            return queryset.needing_attention(self.value())
        return queryset


class StageFilter(admin.SimpleListFilter):
    """The status filter in the stages staff see everywhere: "scheduled" apart from
    "published" (live)."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(workflow.STAGES.items())

    def queryset(self, request, queryset):
        value = self.value()
        if value == workflow.SCHEDULED:
            return queryset.scheduled()
        if value == Article.Status.PUBLISHED:
            return queryset.published()
        if value in workflow.STAGES:
            return queryset.filter(status=value)
        return queryset


SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
# The change form shows the stage in place of the stored status, and this many review notes.
STAGE = {"status": "status_label"}
REVIEW_NOTES_SHOWN = 5


@admin.register(Article)
class ArticleAdmin(GuidedAdmin, VersionedAdmin, CompareVersionAdmin, TabbedTranslationAdmin):
    form = ArticleForm
    verbose_name_as_object = pgettext_lazy("accusative", "article")
    # Someone who may only view a live article reads its text, not its HTML source.
    html_fields = ("body",)
    html_cleaner = staticmethod(richtext.sanitize)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "title",
        "status_label",
        "publish_at",
        "languages",
        "last_edited_by",
        "category",
    ]
    list_filter = [AttentionFilter, StageFilter, "original_language", "category", "publish_at"]
    list_select_related = ["category", "last_edited_by"]
    # No date_hierarchy: its year links cost a DISTINCT over every article on each view
    # (160 ms at 100,000); the publication-date filter does the same job.
    search_fields = ["slug", *localized_fields("title", "summary")]
    # At 100,000 articles: no second COUNT(*) of the whole table, and the filtered count
    # kept per content generation.
    show_full_result_count = False
    paginator = RememberedCountPaginator
    autocomplete_fields = ["category", "tags", "organizations", "people", "events", "agreements"]
    readonly_fields = [
        "status",
        "last_edited_by",
        "source_file",
        "source_digest",
        "created_at",
        "updated_at",
    ]
    actions = ["submit_for_review", "publish_now", "unpublish", "archive"]
    fieldsets = [
        (None, {"fields": ["title", "summary", "body", "byline", "based_on_version"]}),
        (
            _("Publishing"),
            {"fields": ["status", "publish_at", "original_language", "last_edited_by"]},
        ),
        (
            _("Featured image"),
            {
                "fields": [
                    "image",
                    "image_alt",
                    "image_decorative",
                    "image_caption",
                    "image_credit",
                ]
            },
        ),
        (
            _("Links"),
            {"fields": ["category", "tags", "organizations", "people", "events", "agreements"]},
        ),
        (
            _("Source"),
            {
                "classes": ["collapse"],
                "fields": [
                    "source_url",
                    "source_file",
                    "source_digest",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
        # Made from the title in whichever language it is written: rarely typed.
        (_("Advanced"), {"classes": ["collapse"], "fields": ["slug"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        """On PostgreSQL, words are looked up in the search vectors (GIN index) rather
        than by scanning six text columns of every article; a slug matches exactly."""
        text, _truncated = query.clean_query(search_term)
        terms = query.query_terms(text)
        if not terms or not search.uses_full_text(queryset):
            return super().get_search_results(request, queryset, search_term)
        found = search.matching(queryset, text, terms)
        if SLUG.fullmatch(text):
            found |= queryset.filter(slug=text)
        return found, False

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, article):
        return workflow.stage_label(article)

    @admin.display(description=_("languages"))
    def languages(self, article):
        """Which languages have both a title and a text, and which are missing."""
        return language_status(article, "title", "body")

    def has_change_permission(self, request, obj=None):
        # What is live changes only through a publisher.
        if (
            obj is not None
            and obj.status == Article.Status.PUBLISHED
            and not request.user.has_perm(workflow.PUBLISH)
        ):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == Article.Status.PUBLISHED:
            return request.user.has_perm(workflow.PUBLISH) and super().has_delete_permission(
                request, obj
            )
        return super().has_delete_permission(request, obj)

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH)

    # The form names the stage as the list does ("scheduled", not the stored "published").

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "status_label"]

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": [STAGE.get(f, f) for f in options["fields"]]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        article = obj or Article(status=Article.Status.DRAFT)
        context["transitions"] = workflow.available(request.user, article)
        context["review_comment"] = context["adminform"].form["review_comment"]
        context["review_notes"] = [
            {
                "step": workflow.TRANSITIONS[note.step].said(note.publish_at),
                "who": notifications.name_of(note.actor) if note.actor else _("someone"),
                "when": workflow.moment(note.created_at),
                "comment": note.comment,
            }
            for note in (
                obj.review_notes.select_related("actor")[:REVIEW_NOTES_SHOWN]
                if obj is not None and obj.pk
                else []
            )
            if note.step in workflow.TRANSITIONS
        ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A publisher may change a live article's date in the form: the workflow checks
        # and logs it like a transition.
        with workflow.acting(request.user):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        name = request.POST.get("_transition")
        comment = form.cleaned_data.get("review_comment", "").strip()
        if name:
            try:
                workflow.apply(
                    obj, name, request.user, when=obj.publish_at, save=False, comment=comment
                )
            except ValueError as error:
                # Refused before anything was written: the transaction rolls back.
                raise PermissionDenied(str(error)) from error
        super().save_model(request, obj, form, change)
        if name:
            said = workflow.TRANSITIONS[name].said(obj.publish_at)
            # For History (log_addition/log_change) and for message_user.
            request.workflow_step = workflow.history_line(said, comment)
            messages.success(request, _("%(step)s: “%(title)s”") % {"step": said, "title": obj})
            notifications.announce(request, obj, name, comment)

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

    # History: reverting to a revision and recovering a deleted article write the stored
    # status and date back as they were. They are workflow moves like any other.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id, object_id=unquote(object_id))
        return self.restore(
            request,
            version,
            "revert",
            lambda: super(ArticleAdmin, self).revision_view(
                request, object_id, version_id, extra_context
            ),
        )

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id)
        return self.restore(
            request,
            version,
            "recover",
            lambda: super(ArticleAdmin, self).recover_view(request, version_id, extra_context),
        )

    def restore(self, request, version, name, view):
        fields = version.field_dict
        after = workflow.State(fields["status"], fields["publish_at"])
        current = Article.objects.filter(pk=version.object_id).first()
        before = workflow.state_of(current) if current else None
        needed = workflow.permission_for(before, after)
        if before is not None and before.status == Article.Status.PUBLISHED:
            needed = workflow.PUBLISH  # what is live changes only through a publisher
        if needed and not request.user.has_perm(needed):
            workflow.audit.warning(
                "%s was refused %s of article %s to the revision of %s",
                request.user,
                name,
                version.object_id,
                version.revision.date_created.isoformat(),
            )
            raise PermissionDenied(f"{request.user} may not {name} this article")
        # The revision comment in the reader's language; the audit line in English.
        request.restoring = _("status: %(before)s → %(after)s") % {
            "before": Article.Status(before.status).label if before else _("deleted"),
            "after": Article.Status(after.status).label,
        }
        with workflow.acting(request.user, via=name):
            response = view()
        if request.method == "POST" and response.status_code == 302:
            article = Article.objects.get(pk=version.object_id)
            workflow.record(
                article,
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
        for article in queryset:
            try:
                workflow.apply(article, name, request.user)
            except ValueError as error:
                self.message_user(request, f"{article}: {error}", messages.WARNING)
                continue
            done += 1
            notifications.announce(request, article, name)
        if done:
            # No list action schedules: the step's name needs no date.
            self.message_user(
                request,
                _("%(step)s: %(count)d article(s).")
                % {"step": workflow.TRANSITIONS[name].said(timezone.now()), "count": done},
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
