import reversion
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline
from reversion_compare.admin import CompareVersionAdmin

from intloffice.core.audit import AuditedAdmin
from intloffice.core.slugs import SlugFromTitle
from intloffice.core.translated import localized_fields
from intloffice.core.versioning import VersionedAdmin, VersionedForm

from .models import Event, Membership, Organization, Participation, Person

# History keeps what staff write, with the rows of the inlines. The search vector is
# derived from the text, and the version number and last editor describe the row, not
# its content: restores leave them as they are.
ROW_FACTS = ["search_vector", "version", "last_edited_by"]
reversion.register(Organization, exclude=ROW_FACTS, follow=["memberships", "member_links"])
reversion.register(Person, exclude=ROW_FACTS, follow=["participations"])
reversion.register(Event, exclude=ROW_FACTS, follow=["participations"])
reversion.register(Membership, exclude=ROW_FACTS[1:])
reversion.register(Participation, exclude=ROW_FACTS[1:])


class StaffAdmin(AuditedAdmin, VersionedAdmin, CompareVersionAdmin):
    """Stale saves refused, every change in History and in the audit log."""


class EntityForm(SlugFromTitle, VersionedForm):
    pass


class OrganizationForm(EntityForm):
    slug_sources = ("short_name", "name")
    slug_help_text = _("Left blank, it is made from the short name, or else the name.")


class MembershipInline(admin.TabularInline):
    model = Membership
    form = VersionedForm
    fk_name = "member"
    extra = 0
    autocomplete_fields = ["association"]
    verbose_name = _("membership in an association")
    verbose_name_plural = _("memberships in associations")


class MemberInline(admin.TabularInline):
    model = Membership
    form = VersionedForm
    fk_name = "association"
    extra = 0
    autocomplete_fields = ["member"]
    verbose_name = _("member")
    verbose_name_plural = _("members")


@admin.register(Organization)
class OrganizationAdmin(StaffAdmin, TabbedTranslationAdmin):
    form = OrganizationForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "short_name", "kind", "country", "city", "updated_at"]
    list_filter = ["kind", "country"]
    search_fields = ["slug", "aliases", *localized_fields("name", "short_name", "city")]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline, MemberInline]
    fieldsets = [
        (None, {"fields": ["kind", "name", "short_name", "slug", "aliases", "parent"]}),
        (_("Where"), {"fields": ["country", "city", "website"]}),
        (_("About"), {"fields": ["description", "member_count", "logo"]}),
    ]


class ParticipationInline(TranslationTabularInline):
    model = Participation
    form = VersionedForm
    extra = 0


class EventParticipationInline(ParticipationInline):
    autocomplete_fields = ["person"]


class PersonParticipationInline(ParticipationInline):
    autocomplete_fields = ["event"]


@admin.register(Person)
class PersonAdmin(StaffAdmin, TabbedTranslationAdmin):
    form = EntityForm
    list_display = ["name", "position", "organization", "updated_at"]
    list_filter = ["organization__kind"]
    list_select_related = ["organization"]
    search_fields = ["slug", "aliases", *localized_fields("name", "position")]
    autocomplete_fields = ["organization"]
    inlines = [PersonParticipationInline]
    fieldsets = [
        (None, {"fields": ["honorific", "name", "slug", "aliases"]}),
        (_("Role"), {"fields": ["position", "organization", "public_contact"]}),
        (_("About"), {"fields": ["bio", "photo", "photo_alt"]}),
    ]


@admin.register(Event)
class EventAdmin(StaffAdmin, TabbedTranslationAdmin):
    form = EntityForm
    list_display = ["name", "kind", "start", "end", "format", "city"]
    list_filter = ["kind", "format", "country"]
    date_hierarchy = "start"
    search_fields = ["slug", "aliases", *localized_fields("name", "city", "theme")]
    autocomplete_fields = ["organizers", "parent"]
    inlines = [EventParticipationInline]
    fieldsets = [
        (None, {"fields": ["kind", "name", "slug", "aliases", "parent", "organizers"]}),
        (_("When"), {"fields": ["start", "end", "timezone"]}),
        (_("Where"), {"fields": ["format", "venue", "city", "country"]}),
        (_("About"), {"fields": ["theme", "description"]}),
    ]


@admin.register(Membership)
class MembershipAdmin(StaffAdmin, admin.ModelAdmin):
    list_display = ["member", "association", "since", "role"]
    list_filter = ["association"]
    list_select_related = ["member", "association"]
    search_fields = localized_fields("member__name", "association__name")
    autocomplete_fields = ["member", "association"]


@admin.register(Participation)
class ParticipationAdmin(StaffAdmin, TabbedTranslationAdmin):
    list_display = ["person", "event", "role"]
    list_filter = ["event__kind"]
    list_select_related = ["person", "event"]
    search_fields = localized_fields("person__name", "event__name", "role")
    autocomplete_fields = ["person", "event"]
