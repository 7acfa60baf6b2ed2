"""The translation desk: objects × languages with the state of each translation, filtered,
public and recent first, each cell a link to the form on that language, in a fixed number
of queries; and its counts in the admin index's "needs attention"."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from intloffice.core.audit import CommandLine
from news import workflow
from news.models import Article
from pages.models import Page
from tests.conftest import PASSWORD
from tests.factories import make_article, make_event, make_organization, make_page, make_person

DESK = reverse("translation_desk")
TRIPLE = {
    "title_en": "Summit",
    "title_ru": "Саммит",
    "title_zh_hans": "峰会",
    "summary_en": "",
    "body_en": "<p>The rectors met.</p>",
    "body_ru": "<p>Ректоры встретились.</p>",
    "body_zh_hans": "<p>校长们会面。</p>",
}


def save(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    with workflow.acting(CommandLine("tests")):
        obj.save()


def rows(html: str) -> list[str]:
    """The desk's rows as text: the object's name and its cells, tags dropped."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    found = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in found]


def test_the_desk_is_for_staff_with_permission(client, db, editor):
    assert client.get(DESK).status_code == 302  # to the login
    nobody = get_user_model().objects.create_user("clerk", password=PASSWORD, is_staff=True)
    client.force_login(nobody)
    assert client.get(DESK).status_code == 403
    client.force_login(editor)
    assert client.get(DESK).status_code == 200


def test_each_cell_says_its_state_in_words_and_links_to_the_form_on_its_language(client, editor):
    article = make_article(**TRIPLE)
    save(article, body_en="<p>The rectors met again.</p>")
    client.force_login(editor)
    html = client.get(DESK, {"kind": "article"}).text
    change = reverse("admin:news_article_change", args=[article.pk])
    assert f'href="{change}?_language=ru"' in html
    assert f'href="{change}?_language=zh-hans"' in html
    assert rows(html) == [
        "Summit article Summit, English: original Summit, Русский: stale body "
        "Summit, 中文: stale body"
    ]
    assert "<caption>" in html and '<th scope="col" lang="ru">Русский</th>' in html


def test_filters_by_state_language_and_kind(client, editor):
    stale = make_article(**{**TRIPLE, "title_en": "Stale one"})
    save(stale, body_en="<p>Changed.</p>")
    make_article(**{**TRIPLE, "title_en": "Fine one"})
    make_organization(name_en="Tsinghua University", name_ru="Университет Цинхуа")
    client.force_login(editor)
    html = client.get(DESK, {"state": "stale"}).text
    assert [row.split(" article")[0] for row in rows(html)] == ["Stale one"]
    html = client.get(DESK, {"state": "missing", "language": "ru"}).text
    assert rows(html) == []  # the organisation's Russian name is there; nothing else misses
    html = client.get(DESK, {"state": "missing", "language": "zh-hans"}).text
    assert rows(html) == [
        "Tsinghua University organisation Tsinghua University, 中文: missing name"
    ]
    html = client.get(DESK, {"kind": "organization"}).text
    assert [row.split(" organisation")[0] for row in rows(html)] == ["Tsinghua University"]


def test_the_partner_filter_keeps_what_is_linked_to_the_organisation(client, publisher):
    partner = make_organization(name_en="Harbin Institute of Technology", slug="hit")
    other = make_organization(name_en="Other University")
    make_article(title_en="About HIT", organizations=[partner])
    make_article(title_en="About another", organizations=[other])
    make_event(name_en="HIT summit").organizers.set([partner])
    make_event(name_en="Another event")
    make_person(name_en="A professor of HIT", organization=partner)
    make_page(title_en="Visa support")
    client.force_login(publisher)
    html = client.get(DESK, {"partner": partner.pk}).text
    names = {row.split(" ")[0] + " " + row.split(" ")[1] for row in rows(html)}
    assert names == {"About HIT", "HIT summit", "A professor", "Harbin Institute"}


def test_public_and_recent_first(client, publisher):
    now = timezone.now()
    make_article(title_en="Old news", publish_at=now - dt.timedelta(days=30))
    make_article(title_en="Draft news", status=Article.Status.DRAFT, publish_at=now)
    make_article(title_en="Fresh news", publish_at=now - dt.timedelta(days=1))
    client.force_login(publisher)
    html = client.get(DESK, {"kind": "article"}).text
    assert [row.split(" article")[0] for row in rows(html)] == [
        "Fresh news",
        "Old news",
        "Draft news (not public)",
    ]


def test_a_bad_filter_is_said_in_one_line_and_filters_nothing(client, editor):
    make_article(title_en="Anything")
    client.force_login(editor)
    response = client.get(DESK, {"state": "<b>bad</b>", "partner": "x"})
    assert response.status_code == 200
    assert "Select a valid choice. &lt;b&gt;bad&lt;/b&gt; is not one of the available choices." in (
        response.text
    )
    assert 'aria-describedby="id_state-error"' in response.text
    # Every article and page (the information pages the site starts with).
    assert len(rows(response.text)) == 1 + Page.objects.count()


def test_names_are_escaped(client, editor):
    make_article(title_en="<script>alert(1)</script>")
    make_organization(name_en="<img src=x onerror=alert(2)>")
    client.force_login(editor)
    html = client.get(DESK).text
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<img src=x" not in html


def test_pages_of_fifty_keep_the_filters(client, editor):
    for number in range(55):
        make_organization(name_en=f"University {number}")
    client.force_login(editor)
    html = client.get(DESK, {"kind": "organization"}).text
    assert len(rows(html)) == 50
    assert 'href="?kind=organization&amp;page=2"' in html
    assert len(rows(client.get(DESK, {"kind": "organization", "page": 2}).text)) == 5


def make_world(size: int) -> None:
    """``size`` objects of every kind, linked to one partner."""
    partner = make_organization(name_en="Partner", slug="partner")
    for number in range(size):
        make_article(**{**TRIPLE, "title_en": f"Article {number}"}, organizations=[partner])
        make_page(title_en=f"Page {number}", body_ru="<p>Текст.</p>")
        make_organization(name_en=f"University {number}")
        make_person(name_en=f"Person {number}", organization=partner)
        make_event(name_en=f"Event {number}").organizers.set([partner])


@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize(
    "query", [{}, {"state": "missing"}, {"partner": "1"}, {"language": "ru", "kind": "event"}]
)
def test_the_query_count_is_fixed(client, publisher, django_assert_max_num_queries, size, query):
    """10 and 100 objects (2 and 20 of each of five kinds): the same number of queries."""
    make_world(size)
    client.force_login(publisher)
    client.get(DESK)  # the session and permission caches, as any later request has them
    if "partner" in query:
        query = {"partner": str(Article.organizations.through.objects.first().organization_id)}
    # The session, the user, two of permissions, the partners, a count, a page, one for each
    # kind on the page, the states (and the content types, if not yet cached).
    with django_assert_max_num_queries(13):
        response = client.get(DESK, query)
    assert response.status_code == 200
    assert rows(response.text)


def test_the_admin_index_counts_stale_and_missing_translations(client, editor):
    for _number in range(2):
        article = make_article(**TRIPLE)
        save(article, body_en="<p>Changed.</p>")
    make_organization(name_en="Only English")
    client.force_login(editor)
    html = client.get(reverse("admin:index")).text
    attention = html.split('id="attention"', 1)[1].split("</div>", 1)[0]
    stale = f'<a href="{DESK}?state=stale">Translations out of date</a></th><td>4</td>'
    missing = f'<a href="{DESK}?state=missing">Translations missing</a></th><td>2</td>'
    assert stale in attention and missing in attention


def test_machine_drafts_are_counted_and_their_cell_opens_them_in_the_form(client, editor):
    from intloffice.core import translation_drafts
    from intloffice.core.machine_translation import MarkingBackend

    article = make_article(**TRIPLE)
    save(article, body_en="<p>Changed.</p>")
    translation_drafts.draft("ru", backend=MarkingBackend())
    client.force_login(editor)
    html = client.get(reverse("admin:index")).text
    attention = html.split('id="attention"', 1)[1].split("</div>", 1)[0]
    assert (
        f'<a href="{DESK}?state=machine">Machine drafts to review</a></th><td>1</td>' in attention
    )
    desk = client.get(DESK, {"state": "machine"}).text
    change = reverse("admin:news_article_change", args=[article.pk])
    assert f'href="{change}?_language=ru&amp;_drafts=1"' in desk
    assert f'href="{change}?_language=zh-hans"' in desk
