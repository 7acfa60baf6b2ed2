"""Partner, person and event pages through real HTTP requests (Django's test client)."""

import pytest

from tests.factories import (
    make_agreement,
    make_article,
    make_event,
    make_organization,
    make_person,
    make_visit,
)


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
        visit = make_visit(visiting=[association], hosts=[member], delegation=[person])
        make_article(organizations=[association], people=[person], events=[event, visit])
        make_agreement(parties=[association, member])
    Membership.objects.create(member=university, association=association)
    budgets = {
        # The latest news, the lead story (the newest with a picture), events, partners;
        # the menus' information pages, read once per content generation (the first page).
        "/en/": 5,
        # The partners, and apart from them the host university and its offices.
        "/en/partners/": 2,
        # The organisation with its parent, offices, people, memberships and latest news;
        # its timeline: events, the visiting and host organisations of its visits, its
        # articles and the events they are about, its agreements; its agreements. Each of
        # these pages also reads its object's translation states (one query).
        f"/en/partners/{association.slug}/": 13,
        f"/en/partners/{university.slug}/": 13,
        f"/en/people/{person.slug}/": 4,
        "/en/events/": 3,
        # The event with its parent, organisers, visiting and host organisations, sessions,
        # participants (with their organisations of the day), latest news, agreements signed.
        f"/en/events/{event.slug}/": 9,
        f"/en/events/{visit.slug}/": 9,
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


def test_the_partners_page_shows_the_host_university_apart_as_ours(client, seed_entities):
    response = client.get("/en/partners/")
    listed = {organization.slug for organization in response.context["object_list"]}
    assert listed == {"aturc", "russian-science-foundation"}
    assert [o.slug for o in response.context["ours"]] == ["spbpu", "spbpu-shanghai"]
    ours = response.text[response.text.index('id="our-university"') :]
    assert 'href="/en/partners/spbpu/"' in ours and 'href="/en/partners/aturc/"' not in ours


def test_the_host_universitys_own_page_says_it_is_ours(client, seed_entities, settings):
    assert 'class="host-note"' in client.get("/en/partners/spbpu/").text
    assert 'class="host-note"' not in client.get("/en/partners/aturc/").text
    settings.SITE_HOST_ORGANIZATION = "aturc"
    from django.core.cache import cache

    cache.clear()
    assert 'class="host-note"' in client.get("/en/partners/aturc/").text


def test_partner_cards_show_a_logo_or_the_letters_of_the_name(client, db, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from intloffice.core.images import normalised
    from tests.core.test_images import encoded, halves

    settings.MEDIA_ROOT = tmp_path
    logo = normalised(SimpleUploadedFile("l.png", encoded(halves((300, 300), mode="RGBA"), "PNG")))
    make_organization(slug="with-logo", name_en="Logo University", logo=logo)
    make_organization(slug="without", name_en="Harbin Institute of Technology")
    html = client.get("/en/partners/").text
    with_logo = html[html.index('href="/en/partners/with-logo/"') - 700 :]
    assert "<picture>" in with_logo[:700] and 'alt=""' in with_logo[:700]
    assert '<span class="monogram" aria-hidden="true">HIT</span>' in html


def test_chinese_pages_write_places_and_short_names_the_chinese_way(client, seed_entities):
    html = client.get("/zh-hans/partners/").text
    assert "俄罗斯<span>莫斯科</span>" in html  # the country first, no comma
    assert "," not in html[html.index("<main") : html.index("</main>")]
    aturc = client.get("/zh-hans/partners/russian-science-foundation/").text
    assert '<span class="short-name" lang="en">（RSF）</span>' in aturc


def test_a_persons_title_follows_the_name_in_chinese(client, seed_entities):
    chinese = client.get("/zh-hans/people/dmitry-arseniev/").text
    assert (
        '<h1><span>德米特里·阿尔谢尼耶夫</span><span class="honorific">教授</span></h1>' in chinese
    )
    assert "<title>德米特里·阿尔谢尼耶夫教授 · " in chinese
    russian = client.get("/ru/people/dmitry-arseniev/").text
    assert (
        '<h1><span class="honorific">Профессор</span> <span>Дмитрий Арсеньев</span></h1>' in russian
    )


def test_a_cancelled_event_stays_listed_marked_as_cancelled(client, db):
    from partners.models import Event
    from tests.factories import make_event, make_organization

    partner = make_organization()
    cancelled = make_event(name_en="Autumn school", status=Event.Status.CANCELLED)
    cancelled.organizers.add(partner)
    make_event(name_en="Spring school")
    for url in ("/en/events/", "/en/", partner.get_absolute_url()):
        html = client.get(url).text
        assert "Autumn school" in html, url
        assert html.count('<strong class="event-cancelled">Cancelled</strong>') == 1, url
    html = client.get(cancelled.get_absolute_url()).text
    assert "This event will not take place." in html
    assert "Cancelled" not in client.get(make_event().get_absolute_url()).text
