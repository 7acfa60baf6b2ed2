"""Fault drill: make faults. The production server under load while its services fail.

On 127.0.0.1 only, this starts its own PostgreSQL cluster (pg_createcluster, port 5450),
its own Redis (port 6395) and gunicorn as `make serve` runs it (DEBUG off, port 8170),
imports the seed and a small corpus, and loads the site while it

1. restarts PostgreSQL (stopped for 5 s), under load and then once more while idle,
2. kills one gunicorn worker with SIGKILL,
3. stops Redis for 5 s and starts it again.

It prints, for each fault, the requests and the errors (5xx answers and socket errors:
refused, reset, timed out) before, during and after, checks the targets of issue 10, and
removes everything it started. Exit status 1 when a target is missed.

The load is a small Python client rather than wrk: it times every request from its start
to its end, so a request that hangs across a phase boundary or is cut by a killed worker
is counted where it belongs (see attribute()); wrk reports totals per run and drops the
requests still in flight when it stops. Half the requests are cached pages, half are searches with a
query never asked before, so PostgreSQL is queried throughout.

Longer than most modules: one script of fault drills that share their setup and report.
"""

import argparse
import http.client
import itertools
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import gunicorn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import import_bench  # noqa: E402

ROOT = import_bench.ROOT
HOST = "127.0.0.1"
PG_VERSION = "15"
PG_CLUSTER = "iofaults"
CACHED_PAGES = ["/en/", "/en/news/", "/ru/news/", "/zh-hans/", "/en/partners/aturc/"]


def run(*command: str) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr.strip()}")
    return result


# --- what the drill starts and stops -------------------------------------------------


class Postgres:
    def __init__(self, port: int):
        self.port = port
        self.url = f"postgres://postgres@{HOST}:{port}/intloffice"

    def create(self) -> None:
        if PG_CLUSTER in run("pg_lsclusters", "--no-header").stdout.split():
            # Left by an interrupted drill: the name is ours alone.
            run("pg_dropcluster", "--stop", PG_VERSION, PG_CLUSTER)
        # Reachable from this machine only, without a password.
        run(
            "pg_createcluster", PG_VERSION, PG_CLUSTER, "--port", str(self.port),
            "-o", "listen_addresses=localhost", "--", "--auth-local=trust", "--auth-host=trust",
        )  # fmt: skip
        self.start()
        run("createdb", "-h", HOST, "-p", str(self.port), "-U", "postgres", "intloffice")

    def start(self) -> None:
        run("pg_ctlcluster", PG_VERSION, PG_CLUSTER, "start")

    def stop(self) -> None:
        run("pg_ctlcluster", PG_VERSION, PG_CLUSTER, "stop", "-m", "fast")

    def drop(self) -> None:
        subprocess.run(["pg_dropcluster", "--stop", PG_VERSION, PG_CLUSTER], check=False)


class Redis:
    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://{HOST}:{port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", HOST, "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(lambda: _redis_answers(self.port), f"Redis on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _redis_answers(port: int) -> bool:
    import redis

    try:
        return redis.Redis(host=HOST, port=port, socket_timeout=1).ping()
    except redis.RedisError:
        return False


# gunicorn 25.1+ opens a control socket at one path per user: the drill's server must not
# take over that of another gunicorn on this machine.
NO_CONTROL_SOCKET = ["--no-control-socket"] if gunicorn.version_info >= (25, 1) else []


class Gunicorn:
    """The server as `make serve` starts it."""

    def __init__(self, port: int, env: dict, log: Path):
        self.port, self.env, self.log = port, env, log
        self.process = None

    def start(self) -> None:
        workers = (os.cpu_count() or 1) + 1
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "intloffice.wsgi",
             "--bind", f"{HOST}:{self.port}", "--workers", str(workers),
             "--worker-class", "sync", "--max-requests", "5000", "--max-requests-jitter", "500",
             "--timeout", "30", *NO_CONTROL_SOCKET],
            env=self.env, cwd=ROOT, stdout=self.log.open("a"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_for(lambda: _answers(f"http://{HOST}:{self.port}/healthz"), "gunicorn")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_for(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"{what} did not come up within {seconds:.0f} s")
        time.sleep(0.2)


# --- the load ------------------------------------------------------------------------


@dataclass
class Load:
    """Clients that request pages one after another and note each outcome."""

    port: int
    clients: int
    timeout: float = 10.0
    # (started, ended, "ok" | "4xx" | "5xx" | "socket") per request
    outcomes: list = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    running: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        self.running.set()
        self.threads = [
            threading.Thread(target=self._client, args=(n,), daemon=True)
            for n in range(self.clients)
        ]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def _client(self, number: int) -> None:
        for count in itertools.count():
            self.running.wait()
            if self.stopping.is_set():
                return
            if count % 2:
                path = CACHED_PAGES[count // 2 % len(CACHED_PAGES)]
            else:
                path = f"/en/search/?q=university+{number}x{count}"
            started = time.monotonic()
            connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
                outcome = "ok" if status < 400 else "4xx" if status < 500 else "5xx"
            except (OSError, http.client.HTTPException):
                outcome = "socket"
                time.sleep(0.05)  # a refused connection must not become a busy loop
            finally:
                connection.close()
            self.outcomes.append((started, time.monotonic(), outcome))


# --- the drill -----------------------------------------------------------------------


@dataclass
class Phase:
    fault: str
    name: str
    start: float
    end: float
    counts: Counter = field(default_factory=Counter)
    begins_with_fault: bool = False

    @property
    def errors(self) -> int:
        return self.counts["5xx"] + self.counts["socket"]


def drill(load: Load, postgres: Postgres, redis: Redis, server: Gunicorn, calm: float):
    """Run the faults one after another; return the phases with their times."""
    phases = []

    def phase(fault, name, seconds):
        start = time.monotonic()
        time.sleep(seconds)
        phases.append(Phase(fault, name, start, time.monotonic()))

    print("PostgreSQL: stopping it for 5 s …", flush=True)
    phase("PostgreSQL", "before", calm)
    start = time.monotonic()
    postgres.stop()
    time.sleep(5)
    phases.append(Phase("PostgreSQL", "down (stop, 5 s, start)", start, start, Counter(), True))
    postgres.start()
    phases[-1].end = time.monotonic()
    phase("PostgreSQL", "first 5 s after it is back", 5)
    phase("PostgreSQL", "from 5 s after it is back", calm)

    # Persistent connections (CONN_MAX_AGE) that saw no request while the server was
    # away: the first request of each worker afterwards must not fail.
    print("PostgreSQL: restarting it while no request comes in …", flush=True)
    load.running.clear()
    time.sleep(2)  # the requests in flight end
    postgres.stop()
    postgres.start()
    load.running.set()
    phase("PostgreSQL", "after a restart while idle", calm)
    phases[-1].begins_with_fault = True

    print("Worker: SIGKILL to one gunicorn worker …", flush=True)
    phase("worker", "before", calm)
    workers = server.workers()
    victim = workers[0]
    start = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    wait_for(
        lambda: victim not in server.workers() and len(server.workers()) == len(workers),
        "a new worker",
    )
    time.sleep(max(0.0, 5 - (time.monotonic() - start)))
    phases.append(
        Phase("worker", f"5 s from the kill of {victim}", start, time.monotonic(), Counter(), True)
    )
    phase("worker", "after", calm)

    print("Redis: stopping it for 5 s …", flush=True)
    phase("Redis", "before", calm)
    start = time.monotonic()
    redis.stop()
    time.sleep(5)
    redis.start()
    phases.append(
        Phase("Redis", "down (stop, 5 s, start)", start, time.monotonic(), Counter(), True)
    )
    phase("Redis", "after it is back", calm)
    return phases


def attribute(outcomes: list, phases: list[Phase]) -> None:
    """Each request counts in the phase it started in, or, if a fault began while it was
    in flight, in that fault's phase: the request a killed worker was serving belongs to
    the kill, one that failed while Redis was down belongs to the outage even if its
    error page was written after Redis came back."""
    for started, ended, outcome in outcomes:
        hit = next((p for p in phases if p.begins_with_fault and started < p.start <= ended), None)
        hit = hit or next((p for p in phases if p.start <= started < p.end), None)
        if hit:
            hit.counts[outcome] += 1


def report(phases: list[Phase]) -> tuple[str, bool]:
    lines = [
        f"{'fault':<12}{'phase':<34}{'s':>6}{'requests':>10}{'ok':>8}{'4xx':>6}"
        f"{'5xx':>7}{'socket':>8}{'errors':>8}",
    ]
    previous = None
    for p in phases:
        lines.append(
            f"{p.fault if p.fault != previous else '':<12}{p.name:<34}{p.end - p.start:>6.1f}"
            f"{p.counts.total():>10}{p.counts['ok']:>8}{p.counts['4xx']:>6}{p.counts['5xx']:>7}"
            f"{p.counts['socket']:>8}{p.errors:>8}"
        )
        previous = p.fault
    by_name = {(p.fault, p.name.split(" of ")[0]): p for p in phases}
    targets = [
        (
            "0 errors from 5 s after PostgreSQL is back",
            by_name["PostgreSQL", "from 5 s after it is back"].errors == 0,
        ),
        (
            "0 errors after PostgreSQL restarted while idle (first request of each worker)",
            by_name["PostgreSQL", "after a restart while idle"].errors == 0,
        ),
        (
            "at most 1 failed request for the killed worker",
            sum(p.errors for p in phases if p.fault == "worker") <= 1,
        ),
        (
            "0 errors (5xx) while Redis is down and after it returns",
            sum(p.counts["5xx"] for p in phases if p.fault == "Redis") == 0,
        ),
    ]
    lines.append("")
    lines += [f"{'PASS' if ok else 'FAIL'}  {target}" for target, ok in targets]
    return "\n".join(lines), all(ok for _, ok in targets)


def production_env(work: Path, **overrides: str) -> dict:
    """The environment of a production server on 127.0.0.1 (DEBUG off, a fresh secret,
    plain HTTP, static and media files under ``work``), with ``overrides`` (the database,
    Redis, ...)."""
    return {
        **os.environ,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_DEBUG": "0",
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        **overrides,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8170)
    parser.add_argument("--pg-port", type=int, default=5450)
    parser.add_argument("--redis-port", type=int, default=6395)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--calm", type=float, default=8, help="seconds before and after")
    args = parser.parse_args()
    for tool in ("pg_createcluster", "pg_ctlcluster", "redis-server", "createdb"):
        if not shutil.which(tool):
            raise SystemExit(f"make faults needs {tool} (PostgreSQL 15 server tools, Redis)")

    work = Path(tempfile.mkdtemp(prefix="intloffice-faults-"))
    postgres, redis = Postgres(args.pg_port), Redis(args.redis_port)
    env = production_env(work, DATABASE_URL=postgres.url, REDIS_URL=redis.url)
    server = Gunicorn(args.port, env, work / "gunicorn.log")
    load = Load(args.port, args.clients)
    ok = False
    try:
        print(f"Starting PostgreSQL ({args.pg_port}) and Redis ({args.redis_port}) …", flush=True)
        postgres.create()
        redis.start()
        corpus = import_bench.make_corpus(args.articles, import_bench.DEFAULT_CORPUS_TOOL)
        print("Migrating and importing the seed and the corpus …", flush=True)
        import_bench.manage(env, "migrate", "--no-input", "-v0")
        import_bench.manage(env, "collectstatic", "--no-input", "-v0")
        import_bench.manage(env, "load_seed_entities", "-v0")
        import_bench.manage(env, "import_articles", str(ROOT / "seeds"), str(corpus))
        server.start()
        load.start()
        phases = drill(load, postgres, redis, server, args.calm)
        load.stop()
        attribute(load.outcomes, phases)
        table, ok = report(phases)
        print(
            f"\nFault drill: gunicorn {len(server.workers())} sync workers on {HOST}:{args.port}, "
            f"{args.clients} clients (half cached pages, half new searches), "
            f"{args.articles} articles + seed\n"
        )
        print(table)
        out = ROOT / "var" / "bench" / "faults.txt"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(table + "\n")
        print(f"(written to {out.relative_to(ROOT)}; the server's log: var/bench/faults.log)")
    finally:
        load.stopping.set()
        server.stop()
        redis.stop()
        postgres.drop()
        if server.log.exists():
            shutil.copy(server.log, ROOT / "var" / "bench" / "faults.log")
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
