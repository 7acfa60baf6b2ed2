"""The partners' admin as the office uses it: memberships and participations edited where
they belong, country filters that list only the countries in use, and the model named in
the right case in Russian titles."""

import re

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from tests.factories import make_event, make_organization


def filter_choices(html: str, parameter: str) -> list[str]:
    return re.findall(rf'href="\?{parameter}=([A-Z]{{2}})"', html)


def test_organisation_country_filter_lists_only_countries_in_use(superuser_client):
    make_organization(country="CN")
    make_organization(country="RU")
    make_organization(country="CN")
    make_organization()  # no country
    html = superuser_client.get(reverse("admin:partners_organization_changelist")).text
    assert sorted(filter_choices(html, "country")) == ["CN", "RU"]
    filtered = superuser_client.get(
        reverse("admin:partners_organization_changelist") + "?country=CN"
    )
    assert filtered.context["cl"].result_count == 2


def test_event_country_filter_lists_only_countries_in_use(superuser_client):
    make_event(country="KZ")
    html = superuser_client.get(reverse("admin:partners_event_changelist")).text
    assert filter_choices(html, "country") == ["KZ"]


def test_country_filter_names_countries_in_the_admins_language(superuser_client):
    make_organization(country="CN")
    superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = superuser_client.get(reverse("admin:partners_organization_changelist")).text
    assert '<a href="?country=CN">Китай</a>' in html


def test_memberships_and_participations_are_not_listed_apart_from_their_forms(superuser_client):
    html = superuser_client.get(reverse("admin:index")).text
    assert reverse("admin:partners_organization_changelist") in html
    for model in ("membership", "participation"):
        changelist = reverse(f"admin:partners_{model}_changelist")
        assert changelist not in html
        # Still there for History and for anyone who has the address.
        assert superuser_client.get(changelist).status_code == 200


def test_memberships_and_participations_are_edited_inside_their_forms(superuser_client):
    organisation = make_organization()
    html = superuser_client.get(
        reverse("admin:partners_organization_change", args=[organisation.pk])
    ).text
    assert 'id="memberships-group"' in html and 'id="member_links-group"' in html
    html = superuser_client.get(reverse("admin:partners_event_add")).text
    assert 'id="participations-group"' in html


def test_slug_is_in_the_advanced_section_of_organisations_and_people(superuser_client):
    for model in ("organization", "person"):
        html = superuser_client.get(reverse(f"admin:partners_{model}_add")).text
        advanced = re.search(
            r"<details><summary>\s*<h2[^>]*>Advanced</h2>\s*</summary>(.*?)</details>", html, re.S
        )
        assert advanced and 'name="slug"' in advanced[1], model


def test_russian_titles_name_organisations_and_people_in_the_accusative(superuser_client):
    superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    for model, name in (("organization", "organisation"), ("person", "person")):
        html = superuser_client.get(reverse(f"admin:partners_{model}_add")).text
        with translation.override("ru"):
            title = gettext("Add %s") % pgettext("accusative", name)
            wrong = gettext("Add %s") % gettext(name)
        assert f"<h1>{title}</h1>" in html
        assert wrong not in html


def test_russian_confirmations_agree_with_every_record_and_titles_keep_their_quotes():
    """Django's Russian says "статья … был добавлен" and puts straight quotes inside the
    related-record links' title attributes (which ends the attribute early); the office's
    catalog words both (intloffice/core/django_wording.py)."""
    with translation.override("ru"):
        saved = gettext("The {name} “{obj}” was changed successfully.")
        assert saved.format(name="статья", obj="Саммит") == "Сохранено: статья «Саммит»."
        for sentence in ("Change selected %(model)s", "Add another %(model)s"):
            title = gettext(sentence) % {"model": "рубрика"}
            assert "рубрика" in title and '"' not in title
    with translation.override("zh-hans"):
        assert gettext("Delete selected %(model)s") % {"model": "标签"} == "删除选中的标签"
