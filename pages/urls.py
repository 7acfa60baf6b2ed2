from django.urls import path, register_converter

from . import navigation, views

app_name = "pages"


class PageSlug:
    """A slug that is some page's: any other address is not matched here, so a mistyped
    address stays the site's plain 404, at no query (the slugs are remembered)."""

    regex = "[-a-zA-Z0-9_]+"

    def to_python(self, value):
        if not navigation.is_page(value):
            raise ValueError(value)
        return value

    def to_url(self, value):
        return value


register_converter(PageSlug, "page")

urlpatterns = [
    # Last in the site's addresses: every section's address comes first, and no page may
    # take a section's name (Page.clean, reserved_slugs).
    path("<page:slug>/", views.PageDetailView.as_view(), name="page_detail"),
]
