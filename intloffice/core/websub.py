"""Telling a WebSub hub that feeds changed, so that readers subscribed through it hear at
once instead of at their next poll.

``announce(feed_urls)`` is called by the apps when something a feed shows is saved (their
``AppConfig.ready()``) and by bulk writers (the importer). Nothing happens without a hub
(``INTLOFFICE_WEBSUB_HUB``), nor before the transaction commits: a change rolled back was
never published. Then the hub gets, for each feed, a form-encoded POST of
``hub.mode=publish`` and ``hub.url=<feed>`` (the convention of PubSubHubbub hubs, Google's
among them; WebSub leaves publishing to the hub, and one address per request is what
every hub reads).

Publishing never waits for the hub nor fails because of it. The requests leave from one
thread per process, which first waits a moment (``GATHER_SECONDS``) so that the saves of
one admin form, list action or import become one announcement of each feed. A hub that is
down or slow costs at most ``TIMEOUT_SECONDS`` and one warning line; the rest of that
round is dropped rather than retried (the next change announces the feeds again).
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5
GATHER_SECONDS = 0.2

_lock = threading.Lock()
_waiting: dict[str, set[str]] = {}  # hub -> feed addresses
_sender: threading.Thread | None = None


def enabled() -> bool:
    return bool(settings.INTLOFFICE_WEBSUB_HUB)


def announce(feed_urls: Iterable[str] | Callable[[], Iterable[str]], using=None) -> None:
    """Tell the hub, once the current transaction commits, that these feeds changed.

    ``feed_urls`` may be a function, called after the commit: what a change touches is
    sometimes saved after it (an article's partners come after the article)."""
    hub = settings.INTLOFFICE_WEBSUB_HUB
    if not hub:
        return
    transaction.on_commit(lambda: _queue(hub, feed_urls), using=using)


def _queue(hub: str, feed_urls) -> None:
    global _sender
    urls = set(feed_urls() if callable(feed_urls) else feed_urls)
    if not urls:
        return
    with _lock:
        _waiting.setdefault(hub, set()).update(urls)
        if _sender is None:
            # Not a daemon: a command's process (an import) waits for its announcement.
            _sender = threading.Thread(target=_send_waiting, name="websub", daemon=False)
            _sender.start()


def _send_waiting() -> None:
    global _sender
    while True:
        time.sleep(GATHER_SECONDS)
        with _lock:
            if not _waiting:
                _sender = None
                return
            rounds = list(_waiting.items())
            _waiting.clear()
        for hub, urls in rounds:
            ping(hub, sorted(urls))


def ping(hub: str, feed_urls: list[str]) -> bool:
    """POST one publish notification per feed; stop at the first failure (one warning
    line: a hub that is away would fail the others the same way). True if all went."""
    for done, url in enumerate(feed_urls):
        body = urlencode({"hub.mode": "publish", "hub.url": url}).encode()
        request = Request(hub, data=body, method="POST")  # form-encoded, as urllib sends it
        try:
            # urllib raises HTTPError for 4xx and 5xx (and follows no POST redirect).
            with urlopen(request, timeout=TIMEOUT_SECONDS):
                pass
        except (OSError, ValueError) as error:  # URLError, HTTPError, timeouts
            logger.warning(
                "WebSub hub %s was not told of %d changed feed(s): %s",
                hub,
                len(feed_urls) - done,
                error,
            )
            return False
    return True


def wait(timeout: float = GATHER_SECONDS + TIMEOUT_SECONDS + 1) -> bool:
    """Wait until the announcements on their way have left (or failed); False if they
    are still going after ``timeout`` seconds."""
    sender = _sender
    if sender is not None:
        sender.join(timeout)
        return not sender.is_alive()
    return True
