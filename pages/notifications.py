"""E-mail about a page's workflow steps: intloffice.core.notifications, with the pages' words."""

from django.utils.translation import gettext_lazy as _

from intloffice.core import notifications

OPEN_IN_ADMIN = _("Open the page in the admin:")


def announce(request, page, name: str, comment: str = "") -> None:
    """Tell the author and the publishers that ``request.user`` took step ``name`` on
    ``page`` (sent when the transaction commits)."""
    notifications.announce(request, page, name, comment, OPEN_IN_ADMIN)
