from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from intloffice.images import ProcessedImageField
from intloffice.models import TimeStamped, Versioned
from partners.models import Event, Organization, Person

from .html import HTMLField


class Category(TimeStamped):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["slug"]

    def __str__(self):
        return self.name


class Tag(TimeStamped):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["slug"]

    def __str__(self):
        return self.name


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """The one definition of "public": published, and its time has come."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=now or timezone.now())

    def scheduled(self, now=None):
        """Published, but its time has not come yet: it will appear by itself."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__gt=now or timezone.now())

    def missing_translation(self):
        """Articles whose title or body is empty in at least one language."""
        missing = models.Q()
        for code, _name in settings.LANGUAGES:
            for field in ("title", "body"):
                column = build_localized_fieldname(field, code)
                missing |= models.Q(**{f"{column}__isnull": True}) | models.Q(**{column: ""})
        return self.filter(missing)

    # Bulk writes send no save signals: the workflow's rules are checked here instead.
    # (news.workflow imports this module, hence the imports inside.)

    def update(self, **kwargs):
        if not Article.WORKFLOW_FIELDS & kwargs.keys():
            return super().update(**kwargs)
        from . import workflow

        context = workflow.check_bulk("update", {workflow.PUBLISH})
        ids = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        changes = ", ".join(
            f"{name}={kwargs[name]}" for name in Article.WORKFLOW_FIELDS if name in kwargs
        )
        workflow.record_bulk(context, f"set {changes} of", ids)
        return count

    def bulk_update(self, objs, fields, batch_size=None):
        if not set(Article.WORKFLOW_FIELDS) & set(fields):
            return super().bulk_update(objs, fields, batch_size=batch_size)
        from . import workflow

        objs = list(objs)
        context = workflow.check_bulk("update", {workflow.PUBLISH})
        count = super().bulk_update(objs, fields, batch_size=batch_size)
        workflow.record_bulk(context, "update the status or date of", [a.pk for a in objs])
        return count

    def bulk_create(self, objs, *args, **kwargs):
        from . import workflow

        objs = list(objs)
        # The new articles the workflow governs (beyond drafts), with the permission each needs.
        governed = []
        for obj in objs:
            state = workflow.state_of(obj)
            if needed := workflow.permission_for(None, state):
                governed.append((obj, state, needed))
        context = workflow.check_bulk("create", {needed for _obj, _state, needed in governed})
        created = super().bulk_create(objs, *args, **kwargs)
        by_move: dict[str, list[int]] = {}
        for obj, state, _needed in governed:
            by_move.setdefault(workflow.move_name(None, state), []).append(obj.pk)
        for name, ids in by_move.items():
            workflow.record_bulk(context, name, ids)
        return created


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        return super().get_queryset().defer("search_vector")


class Article(TimeStamped, Versioned):
    # What news.workflow governs: whether an article is public, and from when.
    WORKFLOW_FIELDS = ("status", "publish_at")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REVIEW = "review", _("in review")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

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
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
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
    # Full-text search on PostgreSQL, kept current by intloffice.search; unused on SQLite.
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)

    # Rows are read without their stored search vector (2 KB each, used only inside SQL).
    objects = ArticleManager()

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

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article.remember_workflow_state()
        return article

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        self.remember_workflow_state(fields)

    def remember_workflow_state(self, fields=None) -> None:
        """Keep the status and publication date as stored, for news.workflow to compare a
        save with (no query: only what was loaded or just saved)."""
        stored = self.__dict__.setdefault("_stored_state", {})
        for name in self.WORKFLOW_FIELDS:
            if name in self.__dict__ and (fields is None or name in fields):
                stored[name] = self.__dict__[name]

    def is_public(self, now=None) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at <= (now or timezone.now())
