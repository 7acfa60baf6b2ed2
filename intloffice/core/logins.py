"""Password spraying: a limit on failed logins per network address, across usernames.

django-axes locks one username at one address after 5 failures (settings.py). Someone who
tries one password against many usernames never trips that lock, and axes' own lock by
address would lock out everybody behind an office's shared address. So, in addition:

- after ``LOGIN_FAILURES_PER_ADDRESS`` failed logins from one address within an hour, a
  password from that address is checked only for an account that has signed in from the
  same address before (within ``KNOWN_ADDRESS_DAYS``); every other attempt is refused
  without looking at the password, with a 429 and a message saying why;
- a refused attempt is itself a failure: the address stays limited while the attempts go
  on, so a spray gets 30 guesses in all, however long it runs;
- a colleague who has signed in from the office before still gets in with the right
  password; one who never has waits for the hour to pass (or an administrator deletes
  the address's failures: Admin > Axes > Access failures);
- an account known at that address stays under axes' lock of 5 failures in 15 minutes,
  and when the address is limited a wrong password for it gets the same 429 answer as
  any other, so the answer does not tell which accounts are known there.

The counts are the rows django-axes writes anyway (AccessFailureLog, AccessLog), in the
database: no cache outage can lift the limit, and a database outage stops logins anyway.
"""

import datetime as dt

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import client_address

LIMITED = "login_limited"  # the request attribute that marks a refusal by this module


def failures_from(address: str) -> int:
    since = timezone.now() - dt.timedelta(hours=1)
    return AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=since).count()


def known_at(username: str, address: str) -> bool:
    since = timezone.now() - dt.timedelta(days=settings.KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(
        username=username, ip_address=address, attempt_time__gte=since
    ).exists()


class AddressLimitedBackend(ModelBackend):
    """Django's username-and-password backend, with the limit per address above."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        address = client_address(request) if request is not None else None
        if address is None or failures_from(address) < settings.LOGIN_FAILURES_PER_ADDRESS:
            return super().authenticate(request, username, password, **kwargs)
        username = username or kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or not known_at(username, address):
            setattr(request, LIMITED, True)
            raise PermissionDenied  # django.contrib.auth records it as a failed login
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            setattr(request, LIMITED, True)
        return user


@receiver(user_login_failed, dispatch_uid="login-limit-response")
def answer_with_429(sender, credentials, request=None, **kwargs):
    # Connected after axes' own receiver (its app is listed first), which has recorded the
    # failure by now; the flag makes axes' middleware answer with lockout_response().
    if request is not None and getattr(request, LIMITED, False):
        request.axes_locked_out = True


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the answer to a login refused by axes or by the limit above."""
    if getattr(request, LIMITED, False):
        message = _(
            "Too many failed logins from your network address. If you have signed in from "
            "here before, your own password still works; otherwise try again in an hour "
            "or ask an administrator."
        )
    else:
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        message = _(
            "Too many failed logins for this username from your network address: try again "
            "in %(minutes)d minutes or ask an administrator."
        ) % {"minutes": minutes}
    return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
