import re

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.utils import build_localized_fieldname
from reversion_compare.admin import CompareVersionAdmin

from intloffice import search
from intloffice.pages import content_languages
from intloffice.pagination import RememberedCountPaginator
from intloffice.translated import localized_fields

from . import workflow
from .models import Article, Category, Tag

# History keeps what editors write. The version number, the last editor and the search
# vector describe the row, not its content: restoring an old revision must not roll
# them back.
reversion.register(Article, exclude=["version", "last_edited_by", "search_vector"])


@admin.register(Category)
class CategoryAdmin(CompareVersionAdmin, TabbedTranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["slug", *localized_fields("name")]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(CompareVersionAdmin, TabbedTranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["slug", *localized_fields("name")]
    prepopulated_fields = {"slug": ("name",)}


class ArticleForm(forms.ModelForm):
    # The version the editor started from: a save from an older one is refused.
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An article may exist in Russian or Chinese only; clean() asks for one title.
        self.fields["title_en"].required = False
        # From the database, not the instance: when an old revision is being restored,
        # the instance holds that revision's content.
        self.current_version = (
            Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if self.instance.pk
            else None
        )
        self.fields["based_on_version"].initial = self.current_version

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in localized_fields("title")):
            raise forms.ValidationError(_("Give the article a title in at least one language."))
        if self.instance.pk:
            # Inside the admin's transaction: the row stays locked until this save ends.
            current = (
                Article.objects.select_for_update(of=("self",))
                .select_related("last_edited_by")
                .only("version", "updated_at", "last_edited_by__username")
                .get(pk=self.instance.pk)
            )
            self.current_version = current.version
            if cleaned.get("based_on_version") != current.version:
                raise forms.ValidationError(
                    _(
                        "%(who)s saved this article at %(when)s, after you opened it. "
                        "Your changes were not saved: copy them, reload the page and "
                        "apply them again."
                    ),
                    code="stale",
                    params={
                        "who": current.last_edited_by or _("Someone"),
                        "when": timezone.localtime(current.updated_at).strftime("%H:%M:%S"),
                    },
                )
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
        return [
            ("review", _("Needs review")),
            ("scheduled", _("Scheduled")),
            ("untranslated", _("Missing a translation")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(status=Article.Status.REVIEW)
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "untranslated":
            return queryset.missing_translation()
        return queryset


SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


@admin.register(Article)
class ArticleAdmin(CompareVersionAdmin, TabbedTranslationAdmin):
    form = ArticleForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "title",
        "status_label",
        "publish_at",
        "languages",
        "last_edited_by",
        "category",
    ]
    list_filter = [AttentionFilter, "status", "original_language", "category", "publish_at"]
    list_select_related = ["category", "last_edited_by"]
    # No date_hierarchy: its year links cost a DISTINCT over every article on each view
    # (160 ms at 100,000); the publication-date filter does the same job.
    search_fields = ["slug", *localized_fields("title", "summary")]
    # At 100,000 articles: no second COUNT(*) of the whole table, and the filtered count
    # kept per content generation.
    show_full_result_count = False
    paginator = RememberedCountPaginator
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["category", "tags", "organizations", "people", "events"]
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
        (None, {"fields": ["title", "slug", "summary", "body", "byline", "based_on_version"]}),
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
        (_("Links"), {"fields": ["category", "tags", "organizations", "people", "events"]}),
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
    ]

    def get_search_results(self, request, queryset, search_term):
        """On PostgreSQL, words are looked up in the search vectors (GIN index) rather
        than by scanning six text columns of every article; a slug matches exactly."""
        text, _truncated = search.clean_query(search_term)
        terms = search.query_terms(text)
        if not terms or not search.uses_full_text(queryset):
            return super().get_search_results(request, queryset, search_term)
        found = search.matching(queryset, text, terms)
        if SLUG.fullmatch(text):
            found |= queryset.filter(slug=text)
        return found, False

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, article):
        if article.status == Article.Status.PUBLISHED and article.publish_at > timezone.now():
            return _("scheduled")
        return article.get_status_display()

    @admin.display(description=_("languages"))
    def languages(self, article):
        return " ".join(code for code in content_languages(article, "body")) or "—"

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

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        article = obj or Article(status=Article.Status.DRAFT)
        context["transitions"] = workflow.available(request.user, article)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        obj.last_edited_by = request.user
        if change:
            obj.version = form.current_version + 1
        name = request.POST.get("_transition")
        if name:
            try:
                workflow.apply(obj, name, request.user, when=obj.publish_at, save=False)
            except ValueError as error:
                # Refused before anything was written: the transaction rolls back.
                raise PermissionDenied(str(error)) from error
        super().save_model(request, obj, form, change)
        if name:
            workflow.record(obj, name, request.user)
            messages.success(
                request,
                _("%(title)s: %(action)s.")
                % {"title": obj, "action": workflow.TRANSITIONS[name].label},
            )

    def _apply_to_selected(self, request, queryset, name):
        done = 0
        for article in queryset:
            try:
                workflow.apply(article, name, request.user)
                done += 1
            except ValueError as error:
                self.message_user(request, f"{article}: {error}", messages.WARNING)
        if done:
            self.message_user(
                request,
                _("%(action)s: %(count)d article(s).")
                % {"action": workflow.TRANSITIONS[name].label, "count": done},
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
