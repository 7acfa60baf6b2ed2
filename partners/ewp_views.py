"""The Erasmus Without Paper addresses (/ewp/institutions, /ewp/ounits, /ewp/factsheet):
parameters in, XML out; partners/ewp.py says what is served and how.

EWP clients send their parameters in the query string or as a form (POST): both are read
the same way. A POST here changes nothing, and the machines that send it have no CSRF
token to give, hence the exemption.
"""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import ewp

CONTENT_TYPE = "application/xml; charset=utf-8"


def xml(body: bytes, status: int = 200) -> HttpResponse:
    return HttpResponse(body, content_type=CONTENT_TYPE, status=status)


def ewp_endpoint(answer):
    """A view for GET and POST alike that turns a bad request into EWP's error envelope."""

    @csrf_exempt
    @require_http_methods(["GET", "POST"])
    def view(request):
        parameters = request.POST if request.method == "POST" else request.GET
        try:
            return xml(answer(request, parameters))
        except ewp.EwpRequestError as error:
            return xml(ewp.error_response(str(error)), status=400)

    view.__name__ = answer.__name__
    view.__doc__ = answer.__doc__
    return view


def base_url(request) -> str:
    return request.build_absolute_uri("/")


@ewp_endpoint
def institutions(request, parameters) -> bytes:
    """hei_id, repeatable (at most ewp.MAX_HEI_IDS)."""
    hei_ids = ewp.requested(parameters.getlist("hei_id"), "hei_id", ewp.MAX_HEI_IDS)
    return ewp.institutions_response(ewp.find_institutions(hei_ids), base_url(request))


@ewp_endpoint
def ounits(request, parameters) -> bytes:
    """hei_id, exactly one; ounit_id or ounit_code, repeatable (at most ewp.MAX_OUNIT_IDS)."""
    hei_ids = ewp.requested(parameters.getlist("hei_id"), "hei_id", ewp.MAX_HEI_IDS)
    if len(hei_ids) > 1:
        raise ewp.EwpRequestError("Give exactly one hei_id: units are asked of one institution.")
    ids = ewp.requested(
        parameters.getlist("ounit_id"), "ounit_id", ewp.MAX_OUNIT_IDS, required=False
    )
    codes = ewp.requested(
        parameters.getlist("ounit_code"), "ounit_code", ewp.MAX_OUNIT_IDS, required=False
    )
    if ids and codes:
        raise ewp.EwpRequestError("Give ounit_id or ounit_code, not both.")
    if not ids and not codes:
        raise ewp.EwpRequestError("The ounit_id or the ounit_code parameter is required.")
    units = ewp.find_units(hei_ids[0], ounit_ids=ids, ounit_codes=codes)
    return ewp.ounits_response(units, base_url(request))


@ewp_endpoint
def factsheet(request, parameters) -> bytes:
    """hei_id, repeatable (at most ewp.MAX_HEI_IDS); only the host university has one."""
    hei_ids = ewp.requested(parameters.getlist("hei_id"), "hei_id", ewp.MAX_HEI_IDS)
    return ewp.factsheet_response(ewp.find_factsheets(hei_ids))
