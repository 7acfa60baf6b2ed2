"""Every public page is valid HTML by the Nu HTML checker (the W3C validator, offline)."""

import json
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from .conftest import PAGES, VNU_JAR, page_cases

# Checked with the pages: the checker must report it, or it did not really check anything
# (it passes over a missing file in silence, for one).
CANARY = "<!DOCTYPE html><html lang=en><title>Canary</title><p><img src=x.png></p></html>"


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:  # the 404 page is checked too
        return error.code, error.read()


def vnu(java: str, files: list[Path]) -> list[dict]:
    """The checker's errors for all files, from one Java process (it takes seconds to start)."""
    command = [java, "-jar", VNU_JAR, "--errors-only", "--exit-zero-always"]
    command += ["--format", "json", "--stdout", *map(str, files)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    messages = json.loads(result.stdout)["messages"]
    # "non-document-error": a file that could not be checked at all, also a failure.
    return [m for m in messages if m["type"] in {"error", "non-document-error"}]


def test_public_pages_are_valid_html(site, java, tmp_path):
    """One check covers the laptop and the phone: the server sends both the same HTML (the
    layout is the stylesheet's), pictures included (the site data has some)."""
    urls = {}
    for case in page_cases():
        lang, name = case.values
        path, status = PAGES[name]
        url = f"/{lang}{path}"
        answered, html = fetch(site + url)
        assert answered == status, f"{url} answered {answered}"
        (tmp_path / f"{lang}-{name}.html").write_bytes(html)
        urls[f"{lang}-{name}.html"] = url
    (tmp_path / "canary.html").write_text(CANARY)

    report, canary_seen = [], False
    for message in vnu(java, sorted(tmp_path.iterdir())):
        file = message.get("url", "").rsplit("/", 1)[-1]
        if file == "canary.html":
            canary_seen = True
            continue
        where = f"{urls.get(file, message.get('url', '?'))}:{message.get('lastLine', '?')}"
        extract = message.get("extract", "").replace("\n", " ").strip()
        report.append(f"{where}: {message['message']}" + (f"\n    {extract}" if extract else ""))
    assert canary_seen, "the Nu checker reported nothing for a file with a known error"
    assert report == [], f"{len(report)} HTML error(s):\n" + "\n".join(report)
