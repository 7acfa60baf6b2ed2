"""Load test of the production server: make bench [N=10000] [DURATION=30].

Writes and imports a corpus of N articles into PostgreSQL (bench/import_bench.py), starts
gunicorn (as `make serve` does) with the page cache on, then off, loads each page with
wrk from 127.0.0.1, and prints requests/s, p50/p99 latency, errors, SQL queries per page,
worker memory and each page's throughput as a share of /healthz in the same run. Then the
static edition: the same pages written by `publish_static --only` and served by nginx
(bench/static_bench.py), with their throughput as a multiple of the cached pages'.
"""

import argparse
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
import import_bench  # noqa: E402
import mixed_workload  # noqa: E402

ROOT = import_bench.ROOT
PER_PAGE = 20


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer at {url}")


def start_server(env: dict, port: int, workers: int) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "intloffice.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
        # gunicorn's control socket is one path per user: benchmarks must not share it.
        "--no-control-socket",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    # Ready: the database, the cache and the media storage answer.
    wait_until_up(f"http://127.0.0.1:{port}/readyz")
    return server


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def worker_memory_mb(server: subprocess.Popen) -> float:
    """The largest resident memory among the gunicorn workers."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return max(sizes, default=0)


def run_wrk(url: str, connections: int, duration: int, script: str | None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {m[0]: m[1] for m in re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.M)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(g) for g in socket.groups()) if socket else 0
    )
    return {
        "rate": rate,
        "p50": latency.get("50", "?"),
        "p99": latency.get("99", "?"),
        "errors": errors,
    }


# Single-client search latency: varied queries, common and rare, in three languages.
SEARCH_QUERIES = [
    "/en/search/?q=university+cooperation",
    "/en/search/?q=Munich",
    "/en/search/?q=summit",
    "/en/search/?q=joint+PhD+supervision",
    "/en/search/?q=%22memorandum+of+understanding%22",
    "/en/search/?q=Volkova",
    "/en/search/?q=xian",
    "/ru/search/?q=%D1%83%D0%BD%D0%B8%D0%B2%D0%B5%D1%80%D1%81%D0%B8%D1%82%D0%B5%D1%82",
    "/zh-hans/search/?q=%E8%A5%BF%E5%AE%89",
    "/en/search/?q=nuclear+physics&page=3",
]


def search_latency(port: int, rounds: int = 5) -> tuple[float, float]:
    """Median and slowest time of one search at a time (ms), each query ``rounds`` times."""
    times = []
    for _ in range(rounds):
        for path in SEARCH_QUERIES:
            started = time.perf_counter()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
                response.read()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def published_count(database_url: str) -> int:
    with psycopg.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM news_article WHERE status = 'published' AND publish_at <= now()"
        )
        return cursor.fetchone()[0]


def warm_up(port: int, paths: list[str]) -> None:
    """Fill the shared page cache so that 'cached' measures cached pages."""
    for path in paths:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            response.read()


def article_paths(database_url: str, count: int = 300) -> list[str]:
    with psycopg.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT slug FROM news_article WHERE status = 'published' AND publish_at <= now() "
            "ORDER BY publish_at DESC LIMIT %s",
            [count],
        )
        return [f"/en/news/{slug}/" for (slug,) in cursor.fetchall()]


def mixed_paths(database_url: str, wanted: int = 1000) -> tuple[list[str], list[int]]:
    """About ``wanted`` addresses a day's readers ask for, in three languages: the newest
    articles, the first news pages, the home page, the feed, the busiest partners; and
    the 20 newest articles' ids, which the editor corrects."""
    languages = ("en", "ru", "zh-hans")
    with psycopg.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, slug FROM news_article WHERE status = 'published' AND publish_at <= now() "
            "ORDER BY publish_at DESC, id DESC LIMIT %s",
            [wanted * 9 // 10 // len(languages)],
        )
        articles = cursor.fetchall()
        cursor.execute(
            "SELECT o.slug FROM partners_organization o JOIN news_article_organizations l "
            "ON l.organization_id = o.id GROUP BY o.slug ORDER BY count(*) DESC LIMIT 10"
        )
        partners = [slug for (slug,) in cursor.fetchall()]
    paths = [f"/{lang}/news/{slug}/" for _id, slug in articles for lang in languages]
    for lang in languages:
        paths += [f"/{lang}/", f"/{lang}/news/feed/", f"/{lang}/events/"]
        paths += [f"/{lang}/partners/{slug}/" for slug in partners]
    last_page = max(1, math.ceil(published_count(database_url) / PER_PAGE))
    page = 1
    while len(paths) < wanted and page <= last_page:
        paths += [f"/{lang}/news/" + (f"?page={page}" if page > 1 else "") for lang in languages]
        page += 1
    return paths[:wanted], [pk for pk, _slug in articles[:20]]


def rotating_script(paths: list[str]) -> str:
    lua = "paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
    lua += "request = function()\n  return wrk.format('GET', paths[math.random(#paths)])\nend\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(lua)
    return handle.name


def prepare(n: int, database_url: str, skip_import: bool = False) -> dict:
    """Import the corpus (unless ``skip_import``), empty the shared cache and collect the
    static files; the environment a benchmark's server runs with."""
    if not skip_import:
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "import_bench.py"), "--n", str(n)]
            + ["--database-url", database_url],
            check=True,
        )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret"),
        "DJANGO_DEBUG": "0",
        "DJANGO_LOG_LEVEL": "ERROR",
        # Plain HTTP on 127.0.0.1: no redirect to HTTPS, no HSTS, cookies over HTTP.
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_SECURE_COOKIES": "0",
        # One cache shared by every worker, as in production.
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
    }
    # Pages cached by an earlier run (of older code, perhaps) must not be measured.
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    return env


def static_rows(args, env: dict, pages: dict, healthz: float, cached: dict) -> list[str]:
    """The static edition's rows: ``pages`` (but /healthz and search) published into a
    temporary folder with ``publish_static --only`` and served by nginx."""
    import static_bench  # it imports this module

    paths = {name: path for name, path in pages.items() if name not in ("/healthz", "search")}
    addresses = [p for path in paths.values() for p in ([path] if isinstance(path, str) else path)]
    out = Path(tempfile.mkdtemp(prefix="site-bench-static-"))
    try:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "publish_static", str(out), "--only", *addresses],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        published = time.perf_counter() - started
        results = static_bench.measure_static(out, paths, args.duration, args.connections)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    lines = []
    for name, result in results.items():
        times = result["rate"] / cached[name] if cached.get(name) else 0
        lines.append(
            f"{name:<28}{'static':<10}{result['rate']:>9.0f}{result['p50']:>10}"
            f"{result['p99']:>10}{result['errors']:>8}{'-':>7}"
            f"{100 * result['rate'] / healthz:>10.0f}%{f'{times:.1f}x cached':>14}"
        )
        print(lines[-1], flush=True)
    lines.append(
        f"Static edition: {len(addresses)} addresses published with publish_static --only "
        f"in {published:.1f} s, served by nginx (2 workers) on 127.0.0.1; "
        "the last column: its requests/s over the cached page's."
    )
    print(lines[-1], flush=True)
    return lines


def mixed(args, env: dict, port: int) -> str:
    """The mixed workload (bench/mixed_workload.py) against the running server."""
    password = "bench-" + os.urandom(8).hex()
    mixed_workload.ensure_editor(env, ROOT, password)
    paths, edited = mixed_paths(args.database_url)
    warm_up(port, paths)
    result = mixed_workload.run(
        port, paths, edited, password, rate=args.mixed_rate, duration=args.mixed_duration
    )
    return (
        f"Mixed workload: {len(paths)} addresses at {args.mixed_rate:.0f} requests/s for "
        f"{args.mixed_duration:.0f} s (served {result['rate']:.0f}/s), an editor saving an "
        f"article through the admin every 10 s ({result['saves']} saves, "
        f"{result['failed_saves']} failed): {result['hit_share']:.1f}% from cache, "
        f"p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, {result['errors']} errors"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("N", 10000)))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", 30)))
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8811)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--mixed-rate", type=float, default=200)
    parser.add_argument("--mixed-duration", type=float, default=60)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", import_bench.DEFAULT_DATABASE_URL),
    )
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            raise SystemExit(f"make bench needs {tool}: apt-get install wrk nginx-light")

    env = prepare(args.n, args.database_url, skip_import=args.skip_import)
    last_page = max(1, math.ceil(published_count(args.database_url) / PER_PAGE))
    articles = article_paths(args.database_url)
    pages = {
        "/healthz": "/healthz",
        "home": "/en/",
        "news page 1": "/en/news/",
        f"news page {last_page}": f"/en/news/?page={last_page}",
        f"articles ({len(articles)} rotating)": articles,
        "partner": "/en/partners/aturc/",
        "search": "/en/search/?q=university+cooperation",
        "RSS feed": "/en/news/feed/",
        "sitemap index": "/sitemap.xml",
        "sitemap, news file 1": "/sitemap-news-1.xml",
    }
    counts = json.loads(
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "count_queries.py"),
                *[p if isinstance(p, str) else p[0] for p in pages.values()],
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    script = rotating_script(articles)
    lines = [
        f"Site benchmark: {args.n} articles, gunicorn {args.workers} sync workers, "
        f"wrk -c{args.connections} -d{args.duration}s from 127.0.0.1",
        f"{'page':<28}{'mode':<10}{'req/s':>9}{'p50':>10}{'p99':>10}{'errors':>8}"
        f"{'SQL':>7}{'% healthz':>11}{'worker MB':>11}",
    ]
    footer = [
        "SQL: queries on the first view after a change / on every later view (page cache off).",
    ]
    cached, healthz = {}, None
    for mode, seconds in (("cached", "600"), ("uncached", "0")):
        server = start_server(
            {**env, "DJANGO_PAGE_CACHE_SECONDS": seconds}, args.port, args.workers
        )
        try:
            if mode == "cached":
                warm_up(
                    args.port,
                    [
                        p
                        for path in pages.values()
                        for p in ([path] if isinstance(path, str) else path)
                    ],
                )
            baseline = None
            for name, path in pages.items():
                first = path if isinstance(path, str) else path[0]
                url = f"http://127.0.0.1:{args.port}{first}"
                result = run_wrk(
                    url, args.connections, args.duration, None if isinstance(path, str) else script
                )
                baseline = baseline or result["rate"]
                share = 100 * result["rate"] / baseline
                if mode == "cached":
                    cached[name] = result["rate"]
                    healthz = healthz or result["rate"]
                sql = counts.get(first)
                sql = f"{sql[0]}/{sql[1]}" if isinstance(sql, list) else "-"
                lines.append(
                    f"{name:<28}{mode:<10}{result['rate']:>9.0f}{result['p50']:>10}"
                    f"{result['p99']:>10}{result['errors']:>8}{sql:>7}"
                    f"{share:>10.0f}%{worker_memory_mb(server):>11.0f}"
                )
                print(lines[-1], flush=True)
            if mode == "uncached":
                median, slowest = search_latency(args.port)
                footer.append(
                    f"Search, one client, {len(SEARCH_QUERIES)} queries x 5, page cache off: "
                    f"median {median:.1f} ms, slowest {slowest:.1f} ms"
                )
                print(footer[-1], flush=True)
            if mode == "cached":
                footer.append(mixed(args, env, args.port))
                print(footer[-1], flush=True)
        finally:
            stop_server(server)
    footer += static_rows(args, env, pages, healthz, cached)
    report = "\n".join(lines + footer)
    print("\n" + report)
    out = ROOT / "var" / "bench" / f"site-{args.n}.txt"
    out.write_text(report + "\n")
    print(f"(written to {out.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
