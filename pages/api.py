"""Information pages in the JSON API (intloffice/website/api.py mounts this router):
published ones only (``published()``), in menu order. The staff directory is not in it."""

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Query, Router

from intloffice.core import api
from intloffice.core.api import Item, ListQuery

from .models import Page

router = Router(tags=["pages"])

FIELDS = ("title", "summary", "body")
ORDER = ("slug", "pk")


class PageOut(Item):
    title: str
    summary: str
    body: str = Field(description="HTML.")
    parent: str | None = Field(description="Slug of the published page it belongs under.")
    publish_at: dt.datetime


def public_pages():
    return Page.objects.published().select_related("parent")


def items(request, pages: list[Page], language: str) -> list[dict]:
    states = api.translation_states(pages)
    return [
        {
            **api.common(request, page, language, FIELDS, states),
            # A parent not (yet) published is not named: its slug is not public either.
            "parent": page.parent.slug if page.parent and page.parent.is_public() else None,
            "publish_at": page.publish_at,
        }
        for page in pages
    ]


@router.get(
    "/pages/",
    response={200: api.page_schema(PageOut), **api.LIST_ERRORS},
    summary="Published information pages, by slug",
)
def page_list(request, response: HttpResponse, query: Query[ListQuery]):
    return api.list_page(request, response, public_pages(), query, ORDER, items)


@router.get(
    "/pages/{slug}/",
    response={200: PageOut, **api.DETAIL_ERRORS},
    summary="One published information page",
)
def page_detail(request, response: HttpResponse, slug: str, query: Query[api.DetailQuery]):
    return api.one(request, response, public_pages(), slug, query.lang, items)
