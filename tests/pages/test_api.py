"""Information pages in the JSON API: published ones only."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import make_page, make_staff_member


def test_draft_and_scheduled_pages_are_not_in_the_api(client, db):
    public = make_page(slug="api-public")
    draft = make_page(slug="api-draft", status="draft")
    scheduled = make_page(slug="api-later", publish_at=timezone.now() + dt.timedelta(days=1))
    listed = [item["slug"] for item in client.get("/api/v1/pages/?limit=100").json()["items"]]
    assert public.slug in listed
    assert draft.slug not in listed and scheduled.slug not in listed
    for page in (draft, scheduled):
        assert client.get(f"/api/v1/pages/{page.slug}/").status_code == 404


def test_a_page_under_an_unpublished_parent_does_not_name_it(client, db):
    hidden = make_page(slug="api-hidden-parent", status="draft")
    child = make_page(slug="api-child", parent=hidden)
    assert client.get(f"/api/v1/pages/{child.slug}/").json()["parent"] is None
    shown = make_page(slug="api-parent")
    child.parent = shown
    child.save()
    assert client.get(f"/api/v1/pages/{child.slug}/").json()["parent"] == shown.slug


def test_the_staff_directory_is_not_in_the_api(client, db):
    make_staff_member(email="zqx-private@example.org", public=False)
    page = make_page(slug="api-contacts", shows_staff=True)
    assert "zqx-private" not in client.get(f"/api/v1/pages/{page.slug}/").content.decode()


def test_a_script_in_a_title_comes_back_as_a_json_string(client, db):
    script = "<script>alert(1)</script>"
    page = make_page(slug="api-script", title_en=script)
    response = client.get(f"/api/v1/pages/{page.slug}/")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["title"] == script


@pytest.mark.parametrize("count", [1, 50])
def test_the_page_list_costs_a_fixed_number_of_queries(
    client, db, settings, django_assert_max_num_queries, count
):
    settings.PAGE_CACHE_SECONDS = 0
    parent = make_page(slug="api-parent")
    for number in range(count):
        make_page(slug=f"api-page-{number}", parent=parent)
    # The pages with their parents, and their translations' states.
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/pages/?limit=100&lang=ru")
    assert len(response.json()["items"]) >= count
