"""Uploaded media in production: served with DEBUG off from the local folder with strict
headers, or kept in S3-compatible object storage (a moto emulator started on 127.0.0.1),
and never left behind when an image is replaced or its object deleted."""

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.functional import empty
from moto.server import ThreadedMotoServer
from PIL import Image
from sorl.thumbnail.models import KVStore
from sorl.thumbnail import default as thumbnails

from intloffice import media as media_module
from intloffice.images import delete_unused_image, normalised
from news.models import Article
from tests.factories import make_article, make_organization, make_person
from tests.test_images import (
    change_form_data,
    encoded,
    halves,
    photo_from_a_phone,
    picture_tag,
    srcset,
)
from tests.test_settings import run_settings

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def admin_client(client, django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@example.org", "x" * 20)
    client.force_login(django_user_model.objects.get(username="admin"))
    return client


def files_in(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def jpeg(size=(1600, 900)):
    return normalised(SimpleUploadedFile("a.jpg", encoded(halves(size), "JPEG")))


def rendition_urls(html: str) -> list[str]:
    return [url for tag in ("source", "img") for url, _width in srcset(html, tag)]


def og_image(html: str) -> str:
    return re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)


# --- Served from the local folder, DEBUG off ------------------------------------------


def assert_media_headers(response, cache_control=IMMUTABLE):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["Cache-Control"] == cache_control


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_article_image_renditions_and_og_image_are_served_with_debug_off(
    db, client, media, settings, django_assert_max_num_queries
):
    assert not settings.DEBUG
    article = make_article(image=jpeg())
    html = client.get(article.get_absolute_url()).text
    urls = rendition_urls(html) + [og_image(html).removeprefix("http://testserver")]
    assert len(urls) == 7 and all(url.startswith("/media/") for url in urls)
    for url in urls:
        with django_assert_max_num_queries(0):
            response = client.get(url)
        assert response.status_code == 200, url
        expected = "image/webp" if url.endswith(".webp") else "image/jpeg"
        assert response["Content-Type"] == expected
        assert_media_headers(response)
        data = body(response)
        assert data == (media / url.removeprefix("/media/")).read_bytes()
        assert Image.open(io.BytesIO(data)).format == ("WEBP" if expected.endswith("p") else "JPEG")


def test_a_repeat_request_is_answered_not_modified(db, client):
    article = make_article(image=jpeg((100, 50)))
    first = client.get(article.image.url)
    again = client.get(article.image.url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 304 and not again.content
    assert_media_headers(again)


def test_byte_ranges(db, client, media):
    article = make_article(image=jpeg((100, 50)))
    data = (media / article.image.name).read_bytes()
    url = article.image.url

    head = client.get(url, headers={"Range": "bytes=0-9"})
    assert head.status_code == 206 and head.content == data[:10]
    assert head["Content-Range"] == f"bytes 0-9/{len(data)}"
    assert_media_headers(head)
    tail = client.get(url, headers={"Range": "bytes=-5"})
    assert tail.status_code == 206 and tail.content == data[-5:]
    rest = client.get(url, headers={"Range": "bytes=10-"})
    assert rest.status_code == 206 and rest.content == data[10:]
    beyond = client.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(data)}"
    several = client.get(url, headers={"Range": "bytes=0-1,5-6"})
    assert several.status_code == 200 and body(several) == data  # the whole file instead


def test_a_name_that_may_be_reused_is_cached_briefly(client, media):
    (media / "logo.png").write_bytes(encoded(halves((20, 10)), "PNG"))
    response = client.get("/media/logo.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert_media_headers(response, cache_control="public, max-age=3600")


def test_html_disguised_as_an_image_cannot_run(client, media):
    """Were such a file ever stored, it is declared an image, not sniffed, and barred from
    running anything; files of any other type are not served at all."""
    script = b"<html><script>alert(document.cookie)</script></html>"
    (media / ("a" * 32 + ".jpg")).write_bytes(script)
    response = client.get("/media/" + "a" * 32 + ".jpg")
    assert response["Content-Type"] == "image/jpeg"
    assert_media_headers(response)
    for name in ("page.html", "logo.svg", "notes.txt", "archive.tar.gz", "noextension"):
        (media / name).write_bytes(script)
        assert client.get(f"/media/{name}").status_code == 404, name


@pytest.mark.parametrize(
    "path",
    [
        "/media/../media/x.jpg",
        "/media/%2e%2e/secret.jpg",
        "/media/..%2fsecret.jpg",
        "/media/%2fetc/secret.jpg",
        "/media//etc/secret.jpg",
        "/media/outside/secret.jpg",  # a symlink pointing out of the folder
        "/media/linked.jpg",  # a symlinked file outside the folder
        "/media/folder.jpg",  # a directory
        "/media/missing.jpg",
        "/media/nul%00.jpg",
    ],
)
def test_nothing_outside_the_media_folder_is_reachable(client, media, tmp_path, path):
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(encoded(halves((20, 10)), "JPEG"))
    (media / "outside").symlink_to(tmp_path)
    (media / "linked.jpg").symlink_to(secret)
    (media / "folder.jpg").mkdir()
    response = client.get(path)
    assert response.status_code in (400, 404), path
    assert secret.read_bytes() not in body(response)


def test_media_answers_only_reads(db, client):
    article = make_article(image=jpeg((100, 50)))
    assert client.head(article.image.url).status_code == 200
    assert client.post(article.image.url).status_code == 405
    assert client.delete(article.image.url).status_code == 405


def test_a_draft_image_is_linked_from_no_public_page(db, client):
    """Media URLs are unguessable (128 random bits) and served to whoever has them, as a
    bucket or CDN would; a draft's image is therefore never named on a public page."""
    draft = make_article(image=jpeg((300, 200)), status="draft")
    name = draft.image.name.rsplit("/", 1)[1].split(".")[0]
    for url in ("/en/", "/en/news/", "/en/news/feed/", "/sitemap.xml", draft.get_absolute_url()):
        response = client.get(url)
        assert name not in (response.text if not response.streaming else ""), url


def free_port() -> int:
    """A free port among those the media tests may use (8130-8139)."""
    for port in range(8130, 8140):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 8130-8139")


@pytest.fixture
def gunicorn(media, tmp_path):
    """`make serve`'s server (gunicorn, DEBUG off) over the test's media folder."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "tests-only-not-a-secret",
        "DJANGO_VAR_DIR": str(tmp_path),
        "MEDIA_ROOT": str(media),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("DJANGO_DEBUG", None)
    command = [sys.executable, "-m", "gunicorn", "intloffice.wsgi", "--workers", "1"]
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}"], env=env, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(10)


def test_served_over_real_http_by_gunicorn(db, client, media, gunicorn):
    article = make_article(image=jpeg((900, 450)))
    html = client.get(article.get_absolute_url()).text  # makes the renditions
    for url in rendition_urls(html) + [og_image(html).removeprefix("http://testserver")]:
        with urllib.request.urlopen(gunicorn + url) as file:
            assert file.status == 200
            assert file.headers["Content-Security-Policy"] == "default-src 'none'"
            assert file.headers["X-Content-Type-Options"] == "nosniff"
            assert file.headers["Cache-Control"] == IMMUTABLE
            assert file.read() == (media / url.removeprefix("/media/")).read_bytes()


# --- Replaced or deleted images leave nothing behind (local folder) -------------------


def show(client, obj) -> str:
    """The object's public page, which makes its renditions."""
    response = client.get(obj.get_absolute_url())
    assert response.status_code == 200
    return response.text


def post_change(client, article, **changes):
    data = {**change_form_data(client, article), **changes}
    return client.post(reverse("admin:news_article_change", args=[article.pk]), data)


def test_an_image_replaced_in_the_admin_leaves_no_file_behind(
    db, admin_client, media, django_capture_on_commit_callbacks
):
    article = make_article(image=jpeg())
    show(admin_client, article)
    assert len(files_in(media)) == 7  # the original and six renditions
    assert KVStore.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        upload = SimpleUploadedFile("new.jpg", photo_from_a_phone())
        response = post_change(admin_client, article, image=upload)
    assert response.status_code == 302
    article.refresh_from_db()
    assert files_in(media) == {article.image.name}
    assert not KVStore.objects.exists()  # sorl's records of the old renditions too
    show(admin_client, article)
    assert len(files_in(media)) == 7


def test_an_image_cleared_or_deleted_in_the_admin_leaves_no_file_behind(
    db, admin_client, media, django_capture_on_commit_callbacks
):
    cleared, deleted = make_article(image=jpeg()), make_article(image=jpeg((800, 400)))
    show(admin_client, cleared), show(admin_client, deleted)
    assert len(files_in(media)) == 14

    with django_capture_on_commit_callbacks(execute=True):
        response = post_change(admin_client, cleared, **{"image-clear": "on"})
    assert response.status_code == 302
    assert files_in(media) and not any(
        name.startswith(cleared.image.name) for name in files_in(media)
    )
    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("admin:news_article_delete", args=[deleted.pk])
        assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert files_in(media) == set()


@pytest.mark.parametrize(
    "make, field", [(make_organization, "logo"), (make_person, "photo")], ids=["logo", "photo"]
)
def test_a_replaced_logo_or_photo_leaves_no_file_behind(
    db, client, media, django_capture_on_commit_callbacks, make, field
):
    owner = make(**{field: jpeg((700, 700))})
    show(client, owner)
    first = files_in(media)
    assert len(first) > 2
    with django_capture_on_commit_callbacks(execute=True):
        setattr(owner, field, jpeg((500, 500)))
        owner.save()
    assert files_in(media) == {getattr(owner, field).name}
    with django_capture_on_commit_callbacks(execute=True):
        owner.delete()
    assert files_in(media) == set()


def test_a_rolled_back_change_deletes_nothing(
    db, client, media, django_capture_on_commit_callbacks
):
    article = make_article(image=jpeg())
    show(client, article)
    before = files_in(media)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            article.image = jpeg((600, 300))
            article.save()
            raise RuntimeError("the rest of the change failed")
        with pytest.raises(RuntimeError), transaction.atomic():
            Article.objects.get(pk=article.pk).delete()
            raise RuntimeError("the rest of the deletion failed")
    assert callbacks == []
    assert before <= files_in(media)


def test_a_file_another_row_still_uses_is_kept(db, media, django_capture_on_commit_callbacks):
    article = make_article(image=jpeg((300, 200)))
    copy = make_article(image=article.image.name)
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert files_in(media) == {copy.image.name}
    with django_capture_on_commit_callbacks(execute=True):
        copy.delete()
    assert files_in(media) == set()


def test_a_save_that_leaves_the_image_alone_costs_no_query_for_it(db, media):
    article = Article.objects.get(pk=make_article(image=jpeg((300, 200))).pk)
    with CaptureQueriesContext(connection) as queries:
        article.title_en = "A new title"
        article.save()
    assert not [query for query in queries if '."image" FROM' in query["sql"]]
    assert len(files_in(media)) == 1


def test_a_failing_storage_does_not_undo_a_committed_change(
    db, media, caplog, django_capture_on_commit_callbacks
):
    article = make_article(image=jpeg((300, 200)))
    (media / article.image.name).unlink()
    # A folder that is not empty where the file was: deleting it fails.
    (media / article.image.name / "x").mkdir(parents=True)
    with django_capture_on_commit_callbacks(execute=True):
        article.image = jpeg((200, 100))
        article.save()
    article.refresh_from_db()
    assert article.image.name in files_in(media)
    assert "Error calling" in caplog.text and "on_commit" in caplog.text
