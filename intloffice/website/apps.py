from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    """The pages that span apps; an app for its management command (intl_report)."""

    name = "intloffice.website"
    label = "website"
    verbose_name = _("Website")
