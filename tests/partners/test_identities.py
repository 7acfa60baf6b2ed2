"""Who a partner is: its identifiers, its names in each language, its memberships over time,
and "us" (the host university) apart from the partners, in the admin and on public pages."""

import datetime as dt
import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from partners.models import Membership, Organization, OrganizationName
from tests.factories import make_article, make_organization
from tests.forms import form_fields
from tests.news.test_previews import structured

SPBPU_ROR = "https://ror.org/02x91aj62"


def change_url(obj):
    return reverse(f"admin:partners_{obj._meta.model_name}_change", args=[obj.pk])


def organisation_form(client, organization) -> dict:
    page = client.get(change_url(organization))
    assert page.status_code == 200
    return form_fields(page.text, "organization_form")


# Identifiers in the admin


def test_identifiers_typed_any_accepted_way_are_saved_in_their_normal_form(client, editor):
    organization = make_organization()
    client.force_login(editor)
    form = organisation_form(client, organization)
    response = client.post(
        change_url(organization),
        {
            **form,
            "ror_id": " ror.org/02X91AJ62 ",
            "schac_code": "SPbSTU.ru",
            "erasmus_code": "f paris001",
            "pic": "999 866 821",
            "wikidata_id": "https://www.wikidata.org/wiki/Q981237",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    organization.refresh_from_db()
    assert organization.identifiers() == [
        ("ROR", SPBPU_ROR),
        ("SCHAC", "spbstu.ru"),
        ("Erasmus", "F  PARIS001"),
        ("PIC", "999866821"),
        ("Wikidata", "Q981237"),
    ]


def test_a_wrong_identifier_is_refused_on_its_field_and_nothing_is_saved(client, editor):
    organization = make_organization(city_en="Harbin")
    client.force_login(editor)
    with translation.override("en"):
        response = client.post(
            change_url(organization),
            {**organisation_form(client, organization), "ror_id": "02x91aj63", "city_en": "X"},
        )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["ror_id"]
    assert "typing error" in errors["ror_id"][0]
    organization.refresh_from_db()
    assert (organization.ror_id, organization.city_en) == (None, "Harbin")


def test_a_ror_id_another_organisation_has_is_refused_however_it_is_typed(client, editor):
    make_organization(ror_id=SPBPU_ROR, pic="999866821")
    organization = make_organization()
    client.force_login(editor)
    response = client.post(
        change_url(organization),
        {**organisation_form(client, organization), "ror_id": "02x91aj62", "pic": "999866821"},
    )
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"ror_id", "pic"}


def test_identifiers_are_unique_only_when_set(db):
    first, second = make_organization(), make_organization()
    assert first.ror_id is None and second.ror_id is None
    # An Erasmus code may be shared (the brief: unique ones are ROR, SCHAC, PIC, Wikidata).
    for organization in (first, second):
        organization.erasmus_code = "F  PARIS001"
        organization.full_clean()
        organization.save()
    first.schac_code = "spbstu.ru"
    first.save()
    second.schac_code = "spbstu.ru"
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    second.schac_code = ""  # empty, as code may write it, is stored as NULL
    second.save()
    assert Organization.objects.filter(schac_code__isnull=True).count() == 1


def test_the_admin_groups_the_identifiers_and_explains_them(superuser_client):
    organization = make_organization()
    with translation.override("en"):
        html = superuser_client.get(change_url(organization)).text
    assert "<h2" in html and ">Identifiers</h2>" in html
    assert "search the name at ror.org" in html
    assert "internet domain, such as spbstu.ru" in html
    listing = superuser_client.get(reverse("admin:partners_organization_changelist")).text
    assert "By ROR ID" in listing and "By Erasmus code" in listing
    found = superuser_client.get(
        reverse("admin:partners_organization_changelist"), {"ror_id__isempty": "1"}
    )
    assert list(found.context["cl"].result_list) == [organization]


# Other names


def test_an_editor_adds_an_organisations_other_names_in_its_form(client, editor, caplog):
    caplog.set_level(logging.INFO, logger="intloffice.audit")
    aturc = make_organization(kind="association", name_en="ATURC association")
    client.force_login(editor)
    form = organisation_form(client, aturc)
    form.update(
        {
            "names-TOTAL_FORMS": "2",
            "names-0-value": "  АТУРК ",
            "names-0-kind": "acronym",
            "names-0-language": "ru",
            "names-0-organization": str(aturc.pk),
            "names-1-value": "ASRTU",
            "names-1-kind": "acronym",
            "names-1-language": "",
            "names-1-organization": str(aturc.pk),
        }
    )
    response = client.post(change_url(aturc), form)
    assert response.status_code == 302, response.context["inline_admin_formsets"]
    assert sorted(aturc.names.values_list("language", "value")) == [("", "ASRTU"), ("ru", "АТУРК")]
    aturc.refresh_from_db()
    assert sorted(aturc.aliases.splitlines()) == ["ASRTU", "АТУРК"]
    # In History with the organisation, and in the audit log.
    revision = Version.objects.get_for_object(aturc).first().revision
    saved = {str(version.object) for version in revision.version_set.all()}
    assert saved == {"ATURC association", "ASRTU", "АТУРК"}
    assert "Added other name “ASRTU”" in caplog.text


def test_the_aliases_follow_the_names_added_changed_and_deleted(db):
    organization = make_organization()
    name = OrganizationName.objects.create(organization=organization, value="HIT", kind="acronym")
    OrganizationName.objects.create(organization=organization, value="哈工大", language="zh-hans")
    organization.refresh_from_db()
    assert organization.aliases == "HIT\n哈工大"
    name.value = "HITech"
    name.save()
    organization.refresh_from_db()
    assert organization.aliases == "HITech\n哈工大"
    name.delete()
    organization.refresh_from_db()
    assert organization.aliases == "哈工大"
    organization.delete()  # the names go with it
    assert not OrganizationName.objects.exists()


@pytest.mark.parametrize(
    ("language", "kind", "value", "query"),
    [
        ("ru", "acronym", "ХИТ", "хит"),
        ("zh-hans", "label", "哈尔滨工业大学", "工业大学"),
        ("", "acronym", "HITX", "hitx"),
        ("en", "alias", "Harbin Polytechnic", "polytechnic"),
    ],
)
def test_an_organisation_is_found_by_each_of_its_names(client, db, language, kind, value, query):
    organization = make_organization(slug="hit", name_en="Harbin Institute of Technology")
    OrganizationName.objects.create(
        organization=organization, language=language, kind=kind, value=value
    )
    for page_language in ("en", "ru", "zh-hans"):
        response = client.get(f"/{page_language}/search/", {"q": query})
        hits = response.context["results"].partners.hits
        assert [hit.object.slug for hit in hits] == ["hit"], (page_language, query)


def test_a_script_in_a_name_or_alias_is_text_everywhere(client, superuser_client):
    script = '<script>alert("x")</script>'
    organization = make_organization(slug="xss", name_en=f"Xss {script} University")
    OrganizationName.objects.create(organization=organization, value=f"Zyx {script}")
    make_article(organizations=[organization], title_en="About zyx")
    pages = [
        "/en/partners/",
        "/en/partners/xss/",
        "/en/search/?q=zyx",
        "/en/search/?q=xss",
        "/en/news/",
    ]
    for url in pages:
        html = client.get(url).text
        assert script not in html, url
        assert "alert" not in html or "&lt;script&gt;alert" in html, url
    admin = superuser_client.get(change_url(organization)).text
    assert script not in admin and "Zyx &lt;script&gt;" in admin


# Memberships over time


def test_a_membership_cannot_end_before_it_began(db):
    association = make_organization(kind="association")
    membership = Membership(
        member=make_organization(),
        association=association,
        since=dt.date(2016, 5, 1),
        until=dt.date(2015, 1, 1),
    )
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        membership.full_clean()
    assert refused.value.message_dict == {
        "until": ["A membership cannot end before it began: check both dates."]
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()
    membership.until = membership.since  # a membership of one day
    membership.full_clean()
    membership.save()


def test_an_inline_membership_ending_before_it_began_is_refused_in_the_form(client, editor):
    association = make_organization(kind="association")
    member = make_organization()
    client.force_login(editor)
    form = organisation_form(client, member)
    form.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-association": str(association.pk),
            "memberships-0-member": str(member.pk),
            "memberships-0-since": "2016-05-01",
            "memberships-0-until": "2015-01-01",
        }
    )
    response = client.post(change_url(member), form)
    assert response.status_code == 200
    (formset,) = [
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "memberships"
    ]
    assert "until" in formset.formset.forms[0].errors
    assert not Membership.objects.exists()


@pytest.fixture
def association_with_history(db):
    """An association with two current members and one that left; today is fixed."""
    aturc = make_organization(slug="aturc", kind="association", name_en="ATURC association")
    founding = make_organization(slug="founding", name_en="Founding University")
    newer = make_organization(slug="newer", name_en="Newer University")
    left = make_organization(slug="left", name_en="Departed University")
    Membership.objects.create(member=founding, association=aturc, since=dt.date(2011, 3, 1))
    Membership.objects.create(member=newer, association=aturc)
    Membership.objects.create(
        member=left, association=aturc, since=dt.date(2012, 1, 1), until=dt.date(2020, 12, 31)
    )
    return aturc


def test_the_associations_page_lists_its_members_since_and_former_members_apart(
    client, association_with_history
):
    response = client.get("/en/partners/aturc/")
    assert [link.member.slug for link in response.context["members"]] == ["founding", "newer"]
    assert [link.member.slug for link in response.context["former_members"]] == ["left"]
    html = response.text
    members = html[html.index('id="members"') : html.index('id="former-members"')]
    assert "Founding University" in members and "member since 2011" in members
    assert "Departed University" not in members
    former = html[html.index('id="former-members"') :]
    assert "Departed University" in former and "2012–2020, former member" in former


def test_a_members_page_says_since_when_and_which_memberships_ended(
    client, association_with_history
):
    html = client.get("/en/partners/founding/").text
    assert "since 2011" in html[html.index('id="memberships"') :]
    left = client.get("/en/partners/left/").text
    assert "2012–2020, former member" in left[left.index('id="memberships"') :]


def test_a_member_is_member_of_its_current_associations_in_its_structured_data(
    client, association_with_history
):
    founding = structured(client, "/en/partners/founding/")["CollegeOrUniversity"]
    assert founding["memberOf"] == [
        {
            "@type": "Organization",
            "name": "ATURC association",
            "url": "http://testserver/en/partners/aturc/",
        }
    ]
    left = structured(client, "/en/partners/left/")["CollegeOrUniversity"]
    assert "memberOf" not in left  # it left in 2020


def test_a_membership_ending_today_is_current_until_tomorrow(db, time_machine):
    association = make_organization(kind="association")
    link = Membership.objects.create(
        member=make_organization(), association=association, until=dt.date(2025, 12, 31)
    )
    time_machine.move_to(dt.datetime(2025, 12, 31, 12, 0, tzinfo=dt.UTC))
    assert link.is_current() and list(Membership.objects.current()) == [link]
    time_machine.move_to(dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC))
    assert not link.is_current() and not Membership.objects.current().exists()


@pytest.mark.parametrize("count", [1, 50])
def test_the_associations_page_costs_the_same_queries_at_1_and_50_members(
    client, db, django_assert_max_num_queries, count
):
    association = make_organization(
        slug="association", kind="association", ror_id=SPBPU_ROR, erasmus_code="F  PARIS001"
    )
    OrganizationName.objects.create(organization=association, value="ASSOC", kind="acronym")
    Membership.objects.create(member=association, association=make_organization(kind="association"))
    for number in range(count):
        member = make_organization(wikidata_id=f"Q{number + 1}")
        OrganizationName.objects.create(organization=member, value=f"U{number}", kind="acronym")
        Membership.objects.create(
            member=member,
            association=association,
            since=dt.date(2010, 1, 1),
            until=dt.date(2020, 1, 1) if number % 2 else None,
        )
    # The organisation, its offices and people, its memberships, its news, its timeline
    # (events, visits' organisations, articles, agreements), its agreements, its
    # translations' states; the site's menus (once per content generation: this is the
    # first page after a change).
    with django_assert_max_num_queries(11):
        response = client.get("/en/partners/association/")
    assert response.status_code == 200
    shown = len(response.context["members"]) + len(response.context["former_members"])
    assert shown == count
    # A member's page (the menus are read already): the same, its associations too.
    with django_assert_max_num_queries(10):
        assert client.get(f"/en/partners/{member.slug}/").status_code == 200


# Identifiers on the page and in structured data


def test_an_organisations_identifiers_are_on_its_page_and_in_its_structured_data(client, db):
    make_organization(
        slug="xjtu",
        name_en="Xi'an Jiaotong University",
        website="http://en.xjtu.edu.cn/",
        ror_id="https://ror.org/017zhmm22",
        wikidata_id="Q981237",
        schac_code="xjtu.edu.cn",
        erasmus_code="F  PARIS001",
        pic="999866821",
    )
    data = structured(client, "/en/partners/xjtu/")["CollegeOrUniversity"]
    assert data["sameAs"] == [
        "https://ror.org/017zhmm22",
        "https://www.wikidata.org/wiki/Q981237",
        "http://en.xjtu.edu.cn/",
    ]
    assert data["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "ROR", "value": "https://ror.org/017zhmm22"},
        {"@type": "PropertyValue", "propertyID": "SCHAC", "value": "xjtu.edu.cn"},
        {"@type": "PropertyValue", "propertyID": "Erasmus", "value": "F  PARIS001"},
        {"@type": "PropertyValue", "propertyID": "PIC", "value": "999866821"},
    ]
    html = client.get("/en/partners/xjtu/").text
    assert '<a href="https://ror.org/017zhmm22" rel="external">' in html
    assert '<dd class="erasmus-code">F  PARIS001</dd>' in html


def test_an_organisation_without_identifiers_has_none_on_its_page(client, db):
    make_organization(slug="plain", website="https://plain.example/")
    data = structured(client, "/en/partners/plain/")["CollegeOrUniversity"]
    assert data["sameAs"] == ["https://plain.example/"] and "identifier" not in data
    assert 'class="facts identifiers"' not in client.get("/en/partners/plain/").text


# The host university: "us", never a partner


def test_the_host_university_is_found_as_ours_not_as_a_partner(client, seed_entities):
    for language in ("en", "ru", "zh-hans"):
        response = client.get(f"/{language}/search/", {"q": "SPbPU"})
        results = response.context["results"]
        assert "spbpu" not in {hit.object.slug for hit in results.partners.hits}
        assert {hit.object.slug for hit in results.ours.hits} == {"spbpu", "spbpu-shanghai"}
        html = response.text
        assert f'href="/{language}/partners/spbpu/"' in html[html.index('id="results-ours"') :]
        partners = results.partners.hits
        assert all(not hit.object.is_host() for hit in partners)


def test_the_home_page_and_news_filter_do_not_list_the_host_among_partners(client, seed_entities):
    home = client.get("/en/").text
    partners = home[home.index('id="our-partners"') :]
    assert 'href="/en/partners/aturc/"' in partners and "/en/partners/spbpu/" not in partners
    news = client.get("/en/news/").text
    select = news[news.index('id="filter-partner"') : news.index("</select>")]
    ours = select[select.index("<optgroup") :]
    assert 'value="spbpu"' in ours and 'value="spbpu-shanghai"' in ours
    assert 'value="spbpu"' not in select[: select.index("<optgroup")]
    # Filtering by the host still works.
    assert client.get("/en/news/", {"partner": "spbpu"}).context["active_partner"].slug == "spbpu"


def test_the_host_universitys_page_is_in_the_sitemap_as_a_page(client, seed_entities):
    """The sitemap lists pages, not partners: the host university has one, like any."""
    sitemap = client.get("/sitemap-partners-1.xml").text
    assert "/en/partners/spbpu/" in sitemap


def test_an_organisation_with_names_is_saved_and_a_stale_name_refused(client, editor):
    organization = make_organization()
    name = OrganizationName.objects.create(organization=organization, value="HIT")
    client.force_login(editor)
    form = organisation_form(client, organization)
    # Saved as opened: the names' rows are not stale.
    response = client.post(change_url(organization), {**form, "city_en": "Harbin"})
    assert response.status_code == 302, response.context["inline_admin_formsets"]
    # Someone renames the name meanwhile; the editor's form, opened before, is refused.
    form = organisation_form(client, organization)
    name.value, name.version = "HIT Harbin", name.version + 1
    name.save()
    row = next(key for key, value in form.items() if key.endswith("-id") and value == str(name.pk))
    response = client.post(change_url(organization), {**form, row.replace("-id", "-value"): "H"})
    assert response.status_code == 200 and "saved this at" in response.text
    name.refresh_from_db()
    assert name.value == "HIT Harbin"


@pytest.mark.parametrize("slug", ["map", "agreements"])
def test_an_organisation_cannot_take_the_address_of_a_page_under_partners(db, slug):
    from django.core.exceptions import ValidationError

    organization = make_organization(slug=f"free-{slug}")
    organization.slug = slug
    with pytest.raises(ValidationError, match=f"/partners/{slug}/"):
        organization.full_clean()
