"""The read-only JSON API at /api/v1/: every app's router under one ninja API, with its
OpenAPI description at /api/v1/openapi.json and a documentation page at /api/v1/docs
served from this site's static files.

django-ninja rather than Django REST framework: the API only reads, and pydantic schemas
give the OpenAPI description from the code, with no serializers or viewsets whose writing
half would have to be switched off.
"""

from agreements.api import router as agreements
from intloffice.core.api import ReadOnlyAPI
from news.api import router as news
from pages.api import router as pages
from partners.api import router as partners

api = ReadOnlyAPI(
    title="International office: open data",
    version="1",
    description=(
        "Read-only: published articles and information pages, organisations, people, events, "
        "visits and public agreements, in English, Russian or Simplified Chinese (`lang`). "
        "Lists are pages of at most 100 items, linked by `next`; `modified_since` gives the "
        "items changed since a moment. Nothing needs a key; responses carry `ETag` and "
        "`Last-Modified` and answer conditional requests with 304."
    ),
    urls_namespace="api",
)
api.add_router("", news)
api.add_router("", pages)
api.add_router("", partners)
api.add_router("", agreements)
