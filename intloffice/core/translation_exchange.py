"""Exchange with translators: the fields that need translating into one language, as an
XLIFF 2.0 file (``core/xliff.py`` says why that format), and the translated file back.

A file is one pair of languages: the source (the site's default unless asked) and the
target. ``units_for`` picks every tracked field (``provenance.tracked_models()``: this
module names no app) whose translation into the target is missing, stale or a machine
draft, of objects written in the file's source language (an article written first in
Russian goes into a file from Russian); each unit carries the digest of the source text as
it is now, and the translation as it is (a translator revises a stale one rather than
starting again), or the machine draft waiting for review (a translator revises the draft).

``import_file`` reads a file back and writes all of it or nothing. The whole file is
refused, with one line naming what is wrong, when a unit's source text changed since the
export (its digest differs: the translation was made from a text that is no longer the
original, so it would be marked up to date while it is not), when its object is gone or is
now written in another language, when its field is not a tracked one, when a text is not
valid for its field, or when the person may not change an object it would change (the
model's change permission, and a publisher's for what is live, as in the admin). Empty
targets, targets equal to the stored translation and machine drafts sent back as they came
(nobody revised them: they stay drafts) are left alone. Each changed object is
saved as a form saves it: one version further, its rich text sanitised, its translation
states, search vector and cached pages following through the save's signals, one History
revision for the file ("Translation imported from file NAME") and an audit line each.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import reversion
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from modeltranslation.utils import build_localized_fieldname

from . import provenance, richtext, workflow, xliff
from .audit import changed
from .provenance import State, TranslationState

# What a file holds unless everything is asked for: what a reader should not be shown as
# it is (a machine draft waits for a person, who may be the translator).
NEEDING = (State.MISSING, State.STALE, State.MACHINE)
# How many problems a refusal names before "and N more".
NAMED = 3
VIA = "a translators' file"


class ExchangeError(ValueError):
    """Nothing was exported or imported; the message is one line, for a person."""


@dataclass
class Report:
    """What an import wrote: ``objects`` changed (their names), ``fields`` written,
    ``unchanged`` targets equal to the stored translation, ``empty`` targets skipped."""

    source_language: str
    target_language: str
    objects: list[str] = field(default_factory=list)
    fields: int = 0
    unchanged: int = 0
    empty: int = 0

    def summary(self) -> str:
        return _(
            "%(fields)d translation(s) written in %(objects)d object(s); "
            "%(unchanged)d unchanged, %(empty)d left empty."
        ) % {
            "fields": self.fields,
            "objects": len(self.objects),
            "unchanged": self.unchanged,
            "empty": self.empty,
        }


def _models(wanted: Iterable[str] | None) -> list[type[models.Model]]:
    found = provenance.tracked_kinds()
    if wanted is None:
        return list(found.values())
    wanted = list(wanted)
    for kind in wanted:
        if kind not in found:
            raise ExchangeError(
                _("%(kind)s is not a kind of object with translations (one of: %(kinds)s).")
                % {"kind": kind, "kinds": ", ".join(found)}
            )
    return [model for kind, model in found.items() if kind in wanted]


def _languages(source: str | None, target: str) -> tuple[str, str]:
    codes = provenance.languages()
    source = source or settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    for language in (source, target):
        if language not in codes:
            raise ExchangeError(
                _("%(language)s is not a language of this site (one of: %(codes)s).")
                % {"language": language, "codes": ", ".join(codes)}
            )
    if source == target:
        raise ExchangeError(_("The target language is the source language: nothing to translate."))
    return source, target


def units_for(
    language: str,
    *,
    source: str | None = None,
    kinds: Iterable[str] | None = None,
    everything: bool = False,
) -> list[xliff.Unit]:
    """The units of every tracked field needing translation from ``source`` into
    ``language`` (with ``everything``, up to date ones too), of the ``kinds`` named (by
    default all), by kind, object and field. One query for the states, one per kind for
    the texts."""
    source, language = _languages(source, language)
    wanted = _models(kinds)
    types = ContentType.objects.get_for_models(*wanted)
    rows = TranslationState.objects.filter(
        content_type__in=[types[model] for model in wanted],
        language=language,
        source_language=source,
    )
    if not everything:
        rows = rows.filter(state__in=NEEDING)
    fields_of = defaultdict(lambda: defaultdict(set))
    drafts = {}
    for type_id, pk, name, draft in rows.values_list(
        "content_type_id", "object_id", "field", "draft"
    ):
        fields_of[type_id][pk].add(name)
        if draft:
            drafts[(type_id, pk, name)] = draft
    units = []
    for model in wanted:
        needed = fields_of[types[model].pk]
        if not needed:
            continue
        tracked = model.translation_tracked
        columns = [
            build_localized_fieldname(name, code) for name in tracked for code in (source, language)
        ]
        texts = model._default_manager.filter(pk__in=list(needed)).order_by("pk")
        for row in texts.values("pk", *columns):
            for name in tracked:
                if name not in needed[row["pk"]]:
                    continue
                text = row[build_localized_fieldname(name, source)] or ""
                if not provenance.digest(text):
                    continue  # the source was emptied: nothing to translate from
                units.append(
                    xliff.Unit(
                        model=model._meta.label_lower,
                        pk=str(row["pk"]),
                        field=name,
                        source=text,
                        target=drafts.get((types[model].pk, row["pk"], name))
                        or row[build_localized_fieldname(name, language)]
                        or "",
                        digest=provenance.digest(text),
                    )
                )
    return units


def export(
    language: str,
    *,
    source: str | None = None,
    kinds: Iterable[str] | None = None,
    everything: bool = False,
) -> bytes:
    """The XLIFF file of ``units_for`` (same arguments); refused when it would be empty."""
    source, language = _languages(source, language)
    units = units_for(language, source=source, kinds=kinds, everything=everything)
    if not units:
        raise ExchangeError(
            _("Nothing needs translating from %(source)s into %(target)s.")
            % {"source": xliff.bcp47(source), "target": xliff.bcp47(language)}
        )
    try:
        return xliff.build(units, source, language)
    except xliff.XliffError as error:
        raise ExchangeError(str(error)) from None


def file_name(language: str, source: str | None = None, kind: str | None = None) -> str:
    """The name a downloaded file is given: translations-en-ru[-article].xlf."""
    source = source or settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    return "-".join(["translations", source, language, *([kind] if kind else [])]) + ".xlf"


# Reading a file back


def _name(obj) -> str:
    return f"{obj._meta.verbose_name} {obj.pk} “{obj}”"


def _some(names: list[str], separator: str = "; ") -> str:
    """The first few of ``names`` (repeats once), and how many more: a message stays a line."""
    names = list(dict.fromkeys(names))
    said = separator.join(names[:NAMED])
    if len(names) > NAMED:
        more = len(names) - NAMED
        said += ngettext(" and %(count)d more", " and %(count)d more", more) % {"count": more}
    return said


def _refuse(problems: list[str]) -> None:
    if problems:
        raise ExchangeError(
            _("Nothing was imported: %(problems)s.") % {"problems": _some(problems)}
        )


def _objects(parsed: xliff.Parsed) -> tuple[dict, list[str]]:
    """The file's objects, locked until the import ends: (label, pk) -> object or None;
    and the problems of units that name no tracked model or field."""
    tracked = {model._meta.label_lower: model for model in provenance.tracked_models()}
    problems, wanted = [], defaultdict(set)
    for unit in parsed.units:
        model = tracked.get(unit.model.lower())
        if model is None:
            problems.append(
                _("%(model)s is not a kind of object with translations") % {"model": unit.model}
            )
        elif unit.field not in model.translation_tracked:
            problems.append(
                _("%(field)s of %(model)s is not a translated field")
                % {"field": unit.field, "model": unit.model}
            )
        elif not (unit.pk.isascii() and unit.pk.isdigit()) or unit.pk != str(int(unit.pk)):
            problems.append(
                _("%(model)s %(pk)s does not exist") % {"model": unit.model, "pk": unit.pk}
            )
        else:
            wanted[model].add(int(unit.pk))
    found = {}
    for model, pks in wanted.items():
        # Locked: a form saved meanwhile waits, then finds its version stale.
        locked = model._default_manager.select_for_update(of=("self",)).in_bulk(list(pks))
        for pk in pks:
            found[(model._meta.label_lower, str(pk))] = locked.get(pk)
    return found, problems


def _drafts(objects: dict, language: str) -> dict[tuple[str, str, str], str]:
    """(model label, pk, field) -> digest of the machine draft waiting in ``language``."""
    by_model = defaultdict(list)
    for obj in objects.values():
        if obj is not None:
            by_model[type(obj)].append(obj.pk)
    found = {}
    for model, pks in by_model.items():
        rows = TranslationState.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=pks,
            language=language,
            state=State.MACHINE,
        ).exclude(draft="")
        for pk, name, draft in rows.values_list("object_id", "field", "draft"):
            found[(model._meta.label_lower, str(pk), name)] = provenance.digest(draft)
    return found


def _may_change(user, obj) -> bool:
    opts = obj._meta
    if not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        return False
    if isinstance(obj, workflow.Publishable):
        return workflow.workflow_of(type(obj)).may_edit(user, obj)
    return True


def _cleaned(obj, name: str, text: str) -> str:
    """``text`` as the field stores it (rich text sanitised, plain text stripped as a form
    does); raises ValidationError if the field refuses it (too long)."""
    column = obj._meta.get_field(name)
    if isinstance(column, richtext.HTMLField):
        text = richtext.sanitize(text.strip()) or ""
    else:
        text = text.strip()
    column.clean(text, obj)
    return text


def import_file(data: bytes, user, *, name: str = "", language: str | None = None) -> Report:
    """Write the translations of the XLIFF file ``data`` (called ``name``) as ``user`` (a
    user, or ``audit.CommandLine``): all of them, or with ``ExchangeError`` none. With
    ``language``, a file into another target language is refused."""
    try:
        parsed = xliff.parse(data, target_language=language)
    except xliff.XliffError as error:
        raise ExchangeError(str(error)) from None
    source, target = parsed.source_language, parsed.target_language
    report = Report(source, target)
    with transaction.atomic():
        objects, problems = _objects(parsed)
        drafts = _drafts(objects, target)
        stale, changes = [], defaultdict(dict)
        for unit in parsed.units:
            where = (unit.model.lower(), unit.pk)
            if where not in objects:
                continue  # named in problems already
            obj = objects[where]
            if obj is None:
                problems.append(
                    _("%(model)s %(pk)s no longer exists") % {"model": unit.model, "pk": unit.pk}
                )
                continue
            written_in = provenance.source_language_of(obj)
            if written_in != source:
                problems.append(
                    _("%(object)s is written in %(language)s, not in the file's %(source)s")
                    % {
                        "object": _name(obj),
                        "language": xliff.bcp47(written_in),
                        "source": xliff.bcp47(source),
                    }
                )
                continue
            current = getattr(obj, build_localized_fieldname(unit.field, source))
            if unit.digest != provenance.digest(current):
                stale.append(f"{_name(obj)}, {unit.field}")
                continue
            if not unit.target.strip():
                report.empty += 1
                continue
            column = build_localized_fieldname(unit.field, target)
            try:
                text = _cleaned(obj, column, unit.target)
            except ValidationError as error:
                problems.append(f"{_name(obj)}, {unit.field}: {' '.join(error.messages)}")
                continue
            if text == (getattr(obj, column) or "") or provenance.digest(text) == drafts.get(
                (*where, unit.field)
            ):
                report.unchanged += 1
                continue
            changes[where][unit.field] = text
        if stale:
            problems.insert(
                0,
                _(
                    "the source text of %(fields)s changed since the file was exported "
                    "(export again and translate the new text)"
                )
                % {"fields": _some(stale)},
            )
        refused = [_name(objects[key]) for key in changes if not _may_change(user, objects[key])]
        if refused:
            problems.append(
                _("%(user)s may not change %(objects)s")
                % {"user": user, "objects": _some(refused, ", ")}
            )
        _refuse(problems)
        _write(objects, changes, user, name, report)
    return report


def _write(objects: dict, changes: dict, user, name: str, report: Report) -> None:
    person = user if getattr(user, "is_authenticated", False) else None
    comment = _("Translation into %(language)s imported from file %(name)s") % {
        "language": xliff.bcp47(report.target_language),
        "name": name or "?",
    }
    with workflow.acting(user, via=VIA), reversion.create_revision():
        reversion.set_user(person)
        reversion.set_comment(comment)
        for key, values in changes.items():
            obj = objects[key]
            for name, text in values.items():
                setattr(obj, build_localized_fieldname(name, report.target_language), text)
            if hasattr(obj, "version"):  # Versioned: a form opened before is now stale
                obj.version += 1
                obj.last_edited_by = person
            obj.save()
            report.objects.append(_name(obj))
            report.fields += len(values)
            changed(user, "change", obj, f"{comment}: {', '.join(values)}")
