"""Uploaded media in production: served with DEBUG off from the local folder with strict
headers, or kept in S3-compatible object storage (a moto emulator started on 127.0.0.1),
and never left behind when an image is replaced or its object deleted."""

import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.functional import empty
from moto.server import ThreadedMotoServer
from PIL import Image
from sorl.thumbnail import default as thumbnails
from sorl.thumbnail.images import get_or_create_storage
from sorl.thumbnail.models import KVStore

from intloffice.core import media as media_module
from intloffice.core.images import normalised
from intloffice.settings import media_storage
from news.models import Article
from tests.core.test_images import (
    change_form_data,
    encoded,
    halves,
    photo_from_a_phone,
    picture_tag,
    srcset,
)
from tests.factories import make_article, make_organization, make_person
from tests.test_settings import run_settings

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


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


# --- S3-compatible object storage (moto's emulator, over real HTTP) -------------------


@pytest.fixture(scope="session")
def s3_endpoint():
    """One S3 emulator for the whole session, on a free port of 127.0.0.1."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


S3_KEYS = {"AWS_ACCESS_KEY_ID": "emulator-key", "AWS_SECRET_ACCESS_KEY": "emulator-secret"}


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh bucket, made the default storage exactly as the environment would."""
    for name, value in S3_KEYS.items():
        monkeypatch.setenv(name, value)
    name = f"media-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    # Readable by anyone, as an operator sets it up: browsers fetch images straight from it.
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read(name)))
    environment = {
        "AWS_STORAGE_BUCKET_NAME": name,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
    }
    settings.STORAGES = {**settings.STORAGES, "default": media_storage(environment)}
    forget_sorl_storages()
    yield Bucket(client, name, f"{s3_endpoint}/{name}/")
    forget_sorl_storages()


def forget_sorl_storages():
    """sorl keeps the storages it met; a test that changes STORAGES must make it look again
    (a running site never changes them)."""
    thumbnails.storage._wrapped = empty
    get_or_create_storage.cache_clear()


def public_read(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }


class Bucket:
    def __init__(self, client, name: str, url: str):
        self.client, self.name, self.url = client, name, url

    def keys(self) -> set[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return {item["Key"] for item in listing.get("Contents", [])}


def fetch(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


def test_s3_admin_upload_is_stored_in_the_bucket_and_shown_from_it(db, admin_client, bucket, media):
    article = make_article()
    response = post_change(
        admin_client,
        article,
        image=SimpleUploadedFile("IMG_0001.jpg", encoded(halves((1600, 900)), "JPEG")),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert bucket.keys() == {article.image.name}
    assert files_in(media) == set()  # nothing on this server's disk

    html = show(admin_client, article)
    urls = rendition_urls(html) + [og_image(html)]
    assert picture_tag(html, "img").startswith(f'<img src="{bucket.url}')
    assert len(urls) == 7 and all(url.startswith(bucket.url) for url in urls)
    assert {url.removeprefix(bucket.url) for url in urls} <= bucket.keys()
    assert len(bucket.keys()) == 7
    for url, width in srcset(html, "source") + srcset(html, "img"):
        status, headers, data = fetch(url)
        assert status == 200
        assert headers["Content-Type"] == ("image/webp" if url.endswith(".webp") else "image/jpeg")
        assert headers["Cache-Control"] == IMMUTABLE
        assert Image.open(io.BytesIO(data)).width == width
    status, headers, data = fetch(og_image(html))
    assert status == 200 and Image.open(io.BytesIO(data)).size == (1600, 900)


def test_s3_renditions_are_found_by_another_server_without_being_made_again(
    db, client, bucket, django_assert_max_num_queries
):
    article = make_article(image=jpeg())
    first = show(client, article)
    stored = bucket.keys()
    assert KVStore.objects.count() == 8  # the source, its list of renditions, six renditions
    cache.clear()  # another app server: its own empty cache, the same database and bucket
    with django_assert_max_num_queries(60):
        again = show(client, article)
    assert rendition_urls(again) == rendition_urls(first)
    assert bucket.keys() == stored


def test_s3_replaced_and_deleted_images_leave_nothing_in_the_bucket(
    db, admin_client, bucket, django_capture_on_commit_callbacks
):
    article = make_article(image=jpeg())
    show(admin_client, article)
    assert len(bucket.keys()) == 7

    rollback = pytest.raises(RuntimeError), transaction.atomic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, rollback[0], rollback[1]:
        article.image = jpeg((600, 300))
        article.save()
        raise RuntimeError("the rest of the change failed")
    assert callbacks == [] and len(bucket.keys()) >= 7
    article.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        upload = SimpleUploadedFile("new.jpg", photo_from_a_phone())
        assert post_change(admin_client, article, image=upload).status_code == 302
    article.refresh_from_db()
    left = bucket.keys() - {article.image.name}
    assert not [key for key in left if not key.startswith("articles/")]  # no rendition left
    show(admin_client, article)
    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("admin:news_article_delete", args=[article.pk])
        assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert bucket.keys() == left  # only the rolled-back upload's file, never referenced


def test_storage_problem_names_what_is_down(db, bucket, settings, s3_endpoint, tmp_path):
    assert media_module.storage_problem() is None
    bucket.client.delete_bucket(Bucket=bucket.name)
    assert "NoSuchBucket" in media_module.storage_problem()
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    down = {"AWS_STORAGE_BUCKET_NAME": "media", "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    settings.STORAGES = {**settings.STORAGES, "default": media_storage(down)}
    problem = media_module.storage_problem()
    assert problem.startswith("media storage: EndpointConnectionError") and "\n" not in problem

    settings.STORAGES = {**settings.STORAGES, "default": media_storage({})}
    settings.MEDIA_ROOT = tmp_path / "not" / "made" / "yet"
    assert media_module.storage_problem() is None
    (tmp_path / "file").write_text("")
    settings.MEDIA_ROOT = tmp_path / "file" / "media"
    assert "not writable" in media_module.storage_problem()


def test_the_media_route_answers_404_when_media_is_in_object_storage(db, client, bucket, media):
    (media / ("b" * 32 + ".jpg")).write_bytes(encoded(halves((20, 10)), "JPEG"))
    assert client.get("/media/" + "b" * 32 + ".jpg").status_code == 404


# --- Chosen by environment variables --------------------------------------------------


def test_storage_is_the_local_folder_unless_a_bucket_is_named():
    assert media_storage({})["BACKEND"].endswith("FileSystemStorage")
    assert media_storage({"AWS_STORAGE_BUCKET_NAME": "b"})["BACKEND"].endswith("S3Storage")
    chosen = media_storage({"DJANGO_MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "office"})
    assert chosen["OPTIONS"]["querystring_auth"] is False
    assert chosen["OPTIONS"]["object_parameters"] == {"CacheControl": IMMUTABLE}


def test_custom_domain_gives_plain_public_urls(settings, monkeypatch):
    for name, value in S3_KEYS.items():
        monkeypatch.setenv(name, value)
    environment = {
        "AWS_STORAGE_BUCKET_NAME": "office",
        "AWS_S3_CUSTOM_DOMAIN": "media.example.org",
        "AWS_LOCATION": "site",
    }
    settings.STORAGES = {**settings.STORAGES, "default": media_storage(environment)}
    from django.core.files.storage import storages

    url = storages["default"].url("articles/2026/" + "c" * 32 + ".jpg")
    assert url == "https://media.example.org/site/articles/2026/" + "c" * 32 + ".jpg"


def test_a_wrong_storage_setting_stops_start_up_with_one_line():
    code = "from django.conf import settings; settings.STORAGES"
    missing = run_settings(code, DJANGO_SECRET_KEY="x", DJANGO_MEDIA_STORAGE="s3")
    assert "DJANGO_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME." in missing.stderr
    unknown = run_settings(code, DJANGO_SECRET_KEY="x", DJANGO_MEDIA_STORAGE="ftp")
    assert "DJANGO_MEDIA_STORAGE='ftp': use 'filesystem' (the default) or 's3'." in unknown.stderr


def test_a_page_whose_image_file_is_gone_still_renders(db, client, media, caplog):
    """A revision put back from History may name a file deleted since: no 500."""
    article = make_article(image=jpeg((300, 200)))
    (media / article.image.name).unlink()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "<picture>" not in response.text
