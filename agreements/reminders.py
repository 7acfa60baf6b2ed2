"""Reminders before an agreement ends, to the staff member responsible for it.

``send_reminders(today)`` tells each responsible person once per threshold: 180, 90 and 30
days before an agreement's last day. Safe to run every day, or twice: each reminder is
recorded (``Reminder``) before its mail leaves, under a unique key of agreement, threshold
and end date, so a second run (or one running at the same time) finds it and sends
nothing. A run that starts late sends only the nearest threshold (an agreement 20 days
from its end gets the 30-day reminder, not three). An agreement extended or renewed to a
new end date gets its reminders again, for the new date. A mail that cannot be sent is
not recorded: the next run tries again.

Mails are written in the recipient's language if it can be told; no user's language is
stored (as news.notifications says), so they are in the site's default language.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Agreement, AgreementParty, Reminder, today_or

logger = logging.getLogger(__name__)

# Days before the last day, nearest last.
THRESHOLDS = (180, 90, 30)


@dataclass
class ReminderReport:
    sent: list[tuple[Agreement, int, str]] = field(default_factory=list)  # agreement, days, to
    # Due, but nobody to tell: no responsible person, or one without an address.
    unassigned: list[Agreement] = field(default_factory=list)
    failed: list[tuple[Agreement, str]] = field(default_factory=list)  # agreement, error


def threshold_for(days_left: int) -> int | None:
    """The nearest threshold an agreement with ``days_left`` has reached, if any."""
    reached = [days for days in THRESHOLDS if days_left <= days]
    return min(reached) if reached else None


def due(today: dt.date | None = None) -> list[tuple[Agreement, int]]:
    """The agreements whose responsible person should hear of them now, with the
    threshold: in force, ending within the largest threshold, and not yet reminded at
    this threshold or a nearer one for this end date."""
    today = today_or(today)
    agreements = (
        Agreement.objects.expiring_within(max(THRESHOLDS), today)
        .select_related("responsible")
        .prefetch_related(
            "reminders",
            Prefetch(
                "party_links",
                queryset=AgreementParty.objects.select_related("organization__parent"),
            ),
        )
        .order_by("valid_until", "pk")
    )
    found = []
    for agreement in agreements:
        days = threshold_for(agreement.days_left(today))
        reminded = {
            reminder.days
            for reminder in agreement.reminders.all()
            if reminder.ends_on == agreement.valid_until
        }
        if not any(earlier <= days for earlier in reminded):
            found.append((agreement, days))
    return found


def language_of(user) -> str:
    """The language to write to ``user`` in: the site's, as no one's own is stored."""
    return settings.LANGUAGE_CODE


def admin_link(agreement: Agreement, site_url: str) -> str:
    return site_url + reverse("admin:agreements_agreement_change", args=[agreement.pk])


def compose(agreement: Agreement, today: dt.date, site_url: str) -> tuple[str, str]:
    """The subject and text of the reminder about ``agreement``, in the active language."""
    days_left = agreement.days_left(today)
    last_day = formats.date_format(agreement.valid_until)
    when = ngettext("in %(days)d day, on %(date)s", "in %(days)d days, on %(date)s", days_left) % {
        "days": days_left,
        "date": last_day,
    }
    subject = f"[{settings.SITE_NAME}] " + _("Agreement ends %(when)s: %(title)s") % {
        "when": when,
        "title": agreement.title,
    }
    partners = [
        f"{link.organization.name} ({link.organization.country.name})"
        if link.organization.country
        else link.organization.name
        for link in agreement.partner_links()
    ]
    lines = [
        agreement.title,
        "",
        _("Kind: %(kind)s") % {"kind": agreement.get_kind_display()},
        _("Partners: %(partners)s") % {"partners": ", ".join(partners) or "-"},
        _("Last day in force: %(date)s") % {"date": last_day},
        "",
        _(
            "You are responsible for this agreement. If it is to go on, start its renewal "
            "now; if not, nothing needs doing."
        ),
        "",
        _("Open the agreement in the admin:"),
        admin_link(agreement, site_url),
    ]
    return subject, "\n".join(lines) + "\n"


def send_reminders(today: dt.date | None = None, site_url: str | None = None) -> ReminderReport:
    """Send the reminders that are due (see the module's docstring) and say what was done."""
    today = today_or(today)
    site_url = (settings.SITE_URL if site_url is None else site_url).rstrip("/")
    report = ReminderReport()
    for agreement, days in due(today):
        person = agreement.responsible
        if person is None or not person.is_active or not person.email:
            report.unassigned.append(agreement)
            continue
        try:
            # Claimed first: a run at the same time finds the row and sends nothing.
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    agreement=agreement,
                    days=days,
                    ends_on=agreement.valid_until,
                    sent_to=person.email,
                )
        except IntegrityError:
            continue
        with translation.override(language_of(person)):
            subject, text = compose(agreement, today, site_url)
        try:
            EmailMessage(subject, text, None, [person.email]).send(fail_silently=False)
        except Exception as error:  # noqa: BLE001 - any mail failure: record, try again tomorrow
            reminder.delete()
            logger.warning("could not send the reminder of agreement %s: %s", agreement.pk, error)
            report.failed.append((agreement, f"{type(error).__name__}: {error}".splitlines()[0]))
            continue
        report.sent.append((agreement, days, person.email))
    return report
