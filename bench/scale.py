"""Scale-out run: make bench-scale. Two app servers, a read replica and nginx on one machine.

On 127.0.0.1 only, this starts its own PostgreSQL primary (pg_createcluster, port 5440) and a
streaming replica made from it with pg_basebackup -R (port 5441), one Redis (6391), two
gunicorn servers as `make serve` runs them (8821, 8822) sharing the database, Redis and one
MEDIA_ROOT, and nginx on 8823 sending requests to them in turn. It imports the seed and a
corpus, then shows

(a) freshness across servers: server B's cached article page, an edit of that article saved
    through server A's admin by a signed-in staff account, and B's next answer;
(b) reads served by the replica under wrk through nginx: transactions counted on each
    server (pg_stat_database), with the article pages and searches that reached the database;
(c) the replica stopped (pg_ctlcluster stop) in the middle of a wrk run through nginx and
    started again: requests, non-2xx and 5xx answers, socket errors, then reads back on it.

Everything it started is stopped by PID and both clusters are dropped at the end. Exit
status 1 when a target is missed (the edit not fresh on B, no replica reads, any 5xx).
"""

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import faults  # noqa: E402
import import_bench  # noqa: E402

ROOT = import_bench.ROOT
HOST = "127.0.0.1"
PG_VERSION = "15"
PRIMARY, REPLICA = "ioscale", "ioscale_replica"
STAFF = "scale-editor"


def run(*command: str) -> str:
    return faults.run(*command).stdout


class Cluster:
    """One PostgreSQL 15 cluster of this run, reachable from this machine only."""

    def __init__(self, name: str, port: int):
        self.name, self.port = name, port
        self.url = f"postgres://postgres@{HOST}:{port}/intloffice"

    def create(self) -> None:
        if self.name in run("pg_lsclusters", "--no-header").split():
            run("pg_dropcluster", "--stop", PG_VERSION, self.name)  # left by an interrupted run
        run(
            "pg_createcluster", PG_VERSION, self.name, "--port", str(self.port),
            "-o", "listen_addresses=localhost", "-o", "wal_level=replica",
            "-o", "max_wal_senders=5", "-o", "hot_standby=on",
            "--", "--auth-local=trust", "--auth-host=trust",
        )  # fmt: skip

    def data_directory(self) -> Path:
        return Path(f"/var/lib/postgresql/{PG_VERSION}/{self.name}")

    def ctl(self, action: str) -> None:
        run("pg_ctlcluster", PG_VERSION, self.name, action, *(["-m", "fast"] * (action == "stop")))

    def drop(self) -> None:
        subprocess.run(
            ["pg_dropcluster", "--stop", PG_VERSION, self.name], check=False, capture_output=True
        )

    def query(self, sql: str, *params):
        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as connection:
            return connection.execute(sql, params).fetchall()


def make_replica(primary: Cluster, replica: Cluster) -> None:
    """A standby of ``primary``: its data directory replaced by a base backup that streams."""
    replica.create()
    data = replica.data_directory()
    for entry in data.iterdir():  # the folder itself stays, owned by postgres
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    run(
        "runuser", "-u", "postgres", "--", "pg_basebackup", "-h", HOST, "-p", str(primary.port),
        "-U", "postgres", "-D", str(data), "-R", "-X", "stream", "--checkpoint=fast",
    )  # fmt: skip
    replica.ctl("start")


NGINX_CONF = """
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/nginx-body;
    proxy_temp_path {work}/nginx-proxy;
    fastcgi_temp_path {work}/nginx-fastcgi;
    uwsgi_temp_path {work}/nginx-uwsgi;
    scgi_temp_path {work}/nginx-scgi;
    upstream app {{
        server {host}:{a};
        server {host}:{b};
        keepalive 32;
    }}
    server {{
        listen {host}:{port};
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
        }}
    }}
}}
"""


class Nginx:
    def __init__(self, work: Path, port: int, upstreams: tuple[int, int]):
        self.conf = work / "nginx.conf"
        self.conf.write_text(
            NGINX_CONF.format(work=work, host=HOST, port=port, a=upstreams[0], b=upstreams[1])
        )
        os.chmod(work, 0o755)
        self.port, self.process = port, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["nginx", "-c", str(self.conf), "-p", str(self.conf.parent), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        faults.wait_for(lambda: faults._answers(f"http://{HOST}:{self.port}/healthz"), "nginx")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


# --- a staff member at server A's admin ----------------------------------------------


class FormFields(HTMLParser):
    """The fields of the form with this id (what a browser would send)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.fields: list[tuple[str, str]] = []
        self.in_form = self.done = False
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id and not self.done:
            self.in_form = True
        if not self.in_form or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"submit", "button", "file", "image", "reset"}:
                self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value", "")))
        elif tag == "textarea":
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True


class Browser:
    """Cookies and CSRF as a browser keeps them, against one server."""

    def __init__(self, port: int):
        self.base = f"http://{HOST}:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, fields: list[tuple[str, str]]) -> tuple[int, str]:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        data = [(k, v) for k, v in fields if k != "csrfmiddlewaretoken"]
        data.append(("csrfmiddlewaretoken", token))
        request = urllib.request.Request(
            self.base + path,
            urllib.parse.urlencode(data).encode(),
            headers={"Referer": self.base + path},
        )
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.url

    def sign_in(self, username: str, password: str) -> None:
        form = FormFields("login-form")
        form.feed(self.get("/admin/login/?next=/admin/"))
        typed = {"username": username, "password": password}
        self.post("/admin/login/?next=/admin/", [(k, typed.get(k, v)) for k, v in form.fields])
        if not any(c.name == "signedin" for c in self.jar):
            raise SystemExit("Signing in to server A's admin failed")


def fetch(port: int, path: str) -> tuple[str, str]:
    """(X-Page-Cache, body) of an anonymous GET."""
    with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=30) as response:
        return response.headers.get("X-Page-Cache", "-"), response.read().decode()


def freshness_across_servers(a: int, b: int, pk: int, slug: str, password: str) -> tuple:
    lines, page = [], f"/en/news/{slug}/"
    for attempt in ("first", "second"):
        state, body = fetch(b, page)
        lines.append(f"  B {page} ({attempt} request): X-Page-Cache {state}")
    editor = Browser(a)
    editor.sign_in(STAFF, password)
    change = f"/admin/news/article/{pk}/change/"
    form = FormFields("article_form")
    form.feed(editor.get(change))
    new_title = f"Scale-out check {secrets.token_hex(4)}"
    fields = [(k, new_title if k == "title_en" else v) for k, v in form.fields]
    started = time.perf_counter()
    status, landed = editor.post(change, [*fields, ("_save", "Save")])
    saved = (time.perf_counter() - started) * 1000
    lines.append(
        f"  A POST {change} (title_en -> {new_title!r}): {status}, now at "
        f"{urllib.parse.urlsplit(landed).path} ({saved:.0f} ms)"
    )
    state, body = fetch(b, page)
    fresh = new_title in body
    lines.append(
        f"  B {page} (first request after the save): X-Page-Cache {state}, "
        f"new title {'shown' if fresh else 'NOT shown'}"
    )
    state, body = fetch(b, page)
    lines.append(f"  B {page} (next request): X-Page-Cache {state}")
    return lines, fresh


# --- load ----------------------------------------------------------------------------

WRK_SCRIPT = """
paths = {{{paths}}}
local threads = {{}}
function setup(thread) table.insert(threads, thread); thread:set("id", #threads) end
function init(args) math.randomseed(os.time() * 10 + id); s5 = 0; other = 0 end
request = function()
  if math.random() < 0.3 then
    return wrk.format("GET", "/en/search/?q=university+" .. math.random(1, 100000000))
  end
  return wrk.format("GET", paths[math.random(#paths)])
end
response = function(status, headers, body)
  if status >= 500 then s5 = s5 + 1 elseif status >= 300 then other = other + 1 end
end
done = function(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("s5"); b = b + t:get("other") end
  io.write(string.format("5xx %d\\nother-non2xx %d\\n", a, b))
end
"""


def wrk(port: int, script: Path, seconds: int, connections: int = 16) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(script), f"http://{HOST}:{port}/"]
    return parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def parse_wrk(output: str) -> dict:
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "5xx": int(re.search(r"^5xx (\d+)", output, re.M).group(1)),
        "other": int(re.search(r"^other-non2xx (\d+)", output, re.M).group(1)),
        "socket": sum(int(g) for g in socket.groups()) if socket else 0,
    }


def transactions(cluster: Cluster) -> int:
    """Transactions committed in the site's database (each autocommit query is one)."""
    time.sleep(1.2)  # statistics reach the shared counters within a second
    return cluster.query("SELECT xact_commit FROM pg_stat_database WHERE datname = 'intloffice'")[
        0
    ][0]


def measure(primary: Cluster, replica: Cluster, load) -> tuple[dict, int, int]:
    before = transactions(primary), transactions(replica)
    result = load()
    after = transactions(primary), transactions(replica)
    return result, after[0] - before[0], after[1] - before[1]


def describe(result: dict) -> str:
    return (
        f"{result['requests']} requests ({result['rate']:.0f}/s), 5xx {result['5xx']}, other "
        f"non-2xx {result['other']}, socket errors {result['socket']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--seconds", type=int, default=10, help="each wrk run")
    args = parser.parse_args()
    for tool in ("pg_createcluster", "pg_basebackup", "redis-server", "nginx", "wrk", "runuser"):
        if not shutil.which(tool):
            raise SystemExit(f"make bench-scale needs {tool} (PostgreSQL 15, Redis, nginx, wrk)")

    work = Path(tempfile.mkdtemp(prefix="intloffice-scale-"))
    primary, replica = Cluster(PRIMARY, 5440), Cluster(REPLICA, 5441)
    redis = faults.Redis(6391)
    password = secrets.token_urlsafe(16)
    env = faults.production_env(
        work,
        DATABASE_URL=primary.url,
        DATABASE_REPLICA_URL=replica.url,
        REDIS_URL=redis.url,
        DJANGO_SUPERUSER_USERNAME=STAFF,
        DJANGO_SUPERUSER_EMAIL="editor@example.org",
        DJANGO_SUPERUSER_PASSWORD=password,
    )
    servers = [faults.Gunicorn(port, env, work / f"gunicorn-{port}.log") for port in (8821, 8822)]
    nginx = Nginx(work, 8823, (8821, 8822))
    report, ok = [], True
    try:
        print("Starting the primary (5440), its replica (5441) and Redis (6391) …", flush=True)
        primary.create()
        primary.ctl("start")
        run("createdb", "-h", HOST, "-p", str(primary.port), "-U", "postgres", "intloffice")
        make_replica(primary, replica)
        redis.start()
        corpus = import_bench.make_corpus(args.articles, import_bench.DEFAULT_CORPUS_TOOL)
        print("Migrating and importing the seed and the corpus …", flush=True)
        for command in (
            ("migrate", "--no-input", "-v0"),
            ("collectstatic", "--no-input", "-v0"),
            ("load_seed_entities", "-v0"),
            ("import_articles", str(ROOT / "seeds"), str(corpus)),
            ("createsuperuser", "--no-input"),
        ):
            import_bench.manage(env, *command)
        replayed = replica.query("SELECT count(*) FROM news_article")[0][0]
        standby = replica.query("SELECT pg_is_in_recovery()")[0][0]
        for server in servers:
            server.start()
        nginx.start()
        print("Servers up: A 8821, B 8822, nginx 8823.\n", flush=True)
        report.append(
            f"Replica: in recovery {standby}, {replayed} articles replayed; "
            f"{len(servers[0].workers())} sync workers per server"
        )

        rows = primary.query(
            "SELECT id, slug FROM news_article WHERE status = 'published' "
            "AND publish_at <= now() ORDER BY publish_at DESC LIMIT 1500"
        )
        report.append("\n(a) An edit through server A's admin, then server B's cached page:")
        lines, fresh = freshness_across_servers(8821, 8822, rows[0][0], rows[0][1], password)
        report += lines
        ok &= fresh

        paths = ",".join(
            f'"/{lang}/news/{slug}/"' for _pk, slug in rows[1:] for lang in ("en", "ru")
        )
        script = work / "load.lua"
        script.write_text(WRK_SCRIPT.format(paths=paths))
        time.sleep(6)  # past the catch-up window (5 s) after the edit
        result, on_primary, on_replica = measure(
            primary, replica, lambda: wrk(nginx.port, script, args.seconds)
        )
        report.append(
            f"\n(b) wrk -t2 -c16 -d{args.seconds}s through nginx (article pages of "
            "1,500 articles in two languages, 30% new searches):"
        )
        report.append(f"  {describe(result)}")
        report.append(
            f"  transactions: replica {on_replica}, primary {on_primary} "
            f"({on_replica / max(1, on_replica + on_primary):.0%} on the replica)"
        )
        ok &= on_replica > 0 and result["5xx"] == 0

        report.append(
            f"\n(c) The replica stopped 3 s into a {2 * args.seconds} s wrk run, "
            f"started again {args.seconds // 2} s later:"
        )
        load = subprocess.Popen(
            ["wrk", "-t2", "-c16", f"-d{2 * args.seconds}s", "--timeout", "10s",
             "-s", str(script), f"http://{HOST}:{nginx.port}/"],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(3)
        stopped = time.monotonic()
        replica.ctl("stop")
        time.sleep(args.seconds / 2)
        replica.ctl("start")
        down = time.monotonic() - stopped
        result = parse_wrk(load.communicate()[0])
        report.append(f"  replica down {down:.1f} s (stop -m fast, then start)")
        report.append(f"  {describe(result)}")
        retried = sum(
            log.read_text().count("answered again from the primary")
            for log in work.glob("gunicorn-*.log")
        )
        report.append(f"  requests answered again from the primary (log lines): {retried}")
        ok &= result["5xx"] == 0 and result["socket"] == 0
        time.sleep(6)  # the circuit breaker's pause (5 s) is over
        result, on_primary, on_replica = measure(
            primary, replica, lambda: wrk(nginx.port, script, 5)
        )
        report.append(f"  after it is back, wrk 5 s: {describe(result)}")
        report.append(f"  transactions: replica {on_replica}, primary {on_primary}")
        ok &= on_replica > 0
        report.append(
            f"\n{'PASS' if ok else 'FAIL'}: edit fresh on B, reads on the replica, "
            "no 5xx or socket error while it was stopped, reads back on it after"
        )
        text = "\n".join(report)
        print(text)
        out = ROOT / "var" / "bench" / "scale.txt"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n")
        print(f"(written to {out.relative_to(ROOT)})")
    finally:
        nginx.stop()
        for server in servers:
            server.stop()
        redis.stop()
        replica.drop()
        primary.drop()
        logs = ROOT / "var" / "bench" / "scale-logs"
        logs.mkdir(parents=True, exist_ok=True)
        for log in work.glob("*.log"):
            shutil.copy(log, logs / log.name)
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
