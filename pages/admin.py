"""The back-office for information pages and the staff directory.

Pages pass the workflow of articles (intloffice.core.workflow_admin: step buttons, list
actions, History's revert and recover); every add, change and delete of a page or a staff
member is also an audit line.
"""

import reversion
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltranslation.admin import TabbedTranslationAdmin
from reversion_compare.admin import CompareVersionAdmin

from intloffice.core import richtext
from intloffice.core.admin_helpers import GuidedAdmin, language_status
from intloffice.core.audit import AuditedAdmin
from intloffice.core.provenance_admin import MachineDraftAdmin, MinorChangeAdmin, MinorChangeForm
from intloffice.core.slugs import SlugFromTitle
from intloffice.core.translated import localized_fields
from intloffice.core.versioning import VersionedAdmin, VersionedForm
from intloffice.core.workflow_admin import StageFilter, WorkflowAdmin, WorkflowForm

from . import notifications, workflow
from .models import LANGUAGE_CHOICES, Page, StaffMember

# History keeps what staff write; the version number, the last editor and the search
# vector describe the row, and restoring an old revision leaves them as they are.
ROW_FACTS = ["version", "last_edited_by", "search_vector"]
reversion.register(Page, exclude=ROW_FACTS)
reversion.register(StaffMember, exclude=ROW_FACTS[:2])


class PageForm(SlugFromTitle, WorkflowForm, MinorChangeForm, VersionedForm):
    slug_sources = ("title",)
    slug_help_text = _("Left blank, it is made from the title.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A page may be written in Russian or Chinese first; clean() asks for one title.
        self.fields["title_en"].required = False

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in localized_fields("title")):
            raise forms.ValidationError(_("Give the page a title in at least one language."))
        return cleaned


@admin.register(Page)
class PageAdmin(
    MinorChangeAdmin,
    MachineDraftAdmin,
    WorkflowAdmin,
    GuidedAdmin,
    AuditedAdmin,
    VersionedAdmin,
    CompareVersionAdmin,
    TabbedTranslationAdmin,
):
    form = PageForm
    workflow = workflow.PAGES
    announce = staticmethod(notifications.announce)
    steps_done_message = _("%(step)s: %(count)d page(s).")
    verbose_name_as_object = pgettext_lazy("accusative", "information page")
    html_fields = ("body",)
    html_cleaner = staticmethod(richtext.sanitize)
    list_display = ["title", "status_label", "menu", "position", "parent", "languages"]
    list_filter = [StageFilter, "menu"]
    list_select_related = ["parent"]
    search_fields = ["slug", *localized_fields("title", "summary")]
    readonly_fields = ["status", "last_edited_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "summary", "body", "based_on_version"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "last_edited_by"]}),
        (
            _("Place on the site"),
            {
                "description": _(
                    "Which menu links to the page, in what order, and whether it lists the staff."
                ),
                "fields": ["menu", "position", "parent", "shows_staff"],
            },
        ),
        (_("Advanced"), {"classes": ["collapse"], "fields": ["slug", "created_at", "updated_at"]}),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # One level: only a page that is not under another may be a parent.
            kwargs["queryset"] = Page.objects.filter(parent=None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("languages"))
    def languages(self, page):
        """Which languages have both a title and a text, and which are missing."""
        return language_status(page, "title", "body")


class StaffMemberForm(VersionedForm):
    languages = forms.MultipleChoiceField(
        label=_("languages spoken"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=StaffMember._meta.get_field("languages").help_text,
    )


@admin.register(StaffMember)
class StaffMemberAdmin(
    GuidedAdmin, AuditedAdmin, VersionedAdmin, CompareVersionAdmin, TabbedTranslationAdmin
):
    form = StaffMemberForm
    verbose_name_as_object = pgettext_lazy("accusative", "staff member")
    list_display = ["name", "role", "email", "phone", "position", "public", "photo_shown"]
    list_filter = ["public", "photo_consent"]
    search_fields = [*localized_fields("name", "role"), "email"]
    fieldsets = [
        (None, {"fields": ["name", "role", "languages", "based_on_version"]}),
        (_("Contacts"), {"fields": ["email", "phone"]}),
        (
            _("Photo"),
            {
                "description": _(
                    "A photo is shown only when the person's consent and its date are recorded."
                ),
                "fields": ["photo", "photo_consent", "photo_consent_date"],
            },
        ),
        (_("On the site"), {"fields": ["public", "position"]}),
    ]

    @admin.display(description=_("photo shown"), boolean=True)
    def photo_shown(self, member):
        return member.shows_photo()
