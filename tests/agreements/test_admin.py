"""Agreements in the admin: recorded by editors, shown on the site only by publishers (through
every door), filtered by status, kind, country and coming expiry, listed on the index when
they need attention; the signed copy kept private and downloaded with a permission."""

import datetime as dt
import logging
from pathlib import Path

import pytest
import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from agreements.models import Agreement, AgreementParty
from intloffice.core.private_files import private_storage
from tests.factories import make_agreement, make_organization
from tests.forms import form_fields

DAY = dt.timedelta(days=1)
PDF = b"%PDF-1.4\n% a signed agreement\n%%EOF\n"


@pytest.fixture
def audit(caplog):
    caplog.set_level(logging.INFO, logger="intloffice.audit")
    return caplog


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PRIVATE_ROOT


def change_url(agreement):
    return reverse("admin:agreements_agreement_change", args=[agreement.pk])


def opened(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return form_fields(page.text, "agreement_form")


def test_a_new_agreement_starts_with_the_university_and_needs_a_partner(
    client, editor, seed_entities, audit
):
    from partners.models import Organization

    spbpu, aturc = (Organization.objects.get(slug=slug) for slug in ("spbpu", "aturc"))
    add = reverse("admin:agreements_agreement_add")
    client.force_login(editor)
    form = opened(client, add)
    assert form["party_links-0-organization"] == str(spbpu.pk)
    assert not form["party_links-1-organization"]
    form.update({"title_en": "Memorandum with ATURC", "kind": "memorandum"})
    alone = client.post(add, form)
    assert alone.status_code == 200
    assert "at least two parties" in alone.text
    form["party_links-1-organization"] = str(aturc.pk)
    form["party_links-1-unit_en"] = "Secretariat"
    response = client.post(add, form)
    assert response.status_code == 302, response.context and response.context["errors"]
    agreement = Agreement.objects.get()
    assert agreement.slug == "memorandum-with-aturc"  # made from the title
    assert {link.organization for link in agreement.party_links.all()} == {spbpu, aturc}
    assert not agreement.published
    assert f"editor: add agreement {agreement.pk} 'Memorandum with ATURC'" in audit.text


def test_an_editor_cannot_show_an_agreement_on_the_site(client, editor):
    agreement = make_agreement(published=False)
    client.force_login(editor)
    form = opened(client, change_url(agreement))
    assert "published" not in form  # shown read-only
    response = client.post(change_url(agreement), {**form, "published": "on", "notes": "Seen."})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.notes == "Seen." and not agreement.published


def test_what_is_on_the_site_changes_only_through_a_publisher(client, editor, publisher, audit):
    agreement = make_agreement(published=False)
    client.force_login(publisher)
    form = opened(client, change_url(agreement))
    response = client.post(change_url(agreement), {**form, "published": "on"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.published
    assert f"publisher: change agreement {agreement.pk}" in audit.text
    assert "Shown on the site" in audit.text
    # Public now: an editor may read it, not change or delete it.
    client.force_login(editor)
    page = client.get(change_url(agreement))
    assert page.status_code == 200 and 'name="title_en"' not in page.text
    assert client.post(change_url(agreement), {**form, "summary_en": "x"}).status_code == 403
    delete = reverse("admin:agreements_agreement_delete", args=[agreement.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Agreement.objects.filter(pk=agreement.pk, summary="").exists()
    client.force_login(publisher)
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert f"publisher: delete agreement {agreement.pk}" in audit.text


def test_a_forged_request_to_publish_is_refused(rf, editor):
    from django.contrib import admin

    agreement = make_agreement(published=False)
    agreement.published = True
    request = rf.post("/")
    request.user = editor
    model_admin = admin.site._registry[Agreement]
    with pytest.raises(Exception, match="may not show or hide"):
        model_admin.save_model(request, agreement, form=None, change=True)
    assert not Agreement.objects.get(pk=agreement.pk).published


def test_history_cannot_put_an_agreement_on_the_site_behind_a_publisher(
    client, editor, publisher, audit
):
    agreement = make_agreement()  # public
    with reversion.create_revision():
        agreement.save()
    public_version = Version.objects.get_for_object(agreement).first()
    Agreement.objects.filter(pk=agreement.pk).update(published=False)
    client.force_login(editor)
    revert = reverse("admin:agreements_agreement_revision", args=[agreement.pk, public_version.pk])
    assert client.get(revert).status_code == 403
    assert client.post(revert, opened_or_empty(client, revert)).status_code == 403
    assert not Agreement.objects.get(pk=agreement.pk).published
    assert f"editor was refused revert of agreement {agreement.pk}" in audit.text
    # A deleted public agreement comes back only through a publisher too.
    agreement.delete()
    recover = reverse("admin:agreements_agreement_recover", args=[public_version.pk])
    assert client.get(recover).status_code == 403
    client.force_login(publisher)
    assert client.get(recover).status_code == 200


def opened_or_empty(client, url):
    page = client.get(url)
    return form_fields(page.text, "agreement_form") if page.status_code == 200 else {}


def test_the_signed_copy_is_private_and_downloaded_with_a_permission(
    client, editor, private_root, audit
):
    agreement = make_agreement(published=False)
    client.force_login(editor)
    form = opened(client, change_url(agreement))
    upload = SimpleUploadedFile("Treaty with XJTU.pdf", PDF, content_type="application/pdf")
    response = client.post(change_url(agreement), {**form, "signed_copy": upload})
    assert response.status_code == 302
    agreement.refresh_from_db()
    name = agreement.signed_copy.name
    # A random name in the private folder, nothing in the media.
    assert name.startswith("agreement/") and name.endswith(".pdf") and "XJTU" not in name
    assert (Path(private_root) / name).read_bytes() == PDF
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*"))
    with pytest.raises(ValueError, match="no public address"):
        private_storage().url(name)
    # The form links the download view, never a file's address.
    page = client.get(change_url(agreement)).text
    download = reverse("admin:agreements_agreement_signed_copy", args=[agreement.pk])
    assert f'href="{download}"' in page and name not in page
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == (
        f'attachment; filename="agreement-{agreement.pk}.pdf"'
    )
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(",", " ").split())
    assert response["X-Content-Type-Options"] == "nosniff"
    assert f"editor downloaded the signed copy of agreement {agreement.pk}" in audit.text


def test_staff_without_the_permission_get_no_signed_copy(client, editor, private_root, audit):
    from django.contrib.auth.models import Permission

    agreement = make_agreement()
    agreement.signed_copy.save("copy.pdf", SimpleUploadedFile("copy.pdf", PDF))
    reader = get_user_model().objects.create_user("reader", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_agreement"))
    client.force_login(reader)
    page = client.get(change_url(agreement))
    assert page.status_code == 200
    assert "you may not download it" in page.text
    download = reverse("admin:agreements_agreement_signed_copy", args=[agreement.pk])
    assert client.get(download).status_code == 403
    assert "reader was refused the signed copy" in audit.text
    # An editor may download it from the read-only form of a public agreement.
    client.force_login(get_user_model().objects.get(pk=editor.pk))
    page = client.get(change_url(agreement)).text
    assert 'name="title_en"' not in page and f'href="{download}"' in page
    client.logout()
    assert client.get(download).status_code == 302  # to the login page
    assert client.get(f"/media/{agreement.signed_copy.name}").status_code == 404


def test_a_missing_signed_copy_is_not_found(client, editor):
    client.force_login(editor)
    download = reverse("admin:agreements_agreement_signed_copy", args=[make_agreement().pk])
    assert client.get(download).status_code == 404


def test_a_signed_copy_must_be_a_document(client, editor, private_root):
    agreement = make_agreement(published=False)
    client.force_login(editor)
    form = opened(client, change_url(agreement))
    upload = SimpleUploadedFile("copy.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(change_url(agreement), {**form, "signed_copy": upload})
    assert response.status_code == 200 and "File extension" in response.text


def changelist(client, query=""):
    response = client.get(reverse("admin:agreements_agreement_changelist") + query)
    assert response.status_code == 200
    return {agreement.title for agreement in response.context["cl"].result_list}


def test_the_list_filters_by_status_kind_country_and_coming_expiry(client, publisher):
    today = timezone.localdate()
    us = make_organization(slug="spbpu", country="RU")
    china, germany = make_organization(country="CN"), make_organization(country="DE")
    make_agreement(parties=[us, china], title_en="Soon", valid_until=today + 100 * DAY)
    make_agreement(parties=[us, germany], title_en="Later", kind="research")
    make_agreement(parties=[us, germany], title_en="Past", valid_until=today - DAY)
    make_agreement(parties=[us, china], title_en="Talks", signed_on=None)
    client.force_login(publisher)
    assert changelist(client, "?status=active") == {"Soon", "Later"}
    assert changelist(client, "?status=expired") == {"Past"}
    assert changelist(client, "?status=draft") == {"Talks"}
    assert changelist(client, "?expiring=180") == {"Soon"}
    assert changelist(client, "?expiring=90") == set()
    assert changelist(client, "?kind__exact=research") == {"Later"}
    assert changelist(client, "?country=CN") == {"Soon", "Talks"}
    page = client.get(reverse("admin:agreements_agreement_changelist")).text
    # Only the partners' countries in use: not the university's own, not the world's.
    assert "?country=CN" in page and "?country=DE" in page
    assert "?country=RU" not in page and "?country=FR" not in page


def test_the_admin_index_lists_agreements_expiring_within_180_days(client, editor):
    today = timezone.localdate()
    make_agreement(valid_until=today + 10 * DAY)
    make_agreement(valid_until=today + 179 * DAY, published=False)
    make_agreement(valid_until=today + 200 * DAY)
    client.force_login(editor)
    html = client.get(reverse("admin:index")).text
    assert "Agreements expiring within 180 days" in html
    row = html[html.index("Agreements expiring within 180 days") :]
    assert row.split("<td>", 1)[1].startswith("2</td>")
    assert "/admin/agreements/agreement/?expiring=180" in html
    assert changelist(client, "?expiring=180") == {
        a.title for a in Agreement.objects.expiring_within(180)
    }


def test_nothing_expiring_nothing_listed(client, editor):
    make_agreement()
    client.force_login(editor)
    assert "Agreements expiring" not in client.get(reverse("admin:index")).text


def test_the_parties_and_the_agreement_are_in_one_history_revision(client, editor):
    agreement = make_agreement(published=False)
    client.force_login(editor)
    form = opened(client, change_url(agreement))
    form["party_links-0-unit_en"] = "Faculty of Physics"
    assert client.post(change_url(agreement), form).status_code == 302
    revision = Version.objects.get_for_object(agreement).first().revision
    assert revision.user == editor
    assert AgreementParty.objects.get(unit="Faculty of Physics") in {
        version.object for version in revision.version_set.all()
    }
