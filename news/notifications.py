"""E-mail about an article's workflow steps: intloffice.core.notifications, with the
articles' words. When an article is submitted, sent back, scheduled or published, its
author and the publishers are told (see that module for who and when)."""

from django.utils.translation import gettext_lazy as _

from intloffice.core import notifications
from intloffice.core.notifications import author_of, name_of, recipients  # noqa: F401

from . import workflow
from .models import Article

OPEN_IN_ADMIN = _("Open the article in the admin:")


def publishers():
    """Active users who may publish articles."""
    return notifications.publishers(workflow.ARTICLES)


def compose(article: Article, name: str, actor, comment: str, link: str) -> tuple[str, str]:
    """The subject and text of the mail about step ``name`` on ``article``."""
    return notifications.compose(article, name, actor, comment, link, OPEN_IN_ADMIN)


def announce(request, article: Article, name: str, comment: str = "") -> None:
    """Tell the author and the publishers that ``request.user`` took step ``name`` on
    ``article`` (sent when the transaction commits)."""
    notifications.announce(request, article, name, comment, OPEN_IN_ADMIN)
