"""The admin's doors keep the translations' states: a change in the form marks the other
languages stale unless the editor ticks "minor change", which History and the audit log
record; History's revert moves the states like any save (intloffice.core.provenance_admin)."""

import logging

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from reversion.models import Version

from intloffice.core.provenance import State, TranslationState
from tests.factories import make_article
from tests.forms import form_fields

MINOR = 'name="minor_change"'
TEXTS = {
    "title_en": "Summit",
    "title_ru": "Саммит",
    "title_zh_hans": "峰会",
    "summary_en": "",
    "body_en": "<p>The rectors met in Xi'an.</p>",
    "body_ru": "<p>Ректоры встретились в Сиане.</p>",
    "body_zh_hans": "<p>校长们在西安会面。</p>",
}


@pytest.fixture
def audit(caplog):
    caplog.set_level(logging.INFO, logger="intloffice.audit")
    return caplog


def states(obj) -> dict[tuple[str, str], str]:
    rows = TranslationState.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )
    return {(row.field, row.language): row.state for row in rows}


def submit(client, url, form_id, **changes):
    page = client.get(url)
    assert page.status_code == 200, url
    return client.post(url, {**form_fields(page.text, form_id), **changes})


def test_a_change_in_the_form_makes_the_other_languages_stale(client, publisher):
    article = make_article(**TEXTS)
    client.force_login(publisher)
    url = reverse("admin:news_article_change", args=[article.pk])
    response = submit(client, url, "article_form", body_en="<p>The rectors met in Harbin.</p>")
    assert response.status_code == 302
    stale = {key for key, state in states(article).items() if state == State.STALE}
    assert stale == {("body", "ru"), ("body", "zh-hans")}


def test_a_minor_change_keeps_them_up_to_date_and_history_says_who_said_so(
    client, publisher, audit
):
    publisher.first_name, publisher.last_name = "Olga", "Ivanova"
    publisher.save()
    article = make_article(**TEXTS)
    client.force_login(publisher)
    url = reverse("admin:news_article_change", args=[article.pk])
    assert MINOR in client.get(url).text
    response = submit(
        client, url, "article_form", body_en="<p>The rectors met in Xi’an.</p>", minor_change="on"
    )
    assert response.status_code == 302
    assert set(states(article).values()) == {State.CURRENT}
    comment = Version.objects.get_for_object(article).first().revision.comment
    assert "Changed Body [en]" in comment
    assert "Minor change: Olga Ivanova said the translations are still right." in comment
    history = client.get(reverse("admin:news_article_history", args=[article.pk]))
    assert "Olga Ivanova said the translations are still right" in history.text
    assert f"publisher: change article {article.pk}" in audit.text
    assert "minor change: the translations are still right" in audit.text


def test_the_add_form_has_no_minor_change(client, publisher):
    client.force_login(publisher)
    assert MINOR not in client.get(reverse("admin:news_article_add")).text


def test_a_minor_change_of_an_organisation_page_person_and_event(client, publisher):
    from tests.factories import make_event, make_organization, make_page, make_person

    client.force_login(publisher)
    cases = [
        (make_organization(description_en="A university.", description_ru="Вуз."), "description"),
        (make_person(bio_en="A professor.", bio_ru="Профессор."), "bio"),
        (make_event(description_en="A summit.", description_ru="Саммит."), "description"),
        (make_page(body_en="<p>Visa.</p>", body_ru="<p>Виза.</p>"), "body"),
    ]
    for obj, name in cases:
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        form_id = f"{opts.model_name}_form"
        new = {f"{name}_en": f"{getattr(obj, f'{name}_en')} Again."}
        assert submit(client, url, form_id, **new, minor_change="on").status_code == 302, url
        assert states(obj)[(name, "ru")] == State.CURRENT, obj
        new = {f"{name}_en": "Something else entirely."}
        assert submit(client, url, form_id, **new).status_code == 302
        assert states(obj)[(name, "ru")] == State.STALE, obj


def test_a_history_revert_moves_the_states_back(client, publisher):
    article = make_article(**TEXTS)
    client.force_login(publisher)
    url = reverse("admin:news_article_change", args=[article.pk])
    assert submit(client, url, "article_form", title_en="Summit").status_code == 302
    first = Version.objects.get_for_object(article).first()
    assert submit(client, url, "article_form", body_en="<p>Harbin.</p>").status_code == 302
    assert states(article)[("body", "ru")] == State.STALE
    revision = reverse("admin:news_article_revision", args=[article.pk, first.pk])
    assert submit(client, revision, "article_form").status_code == 302
    assert states(article)[("body", "ru")] == State.CURRENT


def test_a_link_may_open_the_form_on_a_language(client, publisher):
    article = make_article(**TEXTS)
    client.force_login(publisher)
    url = reverse("admin:news_article_change", args=[article.pk])
    for code in ("zh-hans", "ru"):
        page = client.get(f"{url}?_language={code}").text
        assert form_fields(page, "article_form")["_language"] == code
