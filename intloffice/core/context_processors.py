import re

from django.conf import settings


def site(request):
    """The site's and the office's names and contacts, for the header and footer of every page."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_UNIVERSITY": settings.SITE_UNIVERSITY,
        "SITE_HOST_ORGANIZATION": settings.SITE_HOST_ORGANIZATION,
        "OFFICE": {
            "address": settings.OFFICE_ADDRESS,
            "email": settings.OFFICE_EMAIL,
            "phone": settings.OFFICE_PHONE,
            # A tel: link dials digits and the leading plus only.
            "phone_link": "tel:" + re.sub(r"[^\d+]", "", settings.OFFICE_PHONE),
            "hours": settings.OFFICE_HOURS,
            "university_website": settings.UNIVERSITY_WEBSITE,
        },
    }
