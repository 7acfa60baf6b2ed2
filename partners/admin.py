import reversion
from django.contrib import admin
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.filters import CountryFilter
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline
from reversion_compare.admin import CompareVersionAdmin

from intloffice.core.admin_helpers import (
    EditedInline,
    GuidedAdmin,
    NamedColumns,
    ValidAutocompletes,
)
from intloffice.core.audit import AuditedAdmin
from intloffice.core.provenance_admin import MachineDraftAdmin, MinorChangeAdmin, MinorChangeForm
from intloffice.core.slugs import SlugFromTitle
from intloffice.core.time_zones import LocalTimesForm, utc_offset
from intloffice.core.translated import localized_fields
from intloffice.core.versioning import VersionedAdmin, VersionedForm

from .models import (
    Event,
    Membership,
    Organization,
    OrganizationName,
    Participation,
    Person,
    party_problems,
)

# History keeps what staff write, with the rows of the inlines. The search vector is
# derived from the text, and the version number and last editor describe the row, not
# its content: restores leave them as they are.
ROW_FACTS = ["search_vector", "version", "last_edited_by"]
# An organisation's aliases are written from its names, which History keeps with it.
reversion.register(
    Organization,
    exclude=[*ROW_FACTS, "aliases"],
    follow=["memberships", "member_links", "names"],
)
reversion.register(OrganizationName, exclude=ROW_FACTS[1:])
reversion.register(Person, exclude=ROW_FACTS, follow=["participations"])
reversion.register(Event, exclude=ROW_FACTS, follow=["participations"])
reversion.register(Membership, exclude=ROW_FACTS[1:])
reversion.register(Participation, exclude=ROW_FACTS[1:])


class StaffAdmin(GuidedAdmin, AuditedAdmin, VersionedAdmin, CompareVersionAdmin):
    """Stale saves refused, every change in History and in the audit log."""


# Only the countries that some row has: not the world's 250.
USED_COUNTRIES = ("country", CountryFilter)
ADVANCED = _("Advanced")
VISIT = _("Visit or delegation")


class EntityForm(SlugFromTitle, MinorChangeForm, VersionedForm):
    pass


IDENTIFIERS = ["ror_id", "schac_code", "erasmus_code", "pic", "wikidata_id"]


class OrganizationForm(EntityForm):
    slug_sources = ("short_name", "name")
    slug_help_text = _("Left blank, it is made from the short name, or else the name.")


class OrganizationNameInline(NamedColumns, admin.TabularInline):
    model = OrganizationName
    form = VersionedForm
    extra = 0
    # The name first; the version, hidden, for VersionedForm's check of stale rows.
    fields = ["value", "kind", "language", "based_on_version"]


class MembershipInline(NamedColumns, admin.TabularInline):
    model = Membership
    form = VersionedForm
    fk_name = "member"
    extra = 0
    autocomplete_fields = ["association"]
    verbose_name = _("membership in an association")
    verbose_name_plural = _("memberships in associations")


class MemberInline(NamedColumns, admin.TabularInline):
    model = Membership
    form = VersionedForm
    fk_name = "association"
    extra = 0
    autocomplete_fields = ["member"]
    verbose_name = _("member")
    verbose_name_plural = _("members")


@admin.register(Organization)
class OrganizationAdmin(MinorChangeAdmin, MachineDraftAdmin, StaffAdmin, TabbedTranslationAdmin):
    form = OrganizationForm
    verbose_name_as_object = pgettext_lazy("accusative", "organisation")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "short_name", "kind", "country", "city", "updated_at"]
    list_filter = [
        "kind",
        USED_COUNTRIES,
        ("ror_id", admin.EmptyFieldListFilter),
        ("erasmus_code", admin.EmptyFieldListFilter),
    ]
    search_fields = [
        "slug",
        "aliases",
        *IDENTIFIERS,
        *localized_fields("name", "short_name", "city"),
    ]
    autocomplete_fields = ["parent"]
    inlines = [OrganizationNameInline, MembershipInline, MemberInline]
    fieldsets = [
        (None, {"fields": ["kind", "name", "short_name", "parent"]}),
        (_("Where"), {"fields": ["country", "city", "website"]}),
        (
            _("Identifiers"),
            {
                "fields": IDENTIFIERS,
                "description": _(
                    "How registries know the organisation. All are optional; each is checked "
                    "when saved, and shown on its page and to search engines."
                ),
            },
        ),
        (_("About"), {"fields": ["description", "member_count", "logo"]}),
        (ADVANCED, {"classes": ["collapse"], "fields": ["slug"]}),
    ]


class ParticipationInline(ValidAutocompletes, NamedColumns, TranslationTabularInline):
    model = Participation
    form = VersionedForm
    extra = 0


class EventParticipationInline(ParticipationInline):
    autocomplete_fields = ["person", "organization"]


class PersonParticipationInline(ParticipationInline):
    autocomplete_fields = ["event", "organization"]


@admin.register(Person)
class PersonAdmin(MinorChangeAdmin, MachineDraftAdmin, StaffAdmin, TabbedTranslationAdmin):
    form = EntityForm
    verbose_name_as_object = pgettext_lazy("accusative", "person")
    list_display = ["name", "position", "organization", "updated_at"]
    list_filter = ["organization__kind"]
    list_select_related = ["organization"]
    search_fields = ["slug", "aliases", *localized_fields("name", "position")]
    autocomplete_fields = ["organization"]
    inlines = [PersonParticipationInline]
    fieldsets = [
        (None, {"fields": ["honorific", "name", "aliases"]}),
        (_("Role"), {"fields": ["position", "organization", "public_contact"]}),
        (_("About"), {"fields": ["bio", "photo", "photo_alt"]}),
        (ADVANCED, {"classes": ["collapse"], "fields": ["slug"]}),
    ]


class EventForm(LocalTimesForm, EntityForm):
    """The start and end in the event's own zone: 09:00 in Xi'an is typed and read as 09:00
    with Asia/Shanghai, whatever the site's zone."""

    zone_help_text = _("Where the event takes place. Its start and end are in this zone.")
    local_time_help_text = _("In the event's local time, in the time zone chosen above.")

    def clean(self):
        cleaned = super().clean()
        # The visiting and host organisations, as chosen in this form (the model's own
        # clean() checks the direction).
        if "kind" in cleaned:
            problems = party_problems(
                cleaned["kind"],
                cleaned.get("direction"),
                cleaned.get("visiting_organizations", []),
                cleaned.get("host_organizations", []),
            )
            for field, problem in problems.items():
                self.add_error(field, problem)
        return cleaned


def local_time(event, value) -> str | None:
    if value is None:
        return None  # the admin's "-"
    shown = formats.date_format(timezone.localtime(value, event.zone), "DATETIME_FORMAT")
    return f"{shown} {utc_offset(event.zone, value)}"


@admin.register(Event)
class EventAdmin(MinorChangeAdmin, MachineDraftAdmin, StaffAdmin, TabbedTranslationAdmin):
    form = EventForm
    list_display = ["name", "kind", "local_start", "local_end", "format", "city", "status"]
    list_filter = ["kind", "direction", "format", "status", USED_COUNTRIES]
    date_hierarchy = "start"
    search_fields = ["slug", "aliases", *localized_fields("name", "city", "theme")]
    autocomplete_fields = ["organizers", "parent", "visiting_organizations", "host_organizations"]
    verbose_name_as_object = pgettext_lazy("accusative", "event")
    inlines = [EventParticipationInline]
    # Kept by the model on every save that moves, relocates or cancels the event.
    readonly_fields = ["previous_start_local", "sequence"]
    # A pasted "meet.example.org/abc" is taken as https://, as people type it.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["kind", "name", "slug", "aliases", "parent", "organizers"]}),
        (
            _("When"),
            {"fields": ["timezone", "start", "end", "status", "previous_start_local", "sequence"]},
        ),
        (_("Where"), {"fields": ["format", "venue", "city", "country", "online_url"]}),
        (_("About"), {"fields": ["theme", "description"]}),
        (
            VISIT,
            {
                "description": _(
                    "For an event of the kind “visit”: its direction, and who visited whom. "
                    "The delegation's members are the participants below, each with the "
                    "position and organisation of the day. Purpose, outcomes and follow-up "
                    "may be written for any event; they are shown on its page."
                ),
                "fields": [
                    "direction",
                    "visiting_organizations",
                    "host_organizations",
                    "purpose",
                    "outcomes",
                    "follow_up",
                ],
            },
        ),
    ]

    class Media:
        css = {"all": ["css/admin-event-times.css"]}

    def get_fieldsets(self, request, obj=None):
        """The visit's fields folded away on an event that is not a visit (unless the form
        comes back with errors, which must be seen: without scripts a folded part stays shut)."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.is_visit() or request.method == "POST":
            return fieldsets
        return [
            (name, {**options, "classes": ["collapse"]} if name == VISIT else options)
            for name, options in fieldsets
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add, change, form_url, obj)
        # The page drawn in the zone its times are in, so that the admin's "Now" link
        # fills in the time at the event's place.
        with timezone.override(context["adminform"].form.entered_zone()):
            return response.render()

    # The list reads as the form does: in each event's own zone.
    @admin.display(description=_("starts"), ordering="start")
    def local_start(self, event):
        return local_time(event, event.start)

    @admin.display(description=_("ends"), ordering="end")
    def local_end(self, event):
        return local_time(event, event.end)

    @admin.display(description=_("previous start"))
    def previous_start_local(self, event):
        return local_time(event, event.previous_start)


# Memberships and participations are edited in the forms of the organisations, people and
# events they join (the inlines above).


@admin.register(Membership)
class MembershipAdmin(EditedInline, StaffAdmin, admin.ModelAdmin):
    verbose_name_as_object = pgettext_lazy("accusative", "membership")
    list_display = ["member", "association", "since", "until", "role"]
    list_filter = ["association", ("until", admin.EmptyFieldListFilter)]
    list_select_related = ["member", "association"]
    search_fields = localized_fields("member__name", "association__name")
    autocomplete_fields = ["member", "association"]


@admin.register(Participation)
class ParticipationAdmin(EditedInline, StaffAdmin, TabbedTranslationAdmin):
    verbose_name_as_object = pgettext_lazy("accusative", "participation")
    list_display = ["person", "event", "role"]
    list_filter = ["event__kind"]
    list_select_related = ["person", "event"]
    search_fields = localized_fields("person__name", "event__name", "role")
    autocomplete_fields = ["person", "event", "organization"]
