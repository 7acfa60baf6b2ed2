"""A URLconf for the logging and error-reporting tests: a view that logs, one that fails."""

import logging

from django.http import Http404, HttpResponseNotFound, HttpResponseServerError
from django.urls import path

logger = logging.getLogger("intloffice.tests")


def logs_then_not_found(request):
    logger.warning("looking for %s", request.path)
    raise Http404


def fails(request):
    raise RuntimeError("the view failed on purpose")


def page_not_found(request, exception):
    return HttpResponseNotFound("not found")


def server_error(request):
    return HttpResponseServerError("server error")


urlpatterns = [
    path("missing/", logs_then_not_found),
    path("boom/", fails),
]
handler404 = "tests.failing_urls.page_not_found"
handler500 = "tests.failing_urls.server_error"
