"""A WebSub hub on 127.0.0.1 for the tests: a real HTTP server in a thread that keeps what
publishers POST to it (intloffice.core.websub), and hubs that are away or never answer."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

SITE_URL = "https://io.example.edu"


class Hub(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, status: int = 204):
        self.status = status
        self.received: list[dict] = []  # each request: its headers' content type and form
        super().__init__(("127.0.0.1", 0), Recorder)
        self.url = f"http://127.0.0.1:{self.server_port}/hub"

    def announced(self) -> list[str]:
        """The feeds announced, in the order they came."""
        assert all(form["hub.mode"] == ["publish"] for form in self.forms())
        return [url for form in self.forms() for url in form["hub.url"]]

    def forms(self) -> list[dict]:
        return [request["form"] for request in self.received]

    def wait_for(self, count: int, seconds: float = 5) -> None:
        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.01)


class Recorder(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.server.received.append(
            {"path": self.path, "type": self.headers["Content-Type"], "form": parse_qs(body)}
        )
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def running(hub: Hub):
    thread = threading.Thread(target=hub.serve_forever, daemon=True)
    thread.start()
    return thread


def silent_address() -> tuple[socket.socket, str]:
    """A hub that takes connections and never answers: a listening socket nobody reads."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}/hub"


def closed_address() -> str:
    """A hub that is away: a port nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hub"
