"""Small helpers that make valid objects with only the fields a test cares about."""

import datetime as dt
import importlib
import itertools
from types import SimpleNamespace

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from agreements.models import Agreement, AgreementParty
from intloffice.core.audit import CommandLine
from news import workflow
from news.models import Article, Category, Tag
from pages.models import Page, StaffMember
from partners.models import Event, Organization, Participation, Person

_numbers = itertools.count(1)


def make_article(**fields) -> Article:
    number = next(_numbers)
    defaults = {
        "title_en": f"Article {number}",
        "slug": f"article-{number}",
        "summary_en": f"Summary of article {number}.",
        "body_en": f"<p>Body of article {number}.</p>",
        "status": Article.Status.PUBLISHED,
        "publish_at": timezone.now() - dt.timedelta(days=number),
    }
    links = {
        name: fields.pop(name)
        for name in ("tags", "organizations", "people", "events")
        if name in fields
    }
    # Made published directly, as a script at the shell would: the workflow lets it.
    with workflow.acting(CommandLine("tests")):
        article = Article.objects.create(**{**defaults, **fields})
    for name, objects in links.items():
        getattr(article, name).set(objects)
    return article


def make_page(**fields) -> Page:
    number = next(_numbers)
    defaults = {
        "title_en": f"Page {number}",
        "slug": f"page-{number}",
        "body_en": f"<p>Text of page {number}.</p>",
        "status": "published",
        "publish_at": timezone.now() - dt.timedelta(hours=1),
    }
    # Made published directly, as a script at the shell would: the workflow lets it.
    with workflow.acting(CommandLine("tests")):
        return Page.objects.create(**{**defaults, **fields})


def make_staff_member(**fields) -> StaffMember:
    number = next(_numbers)
    defaults = {
        "name_en": f"Staff Member {number}",
        "role_en": f"Role {number}",
        "email": f"staff{number}@example.org",
        "public": True,
        "position": number,
    }
    return StaffMember.objects.create(**{**defaults, **fields})


def make_organization(**fields) -> Organization:
    number = next(_numbers)
    defaults = {
        "kind": Organization.Kind.UNIVERSITY,
        "name_en": f"University {number}",
        "slug": f"university-{number}",
    }
    return Organization.objects.create(**{**defaults, **fields})


def make_person(**fields) -> Person:
    number = next(_numbers)
    defaults = {"name_en": f"Person {number}", "slug": f"person-{number}"}
    return Person.objects.create(**{**defaults, **fields})


def make_event(**fields) -> Event:
    number = next(_numbers)
    start = timezone.now() + dt.timedelta(days=number)
    defaults = {
        "name_en": f"Event {number}",
        "slug": f"event-{number}",
        "start": start,
        "end": start + dt.timedelta(hours=3),
    }
    return Event.objects.create(**{**defaults, **fields})


def make_visit(*, visiting=(), hosts=(), delegation=(), **fields) -> Event:
    """A visit (incoming unless ``direction`` says otherwise) of the ``visiting``
    organisations to the ``hosts``, with the people of ``delegation`` as its participants
    (each with the position and organisation they have now)."""
    number = next(_numbers)
    defaults = {
        "kind": Event.Kind.VISIT,
        "direction": Event.Direction.INCOMING,
        "name_en": f"Visit {number}",
        "slug": f"visit-{number}",
    }
    visit = make_event(**{**defaults, **fields})
    visit.visiting_organizations.set(visiting)
    visit.host_organizations.set(hosts)
    for person in delegation:
        Participation.objects.create(person=person, event=visit)
    return visit


def make_agreement(parties=(), **fields) -> Agreement:
    """A public agreement in force (signed a year ago, for five years), with ``parties``
    (organisations, or (organisation, unit) pairs); made with two new ones if none."""
    number = next(_numbers)
    today = timezone.localdate()
    defaults = {
        "title_en": f"Agreement {number}",
        "slug": f"agreement-{number}",
        "kind": Agreement.Kind.STUDENT_EXCHANGE,
        "signed_on": today - dt.timedelta(days=365),
        "valid_until": today + dt.timedelta(days=4 * 365),
        "published": True,
    }
    agreement = Agreement.objects.create(**{**defaults, **fields})
    for party in parties or (make_organization(), make_organization()):
        organization, unit = party if isinstance(party, tuple) else (party, "")
        AgreementParty.objects.create(agreement=agreement, organization=organization, unit_en=unit)
    return agreement


def make_category(**fields) -> Category:
    number = next(_numbers)
    return Category.objects.create(
        **{"name_en": f"Category {number}", "slug": f"category-{number}", **fields}
    )


def make_tag(**fields) -> Tag:
    number = next(_numbers)
    return Tag.objects.create(**{"name_en": f"Tag {number}", "slug": f"tag-{number}", **fields})


def seed_pages() -> None:
    """The information pages as their migration seeds them (a transactional test's flush
    removes what migrations wrote)."""
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("pages.migrations.0003_seed_pages")
    with workflow.acting(CommandLine("tests")):
        migration.create_pages(apps, SimpleNamespace(connection=connection))


# The one definition of the roles: the data migrations that create the groups and add to
# them later (organisations' names, agreements).
ROLES = importlib.import_module("news.migrations.0004_roles").ROLES
LATER_ROLES = [
    importlib.import_module("news.migrations.0008_roles_organization_names").ROLES,
    importlib.import_module("news.migrations.0010_agreement_roles").ROLES,
]
# ... and the information pages' permissions, which their own migration adds to the groups.
PAGE_ROLES = importlib.import_module("pages.migrations.0002_roles").ROLES


def role_group(name: str) -> Group:
    """The Editors or Publishers group as the data migration defines it (transactional
    tests flush the database, the migration's groups with it: they are made again here)."""
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for roles in (
                ROLES,
                *LATER_ROLES,
                {role: {"pages": PAGE_ROLES[role]} for role in PAGE_ROLES},
            )
            for app, codenames in roles[name].items()
            for codename in codenames
        ]
    )
    return group
