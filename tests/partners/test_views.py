"""Partner, person and event pages through real HTTP requests (Django's test client)."""

import pytest

from tests.factories import make_article, make_event, make_organization, make_person


@pytest.mark.parametrize("count", [1, 30])
def test_partner_person_event_and_home_query_counts_are_fixed(
    client, db, django_assert_max_num_queries, count
):
    association = make_organization(kind="association")
    university = make_organization()
    from partners.models import Membership, Participation

    event = make_event()
    event.organizers.add(association)
    for _ in range(count):
        member = make_organization()
        Membership.objects.create(member=member, association=association)
        person = make_person(organization=association)
        Participation.objects.create(person=person, event=event, role_en="delegate")
        make_event(parent=event).organizers.add(association)
        make_article(organizations=[association], people=[person], events=[event])
    Membership.objects.create(member=university, association=association)
    budgets = {
        "/en/": 3,
        "/en/partners/": 1,
        f"/en/partners/{association.slug}/": 6,
        f"/en/partners/{university.slug}/": 6,
        f"/en/people/{person.slug}/": 3,
        "/en/events/": 3,
        f"/en/events/{event.slug}/": 5,
    }
    for url, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200, url


def test_partners_are_sorted_by_the_name_the_reader_sees(client, db):
    make_organization(slug="a", name_en="Zeta University", name_ru="Альфа университет")
    make_organization(slug="b", name_en="Alpha University", name_ru="")
    make_organization(slug="c", name_en="Beta University", name_ru="Яков университет")
    english = [o.slug for o in client.get("/en/partners/").context["object_list"]]
    russian = [o.slug for o in client.get("/ru/partners/").context["object_list"]]
    assert english == ["b", "c", "a"]
    # Russian names where they exist, English otherwise: Alpha, Альфа, Яков.
    assert russian == ["b", "a", "c"]


def test_a_partner_page_lists_its_members_and_what_it_is_member_of(client, db):
    from partners.models import Membership

    association = make_organization(kind="association", name_en="Rectors Association")
    university = make_organization(name_en="Northern University")
    other = make_organization(name_en="Southern University")
    Membership.objects.create(member=university, association=association)
    Membership.objects.create(member=other, association=association)
    page = client.get(f"/en/partners/{association.slug}/").context
    assert [link.member for link in page["members"]] == sorted(
        [university, other], key=lambda organization: organization.slug
    )
    assert page["memberships"] == []
    response = client.get(f"/en/partners/{university.slug}/")
    assert response.context["members"] == []
    member_of = response.text[response.text.index('id="memberships"') :]
    assert "Rectors Association" in member_of
