"""The page cache against what any client can send: a made-up session cookie, random query
strings, streams of distinct missing addresses (wrk).

Against a server already running (``make serve``: DEBUG off, PostgreSQL, Redis):

    .venv/bin/python bench/page_cache_bench.py --url http://127.0.0.1:8000 [--rounds 3]

Each case runs ``--rounds`` times, the cases taking turns, so that a busy machine weighs on
all alike; the median is printed. Target: with ``Cookie: sessionid=x`` the news list keeps
at least 80 % of its rate without.
"""

import argparse
import re
import statistics
import subprocess
import tempfile
import urllib.request
from pathlib import Path

CASES = {
    "/healthz": ("/healthz", None, None),
    "/en/news/": ("/en/news/", None, None),
    "/en/news/, Cookie: sessionid=x": ("/en/news/", "Cookie: sessionid=x", None),
    "/en/news/?x=<random>": ("/", None, '"/en/news/?x=" .. math.random(1, 1000000000)'),
    "404 /en/no-such-page-<random>/": (
        "/",
        None,
        '"/en/no-such-page-" .. math.random(1, 1000000000) .. "/"',
    ),
    "404 /en/news/no-such-article-<random>/": (
        "/",
        None,
        '"/en/news/no-such-article-" .. math.random(1, 1000000000) .. "/"',
    ),
}


def wrk(url: str, connections: int, duration: int, header, script) -> tuple[float, int]:
    command = ["wrk", f"-c{connections}", f"-d{duration}s", url]
    if header:
        command[1:1] = ["-H", header]
    if script:
        command[1:1] = ["-s", script]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    # All of them for the missing pages (404), none for the others.
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, int(non_2xx.group(1)) if non_2xx else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    base = args.url.rstrip("/")
    for path in ("/en/news/", "/en/news/"):  # the second view is cached
        urllib.request.urlopen(base + path, timeout=30).read()

    rates = {name: [] for name in CASES}
    non_2xx = dict.fromkeys(CASES, 0)
    with tempfile.TemporaryDirectory() as folder:
        scripts = {}
        for name, (_path, _header, expression) in CASES.items():
            if expression:
                script = Path(folder) / f"{len(scripts)}.lua"
                script.write_text(
                    f"request = function()\n  return wrk.format(nil, {expression})\nend\n"
                )
                scripts[name] = str(script)
        for _round in range(args.rounds):
            for name, (path, header, _expression) in CASES.items():
                rate, others = wrk(
                    base + path, args.connections, args.duration, header, scripts.get(name)
                )
                rates[name].append(rate)
                non_2xx[name] += others

    print(f"wrk -c{args.connections} -d{args.duration}s against {base}, median of {args.rounds}")
    print(f"{'case':<42}{'req/s':>9}{'runs':>26}{'non-2xx':>9}")
    for name, values in rates.items():
        runs = " ".join(f"{value:.0f}" for value in values)
        print(f"{name:<42}{statistics.median(values):>9.0f}{runs:>26}{non_2xx[name]:>9}")
    share = statistics.median(rates["/en/news/, Cookie: sessionid=x"]) / statistics.median(
        rates["/en/news/"]
    )
    print(
        f"A made-up session cookie keeps {100 * share:.0f} % of the news list's rate (target 80 %)"
    )


if __name__ == "__main__":
    main()
