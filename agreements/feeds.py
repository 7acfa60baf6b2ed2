"""RSS 2.0 and Atom feeds of the agreements readers may see, the latest signed first: a
partner office or a faculty follows them as it follows the news (intloffice.core.feeds).

Every entry is built from public fields only: title, kind, parties, dates, summary. Never
the notes, the reference, the signed copy or the responsible person.

A change of an agreement the feeds show (or showed) is announced to the WebSub hub, if
there is one, once it commits (intloffice.core.websub)."""

import datetime as dt
import uuid

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from intloffice.core import websub
from intloffice.core.feeds import FEED_LENGTH, AtomFeed, Feed, description_html, feed_address

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
    feed_type = AtomFeed

    def subtitle(self):
        return self.description()


# --- Telling the WebSub hub ---------------------------------------------------------------


def addresses() -> list[str]:
    """The full addresses of the agreements' feeds, in every language."""
    found = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found += [
                feed_address(reverse("agreements:feed_rss")),
                feed_address(reverse("agreements:feed_atom")),
            ]
    return found


def agreement_changing(sender, instance, **kwargs) -> None:
    """Before an agreement is saved: whether the feeds show it as stored (one query, only
    with a hub: the model keeps no stored state)."""
    if websub.enabled() and instance.pk is not None:
        instance._was_public = Agreement.objects.public().filter(pk=instance.pk).exists()


def agreement_saved(sender, instance, **kwargs) -> None:
    if websub.enabled() and (instance.__dict__.pop("_was_public", False) or instance.is_public()):
        websub.announce(addresses())


def agreement_deleted(sender, instance, **kwargs) -> None:
    if websub.enabled() and instance.is_public():
        websub.announce(addresses())


def party_changed(sender, instance, **kwargs) -> None:
    """An entry names its parties: a party added, changed or removed changes it."""
    if websub.enabled() and Agreement.objects.public().filter(pk=instance.agreement_id).exists():
        websub.announce(addresses())
