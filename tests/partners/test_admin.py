"""Organisations, people and events in the admin: stale saves refused (inline rows too),
every change in History and in the audit log, deleting a publisher's right."""

import logging

import pytest
from django.urls import reverse
from reversion.models import Version

from partners.models import Event, Membership, Organization, Participation, Person
from tests.conftest import staff_member
from tests.factories import make_event, make_organization, make_person
from tests.forms import form_fields

STALE = "saved this at"


@pytest.fixture
def colleague(db):
    return staff_member("colleague", "Editors")


@pytest.fixture
def audit(caplog):
    caplog.set_level(logging.INFO, logger="intloffice.audit")
    return caplog


def admin_url(obj, view="change"):
    return reverse(f"admin:partners_{obj._meta.model_name}_{view}", args=[obj.pk])


def opened(client, obj):
    """The change form's fields as its page was loaded."""
    page = client.get(admin_url(obj))
    assert page.status_code == 200
    return form_fields(page.text, f"{obj._meta.model_name}_form")


THINGS = {
    "organisation": (make_organization, "description_en", "city_en"),
    "person": (make_person, "bio_en", "position_en"),
    "event": (make_event, "description_en", "venue_en"),
}


@pytest.mark.parametrize("thing", THINGS)
def test_a_stale_save_is_refused_and_loses_nothing(client, editor, colleague, thing):
    make, first_field, second_field = THINGS[thing]
    obj = make()
    client.force_login(colleague)
    colleagues_form = opened(client, obj)  # B opens first...
    client.force_login(editor)
    editors_form = opened(client, obj)
    # ...A saves a new text, then B saves a new place from the form B opened earlier.
    response = client.post(admin_url(obj), {**editors_form, first_field: "A's new text."})
    assert response.status_code == 302
    client.force_login(colleague)
    response = client.post(admin_url(obj), {**colleagues_form, second_field: "B's place"})
    assert response.status_code == 200
    assert f"editor {STALE}" in response.text and "reload the page" in response.text
    obj.refresh_from_db()
    assert getattr(obj, first_field.removesuffix("_en")) == "A's new text."
    assert getattr(obj, second_field.removesuffix("_en")) != "B's place"
    assert (obj.version, obj.last_edited_by.username) == (2, "editor")
    # After reloading, B's change goes through.
    response = client.post(admin_url(obj), {**opened(client, obj), second_field: "B's place"})
    assert response.status_code == 302


def test_an_inline_row_changed_meanwhile_is_refused(client, editor, colleague):
    person = make_person()
    event = make_event()
    participation = Participation.objects.create(person=person, event=event, role_en="delegate")
    client.force_login(editor)
    form = opened(client, person)
    row = next(k for k, v in form.items() if k.endswith("-id") and v == str(participation.pk))
    prefix = row.removesuffix("-id")
    # A colleague changes the same row on its own page meanwhile.
    client.force_login(colleague)
    response = client.post(
        admin_url(participation),
        {**opened(client, participation), "role_en": "speaker"},
    )
    assert response.status_code == 302
    client.force_login(editor)
    response = client.post(admin_url(person), {**form, f"{prefix}-role_en": "observer"})
    assert response.status_code == 200 and f"colleague {STALE}" in response.text
    participation.refresh_from_db()
    assert participation.role == "speaker"
    # Reloaded, the page shows the colleague's row, and the editor's change goes through.
    response = client.post(admin_url(person), {**opened(client, person), "position_en": "Rector"})
    assert response.status_code == 302
    person.refresh_from_db()
    participation.refresh_from_db()
    assert (person.position, participation.role) == ("Rector", "speaker")


def test_changes_with_their_inline_rows_are_in_history_and_the_audit_log(
    client, editor, publisher, audit
):
    aturc = make_organization(kind=Organization.Kind.ASSOCIATION, short_name="ATURC")
    member = make_organization(short_name="SPbPU")
    client.force_login(editor)
    form = opened(client, member)
    # The first empty row of the memberships inline, as "Add another" would fill it.
    form.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-association": str(aturc.pk),
            "memberships-0-role": "founding member",
            "memberships-0-member": str(member.pk),
        }
    )
    response = client.post(admin_url(member), {**form, "description_en": "A university."})
    assert response.status_code == 302, response.context and response.context["errors"]
    membership = Membership.objects.get()
    assert membership.role == "founding member"
    revision = Version.objects.get_for_object(member).first().revision
    assert revision.user == editor
    assert {v.object for v in revision.version_set.all()} == {member, membership}
    assert (
        f"editor: change organisation {member.pk} 'SPbPU' (Changed Description [en]. "
        "Added membership “SPbPU → ATURC”.)" in audit.text
    )
    add = client.post(
        reverse("admin:partners_person_add"),
        {
            **form_fields(client.get(reverse("admin:partners_person_add")).text, "person_form"),
            "name_en": "Anna",
            "slug": "anna",
        },
    )
    assert add.status_code == 302
    assert f"editor: add person {Person.objects.get(slug='anna').pk} 'Anna'" in audit.text


@pytest.mark.parametrize("model", [Organization, Person, Event])
def test_only_a_publisher_deletes(client, editor, publisher, audit, model):
    make = {Organization: make_organization, Person: make_person, Event: make_event}[model]
    obj = make()
    delete = admin_url(obj, "delete")
    client.force_login(editor)
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse(f"admin:partners_{model._meta.model_name}_changelist")
    assert "delete_selected" not in client.get(changelist).text
    client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk]})
    assert model.objects.filter(pk=obj.pk).exists()
    client.force_login(publisher)
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not model.objects.filter(pk=obj.pk).exists()
    assert f"publisher: delete {model._meta.verbose_name} {obj.pk} '{obj}'" in audit.text


def test_editors_may_add_and_change_but_not_delete_inline_rows(client, editor):
    person = make_person()
    Participation.objects.create(person=person, event=make_event())
    client.force_login(editor)
    page = client.get(admin_url(person))
    assert page.status_code == 200
    assert "participations-0-DELETE" not in page.text
    assert "participations-0-role_en" in page.text


def test_staff_can_add_an_organisation_in_three_languages(superuser_client):
    from partners.models import Organization

    response = superuser_client.post(
        reverse("admin:partners_organization_add"),
        {
            "kind": "university",
            "name_en": "Harbin Institute of Technology",
            "name_ru": "Харбинский политехнический университет",
            "name_zh_hans": "哈尔滨工业大学",
            "short_name_en": "HIT",
            "short_name_ru": "ХПИ",
            "short_name_zh_hans": "哈工大",
            "slug": "hit",
            "names-TOTAL_FORMS": "2",
            "names-INITIAL_FORMS": "0",
            "names-0-value": "Harbin Tech",
            "names-0-kind": "alias",
            "names-0-language": "en",
            "names-1-value": "哈工大学",
            "names-1-kind": "acronym",
            "names-1-language": "zh-hans",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "member_links-TOTAL_FORMS": "0",
            "member_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context and response.context["adminform"].errors
    hit = Organization.objects.get(slug="hit")
    assert (hit.name_ru, hit.name_zh_hans) == (
        "Харбинский политехнический университет",
        "哈尔滨工业大学",
    )
    assert (hit.short_name_en, hit.short_name_ru, hit.short_name_zh_hans) == (
        "HIT",
        "ХПИ",
        "哈工大",
    )
    assert sorted(hit.names.values_list("language", "kind", "value")) == [
        ("en", "alias", "Harbin Tech"),
        ("zh-hans", "acronym", "哈工大学"),
    ]
    # Written from the names, for search and mention linking.
    assert hit.aliases == "哈工大学\nHarbin Tech"


def test_staff_cancel_an_event_in_its_form_and_see_its_revision(client, editor):
    import datetime as dt
    from zoneinfo import ZoneInfo

    start = dt.datetime(2031, 4, 1, 10, tzinfo=ZoneInfo("Europe/Moscow"))
    event = make_event(start=start, end=None, timezone="Europe/Moscow")
    client.force_login(editor)
    form = opened(client, event)
    assert form["status"] == "scheduled"
    assert "online_url" in form
    # Only the text: the calendars' copies stay as they are.
    response = client.post(admin_url(event), {**form, "description_en": "New text."})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.description_en, event.sequence) == ("New text.", 0)
    response = client.post(admin_url(event), {**opened(client, event), "status": "cancelled"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.sequence) == ("cancelled", 1)
    page = client.get(admin_url(event)).text
    assert "revision of time and place" in page.lower()
    # An online address on an event held only in person is refused, in words.
    response = client.post(
        admin_url(event), {**opened(client, event), "online_url": "https://meet.example.org/x"}
    )
    assert response.status_code == 200
    assert "has no online address" in response.text
