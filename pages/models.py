"""The office's information pages (About, Contacts, Incoming students …) and its staff.

A page goes through the workflow of articles (intloffice.core.workflow: draft, review,
publish); ``Page.objects.published()`` is the one definition of a public page, for its
address, the menus, the sitemap and search alike. Where a page appears in the site's
navigation is a fact of the page (``menu``, ``position``).
"""

import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from intloffice.core.images import ProcessedImageField
from intloffice.core.models import TimeStamped, Versioned
from intloffice.core.richtext import HTMLField
from intloffice.core.search import Indexed
from intloffice.core.text import html_to_text
from intloffice.core.workflow import Publishable, Status, StepNote, WorkflowQuerySet

# Page addresses that are not free for a page, besides the first part of every address
# the site already has (found in the URL configuration: see reserved_slugs()).
ALWAYS_RESERVED = frozenset(
    {"admin", "media", "static", "i18n", "feed", "sitemap", "robots", "healthz", "readyz"}
)


class PageQuerySet(WorkflowQuerySet):
    def in_menu_order(self):
        return self.order_by("position", "pk")


class PageManager(models.Manager.from_queryset(PageQuerySet)):
    def get_queryset(self):
        return super().get_queryset().defer("search_vector")


class Page(Publishable, TimeStamped, Versioned):
    class Menu(models.TextChoices):
        MAIN = "main", _("main menu (header)")
        FOOTER = "footer", _("footer")
        NONE = "none", _("no menu")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_(
            "The page's address after the language: /en/contacts/ for “contacts”. Keep it "
            "once published: links depend on it. The names of the site's sections (news, "
            "partners, events, search …) are taken."
        ),
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("One or two sentences, plain text: shown in search results and link previews."),
    )
    body = HTMLField(_("body"), blank=True)
    parent = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent page"),
        help_text=_(
            "Optional: the page this one belongs under (for example, Visa support under "
            "Incoming students). Only one level: a parent page has no parent of its own."
        ),
    )
    menu = models.CharField(
        _("menu"),
        max_length=10,
        choices=Menu.choices,
        default=Menu.NONE,
        help_text=_("Where a link to the page appears on every page, once it is published."),
    )
    position = models.PositiveSmallIntegerField(
        _("position in the menu"),
        default=100,
        help_text=_("Smaller numbers come first."),
    )
    shows_staff = models.BooleanField(
        _("shows the staff directory"),
        default=False,
        help_text=_(
            "Tick for the Contacts page: the public staff members are listed below the text."
        ),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publication date"),
        default=timezone.now,
        help_text=_("The page is public from this moment once it is published."),
    )
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)
    search_fields = (
        Indexed("title", "A"),
        Indexed("summary", "B"),
        Indexed("body", "C", html=True),
    )

    objects = PageManager()

    # Translations whose state is kept (intloffice.core.provenance).
    translation_tracked = ("title", "summary", "body")

    class Meta:
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")
        ordering = ["position", "pk"]
        permissions = [("publish_page", _("Can publish, schedule and unpublish pages"))]
        indexes = [GinIndex(fields=["search_vector"], name="page_search_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pages:page_detail", kwargs={"slug": self.slug})

    @property
    def lead(self) -> str:
        """The page's opening in plain text, in the active language (with fallbacks)."""
        return self.summary or html_to_text(self.body)

    def clean(self):
        super().clean()
        if self.slug and self.slug in reserved_slugs():
            raise ValidationError(
                {
                    "slug": _("“%(slug)s” is the address of a section of the site: choose another.")
                    % {"slug": self.slug}
                }
            )
        if self.parent_id is not None:
            if self.pk is not None and self.parent_id == self.pk:
                raise ValidationError({"parent": _("A page cannot be its own parent.")})
            if self.parent.parent_id is not None:
                raise ValidationError(
                    {"parent": _("Choose a page that has no parent itself: one level only.")}
                )
            if self.pk is not None and self.children.exists():
                raise ValidationError(
                    {"parent": _("This page has pages under it, so it cannot go under another.")}
                )


def reserved_slugs() -> frozenset[str]:
    """The first part of every address under the language prefix (news, partners, people,
    events, search, accessibility …), and ALWAYS_RESERVED: a page there would be shadowed
    by the section, or shadow it."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.resolvers import LocalePrefixPattern

    found = set()

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver) and not route:
                walk(entry.url_patterns)
            elif isinstance(entry, URLPattern | URLResolver):
                first = route.lstrip("^").split("/")[0]
                if first and "<" not in first:
                    found.add(first.rstrip("$"))

    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and isinstance(entry.pattern, LocalePrefixPattern):
            walk(entry.url_patterns)
    return ALWAYS_RESERVED | found


class ReviewNote(StepNote):
    """One workflow step taken on a page (see intloffice.core.workflow.StepNote)."""

    page = models.ForeignKey(
        Page, models.CASCADE, related_name="review_notes", verbose_name=_("page")
    )

    class Meta(StepNote.Meta):
        verbose_name = _("review note")
        verbose_name_plural = _("review notes")

    def __str__(self):
        return f"{self.step} of page {self.page_id} by {self.actor_id}"


# Languages a staff member may speak, by code; each is shown in its own name ("Deutsch").
SPOKEN_LANGUAGES = (
    "en", "ru", "zh-hans", "ar", "de", "es", "fr", "hi", "it", "ja", "kk", "ko", "fa", "pt",
    "tr", "uz", "vi",
)  # fmt: skip


def own_language_name(code: str) -> str:
    if code == "zh-hans":
        return "中文"
    return get_language_info(code)["name_local"]


LANGUAGE_CHOICES = [(code, own_language_name(code)) for code in SPOKEN_LANGUAGES]
# Digits, spaces, brackets and hyphens, with + before the country code.
validate_phone = RegexValidator(
    r"^\+?[0-9][0-9 ()\-]{4,30}$",
    _("A phone number: digits, spaces, brackets and hyphens, with + before the country code."),
)


class StaffQuerySet(models.QuerySet):
    def public(self):
        """The staff members the office chose to show, in its order."""
        return self.filter(public=True).order_by("position", "pk")


class StaffMember(TimeStamped, Versioned):
    """A person of the office, for the staff directory. Shown only when ``public``; the
    photo only with the person's consent recorded (``shows_photo``)."""

    name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(
        _("role"),
        max_length=255,
        blank=True,
        help_text=_("What the person does for readers, e.g. “Incoming exchange students”."),
    )
    languages = models.JSONField(
        _("languages spoken"),
        default=list,
        blank=True,
        help_text=_("The languages in which readers may write or call."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    photo = ProcessedImageField(_("photo"), upload_to="staff/", blank=True)
    photo_consent = models.BooleanField(
        _("the person agreed to the publication of the photo"),
        default=False,
        help_text=_("Without this, the photo is kept but never shown."),
    )
    photo_consent_date = models.DateField(
        _("date of consent"),
        null=True,
        blank=True,
        help_text=_("When the person gave consent (keep the signed form on file)."),
    )
    position = models.PositiveSmallIntegerField(
        _("position in the list"), default=100, help_text=_("Smaller numbers come first.")
    )
    public = models.BooleanField(
        _("shown on the site"),
        default=False,
        help_text=_("Untick to keep the entry without showing it (for example, while on leave)."),
    )

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff directory")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.photo_consent and not self.photo_consent_date:
            raise ValidationError(
                {"photo_consent_date": _("Give the date on which the person agreed.")}
            )
        unknown = set(self.languages or []) - set(SPOKEN_LANGUAGES)
        if unknown:
            raise ValidationError({"languages": _("Choose languages from the list.")})

    def shows_photo(self) -> bool:
        return bool(self.photo and self.photo_consent and self.photo_consent_date)

    def spoken_languages(self) -> list[tuple[str, str]]:
        """(code, own name) of each language spoken, in the list's order."""
        spoken = set(self.languages or [])
        return [(code, name) for code, name in LANGUAGE_CHOICES if code in spoken]

    @property
    def phone_link(self) -> str:
        return "tel:" + re.sub(r"[^\d+]", "", self.phone)
