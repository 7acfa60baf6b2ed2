"""Private files: stored apart from the media under a name nobody can guess, with no public
address, and sent to staff as an attachment that is neither cached nor run."""

import pytest
from django.core.files.base import ContentFile

from intloffice.core.private_files import PrivateFileInput, download, private_storage, random_name


class Upload:
    class _meta:  # noqa: N801 - as a model's
        model_name = "agreement"


def test_a_private_file_is_stored_in_the_private_folder_under_a_random_name(private_files):
    first = random_name(Upload(), "Treaty with XJTU.PDF")
    assert first.startswith("agreement/") and first.endswith(".pdf") and "XJTU" not in first
    assert random_name(Upload(), "Treaty with XJTU.PDF") != first
    name = private_storage().save(first, ContentFile(b"%PDF"))
    assert (private_files / name).read_bytes() == b"%PDF"


def test_a_private_file_has_no_address(private_files):
    name = private_storage().save("agreement/a.pdf", ContentFile(b"%PDF"))
    with pytest.raises(ValueError, match="no public address"):
        private_storage().url(name)


def test_the_folder_follows_the_setting(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "elsewhere"
    assert private_storage().location == str(tmp_path / "elsewhere")


def test_a_download_is_an_attachment_never_cached_nor_run(private_files):
    name = private_storage().save("agreement/a.pdf", ContentFile(b"%PDF-1.4"))
    with private_storage().open(name) as file:
        response = download(file, "agreement-7.pdf")
        assert b"".join(response.streaming_content) == b"%PDF-1.4"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="agreement-7.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_the_admin_input_links_the_download_view_not_the_file(private_files):
    name = private_storage().save("agreement/a.pdf", ContentFile(b"%PDF"))
    stored = type("Stored", (), {"name": name, "__str__": lambda self: name})()
    linked = PrivateFileInput(download_url="/admin/x/1/signed-copy/").render("copy", stored)
    assert 'href="/admin/x/1/signed-copy/"' in linked and name not in linked
    kept = PrivateFileInput().render("copy", stored)
    assert "href" not in kept and name not in kept and "you may not download it" in kept
