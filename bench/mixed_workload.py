"""A working day, compressed: readers at a fixed rate while an editor saves through the admin.

Readers request addresses drawn from a fixed set (articles, list pages, partner pages,
feeds, in three languages) at a constant rate, open-loop: each request has a planned
start, and its latency is counted from then, so a stalled server is not hidden by readers
that politely waited (no coordinated omission). Meanwhile an editor, signed in to the
admin with a real account, opens an article's change form and saves it with a corrected
title every few seconds, as a person would. Reported: the share of reader requests served
from the page cache (``X-Page-Cache: hit``), p50/p99 latency, errors, and the saves made.

Used by bench/site_bench.py (``make bench``); it needs a running server and a staff
account (``ensure_editor``).
"""

import http.client
import http.cookies
import queue
import random
import statistics
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from urllib.parse import urlencode

EDITOR = "bench-editor"


def ensure_editor(env: dict, root, password: str) -> None:
    """A superuser for the editor (made again with this password on every run)."""
    script = (
        "from django.contrib.auth import get_user_model\n"
        "User = get_user_model()\n"
        f"user, _ = User.objects.get_or_create(username={EDITOR!r})\n"
        "user.is_staff = user.is_superuser = True\n"
        f"user.set_password({password!r})\n"
        "user.save()\n"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], env=env, cwd=root, check=True
    )


class FormFields(HTMLParser):
    """The fields a browser would send for the form with ``form_id``."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: tuple[str, list] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file", "image"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            self._select[1].append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, options = self._select
            chosen = [value for value, selected in options if selected]
            self.fields.extend((name, value) for value in chosen)
            self._select = None


class Editor:
    """One person in the admin, over one keep-alive connection with its own cookies."""

    def __init__(self, port: int, password: str):
        self.port, self.password = port, password
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: dict | list | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, response.headers, content

    def sign_in(self) -> None:
        self.request("GET", "/admin/login/")
        status, _headers, _body = self.request(
            "POST",
            "/admin/login/?next=/admin/",
            {
                "username": EDITOR,
                "password": self.password,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
                "next": "/admin/",
            },
        )
        if status != 302:
            raise SystemExit(f"the editor could not sign in to the admin (HTTP {status})")

    def save_title(self, article_id: int, title: str) -> bool:
        path = f"/admin/news/article/{article_id}/change/"
        status, _headers, html = self.request("GET", path)
        if status != 200:
            return False
        form = FormFields("article_form")
        form.feed(html)
        fields = [(k, v) for k, v in form.fields if k != "title_en"]
        fields += [("title_en", title), ("_continue", "1")]
        status, headers, _body = self.request("POST", path, fields)
        return status == 302 and "/change/" in (headers.get("Location") or "")


def read(port: int, jobs: queue.Queue, results: list, lock: threading.Lock) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while (job := jobs.get()) is not None:
        planned, path = job
        delay = planned - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            outcome = (response.status, response.headers.get("X-Page-Cache") == "hit")
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            outcome = (0, False)
        latency = time.monotonic() - planned
        with lock:
            results.append((latency, *outcome))


def run(
    port: int,
    paths: list[str],
    edited: list[int],
    password: str,
    rate: float = 200,
    duration: float = 60,
    save_every: float = 10,
    readers: int = 24,
) -> dict:
    """Readers at ``rate`` requests/s over ``paths`` for ``duration`` seconds while the
    editor saves one of ``edited`` (article ids) every ``save_every`` seconds."""
    editor = Editor(port, password)
    editor.sign_in()
    jobs: queue.Queue = queue.Queue()
    results: list = []
    lock = threading.Lock()
    threads = [
        threading.Thread(target=read, args=(port, jobs, results, lock), daemon=True)
        for _ in range(readers)
    ]
    for thread in threads:
        thread.start()
    chooser = random.Random(2022)
    started = time.monotonic() + 0.5
    total = int(rate * duration)
    for number in range(total):
        jobs.put((started + number / rate, chooser.choice(paths)))
    saves, failed = 0, 0
    next_save = started + save_every / 2
    while next_save < started + duration:
        time.sleep(max(0.0, next_save - time.monotonic()))
        article = edited[saves % len(edited)]
        ok = editor.save_title(article, f"Corrected at {time.strftime('%H:%M:%S')} ({saves})")
        saves, failed = saves + ok, failed + (not ok)
        next_save += save_every
    for _thread in threads:
        jobs.put(None)
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies = sorted(latency for latency, _status, _hit in results)
    return {
        "requests": len(results),
        "rate": len(results) / elapsed,
        "hit_share": 100 * sum(hit for _l, _s, hit in results) / max(1, len(results)),
        "p50": 1000 * statistics.median(latencies),
        "p99": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "errors": sum(status != 200 for _l, status, _h in results),
        "saves": saves,
        "failed_saves": failed,
    }
