"""The admin's "minor change": an editor who corrected the source's wording without changing
what it says keeps its translations up to date (intloffice.core.provenance).

A ModelAdmin of a tracked model inherits ``MinorChangeAdmin`` (first, so that its History
line comes after the workflow's) and its form ``MinorChangeForm``. Ticked on a change, the
save runs inside ``provenance.minor_change()``; History's revision says who said so, and the
audit log has a line of it.
"""

import reversion
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
