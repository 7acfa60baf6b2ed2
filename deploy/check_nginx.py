"""Check the nginx site in front of the production server: make nginx-check.

On 127.0.0.1 only: makes a throwaway self-signed certificate, renders
deploy/nginx/intloffice.conf for a temporary folder and local ports, starts gunicorn as
the systemd unit does (deploy/gunicorn.conf.py, DEBUG off, a random secret key, a fresh
SQLite database with the seed imported, DJANGO_PROXY_COUNT=1) and nginx with its own
configuration and pid file, then checks pages, redirects, static files, an uploaded
image, headers, request ids and a 10 MB upload over real HTTPS. Prints PASS or FAIL per
check, stops what it started and exits 1 if anything failed.

Needs nginx (apt-get install nginx-light) and openssl; installs nothing itself.

Longer than most modules: one drill, read top to bottom (start, request, check, stop).
"""

import argparse
import http.client
import io
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx" / "intloffice.conf"
HOST = "127.0.0.1"
NAME = "localhost"
SEED_SLUG = "polytechnic-university-at-the-fifth-aturc-2022-summit"


def render_site(text: str, folder: Path, http_port: int, https_port: int) -> str:
    """The production site file with local ports, paths and certificate."""
    text = re.sub(r"^\s*listen \[::\].*\n", "", text, flags=re.M)  # 127.0.0.1 only
    replacements = [
        ("unix:/run/intloffice.sock", f"unix:{folder}/gunicorn.sock"),
        ("listen 80 default_server;", f"listen {HOST}:{http_port} default_server;"),
        ("listen 443 ssl default_server;", f"listen {HOST}:{https_port} ssl default_server;"),
        ("listen 80;", f"listen {HOST}:{http_port};"),
        ("listen 443 ssl http2;", f"listen {HOST}:{https_port} ssl http2;"),
        ("/etc/letsencrypt/live/intloffice.example.org/fullchain.pem", f"{folder}/cert.pem"),
        ("/etc/letsencrypt/live/intloffice.example.org/privkey.pem", f"{folder}/key.pem"),
        ("intloffice.example.org", NAME),
        ("/var/lib/intloffice/", f"{folder}/var/"),
        ("/var/log/nginx/", f"{folder}/log/"),
        ("/var/www/letsencrypt", f"{folder}/acme"),
        ("https://$host$request_uri", f"https://$host:{https_port}$request_uri"),
    ]
    for old, new in replacements:
        if old not in text:
            raise SystemExit(f"{SITE.name} no longer contains {old!r}: update {__file__}")
        text = text.replace(old, new)
    return text


def main_config(folder: Path) -> str:
    temp = folder / "nginx-temp"
    return f"""
user www-data;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/log/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/site.conf;
}}
"""


def free_ports(count: int, first: int) -> list[int]:
    ports = []
    for port in range(first, first + 20):
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) != 0:
                ports.append(port)
        if len(ports) == count:
            return ports
    raise SystemExit(f"no {count} free ports from {first}")


class Client:
    def __init__(self, http_port: int, https_port: int, cafile: Path):
        self.http_port, self.https_port = http_port, https_port
        self.context = ssl.create_default_context(cafile=str(cafile))
        self.cookies = {}

    def request(self, method, path, *, https=True, headers=None, body=None):
        if https:
            connection = http.client.HTTPSConnection(
                NAME, self.https_port, context=self.context, timeout=60
            )
        else:
            connection = http.client.HTTPConnection(NAME, self.http_port, timeout=60)
        port = self.https_port if https else self.http_port
        headers = {"Host": f"{NAME}:{port}", **(headers or {})}
        if self.cookies:
            headers.setdefault("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers, content


class Checks:
    def __init__(self):
        self.failed = 0

    def __call__(self, name: str, ok: bool, detail: str = "") -> bool:
        self.failed += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {name}" + (f"  ({detail})" if detail else ""))
        return ok


def make_certificate(folder: Path) -> None:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-days", "2", "-subj", f"/CN={NAME}",
         "-addext", f"subjectAltName=DNS:{NAME},IP:{HOST}",
         "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip


def prepare_site(env: dict) -> None:
    """A fresh database with the seed, collected static files and an image on the seed
    article, written by Django into MEDIA_ROOT as an upload would be."""
    python = sys.executable
    for command in (
        ["migrate", "--no-input", "-v0"],
        ["collectstatic", "--no-input", "-v0"],
        ["load_seed_entities", "-v0"],
        ["import_articles", "-v0", str(ROOT / "seeds")],
    ):
        subprocess.run([python, "manage.py", *command], env=env, cwd=ROOT, check=True)
    attach = (
        "import io; from PIL import Image\n"
        "from django.core.files.base import ContentFile\n"
        "from news.models import Article\n"
        "buffer = io.BytesIO(); Image.new('RGB', (640, 360), 'teal').save(buffer, 'JPEG')\n"
        f"article = Article.objects.get(slug='{SEED_SLUG}')\n"
        f"article.image.save('{uuid.uuid4().hex}.jpg', ContentFile(buffer.getvalue()))\n"
    )
    subprocess.run([python, "manage.py", "shell", "-c", attach], env=env, cwd=ROOT, check=True)


def run_checks(client: Client, folder: Path) -> Checks:
    check = Checks()
    https = f"https://{NAME}:{client.https_port}"

    # Pages over HTTPS, and what Django believes about the request.
    article_path = f"/en/news/{SEED_SLUG}/"
    for path in ("/en/", "/ru/", "/zh-hans/", "/en/news/", article_path, "/healthz"):
        status, _, _ = client.request("GET", path)
        check(f"GET {path} over HTTPS answers 200", status == 200, f"got {status}")
    status, headers, home = client.request("GET", "/en/", headers={"Accept-Encoding": "gzip"})
    check("pages are gzipped", headers.get("Content-Encoding") == "gzip")
    _, _, home = client.request("GET", "/en/")
    check(
        "Django sees HTTPS and the host (X-Forwarded-Proto, Host)",
        f'rel="canonical" href="{https}/en/"'.encode() in home,
    )

    # Plain HTTP goes to HTTPS, path and query kept.
    status, headers, _ = client.request("GET", "/en/news/?page=2", https=False)
    check(
        "HTTP answers 301 to the same URL over HTTPS",
        status == 301 and headers.get("Location") == f"{https}/en/news/?page=2",
        f"{status} {headers.get('Location')}",
    )

    # Unknown host names never reach Django.
    try:
        status, _, _ = client.request("GET", "/en/", headers={"Host": "evil.example"})
        check("an unknown Host is dropped by nginx", False, f"got {status}")
    except (http.client.RemoteDisconnected, ConnectionError):
        check("an unknown Host is dropped by nginx", True)

    # Security headers on a page.
    _, headers, _ = client.request("GET", "/en/")
    expected = {
        "X-Content-Type-Options": lambda v: v == "nosniff",
        "X-Frame-Options": lambda v: v in {"DENY", "SAMEORIGIN"},
        "Referrer-Policy": lambda v: bool(v),
        "Strict-Transport-Security": lambda v: "max-age=" in v and "max-age=0" not in v,
        "Content-Security-Policy": lambda v: "default-src" in v and "unsafe-inline" not in v,
    }
    for header, test in expected.items():
        value = headers.get(header) or ""
        check(f"page header {header}", test(value), value or "missing")

    # A fingerprinted static file: from disk, cached for a year, precompressed.
    stylesheet = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home)
    if check("the page links a fingerprinted stylesheet", stylesheet is not None):
        path = stylesheet.group(1).decode()
        status, headers, _ = client.request("GET", path, headers={"Accept-Encoding": "gzip"})
        check(f"GET {path} answers 200", status == 200, f"got {status}")
        check(
            "static file cached for a year",
            "max-age=31536000" in headers.get("Cache-Control", ""),
            headers.get("Cache-Control"),
        )
        check("static file served gzipped", headers.get("Content-Encoding") == "gzip")
        check("static file is text/css", headers.get("Content-Type", "").startswith("text/css"))

    # The uploaded image, at the URL the article page gives it.
    _, _, page = client.request("GET", article_path)
    image = re.search(rb'(/media/articles/[^"\s]+\.jpg)', page)
    if check("the article page shows its uploaded image under /media/", image is not None):
        path = image.group(1).decode()
        status, headers, body = client.request("GET", path)
        check(f"GET {path} answers 200 with the image", status == 200 and body[:2] == b"\xff\xd8")
        check("media Content-Type image/jpeg", headers.get("Content-Type") == "image/jpeg")
        nosniff = headers.get("X-Content-Type-Options")
        check("media X-Content-Type-Options: nosniff", nosniff == "nosniff", nosniff)
        check(
            "media Content-Security-Policy: default-src 'none'",
            headers.get("Content-Security-Policy") == "default-src 'none'",
            headers.get("Content-Security-Policy"),
        )
        check(
            "media cached for a year",
            "max-age=31536000" in headers.get("Cache-Control", ""),
            headers.get("Cache-Control"),
        )
        status, _, _ = client.request("POST", path, body=b"x")
        check("media refuses POST", status == 403, f"got {status}")
    status, _, _ = client.request("GET", "/media/articles/none.jpg")
    check("a missing media file is 404", status == 404, f"got {status}")

    # Request ids: kept when sane, made by nginx otherwise, the same in both logs.
    _, headers, _ = client.request("GET", "/healthz", headers={"X-Request-ID": "check-42.a"})
    echoed = headers.get("X-Request-ID")
    check("a sane X-Request-ID is forwarded and echoed", echoed == "check-42.a", echoed)
    _, headers, _ = client.request("GET", "/healthz", headers={"X-Request-ID": "bad id"})
    made = headers.get("X-Request-ID") or ""
    check("an odd X-Request-ID is replaced by nginx's", re.fullmatch("[0-9a-f]{32}", made), made)
    time.sleep(0.5)
    access = (folder / "log" / "intloffice.access.log").read_text()
    app_log = (folder / "log" / "gunicorn.log").read_text()
    check(
        "the request id is in nginx's and gunicorn's logs",
        f"rid={made}" in access and f"rid={made}" in app_log,
    )

    # A 10 MB upload reaches Django (nginx would answer 413 itself), and 13 MB does not.
    client.cookies.clear()
    _, _, login = client.request("GET", "/admin/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', login)
    for size, expected_status in ((10 * 1024 * 1024, 200), (13 * 1024 * 1024, 413)):
        body, content_type = multipart(
            {
                "csrfmiddlewaretoken": token.group(1).decode() if token else "",
                "username": "nobody",
                "password": "wrong-password",
            },
            size,
        )
        status, headers, _ = client.request(
            "POST",
            "/admin/login/",
            headers={
                "Content-Type": content_type,
                "Referer": f"{https}/admin/login/",
                "Origin": https,
            },
            body=body,
        )
        answered_by = "Django" if headers.get("X-Request-ID") else "nginx"
        check(
            f"a {size // 1024 // 1024} MB upload answers {expected_status}",
            status == expected_status,
            f"got {status} from {answered_by}",
        )
    return check


def multipart(fields: dict, file_size: int) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    out.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; '
        f'filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
    )
    out.write(os.urandom(file_size))
    out.write(f"\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def wait_for_socket(path: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not start; see {path.parent / 'log'}")
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-port", type=int, default=8180)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    for tool, package in (("nginx", "nginx-light"), ("openssl", "openssl")):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"make nginx-check needs {tool}: apt-get install -y {package}")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"

    folder = Path(tempfile.mkdtemp(prefix="intloffice-nginx-"))
    folder.chmod(0o755)  # nginx's workers (www-data) read the files and the socket
    for sub in ("log", "var/static", "var/media", "acme", "nginx-temp"):
        (folder / sub).mkdir(parents=True)
    http_port, https_port = free_ports(2, args.first_port)
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": NAME,
        "DJANGO_PROXY_COUNT": "1",
        "DJANGO_VAR_DIR": str(folder / "var"),
        "DJANGO_STATIC_ROOT": str(folder / "var" / "static"),
        "MEDIA_ROOT": str(folder / "var" / "media"),
        "DJANGO_LOG_FORMAT": "json",
        "GUNICORN_WORKERS": "2",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "DJANGO_MEDIA_STORAGE"):
        env.pop(name, None)  # a fresh SQLite file, local memory cache, local disk
    processes = []
    try:
        make_certificate(folder)
        (folder / "site.conf").write_text(
            render_site(SITE.read_text(), folder, http_port, https_port)
        )
        (folder / "nginx.conf").write_text(main_config(folder))
        prepare_site(env)
        gunicorn = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "intloffice.wsgi",
             "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
             "--bind", f"unix:{folder}/gunicorn.sock"],
            env=env, cwd=ROOT, stdout=(folder / "log" / "gunicorn.log").open("w"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        processes.append(gunicorn)
        wait_for_socket(folder / "gunicorn.sock", gunicorn)
        nginx_command = [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")]
        test = subprocess.run([*nginx_command, "-t"], capture_output=True, text=True)
        if test.returncode != 0:
            raise SystemExit(f"nginx -t refused the rendered site:\n{test.stderr}")
        processes.append(
            subprocess.Popen([*nginx_command, "-g", "daemon off;"], start_new_session=True)
        )
        time.sleep(1)
        print(f"nginx on https://{NAME}:{https_port}/ and http://{NAME}:{http_port}/")
        checks = run_checks(Client(http_port, https_port, folder / "cert.pem"), folder)
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{'all checks passed' if not checks.failed else f'{checks.failed} check(s) failed'}")
    sys.exit(1 if checks.failed else 0)


if __name__ == "__main__":
    main()
