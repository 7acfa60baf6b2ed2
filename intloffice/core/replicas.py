"""Anonymous readers read from a PostgreSQL streaming replica; everything else from the primary.

With ``DATABASE_REPLICA_URL`` set, the settings add a ``replica`` database and install
``ReplicaRouter``; ``ReplicaMiddleware`` tells the router, per request, whether its reads
may go there. Only a GET or HEAD from an anonymous reader may: a request with a session
cookie (every signed-in reader has one, staff in the admin or previewing included, and the
page cache's signed-in marker goes with one), any other method,
management commands and background work (nothing sets the flag there), and queries inside
a transaction on the primary all read the primary, as do all writes.

**Reading your own writes.** A response to a POST (or any unsafe method) sets a cookie
that lives for the catch-up window: the client's next requests read the primary, so the
form it just saved shows what it saved.

**Replica lag and the page cache.** Cached pages are exact because a change bumps the tags
of what it touched after it commits (intloffice/core/dependencies.py); a page rendered
afterwards is kept as fresh. If that page read a replica that had not yet replayed the
change, the old text would be kept as fresh until the next change: the cache would make a
lag of milliseconds last for hours. So:

- while fewer than ``REPLICA_CATCH_UP_SECONDS`` have passed since the last change to content
  (``dependencies.seconds_since_change()``, read with the page cache's state at the start
  of the request, at no extra cost), every read goes to the primary;
- the replica is used only while it is known to hold everything the primary had
  committed that window ago. At most once a second per process, the router reads the
  primary's WAL position and then the replica's replayed position; the replica holds
  everything committed before the newest primary reading its replay has reached. If that
  reading is older than the window (the replica lags, or stopped replaying), reads go to
  the primary until it catches up.

Together: a change made at time t is read from the primary until t + window, and from then
on only from a replica that had replayed it. Measuring by positions rather than by
``now() - pg_last_xact_replay_timestamp()`` keeps an idle site (no commits, so an old
replay timestamp) on its replica. A server not in recovery (a test mirror of the primary)
has no lag; neither has a database other than PostgreSQL, which has no such replicas.

**A replica that fails.** A connection error marks the replica down for
``PAUSE_AFTER_ERROR`` seconds in this process (a circuit breaker, as for the cache in
intloffice/core/cache.py), during which everything reads the primary. A GET or HEAD whose
replica query failed is answered again from the primary (it changed nothing), with one log
line and no error for the reader.
"""

import logging
import math
import threading
import time
from collections import deque
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, connections
from django.http import HttpResponse

from . import dependencies

logger = logging.getLogger("intloffice.replicas")

REPLICA = "replica"
ROUTER = "intloffice.core.replicas.ReplicaRouter"
# Set on responses to unsafe methods: this client's next requests read the primary.
AFTER_WRITE_COOKIE = "wrote"
SAFE_METHODS = {"GET", "HEAD"}
PAUSE_AFTER_ERROR = 5.0
CHECK_EVERY = 1.0


class Reads:
    """One request's reads: whether they may use the replica, whether they did, and
    whether it failed them."""

    def __init__(self, allowed: bool):
        self.allowed = allowed
        self.used = False
        self.failed = ""  # the error that failed a read on the replica


_reads: ContextVar[Reads | None] = ContextVar("intloffice_replica_reads", default=None)


class Replica:
    """What this process knows of the replica (shared by its threads)."""

    def __init__(self):
        self.down_until = 0.0
        self.checked_at = -math.inf
        # The replica holds everything the primary had committed at this time (monotonic).
        self.holds_until = -math.inf
        self.primary_positions: deque[tuple[float, int]] = deque()
        self._lock = threading.Lock()

    def usable(self) -> bool:
        now = time.monotonic()
        if now < self.down_until:
            return False
        if now - self.checked_at >= CHECK_EVERY and self._lock.acquire(blocking=False):
            try:
                self.check(now)
            finally:
                self._lock.release()
        now = time.monotonic()
        return now >= self.down_until and now - self.holds_until < settings.REPLICA_CATCH_UP_SECONDS

    def check(self, now: float) -> None:
        """Compare the replica's replayed position with the primary's (two small queries)."""
        self.checked_at = now
        replica = connections[REPLICA]
        if replica.vendor != "postgresql":
            self.holds_until = now
            return
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
                primary_position = int(cursor.fetchone()[0])
            with replica.cursor() as cursor:
                cursor.execute("SELECT pg_last_wal_replay_lsn() - '0/0'::pg_lsn")
                replayed = cursor.fetchone()[0]
        except DatabaseError as error:
            if not replica.errors_occurred:
                raise
            self.failed()
            logger.warning(
                "Replica unreachable, reading the primary for %.0f s: %s",
                PAUSE_AFTER_ERROR,
                first_line(error),
            )
            return
        positions = self.primary_positions
        positions.append((now, primary_position))
        if replayed is None:  # not in recovery: the primary itself (a test mirror)
            self.holds_until = now
        else:
            reached = [at for at, position in positions if position <= replayed]
            if reached:
                self.holds_until = max(self.holds_until, reached[-1])
        # Readings older than the window can no longer make the replica usable.
        while positions and positions[0][0] < now - settings.REPLICA_CATCH_UP_SECONDS - 1:
            positions.popleft()

    def failed(self) -> None:
        self.down_until = time.monotonic() + PAUSE_AFTER_ERROR
        connections[REPLICA].close()


def first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


replica = Replica()


def reads_replica() -> bool:
    """Whether a read made now may go to the replica."""
    reads = _reads.get()
    if reads is None or not reads.allowed:
        return False
    if connections["default"].in_atomic_block:
        return False
    if dependencies.seconds_since_change() < settings.REPLICA_CATCH_UP_SECONDS:
        return False
    if not replica.usable():
        return False
    reads.used = True
    return True


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if reads_replica() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica replays the primary's migrations


def may_read_replica(request) -> bool:
    return (
        request.method in SAFE_METHODS
        and AFTER_WRITE_COOKIE not in request.COOKIES
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class ReplicaMiddleware:
    """Tells the router whether this request's reads may use the replica; answers a GET
    again from the primary when the replica failed it; marks clients that just wrote."""

    def __init__(self, get_response):
        if ROUTER not in settings.DATABASE_ROUTERS:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        reads = Reads(may_read_replica(request))
        if reads.allowed:
            # Only what this request meets counts as the replica failing it.
            connections[REPLICA].errors_occurred = False
        token = _reads.set(reads)
        try:
            response = self.get_response(request)
            # A failure in a view comes through process_exception; one in a middleware
            # below this one has already become a 500 by now.
            if reads.used and (reads.failed or connections[REPLICA].errors_occurred):
                replica.failed()
                logger.warning(
                    "Replica failed %s %s (%s); answered again from the primary, which "
                    "serves all reads for %.0f s",
                    request.method,
                    request.path,
                    reads.failed or "failed in a middleware",
                    PAUSE_AFTER_ERROR,
                )
                reads.allowed = False
                response = self.get_response(request)
        finally:
            _reads.reset(token)
        if request.method not in SAFE_METHODS:
            response.set_cookie(
                AFTER_WRITE_COOKIE,
                "1",
                max_age=math.ceil(settings.REPLICA_CATCH_UP_SECONDS),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request, exception):
        reads = _reads.get()
        if (
            reads is None
            or not reads.used
            or not isinstance(exception, DatabaseError)
            or not connections[REPLICA].errors_occurred
        ):
            return None
        reads.failed = first_line(exception)
        # Stands in for the view's answer until the request is answered again.
        return HttpResponse(status=503)
