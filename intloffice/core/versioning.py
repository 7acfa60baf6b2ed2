"""Refusing stale saves: a form opened before someone else's save must not overwrite it.

A model that inherits ``intloffice.core.models.Versioned`` carries a version number; its admin
form (``VersionedForm``) carries the number it was opened at in a hidden field and, inside
the admin's transaction, compares it with the row locked for update. ``VersionedAdmin``
raises the number on every save, of the object and of each inline row.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VersionInput(forms.HiddenInput):
    def id_for_label(self, id_):
        # The admin prints a label even for a hidden field: one pointing at a hidden input
        # is invalid HTML (the Nu checker).
        return None


class VersionField(forms.IntegerField):
    widget = VersionInput

    def has_changed(self, initial, data):
        # An inline row someone else saved meanwhile is not "changed" by this person:
        # left alone, it is not saved again and so not refused.
        return False


class VersionedForm(forms.ModelForm):
    # The version the person started from: a save from an older one is refused.
    based_on_version = VersionField(required=False)

    stale_message = _(
        "%(who)s saved this at %(when)s, after you opened it. Your changes were not "
        "saved: copy them, reload the page and apply them again."
    )
    gone_message = _(
        "Someone deleted this after you opened it. Your changes were not saved: reload the page."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # From the database, not the instance: when an old revision is being restored,
        # the instance holds that revision's content.
        self.current_version = (
            self._meta.model._default_manager.filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
            if self.instance.pk
            else None
        )
        self.fields["based_on_version"].initial = self.current_version

    def clean(self):
        cleaned = super().clean()
        self.refuse_stale(cleaned)
        return cleaned

    def refuse_stale(self, cleaned) -> None:
        if not self.instance.pk:
            return
        # Inside the admin's transaction: the row stays locked until this save ends.
        current = (
            self._meta.model._default_manager.select_for_update(of=("self",))
            .select_related("last_edited_by")
            .only("version", "updated_at", "last_edited_by__username")
            .filter(pk=self.instance.pk)
            .first()
        )
        if current is None:
            raise forms.ValidationError(self.gone_message, code="gone")
        self.current_version = current.version
        if cleaned.get("based_on_version") != current.version:
            raise forms.ValidationError(
                self.stale_message,
                code="stale",
                params={
                    "who": current.last_edited_by or _("Someone"),
                    "when": timezone.localtime(current.updated_at).strftime("%H:%M:%S"),
                },
            )


def stamp(obj, form, user) -> None:
    """Mark a row about to be saved from ``form`` by ``user``: one version further."""
    obj.last_edited_by = user if user.is_authenticated else None
    if obj.pk and form.current_version is not None:
        obj.version = form.current_version + 1


class VersionedAdmin:
    """For a ModelAdmin whose model and inline models are Versioned, with VersionedForm
    as the form of each."""

    form = VersionedForm

    def get_fieldsets(self, request, obj=None):
        # The hidden number must be in the page, or every save would look stale.
        fieldsets = super().get_fieldsets(request, obj)
        if any("based_on_version" in options["fields"] for _name, options in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "based_on_version"]}), *rest]

    def save_model(self, request, obj, form, change):
        stamp(obj, form, request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for row in formset.forms:
            if isinstance(row, VersionedForm) and row.has_changed():
                stamp(row.instance, row, request.user)
        super().save_formset(request, form, formset, change)
