"""The site as files: every public page, feed, calendar and sitemap in every language, for
a plain web server or a CDN to serve (``manage.py publish_static OUT``).

**What is published.** The addresses are found by crawling, as a reader (or a search
engine) would: from ``/robots.txt``, ``/sitemap.xml`` and each language's home page,
following every link to the site's own pages, feeds, calendars and sitemaps, and the list
pages' ``?page=N``. So every address a reader can reach is written and none is guessed;
a new kind of page needs nothing here. Left to the app server: search, the admin and
previews, the JSON API (its answers depend on ``?lang=``, filters and
``modified_since=``, which no file tree can answer), filtered lists (``?year=``,
``?partner=``...: combinations without end) and anything else with a query.

Every page is rendered through the whole middleware stack as an anonymous request to the
site's host (``DJANGO_SITE_URL``, else the first of ``ALLOWED_HOSTS``), with the page
cache bypassed so that each render records what it read.

**Files.** An address ending in ``/`` is a folder holding ``index.html`` (or ``index.rss``,
``index.atom`` for a feed); ``?page=N`` of a list is ``index.page-N.html`` beside it (a
slug has no dot, so no page's folder can take that name); an address ending in a file
name (``sitemap.xml``, ``calendar.ics``, ``robots.txt``) is that file. ``404.html`` (and
``<lang>/404.html``) is the page for a missing address. The collected static files are
copied under ``STATIC_URL``. ``.nginx/`` holds the configuration that serves the folder
with the right types and sends the rest to the app (``NGINX_HTTP``, ``NGINX_SERVER``).

**Incremental.** ``.publish-manifest.json`` keeps, per address, its file, its content type,
the links it holds, and the stamp of what its render read (intloffice/core/dependencies.py).
The next run renders again only the addresses whose stamp is no longer fresh, writes a
file only when its bytes changed (a rename, so a reader never sees half a file), and
deletes the files of addresses no longer reached (an unpublished article). A fresh page's
links are read from the manifest, so the crawl costs nothing for what did not change. It
needs the page cache's shared store (Redis): with a cache local to the process every run
starts a new epoch, renders everything and still writes only what changed. Templates and
code are not tracked: after a deploy, ``--all`` renders every page again (a change of the
collected static files' manifest does so by itself).

**Some addresses only** (``--only``): render just those now (an urgent correction on a
large site, where even checking every page takes a while; ``make bench``'s nginx rows),
following no link, keeping every other page's file and manifest entry as they were (to be
rendered again by the next whole run if the static files or the host changed meanwhile).
"""

import hashlib
import html
import json
import logging
import os
import pwd
import re
import shutil
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.test import Client, override_settings

from intloffice.core import dependencies

MANIFEST = ".publish-manifest.json"
MANIFEST_FORMAT = 1
CONFIG_DIR = ".nginx"

# A folder address's file name, by the content type its page is served with.
INDEX_FILES = {
    "text/html": "index.html",
    "application/rss+xml": "index.rss",
    "application/atom+xml": "index.atom",
}
# Addresses served by the app whatever links to them.
DYNAMIC_PREFIXES = ("/static/", "/media/", "/admin/", "/api/", "/i18n/", "/calendars/", "/ewp/")
PAGE_QUERY = re.compile(r"page=([1-9][0-9]{0,5})")
LINKS = re.compile(
    r"""(?:href|src)="([^"]+)"|<loc>([^<]+)</loc>|<link>([^<]+)</link>|^Sitemap:\s*(\S+)""",
    re.MULTILINE,
)
MISSING_ADDRESS = "static-edition-missing-page/"


class PublishError(Exception):
    """A reason, in one line, why the edition could not be published."""


@dataclass
class PublishReport:
    seen: int = 0
    written: int = 0
    unchanged: int = 0
    deleted: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.seen} addresses, {self.written} files written, {self.unchanged} unchanged, "
            f"{self.deleted} deleted, {self.seconds:.1f} s"
        )


def site_origin() -> tuple[str, str]:
    """(scheme, host) the pages are rendered for: absolute links in feeds and sitemaps
    name it."""
    if settings.SITE_URL:
        parts = urlsplit(settings.SITE_URL)
        return parts.scheme, parts.netloc
    hosts = [host for host in settings.ALLOWED_HOSTS if not host.startswith((".", "*"))]
    return "http", hosts[0] if hosts else "localhost"


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def start_addresses() -> list[str]:
    return ["/robots.txt", "/sitemap.xml", *(f"/{code}/" for code in languages())]


def is_published(path: str, query: str) -> bool:
    """Whether an address (path, query) belongs in the static edition."""
    if query and not PAGE_QUERY.fullmatch(query):
        return False
    if path.startswith(DYNAMIC_PREFIXES):
        return False
    if path == "/robots.txt" or (path.startswith("/sitemap") and path.endswith(".xml")):
        return not query
    first, _slash, rest = path.lstrip("/").partition("/")
    if first not in languages() or rest.startswith("search/"):
        return False
    return not query or path.endswith("/")


def links_in(text: str, address: str, host: str) -> list[str]:
    """The site's addresses that ``text`` (HTML, XML or robots.txt) links to, as
    ``path`` or ``path?page=N``."""
    found = set()
    for match in LINKS.finditer(text):
        link = html.unescape(next(group for group in match.groups() if group))
        parts = urlsplit(urljoin(address, link))
        if parts.netloc and parts.netloc != host:
            continue
        if is_published(parts.path, parts.query):
            found.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return sorted(found)


def file_for(address: str, content_type: str) -> str:
    """The file (relative to OUT) that serves ``address``."""
    path, _mark, query = address.partition("?")
    relative = path.lstrip("/")
    if query:
        return f"{relative}index.{query.replace('=', '-')}.html"
    if not relative.endswith("/"):
        return relative
    index = INDEX_FILES.get(content_type.split(";")[0].strip())
    if index is None:
        raise PublishError(f"{address}: no file name for its type {content_type}")
    return relative + index


def content_digest(path: Path) -> str | None:
    """A digest of a file's bytes, or None if there is none."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def write_if_changed(out: Path, relative: str, content: bytes) -> bool:
    """Write ``content`` to OUT/relative unless it is there already; True if written.
    The new file replaces the old in one rename: a reader gets one or the other."""
    target = out / relative
    try:
        if target.read_bytes() == content:
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.replace(temporary, target)
    return True


def remove_file(out: Path, relative: str) -> None:
    """Remove a file and the folders it leaves empty (never OUT itself)."""
    target = out / relative
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def read_manifest(out: Path) -> dict:
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        reason = f"{out / MANIFEST}: unreadable ({error}); remove it to start over"
        raise PublishError(reason) from None
    return manifest if manifest.get("format") == MANIFEST_FORMAT else {}


def static_fingerprint() -> str:
    """Changes when the collected static files' names change (pages name them)."""
    root = Path(settings.STATIC_ROOT)
    digest = content_digest(root / "staticfiles.json")
    return digest or ""


def check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise PublishError(f"{out}: is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PublishError(f"{out}: cannot be made ({error.strerror})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise PublishError(f"{out}: not writable")


class Renderer:
    """Renders addresses as an anonymous reader of the site's host, recording what each
    render read."""

    def __init__(self):
        self.scheme, self.host = site_origin()
        self.client = Client(
            HTTP_HOST=self.host, secure=self.scheme == "https", raise_request_exception=False
        )

    def get(self, address: str, epoch: str, clock: int):
        self.client.cookies.clear()  # a reader with no cookie, every time
        with dependencies.recording(epoch, clock) as rec:
            response = self.client.get(address)
        return response, dependencies.stamp(rec)


def checked_addresses(addresses) -> list[str]:
    """``--only``'s addresses, each one the edition holds (else a PublishError)."""
    for address in addresses:
        parts = urlsplit(address)
        if parts.netloc or not address.startswith("/") or not is_published(parts.path, parts.query):
            raise PublishError(f"{address}: not an address of the static edition")
    return list(dict.fromkeys(addresses))


def publish(out: Path, *, everything: bool = False, only=None) -> PublishReport:
    """Publish the site into ``out`` (see the module's docstring); what changed. ``only``:
    these addresses, and no other."""
    started = time.monotonic()
    only = None if only is None else checked_addresses(only)
    out = Path(out).resolve()
    check_out(out)
    report = PublishReport()
    old = read_manifest(out)
    renderer = Renderer()
    origin = f"{renderer.scheme}://{renderer.host}"
    fingerprint = static_fingerprint()
    renew = everything or old.get("origin") != origin or old.get("static") != fingerprint
    old_pages = {} if renew else old.get("pages", {})
    pages: dict[str, dict] = {}
    if only is not None:
        # The pages left as they were; if they are outdated, never fresh again (an empty
        # epoch): the next whole run renders them.
        never = {"stamp": ["", 0, []]} if renew else {}
        others = old.get("pages", {}).items()
        pages = {address: {**entry, **never} for address, entry in others if address not in only}
    epoch, clock, _values = dependencies.read_state()
    # The page cache would answer without recording what its pages read.
    with override_settings(PAGE_CACHE_SECONDS=0):
        queue = deque(start_addresses() if only is None else only)
        queued = set(queue)
        while queue:
            address = queue.popleft()
            entry = old_pages.get(address)
            if entry is not None and still_exact(out, entry, epoch, clock):
                report.unchanged += 1
            else:
                entry = publish_address(out, renderer, address, epoch, clock, report)
                if entry is None:
                    continue
            pages[address] = entry
            for link in entry["links"] if only is None else ():
                if link not in queued:
                    queued.add(link)
                    queue.append(link)
        report.seen = len(queued)
        publish_not_found_pages(out, renderer, report)
    static_files = publish_static_files(out, report)
    kept = {entry["file"] for entry in pages.values()}
    for address, entry in old.get("pages", {}).items():
        if address not in pages and entry["file"] not in kept:
            remove_file(out, entry["file"])
            report.deleted += 1
    for relative in set(old.get("static_files", ())) - set(static_files):
        remove_file(out, relative)
        report.deleted += 1
    for name, text in nginx_config(out).items():
        write_if_changed(out, f"{CONFIG_DIR}/{name}", text.encode())
    manifest = {
        "format": MANIFEST_FORMAT,
        "origin": origin,
        "static": fingerprint,
        "pages": pages,
        "static_files": static_files,
    }
    write_if_changed(out, MANIFEST, json.dumps(manifest, ensure_ascii=False).encode())
    report.seconds = time.monotonic() - started
    return report


def still_exact(out: Path, entry: dict, epoch: str, clock: int) -> bool:
    """Whether a page written earlier is still what the site would answer: its file is
    there and nothing its render read has changed since."""
    kept_epoch, kept_clock, tags = entry["stamp"]
    return (out / entry["file"]).is_file() and dependencies.fresh(
        (kept_epoch, kept_clock, tuple(tags), None), epoch, clock
    )


def publish_address(out, renderer, address, epoch, clock, report) -> dict | None:
    """Render one address and write its file; its manifest entry, or None if it is no
    page (a redirect, a 404)."""
    response, stamp = renderer.get(address, epoch, clock)
    if response.status_code >= 500:
        raise PublishError(f"{address}: the site answered {response.status_code}")
    if response.status_code == 400:  # most likely a host not in DJANGO_ALLOWED_HOSTS
        raise PublishError(f"{address}: the site refused the request for {renderer.host} (400)")
    if response.status_code != 200 or response.streaming:
        return None
    content_type = response["Content-Type"]
    relative = file_for(address, content_type)
    content = response.content
    text = content.decode(response.charset or "utf-8", errors="replace")
    if write_if_changed(out, relative, content):
        report.written += 1
    else:
        report.unchanged += 1
    return {
        "file": relative,
        "type": content_type,
        "stamp": list(stamp),
        "links": links_in(text, address, renderer.host),
    }


def publish_not_found_pages(out: Path, renderer: Renderer, report: PublishReport) -> None:
    """``<lang>/404.html`` for each language and ``404.html`` in the site's language:
    rendered every run (one render each, and the app keeps its own copy per process)."""
    # Asked for on purpose: not a missing page worth a warning in the log.
    request_log = logging.getLogger("django.request")
    was = request_log.disabled
    for code in languages():
        request_log.disabled = True
        try:
            response = renderer.client.get(f"/{code}/{MISSING_ADDRESS}")
        finally:
            request_log.disabled = was
        if response.status_code != 404:
            raise PublishError(f"/{code}/{MISSING_ADDRESS}: answered {response.status_code}")
        names = [f"{code}/404.html"] + (["404.html"] if code == settings.LANGUAGE_CODE else [])
        for name in names:
            if write_if_changed(out, name, response.content):
                report.written += 1


def publish_static_files(out: Path, report: PublishReport) -> list[str]:
    """Copy the collected static files (``collectstatic``) under STATIC_URL; the files
    copied, relative to OUT."""
    root = Path(settings.STATIC_ROOT)
    if not (root / "staticfiles.json").is_file() and not settings.DEBUG:
        raise PublishError(f"{root}: no collected static files; run manage.py collectstatic")
    prefix = urlsplit(settings.STATIC_URL).path.strip("/")
    copied = []
    for source in sorted(root.rglob("*")):
        if not source.is_file():
            continue
        relative = f"{prefix}/{source.relative_to(root).as_posix()}"
        target = out / relative
        stat = source.stat()
        try:
            same = (
                target.stat().st_size == stat.st_size and target.read_bytes() == source.read_bytes()
            )
        except FileNotFoundError:
            same = False
        if same:
            report.unchanged += 1
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            shutil.copyfile(source, temporary)
            os.replace(temporary, target)
            report.written += 1
        copied.append(relative)
    return copied


# nginx: the first goes in the http { } block, the second in the server { } block, which
# also defines nothing else at "/" (see the README). The app server is the upstream
# "intloffice", as in deploy/nginx/intloffice.conf.
NGINX_HTTP = r"""# The static edition of intloffice: include in http { } (publish_static writes
# it).
# ?page=N of a list is the file index.page-N.html in its folder; no query is the address
# itself; any other query is for the app ("-" names no file). Volatile: computed again
# after the index module's redirect from a folder to its index file.
map $args $intloffice_static_file {
    volatile;
    "" $uri;
    "~^page=(?<intloffice_page>[1-9][0-9]{0,5})$" "${uri}index.page-${intloffice_page}.html";
    default "/-";
}
"""

NGINX_SERVER = r"""# The static edition of intloffice: include in server { } (publish_static writes
# it).
root {root};
index index.html index.rss index.atom;
charset utf-8;
charset_types text/plain text/xml application/rss+xml
              application/atom+xml text/calendar application/json;
# The static edition answers only what it holds; all else is the app's (search, the
# admin, previews, the API, filtered lists, a page published since the last run).
location / {
    try_files $intloffice_static_file $intloffice_static_file/ @intloffice_app;
}
# Sitemaps and calendars with the types the app gives them (nginx's own list says
# text/xml for .xml and knows no .ics).
location ~ ^/sitemap[^/]*\.xml$ {
    types { }
    default_type application/xml;
    try_files $intloffice_static_file @intloffice_app;
}
location ~ \.ics$ {
    types { }
    default_type text/calendar;
    try_files $intloffice_static_file @intloffice_app;
}
# The language's choice (a redirect) is the app's.
location = / {
    proxy_pass http://intloffice;
    include {config}/proxy.conf;
}
location ~ ^/[^/]+/search/ {
    proxy_pass http://intloffice;
    include {config}/proxy.conf;
}
location ~ ^/(admin|api|i18n|calendars|ewp|media)/ {
    proxy_pass http://intloffice;
    include {config}/proxy.conf;
}
# The manifest and this configuration are not for readers.
location ~ /\. {
    return 404;
}
location @intloffice_app {
    proxy_pass http://intloffice;
    include {config}/proxy.conf;
}
"""

NGINX_PROXY = r"""proxy_set_header Host $http_host;
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
proxy_set_header X-Forwarded-Proto $scheme;
proxy_redirect off;
proxy_read_timeout 35s;
"""


def nginx_config(out: Path) -> dict[str, str]:
    config = out / CONFIG_DIR
    return {
        "http.conf": NGINX_HTTP,
        "server.conf": NGINX_SERVER.replace("{root}", str(out)).replace("{config}", str(config)),
        "proxy.conf": NGINX_PROXY,
    }


def standalone_nginx_config(out: Path, folder: Path, port: int, app: str) -> str:
    """A whole nginx.conf serving the edition in ``out`` on 127.0.0.1:``port``, the app at
    ``app`` (host:port) behind it; nginx's own files in ``folder``. For the tests and
    the benchmark: ``nginx -p folder -c folder/nginx.conf``."""
    out = Path(out).resolve()
    config = out / CONFIG_DIR
    # Started as root, nginx's workers would be "nobody", who may not read a private folder.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream intloffice {{ server {app}; }}
    include {config}/http.conf;
    server {{
        listen 127.0.0.1:{port};
        include {config}/server.conf;
    }}
}}
"""
