"""Logs an operator can follow, and error reports that reach someone.

Every request carries an id: the one a proxy sent in ``X-Request-ID`` when it is a sane
token, else a new one. It is echoed on the response and attached to every log line
written while the request is handled, so one grep finds a request's whole story from
nginx to Django. ``DJANGO_LOG_FORMAT=json`` writes one JSON object per line for a log
collector; plain text stays the default.

Errors go to Sentry when ``SENTRY_DSN`` is set, else by mail to ``DJANGO_ADMINS``.
"""

import contextvars
import datetime
import json
import logging
import re
import uuid
from email.utils import getaddresses
from urllib.parse import parse_qs, unquote, urlsplit

import sentry_sdk
from django.core.exceptions import ImproperlyConfigured

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and a few separators (nginx's $request_id, UUIDs, trace ids): nothing
# that could forge a log line or a header.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

# (request id, method, path) of the request this thread or task is handling.
current_request = contextvars.ContextVar("current_request", default=None)


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that every later line of the request carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.id = request_id
        token = current_request.set((request_id, request.method, request.path))
        if sentry_sdk.is_initialized():
            sentry_sdk.set_tag("request_id", request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts request_id, method and path on every record ("-" outside a request)."""

    def filter(self, record):
        current = current_request.get()
        # Django logs 4xx answers after the middleware has returned, passing the request.
        request = getattr(record, "request", None)
        if current is None and hasattr(request, "id"):
            current = (request.id, request.method, request.path)
        record.request_id, record.method, record.path = current or ("-", None, None)
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per line. Ten lines of our own rather than python-json-logger:
    the fields are fixed, and a dependency would be one more thing to keep patched."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": None if getattr(record, "request_id", "-") == "-" else record.request_id,
            "method": getattr(record, "method", None),
            "path": getattr(record, "path", None),
            # Django's request and security loggers say which status they answered.
            "status": getattr(record, "status_code", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(log_format: str, level: str, mail_admins: bool) -> dict:
    """The LOGGING setting: console in the chosen format, errors mailed when asked to."""
    if log_format not in {"plain", "json"}:
        raise ImproperlyConfigured(
            f"DJANGO_LOG_FORMAT must be 'plain' or 'json', not {log_format!r}."
        )
    handlers = {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": log_format,
            "filters": ["request_id"],
        }
    }
    if mail_admins:
        handlers["mail_admins"] = {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "request_id"],
        }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": RequestIdFilter},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
            "json": {"()": JSONFormatter},
        },
        "handlers": handlers,
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Replaces Django's default handlers (a second console, its own mail handler):
            # its lines reach the console through the root logger, errors reach the admins.
            "django": {"handlers": ["mail_admins"] if mail_admins else [], "level": "INFO"},
            # Who logged in, failed to, published or unpublished what, and when.
            "intloffice.audit": {"level": "INFO"},
        },
    }


def parse_admins(value: str) -> list[tuple[str, str]]:
    """``"Anna Volkova <anna@example.org>, ops@example.org"`` -> [(name, address), ...]."""
    admins = []
    for name, address in getaddresses([value]):
        if "@" not in address:
            raise ImproperlyConfigured(
                f"DJANGO_ADMINS: {address or name!r} is not an e-mail address; "
                "write 'Name <address>, Name <address>'."
            )
        admins.append((name or address, address))
    return admins


def email_settings(url: str) -> dict:
    """Django's EMAIL_* settings from ``EMAIL_URL``: ``smtp://user:password@host:587``
    (STARTTLS), ``smtps://...:465`` (TLS from the start), ``smtp://host:25?tls=0``,
    or ``console:`` to print mails instead of sending them."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ImproperlyConfigured(
            "EMAIL_URL must look like smtp://user:password@host:587, smtps://host:465 or console:"
        )
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    ssl = parts.scheme == "smtps"
    port = parts.port or (465 if ssl else 587)
    tls = not ssl and options.get("tls", "1" if port == 587 else "0") in {"1", "true", "yes"}
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": ssl,
        "EMAIL_USE_TLS": tls,
        "EMAIL_TIMEOUT": 10,
    }


def init_sentry(dsn: str, environment: str, release: str | None) -> None:
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        # No cookies, user names, addresses or request bodies leave the server.
        send_default_pii=False,
        environment=environment,
        release=release,
    )
