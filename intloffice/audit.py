"""Who logged in, failed to, or logged out, and when: lines in the "intloffice.audit" log.

(Publishing and unpublishing are logged by news.workflow; every admin change is also a
LogEntry and a django-reversion revision.)
"""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

audit = logging.getLogger("intloffice.audit")


def address(request) -> str:
    return request.META.get("REMOTE_ADDR", "?") if request is not None else "?"


@receiver(user_logged_in, dispatch_uid="audit-login")
def logged_in(sender, request, user, **kwargs):
    audit.info("%s logged in from %s", user, address(request))


@receiver(user_logged_out, dispatch_uid="audit-logout")
def logged_out(sender, request, user, **kwargs):
    audit.info("%s logged out from %s", user, address(request))


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def login_failed(sender, credentials, request=None, **kwargs):
    audit.warning("login failed for %r from %s", credentials.get("username"), address(request))
