"""A staff member's own calendar of agreements' last days, for their calendar app.

Calendar apps cannot sign in, so the address itself is the key: a token signed with the
site's secret (django.core.signing, with a salt of its own) over the user's primary key,
keyed also by their stored password hash. Changing the password (or an administrator
setting a new one) ends every address given before, as it ends Django's password-reset
links. Each request checks again that the user is active staff who may view agreements:
taking the permission away, or deactivating the account, closes the calendar at once.

The token travels in the query string, which Django's request logs and error lines leave
out (they log the path), so a refused address is logged without it.
"""

import datetime as dt

import icalendar
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from .models import Agreement, Status

TOKEN_SALT = "intloffice.agreements.expiries-calendar"
PRODID = "-//intloffice//International Office agreements//EN"
PERMISSION = "agreements.view_agreement"
# An ended-early agreement's last day will not come; a draft's may not.
ICAL_STATUS = {Status.TERMINATED: "CANCELLED", Status.DRAFT: "TENTATIVE"}


def signer(user) -> signing.Signer:
    # The stored hash, not the password: a new password (even the same one, with a new
    # salt) gives a new key.
    return signing.Signer(salt=f"{TOKEN_SALT}:{user.password}")


def token_for(user) -> str:
    return signer(user).sign(str(user.pk))


def may_subscribe(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm(PERMISSION)


def subscriber(token: str):
    """The user whose calendar the token opens, or None: a token that is not theirs, of
    an old password, or of a user who may no longer read agreements."""
    pk, _separator, _signature = token.partition(":")
    if not pk.isdigit() or len(pk) > 18:
        return None
    user = get_user_model().objects.filter(pk=int(pk)).first()
    if user is None:
        return None
    try:
        signer(user).unsign(token)
    except signing.BadSignature:
        return None
    return user if may_subscribe(user) else None


def expiry_event(agreement: Agreement, request, today: dt.date) -> icalendar.Event:
    """An all-day event on the agreement's last day."""
    status = agreement.status(today)
    admin_url = request.build_absolute_uri(
        reverse("admin:agreements_agreement_change", args=[agreement.pk])
    )
    partners = ", ".join(link.organization.name for link in agreement.partner_links())
    details = [
        gettext("Status: %(status)s") % {"status": status.label},
        gettext("Partners: %(names)s") % {"names": partners} if partners else "",
        gettext("Reference: %(reference)s") % {"reference": agreement.reference}
        if agreement.reference
        else "",
        admin_url,
    ]
    return icalendar.Event.new(
        # Keyed on the primary key: the same event however the agreement is renamed.
        uid=f"agreement-{agreement.pk}-last-day@{request.get_host()}",
        # Raised by every save from the admin's form: apps replace their copy.
        sequence=agreement.version,
        stamp=agreement.updated_at,
        created=agreement.created_at,
        last_modified=agreement.updated_at,
        start=agreement.valid_until,
        end=agreement.valid_until + dt.timedelta(days=1),
        summary=gettext("Last day of the agreement: %(title)s") % {"title": agreement.title},
        description="\n".join(filter(None, details)),
        status=ICAL_STATUS.get(status, "CONFIRMED"),
        # A reminder in the diary, not a busy day.
        transparency="TRANSPARENT",
        url=admin_url,
    )


def expiries_calendar(request) -> icalendar.Calendar:
    """Every agreement with a last day, public or not, whatever its status."""
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        name=f"{settings.SITE_NAME} — {gettext('Agreements ending')}",
        uid=f"agreements-ending@{request.get_host()}",
    )
    today = timezone.localdate()
    agreements = (
        Agreement.objects.filter(valid_until__isnull=False)
        .with_parties()
        .defer("search_vector", "notes")
        .order_by("valid_until", "pk")
    )
    for agreement in agreements:
        calendar.add_component(expiry_event(agreement, request, today))
    return calendar
