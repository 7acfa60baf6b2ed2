"""Password spraying through the real admin login form: the limit per network address."""

import pytest
from axes.models import AccessFailureLog
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.test_settings import run_settings

OFFICE = "10.0.0.7"
SPRAYED = "Spring2026!"
OWN = "anna's own long password"
LIMITED = "Too many failed logins from your network address"


def log_in(username, password, address=OFFICE, client=None, **headers):
    client = client or Client()
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )
    response.logged_in = "_auth_user_id" in client.session
    return response


@pytest.fixture
def anna(db):
    """A colleague who has signed in from the office before."""
    User.objects.create_user("anna", password=OWN, is_staff=True)
    assert log_in("anna", OWN).logged_in
    return "anna"


def spray(count, address=OFFICE, **headers):
    return [log_in(f"user{n:02d}", SPRAYED, address, **headers) for n in range(count)]


def test_sixty_usernames_from_one_address_get_thirty_checks_and_a_colleague_still_gets_in(anna):
    # The sprayed password is right for one account past the limit: it must not get in.
    User.objects.create_user("user45", password=SPRAYED, is_staff=True)
    answers = spray(60)
    assert [a.status_code for a in answers] == [200] * 30 + [429] * 30
    assert all("correct username and password" in a.text for a in answers[:30])
    assert all(LIMITED in a.text for a in answers[30:])
    assert not answers[45].logged_in
    # Every attempt is on record, refused ones too: the address stays limited meanwhile.
    assert AccessFailureLog.objects.filter(ip_address=OFFICE).count() == 60

    assert log_in("anna", OWN).logged_in
    # Another address is not affected: its attempts are checked as usual.
    assert log_in("user45", SPRAYED, address="10.0.0.8").logged_in
    assert log_in("user01", "wrong", address="10.0.0.8").status_code == 200


def test_past_the_limit_only_accounts_known_at_the_address_are_checked(anna, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    User.objects.create_user("boris", password="boris's own long password", is_staff=True)
    spray(3)
    # Boris has never signed in from here: even his right password waits for the hour.
    refused = log_in("boris", "boris's own long password")
    assert refused.status_code == 429 and not refused.logged_in
    # A wrong password for a known account gets the same answer as any other attempt...
    for _ in range(5):
        wrong = log_in("anna", "a guess")
        assert wrong.status_code == 429 and LIMITED in wrong.text
    # ...and still counts towards django-axes' lock of that username at that address.
    locked = log_in("anna", OWN)
    assert locked.status_code == 429 and not locked.logged_in
    assert "for this username" in locked.text


def test_the_limit_costs_a_refused_login_two_queries(anna, settings, django_assert_max_num_queries):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    spray(3)
    # 17 are django-axes' own bookkeeping and the session's; the limit's are a COUNT of
    # the address's recent failures and an EXISTS for an earlier sign-in from there.
    with django_assert_max_num_queries(19):
        assert log_in("user99", SPRAYED).status_code == 429


def test_behind_a_declared_proxy_the_address_is_the_one_the_proxy_forwarded(db, settings):
    settings.PROXY_COUNT = 1
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    User.objects.create_user("carol", password="carol's own long password", is_staff=True)
    # Whatever a client puts in front, the proxy's own entry (the last) is the address.
    answers = [
        log_in(f"user{n}", SPRAYED, "127.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.5")
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    # Another client behind the same proxy is not affected.
    carol = log_in(
        "carol", "carol's own long password", "127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert carol.logged_in


def test_without_a_declared_proxy_x_forwarded_for_is_ignored(db, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    answers = [
        log_in(f"user{n}", SPRAYED, OFFICE, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {OFFICE}


def test_the_proxy_is_declared_in_the_environment():
    code = (
        "django.setup()\n"
        "from django.test import RequestFactory\n"
        "from intloffice.core.audit import client_address\n"
        "request = RequestFactory().post('/', REMOTE_ADDR='127.0.0.1',"
        " HTTP_X_FORWARDED_FOR='1.2.3.4, 203.0.113.5')\n"
        "print(client_address(request))\n"
    )
    behind_proxy = run_settings(code, DJANGO_SECRET_KEY="x", DJANGO_PROXY_COUNT="1")
    assert behind_proxy.stdout.strip() == "203.0.113.5", behind_proxy.stderr
    assert run_settings(code, DJANGO_SECRET_KEY="x").stdout.strip() == "127.0.0.1"
