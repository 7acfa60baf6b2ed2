"""What office editors see in the admin, whatever the model: titles in the right grammatical
case, one language switch for the whole form, which languages an object is written in, rich
text shown as text when it cannot be changed, and models edited only inside another's form.
"""

from django import forms
from django.conf import settings
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from modeltranslation.admin import TranslationBaseModelAdmin
from modeltranslation.utils import build_localized_fieldname

from .translated import localized_fields

# A language's own name where the tabs want a shorter one than Django's: the site has one
# Chinese, so "中文" says enough ("简体中文" is "Simplified Chinese").
OWN_NAMES = {"zh-hans": "中文"}


def own_name(code: str) -> str:
    """A language named in itself, as language menus name them: English, Русский, 中文."""
    return OWN_NAMES.get(code) or get_language_info(code)["name_local"]


def language_choices(chosen: str | None = None) -> list[dict]:
    """The content languages for the form's language switch, ``chosen`` (or the admin's
    language) marked: code, field suffix (``zh_hans``), own name."""
    codes = [code for code, _name in settings.LANGUAGES]
    chosen = chosen if chosen in codes else get_language()
    return [
        {
            "code": code,
            "suffix": build_localized_fieldname("", code)[1:],
            "name": own_name(code),
            "chosen": code == chosen,
        }
        for code in codes
    ]


def language_status(obj, *fields: str) -> str:
    """For a list column: in which languages ``obj`` has every one of ``fields``, as
    "EN ✓ RU — ZH ✓" for the eye and one sentence for screen readers (the marks, not a
    colour, carry the meaning)."""
    missing, marks = [], []
    for code, name in settings.LANGUAGES:
        complete = all(getattr(obj, build_localized_fieldname(f, code), None) for f in fields)
        if not complete:
            missing.append(str(name))
        marks.append((code.split("-")[0].upper(), "✓" if complete else "—"))
    if not missing:
        sentence = _("written in every language")
    else:
        sentence = _("missing: %(languages)s") % {"languages": ", ".join(missing)}
    return format_html(
        '<span class="language-status" title="{}"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></span>',
        sentence,
        format_html_join(" ", '<span class="language-state">{} {}</span>', marks),
        sentence,
    )


def rendered_html(field: str, verbose_name, clean):
    """A read-only display of the rich-text column ``field``: its HTML rendered, not shown
    as source. ``clean`` sanitises it once more (what is stored was sanitised on write)."""

    def show(obj):
        return mark_safe(clean(getattr(obj, field)) or "")  # noqa: S308 - sanitised just now

    show.short_description = verbose_name
    return show


class LabelledAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete box, whose empty choice reads "—": an <option> with neither
    text nor label is invalid HTML (the Nu checker). select2 shows its placeholder instead."""

    def create_option(self, name, value, label, *args, **kwargs):
        return super().create_option(name, value, label if value != "" else "—", *args, **kwargs)


class ClearedOneByOne(AutocompleteSelectMultiple):
    """Django's autocomplete box for many choices, without select2's "clear all" cross: it is
    drawn as a <span> inside the list of chosen items, which a list may not hold (axe: list),
    and each chosen item has its own cross anyway."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-allow-clear"] = "false"
        return attrs


class NamedColumns:
    """For a tabular inline: each box carries its column's name (``aria-label``). The
    table's headings name the columns for the eye, but nothing ties a box to its heading
    for a screen reader (axe: label), and modeltranslation names each language's column
    "role [ru]", which the box's name then says too."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for field in formset.form.base_fields.values():
            if field.label:
                field.widget.attrs.setdefault("aria-label", str(field.label))
        return formset


class ValidAutocompletes:
    """For a ModelAdmin or an inline: its autocomplete boxes are valid HTML and pass axe
    (an empty choice with a label, no clear-all cross; see the two widgets above)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LabelledAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ClearedOneByOne(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class GuidedAdmin(ValidAutocompletes):
    """For a ModelAdmin that office editors use.

    Grammar: Django titles its pages "Change %s", "Add %s", "Select %s to change" with the
    model's verbose name, which Russian puts after the verb in the accusative: "Изменить
    статью", not "Изменить статья". ``verbose_name_as_object`` is the model's name in that
    position (``pgettext_lazy("accusative", "article")``), used by the change form's and
    the list's titles, the list's add button and the delete question.

    Languages: a translated model's change form gets one language switch for all its
    tabs (templates/admin/change_form.html, static/admin-extra/language-tabs.js), which
    starts in the admin's language, in the one the editor had chosen before a
    validation error sent the form back, or in the one the link asked for (``?_language=``).

    Rich text: ``html_fields`` (translated or not) are shown rendered, after
    ``html_cleaner``, to someone who may only view the object.
    """

    verbose_name_as_object = None
    html_fields: tuple[str, ...] = ()
    html_cleaner = None  # a staticmethod: str -> str

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # Each rich-text column gets a display of its own, read like a method of this admin
        # ("body_en_rendered"): the read-only form shows it in the column's place.
        self.rendered_columns = {}
        for field in self.html_fields:
            for column in (field, *localized_fields(field)):
                try:
                    verbose_name = self.opts.get_field(column).verbose_name
                except FieldDoesNotExist:
                    continue
                display = f"{column}_rendered"
                setattr(self, display, rendered_html(column, verbose_name, self.html_cleaner))
                self.rendered_columns[column] = display

    def object_name(self):
        return self.verbose_name_as_object or self.opts.verbose_name

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if add:
            title = _("Add %s")
        elif self.has_change_permission(request, obj):
            title = _("Change %s")
        else:
            title = _("View %s")
        # Only Django's own title: History's "Revert …" and "Recover …" stay as they are.
        if context.get("title") == title % self.opts.verbose_name:
            context["title"] = title % self.object_name()
        if isinstance(self, TranslationBaseModelAdmin) and self.trans_opts.all_fields:
            # The language chosen before the form came back, or the one a link asked for
            # (?_language=ru: the translation desk opens a form on the language to translate).
            chosen = request.POST.get("_language") or request.GET.get("_language")
            context["language_switch"] = language_choices(chosen)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        if IS_POPUP_VAR in request.GET:
            title = _("Select %s")
        elif self.has_change_permission(request):
            title = _("Select %s to change")
        else:
            title = _("Select %s to view")
        extra_context = {
            "title": title % self.object_name(),
            "verbose_name_as_object": self.object_name(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        extra_context = {"verbose_name_as_object": self.object_name(), **(extra_context or {})}
        return super().delete_view(request, object_id, extra_context)

    def shows_rendered(self, request, obj) -> bool:
        """Whether the form is read-only with rich text in it."""
        if not self.rendered_columns or obj is None:
            return False
        return not self.has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Not form fields: modeltranslation's get_form excludes what is named here.
        readonly = super().get_readonly_fields(request, obj)
        if self.shows_rendered(request, obj):
            return [*readonly, *self.rendered_columns.values()]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.shows_rendered(request, obj):
            return fieldsets

        def shown(field):
            return self.rendered_columns.get(field, field) if isinstance(field, str) else field

        return [
            (name, {**options, "fields": [shown(field) for field in options["fields"]]})
            for name, options in fieldsets
        ]


class EditedInline:
    """For the admin of a model edited in another model's form (an inline): not listed on
    the admin's index and menu, where it would be a second, context-free way to edit the
    same rows; its pages stay at their addresses, for History and permissions."""

    def get_model_perms(self, request):
        return {}


class SaidAboutTheChange(forms.Field):
    """A form field that says something about the change (a workflow step's comment, "minor
    change"), not part of the object: History must not list it among changed fields."""

    def has_changed(self, initial, data):
        return False
