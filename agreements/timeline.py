"""The agreements of a partner's timeline (partners.timeline): those shown on the site,
dated by their signing, each shown under the event it was signed at."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intloffice.core.translated import localized_fields
from partners import timeline
from partners.models import Event

from .models import Agreement


def agreements(organization, limit: int) -> list[timeline.Entry]:
    """The latest public agreements the organisation is party to (one query)."""
    found = (
        Agreement.objects.public()
        .filter(parties=organization)
        .order_by("-signed_on", "-pk")
        .only("slug", "signed_on", "signing_event_id", "published", *localized_fields("title"))
    )[:limit]
    return [
        timeline.Entry(
            obj=agreement,
            when=timezone.make_aware(dt.datetime.combine(agreement.signed_on, dt.time.min)),
            day=agreement.signed_on,
            label=_("agreement signed"),
            title_field="title",
            about=(timeline.key(Event, agreement.signing_event_id),)
            if agreement.signing_event_id
            else (),
        )
        for agreement in found
    ]
