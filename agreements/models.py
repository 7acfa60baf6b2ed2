"""Agreements with partners, in the terms of the EWP inter-institutional agreement where they
apply: the parties (institutions, with the unit that signs for each), the kind, when it was
signed and for which period, places per year and the subject area (ISCED-F).

An agreement's status is never stored: it follows from its dates and the day it is read
(``Status``, below). ``AgreementQuerySet`` says it for many agreements in SQL
(``active()``, ``expired()``…) and ``Agreement.status()`` for one; both follow the same
order of rules, and a test holds them together. An agreement past its end reads "expired"
the next morning without any job running; pages cached before then are renewed by
``next_change`` (see apps.py).

What the public may read is ``public()``: published by a publisher, and signed. The notes,
the reference number, the signed copy (in the private storage, intloffice.core.private_files)
and the responsible person are for the office only: no public page, feed, sitemap, search
result or structured data reads them.

Longer than most modules: the status rule's two forms (the QuerySet's and the instance's)
are read side by side, and every field says to editors what it means (help texts).
"""

import datetime as dt
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Exists, F, Min, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intloffice.core import search
from intloffice.core.isced import broad_field, validate_isced_f
from intloffice.core.models import TimeStamped, Versioned, optional_link
from intloffice.core.private_files import (
    DOCUMENT_EXTENSIONS,
    private_storage,
    random_name,
    validate_document_size,
)
from intloffice.core.search import Indexed
from partners.models import Event, Organization

# The academic year starts on 1 September: an agreement valid from 1 September 2024 to
# 31 August 2029 covers the academic years 2024/25–2028/29.
ACADEMIC_YEAR_START = (9, 1)  # month, day
# Universities start renewing an agreement six months before it ends.
EXPIRING_DAYS = 180


class Status(models.TextChoices):
    """Where an agreement stands on a given day, decided in this order: not signed, a
    draft; ended early on or before that day, terminated; past its last day, expired;
    before its first day (its start, else its signing), not yet in force; else in force."""

    DRAFT = "draft", _("draft, not signed")
    PENDING = "pending", _("signed, not yet in force")
    ACTIVE = "active", _("in force")
    EXPIRED = "expired", _("expired")
    TERMINATED = "terminated", _("ended early")


# The QuerySet method of each dated status.
STATUS_METHODS = {
    Status.PENDING: "pending",
    Status.ACTIVE: "active",
    Status.EXPIRED: "expired",
    Status.TERMINATED: "terminated",
}


class Attention(NamedTuple):
    choice: str  # in the admin's filter
    waiting: str  # on the admin's index page, with the count


# What waits for staff on the admin's index page, by the "expiring" filter's value.
ATTENTION = {
    str(EXPIRING_DAYS): Attention(_("within 180 days"), _("Agreements expiring within 180 days")),
}


def today_or(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def academic_year(day: dt.date) -> int:
    """The calendar year in which the academic year holding ``day`` starts."""
    return day.year if (day.month, day.day) >= ACADEMIC_YEAR_START else day.year - 1


def academic_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


class AgreementQuerySet(models.QuerySet):
    def public(self):
        """What readers may see: published, and signed (a draft never is)."""
        return self.filter(published=True, signed_on__isnull=False)

    def with_parties(self):
        """With their parties (and whether each is ours), in one query more."""
        return self.prefetch_related(
            Prefetch(
                "party_links",
                queryset=AgreementParty.objects.select_related("organization__parent"),
            )
        )

    # The statuses, one rule each, in the order of Status: together they cover every
    # agreement once.

    def drafts(self):
        return self.filter(signed_on__isnull=True)

    def terminated(self, today=None):
        return self.filter(signed_on__isnull=False, terminated_on__lte=today_or(today))

    def expired(self, today=None):
        today = today_or(today)
        return self._running(today).filter(valid_until__lt=today)

    def pending(self, today=None):
        today = today_or(today)
        return self._current(today).exclude(self._started(today))

    def active(self, today=None):
        today = today_or(today)
        return self._current(today).filter(self._started(today))

    def _running(self, today):
        """Signed and not ended early (by ``today``)."""
        return self.filter(signed_on__isnull=False).exclude(terminated_on__lte=today)

    def _current(self, today):
        """Signed, not ended early, not past its end."""
        return self._running(today).exclude(valid_until__lt=today)

    @staticmethod
    def _started(today) -> Q:
        return Q(valid_from__lte=today) | Q(valid_from__isnull=True, signed_on__lte=today)

    def with_status(self, status: str, today=None):
        """Those with the given Status value (the admin's filter)."""
        if status == Status.DRAFT:
            return self.drafts()
        return getattr(self, STATUS_METHODS[status])(today)

    def expiring_within(self, days: int, today=None):
        """In force, ending within ``days`` days (today included), and not being ended early:
        the agreements to renew."""
        today = today_or(today)
        return self.active(today).filter(
            valid_until__lte=today + dt.timedelta(days=days), terminated_on__isnull=True
        )

    def with_partner(self, slug: str):
        """Those to which the organisation with this slug is a party."""
        parties = AgreementParty.objects.filter(agreement=OuterRef("pk"), organization__slug=slug)
        return self.filter(Exists(parties))

    def with_partner_country(self, code: str):
        """Those with a partner (not one of ours) in the country with this ISO code."""
        parties = AgreementParty.objects.filter(
            agreement=OuterRef("pk"),
            organization__in=Organization.objects.partners(),
            organization__country=code,
        )
        return self.filter(Exists(parties))

    def matching(self, text: str, terms: list[str]):
        """Those whose title or summary matches a search, or one of whose parties does (by
        its names, aliases or place: intloffice.core.search), newest first. Never by the
        office's own fields: the search vector holds only the public ones."""
        own = search.matching(Agreement.objects.all(), text, terms).values("pk")
        parties = AgreementParty.objects.filter(
            agreement=OuterRef("pk"),
            organization__in=search.matching(Organization.objects.all(), text, terms),
        )
        return self.filter(Q(pk__in=own) | Exists(parties)).defer("search_vector")

    def next_change(self) -> dt.datetime | None:
        """When a public agreement's status next changes by the calendar alone (it comes
        into force, passes its end, or ends early): local midnight of that day."""
        today = timezone.localdate()
        found = self.public().aggregate(
            starts=Min("valid_from", filter=Q(valid_from__gt=today)),
            signed=Min("signed_on", filter=Q(valid_from__isnull=True, signed_on__gt=today)),
            last_day=Min("valid_until", filter=Q(valid_until__gte=today)),
            ends_early=Min("terminated_on", filter=Q(terminated_on__gt=today)),
        )
        if found["last_day"]:
            found["last_day"] += dt.timedelta(days=1)  # expired the day after
        days = [day for day in found.values() if day]
        if not days:
            return None
        return timezone.make_aware(dt.datetime.combine(min(days), dt.time.min))


# Addresses under /partners/agreements/ that are not agreements (agreements/urls.py).
RESERVED_SLUGS = {"feed"}


class Agreement(TimeStamped, Versioned):
    class Kind(models.TextChoices):
        MEMORANDUM = "memorandum", _("memorandum of understanding")
        STUDENT_EXCHANGE = "student-exchange", _("student exchange")
        STAFF_EXCHANGE = "staff-exchange", _("staff exchange")
        DOUBLE_DEGREE = "double-degree", _("double degree")
        JOINT_PROGRAMME = "joint-programme", _("joint programme")
        RESEARCH = "research", _("research")
        OTHER = "other", _("other")

    Status = Status

    title = models.CharField(
        _("title"),
        max_length=300,
        help_text=_(
            "As on the document, for example “Memorandum of understanding between SPbPU and "
            "Xi'an Jiaotong University”."
        ),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("The agreement's address. Keep it once published: links depend on it."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    parties = models.ManyToManyField(
        Organization,
        through="AgreementParty",
        verbose_name=_("parties"),
        related_name="agreements",
    )
    signed_on = models.DateField(
        _("signed on"),
        null=True,
        blank=True,
        help_text=_("Left empty while the agreement is being negotiated: it is then a draft."),
    )
    valid_from = models.DateField(
        _("valid from"),
        null=True,
        blank=True,
        help_text=_("Left empty, the agreement is in force from the day it was signed."),
    )
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_(
            "The last day it is in force; it reads “expired” the day after. Left empty, it "
            "runs until it is ended."
        ),
    )
    terminated_on = models.DateField(
        _("ended early on"),
        null=True,
        blank=True,
        help_text=_(
            "If a party ended the agreement before its term: the first day it is no "
            "longer in force."
        ),
    )
    published = models.BooleanField(
        _("shown on the site"),
        default=False,
        help_text=_(
            "Readers see a signed agreement only when this is ticked: the title, the "
            "parties, the dates, the summary, places and subject area. Never the notes, the "
            "reference, the signed copy or the responsible person."
        ),
    )
    summary = models.TextField(
        _("public summary"),
        blank=True,
        help_text=_("What the agreement is about, for readers, in plain text."),
    )
    places_per_year = models.PositiveSmallIntegerField(
        _("places per year"),
        null=True,
        blank=True,
        help_text=_("Exchange places each academic year in each direction, if it sets them."),
    )
    subject_area = models.CharField(
        _("subject area (ISCED-F code)"),
        max_length=4,
        blank=True,
        validators=[validate_isced_f],
        help_text=_(
            "The ISCED-F 2013 field of education, as Erasmus+ agreements name it: 07 for a "
            "broad field (engineering), 0715 for a detailed one (mechanics)."
        ),
    )
    signing_event = optional_link(
        Event,
        _("signed at"),
        related_name="agreements",
        help_text=_("The visit, summit or meeting where it was signed, if there was one."),
    )
    # The office's own: never shown to readers.
    reference = models.CharField(
        _("reference number"),
        max_length=100,
        blank=True,
        help_text=_("The agreement's number or code in the office's register."),
    )
    responsible = optional_link(
        settings.AUTH_USER_MODEL,
        _("responsible staff member"),
        related_name="responsible_for_agreements",
        limit_choices_to={"is_staff": True},
        help_text=_(
            "Gets an e-mail 180, 90 and 30 days before the agreement ends: their account "
            "needs an e-mail address."
        ),
    )
    notes = models.TextField(_("private notes"), blank=True)
    signed_copy = models.FileField(
        _("signed copy"),
        storage=private_storage,
        upload_to=random_name,
        blank=True,
        max_length=200,
        validators=[
            FileExtensionValidator(list(DOCUMENT_EXTENSIONS)),
            validate_document_size,
        ],
        help_text=_(
            "A scan of the signed agreement (PDF, JPEG or PNG). It is kept apart from the "
            "site's files: only staff allowed to can download it, from this form."
        ),
    )
    # Full-text search on PostgreSQL (intloffice.core.search): public fields only.
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)
    search_fields = (Indexed("title", "A"), Indexed("summary", "B"))

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = [F("signed_on").desc(nulls_last=True), "-pk"]
        permissions = [
            ("publish_agreement", _("Can show agreements on the site, and hide them")),
            ("view_signed_copy", _("Can download the signed copies of agreements")),
        ]
        indexes = [
            # A plain (unused) index on SQLite, which ignores USING gin.
            GinIndex(fields=["search_vector"], name="agreement_search_idx"),
            models.Index(fields=["valid_until"], name="agreement_valid_until_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="agreement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | Q(signed_on__isnull=False),
                name="agreement_terminated_after_signing",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agreements:agreement_detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _(
                "“%(slug)s” is the address of the agreements' feed: choose another."
            ) % {"slug": self.slug}
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The agreement cannot end before it starts.")
        if self.terminated_on and not self.signed_on:
            errors["terminated_on"] = _("Only a signed agreement can be ended early.")
        elif self.terminated_on and self.valid_until and self.terminated_on > self.valid_until:
            errors["terminated_on"] = _(
                "It ends after its last day anyway: leave this empty, or correct the dates."
            )
        if self.published and not self.signed_on:
            errors["published"] = _("Only a signed agreement can be shown on the site.")
        if self.responsible_id and not self.responsible.email:
            errors["responsible"] = _(
                "%(person)s has no e-mail address: reminders could not reach them."
            ) % {"person": self.responsible}
        if errors:
            raise ValidationError(errors)

    @property
    def starts_on(self) -> dt.date | None:
        """Its first day in force: its start, or else the day it was signed."""
        return self.valid_from or self.signed_on

    def status(self, today=None) -> Status:
        """The same rules as AgreementQuerySet's, in the same order."""
        today = today_or(today)
        if self.signed_on is None:
            return Status.DRAFT
        if self.terminated_on and self.terminated_on <= today:
            return Status.TERMINATED
        if self.valid_until and self.valid_until < today:
            return Status.EXPIRED
        if self.starts_on > today:
            return Status.PENDING
        return Status.ACTIVE

    def partner_links(self) -> list["AgreementParty"]:
        """Its parties other than the university and its offices (from its prefetched
        ``party_links``, with each organisation's parent)."""
        return [link for link in self.party_links.all() if not link.is_ours()]

    def parties_in_order(self) -> list["AgreementParty"]:
        """Its partners, then the university and its offices (from the prefetched rows)."""
        links = list(self.party_links.all())
        return [link for link in links if not link.is_ours()] + [
            link for link in links if link.is_ours()
        ]

    def is_public(self) -> bool:
        return self.published and self.signed_on is not None

    def expires_within(self, days: int, today=None) -> bool:
        today = today_or(today)
        return (
            self.status(today) == Status.ACTIVE
            and self.valid_until is not None
            and self.terminated_on is None
            and self.valid_until <= today + dt.timedelta(days=days)
        )

    def days_left(self, today=None) -> int | None:
        """Days from ``today`` to its last day (0 on the last day), if it has one."""
        if self.valid_until is None:
            return None
        return (self.valid_until - today_or(today)).days

    def academic_years(self) -> str:
        """The academic years its term covers, "2024/25–2028/29", derived from the dates
        (an open-ended agreement: "from 2024/25")."""
        if self.starts_on is None:
            return ""
        first = academic_year(self.starts_on)
        if self.valid_until is None:
            return _("from %(year)s") % {"year": academic_year_label(first)}
        last = academic_year(self.valid_until)
        # Ending on the last day of August, the term does not reach into the next year;
        # a term shorter than a year still names the year it is in.
        if last <= first:
            return academic_year_label(first)
        return f"{academic_year_label(first)}–{academic_year_label(last)}"

    def subject_area_name(self) -> str:
        return broad_field(self.subject_area)


class AgreementParty(TimeStamped, Versioned):
    """An organisation that is party to an agreement, and the unit signing for it (EWP: the
    partner's organisational unit)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="party_links"
    )
    # An organisation named in an agreement stays: delete the agreement first.
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="agreement_parties",
    )
    unit = models.CharField(
        _("faculty or unit"),
        max_length=255,
        blank=True,
        help_text=_("If a faculty, institute or department signs for the organisation."),
    )

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["organization__slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organization"], name="unique_agreement_party"
            ),
        ]

    def __str__(self):
        return f"{self.organization} · {self.agreement}"

    def is_ours(self) -> bool:
        """The host university or one of its offices (as OrganizationQuerySet.ours())."""
        organization = self.organization
        return organization.is_host() or (
            organization.parent is not None and organization.parent.is_host()
        )


class Reminder(models.Model):
    """One e-mail sent to an agreement's responsible person before its end (see
    agreements.reminders). Kept per end date: an agreement extended gets new reminders."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="reminders"
    )
    days = models.PositiveSmallIntegerField(_("days before the end"))
    ends_on = models.DateField(_("end date it was about"))
    sent_to = models.EmailField(_("sent to"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "days", "ends_on"], name="unique_agreement_reminder"
            ),
        ]

    def __str__(self):
        return f"{self.agreement_id}: {self.days} days before {self.ends_on}"
