"""The admin's side of the translations' states (intloffice.core.provenance).

"Minor change": an editor who corrected the source's wording without changing what it says
keeps its translations up to date. A ModelAdmin of a tracked model inherits
``MinorChangeAdmin`` (first, so that its History line comes after the workflow's) and its
form ``MinorChangeForm``. Ticked on a change, the save runs inside
``provenance.minor_change()``; History's revision says who said so, and the audit log has a
line of it.

Machine drafts: ``MachineDraftAdmin`` tells an editor opening a form that drafts wait for
review, and opens the form with them filled in (``?_drafts=1``, with ``_language`` for the
tab). The draft becomes the translation only when the editor saves the form: the same
permission check, History line and audit line as any edit, and the field is up to date.
"""

import reversion
from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html
from django.utils.translation import get_language_info, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from . import provenance
from .admin_helpers import SaidAboutTheChange
from .audit import changed
from .notifications import name_of


class MinorChange(SaidAboutTheChange, forms.BooleanField):
    """The editor's word that the translations are still right."""


class MinorChangeForm(forms.ModelForm):
    minor_change = MinorChange(
        label=_("Minor change: the translations are still right"),
        help_text=_(
            "Tick when you corrected a typo or the wording without changing the meaning: "
            "the other languages stay marked up to date. Left unticked, a changed text marks "
            "its translations as stale."
        ),
        required=False,
    )


class MinorChangeAdmin:
    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # Only on a change someone may make: a new object has no translations to keep.
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        if any("minor_change" in options["fields"] for _name, options in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "minor_change"]}), *rest]

    def save_model(self, request, obj, form, change):
        if not (change and form.cleaned_data.get("minor_change")):
            super().save_model(request, obj, form, change)
            return
        with provenance.minor_change():
            super().save_model(request, obj, form, change)
        request.minor_change = True
        changed(request.user, "change", obj, "minor change: the translations are still right")

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if getattr(request, "minor_change", False) and reversion.is_active():
            said = gettext("Minor change: %(who)s said the translations are still right.") % {
                "who": name_of(request.user)
            }
            reversion.set_comment(f"{reversion.get_comment()} {said}".strip())
        return entry


class MachineDraftAdmin:
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not (
            obj is not None
            and request.method == "GET"
            and request.GET.get("_drafts")
            and self.has_change_permission(request, obj)
        ):
            return form
        drafts = provenance.drafts_of(obj, request.GET.get("_language") or None)
        initial = {build_localized_fieldname(f, code): text for (f, code), text in drafts.items()}
        if not initial:
            return form

        class WithDrafts(form):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
                super().__init__(*args, **kwargs)

        request.drafts_in_form = drafts
        return WithDrafts

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and request.method == "GET":
            self.tell_of_drafts(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def tell_of_drafts(self, request, obj) -> None:
        filled = getattr(request, "drafts_in_form", None)
        if filled:
            messages.info(
                request,
                gettext(
                    "The machine drafts are in the form (%(fields)s). They are not public: "
                    "read them, correct them, and save to make them the translation."
                )
                % {"fields": _named(self, filled)},
            )
            return
        if not self.has_change_permission(request, obj):
            return
        drafts = provenance.drafts_of(obj)
        if not drafts:
            return
        for code in dict.fromkeys(language for _f, language in drafts):
            mine = {key: text for key, text in drafts.items() if key[1] == code}
            messages.info(
                request,
                format_html(
                    '{} <a href="?_language={}&amp;_drafts=1">{}</a>',
                    ngettext(
                        "A machine draft waits for review: %(fields)s.",
                        "Machine drafts wait for review: %(fields)s.",
                        len(mine),
                    )
                    % {"fields": _named(self, mine)},
                    code,
                    gettext("Open them in the form (%(language)s)")
                    % {"language": get_language_info(code)["name_translated"]},
                ),
            )


def _named(admin, drafts) -> str:
    """ "Body [ru], Title [ru]": the fields' labels as the form's tabs show them."""
    names = []
    for field, code in drafts:
        try:
            label = admin.opts.get_field(field).verbose_name
        except FieldDoesNotExist:  # a field no longer there: its name will do
            label = field
        names.append(f"{str(label)[:1].upper()}{str(label)[1:]} [{code}]")
    return ", ".join(names)
