"""Agreements in the JSON API: public ones only, filtered as the agreements' page filters
them, and never the office's own facts."""

import datetime as dt

import pytest
from django.utils import timezone

from agreements.models import Agreement
from tests.factories import make_agreement, make_organization

SECRET = "zqxagreementsentinel"


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["items"]]


def test_hidden_and_unsigned_agreements_are_not_in_the_api(client, db):
    public = make_agreement(notes=f"{SECRET} notes", reference=f"{SECRET}-1")
    hidden = make_agreement(published=False, title_en=f"{SECRET} hidden")
    draft = make_agreement(signed_on=None, published=False, title_en=f"{SECRET} draft")
    listed = client.get("/api/v1/agreements/")
    assert slugs(listed) == [public.slug]
    for agreement in (hidden, draft):
        assert client.get(f"/api/v1/agreements/{agreement.slug}/").status_code == 404
    detail = client.get(f"/api/v1/agreements/{public.slug}/")
    for response in (listed, detail):
        assert SECRET not in response.content.decode()
    assert Agreement.objects.count() == 3


def test_agreements_are_filtered_by_partner_country_kind_and_status(client, db):
    today = timezone.localdate()
    ours = make_organization(slug="spbpu-test", country="RU")
    chinese, french = make_organization(country="CN"), make_organization(country="FR")
    active = make_agreement(parties=[ours, chinese], kind="research")
    expired = make_agreement(
        parties=[ours, french],
        signed_on=today - dt.timedelta(days=900),
        valid_until=today - dt.timedelta(days=1),
    )
    assert slugs(client.get(f"/api/v1/agreements/?partner={chinese.slug}")) == [active.slug]
    assert slugs(client.get("/api/v1/agreements/?country=fr")) == [expired.slug]
    assert slugs(client.get("/api/v1/agreements/?kind=research")) == [active.slug]
    assert slugs(client.get("/api/v1/agreements/?status=expired")) == [expired.slug]
    assert slugs(client.get("/api/v1/agreements/?status=active")) == [active.slug]
    assert slugs(client.get("/api/v1/agreements/?partner=nobody")) == []
    for bad in ("status=draft", "status=lost", "kind=treaty"):
        assert client.get(f"/api/v1/agreements/?{bad}").status_code == 400, bad
    item = client.get(f"/api/v1/agreements/{expired.slug}/").json()
    assert item["status"] == "expired"
    assert item["translations"]["ru"]["fields"] == {"title": "missing", "summary": "current"}


def test_a_script_in_a_title_comes_back_as_a_json_string(client, db):
    script = "<script>alert(1)</script>"
    agreement = make_agreement(title_en=script)
    response = client.get(f"/api/v1/agreements/{agreement.slug}/?lang=ru")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["title"] == script
    assert response.json()["language"]["title"] == "en"


@pytest.mark.parametrize("count", [1, 50])
def test_the_agreement_list_costs_a_fixed_number_of_queries(
    client, db, settings, django_assert_max_num_queries, count
):
    settings.PAGE_CACHE_SECONDS = 0
    parent = make_organization()
    for _ in range(count):
        make_agreement(parties=[make_organization(parent=parent), make_organization()])
    # The agreements with their signing events, and their parties with the organisations.
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/agreements/?limit=100&lang=zh-hans")
    assert len(response.json()["items"]) == count
