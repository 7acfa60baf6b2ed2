"""Django's Redis cache, made to fail open, with one Redis client per connection pool.

**Failing open.** The cache only makes the site faster, so an unreachable Redis must not
take the site down with it. An operation that cannot reach Redis answers like an empty
cache (reads miss, writes keep nothing), and the error is logged at most once a minute
per process. After a failure the process leaves Redis alone for a few seconds (a circuit
breaker), so a Redis that does not answer costs one timeout per pause rather than one
per request; the first operation that succeeds afterwards ends the outage, no restart
needed. Settings give the sockets short timeouts (a stopped server refuses at once, a
blackholed one would otherwise hang each request).

**One client per pool.** Django builds a new ``redis.Redis`` for every cache operation,
and with it a table of some 170 reply callbacks: about a third of a millisecond each
time, more than the round trip to Redis. A cached page costs two cache reads, so that was
most of its time. The client is thread-safe and holds no per-call state; reusing it
changes nothing else.
"""

import logging
import threading
import time
from urllib.parse import urlsplit, urlunsplit

from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from redis.exceptions import RedisError

logger = logging.getLogger("intloffice.cache")

# Seconds a process skips the cache after a failed operation (OPTIONS "pause_after_error").
PAUSE_AFTER_ERROR = 5.0
LOG_EVERY = 60.0


class Outage:
    """Whether one cache server answers, as this process sees it (shared by its threads)."""

    def __init__(self, name: str, pause: float):
        self.name = name
        self.pause = pause
        self.skip_until = 0.0
        self.failing = False
        # How many outages this process has seen end: a write may have been lost in each.
        self.recoveries = 0
        self._logged = {"error": -LOG_EVERY, "recovery": -LOG_EVERY}
        self._lock = threading.Lock()

    def allows(self) -> bool:
        return time.monotonic() >= self.skip_until

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self.skip_until = now + self.pause
            self.failing = True
            log = self._due("error", now)
        if log:
            logger.error(
                "Cache %s unreachable, serving without it (logged at most once a minute): %s",
                self.name,
                error,
            )

    def succeeded(self) -> None:
        if not self.failing:
            return
        with self._lock:
            if not self.failing:
                return
            self.failing = False
            self.recoveries += 1
            log = self._due("recovery", time.monotonic())
        if log:
            logger.warning("Cache %s answers again", self.name)

    def _due(self, kind: str, now: float) -> bool:
        if now - self._logged[kind] < LOG_EVERY:
            return False
        self._logged[kind] = now
        return True


# One per server and process, whatever the number of threads (Django makes a cache
# object per thread).
_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def outage_for(name: str, pause: float) -> Outage:
    with _outages_lock:
        if name not in _outages:
            _outages[name] = Outage(name, pause)
        return _outages[name]


def without_password(url: str) -> str:
    """The server's address as it may be logged."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        pause = float(options.pop("pause_after_error", PAUSE_AFTER_ERROR))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = RedisCacheClient
        self.outage = outage_for(",".join(map(without_password, self._servers)), pause)

    @property
    def available(self) -> bool:
        """False while this process skips the cache after a failure."""
        return self.outage.allows()

    @property
    def recoveries(self) -> int:
        return self.outage.recoveries

    def _fail_open(self, answer_when_down, operation, *args, **kwargs):
        if not self.outage.allows():
            return answer_when_down
        try:
            result = operation(*args, **kwargs)
        except RedisError as error:
            self.outage.failed(error)
            return answer_when_down
        self.outage.succeeded()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fail_open(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._fail_open(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._fail_open(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._fail_open(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._fail_open(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._fail_open({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._fail_open(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._fail_open(None, super().incr, key, delta, version)
        if result is None:
            # What an empty cache says; callers already handle it.
            raise ValueError(f"Key '{key}' not found.")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys that were not stored: all of them.
        return self._fail_open(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._fail_open(None, super().delete_many, keys, version)

    def clear(self):
        return self._fail_open(False, super().clear)
