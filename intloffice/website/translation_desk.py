"""The translation desk: articles, information pages, organisations, people and events, each
with the state of its translation in every language (intloffice.core.provenance), for the
office to see what to translate next.

Translators' files go out from the desk and come back to it: a link per language downloads
the fields to translate (of the kinds the person may see, or the kind chosen) as XLIFF, and a
form uploads a translated file (``core/translation_exchange.py`` does both, as the commands
do).

Filtered by state, language, kind of object and partner (an organisation: the articles that
name it, the events it organised, hosted, visited or took part in, its people, itself);
sorted by what readers see most: what is public first, then the most recent (an article's
or page's publication, an event's start, an organisation's or person's last change). Each
cell links to the object's form, opened on that language's tab (``?_language=``).

A fixed number of queries whatever the number of objects: the partners for the filter,
one count and one page of (kind, id) over every kind (a UNION), one query per kind on the
page for the objects, and one for their states.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Case, CharField, Exists, F, IntegerField, OuterRef, Value, When
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from intloffice.core import provenance
from intloffice.core.admin_helpers import own_name
from intloffice.core.provenance import State
from news.models import Article
from pages.models import Page
from partners.models import Event, Organization, Person

PER_PAGE = 50
# A translated file of a whole year's news is a few megabytes; anything larger is no
# translators' file.
MAX_UPLOAD = 10 * 1024 * 1024


def article_partner(queryset, partner: int):
    links = Article.organizations.through.objects.filter(
        article_id=OuterRef("pk"), organization_id=partner
    )
    return queryset.filter(Exists(links))


def event_partner(queryset, partner: int):
    return queryset.involving(Organization(pk=partner))


@dataclass(frozen=True)
class Kind:
    model: type
    label: str
    # The moment that makes an object recent.
    when: str
    # Whether the kind has a public/unpublished distinction (the workflow's published()).
    publishable: bool = False
    # The objects linked to a partner (an organisation's id); None: none are.
    partner: Callable | None = None


KINDS = {
    "article": Kind(Article, _("articles"), "publish_at", True, article_partner),
    "page": Kind(Page, _("information pages"), "publish_at", True),
    "organization": Kind(
        Organization, _("organisations"), "updated_at", False, lambda qs, p: qs.filter(pk=p)
    ),
    "person": Kind(
        Person, _("people"), "updated_at", False, lambda qs, p: qs.filter(organization_id=p)
    ),
    "event": Kind(Event, _("events"), "start", False, event_partner),
}


def kinds_for(user) -> dict[str, Kind]:
    """The kinds this person may see in the admin."""
    return {
        key: kind
        for key, kind in KINDS.items()
        if user.has_perm(f"{kind.model._meta.app_label}.view_{kind.model._meta.model_name}")
    }


class DeskFilters(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    partner = forms.TypedChoiceField(label=_("Partner"), required=False, coerce=int)

    def __init__(self, data, kinds: dict[str, Kind], partners: list[tuple[int, str]]):
        super().__init__(data)
        every = [("", _("all"))]
        self.fields["state"].choices = every + list(State.choices)
        self.fields["language"].choices = every + [
            (code, own_name(code)) for code in provenance.languages()
        ]
        self.fields["kind"].choices = every + [(key, kind.label) for key, kind in kinds.items()]
        self.fields["partner"].choices = every + partners

    def chosen(self) -> dict:
        """The filters' values (None: all). A value that is not a choice filters nothing;
        the form says why beside its field."""
        names = list(self.fields)
        if not self.is_bound:
            return dict.fromkeys(names)
        self.is_valid()
        for name in self.errors:
            # The error is read out with its field (the template gives it this id).
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-error"
        return {name: self.cleaned_data.get(name) or None for name in names}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Upload a translated file"),
        help_text=_(
            "An XLIFF file downloaded here and translated. If any original text changed "
            "since it was downloaded, nothing is imported: download it again."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlf,.xliff,.xml"}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD:
            raise forms.ValidationError(
                _("The file is larger than %(size)s: it is not a translators' file."),
                params={"size": filesizeformat(MAX_UPLOAD)},
            )
        return file


def downloads(kinds: dict[str, Kind], language=None, kind=None) -> list[tuple[str, str, str]]:
    """(code, own name, link) of the translators' file of each language into which the
    site's language is translated (only ``language`` if chosen), for the ``kind`` chosen or
    every kind the person may see."""
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    codes = [code for code in provenance.languages() if code != default]
    if language in codes:
        codes = [language]
    elif language:
        return []
    chosen = [kind] if kind else list(kinds)
    url = reverse("translation_download")
    return [
        (code, own_name(code), f"{url}?{urlencode({'language': code, 'kind': chosen}, True)}")
        for code in codes
    ]


@dataclass
class Cell:
    language: str
    name: str  # the language's own name
    summary: provenance.Summary
    url: str
    # What is not up to date, as the form names the fields ("body", "summary").
    fields: list[str]


@dataclass
class Row:
    obj: object
    kind_name: str
    public: bool
    cells: list[Cell]


def partner_choices() -> list[tuple[int, str]]:
    organizations = Organization.objects.defer("search_vector").order_by("slug")
    return [(organization.pk, str(organization)) for organization in organizations]


def listing(kinds: dict[str, Kind], state=None, language=None, kind=None, partner=None):
    """(kind, id, public, moment) of every object the filters keep, public and recent first."""
    parts = []
    for key, found in kinds.items():
        if kind and key != kind:
            continue
        queryset = found.model._default_manager.order_by()
        if partner:
            if found.partner is None:
                continue
            queryset = found.partner(queryset, partner)
        if state:
            queryset = provenance.having(queryset, [state], language)
        public = (
            Case(
                When(pk__in=found.model._default_manager.published().values("pk"), then=1),
                default=0,
                output_field=IntegerField(),
            )
            if found.publishable
            else Value(1, output_field=IntegerField())
        )
        parts.append(
            queryset.annotate(
                desk_kind=Value(key, output_field=CharField()),
                desk_id=F("pk"),
                desk_public=public,
                desk_when=F(found.when),
            ).values_list("desk_kind", "desk_id", "desk_public", "desk_when")
        )
    if not parts:
        return Article.objects.none().values_list("pk")
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("-desk_public", "-desk_when", "desk_kind", "-desk_id")


def rows_of(entries, kinds: dict[str, Kind], language: str | None) -> list[Row]:
    """The page's objects with their cells: one query per kind, one for the states."""
    wanted = defaultdict(list)
    for key, pk, _public, _when in entries:
        wanted[key].append(pk)
    # Without the search vectors: kilobytes each, of no use here.
    objects = {
        key: kinds[key].model._default_manager.defer("search_vector").in_bulk(pks)
        for key, pks in wanted.items()
    }
    found = [objects[key][pk] for key, pk, _p, _w in entries if pk in objects[key]]
    summaries = provenance.states_for(found, language)
    codes = [language] if language else provenance.languages()
    rows = []
    for key, pk, public, _when in entries:
        obj = objects[key].get(pk)
        if obj is None:  # deleted between the two queries
            continue
        opts = obj._meta
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
        states = summaries[(ContentType.objects.get_for_model(obj).pk, pk)]
        cells = [
            Cell(
                code,
                own_name(code),
                states[code],
                # A machine draft opens in the form, for the editor to review.
                f"{change}?_language={code}"
                + ("&_drafts=1" if states[code].state == State.MACHINE else ""),
                [
                    str(opts.get_field(name).verbose_name)
                    for name, state in states[code].fields.items()
                    if state != State.CURRENT
                ],
            )
            for code in codes
        ]
        rows.append(Row(obj, str(opts.verbose_name), bool(public), cells))
    return rows


def desk(user, query, page_number=None) -> dict:
    """What the desk shows ``user`` for the GET parameters ``query``: the filter form, the
    page of rows, the languages of its columns."""
    kinds = kinds_for(user)
    ContentType.objects.get_for_models(*(kind.model for kind in kinds.values()))
    filters = DeskFilters(query or None, kinds, partner_choices())
    chosen = filters.chosen()
    paginator = Paginator(listing(kinds, **chosen), PER_PAGE)
    page = paginator.get_page(page_number)
    language = chosen["language"]
    return {
        "filters": filters,
        "page": page,
        "rows": rows_of(list(page.object_list), kinds, language),
        "languages": [
            (code, own_name(code)) for code in ([language] if language else provenance.languages())
        ],
        "query": query_without_page(query),
        "downloads": downloads(kinds, language, chosen["kind"]),
        "upload": UploadForm(),
    }


def query_without_page(query) -> str:
    kept = query.copy()
    kept.pop("page", None)
    return kept.urlencode()


def attention(user) -> list[tuple[str, int, str]]:
    """For the admin index: (label, count, desk link) for stale and missing translations
    and machine drafts, counted as object × language pairs."""
    kinds = kinds_for(user)
    if not kinds:
        return []
    types = ContentType.objects.get_for_models(*(kind.model for kind in kinds.values()))
    type_ids = [content_type.pk for content_type in types.values()]
    desk_url = reverse("translation_desk")
    labels = {
        State.STALE: _("Translations out of date"),
        State.MISSING: _("Translations missing"),
        State.MACHINE: _("Machine drafts to review"),
    }
    return [
        (label, count, f"{desk_url}?state={state}")
        for state, label in labels.items()
        if (count := provenance.pairs_in(state, type_ids))
    ]
