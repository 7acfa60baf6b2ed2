from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from intloffice.translated import localized_fields

from .models import Article, Category, Tag


@admin.register(Category)
class CategoryAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["slug", *localized_fields("name")]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["slug", *localized_fields("name")]
    prepopulated_fields = {"slug": ("name",)}


class ArticleForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An article may exist in Russian or Chinese only; clean() asks for one title.
        self.fields["title_en"].required = False

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in localized_fields("title")):
            raise forms.ValidationError(_("Give the article a title in at least one language."))
        return cleaned


@admin.register(Article)
class ArticleAdmin(TabbedTranslationAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    form = ArticleForm
    list_display = ["title", "status", "publish_at", "category", "original_language"]
    list_filter = ["status", "original_language", "category", "publish_at"]
    list_select_related = ["category"]
    date_hierarchy = "publish_at"
    search_fields = ["slug", *localized_fields("title", "summary")]
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ["category", "tags", "organizations", "people", "events"]
    readonly_fields = ["source_file", "source_digest", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "byline"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "original_language"]}),
        (
            _("Featured image"),
            {"fields": ["image", "image_alt", "image_caption", "image_credit"]},
        ),
        (
            _("Links"),
            {"fields": ["category", "tags", "organizations", "people", "events"]},
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
    ]
