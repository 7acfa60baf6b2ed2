"""The life of an article: draft → in review → scheduled or published → archived.

The state machine is intloffice.core.workflow's, shared with the information pages; this
module makes the articles' one (``ARTICLES``) and keeps the names the rest of news, the
admin and the tests use: ``apply``, ``available``, ``guard``, ``acting``, ``STAGES`` …
Editors may submit and withdraw; only holders of ``news.publish_article`` (Publishers)
may publish, schedule, unpublish or archive. Each step leaves a ``ReviewNote`` and a
History revision named after it; every other change of an article's status or
publication date is held by ``guard`` and by the article QuerySet's bulk writes.
"""

from intloffice.core.audit import audit  # noqa: F401 - the admin logs its refusals here
from intloffice.core.workflow import (  # noqa: F401 - the names news has always used
    ANNOUNCED,
    SCHEDULED,
    STAGES,
    Acting,
    Move,
    State,
    Transition,
    Workflow,
    WorkflowBypass,
    acting,
    history_line,
    moment,
    state_of,
)

from .models import Article, ReviewNote

Status = Article.Status
PUBLISH = "news.publish_article"
EDIT = "news.change_article"

ARTICLES = Workflow(
    Article,
    edit=EDIT,
    publish=PUBLISH,
    notes=ReviewNote,
    note_owner="article",
    noun="article",
    a_noun="an article",
)
TRANSITIONS = ARTICLES.TRANSITIONS

stage = ARTICLES.stage
stage_label = ARTICLES.stage_label
available = ARTICLES.available
stored_stage = ARTICLES.stored_stage
apply = ARTICLES.apply
record = ARTICLES.record
permission_for = ARTICLES.permission_for
move_name = ARTICLES.move_name
check = ARTICLES.check
stored_state = ARTICLES.stored_state
guard = ARTICLES.guard
saved = ARTICLES.saved
check_bulk = ARTICLES.check_bulk
record_bulk = ARTICLES.record_bulk
