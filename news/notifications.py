"""E-mail about an article's workflow steps, to the people who should know.

When an article is submitted, sent back, scheduled or published (``workflow.ANNOUNCED``),
its author and the publishers are told what happened, who did it, the comment given and
where the article is in the admin; the person who acted is not told. The admin calls
``announce`` after each step it applies: the importer, which publishes in batches and
through no step, sends nothing.

The author is whoever saved the article's first revision (the editor who wrote it; an
imported article has none). Publishers are the active users who hold
``news.publish_article`` (superusers too: they may publish) and have an address.

Mails are written at once, in the language of the person acting (no one's preferred
language is stored), and sent only when the step's transaction commits: a step that is
rolled back tells no one, and a slow mail server never holds the article's row locked.
A mail that cannot be sent is logged; the step stands.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from reversion.models import Version

from . import workflow
from .models import Article

logger = logging.getLogger(__name__)


def author_of(article: Article):
    """The user who saved the article's first revision, or None."""
    first = (
        Version.objects.get_for_object(article)
        .select_related("revision__user")
        .order_by("pk")
        .first()
    )
    return first.revision.user if first else None


def publishers():
    """Active users who may publish (by group, own permission, or as superusers)."""
    # Several backends are configured (the login throttle first): with_perm asks the one
    # that keeps permissions.
    backend = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if issubclass(import_string(path), ModelBackend)
    )
    return get_user_model().objects.with_perm(workflow.PUBLISH, backend=backend)


def recipients(article: Article, actor) -> list[str]:
    """The addresses to tell of a step on ``article``: its author's and the publishers',
    not the actor's; each once."""
    people = list(publishers().exclude(email=""))
    author = author_of(article)
    if author is not None and author.is_active and author.email:
        people.append(author)
    addresses = {
        person.email.strip().lower(): person.email.strip()
        for person in people
        if person.pk != getattr(actor, "pk", None)
    }
    return sorted(addresses.values())


def name_of(user) -> str:
    return user.get_full_name() or user.get_username()


def compose(article: Article, name: str, actor, comment: str, link: str) -> tuple[str, str]:
    """The subject and text of the mail about step ``name`` on ``article``."""
    step = workflow.TRANSITIONS[name].said(article.publish_at)
    subject = f"[{settings.SITE_NAME}] {step}: {article}"
    lines = [
        str(article),
        "",
        _("%(step)s by %(who)s.") % {"step": step, "who": name_of(actor)},
    ]
    if comment:
        lines += ["", _("Comment:"), comment]
    lines += ["", _("Open the article in the admin:"), link]
    return subject, "\n".join(lines) + "\n"


def announce(request, article: Article, name: str, comment: str = "") -> None:
    """Tell the author and the publishers that ``request.user`` took step ``name`` on
    ``article`` (sent when the transaction commits)."""
    if name not in workflow.ANNOUNCED:
        return
    to = recipients(article, request.user)
    if not to:
        return
    link = request.build_absolute_uri(reverse("admin:news_article_change", args=[article.pk]))
    subject, text = compose(article, name, request.user, comment, link)
    messages = [(subject, text, None, [address]) for address in to]
    transaction.on_commit(lambda: send(messages, article.pk, name))


def send(messages, article_id: int, name: str) -> None:
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception as error:  # noqa: BLE001 - a mail server's failure must not undo a step
        logger.warning(
            "could not send %d mail(s) about the %s of article %s: %s",
            len(messages),
            name,
            article_id,
            error,
        )
