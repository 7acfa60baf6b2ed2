"""Uploaded media served by the application, for a single server without a proxy in front.

Only what ``intloffice.core.images`` can store is served: JPEG, PNG and WebP files inside
MEDIA_ROOT, with the content type taken from the extension (never sniffed), a policy that
lets nothing in the file run, and a long cache lifetime for content-unique names. With
nginx in front, nginx serves /media/ itself with the same headers; with S3-compatible
storage, image URLs point at the bucket and this view answers 404.
"""

import os
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

from .images import FORMATS

CONTENT_TYPES = dict(FORMATS.values())  # extension -> MIME type
# An upload's random name or a rendition's hash of it (sorl-thumbnail): never reused for
# other content, so it may be cached for a year. Any other name may change under us.
CONTENT_UNIQUE = re.compile(r"[0-9a-f]{32}\.[a-z]+")
SHORT_CACHE_CONTROL = "public, max-age=3600"
# Nothing inside an image may run, load or be framed, even if a browser were to render it.
CONTENT_SECURITY_POLICY = "default-src 'none'"
SINGLE_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def served_by_django() -> bool:
    """Whether media lives on this server's disk, so the application must serve it."""
    return isinstance(storages["default"], FileSystemStorage)


def media_headers(response: HttpResponse, name: str) -> HttpResponse:
    """The headers every media response carries, also on 304 and 416 answers."""
    response["X-Content-Type-Options"] = "nosniff"
    # Set here, so a site-wide CSP middleware (django-csp) leaves it alone: it only adds
    # its policy to responses that have none.
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response["Cache-Control"] = (
        settings.MEDIA_CACHE_CONTROL
        if CONTENT_UNIQUE.fullmatch(os.path.basename(name))
        else SHORT_CACHE_CONTROL
    )
    response["Accept-Ranges"] = "bytes"
    return response


def _media_file(path: str) -> tuple[str, os.stat_result, str]:
    """The file's full path, its stat and its content type, or Http404: outside
    MEDIA_ROOT (also through a symlink), not a regular file, or not an image we store."""
    extension = path.rsplit(".", 1)[-1] if "." in path else ""
    content_type = CONTENT_TYPES.get(extension)
    if content_type is None:
        raise Http404
    root = os.path.realpath(settings.MEDIA_ROOT)
    try:
        real_path = os.path.realpath(safe_join(root, path))
        stat = os.stat(real_path)
    except (SuspiciousFileOperation, OSError, ValueError) as error:  # ValueError: a NUL
        raise Http404 from error
    if os.path.commonpath([root, real_path]) != root:
        raise Http404
    if not os.path.isfile(real_path):
        raise Http404
    return real_path, stat, content_type


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) of a single ``bytes=`` range; None for a header we ignore (several
    ranges, other units), which answers the whole file; raises ValueError if unsatisfiable."""
    match = SINGLE_RANGE.fullmatch(header.strip())
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise ValueError(header)
        return max(size - length, 0), size - 1
    first = int(first)
    last = min(int(last), size - 1) if last else size - 1
    if first > last or first >= size:
        raise ValueError(header)
    return first, last


@require_safe
def serve(request, path: str):
    """One uploaded image or rendition from MEDIA_ROOT, with range and conditional GET."""
    if not served_by_django():
        raise Http404
    full_path, stat, content_type = _media_file(path)
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), stat.st_mtime):
        return media_headers(HttpResponseNotModified(), path)

    try:
        byte_range = _byte_range(request.headers.get("Range", ""), stat.st_size)
    except ValueError:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{stat.st_size}"
        return media_headers(response, path)

    handle = open(full_path, "rb")  # noqa: SIM115 - FileResponse closes it when sent
    if byte_range is None:
        response = FileResponse(handle, content_type=content_type)
    else:
        first, last = byte_range
        with handle:
            handle.seek(first)
            response = HttpResponse(handle.read(last - first + 1), content_type=content_type)
        response.status_code = 206
        response["Content-Range"] = f"bytes {first}-{last}/{stat.st_size}"
    response["Last-Modified"] = http_date(stat.st_mtime)
    return media_headers(response, path)


def storage_problem() -> str | None:
    """Why uploads cannot be stored right now, or None when the storage answers (for a
    readiness probe): the folder cannot be written, or the bucket does not answer."""
    if served_by_django():
        # A fresh install has no folder yet: the first upload creates it.
        folder = Path(settings.MEDIA_ROOT)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
            return f"media folder {settings.MEDIA_ROOT} is not writable"
        return None
    try:
        # Lists the top level only (a few folders); fails on a missing bucket or bad keys.
        storages["default"].listdir("")
    except Exception as error:  # any failure means "not ready": say which, in one line
        return f"media storage: {type(error).__name__}: {error}".splitlines()[0]
    return None
