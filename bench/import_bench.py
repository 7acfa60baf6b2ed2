"""Import benchmark: N synthetic articles into PostgreSQL, twice; prints rate and peak memory.

    python bench/import_bench.py [--n 10000] [--database-url postgres://...]

The corpus comes from ../shared/tools/make_corpus.py (byte-identical for the same N), the
database is dropped and created afresh, and each import runs as its own process so its
peak resident memory is measured alone (os.wait4).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS_TOOL = ROOT.parent / "shared" / "tools" / "make_corpus.py"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/intloffice_bench"


def make_corpus(n: int, tool: Path) -> Path:
    folder = ROOT / "var" / "bench" / f"corpus-{n}"
    marker = folder / ".complete"
    if not marker.exists():
        print(f"Writing {n} articles to {folder} …", flush=True)
        subprocess.run([sys.executable, str(tool), "--n", str(n), "--out", str(folder)], check=True)
        marker.touch()
    return folder


def recreate_database(url: str) -> None:
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def manage(env: dict, *args: str) -> tuple[float, float, str]:
    """Run manage.py; return (seconds, peak resident MB, output)."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("N", 10000)))
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument(
        "--corpus-tool", type=Path, default=Path(os.environ.get("MAKE_CORPUS", DEFAULT_CORPUS_TOOL))
    )
    args = parser.parse_args()

    corpus = make_corpus(args.n, args.corpus_tool)
    recreate_database(args.database_url)
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret"),
        "DJANGO_DEBUG": "0",
    }
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_seed_entities", "-v0")

    rows = []
    for run in ("first import", "re-import (unchanged)"):
        seconds, peak, output = manage(env, "import_articles", str(corpus))
        summary = output.strip().splitlines()[-1]
        rows.append((run, args.n / seconds, peak, seconds, summary))

    server = args.database_url.rsplit("@", 1)[-1]
    lines = [
        f"Import benchmark: {args.n} articles into PostgreSQL ({server})",
        f"{'run':<24}{'articles/s':>12}{'peak MB':>10}{'seconds':>10}  command's summary",
    ]
    for run, rate, peak, seconds, summary in rows:
        lines.append(f"{run:<24}{rate:>12.0f}{peak:>10.0f}{seconds:>10.1f}  {summary}")
    report = "\n".join(lines)
    print(report)
    out = ROOT / "var" / "bench" / f"import-{args.n}.txt"
    out.write_text(report + "\n")
    print(f"(written to {out.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
