"""Small helpers that make valid objects with only the fields a test cares about."""

import datetime as dt
import importlib
import itertools

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from agreements.models import Agreement, AgreementParty
from intloffice.core.audit import CommandLine
from news import workflow
from news.models import Article, Category, Tag
from partners.models import Event, Organization, Person

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


# The one definition of the roles: the data migrations that create the groups and give
# them their permissions on articles, partners and agreements.
_ARTICLE_ROLES = importlib.import_module("news.migrations.0004_roles").ROLES
_AGREEMENT_ROLES = importlib.import_module("news.migrations.0009_agreement_roles").ROLES
ROLES = {name: {**_ARTICLE_ROLES[name], **_AGREEMENT_ROLES[name]} for name in _ARTICLE_ROLES}


def role_group(name: str) -> Group:
    """The Editors or Publishers group as the data migration defines it (transactional
    tests flush the database, the migration's groups with it: they are made again here)."""
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codenames in ROLES[name].items()
            for codename in codenames
        ]
    )
    return group
