"""The static edition (manage.py publish_static): what it writes, what it never writes,
what a second run rewrites, and nginx serving it with the app's content types."""

import datetime as dt
import hashlib
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from intloffice.core.audit import CommandLine
from intloffice.website.static_edition import MANIFEST, publish, standalone_nginx_config
from news import workflow
from news.models import Article
from tests.factories import make_agreement, make_article, make_organization, make_page

NGINX = "/usr/sbin/nginx"
NGINX_PORT = 8831
LANGUAGES = ("en", "ru", "zh-hans")


@pytest.fixture
def site(db):
    """A partner with one article, an unrelated partner with another, 24 more articles
    (two list pages), an information page, an agreement with private notes, an agreement
    not shown on the site, a draft and a scheduled article."""
    partner = make_organization(name_en="Linked University", slug="linked-university")
    unrelated = make_organization(name_en="Unrelated University", slug="unrelated-university")
    article = make_article(title_en="Partner news", slug="partner-news", organizations=[partner])
    # Each partner's feed has an item: an empty feed says it was built "now" (Django's
    # lastBuildDate), so it is never byte for byte the same twice.
    make_article(organizations=[unrelated])
    for _ in range(24):
        make_article()
    make_page(slug="about-us", title_en="About us")
    make_agreement(parties=(partner, unrelated), notes="PRIVATE-NOTE-SENTINEL")
    make_agreement(
        parties=(partner, unrelated),
        title_en="HIDDEN-AGREEMENT-SENTINEL",
        slug="hidden-sentinel",
        published=False,
    )
    make_article(title_en="DRAFT-SENTINEL", slug="draft-sentinel", status=Article.Status.DRAFT)
    make_article(
        title_en="SCHEDULED-SENTINEL",
        slug="scheduled-sentinel",
        publish_at=timezone.now() + dt.timedelta(hours=1),
    )
    return {"article": article, "partner": partner, "unrelated": unrelated}


def digests(out: Path) -> dict[str, str]:
    return {
        path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in out.rglob("*")
        if path.is_file()
    }


def manifest(out: Path) -> dict:
    return json.loads((out / MANIFEST).read_text())


def all_text(out: Path) -> str:
    return "\n".join(
        path.read_text(errors="replace")
        for path in out.rglob("*")
        if path.is_file() and "static" not in path.relative_to(out).parts[:1]
    )


def test_every_language_page_feed_calendar_and_sitemap_is_written(site, tmp_path):
    out = tmp_path / "out"
    report = publish(out)
    for code in LANGUAGES:
        for name in (
            "index.html",
            "news/index.html",
            "news/index.page-2.html",
            "news/partner-news/index.html",
            "news/feed/index.rss",
            "news/feed/atom/index.atom",
            "events/calendar.ics",
            "partners/linked-university/index.html",
            "partners/linked-university/feed/index.rss",
            "partners/linked-university/calendar.ics",
            "partners/agreements/index.html",
            "about-us/index.html",
            "404.html",
        ):
            assert (out / code / name).is_file(), f"{code}/{name}"
    for name in ("robots.txt", "sitemap.xml", "sitemap-news-1.xml", "404.html"):
        assert (out / name).is_file(), name
    static = manifest(out)["static_files"]
    assert any(name.startswith("static/") and name.endswith(".css") for name in static)
    assert not any(name.startswith(("en/search", "api/", "admin/")) for name in digests(out))
    assert report.written > 0 and report.deleted == 0


def test_drafts_scheduled_articles_and_private_notes_never_reach_the_edition(site, tmp_path):
    out = tmp_path / "out"
    publish(out)
    text = all_text(out)
    assert "Partner news" in text
    sentinels = ("DRAFT", "SCHEDULED", "PRIVATE-NOTE", "HIDDEN-AGREEMENT")
    for sentinel in (f"{name}-SENTINEL" for name in sentinels):
        assert sentinel not in text
    assert not any("sentinel" in name for name in digests(out))


def test_a_script_in_a_title_is_escaped_in_the_written_pages(site, tmp_path):
    make_article(title_en="<script>alert('x')</script>", slug="scripted")
    out = tmp_path / "out"
    publish(out)
    page = (out / "en/news/scripted/index.html").read_text()
    assert "&lt;script&gt;alert(" in page
    assert "<script>alert(" not in all_text(out)


def test_a_second_run_without_a_change_writes_nothing(site, tmp_path):
    out = tmp_path / "out"
    publish(out)
    before = digests(out)
    report = publish(out)
    assert (report.written, report.deleted) == (0, 0)
    assert report.unchanged > 0
    assert digests(out) == before
    # Rendered again from scratch (--all), every page comes out byte for byte the same.
    report = publish(out, everything=True)
    assert (report.written, report.deleted) == (0, 0)
    assert digests(out) == before


def published_then_retitled(site, out: Path, title: str) -> tuple[dict, dict]:
    """Publish into ``out``, then retitle the partner's article: the files' digests and
    the manifest's pages before the edit."""
    publish(out)
    before, stamps = digests(out), manifest(out)["pages"]
    article = site["article"]
    article.title_en = title
    article.save()
    return before, stamps


def test_an_edited_title_rewrites_its_pages_and_lists_but_not_unrelated_pages(site, tmp_path):
    out = tmp_path / "out"
    before, stamps = published_then_retitled(site, out, "Partner news, edited")

    report = publish(out)

    after = digests(out)
    changed = {name for name in after if before.get(name) != after[name]} - {MANIFEST}
    for code in LANGUAGES:
        assert f"{code}/news/partner-news/index.html" in changed
        assert f"{code}/news/index.html" in changed
        assert f"{code}/news/feed/index.rss" in changed
        assert f"{code}/partners/linked-university/index.html" in changed
        for unrelated in ("about-us/", "partners/unrelated-university/"):
            assert f"{code}/{unrelated}index.html" not in changed
            # Not even rendered again: its stamp is the one kept from the first run.
            address = f"/{code}/{unrelated}"
            assert manifest(out)["pages"][address] == stamps[address]
    assert "Partner news, edited" in (out / "ru/news/partner-news/index.html").read_text()
    assert report.written == len(changed)


def test_unpublishing_an_article_removes_its_files(site, tmp_path):
    out = tmp_path / "out"
    publish(out)
    assert (out / "en/news/partner-news/index.html").is_file()
    article = site["article"]
    with workflow.acting(CommandLine("tests")):
        article.status = Article.Status.DRAFT
        article.save()

    report = publish(out)

    for code in LANGUAGES:
        assert not (out / code / "news/partner-news").exists()
    assert report.deleted >= 3
    assert "/en/news/partner-news/" not in manifest(out)["pages"]
    assert "Partner news" not in (out / "en/news/index.html").read_text()


def test_a_scheduled_article_appears_once_its_time_has_come(site, tmp_path):
    out = tmp_path / "out"
    publish(out)
    assert not (out / "en/news/scheduled-sentinel").exists()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
        publish(out)
    for code in LANGUAGES:
        assert (out / code / "news/scheduled-sentinel/index.html").is_file()
    assert "SCHEDULED-SENTINEL" in (out / "en/news/feed/index.rss").read_text()


def test_only_some_addresses_renders_those_and_leaves_every_other_file(site, tmp_path):
    out = tmp_path / "out"
    before, stamps = published_then_retitled(site, out, "Partner news, corrected")

    report = publish(out, only=["/en/news/partner-news/", "/en/news/?page=2"])

    after = digests(out)
    changed = {name for name in after if before.get(name) != after[name]} - {MANIFEST}
    assert changed == {"en/news/partner-news/index.html"}
    assert report.seen == 2 and report.deleted == 0
    pages = manifest(out)["pages"]
    assert set(pages) == set(stamps)
    # The pages it did not look at keep their stamps: the next whole run renews the
    # list pages and the other languages that show the old title.
    assert pages["/ru/news/partner-news/"] == stamps["/ru/news/partner-news/"]
    publish(out)
    assert "Partner news, corrected" in (out / "ru/news/partner-news/index.html").read_text()
    assert "Partner news, corrected" in (out / "en/news/index.html").read_text()


def test_only_into_an_empty_folder_writes_those_pages_and_what_serves_them(site, tmp_path):
    out = tmp_path / "out"
    call_command("publish_static", str(out), "--only", "/en/", "/sitemap.xml")
    assert set(manifest(out)["pages"]) == {"/en/", "/sitemap.xml"}
    assert (out / "en/index.html").is_file() and (out / "sitemap.xml").is_file()
    assert (out / "404.html").is_file() and (out / ".nginx/server.conf").is_file()
    assert not (out / "ru/index.html").exists()


@pytest.mark.parametrize("address", ["/en/search/?q=x", "https://example.org/en/", "en/news/"])
def test_only_an_address_not_in_the_edition_is_one_line_error(site, tmp_path, address):
    with pytest.raises(CommandError, match=r"not an address of the static edition$") as error:
        call_command("publish_static", str(tmp_path / "out"), "--only", address)
    assert "\n" not in str(error.value)
    assert not (tmp_path / "out").exists()


def test_an_out_that_is_a_file_is_one_line_error(db, tmp_path):
    taken = tmp_path / "taken"
    taken.write_text("")
    with pytest.raises(CommandError, match=r"is a file, not a folder$") as error:
        call_command("publish_static", str(taken))
    assert "\n" not in str(error.value)


def test_an_out_that_cannot_be_made_is_one_line_error(db, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    with pytest.raises(CommandError, match=r"cannot be made") as error:
        call_command("publish_static", str(blocker / "out"))
    assert "\n" not in str(error.value)


def test_a_host_the_site_refuses_is_one_line_error(site, tmp_path, settings):
    settings.SITE_URL = "https://elsewhere.example.org"
    with pytest.raises(CommandError, match=r"refused the request for elsewhere.example.org"):
        call_command("publish_static", str(tmp_path / "out"))


def test_the_command_prints_one_summary_line(site, tmp_path, capsys):
    call_command("publish_static", str(tmp_path / "out"))
    line = capsys.readouterr().out.strip()
    assert "\n" not in line
    assert "addresses" in line and "files written" in line and "deleted" in line


@pytest.fixture
def nginx(tmp_path):
    """nginx serving tmp_path/out with the shipped configuration; the app behind it is
    a closed port, so anything it would proxy answers 502."""
    if not os.path.exists(NGINX):
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is missing (.ci/run installs nginx-light)")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    folder = tmp_path / "nginx"
    folder.mkdir()
    out = tmp_path / "out"

    def start():
        config = folder / "nginx.conf"
        config.write_text(standalone_nginx_config(out, folder, NGINX_PORT, "127.0.0.1:9"))
        server = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(config), "-g", "daemon off;"],
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", NGINX_PORT), timeout=0.5).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.05)
        started.append(server)
        return out

    started = []
    yield start
    for server in started:
        server.terminate()
        server.wait(timeout=10)


def fetch(address: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{NGINX_PORT}{address}") as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_nginx_serves_every_file_with_the_type_the_app_gave_it(site, tmp_path, nginx):
    out = tmp_path / "out"
    publish(out)
    nginx()
    expected = {
        "/en/news/": "text/html; charset=utf-8",
        "/en/news/?page=2": "text/html; charset=utf-8",
        "/ru/news/feed/": "application/rss+xml; charset=utf-8",
        "/zh-hans/news/feed/atom/": "application/atom+xml; charset=utf-8",
        "/en/events/calendar.ics": "text/calendar; charset=utf-8",
        "/sitemap.xml": "application/xml",
        "/sitemap-news-1.xml": "application/xml",
        "/robots.txt": "text/plain; charset=utf-8",
    }
    pages = manifest(out)["pages"]
    for address, content_type in expected.items():
        assert pages[address]["type"] == content_type
    for address, entry in pages.items():
        status, content_type, body = fetch(address)
        assert (status, content_type) == (200, entry["type"]), address
        assert body == (out / entry["file"]).read_bytes(), address
    # The second page of the list is its own file, not page 1.
    assert fetch("/en/news/?page=2")[2] != fetch("/en/news/")[2]
    # Redirected to the folder's address, as the app does.
    assert fetch("/en/news")[2] == fetch("/en/news/")[2]


def test_nginx_leaves_search_filters_and_the_manifest_to_the_app(site, tmp_path, nginx):
    out = tmp_path / "out"
    publish(out)
    nginx()
    # Proxied to the app, which here is a closed port.
    for address in (
        "/",
        "/en/search/?q=news",
        "/en/news/?page=2&year=2020",
        "/en/news/?year=2020",
        "/api/v1/articles/",
        "/admin/",
        "/en/news/not-published-yet/",
    ):
        assert fetch(address)[0] == 502, address
    for address in (f"/{MANIFEST}", "/.nginx/server.conf"):
        assert fetch(address)[0] == 404, address
    assert fetch("/static/" + next(iter(Path(out, "static").glob("*.css"))).name)[0] == 200


def test_the_edition_copies_the_collected_static_files(site, tmp_path, settings):
    out = tmp_path / "out"
    publish(out)
    source = Path(settings.STATIC_ROOT)
    for path in source.rglob("*.css"):
        copy = out / "static" / path.relative_to(source)
        assert copy.read_bytes() == path.read_bytes()
    # A file gone from the collected files goes from the edition too.
    gone = out / "static" / "gone.css"
    data = manifest(out)
    data["static_files"].append("static/gone.css")
    (out / MANIFEST).write_text(json.dumps(data))
    gone.write_text("")
    publish(out)
    assert not gone.exists()
    shutil.rmtree(out)
