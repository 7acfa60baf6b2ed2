"""Content-Security-Policy: one strict policy for the site, a separate one for the admin."""

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from csp.utils import default_config
from django.conf import settings


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, with ``ADMIN_CONTENT_SECURITY_POLICY`` for the admin's
    pages (its own and its widgets' scripts need more than the public pages allow).

    A response that already carries a policy (uploaded media has its own) keeps it.
    """

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        match = request.resolver_match
        if not report_only and parts.config is None and match and "admin" in match.namespaces:
            parts.config = default_config(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts
