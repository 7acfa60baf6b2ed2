"""Where an uncached page spends its Python: per-page median times and cProfile's top functions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/io_bench .venv/bin/python bench/profile_pages.py

Runs in one process through Django's test client, with the page cache off and DEBUG off
(as ``make bench``'s "uncached" rows), over a database that already holds a corpus
(``make_corpus.py`` + ``manage.py import_articles`` + ``load_seed_entities``). Pages: an
article (rotating over ``--articles`` public articles in English, Russian and Chinese),
the news list's first and last page, a search, and /healthz as the yardstick. Each page is
first viewed once (per-process state and the per-generation values that ``make bench``'s
uncached run also has warm), then timed ``--rounds`` times, then profiled.

The last column compares with /healthz in this process, without gunicorn's and the
network's cost per request: much lower shares than ``make bench``'s, for comparing runs of
this script with each other, not with the targets. The machine's other work shows in the
times: compare before and after in the same conditions, a few runs each.
"""

import argparse
import cProfile
import io
import itertools
import math
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intloffice.settings")
os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"
os.environ.pop("DJANGO_DEBUG", None)
os.environ.setdefault("DJANGO_SECRET_KEY", "profiling-only-not-a-secret")
os.environ.setdefault("DJANGO_LOG_LEVEL", "ERROR")
# Plain HTTP from the test client: no redirect to HTTPS.
os.environ.setdefault("DJANGO_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")

LANGUAGES = ("en", "ru", "zh-hans")
PER_PAGE = 20


def setup() -> None:
    import django

    django.setup()
    from django.conf import settings

    # DEBUG off serves static names from the manifest collectstatic writes.
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
    # Values kept by an earlier run (of other code, or tests sharing this cache against
    # another database) must not be measured: a generation of this run's own.
    from intloffice.core.freshness import everything_changed

    everything_changed()


def pages(articles: int) -> dict[str, list[str]]:
    from news.models import Article

    public = Article.objects.published().newest_first()
    slugs = list(public.values_list("slug", flat=True)[:articles])
    if not slugs:
        raise SystemExit("No public articles: import a corpus first (see the docstring).")
    last = max(1, math.ceil(public.count() / PER_PAGE))
    return {
        "/healthz": ["/healthz"],
        f"article ({len(slugs)} x {len(LANGUAGES)} languages)": [
            f"/{language}/news/{slug}/" for slug in slugs for language in LANGUAGES
        ],
        "news page 1": ["/en/news/"],
        f"news page {last}": [f"/en/news/?page={last}"],
        "search": ["/en/search/?q=university+cooperation"],
    }


def fetch(client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}")


def timed(client, paths: list[str], rounds: int) -> list[float]:
    times = []
    for path in itertools.islice(itertools.cycle(paths), rounds):
        started = time.perf_counter()
        fetch(client, path)
        times.append((time.perf_counter() - started) * 1000)
    return times


def profile(client, paths: list[str], rounds: int, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for path in itertools.islice(itertools.cycle(paths), rounds):
        fetch(client, path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    for order in ("cumulative", "tottime"):
        out.write(f"--- sorted by {order} ({rounds} requests) ---\n")
        stats.sort_stats(order).print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=150, help="timed requests per page")
    parser.add_argument("--profile-rounds", type=int, default=60)
    parser.add_argument("--top", type=int, default=30, help="functions shown per ordering")
    parser.add_argument("--only", help="profile only pages whose name contains this")
    parser.add_argument("--no-profile", action="store_true", help="times only")
    args = parser.parse_args()

    setup()
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    results = {}
    for name, paths in pages(args.articles).items():
        for path in paths:  # warm: per-process state, per-generation derived values
            fetch(client, path)
        results[name] = statistics.median(timed(client, paths, args.rounds))
        if not args.no_profile and name != "/healthz" and (not args.only or args.only in name):
            print(f"\n===== {name} =====")
            print(profile(client, paths, args.profile_rounds, args.top))

    baseline = results["/healthz"]
    print(f"\n{'page':<34}{'median ms':>10}{'% healthz':>11}")
    for name, median in results.items():
        print(f"{name:<34}{median:>10.2f}{100 * baseline / median:>10.1f}%")


if __name__ == "__main__":
    main()
