"""Uploaded images: refused unless safe, stored upright without metadata under a name the
server makes, and shown through WebP and fallback renditions at several widths."""

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo
from sorl.thumbnail.models import KVStore

from intloffice.core import images
from intloffice.core.images import ProcessedImageFormField, normalised, validate_image
from news.models import Article
from partners.models import Organization, Person
from tests.factories import make_article, make_organization, make_person

SERVER_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")
RED, BLUE = (220, 20, 20), (20, 20, 220)
ORIENTATION, GPS_IFD = 0x0112, 0x8825


# --- Files to upload ------------------------------------------------------------------


def encoded(image: Image.Image, format: str, **params) -> bytes:
    output = io.BytesIO()
    image.save(output, format, **params)
    return output.getvalue()


def halves(size=(600, 400), mode="RGB") -> Image.Image:
    """Left half red, right half blue: which way up it is stored can be seen."""
    image = Image.new(mode, size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image


def photo_from_a_phone() -> bytes:
    """A JPEG held sideways (EXIF Orientation 6) with GPS, XMP and a comment."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[GPS_IFD] = {1: "N", 2: (59.0, 57.0, 0.0), 3: "E", 4: (30.0, 18.0, 0.0)}
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><secret-location/></x:xmpmeta>'
    return encoded(halves(), "JPEG", exif=exif, xmp=xmp, comment=b"secret-comment")


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height pixels, with no pixel data behind
    it: decoding it would fail, so a refusal for its size proves the header was read
    first and nothing was decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"'
    b' onload="alert(1)"><script>alert(document.cookie)</script>'
    b'<rect width="100" height="100" fill="red"/></svg>'
)
NOT_AN_IMAGE = SimpleUploadedFile("holiday.jpg", b"Just some text.\n", "image/jpeg")
MESSAGE = {code: str(message) for code, message in images.MESSAGES.items()}
TOO_MANY_PIXELS = MESSAGE["too_many_pixels"] % {"limit": 40}

REFUSED = {
    "text-named-jpg": (lambda: NOT_AN_IMAGE, MESSAGE["unsupported"]),
    "svg-with-script": (
        lambda: SimpleUploadedFile("logo.svg", SVG_WITH_SCRIPT, "image/svg+xml"),
        MESSAGE["unsupported"],
    ),
    "svg-named-png": (
        lambda: SimpleUploadedFile("logo.png", SVG_WITH_SCRIPT, "image/png"),
        MESSAGE["unsupported"],
    ),
    "gif": (
        lambda: SimpleUploadedFile("a.gif", encoded(halves(), "GIF"), "image/gif"),
        MESSAGE["unsupported"],
    ),
    "bmp": (
        lambda: SimpleUploadedFile("a.bmp", encoded(halves(), "BMP"), "image/bmp"),
        MESSAGE["unsupported"],
    ),
    "tiff-named-jpg": (
        lambda: SimpleUploadedFile("a.jpg", encoded(halves(), "TIFF"), "image/jpeg"),
        MESSAGE["unsupported"],
    ),
    "truncated-jpeg": (
        lambda: SimpleUploadedFile("a.jpg", encoded(halves(), "JPEG")[:600], "image/jpeg"),
        MESSAGE["damaged"],
    ),
    # Over our 40 million; under Pillow's own limit (about 89 million).
    "7000x7000-png": (
        lambda: SimpleUploadedFile("big.png", png_declaring(7000, 7000), "image/png"),
        TOO_MANY_PIXELS,
    ),
    # Pillow warns (DecompressionBombWarning): a refusal too.
    "10000x10000-png": (
        lambda: SimpleUploadedFile("big.png", png_declaring(10_000, 10_000), "image/png"),
        TOO_MANY_PIXELS,
    ),
    # Pillow raises (DecompressionBombError).
    "20000x20000-png": (
        lambda: SimpleUploadedFile("bomb.png", png_declaring(20_000, 20_000), "image/png"),
        TOO_MANY_PIXELS,
    ),
    "over-10-mb": (
        lambda: SimpleUploadedFile(
            "huge.jpg", b"\xff\xd8\xff" + bytes(images.MAX_BYTES), "image/jpeg"
        ),
        MESSAGE["too_large"] % {"size": "10.0\xa0MB", "limit": "10.0\xa0MB"},
    ),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Uploads and renditions go to a fresh folder; sorl's cached keys start empty."""
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield tmp_path
    cache.clear()


def files_in(root: Path) -> set[Path]:
    return {path.relative_to(root) for path in root.rglob("*") if path.is_file()}


def stored_image(field_file) -> Image.Image:
    with field_file.open("rb") as handle:
        return Image.open(io.BytesIO(handle.read()))


# --- The form field on its own --------------------------------------------------------


def image_field() -> forms.Field:
    return Article._meta.get_field("image").formfield()


def test_every_image_field_gets_the_checking_form_field():
    for model, name in ((Article, "image"), (Organization, "logo"), (Person, "photo")):
        field = model._meta.get_field(name).formfield()
        assert isinstance(field, ProcessedImageFormField)
        assert isinstance(field, forms.ImageField)
    assert image_field().widget.attrs["accept"] == "image/jpeg,image/png,image/webp"


def test_the_model_field_still_migrates_as_a_plain_image_field():
    _name, path, _args, kwargs = Article._meta.get_field("image").deconstruct()
    assert path == "django.db.models.ImageField"
    assert kwargs["upload_to"] == "articles/%Y/"


@pytest.mark.parametrize("case", REFUSED, ids=str)
def test_form_field_refuses_with_one_clear_line(case):
    make_upload, message = REFUSED[case]
    with pytest.raises(ValidationError) as refusal:
        image_field().clean(make_upload())
    assert refusal.value.messages == [message]


def test_size_is_checked_before_the_file_is_read():
    class Unreadable(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("the upload was read")

    upload = Unreadable("huge.jpg", b"", "image/jpeg")
    upload.size = images.MAX_BYTES + 1
    with pytest.raises(ValidationError) as refusal:
        validate_image(upload)
    assert refusal.value.code == "too_large"


def test_the_limits_allow_a_large_camera_photo():
    info = validate_image(SimpleUploadedFile("a.png", png_declaring(8000, 5000)))
    assert (info.format, info.width, info.height) == ("PNG", 8000, 5000)


def test_sideways_phone_photo_is_stored_upright_without_any_metadata():
    source = photo_from_a_phone()
    with Image.open(io.BytesIO(source)) as original:  # what there is to remove
        assert original.getexif().get_ifd(GPS_IFD)[1] == "N"
        assert original.getexif()[ORIENTATION] == 6 and original.size == (600, 400)
    cleaned = image_field().clean(SimpleUploadedFile("IMG_0001.jpg", source))
    data = cleaned.read()
    assert SERVER_NAME.match(cleaned.name) and cleaned.name.endswith(".jpg")
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.mode == "RGB"
    # 600 × 400 held sideways is 400 × 600 upright; the left (red) half is now on top.
    assert image.size == (400, 600)
    assert all(abs(a - b) < 40 for a, b in zip(image.getpixel((200, 60)), RED, strict=True))
    assert all(abs(a - b) < 40 for a, b in zip(image.getpixel((200, 540)), BLUE, strict=True))
    assert not image.getexif()
    assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
    for secret in (b"Exif", b"secret-location", b"secret-comment"):
        assert secret not in data
    assert image.info.get("progressive") or image.info.get("progression")


def test_colour_profile_is_converted_to_srgb_and_dropped():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = SimpleUploadedFile("a.jpg", encoded(halves(), "JPEG", icc_profile=srgb))
    image = Image.open(normalised(upload))
    assert "icc_profile" not in image.info
    assert all(abs(a - b) < 40 for a, b in zip(image.getpixel((10, 10)), RED, strict=True))


@pytest.mark.parametrize("format", ["PNG", "WEBP"])
def test_transparent_png_and_webp_keep_their_format_and_alpha(format):
    picture = halves(mode="RGBA")
    picture.paste((0, 0, 0, 0), (0, 0, 100, 100))
    exif = Image.Exif()
    exif[GPS_IFD] = {1: "N", 2: (59.0, 57.0, 0.0)}
    params = {"exif": exif}
    if format == "PNG":
        params["pnginfo"] = PngInfo()
        params["pnginfo"].add_text("Comment", "secret-comment")
    else:
        params["xmp"] = b"<x:xmpmeta><secret-comment/></x:xmpmeta>"
    # Named .jpg on purpose: the content decides the format, not the uploader's name.
    upload = SimpleUploadedFile("scan.jpg", encoded(picture, format, **params))
    cleaned = normalised(upload)
    data = cleaned.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == format and image.mode == "RGBA"
    assert cleaned.name.endswith(".png" if format == "PNG" else ".webp")
    assert image.getpixel((10, 10))[3] == 0 and image.getpixel((300, 300))[3] == 255
    assert b"secret-comment" not in data and not image.getexif()


def test_sixteen_bit_grey_png_keeps_its_tones():
    grey = Image.new("I;16", (50, 50), 32768)
    image = Image.open(normalised(SimpleUploadedFile("a.png", encoded(grey, "PNG"))))
    assert image.mode == "L" and 120 <= image.getpixel((5, 5)) <= 135


def test_each_upload_gets_a_new_server_name():
    names = {normalised(SimpleUploadedFile("same.jpg", photo_from_a_phone())).name}
    names.add(normalised(SimpleUploadedFile("same.jpg", photo_from_a_phone())).name)
    assert len(names) == 2 and all(SERVER_NAME.match(name) for name in names)


# --- Through the admin, as an editor uploads ------------------------------------------


def change_form_data(client, article) -> dict:
    """What the admin's change form posts back unchanged, plus its hidden fields."""
    url = reverse("admin:news_article_change", args=[article.pk])
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {
        "title_en": article.title_en,
        "slug": article.slug,
        "summary_en": article.summary_en,
        "body_en": article.body_en,
        "status": article.status,
        "publish_at_0": article.publish_at.strftime("%Y-%m-%d"),
        "publish_at_1": article.publish_at.strftime("%H:%M:%S"),
        "original_language": article.original_language,
        "image_alt_en": "Delegates at the summit",
        "image_caption_en": "The summit opens",
        "image_credit": "Photo: SPbPU",
    }
    for name, field in form.fields.items():
        if name not in data and field.widget.is_hidden:
            value = form[name].value()
            data[name] = "" if value is None else value
    for formset in response.context["inline_admin_formsets"]:
        for field in formset.formset.management_form:
            data[field.html_name] = field.value()
    return data


def post_image(client, article, upload):
    data = {**change_form_data(client, article), "image": upload}
    return client.post(reverse("admin:news_article_change", args=[article.pk]), data)


def test_admin_upload_is_stored_upright_stripped_and_renamed(admin_client, media):
    article = make_article()
    response = post_image(
        admin_client, article, SimpleUploadedFile("IMG_0001.jpg", photo_from_a_phone())
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    folder, name = article.image.name.rsplit("/", 1)
    assert folder.startswith("articles/") and SERVER_NAME.match(name)
    assert "IMG_0001" not in article.image.name
    assert files_in(media) == {Path(article.image.name)}
    image = stored_image(article.image)
    assert image.size == (400, 600)
    assert not image.getexif() and "exif" not in image.info
    assert b"Exif" not in (media / article.image.name).read_bytes()


@pytest.mark.parametrize("case", REFUSED, ids=str)
def test_admin_refuses_and_stores_nothing(admin_client, media, case):
    article = make_article()
    article.image = normalised(SimpleUploadedFile("first.jpg", encoded(halves(), "JPEG")))
    article.save()
    before = files_in(media)
    make_upload, message = REFUSED[case]

    response = post_image(admin_client, article, make_upload())

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["image"] == [message]
    assert message in response.text.replace("&amp;", "&").replace("&#x27;", "'")
    assert files_in(media) == before
    stored_name = article.image.name
    article.refresh_from_db()
    assert article.image.name == stored_name


# --- On the public pages --------------------------------------------------------------


def picture_tag(html: str, tag: str) -> str:
    """The <source> or <img> of the page's first <picture>."""
    picture = re.search(r"<picture>.*?</picture>", html, re.DOTALL).group(0)
    return re.search(rf"<{tag}\b[^>]*>", picture).group(0)


def srcset(html: str, tag: str) -> list[tuple[str, int]]:
    attributes = picture_tag(html, tag)
    value = re.search(r'srcset="([^"]+)"', attributes).group(1)
    candidates = [candidate.split() for candidate in value.split(", ")]
    return [(url, int(width.rstrip("w"))) for url, width in candidates]


def rendition_on_disk(media: Path, url: str) -> Path:
    return media / url.removeprefix("/media/")


def article_with_image(size=(1600, 900), **fields) -> Article:
    upload = SimpleUploadedFile("a.jpg", encoded(halves(size), "JPEG"))
    return make_article(image=normalised(upload), **fields)


def test_article_page_shows_a_picture_with_webp_renditions(db, client, media):
    article = article_with_image(
        image_alt_en="Delegates at the summit", image_caption_en="Opening", image_credit="SPbPU"
    )
    html = client.get(article.get_absolute_url()).text

    assert '<source type="image/webp"' in html
    webp, fallback = srcset(html, "source"), srcset(html, "img")
    assert [width for _url, width in webp] == [480, 800, 1200]
    assert [width for _url, width in fallback] == [480, 800, 1200]
    for url, width in webp + fallback:
        with Image.open(rendition_on_disk(media, url)) as rendition:
            assert rendition.width == width
            assert rendition.format == ("WEBP" if url.endswith(".webp") else "JPEG")
    img = picture_tag(html, "img")
    assert 'width="800" height="450"' in img
    assert 'alt="Delegates at the summit"' in img
    assert 'loading="lazy"' not in img  # the article's main image loads at once
    assert '<figcaption><span>Opening</span> <span class="credit">SPbPU</span>' in html


def test_small_image_is_never_upscaled(db, client, media):
    article = article_with_image(size=(600, 300))
    html = client.get(article.get_absolute_url()).text
    assert [width for _url, width in srcset(html, "source")] == [480, 600]
    assert [width for _url, width in srcset(html, "img")] == [480, 600]
    img = picture_tag(html, "img")
    assert 'width="600" height="300"' in img


def test_decorative_image_has_empty_alt(db, client):
    article = article_with_image(image_alt_en="Ignored", image_decorative=True)
    html = client.get(article.get_absolute_url()).text
    img = picture_tag(html, "img")
    assert 'alt=""' in img


def test_transparent_logo_falls_back_to_png(db, client, media):
    logo = halves((400, 200), mode="RGBA")
    upload = SimpleUploadedFile("logo.png", encoded(logo, "PNG"))
    organization = make_organization(logo=normalised(upload))
    html = client.get(organization.get_absolute_url()).text
    assert [width for _url, width in srcset(html, "source")] == [96, 192]
    fallback = srcset(html, "img")
    assert all(url.endswith(".png") for url, _width in fallback)
    img = picture_tag(html, "img")
    assert 'width="96" height="48"' in img and 'alt=""' in img and 'class="logo"' in img
    assert 'loading="lazy"' in img
    with Image.open(rendition_on_disk(media, fallback[0][0])) as rendition:
        assert rendition.mode == "RGBA"


def test_person_page_shows_the_photo_with_its_description(db, client):
    upload = SimpleUploadedFile("me.jpg", encoded(halves((800, 1000)), "JPEG"))
    person = make_person(photo=normalised(upload), photo_alt_en="Professor at a lectern")
    html = client.get(person.get_absolute_url()).text
    assert [width for _url, width in srcset(html, "source")] == [160, 320, 640]
    img = picture_tag(html, "img")
    assert 'alt="Professor at a lectern"' in img and 'class="portrait"' in img
    assert 'width="320" height="400"' in img


def test_renditions_are_recorded_in_the_database_for_every_server(db, client, media):
    """sorl-thumbnail records each image and its renditions (name and size) in its table: a
    server with an empty cache finds them there, without opening or making a file again."""
    article = article_with_image()
    first = client.get(article.get_absolute_url()).text
    shown = srcset(first, "source") + srcset(first, "img")
    assert KVStore.objects.count() == 8  # the source, its list of renditions, six renditions
    renditions = [rendition_on_disk(media, url) for url, _width in shown]
    # Gone from the disk: a server that did not read the records would make them again.
    for path in renditions:
        path.unlink()
    cache.clear()  # another app server: its own empty cache, the same database
    again = client.get(article.get_absolute_url()).text
    assert srcset(again, "source") + srcset(again, "img") == shown
    assert not any(path.exists() for path in renditions)


def test_an_image_costs_no_queries_once_its_renditions_exist(
    db, client, django_assert_max_num_queries
):
    plain = make_article()
    illustrated = article_with_image()
    with CaptureQueriesContext(connection) as without_image:
        assert client.get(plain.get_absolute_url()).status_code == 200
    baseline = len(without_image.captured_queries)

    # The first view makes six renditions and records them (21 queries today).
    with django_assert_max_num_queries(baseline + 6 * 4):
        assert client.get(illustrated.get_absolute_url()).status_code == 200
    # From then on sorl reads them from the cache: the page costs what it costs without.
    with django_assert_max_num_queries(baseline):
        assert client.get(illustrated.get_absolute_url()).status_code == 200
