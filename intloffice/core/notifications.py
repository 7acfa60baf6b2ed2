"""E-mail about a workflow step (intloffice.core.workflow), to the people who should know.

When an article or a page is submitted, sent back, scheduled or published
(``workflow.ANNOUNCED``), its author and the publishers are told what happened, who did
it, the comment given and where it is in the admin; the person who acted is not told. The
admin calls ``announce`` after each step it applies: an importer, which publishes in
batches and through no step, sends nothing.

The author is whoever saved the object's first revision (the editor who wrote it; an
imported article has none). Publishers are the active users who hold the workflow's
publish permission (superusers too: they may publish) and have an address.

Mails are written at once, in the language of the person acting (no one's preferred
language is stored), and sent only when the step's transaction commits: a step that is
rolled back tells no one, and a slow mail server never holds the row locked. A mail that
cannot be sent is logged; the step stands.
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

from .workflow import ANNOUNCED, Workflow, workflow_of

logger = logging.getLogger(__name__)


def author_of(obj):
    """The user who saved the object's first revision, or None."""
    first = (
        Version.objects.get_for_object(obj).select_related("revision__user").order_by("pk").first()
    )
    return first.revision.user if first else None


def publishers(workflow: Workflow):
    """Active users who may publish (by group, own permission, or as superusers)."""
    # Several backends are configured (the login throttle first): with_perm asks the one
    # that keeps permissions.
    backend = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if issubclass(import_string(path), ModelBackend)
    )
    return get_user_model().objects.with_perm(workflow.PUBLISH, backend=backend)


def recipients(obj, actor) -> list[str]:
    """The addresses to tell of a step on ``obj``: its author's and the publishers', not
    the actor's; each once."""
    people = list(publishers(workflow_of(type(obj))).exclude(email=""))
    author = author_of(obj)
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


def compose(obj, name: str, actor, comment: str, link: str, open_in_admin: str):
    """The subject and text of the mail about step ``name`` on ``obj``; ``open_in_admin``
    introduces the link ("Open the article in the admin:")."""
    step = workflow_of(type(obj)).TRANSITIONS[name].said(obj.publish_at)
    subject = f"[{settings.SITE_NAME}] {step}: {obj}"
    lines = [
        str(obj),
        "",
        _("%(step)s by %(who)s.") % {"step": step, "who": name_of(actor)},
    ]
    if comment:
        lines += ["", _("Comment:"), comment]
    lines += ["", str(open_in_admin), link]
    return subject, "\n".join(lines) + "\n"


def announce(request, obj, name: str, comment: str = "", open_in_admin: str = "") -> None:
    """Tell the author and the publishers that ``request.user`` took step ``name`` on
    ``obj`` (sent when the transaction commits)."""
    if name not in ANNOUNCED:
        return
    to = recipients(obj, request.user)
    if not to:
        return
    opts = obj._meta
    link = request.build_absolute_uri(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    )
    subject, text = compose(obj, name, request.user, comment, link, open_in_admin)
    messages = [(subject, text, None, [address]) for address in to]
    noun = workflow_of(type(obj)).noun
    transaction.on_commit(lambda: send(messages, f"{noun} {obj.pk}", name))


def send(messages, about: str, name: str) -> None:
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception as error:  # noqa: BLE001 - a mail server's failure must not undo a step
        logger.warning(
            "could not send %d mail(s) about the %s of %s: %s", len(messages), name, about, error
        )
