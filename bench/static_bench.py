"""The static edition under nginx: python bench/static_bench.py [--n N] [--duration S].

Imports a corpus of N articles into PostgreSQL (bench/import_bench.py, unless
--skip-import), publishes it with `manage.py publish_static` (timed: the first run, a
second with nothing changed), serves the folder with nginx on 127.0.0.1:8832 and the
configuration publish_static shipped, and loads the same pages as bench/site_bench.py with
wrk. `measure_static()` is what site_bench can call for its own table.
"""

import argparse
import contextlib
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import import_bench  # noqa: E402
import site_bench  # noqa: E402

ROOT = import_bench.ROOT
sys.path.insert(0, str(ROOT))
from intloffice.website.static_edition import standalone_nginx_config  # noqa: E402

NGINX = "/usr/sbin/nginx"
PORT = 8832


@contextlib.contextmanager
def nginx_serving(out_dir: Path, port: int = PORT, app: str = "127.0.0.1:9"):
    """nginx on 127.0.0.1:``port`` serving ``out_dir`` with the shipped configuration;
    what it would send to the app goes to ``app`` (by default a closed port: 502)."""
    folder = Path(tempfile.mkdtemp(prefix="static-bench-nginx-"))
    config = folder / "nginx.conf"
    config.write_text(standalone_nginx_config(Path(out_dir), folder, port, app))
    server = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(config), "-g", "daemon off;"],
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"nginx did not start: see {folder}/error.log") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def measure_static(out_dir, paths: dict, duration: int, connections: int) -> dict:
    """wrk against nginx serving ``out_dir``: for each label of ``paths`` (an address, or
    a list of addresses taken at random, as site_bench's pages), requests/s, p50, p99
    and errors (site_bench.run_wrk's figures)."""
    results = {}
    with nginx_serving(Path(out_dir)) as base:
        for label, path in paths.items():
            script = None if isinstance(path, str) else site_bench.rotating_script(path)
            first = path if isinstance(path, str) else path[0]
            results[label] = site_bench.run_wrk(base + first, connections, duration, script)
    return results


def publish(env: dict, out_dir: Path) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", "publish_static", str(out_dir)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, result.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("N", 10000)))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", 10)))
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--out", help="Publish here and keep it (default: a temporary folder).")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", import_bench.DEFAULT_DATABASE_URL),
    )
    args = parser.parse_args()
    for tool in ("wrk", NGINX):
        if not shutil.which(tool):
            raise SystemExit(f"needs {tool}: apt-get install wrk nginx-light")
    env = site_bench.prepare(args.n, args.database_url, skip_import=args.skip_import)
    out_dir = Path(args.out or tempfile.mkdtemp(prefix="static-bench-out-"))
    first, first_line = publish(env, out_dir)
    second, second_line = publish(env, out_dir)
    last_page = max(1, math.ceil(site_bench.published_count(args.database_url) / 20))
    paths = {
        "home": "/en/",
        "news page 1": "/en/news/",
        f"news page {last_page}": f"/en/news/?page={last_page}",
        "articles (300 rotating)": site_bench.article_paths(args.database_url),
        "RSS feed": "/en/news/feed/",
        "events calendar": "/en/events/calendar.ics",
        "sitemap, news file 1": "/sitemap-news-1.xml",
    }
    results = measure_static(out_dir, paths, args.duration, args.connections)
    print(f"publish_static, first run: {first:.1f} s ({first_line})")
    print(f"publish_static, no change: {second:.1f} s ({second_line})")
    print(f"nginx on 127.0.0.1:{PORT}, wrk -c{args.connections} -d{args.duration}s")
    print(f"{'page':<28}{'req/s':>10}{'p50':>10}{'p99':>10}{'errors':>8}")
    for label, row in results.items():
        print(f"{label:<28}{row['rate']:>10.0f}{row['p50']:>10}{row['p99']:>10}{row['errors']:>8}")
    if not args.out:
        shutil.rmtree(out_dir)


if __name__ == "__main__":
    main()
