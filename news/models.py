"""Articles and what they are filed under.

Longer than most modules: every fact about an article (public, scheduled, its lead, its
neighbours, what needs staff's attention) is a method of ``Article`` or of its QuerySet,
so that views, feeds, search, structured data and the admin ask one place.
"""

from functools import reduce
from operator import or_
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from agreements.models import Agreement
from intloffice.core.images import ProcessedImageField
from intloffice.core.models import TimeStamped, Versioned, optional_link
from intloffice.core.search import Indexed
from intloffice.core.text import html_to_text
from intloffice.core.translated import localized_fields
from intloffice.core.workflow import Publishable, Status, StepNote, WorkflowQuerySet
from partners.models import Event, Organization, Person

from .richtext import HTMLField


class Label(TimeStamped):
    """A name articles are grouped by, with the slug the news list filters on."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        abstract = True
        ordering = ["slug"]

    def __str__(self):
        return self.name


class Category(Label):
    class Meta(Label.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class Tag(Label):
    class Meta(Label.Meta):
        verbose_name = _("tag")
        verbose_name_plural = _("tags")


class Attention(NamedTuple):
    method: str  # of ArticleQuerySet
    choice: str  # in the admin's "needs attention" filter
    waiting: str  # on the admin's index page, with the count


# What waits for staff, in the order the admin shows it.
ATTENTION = {
    "review": Attention("in_review", _("Needs review"), _("Articles waiting for review")),
    "scheduled": Attention("scheduled", _("Scheduled"), _("Scheduled articles")),
    "untranslated": Attention(
        "missing_translation", _("Missing a translation"), _("Articles missing a translation")
    ),
}


# The public order, which the indexes serve: newest date first, then newest row.
NEWEST_FIRST = ("-publish_at", "-pk")


class ArticleQuerySet(WorkflowQuerySet):
    """The shared workflow vocabulary (published(), scheduled(), next_publication(),
    in_review(), and bulk writes held to the workflow's rules), and the articles' own."""

    def missing_translation(self):
        """Articles whose title or body is empty in at least one language."""
        missing = Q()
        for code, _name in settings.LANGUAGES:
            for field in ("title", "body"):
                column = build_localized_fieldname(field, code)
                missing |= Q(**{f"{column}__isnull": True}) | Q(**{column: ""})
        return self.filter(missing)

    def needing_attention(self, key: str):
        """The articles staff should look at, by ATTENTION key (the admin's filter and the
        counts on its index page)."""
        return getattr(self, ATTENTION[key].method)()

    def headings(self):
        """Rows for a link or a list entry: every column but the long text. (Reading all
        the others lets core.dependencies see rows built, so a page with none of them is
        not renewed by every edit of an article's text.)"""
        return self.defer(*localized_fields("summary", "body"))

    def newest_first(self):
        return self.order_by(*NEWEST_FIRST)

    def before(self, publish_at, pk, *, inclusive: bool = False):
        """The articles after ``(publish_at, pk)`` in newest-first order (older ones), or at
        it too if ``inclusive``.

        The plain date bound is implied by the rest; it is there so the database starts its
        index scan at that date instead of filtering every newer row.
        """
        tie = Q(pk__lte=pk) if inclusive else Q(pk__lt=pk)
        earlier = Q(publish_at__lt=publish_at) | Q(publish_at=publish_at) & tie
        return self.filter(Q(publish_at__lte=publish_at) & earlier)

    def after(self, publish_at, pk):
        """The articles before ``(publish_at, pk)`` in newest-first order (newer ones)."""
        return self.filter(
            Q(publish_at__gte=publish_at)
            & (Q(publish_at__gt=publish_at) | Q(publish_at=publish_at, pk__gt=pk))
        )

    def sharing_links_with(self, article):
        """The articles that name a partner or an event the given article names (not it).

        EXISTS rather than a join: the database walks the public index newest first and
        stops after a few matches, however many articles mention the same partner.
        """
        shares = []
        if organization_ids := [o.pk for o in article.organizations.all()]:
            links = Article.organizations.through.objects.filter(
                article_id=OuterRef("pk"), organization_id__in=organization_ids
            )
            shares.append(Exists(links))
        if event_ids := [e.pk for e in article.events.all()]:
            links = Article.events.through.objects.filter(
                article_id=OuterRef("pk"), event_id__in=event_ids
            )
            shares.append(Exists(links))
        if not shares:
            return self.none()
        return self.filter(reduce(or_, shares)).exclude(pk=article.pk)


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        return super().get_queryset().defer("search_vector")


class Article(Publishable, TimeStamped, Versioned):
    # Its place in the workflow (news.workflow): the shared choices, named as before.
    Status = Status
    # What no public list filters, orders or counts by (core.freshness.watch): editing
    # only these renews the pages that show the article, not every list of articles.
    DISPLAY_ONLY = (
        "title",
        "summary",
        "body",
        "byline",
        "image",
        "image_alt",
        "image_decorative",
        "image_caption",
        "image_credit",
        "source_url",
        "search_vector",
        "updated_at",
        "version",
        "last_edited_by",
    )

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("The article's address. Keep it once published: links depend on it."),
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("The lead, plain text."))
    body = HTMLField(_("body"), blank=True)
    byline = models.CharField(_("byline"), max_length=255, blank=True)
    original_language = models.CharField(
        _("original language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publication date"),
        default=timezone.now,
        help_text=_("The article is public from this moment once it is published."),
    )
    image = ProcessedImageField(_("featured image"), upload_to="articles/%Y/", blank=True)
    image_alt = models.CharField(
        _("image description (alt text)"),
        max_length=255,
        blank=True,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    image_decorative = models.BooleanField(
        _("the image is decorative"),
        default=False,
        help_text=_("Tick only if the image adds nothing to the text: it needs no description."),
    )
    image_caption = models.CharField(_("image caption"), max_length=300, blank=True)
    image_credit = models.CharField(_("image credit"), max_length=200, blank=True)
    category = optional_link(
        Category,
        _("category"),
        related_name="articles",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organisations"), blank=True, related_name="articles"
    )
    people = models.ManyToManyField(
        Person, verbose_name=_("people"), blank=True, related_name="articles"
    )
    events = models.ManyToManyField(
        Event, verbose_name=_("events"), blank=True, related_name="articles"
    )
    agreements = models.ManyToManyField(
        Agreement,
        verbose_name=_("agreements"),
        blank=True,
        related_name="articles",
        help_text=_(
            "An agreement this article reports: its page links here, and the article "
            "shows “Agreement signed”. Only agreements shown on the site appear."
        ),
    )
    source_file = models.CharField(_("source file"), max_length=255, blank=True)
    source_digest = models.CharField(
        _("source digest"), max_length=64, blank=True, help_text=_("SHA-256 of the parsed text.")
    )
    source_url = models.URLField(_("source URL"), blank=True)
    # Identity of an imported article: a digest of its normalised title and date, so a
    # re-import from a renamed or re-encoded file updates the same row.
    import_key = models.CharField(
        _("import key"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    # Full-text search on PostgreSQL, kept current by intloffice.core.search; unused on SQLite.
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)
    search_fields = (
        Indexed("title", "A"),
        Indexed("summary", "B"),
        Indexed("body", "C", html=True),
    )

    # Rows are read without their stored search vector (2 KB each, used only inside SQL).
    objects = ArticleManager()

    # Translations whose state is kept (intloffice.core.provenance): the prose, and what
    # describes the image (a reader who cannot see it needs it in their language). The
    # byline names a person, written alike in every language.
    translation_tracked = ("title", "summary", "body", "image_alt", "image_caption")
    translation_source_field = "original_language"

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-publish_at", "-id"]
        get_latest_by = "publish_at"
        permissions = [("publish_article", _("Can publish, schedule and unpublish articles"))]
        indexes = [
            # The public list: WHERE status = 'published' AND publish_at <= now ORDER BY
            # publish_at DESC.
            models.Index(fields=["status", "-publish_at", "-id"], name="article_public_idx"),
            # The admin's list, newest first whatever the status.
            models.Index(fields=["-publish_at", "-id"], name="article_newest_idx"),
            # A plain (unused) index on SQLite, which ignores USING gin.
            GinIndex(fields=["search_vector"], name="article_search_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:article_detail", kwargs={"slug": self.slug})

    @property
    def lead_field(self) -> str:
        """Which field gives the lead: the summary, else (archives have none) the body."""
        return "summary" if self.summary else "body"

    @property
    def lead(self) -> str:
        """The article's opening in plain text, in the active language (with fallbacks)."""
        return self.summary or html_to_text(self.body)


class ReviewNote(StepNote):
    """One workflow step taken on an article (see intloffice.core.workflow.StepNote)."""

    article = models.ForeignKey(
        Article, models.CASCADE, related_name="review_notes", verbose_name=_("article")
    )

    class Meta(StepNote.Meta):
        verbose_name = _("review note")
        verbose_name_plural = _("review notes")

    def __str__(self):
        return f"{self.step} of {self.article_id} by {self.actor_id}"
