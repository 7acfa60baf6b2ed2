"""An image chosen in an admin form survives the form coming back with errors, and a saved
image shows as a preview beside its field: through the admin's real HTML forms."""

import io
import re
from pathlib import Path

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from intloffice.core.images import normalised
from intloffice.core.kept_uploads import KEPT_SALT
from news.models import Article
from tests.factories import make_article
from tests.forms import form_fields

ADD = reverse("admin:news_article_add")
KEPT_INPUT = re.compile(r'<input type="hidden" name="image-kept" value="([^"]+)">')


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg(colour=(200, 30, 40), size=(64, 48)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, colour).save(output, "JPEG", quality=90)
    return output.getvalue()


def waiting(media: Path) -> list[Path]:
    return sorted((media / "tmp" / "uploads").glob("*")) if (media / "tmp").exists() else []


def new_article_form(client) -> dict:
    """The add form's fields as a browser would send them, nothing typed yet."""
    response = client.get(ADD)
    assert response.status_code == 200
    return form_fields(response.text, "article_form")


def test_chosen_image_survives_a_validation_error_and_is_saved_on_the_next_submit(
    superuser_client, media
):
    fields = new_article_form(superuser_client)
    # No title in any language: the form comes back.
    upload = SimpleUploadedFile("students.jpg", jpeg(), content_type="image/jpeg")
    response = superuser_client.post(
        ADD, {**fields, "image": upload, "image_alt_en": "Students", "body_en": "<p>Text.</p>"}
    )
    assert response.status_code == 200
    assert "Give the article a title in at least one language." in response.text
    [kept] = waiting(media)
    html = response.text
    assert KEPT_INPUT.search(html), "the form carries the kept image"
    assert f'<img class="image-preview" src="/media/tmp/uploads/{kept.name}" alt="">' in html
    assert "The image you chose is kept" in html

    kept_content = kept.read_bytes()

    # The browser sends the form back: the file input is empty, the hidden token is not.
    again = form_fields(html, "article_form")
    assert "image" not in again
    response = superuser_client.post(ADD, {**again, "title_en": "Summer school"})
    assert response.status_code == 302, response.context["adminform"].form.errors

    article = Article.objects.get(title_en="Summer school")
    assert re.fullmatch(r"articles/\d{4}/[0-9a-f]{32}\.jpg", article.image.name)
    # The checked, re-encoded file is stored as it waited: not encoded a second time.
    assert (media / article.image.name).read_bytes() == kept_content
    assert waiting(media) == [], "nothing is left waiting once it is saved"


def test_image_kept_through_two_failed_submits_is_still_saved(superuser_client, media):
    fields = new_article_form(superuser_client)
    upload = SimpleUploadedFile("students.jpg", jpeg(), content_type="image/jpeg")
    first = superuser_client.post(ADD, {**fields, "image": upload, "image_decorative": "on"})
    second = superuser_client.post(ADD, form_fields(first.text, "article_form"))
    assert second.status_code == 200
    assert len(waiting(media)) == 1
    third = superuser_client.post(
        ADD, {**form_fields(second.text, "article_form"), "title_ru": "Школа"}
    )
    assert third.status_code == 302
    assert Article.objects.get(title_ru="Школа").image
    assert waiting(media) == []


def test_a_new_file_replaces_the_kept_one(superuser_client, media):
    fields = new_article_form(superuser_client)
    red = SimpleUploadedFile("red.jpg", jpeg((220, 20, 20)), content_type="image/jpeg")
    first = superuser_client.post(ADD, {**fields, "image": red, "image_decorative": "on"})
    blue = SimpleUploadedFile("blue.png", png_of((20, 20, 220)), content_type="image/png")
    again = {**form_fields(first.text, "article_form"), "title_en": "Blue", "image": blue}
    assert superuser_client.post(ADD, again).status_code == 302
    assert Article.objects.get(title_en="Blue").image.name.endswith(".png")


def png_of(colour) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (32, 32), colour).save(output, "PNG")
    return output.getvalue()


def test_the_kept_image_can_be_let_go(superuser_client, media):
    fields = new_article_form(superuser_client)
    upload = SimpleUploadedFile("students.jpg", jpeg(), content_type="image/jpeg")
    first = superuser_client.post(ADD, {**fields, "image": upload, "image_decorative": "on"})
    again = {
        **form_fields(first.text, "article_form"),
        "title_en": "No image",
        "image-kept-drop": "on",
    }
    assert superuser_client.post(ADD, again).status_code == 302
    assert not Article.objects.get(title_en="No image").image


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps("articles/2026/secret.jpg", salt=KEPT_SALT),  # outside the folder
        signing.dumps("tmp/uploads/" + "0" * 32 + ".jpg", salt=KEPT_SALT),  # no such file
        signing.dumps("tmp/uploads/" + "0" * 32 + ".jpg", salt="another purpose"),
    ],
    ids=["garbage", "other-folder", "gone", "other-salt"],
)
def test_a_token_that_cannot_be_honoured_says_so_in_one_line(superuser_client, media, token):
    fields = new_article_form(superuser_client)
    response = superuser_client.post(ADD, {**fields, "title_en": "Lost", "image-kept": token})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["image"] == [
        "The image you chose before could not be kept (more than a day passed, or the form "
        "was sent twice): choose it again."
    ]
    assert not Article.objects.filter(title_en="Lost").exists()


def test_a_refused_upload_is_not_kept(superuser_client, media):
    fields = new_article_form(superuser_client)
    upload = SimpleUploadedFile("drawing.gif", b"GIF89a" + b"\0" * 40, content_type="image/gif")
    response = superuser_client.post(ADD, {**fields, "image": upload})
    assert response.status_code == 200
    assert "image-kept" not in form_fields(response.text, "article_form")
    assert waiting(media) == []


def test_saved_image_shows_as_a_preview_beside_its_field(superuser_client, media):
    article = make_article()
    article.image = normalised(SimpleUploadedFile("first.jpg", jpeg()))
    article.save()
    response = superuser_client.get(reverse("admin:news_article_change", args=[article.pk]))
    assert f'<img class="image-preview" src="/media/{article.image.name}" alt="">' in response.text
    # The hashed name stays as the link to the full image, with the clear box beside it.
    assert f'href="/media/{article.image.name}"' in response.text
    assert 'name="image-clear"' in response.text


def test_an_article_without_an_image_shows_no_preview(superuser_client):
    response = superuser_client.get(reverse("admin:news_article_change", args=[make_article().pk]))
    assert "image-preview" not in response.text
