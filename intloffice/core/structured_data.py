"""schema.org JSON-LD for rich previews: plain dicts built from models, rendered by {% jsonld %}.

Each builder takes the request to make absolute URLs; texts are in the active language
(modeltranslation's fallback applies), and ``inLanguage`` says which one was shown.
"""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse, translate_url
from django.utils.text import Truncator
from django.utils.timezone import localtime

from . import language_rules
from .text import excerpt, html_to_text
from .translated import shown_language

ORGANIZATION_TYPES = {
    "university": "CollegeOrUniversity",
    "government": "GovernmentOrganization",
    "company": "Corporation",
    "foundation": "NGO",
}
# The types of our pages that are schema.org CreativeWorks, which can have translations.
CREATIVE_WORKS = {"NewsArticle", "WebPage", "ContactPage"}
ATTENDANCE_MODES = {
    "offline": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}
EVENT_STATUSES = {
    "scheduled": "https://schema.org/EventScheduled",
    "rescheduled": "https://schema.org/EventRescheduled",
    "cancelled": "https://schema.org/EventCancelled",
}


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def publisher(request) -> dict:
    return {
        "@type": "CollegeOrUniversity",
        "name": str(settings.SITE_UNIVERSITY),
        "url": absolute(request, reverse("home")),
        "logo": {"@type": "ImageObject", "url": absolute(request, static("img/logo.png"))},
    }


def reference(request, obj) -> dict:
    """A short mention of an organisation, person or event, linking to its own page."""
    is_organization = obj._meta.model_name == "organization"
    type_name = organization_type(obj) if is_organization else type(obj).__name__
    return {"@type": type_name, "name": obj.name, "url": absolute(request, obj.get_absolute_url())}


def organization_type(organization) -> str:
    return ORGANIZATION_TYPES.get(organization.kind, "Organization")


def postal_address(obj) -> dict:
    """The city and country of an organisation or event (both have the two fields)."""
    return {
        "@type": "PostalAddress",
        "addressLocality": obj.city or "",
        "addressCountry": obj.country.code if obj.country else "",
    }


def description(text: str, characters: int = 300) -> str:
    return excerpt(html_to_text(text), characters)


def news_article(request, article) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": Truncator(article.title).chars(110),
        "description": excerpt(article.lead, 300),
        "datePublished": localtime(article.publish_at).isoformat(),
        "dateModified": localtime(article.updated_at).isoformat(),
        "inLanguage": shown_language(article, "title"),
        "url": absolute(request, article.get_absolute_url()),
        "mainEntityOfPage": absolute(request, article.get_absolute_url()),
        "publisher": publisher(request),
        "author": {"@type": "Organization", "name": article.byline or str(settings.SITE_NAME)},
        "image": [absolute(request, article.image.url)]
        if article.image
        else [absolute(request, static("img/logo.png"))],
        "mentions": [
            reference(request, obj)
            for related in (article.organizations, article.people, article.events)
            for obj in related.all()
        ],
    }
    if article.category:
        data["articleSection"] = article.category.name
    return data


def attendee(request, participation) -> dict:
    """A participant as they were at the event: the position and organisation of the day,
    which may no longer be theirs."""
    person = participation.person
    data = {
        "@type": "Person",
        "name": person.name,
        "url": absolute(request, person.get_absolute_url()),
    }
    if participation.position:
        data["jobTitle"] = participation.position
    if participation.organization:
        data["affiliation"] = reference(request, participation.organization)
    return data


def event(request, event) -> dict:
    """An event; a visit's hosts are among its organisers, its visiting organisations and
    delegation among its attendees."""
    organizers = {o.pk: o for o in [*event.organizers.all(), *event.host_organizations.all()]}
    location = {
        "@type": "Place",
        "name": event.venue or event.city or "",
        "address": postal_address(event),
    }
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.name,
        "description": description(event.description or event.theme or event.purpose),
        "startDate": localtime(event.start, event.zone).isoformat(),
        "eventAttendanceMode": ATTENDANCE_MODES[event.format],
        "eventStatus": EVENT_STATUSES[event_status(event)],
        "url": absolute(request, event.get_absolute_url()),
        "inLanguage": shown_language(event, "name"),
        "organizer": [reference(request, o) for o in organizers.values()],
    }
    attendees = [attendee(request, p) for p in event.participations.all()]
    attendees += [reference(request, o) for o in event.visiting_organizations.all()]
    if attendees:
        data["attendee"] = attendees
    if event.end:
        data["endDate"] = localtime(event.end, event.zone).isoformat()
    if event.previous_start:
        # Kept when cancelled too: it says the date readers may have noted.
        data["previousStartDate"] = localtime(event.previous_start, event.zone).isoformat()
    # Where it is joined or watched; its page until the office knows the address.
    online = {"@type": "VirtualLocation", "url": event.online_url or data["url"]}
    if event.format == "online":
        data["location"] = online
    elif event.format == "hybrid":
        data["location"] = [location, online]
    else:
        data["location"] = location
    if event.parent:
        data["superEvent"] = reference(request, event.parent)
    return data


def event_status(event) -> str:
    """schema.org's status of an event (``status``, ``previous_start``): moved since it was
    announced is "rescheduled", unless it was cancelled since."""
    if event.status == "cancelled":
        return "cancelled"
    return "rescheduled" if event.previous_start else "scheduled"


def organization(request, organization, member_of=()) -> dict:
    """``member_of``: the associations it is a member of now (from the page's query)."""
    data = {
        "@context": "https://schema.org",
        "@type": organization_type(organization),
        "name": organization.name,
        "url": absolute(request, organization.get_absolute_url()),
        "description": description(organization.description),
    }
    if organization.short_name:
        data["alternateName"] = organization.short_name
    if same_as := organization.same_as():
        data["sameAs"] = same_as
    # Wikidata is in sameAs, as the address of the organisation's record there.
    if identifiers := [pair for pair in organization.identifiers() if pair[0] != "Wikidata"]:
        data["identifier"] = [
            {"@type": "PropertyValue", "propertyID": registry, "value": value}
            for registry, value in identifiers
        ]
    if organization.city or organization.country:
        data["address"] = postal_address(organization)
    if organization.parent:
        data["parentOrganization"] = reference(request, organization.parent)
    if member_of:
        data["memberOf"] = [reference(request, association) for association in member_of]
    return data


def person(request, person) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": person.name,
        "url": absolute(request, person.get_absolute_url()),
    }
    if person.honorific:
        # 教授 is written after the name: a suffix, where "Professor" is a prefix.
        after = language_rules.title_follows_name(shown_language(person, "honorific"))
        data["honorificSuffix" if after else "honorificPrefix"] = person.honorific
    if person.position:
        data["jobTitle"] = person.position
    if person.organization:
        data["worksFor"] = reference(request, person.organization)
    return data


def breadcrumbs(request, trail: list[tuple[str, str]]) -> dict:
    """``trail``: (name, path) pairs from the home page to the current page."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": number,
                "name": str(name),
                "item": absolute(request, path),
            }
            for number, (name, path) in enumerate(trail, start=1)
        ],
    }


def web_page(request, page, type_name: str = "WebPage") -> dict:
    """An information page (``title``, ``lead``, ``updated_at``): a WebPage of the site, or
    a more exact type (ContactPage)."""
    url = absolute(request, page.get_absolute_url())
    return {
        "@context": "https://schema.org",
        "@type": type_name,
        "name": page.title,
        "description": excerpt(page.lead, 300),
        "url": url,
        "inLanguage": shown_language(page, "title"),
        "dateModified": localtime(page.updated_at).isoformat(),
        "isPartOf": {
            "@type": "WebSite",
            "name": str(settings.SITE_NAME),
            "url": absolute(request, reverse("home")),
        },
    }


def staff_member(request, member) -> dict:
    """A person of the office's staff directory (``name``, ``role``, ``languages``,
    ``email``, ``phone``; the photo only if ``shows_photo()``)."""
    data = {"@type": "Person", "name": member.name}
    if member.role:
        data["jobTitle"] = member.role
    if member.email:
        data["email"] = member.email
    if member.phone:
        data["telephone"] = member.phone
    if member.languages:
        data["knowsLanguage"] = list(member.languages)
    if member.shows_photo():
        data["image"] = absolute(request, member.photo.url)
    return data


def office(request, staff) -> dict:
    """The International Office as an Organization of its university, with its contacts
    (settings OFFICE_*) and the public ``staff`` as its employees."""
    return {
        "@type": "Organization",
        "name": str(settings.SITE_NAME),
        "url": absolute(request, reverse("home")),
        "parentOrganization": publisher(request),
        "address": {"@type": "PostalAddress", "streetAddress": str(settings.OFFICE_ADDRESS)},
        "contactPoint": {
            "@type": "ContactPoint",
            "contactType": "International Office",
            "email": settings.OFFICE_EMAIL,
            "telephone": settings.OFFICE_PHONE,
            "availableLanguage": [code for code, _name in settings.LANGUAGES],
        },
        "employee": [staff_member(request, member) for member in staff],
    }


def with_translations(request, data: dict, source_language: str, languages: list[str]) -> dict:
    """``data`` of a CreativeWork shown at ``request.path`` linked to its other language
    versions: the original (``source_language``) lists its translations in ``languages``
    (those up to date) as ``workTranslation``; a translation names the original as
    ``translationOfWork``. Other types (Event, Organization, Person) are returned as they
    are: schema.org gives them no translations."""
    if data.get("@type") not in CREATIVE_WORKS or "inLanguage" not in data:
        return data

    def version(code: str) -> dict:
        url = absolute(request, translate_url(request.path, code))
        return {"@type": data["@type"], "inLanguage": code, "url": url}

    if data["inLanguage"] != source_language:
        return {**data, "translationOfWork": version(source_language)}
    translations = [version(code) for code in languages if code != source_language]
    return {**data, "workTranslation": translations} if translations else data
