from django.conf import settings
from django.views.generic import DetailView

from intloffice.core import structured_data
from intloffice.core.pages import DetailPage, home_crumb, shortened
from intloffice.core.translated import localized_fields

from .models import Page, StaffMember


class PageDetailView(DetailPage, DetailView):
    """An information page: its text, the pages under it, and on the Contacts page the
    office's contacts and its staff. A fixed number of queries: the page, the pages under
    it, the staff (the menus are remembered: intloffice.pages.navigation)."""

    title_field = "title"
    query_parameters = ()

    def get_queryset(self):
        # Staff preview drafts and scheduled pages at their public address; everyone else
        # gets a 404 for anything not public.
        pages = Page.objects.select_related("parent")
        if self.request.user.has_perm("pages.view_page"):
            return pages
        return pages.published()

    def get_parent_crumbs(self):
        parent = self.object.parent
        if parent is not None and parent.is_public():
            return [home_crumb(), (parent.title, parent.get_absolute_url())]
        return [home_crumb()]

    def get_description(self):
        return shortened(self.object.lead) or None

    def get_staff(self) -> list[StaffMember]:
        if not self.object.shows_staff:
            return []
        return list(StaffMember.objects.public())

    def get_structured_data(self):
        page = self.object
        data = structured_data.web_page(
            self.request, page, "ContactPage" if page.shows_staff else "WebPage"
        )
        if page.shows_staff:
            data["mainEntity"] = structured_data.office(self.request, self.staff)
        return [data]

    def get_context_data(self, **kwargs):
        page = self.object
        self.staff = self.get_staff()
        context = super().get_context_data(**kwargs)
        context.update(
            page=page,
            current_page=page.slug,
            preview=not page.is_public(),
            staff=self.staff,
            child_pages=list(
                Page.objects.published()
                .filter(parent=page)
                .only("slug", *localized_fields("title", "summary"))
                .in_menu_order()
            ),
            office_languages=[code for code, _name in settings.LANGUAGES],
        )
        return context
