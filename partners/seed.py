"""The office's world as the seed article describes it (DESIGN.md, "Facts of the seed article").

``load_seed_entities()`` is idempotent: it creates what is missing and leaves what exists
alone, so staff corrections made in the admin survive ``make run``.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from .models import Event, Membership, Organization, OrganizationName, Participation, Person

SHANGHAI = ZoneInfo("Asia/Shanghai")

ORGANIZATIONS = {
    "aturc": {
        "kind": Organization.Kind.ASSOCIATION,
        "short_name_en": "ATURC",
        "short_name_ru": "АТУРК",
        "short_name_zh_hans": "中俄工科大学联盟",
        "name_en": "Association of Technical Universities of Russia and China",
        "name_ru": "Ассоциация технических университетов России и Китая",
        "name_zh_hans": "中俄工科大学联盟",
        "names": [
            ("acronym", "", "ATURC"),
            ("acronym", "ru", "АТУРК"),
            ("acronym", "", "ASRTU"),
            ("alias", "en", "Association of Sino-Russian Technical Universities"),
        ],
        "member_count": 68,
        "description_en": (
            "An association of 68 foremost technical universities of Russia and China that "
            "cooperate in education, research and innovation."
        ),
        "description_ru": (
            "Объединение 68 ведущих технических университетов России и Китая, "
            "сотрудничающих в образовании, науке и инновациях."
        ),
        "description_zh_hans": (
            "由中俄两国68所一流工科大学组成的联盟，在教育、科研和创新领域开展合作。"
        ),
    },
    "spbpu": {
        "kind": Organization.Kind.UNIVERSITY,
        "short_name_en": "SPbPU",
        "short_name_ru": "СПбПУ",
        "short_name_zh_hans": "圣彼得堡理工大学",
        "name_en": "Peter the Great St. Petersburg Polytechnic University",
        "name_ru": "Санкт-Петербургский политехнический университет Петра Великого",
        "name_zh_hans": "圣彼得堡彼得大帝理工大学",
        "names": [
            ("acronym", "", "SPbPU"),
            ("acronym", "ru", "СПбПУ"),
            ("alias", "en", "St. Petersburg Polytechnic University"),
            ("alias", "en", "Polytechnic University"),
            ("alias", "ru", "Политехнический университет"),
        ],
        "ror_id": "https://ror.org/02x91aj62",
        # Its internet domain, as Erasmus Without Paper names higher-education institutions.
        "schac_code": "spbstu.ru",
        "country": "RU",
        "city_en": "St. Petersburg",
        "city_ru": "Санкт-Петербург",
        "city_zh_hans": "圣彼得堡",
        "website": "https://www.spbstu.ru/",
    },
    "spbpu-shanghai": {
        "kind": Organization.Kind.OFFICE,
        "name_en": "SPbPU Representative Office in Shanghai",
        "name_ru": "Представительство СПбПУ в Шанхае",
        "name_zh_hans": "圣彼得堡彼得大帝理工大学上海代表处",
        "names": [("alias", "en", "representative office of SPbPU in Shanghai")],
        "country": "CN",
        "city_en": "Shanghai",
        "city_ru": "Шанхай",
        "city_zh_hans": "上海",
        "parent": "spbpu",
    },
    "russian-science-foundation": {
        "kind": Organization.Kind.FOUNDATION,
        "short_name_en": "RSF",
        "short_name_ru": "РНФ",
        "name_en": "Russian Science Foundation",
        "name_ru": "Российский научный фонд",
        "name_zh_hans": "俄罗斯科学基金会",
        "names": [("acronym", "ru", "РНФ")],
        "country": "RU",
        "city_en": "Moscow",
        "city_ru": "Москва",
        "city_zh_hans": "莫斯科",
        "website": "https://rscf.ru/",
    },
}

MEMBERSHIPS = [("spbpu", "aturc")]

# The report (published 10 June 2022) does not give the summit's exact dates; the day
# before publication stands in until staff correct it in the admin.
SUMMIT_DAY = dt.datetime(2022, 6, 9, 9, 0, tzinfo=SHANGHAI)

EVENTS = {
    "fifth-aturc-summit-2022": {
        "kind": Event.Kind.SUMMIT,
        "name_en": "Fifth ATURC Summit",
        "name_ru": "Пятый саммит АТУРК",
        "name_zh_hans": "第五届中俄工科大学联盟峰会",
        "aliases": (
            "ATURC-2022 Summit\nATURC 2022 Summit\n"
            "Fifth Summit of the Association of Technical Universities of Russia and China"
        ),
        "organizers": ["aturc"],
        "start": SUMMIT_DAY,
        "end": SUMMIT_DAY + dt.timedelta(hours=9),
        "timezone": "Asia/Shanghai",
        "venue_en": "Science and Technology Innovation Center of Western China",
        "venue_ru": "Научно-технологический инновационный центр Западного Китая",
        "venue_zh_hans": "中国西部科技创新港",
        "city_en": "Xi'an",
        "city_ru": "Сиань",
        "city_zh_hans": "西安",
        "country": "CN",
        "format": Event.Format.HYBRID,
        "description_en": "The fifth summit of ATURC, held in Xi'an online and offline.",
        "description_ru": "Пятый саммит АТУРК прошёл в Сиане в очном и онлайн-форматах.",
        "description_zh_hans": "第五届中俄工科大学联盟峰会在西安以线上线下相结合的方式举行。",
    },
    "aturc-rectors-forum-2022": {
        "kind": Event.Kind.FORUM,
        "name_en": "ATURC University Rectors' Forum",
        "name_ru": "Форум ректоров университетов АТУРК",
        "name_zh_hans": "中俄工科大学联盟校长论坛",
        "aliases": "Rectors' Forum of ATURC",
        "organizers": ["aturc"],
        "parent": "fifth-aturc-summit-2022",
        "start": SUMMIT_DAY,
        "end": SUMMIT_DAY + dt.timedelta(hours=4),
        "timezone": "Asia/Shanghai",
        "city_en": "Xi'an",
        "city_ru": "Сиань",
        "city_zh_hans": "西安",
        "country": "CN",
        "format": Event.Format.HYBRID,
        "theme_en": "University-City-Development",
        "theme_ru": "Университет-Город-Развитие",
        "theme_zh_hans": "大学-城市-发展",
    },
    "aturc-working-meeting-2022": {
        "kind": Event.Kind.WORKING_MEETING,
        "name_en": "Working meeting of ATURC executive staff",
        "name_ru": "Рабочее совещание исполнительного аппарата АТУРК",
        "name_zh_hans": "中俄工科大学联盟工作人员工作会议",
        "aliases": "",
        "organizers": ["aturc"],
        "parent": "fifth-aturc-summit-2022",
        "start": SUMMIT_DAY + dt.timedelta(hours=5),
        "end": SUMMIT_DAY + dt.timedelta(hours=7),
        "timezone": "Asia/Shanghai",
        "city_en": "Xi'an",
        "city_ru": "Сиань",
        "city_zh_hans": "西安",
        "country": "CN",
        "format": Event.Format.HYBRID,
    },
}

PEOPLE = {
    "dmitry-arseniev": {
        "honorific_en": "Professor",
        "honorific_ru": "Профессор",
        "honorific_zh_hans": "教授",
        "name_en": "Dmitry Arseniev",
        "name_ru": "Дмитрий Арсеньев",
        "name_zh_hans": "德米特里·阿尔谢尼耶夫",
        "aliases": "Arseniev Dmitry",
        "position_en": "Vice-Rector for International Affairs",
        "position_ru": "Проректор по международной деятельности",
        "position_zh_hans": "国际事务副校长",
        "organization": "spbpu",
    },
    "pavel-romanov": {
        "honorific_en": "Professor",
        "honorific_ru": "Профессор",
        "honorific_zh_hans": "教授",
        "name_en": "Pavel Romanov",
        "name_ru": "Павел Романов",
        "name_zh_hans": "帕维尔·罗曼诺夫",
        "aliases": "Romanov Pavel",
        "organization": "spbpu",
    },
}

PARTICIPATIONS = [
    (
        "dmitry-arseniev",
        "aturc-rectors-forum-2022",
        {
            "role_en": "presented the university's proposals for cooperation",
            "role_ru": "представил предложения университета по сотрудничеству",
            "role_zh_hans": "介绍了学校的合作建议",
        },
    ),
    (
        "dmitry-arseniev",
        "fifth-aturc-summit-2022",
        {"role_en": "delegate", "role_ru": "делегат", "role_zh_hans": "代表"},
    ),
    (
        "pavel-romanov",
        "aturc-working-meeting-2022",
        {"role_en": "delegate", "role_ru": "делегат", "role_zh_hans": "代表"},
    ),
    (
        "pavel-romanov",
        "fifth-aturc-summit-2022",
        {"role_en": "delegate", "role_ru": "делегат", "role_zh_hans": "代表"},
    ),
]


@transaction.atomic
def load_seed_entities() -> int:
    """Create the seed organisations, people and events that are missing; return how many."""
    created = 0
    organizations = {}
    for slug, data in ORGANIZATIONS.items():
        fields = {key: value for key, value in data.items() if key not in {"parent", "names"}}
        if "parent" in data:
            fields["parent"] = organizations[data["parent"]]
        organizations[slug], new = Organization.objects.get_or_create(slug=slug, defaults=fields)
        if new:
            OrganizationName.objects.bulk_create(
                OrganizationName(organization=organizations[slug], kind=k, language=lang, value=v)
                for k, lang, v in data.get("names", [])
            )
            Organization.objects.filter(pk=organizations[slug].pk).refresh_aliases()
        created += new
    for member, association in MEMBERSHIPS:
        _membership, new = Membership.objects.get_or_create(
            member=organizations[member], association=organizations[association]
        )
        created += new

    events = {}
    for slug, data in EVENTS.items():
        fields = {key: value for key, value in data.items() if key not in {"parent", "organizers"}}
        if "parent" in data:
            fields["parent"] = events[data["parent"]]
        events[slug], new = Event.objects.get_or_create(slug=slug, defaults=fields)
        if new:
            events[slug].organizers.set(organizations[o] for o in data["organizers"])
        created += new

    people = {}
    for slug, data in PEOPLE.items():
        fields = {**data, "organization": organizations[data["organization"]]}
        people[slug], new = Person.objects.get_or_create(slug=slug, defaults=fields)
        created += new
    for person, event, role in PARTICIPATIONS:
        _participation, new = Participation.objects.get_or_create(
            person=people[person], event=events[event], defaults=role
        )
        created += new
    return created
