"""``manage.py agreements_due``: each responsible person hears of an agreement's end once per
threshold (180, 90, 30 days), however often it runs; a renewed agreement starts again."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

from agreements.models import Reminder
from agreements.reminders import send_reminders, threshold_for
from tests.factories import make_agreement, make_organization

TODAY = dt.date(2026, 3, 2)
DAY = dt.timedelta(days=1)


@pytest.fixture
def anna(db):
    return get_user_model().objects.create_user(
        "anna", email="anna@example.org", first_name="Anna", is_staff=True
    )


def ending(days: int, responsible, **fields):
    dates = {"signed_on": TODAY - 400 * DAY, "valid_until": TODAY + days * DAY}
    return make_agreement(**{**dates, "responsible": responsible, **fields})


@pytest.mark.parametrize(
    ("days_left", "threshold"),
    [(181, None), (180, 180), (91, 180), (90, 90), (31, 90), (30, 30), (0, 30)],
)
def test_the_nearest_threshold_reached(days_left, threshold):
    assert threshold_for(days_left) == threshold


def test_each_threshold_is_sent_once_however_often_it_runs(anna, settings):
    settings.SITE_URL = "https://io.example.edu"
    partner = make_organization(name_en="Xi'an Jiaotong University", country="CN")
    agreement = ending(
        180, anna, parties=[partner, make_organization()], title_en="Exchange with XJTU"
    )
    report = send_reminders(TODAY)
    assert [(a, days, to) for a, days, to in report.sent] == [(agreement, 180, "anna@example.org")]
    assert send_reminders(TODAY).sent == []  # the second run the same day: nothing
    assert send_reminders(TODAY + DAY).sent == []  # nor the next day
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.org"]
    assert message.subject == (
        "[International Office] Agreement ends in 180 days, on Aug. 29, 2026: Exchange with XJTU"
    )
    assert "Xi'an Jiaotong University (China)" in message.body
    assert f"https://io.example.edu/admin/agreements/agreement/{agreement.pk}/change/" in (
        message.body
    )
    # 90 days before: the next reminder, once.
    assert [days for _a, days, _to in send_reminders(TODAY + 90 * DAY).sent] == [90]
    assert send_reminders(TODAY + 91 * DAY).sent == []
    assert [days for _a, days, _to in send_reminders(TODAY + 150 * DAY).sent] == [30]
    assert send_reminders(TODAY + 180 * DAY).sent == []  # its last day
    assert send_reminders(TODAY + 181 * DAY).sent == []  # expired: nothing more
    assert len(mail.outbox) == 3


def test_a_late_first_run_sends_only_the_nearest_threshold(anna):
    ending(20, anna)
    assert [days for _a, days, _to in send_reminders(TODAY).sent] == [30]
    assert send_reminders(TODAY + DAY).sent == []
    assert len(mail.outbox) == 1


def test_an_extended_agreement_gets_its_reminders_again(anna):
    agreement = ending(30, anna)
    assert len(send_reminders(TODAY).sent) == 1
    agreement.valid_until = TODAY + 2 * 365 * DAY  # renewed for two years
    agreement.save()
    assert send_reminders(TODAY).sent == []
    # Shortened again to a date within 90 days: a reminder about the new date.
    agreement.valid_until = TODAY + 60 * DAY
    agreement.save()
    assert [days for _a, days, _to in send_reminders(TODAY).sent] == [90]
    assert Reminder.objects.filter(agreement=agreement).count() == 2


def test_nothing_for_what_is_not_ending_or_ends_early(anna):
    ending(181, anna)  # not yet
    ending(10, anna, terminated_on=TODAY + 5 * DAY)  # being ended on purpose
    ending(10, anna, signed_on=None)  # a draft
    ending(-1, anna)  # expired yesterday
    make_agreement(signed_on=TODAY - DAY, valid_until=None, responsible=anna)  # open-ended
    assert send_reminders(TODAY).sent == []
    assert mail.outbox == []


def test_an_agreement_without_anyone_to_tell_is_reported_and_sent_later(anna, db):
    nobody = ending(60, None)
    no_address = ending(60, get_user_model().objects.create_user("boris", email="", is_staff=True))
    report = send_reminders(TODAY)
    assert report.sent == [] and set(report.unassigned) == {nobody, no_address}
    nobody.responsible = anna
    nobody.save()
    assert [a for a, _days, _to in send_reminders(TODAY).sent] == [nobody]


def test_unpublished_agreements_are_reminded_too(anna):
    """Reminders are for the office: whether readers see it does not matter."""
    ending(30, anna, published=False)
    assert len(send_reminders(TODAY).sent) == 1


def test_a_mail_that_cannot_be_sent_is_tried_again(anna, settings):
    agreement = ending(30, anna)
    settings.EMAIL_BACKEND = "tests.agreements.test_reminders.BrokenBackend"
    report = send_reminders(TODAY)
    assert report.sent == [] and [a for a, _error in report.failed] == [agreement]
    assert "ConnectionRefusedError" in report.failed[0][1]
    assert not Reminder.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert len(send_reminders(TODAY + DAY).sent) == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def test_mails_are_in_the_sites_language(anna, settings):
    settings.LANGUAGE_CODE = "ru"
    ending(30, anna, title_ru="Обмен студентами")
    send_reminders(TODAY)
    assert "Обмен студентами" in mail.outbox[0].subject


def test_the_command_reports_what_it_did(anna):
    ending(30, anna, title_en="Exchange")
    ending(30, None, title_en="Orphan")
    out = io.StringIO()
    call_command("agreements_due", "--today", TODAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "Sent: Exchange (30 days before its end) to anna@example.org" in text
    assert "Not sent: Orphan ends on" in text and "1 reminder(s) sent." in text
    out = io.StringIO()
    call_command("agreements_due", "--today", TODAY.isoformat(), stdout=out)
    assert "0 reminder(s) sent." in out.getvalue()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--today", "2026-02-30"], "--today '2026-02-30': give a date as YYYY-MM-DD."),
        (["--site-url", "io.example.edu"], "--site-url 'io.example.edu': give an http(s) address."),
    ],
)
def test_bad_input_is_one_line(db, arguments, message):
    with pytest.raises(CommandError) as error:
        call_command("agreements_due", *arguments)
    assert str(error.value) == message


def test_a_failed_mail_fails_the_command_in_one_line(anna, settings):
    ending(30, anna, title_en="Exchange")
    settings.EMAIL_BACKEND = "tests.agreements.test_reminders.BrokenBackend"
    with pytest.raises(CommandError) as error:
        call_command("agreements_due", "--today", TODAY.isoformat(), stdout=io.StringIO())
    assert "1 reminder(s) could not be sent" in str(error.value)
    assert "\n" not in str(error.value)
