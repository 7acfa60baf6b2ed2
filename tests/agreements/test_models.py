"""An agreement's status, derived from its dates: the QuerySet and the instance agree on every
combination; academic years, validation, what is public, and when pages next change."""

import datetime as dt
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, ProtectedError
from django.utils import timezone

from agreements.models import Agreement, AgreementParty, Status, academic_year
from tests.factories import make_agreement, make_organization

TODAY = dt.date(2026, 3, 15)
DAY = dt.timedelta(days=1)


def test_the_status_follows_the_dates_in_order():
    def status(**dates):
        return Agreement(**dates).status(TODAY)

    signed = TODAY - 30 * DAY
    assert status() == Status.DRAFT
    assert status(valid_from=TODAY - DAY, valid_until=TODAY + DAY) == Status.DRAFT  # not signed
    assert status(signed_on=signed) == Status.ACTIVE  # from signing, open-ended
    assert status(signed_on=signed, valid_until=TODAY) == Status.ACTIVE  # its last day
    assert status(signed_on=signed, valid_until=TODAY - DAY) == Status.EXPIRED  # the day after
    assert status(signed_on=signed, valid_from=TODAY + DAY) == Status.PENDING
    assert status(signed_on=signed, valid_from=TODAY) == Status.ACTIVE
    assert status(signed_on=TODAY + DAY) == Status.PENDING  # in force from its signing
    assert status(signed_on=signed, terminated_on=TODAY) == Status.TERMINATED
    assert status(signed_on=signed, terminated_on=TODAY + DAY) == Status.ACTIVE
    # Ended early before it expired: it says so, also after its term.
    ended = {"signed_on": signed, "terminated_on": TODAY - 9 * DAY, "valid_until": TODAY - DAY}
    assert status(**ended) == Status.TERMINATED


def test_the_queryset_and_the_instance_agree_on_every_combination(db):
    """One rule in two forms: each agreement is in exactly the QuerySet of its status."""
    dates = [None, TODAY - 2 * DAY, TODAY - DAY, TODAY, TODAY + DAY, TODAY + 2 * DAY]
    agreements = []
    for signed_on, valid_from, valid_until, terminated_on in itertools.product(dates, repeat=4):
        if valid_from and valid_until and valid_until < valid_from:
            continue  # refused by a constraint
        if terminated_on and not signed_on:
            continue  # likewise
        agreements.append(
            Agreement(
                title_en="x",
                kind="other",
                signed_on=signed_on,
                valid_from=valid_from,
                valid_until=valid_until,
                terminated_on=terminated_on,
            )
        )
    for number, agreement in enumerate(agreements):
        agreement.slug = f"combination-{number}"
    Agreement.objects.bulk_create(agreements)
    assert len(agreements) > 500
    expected = {status: set() for status in Status}
    for agreement in Agreement.objects.all():
        expected[agreement.status(TODAY)].add(agreement.pk)
    assert all(expected.values()), "every status occurs"
    for status in Status:
        found = set(Agreement.objects.with_status(status, TODAY).values_list("pk", flat=True))
        assert found == expected[status], status


def test_expiring_within_counts_the_last_day_and_leaves_out_what_is_ending_early(db):
    today = timezone.localdate()
    soon = make_agreement(valid_until=today + 180 * DAY)
    later = make_agreement(valid_until=today + 181 * DAY)
    ending_early = make_agreement(valid_until=today + 30 * DAY, terminated_on=today + 10 * DAY)
    expired = make_agreement(valid_until=today - DAY)
    found = set(Agreement.objects.expiring_within(180))
    assert soon in found and not {later, ending_early, expired} & found
    assert soon.expires_within(180) and not later.expires_within(180)
    assert not ending_early.expires_within(180) and not expired.expires_within(180)


def test_public_means_published_and_signed(db):
    shown = make_agreement()
    hidden = make_agreement(published=False)
    unsigned = make_agreement(signed_on=None)  # ticked, but a draft: never public
    assert list(Agreement.objects.public()) == [shown]
    assert shown.is_public() and not hidden.is_public() and not unsigned.is_public()


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (dt.date(2024, 9, 1), dt.date(2029, 8, 31), "2024/25–2028/29"),
        (dt.date(2024, 9, 1), dt.date(2025, 8, 31), "2024/25"),
        (dt.date(2025, 1, 10), dt.date(2025, 6, 30), "2024/25"),
        (dt.date(2024, 8, 31), dt.date(2026, 9, 1), "2023/24–2026/27"),
        (dt.date(1999, 9, 1), dt.date(2001, 8, 31), "1999/00–2000/01"),
        (dt.date(2024, 9, 1), None, "from 2024/25"),
    ],
)
def test_academic_years_are_derived_from_the_dates(start, end, years):
    assert Agreement(signed_on=start, valid_until=end).academic_years() == years
    assert academic_year(dt.date(2025, 8, 31)) == 2024
    assert academic_year(dt.date(2025, 9, 1)) == 2025


def test_no_dates_no_academic_years():
    assert Agreement().academic_years() == ""


def test_validation_explains_impossible_dates_and_a_published_draft(db):
    nobody = get_user_model().objects.create_user("no-mail", is_staff=True)
    agreement = Agreement(
        title_en="x",
        slug="x",
        kind="other",
        valid_from=TODAY,
        valid_until=TODAY - DAY,
        terminated_on=TODAY,
        published=True,
        responsible=nobody,
    )
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert set(error.value.message_dict) == {
        "valid_until",
        "terminated_on",
        "published",
        "responsible",
    }
    agreement = Agreement(
        title_en="x",
        slug="y",
        kind="other",
        signed_on=TODAY,
        valid_until=TODAY,
        terminated_on=TODAY + DAY,
    )
    with pytest.raises(ValidationError) as error:
        agreement.full_clean()
    assert set(error.value.message_dict) == {"terminated_on"}


@pytest.mark.parametrize("code", ["", "07", "071", "0715", "0588", "1041", "99", "9999", "0019"])
def test_a_subject_area_is_an_isced_f_code(db, code):
    make_agreement(subject_area=code).full_clean()


@pytest.mark.parametrize("code", ["7", "7150", "11", "0700", "0710", "0581", "98", "071a"])
def test_a_subject_area_that_is_no_isced_f_code_is_refused(db, code):
    with pytest.raises(ValidationError) as error:
        make_agreement(subject_area=code).full_clean()
    assert "subject_area" in error.value.message_dict


def test_the_subject_area_is_named_by_its_broad_field():
    assert str(Agreement(subject_area="0715").subject_area_name()) == (
        "Engineering, manufacturing and construction"
    )
    assert Agreement(subject_area="").subject_area_name() == ""


def test_the_partners_are_the_parties_that_are_not_ours(seed_entities):
    from partners.models import Organization

    spbpu, office, aturc = (
        Organization.objects.get(slug=slug) for slug in ("spbpu", "spbpu-shanghai", "aturc")
    )
    agreement = make_agreement(parties=[spbpu, office, aturc])
    links = AgreementParty.objects.select_related("organization__parent")
    agreement = Agreement.objects.prefetch_related(Prefetch("party_links", links)).get(
        pk=agreement.pk
    )
    assert [link.organization for link in agreement.partner_links()] == [aturc]


def test_an_organisation_named_in_an_agreement_is_not_deleted_with_it(db):
    partner = make_organization()
    make_agreement(parties=[partner, make_organization()])
    with pytest.raises(ProtectedError):
        partner.delete()


def test_pages_next_change_at_the_midnight_of_the_next_status_change(db, settings):
    today = timezone.localdate()
    assert Agreement.objects.next_change() is None
    make_agreement(valid_until=today + 10 * DAY)
    make_agreement(published=False, valid_until=today + 2 * DAY)  # not public: no page
    expected = timezone.make_aware(dt.datetime.combine(today + 11 * DAY, dt.time.min))
    assert Agreement.objects.next_change() == expected
    make_agreement(signed_on=today - DAY, valid_from=today + 5 * DAY)
    expected = timezone.make_aware(dt.datetime.combine(today + 5 * DAY, dt.time.min))
    assert Agreement.objects.next_change() == expected
    make_agreement(terminated_on=today + 3 * DAY)
    expected = timezone.make_aware(dt.datetime.combine(today + 3 * DAY, dt.time.min))
    assert Agreement.objects.next_change() == expected
