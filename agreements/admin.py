"""The back-office for agreements: recorded by editors, shown on the site by publishers.

Whether readers see an agreement is its ``published`` flag (and its signature). Only holders
of ``agreements.publish_agreement`` may change the flag or anything of an agreement that is
shown, and every door that could do so checks it here: the form, History's revert, and
*Recover deleted*. Each change leaves an audit line (AuditedAdmin) and a History revision.
The signed copy is downloaded through ``signed_copy_view``, by holders of
``agreements.view_signed_copy`` only, and each download is in the audit log too.

Longer than most modules: the doors that change what the public sees, and the private
file's, are checked here and read together (as news/admin.py does for articles).
"""

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django_countries import countries
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from intloffice.core.admin_helpers import GuidedAdmin, LabelledAutocompleteSelect, NamedColumns
from intloffice.core.audit import AuditedAdmin, audit
from intloffice.core.private_files import PrivateFileInput, download
from intloffice.core.slugs import SlugFromTitle
from intloffice.core.translated import localized_fields
from intloffice.core.versioning import VersionedAdmin, VersionedForm
from partners.models import Organization

from . import calendar
from .models import ATTENTION, Agreement, AgreementParty, Status

PUBLISH = "agreements.publish_agreement"
SIGNED_COPY = "agreements.view_signed_copy"

# History keeps what staff write, with the parties. The version number, the last editor
# and the search vector describe the row, not its content.
reversion.register(
    Agreement, exclude=["search_vector", "version", "last_edited_by"], follow=["party_links"]
)
reversion.register(AgreementParty, exclude=["version", "last_edited_by"])


class AgreementForm(SlugFromTitle, VersionedForm):
    slug_sources = ("title",)
    slug_help_text = _("Left blank, it is made from the title.")


class PartyForm(VersionedForm):
    def has_changed(self):
        # A new agreement's first row comes with the university chosen: left as it came,
        # it is still a party to save, not an untouched empty row.
        proposed = self.instance.pk is None and self.initial.get("organization")
        return super().has_changed() or bool(proposed and self["organization"].data)


class PartiesFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The column's heading names it for the eye only (NamedColumns names the others).
        if delete := form.fields.get("DELETE"):
            delete.widget.attrs.setdefault("aria-label", _("Remove this party"))

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get("organization") and not form.cleaned_data.get("DELETE")
        ]
        if len(kept) < 2:
            raise forms.ValidationError(
                _("An agreement has at least two parties: the university and a partner.")
            )


class PartyInline(NamedColumns, TranslationTabularInline):
    model = AgreementParty
    form = PartyForm
    formset = PartiesFormSet
    autocomplete_fields = ["organization"]
    extra = 0
    min_num = 2

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The second row starts empty: its box needs a choice that reads as something (as
        # GuidedAdmin's forms have), or a screen reader finds it nameless (axe).
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LabelledAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        if self.value() in Status.values:
            return queryset.with_status(self.value())
        return queryset


class ExpiringFilter(admin.SimpleListFilter):
    title = _("expiring")
    parameter_name = "expiring"
    DAYS = (30, 90, 180)

    def lookups(self, request, model_admin):
        return [
            (
                str(days),
                ATTENTION[str(days)].choice
                if str(days) in ATTENTION
                else ngettext("within %(days)d day", "within %(days)d days", days) % {"days": days},
            )
            for days in self.DAYS
        ]

    def queryset(self, request, queryset):
        if self.value() in {str(days) for days in self.DAYS}:
            return queryset.expiring_within(int(self.value()))
        return queryset


class PartnerCountryFilter(admin.SimpleListFilter):
    """The countries of the partners (not the university's own), only those in use."""

    title = _("partner's country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = set(
            AgreementParty.objects.filter(organization__in=Organization.objects.partners())
            .exclude(organization__country="")
            .values_list("organization__country", flat=True)
            .distinct()
        )
        return sorted(
            ((code, countries.name(code)) for code in codes), key=lambda choice: str(choice[1])
        )

    def queryset(self, request, queryset):
        if self.value():
            return queryset.with_partner_country(self.value())
        return queryset


@admin.register(Agreement)
class AgreementAdmin(
    GuidedAdmin, AuditedAdmin, VersionedAdmin, CompareVersionAdmin, TabbedTranslationAdmin
):
    form = AgreementForm
    # With the staff member's calendar address (changelist_view).
    change_list_template = "admin/agreements/agreement/change_list.html"
    verbose_name_as_object = pgettext_lazy("accusative", "agreement")
    list_display = [
        "title",
        "kind",
        "status_label",
        "valid_until",
        "partner_countries",
        "published",
        "responsible",
    ]
    list_filter = [StatusFilter, ExpiringFilter, "kind", PartnerCountryFilter, "published"]
    list_select_related = ["responsible"]
    search_fields = [
        "slug",
        "reference",
        *localized_fields("title", "summary"),
        *(f"parties__{column}" for column in localized_fields("name", "short_name")),
    ]
    autocomplete_fields = ["signing_event", "responsible"]
    inlines = [PartyInline]
    readonly_fields = [
        "status_label",
        "academic_years",
        "reminders_sent",
        "signed_copy_link",
        "signed_copy_kept",
    ]
    fieldsets = [
        (None, {"fields": ["title", "kind", "summary"]}),
        (
            _("Dates"),
            {
                "fields": [
                    "signed_on",
                    "valid_from",
                    "valid_until",
                    "terminated_on",
                    "status_label",
                    "academic_years",
                ]
            },
        ),
        (_("Exchange"), {"fields": ["places_per_year", "subject_area"]}),
        (_("On the site"), {"fields": ["published", "signing_event", "slug"]}),
        (
            _("For the office only: never shown on the site"),
            {"fields": ["reference", "responsible", "reminders_sent", "notes", "signed_copy"]},
        ),
    ]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if obj.pk is None and request.method == "GET":
            # A new agreement starts with the university itself as its first party.
            host = Organization.objects.filter(slug=settings.SITE_HOST_ORGANIZATION).first()
            if host is not None:
                kwargs["initial"] = [{"organization": host.pk}]
        return kwargs

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "party_links",
                    queryset=AgreementParty.objects.select_related("organization__parent"),
                )
            )
        )

    @admin.display(description=_("status"))
    def status_label(self, agreement):
        if agreement.pk is None:
            return "-"
        return agreement.status().label

    @admin.display(description=_("academic years"))
    def academic_years(self, agreement):
        return agreement.academic_years() or "-"

    @admin.display(description=_("partners' countries"))
    def partner_countries(self, agreement):
        names = sorted(
            {
                str(link.organization.country.name)
                for link in agreement.party_links.all()
                if link.organization.country and not link.is_ours()
            }
        )
        return ", ".join(names) or "-"

    # The signed copy on a read-only form (Django's display would ask the private file for
    # an address): a link to the download view for those allowed, else only the fact.

    @admin.display(description=_("signed copy"))
    def signed_copy_link(self, agreement):
        if agreement.pk is None or not agreement.signed_copy:
            return "-"
        url = reverse("admin:agreements_agreement_signed_copy", args=[agreement.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the stored file"))

    @admin.display(description=_("signed copy"))
    def signed_copy_kept(self, agreement):
        if agreement.pk is None or not agreement.signed_copy:
            return "-"
        return _("A file is stored; you may not download it.")

    @admin.display(description=_("reminders sent"))
    def reminders_sent(self, agreement):
        if agreement.pk is None:
            return "-"
        lines = [
            _("%(days)d days before %(end)s, to %(to)s on %(when)s")
            % {
                "days": reminder.days,
                "end": formats.date_format(reminder.ends_on),
                "to": reminder.sent_to,
                "when": formats.date_format(reminder.sent_at.date()),
            }
            for reminder in agreement.reminders.all()
        ]
        return "; ".join(lines) or _("none yet")

    # Who may change what the public sees.

    def may_publish(self, request) -> bool:
        return request.user.has_perm(PUBLISH)

    def has_change_permission(self, request, obj=None):
        # What is on the site changes only through a publisher.
        if obj is not None and obj.is_public() and not self.may_publish(request):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_public() and not self.may_publish(request):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not self.may_publish(request):
            return [*readonly, "published"]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.has_change_permission(request, obj):
            return fieldsets
        display = "signed_copy_link" if request.user.has_perm(SIGNED_COPY) else "signed_copy_kept"

        def shown(field):
            return display if field == "signed_copy" else field

        return [
            (name, {**options, "fields": [shown(field) for field in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if field := form.base_fields.get("signed_copy"):
            url = None
            if obj is not None and obj.signed_copy and request.user.has_perm(SIGNED_COPY):
                url = reverse("admin:agreements_agreement_signed_copy", args=[obj.pk])
            field.widget = PrivateFileInput(download_url=url)
        return form

    def save_model(self, request, obj, form, change):
        # The form cannot change the flag without the permission (it is read-only then);
        # a request made up by hand is refused here all the same.
        stored = Agreement.objects.filter(pk=obj.pk).values_list("published", flat=True).first()
        if bool(stored) != obj.published and not self.may_publish(request):
            raise PermissionDenied(f"{request.user} may not show or hide agreements")
        super().save_model(request, obj, form, change)

    # History: reverting and recovering write the stored flag back too.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id, object_id=unquote(object_id))
        self.check_restore(request, version, "revert")
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(Version, pk=version_id)
        self.check_restore(request, version, "recover")
        return super().recover_view(request, version_id, extra_context)

    def check_restore(self, request, version, name: str) -> None:
        fields = version.field_dict
        restored_public = bool(fields.get("published")) and fields.get("signed_on") is not None
        current = Agreement.objects.filter(pk=version.object_id).first()
        touches_public = restored_public or (current is not None and current.is_public())
        if touches_public and not self.may_publish(request):
            audit.warning(
                "%s was refused %s of agreement %s to the revision of %s",
                request.user,
                name,
                version.object_id,
                version.revision.date_created.isoformat(),
            )
            raise PermissionDenied(f"{request.user} may not {name} this agreement")

    def changelist_view(self, request, extra_context=None):
        # The staff member's own calendar address, where they look for agreements' dates
        # (templates/admin/agreements/agreement/change_list.html).
        if calendar.may_subscribe(request.user):
            address = request.build_absolute_uri(reverse("agreements_calendar"))
            address += "?" + urlencode({"token": calendar.token_for(request.user)})
            extra_context = {
                "expiries_calendar_url": address,
                "expiries_webcal_url": "webcal://" + address.split("://", 1)[1],
                **(extra_context or {}),
            }
        return super().changelist_view(request, extra_context)

    # The signed copy, for staff allowed to read it.

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/signed-copy/",
                self.admin_site.admin_view(self.signed_copy_view),
                name="agreements_agreement_signed_copy",
            )
        ]
        return urls + super().get_urls()

    def signed_copy_view(self, request, object_id):
        if not request.user.has_perm(SIGNED_COPY):
            audit.warning("%s was refused the signed copy of agreement %s", request.user, object_id)
            raise PermissionDenied
        agreement = self.get_object(request, unquote(object_id))
        if agreement is None or not agreement.signed_copy:
            raise Http404
        extension = agreement.signed_copy.name.rsplit(".", 1)[-1].lower()
        audit.info(
            "%s downloaded the signed copy of agreement %s %r",
            request.user,
            agreement.pk,
            str(agreement),
        )
        return download(agreement.signed_copy, f"agreement-{agreement.pk}.{extension}")
