"""Agreements on a partner's timeline and on the page of the event they were signed at:
public ones only, each under the visit it came of."""

import datetime as dt

from tests.factories import make_agreement, make_article, make_organization, make_visit
from tests.partners.test_timeline import shown, timeline_html


def test_an_agreement_signed_during_a_visit_is_shown_under_the_visit(client, db):
    partner, us = make_organization(), make_organization(slug="spbpu")
    visit = make_visit(
        name_en="Rector's visit",
        visiting=[partner],
        hosts=[us],
        start=dt.datetime(2025, 3, 3, tzinfo=dt.UTC),
    )
    make_agreement(
        title_en="Student exchange",
        parties=[us, partner],
        signing_event=visit,
        signed_on=dt.date(2025, 3, 3),
    )
    make_agreement(
        title_en="Older memorandum", parties=[us, partner], signed_on=dt.date(2019, 5, 5)
    )
    make_agreement(title_en="Not yet shown", parties=[us, partner], published=False)
    # Reported the day after (an explicit date: the factory's default depends on how many
    # articles earlier tests made).
    make_article(
        title_en="We signed",
        organizations=[partner],
        events=[visit],
        publish_at=dt.datetime(2025, 3, 4, 9, tzinfo=dt.UTC),
    )
    assert shown(partner) == [
        (2025, [("Rector's visit", ["Student exchange", "We signed"])]),
        (2019, [("Older memorandum", [])]),
    ]
    assert "Not yet shown" not in timeline_html(client, partner)
    html = client.get(visit.get_absolute_url()).text
    assert 'id="event-agreements">Agreement signed</h2>' in html
    assert (
        "Student exchange" in html
        and "Not yet shown" not in html
        and "Older memorandum" not in html
    )


def test_an_event_with_no_public_agreement_has_no_such_section(client, db):
    visit = make_visit(visiting=[make_organization()])
    make_agreement(signing_event=visit, published=False)
    assert 'id="event-agreements"' not in client.get(visit.get_absolute_url()).text
