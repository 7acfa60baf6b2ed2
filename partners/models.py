"""The partners' world: organisations (with their other names and their identifiers in
registries), memberships over time, people, events and who took part in them.

Longer than most modules: these models refer to each other and are read side by side.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modeltranslation.utils import build_localized_fieldname

from intloffice.core import language_rules
from intloffice.core.identifiers import IdentifierField, wikidata_url
from intloffice.core.images import ProcessedImageField
from intloffice.core.models import TimeStamped, Versioned, optional_link
from intloffice.core.search import Indexed
from intloffice.core.time_zones import validate_time_zone, zone_or_default


class Entity(TimeStamped, Versioned):
    """An organisation, person or event: a page of its own at its slug, the other names
    articles mention it by, and the search vector its ``search_fields`` fill."""

    # The detail page's URL name; its one argument is the slug.
    url_name: str
    # Every kind is found by its name and its aliases; each adds its own fields.
    search_fields = (Indexed("name", "A"), Indexed("aliases", "B", translated=False))

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_(
            "Other names this is mentioned by, in any language, one per line "
            "(for example ATURC, АТУРК, ASRTU). Articles that contain one of them are linked "
            "to it."
        ),
    )
    # Full-text search on PostgreSQL, kept current by intloffice.core.search; unused on SQLite.
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)

    class Meta:
        abstract = True
        # A plain (unused) index on SQLite, which ignores USING gin.
        indexes = [GinIndex(fields=["search_vector"], name="%(class)s_search_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(self.url_name, kwargs={"slug": self.slug})


class OrganizationQuerySet(models.QuerySet):
    """The host university (settings.SITE_HOST_ORGANIZATION) and its own offices are "us":
    the site shows them apart from the partners."""

    def ours(self):
        host = settings.SITE_HOST_ORGANIZATION
        return self.filter(Q(slug=host) | Q(parent__slug=host))

    def partners(self):
        host = settings.SITE_HOST_ORGANIZATION
        return self.exclude(slug=host).exclude(parent__slug=host)

    def institutions(self):
        """Those Erasmus Without Paper names (its ``hei_id``): the host and the partners
        that have a SCHAC code. The host's own offices are its units, never institutions."""
        host = settings.SITE_HOST_ORGANIZATION
        return (
            self.filter(schac_code__isnull=False).exclude(schac_code="").exclude(parent__slug=host)
        )

    def refresh_aliases(self) -> None:
        """Write each organisation's other names (``names``) into its ``aliases`` column,
        one per line, as people and events keep theirs: search indexes that column and
        mention linking reads it. Saved, so that the search vector and pages follow."""
        names = defaultdict(list)
        rows = (
            OrganizationName.objects.filter(organization__in=self.values("pk"))
            .order_by("organization_id", "kind", "language", "value")
            .values_list("organization_id", "value")
        )
        for pk, value in rows:
            if value not in names[pk]:
                names[pk].append(value)
        for organization in self.only("pk", "aliases"):
            text = "\n".join(names[organization.pk])
            if organization.aliases != text:
                organization.aliases = text
                organization.save(update_fields=["aliases"])


# Pages at /partners/<name>/ that are not an organisation's (the map, the agreements list):
# an organisation with such a slug would never be reached.
PAGES_UNDER_PARTNERS = frozenset({"map", "agreements"})


class Organization(Entity):
    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("association")
        UNIVERSITY = "university", _("university")
        OFFICE = "office", _("office")
        FOUNDATION = "foundation", _("foundation")
        GOVERNMENT = "government", _("government body")
        COMPANY = "company", _("company")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    # Written from the names below (OrganizationQuerySet.refresh_aliases), not typed: staff
    # edit an organisation's other names one by one, with their language and kind.
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        editable=False,
        help_text=_("Every other name of the organisation, one per line, from its names."),
    )
    country = CountryField(_("country"), blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = ProcessedImageField(_("logo"), upload_to="logos/", blank=True)
    description = models.TextField(_("description"), blank=True)
    member_count = models.PositiveIntegerField(
        _("member count"),
        null=True,
        blank=True,
        help_text=_("As the organisation declares it (ATURC: 68), not counted from this site."),
    )
    parent = optional_link(
        "self",
        _("belongs to"),
        related_name="children",
        help_text=_("For example, a representative office belongs to its university."),
    )
    # Identifiers in the registries partners are known by (intloffice.core.identifiers).
    ror_id = IdentifierField(
        _("ROR ID"),
        scheme="ror",
        unique=True,
        help_text=_(
            "From the Research Organization Registry: search the name at ror.org and paste "
            "the address of the organisation's page, such as https://ror.org/02x91aj62."
        ),
    )
    schac_code = IdentifierField(
        _("SCHAC code"),
        scheme="schac",
        unique=True,
        help_text=_(
            "How Erasmus Without Paper names the institution: its internet domain, such as "
            "spbstu.ru. The partner's international office can confirm it."
        ),
    )
    erasmus_code = IdentifierField(
        _("Erasmus code"),
        scheme="erasmus",
        help_text=_(
            "Of an institution with an Erasmus Charter: country letters, city and number, "
            "such as “F  PARIS001”. Type the spaces as you like; the standard spacing is "
            "restored on saving."
        ),
    )
    pic = IdentifierField(
        _("PIC"),
        scheme="pic",
        unique=True,
        help_text=_(
            "Participant Identification Code: the nine digits the EU Funding & Tenders "
            "Portal gives an organisation."
        ),
    )
    wikidata_id = IdentifierField(
        _("Wikidata ID"),
        scheme="wikidata",
        unique=True,
        help_text=_(
            "The Q number of the organisation's Wikidata page, such as Q981237; the page's "
            "address may be pasted."
        ),
    )

    objects = OrganizationQuerySet.as_manager()

    # Translations whose state is kept (intloffice.core.provenance): what readers read as
    # its name (ATURC is АТУРК) and its description; a city's name is a place's, shown as
    # written when untranslated.
    translation_tracked = ("name", "short_name", "description")

    url_name = "partners:organization_detail"
    search_fields = (
        Indexed("name", "A"),
        Indexed("short_name", "B"),
        Indexed("aliases", "B", translated=False),
        Indexed("city", "C"),
        Indexed("description", "C"),
    )

    class Meta(Entity.Meta):
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["slug"]

    def __str__(self):
        return self.short_name or self.name

    def clean(self):
        super().clean()
        if self.slug in PAGES_UNDER_PARTNERS:
            raise ValidationError(
                {
                    "slug": _(
                        "“%(slug)s” is the address of a page of the site (/partners/%(slug)s/): "
                        "choose another slug."
                    )
                    % {"slug": self.slug}
                }
            )

    def is_host(self) -> bool:
        """Whether this is the university the office belongs to: "us", not a partner."""
        return self.slug == settings.SITE_HOST_ORGANIZATION

    def same_as(self) -> list[str]:
        """The addresses of this organisation's own records elsewhere: ROR, Wikidata and
        its website (schema.org ``sameAs``)."""
        urls = [self.ror_id, self.wikidata_id and wikidata_url(self.wikidata_id), self.website]
        return [url for url in urls if url]

    def identifiers(self) -> list[tuple[str, str]]:
        """(registry, identifier) pairs of the identifiers it has, for pages and JSON-LD."""
        pairs = [
            ("ROR", self.ror_id),
            ("SCHAC", self.schac_code),
            ("Erasmus", self.erasmus_code),
            ("PIC", self.pic),
            ("Wikidata", self.wikidata_id),
        ]
        return [(registry, value) for registry, value in pairs if value]


class OrganizationName(TimeStamped, Versioned):
    """Another name an organisation is written as, in one language or any: a label (a full
    name, such as a translation), an acronym (ATURC, АТУРК) or an alias (an informal or
    former name). Every one is searched and links the articles that mention it."""

    class Kind(models.TextChoices):
        LABEL = "label", _("full name")
        ACRONYM = "acronym", _("acronym")
        ALIAS = "alias", _("alias")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="names",
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=[("", _("any language")), *settings.LANGUAGES],
        blank=True,
        help_text=_("“Any language” for a name written so in every language (ASRTU)."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ALIAS)
    value = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("other name")
        verbose_name_plural = _("other names")
        ordering = ["kind", "language", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "language", "value"], name="unique_organization_name"
            ),
        ]

    def __str__(self):
        return self.value

    def clean(self):
        self.value = " ".join(self.value.split())


class MembershipQuerySet(models.QuerySet):
    def current(self, today=None):
        """Memberships not ended (Membership.is_current for many)."""
        return self.filter(Q(until__isnull=True) | Q(until__gte=today or timezone.localdate()))


class Membership(TimeStamped, Versioned):
    member = models.ForeignKey(
        Organization,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    association = models.ForeignKey(
        Organization,
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="member_links",
        limit_choices_to={"kind": Organization.Kind.ASSOCIATION},
    )
    since = models.DateField(_("member since"), null=True, blank=True)
    until = models.DateField(
        _("member until"),
        null=True,
        blank=True,
        help_text=_("Left blank while the organisation is a member."),
    )
    role = models.CharField(_("role"), max_length=120, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["member", "association"], name="unique_membership"),
            models.CheckConstraint(
                condition=~Q(member=models.F("association")), name="membership_not_self"
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True)
                | Q(since__isnull=True)
                | Q(until__gte=models.F("since")),
                name="membership_ends_after_it_began",
            ),
        ]

    def __str__(self):
        return f"{self.member} → {self.association}"

    def clean(self):
        if self.since and self.until and self.until < self.since:
            raise ValidationError(
                {"until": _("A membership cannot end before it began: check both dates.")}
            )

    def is_current(self, today=None) -> bool:
        """Not ended: no end date, or one still to come (a member until 31 December is
        a member on that day)."""
        return self.until is None or self.until >= (today or timezone.localdate())


class Person(Entity):
    honorific = models.CharField(
        _("honorific"), max_length=60, blank=True, help_text=_('For example "Professor".')
    )
    name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=255, blank=True)
    organization = optional_link(
        Organization,
        _("organisation"),
        related_name="people",
    )
    photo = ProcessedImageField(_("photo"), upload_to="people/", blank=True)
    photo_alt = models.CharField(_("photo description (alt text)"), max_length=255, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    public_contact = models.CharField(
        _("public contact"),
        max_length=255,
        blank=True,
        help_text=_("An e-mail address or telephone number the person agreed to publish."),
    )

    url_name = "partners:person_detail"
    # Translations whose state is kept (intloffice.core.provenance); an honorific is a word
    # of a list, not a text to translate.
    translation_tracked = ("name", "position", "bio", "photo_alt")
    search_fields = (
        *Entity.search_fields,
        Indexed("position", "B"),
        Indexed("bio", "C"),
    )

    class Meta(Entity.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["slug"]


class EventQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        """Events not yet over, soonest first."""
        now = now or timezone.now()
        return self.filter(Q(end__gte=now) | Q(end__isnull=True, start__gte=now)).order_by("start")

    def past(self, now=None):
        """Events that are over, latest first."""
        now = now or timezone.now()
        return self.filter(Q(end__lt=now) | Q(end__isnull=True, start__lt=now)).order_by("-start")

    def involving(self, organization):
        """Events the organisation organised, hosted or visited, or took part in through
        someone who represented it on the day (EXISTS: each event once, however many links)."""

        def linked(links):
            return Exists(links.filter(event_id=OuterRef("pk"), organization_id=organization.pk))

        return self.filter(
            linked(Event.organizers.through.objects)
            | linked(Event.visiting_organizations.through.objects)
            | linked(Event.host_organizations.through.objects)
            | linked(Participation.objects)
        )


class Event(Entity):
    class Kind(models.TextChoices):
        SUMMIT = "summit", _("summit")
        FORUM = "forum", _("forum")
        WORKING_MEETING = "working-meeting", _("working meeting")
        CONFERENCE = "conference", _("conference")
        VISIT = "visit", _("visit")
        SCHOOL = "school", _("school")
        OTHER = "other", _("other")

    class Format(models.TextChoices):
        OFFLINE = "offline", _("in person")
        ONLINE = "online", _("online")
        HYBRID = "hybrid", _("online and in person")

    class Direction(models.TextChoices):
        INCOMING = "incoming", _("incoming")
        OUTGOING = "outgoing", _("outgoing")

    class Status(models.TextChoices):
        # A moved event stays "scheduled": that it moved is the start it had before
        # (previous_start), recorded when the start changes.
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    organizers = models.ManyToManyField(
        Organization, verbose_name=_("organisers"), blank=True, related_name="organized_events"
    )
    parent = optional_link(
        "self",
        _("held within"),
        related_name="sessions",
        help_text=_("For example, a forum held within a summit."),
    )
    start = models.DateTimeField(_("starts"), db_index=True)
    end = models.DateTimeField(_("ends"), null=True, blank=True, db_index=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Moscow",
        validators=[validate_time_zone],
        help_text=_("Where the event takes place, for example Asia/Shanghai."),
    )
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.OFFLINE
    )
    online_url = models.URLField(
        _("online address"),
        blank=True,
        help_text=_(
            "For an online or hybrid event: where it is joined or streamed (a video call or a "
            "broadcast). Shown on its page and given to calendars; leave empty until it is "
            "known, or if only registered participants receive it."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.SCHEDULED,
        help_text=_(
            "A cancelled event stays on the site, marked as cancelled, and subscribed "
            "calendars show it as cancelled. To move an event, change its times: the site "
            "and calendars say it was rescheduled."
        ),
    )
    # Calendar apps replace their copy of an event only when its SEQUENCE rises (RFC 5545):
    # raised on every save that changes its time, place or status (see save()).
    sequence = models.PositiveIntegerField(
        _("revision of time and place"), default=0, editable=False
    )
    previous_start = models.DateTimeField(
        _("previous start"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the event was to start before it was last moved."),
    )
    theme = models.CharField(_("theme"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    participants = models.ManyToManyField(
        Person, through="Participation", verbose_name=_("participants"), related_name="events"
    )
    # A visit: a delegation's direction, who came to whom, why, and what came of it.
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=Direction.choices,
        blank=True,
        db_index=True,
        help_text=_(
            "Incoming: a delegation visits our university. Outgoing: our delegation visits "
            "a partner."
        ),
    )
    visiting_organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("visiting organisations"),
        blank=True,
        related_name="visits_made",
        help_text=_("The organisations the delegation comes from."),
    )
    host_organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("host organisations"),
        blank=True,
        related_name="visits_hosted",
        help_text=_("The organisations that receive the delegation."),
    )
    purpose = models.TextField(
        _("purpose"),
        blank=True,
        help_text=_("Why the visit (or meeting) takes place: shown on the event's page."),
    )
    outcomes = models.TextField(
        _("outcomes"),
        blank=True,
        help_text=_(
            "What was agreed or achieved. An agreement signed during the visit names this "
            "event as its signing event and is listed with the outcomes by itself."
        ),
    )
    follow_up = models.TextField(
        _("follow-up"), blank=True, help_text=_("What happens next, and who does it.")
    )

    objects = EventQuerySet.as_manager()

    # Translations whose state is kept (intloffice.core.provenance): the prose; the venue and
    # city are places' names, shown as written when untranslated.
    translation_tracked = ("name", "theme", "description", "purpose", "outcomes", "follow_up")

    url_name = "partners:event_detail"
    search_fields = (
        *Entity.search_fields,
        Indexed("theme", "B"),
        Indexed("venue", "C"),
        Indexed("city", "C"),
        Indexed("description", "C"),
        # A visit is found by what it was for and what came of it, as its page shows them.
        Indexed("purpose", "C"),
        Indexed("outcomes", "C"),
        Indexed("follow_up", "C"),
    )

    class Meta(Entity.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="event_ends_after_start",
            ),
        ]

    @property
    def zone(self):
        """The time zone the event's times are shown in: its own, or the site's when the
        name is not one (a mistyped zone must not take a page or the calendar down)."""
        return zone_or_default(self.timezone)

    def is_visit(self) -> bool:
        return self.kind == self.Kind.VISIT

    def kind_label(self) -> str:
        """The kind as readers see it: "incoming visit" for a visit with its direction."""
        if self.is_visit() and self.direction:
            return VISIT_LABELS[self.direction]
        return self.get_kind_display()

    def clean(self):
        super().clean()
        problems = direction_problems(self.kind, self.direction)
        if self.online_url and self.format == self.Format.OFFLINE:
            problems["online_url"] = _(
                "An event held only in person has no online address: choose the format "
                "“online” or “online and in person”, or leave the address empty."
            )
        if problems:
            raise ValidationError(problems)

    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def is_rescheduled(self) -> bool:
        """Moved since it was announced (and still taking place)."""
        return self.previous_start is not None and not self.is_cancelled()

    def is_online(self) -> bool:
        """Joined or watched online (online or hybrid)."""
        return self.format in {self.Format.ONLINE, self.Format.HYBRID}

    # What subscribers' calendars must be told again: the event's time, place and status.
    # Every language's venue and city, since each language has its calendar.
    SCHEDULE_FIELDS = (
        "start",
        "end",
        "timezone",
        *(
            build_localized_fieldname(name, code)
            for name in ("venue", "city")
            for code, _name in settings.LANGUAGES
        ),
        "country",
        "format",
        "online_url",
        "status",
    )

    @classmethod
    def from_db(cls, db, field_names, values):
        event = super().from_db(db, field_names, values)
        # As read, unprepared: every event read passes here (a calendar reads hundreds),
        # and only a save compares them.
        event._schedule_loaded = dict(zip(field_names, values, strict=True))
        return event

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using, fields, from_queryset)
        loaded = getattr(self, "_schedule_loaded", {})
        self._schedule_loaded = {**loaded, **self._schedule_held(fields)}

    def _schedule_held(self, fields=None) -> dict:
        """The time, place and status as this object holds them: of the fields loaded (a
        deferred field is not read, which would cost a query), or of ``fields``."""
        deferred = self.get_deferred_fields()
        return {
            name: getattr(self, name)
            for name in self.SCHEDULE_FIELDS
            if name not in deferred and (fields is None or name in fields)
        }

    def _schedule_stored(self, values: dict) -> dict:
        """The time, place and status among ``values`` as the database stores them."""
        return {
            name: self._meta.get_field(name).get_prep_value(values[name])
            for name in self.SCHEDULE_FIELDS
            if name in values
        }

    def save(self, *args, **kwargs):
        """Raises ``sequence`` when the time, place or status changed since the event was
        read from the database, and keeps the start it had when the start moved: whoever
        saves (a form, an import, a script). Compared with the values read, without a
        query; an event not read from the database (made in code with its primary key)
        has nothing to compare with. Bulk updates bypass this, as they bypass save()."""
        update_fields = kwargs.get("update_fields")
        loaded = getattr(self, "_schedule_loaded", None)
        if loaded and not self._state.adding:
            before = self._schedule_stored(loaded)
            now = self._schedule_stored(self._schedule_held(update_fields))
            changed = {
                name for name, value in now.items() if name in before and before[name] != value
            }
            if changed:
                self.sequence += 1
                if "start" in changed:
                    self.previous_start = loaded["start"]
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "sequence", "previous_start"}
        super().save(*args, **kwargs)
        self._schedule_loaded = {**(loaded or {}), **self._schedule_held(update_fields)}

    def delegation(self) -> tuple[list, list]:
        """The participations of the visiting delegation (people who came on behalf of a
        visiting organisation or one of its offices on the day), and the others (hosts,
        guests); all are others when the event is not a visit. Reads what is prefetched:
        ``participations`` with their organisations, and ``visiting_organizations``."""
        participations = list(self.participations.all())
        if not self.is_visit():
            return [], participations
        visiting = {organization.pk for organization in self.visiting_organizations.all()}

        def came(participation):
            organization = participation.organization
            return organization is not None and {organization.pk, organization.parent_id} & visiting

        members = [p for p in participations if came(p)]
        return members, [p for p in participations if not came(p)]


VISIT_LABELS = {
    Event.Direction.INCOMING: _("incoming visit"),
    Event.Direction.OUTGOING: _("outgoing visit"),
}
# Our own university hosts an incoming delegation and sends an outgoing one.
WRONG_WAY = {
    Event.Direction.INCOMING: _(
        "An incoming delegation visits us: our university is not among the visiting "
        "organisations. Is the visit outgoing?"
    ),
    Event.Direction.OUTGOING: _(
        "An outgoing delegation is ours, visiting a partner: our university does not host "
        "it. Is the visit incoming?"
    ),
}


def direction_problems(kind, direction) -> dict[str, str]:
    """What is wrong with an event's direction, by field, in words for an editor."""
    is_visit = kind == Event.Kind.VISIT
    if is_visit and not direction:
        return {
            "direction": _(
                "A visit needs a direction: incoming (a delegation visits us) or outgoing (our "
                "delegation visits a partner)."
            )
        }
    if not is_visit and direction:
        return {
            "direction": _(
                "Only a visit has a direction: choose the kind “visit”, or leave the direction "
                "empty."
            )
        }
    return {}


def party_problems(kind, direction, visiting, hosts) -> dict[str, str]:
    """What is wrong with an event's visiting and host organisations, by field, in words
    for an editor. They are many-to-many: a form checks them (``visiting`` and ``hosts`` are
    its choices) before they are saved, where a model's ``clean()`` cannot see them."""
    visiting, hosts = list(visiting), list(hosts)
    if kind != Event.Kind.VISIT:
        if not visiting and not hosts:
            return {}
        return {
            "visiting_organizations": _(
                "Only a visit has visiting and host organisations: choose the kind “visit”, "
                "or remove them."
            )
        }
    problems = {}
    if not visiting and not hosts:
        problems["visiting_organizations"] = _(
            "A visit needs at least one visiting or host organisation."
        )
    if both := [organization for organization in visiting if organization in hosts]:
        problems["host_organizations"] = _(
            "An organisation cannot both visit and host: remove %(names)s from one of the lists."
        ) % {"names": language_rules.joined_list(both)}
    ours = {
        Event.Direction.INCOMING: ("visiting_organizations", visiting),
        Event.Direction.OUTGOING: ("host_organizations", hosts),
    }
    if direction in ours:
        field, organizations = ours[direction]
        pks = [organization.pk for organization in organizations]
        if Organization.objects.ours().filter(pk__in=pks).exists():
            problems.setdefault(field, WRONG_WAY[direction])
    return problems


class Participation(TimeStamped, Versioned):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="participations"
    )
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField(
        _("role"),
        max_length=255,
        blank=True,
        help_text=_('For example "delegate", "speaker", "presented the university\'s proposals".'),
    )
    # Who the person was on the day, kept when they later change position or organisation.
    position = models.CharField(
        _("position on the day"),
        max_length=255,
        blank=True,
        help_text=_("Left empty, the person's present position is filled in when this is added."),
    )
    organization = optional_link(
        Organization,
        _("organisation on the day"),
        related_name="participations",
        help_text=_(
            "Whom the person represented. Left empty, the person's present organisation is "
            "filled in when this is added."
        ),
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["person", "event"], name="unique_participation"),
        ]

    def __str__(self):
        return f"{self.person} @ {self.event}"

    def remember_the_day(self) -> None:
        """Fill an empty position (in every language) and organisation from the person's
        present ones: what they were when the participation is recorded."""
        person = self.person
        columns = [build_localized_fieldname("position", code) for code, _n in settings.LANGUAGES]
        if not any(getattr(self, column) for column in columns):
            for column in columns:
                setattr(self, column, getattr(person, column))
        if self.organization_id is None:
            self.organization_id = person.organization_id
