"""The back-office for articles, categories and tags.

Every door through which the article admin changes what the public sees (the form, the
list actions, History's revert and recover) passes the workflow in
intloffice.core.workflow_admin, shared with the information pages.
"""

import re

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.utils import build_localized_fieldname
from reversion_compare.admin import CompareVersionAdmin

from intloffice.core import query, richtext, search
from intloffice.core.admin_helpers import GuidedAdmin, language_status
from intloffice.core.provenance_admin import MachineDraftAdmin, MinorChangeAdmin, MinorChangeForm
from intloffice.core.slugs import SlugFromTitle
from intloffice.core.translated import localized_fields
from intloffice.core.versioning import VersionedAdmin, VersionedForm
from intloffice.core.workflow_admin import StageFilter, WorkflowAdmin, WorkflowForm
from news.pagination import RememberedCountPaginator

from . import notifications, workflow
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


class ArticleForm(SlugFromTitle, WorkflowForm, MinorChangeForm, VersionedForm):
    slug_sources = ("title",)
    slug_help_text = _("Left blank, it is made from the title.")
    stale_message = _(
        "%(who)s saved this article at %(when)s, after you opened it. "
        "Your changes were not saved: copy them, reload the page and "
        "apply them again."
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


SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


@admin.register(Article)
class ArticleAdmin(
    MinorChangeAdmin,
    MachineDraftAdmin,
    WorkflowAdmin,
    GuidedAdmin,
    VersionedAdmin,
    CompareVersionAdmin,
    TabbedTranslationAdmin,
):
    form = ArticleForm
    workflow = workflow.ARTICLES
    announce = staticmethod(notifications.announce)
    steps_done_message = _("%(step)s: %(count)d article(s).")
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
    # kept until the articles change (freshness.remember).
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

    @admin.display(description=_("languages"))
    def languages(self, article):
        """Which languages have both a title and a text, and which are missing."""
        return language_status(article, "title", "body")
