"""Who did what, and when: lines in the "intloffice.audit" log.

Logins, failed logins and logouts; each add, change and delete made through an admin
that uses ``AuditedAdmin``; and the actor of work started at the server's shell. (Status
and publication-date changes of articles are logged by news.workflow; every admin change
is also a LogEntry and a django-reversion revision.)
"""

import getpass
import ipaddress
import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

audit = logging.getLogger("intloffice.audit")


def client_address(request) -> str | None:
    """The client's address: the peer's, or behind ``PROXY_COUNT`` declared reverse
    proxies the one they recorded in X-Forwarded-For.

    Each proxy appends the address it received the request from, so with N proxies the
    client is the N-th entry from the right; entries further left came from the client
    and prove nothing. Without a declared proxy the header is ignored altogether.
    """
    address = request.META.get("REMOTE_ADDR")
    if count := settings.PROXY_COUNT:
        forwarded = [
            entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [entry for entry in forwarded if entry]
        if len(forwarded) >= count:
            address = forwarded[-count]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def address(request) -> str:
    """For audit lines: the client's address as login throttling sees it, not the proxy's."""
    return (client_address(request) if request is not None else None) or "?"


@receiver(user_logged_in, dispatch_uid="audit-login")
def logged_in(sender, request, user, **kwargs):
    audit.info("%s logged in from %s", user, address(request))


@receiver(user_logged_out, dispatch_uid="audit-logout")
def logged_out(sender, request, user, **kwargs):
    audit.info("%s logged out from %s", user, address(request))


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def login_failed(sender, credentials, request=None, **kwargs):
    audit.warning("login failed for %r from %s", credentials.get("username"), address(request))


class CommandLine:
    """Whoever runs a command at the server's shell: an administrator by definition (they
    can read the settings and the database), named in the audit by their login."""

    is_authenticated = False
    is_active = True

    def __init__(self, login: str | None = None):
        if login is None:
            try:
                login = getpass.getuser()
            except (KeyError, OSError):  # a container user with no passwd entry
                login = "uid-?"
        self.login = login

    def has_perm(self, permission: str, obj=None) -> bool:
        return True

    def __str__(self):
        return f"{self.login} (command line)"


def changed(user, action: str, obj, detail: str = "") -> None:
    """One line for an add, change or delete of ``obj`` by ``user``."""
    audit.info(
        "%s: %s %s %s %r%s",
        user,
        action,
        obj._meta.verbose_name,
        obj.pk,
        str(obj),
        f" ({detail})" if detail else "",
    )


class AuditedAdmin:
    """For a ModelAdmin: each add, change and delete also becomes an audit line."""

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        changed(request.user, "add", obj)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        changed(request.user, "change", obj, entry.get_change_message() if entry else "")
        return entry

    def log_deletions(self, request, queryset):
        # Called before the rows go, with their ids still set.
        for obj in queryset:
            changed(request.user, "delete", obj)
        return super().log_deletions(request, queryset)
