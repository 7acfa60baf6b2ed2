"""Content-Security-Policy: one strict policy for the site, a separate one for the admin."""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.core.files.storage import default_storage


def media_origin() -> str | None:
    """The origin uploaded media is served from, when it is not this site's (object
    storage: its endpoint, bucket host or custom domain, however configured)."""
    url = urlsplit(default_storage.url("probe.jpg"))
    return f"{url.scheme}://{url.netloc}" if url.netloc else None


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, with ``ADMIN_CONTENT_SECURITY_POLICY`` for the admin's
    pages (the rich-text editor needs more than the public pages allow), and images
    allowed from where media is stored.

    A response that already carries a policy (uploaded media has its own) keeps it.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self.media_origin = media_origin()

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        match = request.resolver_match
        if parts.config is None and match and "admin" in match.namespaces:
            parts.config = default_config(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        if self.media_origin:
            update = parts.update or {}
            parts.update = {**update, "img-src": [*update.get("img-src", []), self.media_origin]}
        return parts
