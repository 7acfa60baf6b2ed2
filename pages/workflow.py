"""The workflow of information pages: the articles' one (intloffice.core.workflow), with
the pages' permissions. Editors (``pages.change_page``) may submit and withdraw; only
holders of ``pages.publish_page`` (Publishers) may publish, schedule, unpublish or archive."""

from intloffice.core.workflow import Workflow

from .models import Page, ReviewNote

PUBLISH = "pages.publish_page"
EDIT = "pages.change_page"

PAGES = Workflow(
    Page,
    edit=EDIT,
    publish=PUBLISH,
    notes=ReviewNote,
    note_owner="page",
    noun="page",
    a_noun="a page",
)
