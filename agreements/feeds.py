"""RSS 2.0 and Atom feeds of the agreements readers may see, the latest signed first: a
partner office or a faculty follows them as it follows the news (intloffice.core.feeds).

Every entry is built from public fields only: title, kind, parties, dates, summary. Never
the notes, the reference, the signed copy or the responsible person."""

import datetime as dt
import uuid

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext

from intloffice.core.feeds import FEED_LENGTH, Feed, description_html

from .models import Agreement


class AgreementsFeed(Feed):
    entry_namespace = uuid.uuid5(uuid.NAMESPACE_URL, "intloffice:agreements:agreement")

    def title(self):
        return f"{settings.SITE_NAME} — {gettext('Agreements with partners')}"

    def description(self):
        return gettext("Agreements signed with partners, the latest first")

    def link(self):
        return reverse("agreements:agreement_list")

    def items(self):
        # Signed ones only (public() says so), newest signed first: the model's order.
        return Agreement.objects.public().with_parties()[:FEED_LENGTH]

    def item_description(self, item):
        parties = ", ".join(link.organization.name for link in item.parties_in_order())
        facts = [item.get_kind_display().capitalize(), parties]
        if item.valid_until:
            until = date_format(item.valid_until, "DATE_FORMAT")
            facts.append(gettext("in force until %(day)s") % {"day": until})
        text = "; ".join(facts) + "."
        return description_html(f"{text} {item.summary}" if item.summary else text)

    def item_pubdate(self, item):
        # Signed on a day: its local midnight, as the site's calendar counts days.
        return timezone.make_aware(dt.datetime.combine(item.signed_on, dt.time.min))

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_kind_display()]


class AgreementsAtomFeed(AgreementsFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()
