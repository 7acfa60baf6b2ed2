"""The office's information pages, each saying honestly that it is a placeholder for the
office to replace (no facts are made up here: the Contacts page shows the office's address,
e-mail and phone from the settings, as the footer does). Published, so the site has its
menus at once; the office edits them in the admin, or unpublishes what it does not want."""

from django.db import migrations
from django.utils import timezone

from intloffice.core.search import Indexed, refresh_in_migration

# The indexed fields as they are at this migration (Page.search_fields may change).
FIELDS = (Indexed("title", "A"), Indexed("summary", "B"), Indexed("body", "C", html=True))

UNTIL_THEN = {
    "en": '<p>Until then, please write to the office or call it: see <a href="/en/contacts/">'
    "Contacts</a>.</p>",
    "ru": "<p>Пока что, пожалуйста, пишите или звоните в службу: см. "
    '<a href="/ru/contacts/">«Контакты»</a>.</p>',
    "zh_hans": '<p>在此之前，请通过电子邮件或电话联系本处：见<a href="/zh-hans/contacts/">'
    "“联系我们”</a>。</p>",
}

# slug: menu, position, shows the staff, {language: (title, first paragraph)}
PAGES = {
    "about": (
        "main",
        10,
        False,
        {
            "en": (
                "About the office",
                "This page is a placeholder. The International Office will replace it with a "
                "description of its work: who we are, how we help students, staff and partner "
                "universities, and how to reach us.",
            ),
            "ru": (
                "О международной службе",
                "Эта страница — временная заготовка. Международная служба заменит её рассказом "
                "о своей работе: кто мы, чем мы помогаем студентам, сотрудникам и "
                "университетам-партнёрам и как с нами связаться.",
            ),
            "zh_hans": (
                "关于国际合作处",
                "本页面为临时占位内容。国际合作处将以介绍本处工作的内容替换：我们是谁，"
                "我们为学生、教职工和合作院校提供哪些帮助，以及如何联系我们。",
            ),
        },
    ),
    "contacts": (
        "main",
        20,
        True,
        {
            "en": (
                "Contacts",
                "This page is a placeholder: the International Office will say here whom to "
                "contact about what. The office's address, e-mail and phone below are those "
                "given at the bottom of every page.",
            ),
            "ru": (
                "Контакты",
                "Эта страница — временная заготовка: международная служба укажет здесь, к кому "
                "обращаться по каким вопросам. Адрес, электронная почта и телефон службы ниже — "
                "те же, что внизу каждой страницы.",
            ),
            "zh_hans": (
                "联系我们",
                "本页面为临时占位内容：国际合作处将在此说明各类事务的联系人。"
                "下方的地址、电子邮件和电话与每页底部所列相同。",
            ),
        },
    ),
    "incoming-students": (
        "footer",
        10,
        False,
        {
            "en": (
                "Incoming students",
                "This page is a placeholder. The International Office will replace it with "
                "information for students who come from abroad to study at the university: "
                "exchange and degree programmes, how to apply, arrival and accommodation.",
            ),
            "ru": (
                "Иностранным студентам",
                "Эта страница — временная заготовка. Международная служба заменит её сведениями "
                "для студентов, приезжающих учиться в университет из-за рубежа: программы обмена "
                "и обучения, как подать заявку, приезд и проживание.",
            ),
            "zh_hans": (
                "来校留学",
                "本页面为临时占位内容。国际合作处将以面向从国外来本校学习的学生的信息替换："
                "交流和学位项目、申请方式、抵达与住宿。",
            ),
        },
    ),
    "outgoing-mobility": (
        "footer",
        20,
        False,
        {
            "en": (
                "Outgoing mobility",
                "This page is a placeholder. The International Office will replace it with "
                "information for the university's students and staff who want to study, teach "
                "or do research abroad: programmes, partner universities, how to apply.",
            ),
            "ru": (
                "Обучение за рубежом",
                "Эта страница — временная заготовка. Международная служба заменит её сведениями "
                "для студентов и сотрудников университета, которые хотят учиться, преподавать "
                "или вести исследования за рубежом: программы, университеты-партнёры, как подать "
                "заявку.",
            ),
            "zh_hans": (
                "出国交流",
                "本页面为临时占位内容。国际合作处将以面向希望赴国外学习、任教或开展研究的"
                "本校学生和教职工的信息替换：项目、合作院校、申请方式。",
            ),
        },
    ),
    "visa-support": (
        "footer",
        30,
        False,
        {
            "en": (
                "Visa support",
                "This page is a placeholder. The International Office will replace it with "
                "information on visas for international students, staff and delegations coming "
                "to the university: who needs one, which documents to prepare and how the "
                "office helps.",
            ),
            "ru": (
                "Визовая поддержка",
                "Эта страница — временная заготовка. Международная служба заменит её сведениями "
                "о визах для иностранных студентов, сотрудников и делегаций, приезжающих в "
                "университет: кому нужна виза, какие документы подготовить и чем помогает служба.",
            ),
            "zh_hans": (
                "签证协助",
                "本页面为临时占位内容。国际合作处将以有关签证的信息替换，面向来本校的国际学生、"
                "教职工和代表团：谁需要签证、需准备哪些材料，以及本处如何提供协助。",
            ),
        },
    ),
    "faq": (
        "footer",
        40,
        False,
        {
            "en": (
                "Frequently asked questions",
                "This page is a placeholder. The International Office will replace it with "
                "answers to the questions it is asked most often.",
            ),
            "ru": (
                "Часто задаваемые вопросы",
                "Эта страница — временная заготовка. Международная служба заменит её ответами "
                "на вопросы, которые ей задают чаще всего.",
            ),
            "zh_hans": (
                "常见问题",
                "本页面为临时占位内容。国际合作处将以最常被问到的问题及其解答替换。",
            ),
        },
    ),
}


def create_pages(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    now = timezone.now()
    for slug, (menu, position, shows_staff, texts) in PAGES.items():
        if Page.objects.filter(slug=slug).exists():
            continue
        fields = {}
        for suffix, (title, paragraph) in texts.items():
            body = f"<p>{paragraph}</p>"
            if not shows_staff:
                body += UNTIL_THEN[suffix]
            fields[f"title_{suffix}"] = title
            fields[f"body_{suffix}"] = body
        Page.objects.create(
            slug=slug,
            title=fields["title_en"],
            body=fields["body_en"],
            menu=menu,
            position=position,
            shows_staff=shows_staff,
            status="published",
            publish_at=now,
            **fields,
        )
    refresh_in_migration(apps, schema_editor, "pages", {"Page": FIELDS})


def remove_pages(apps, schema_editor):
    apps.get_model("pages", "Page").objects.filter(slug__in=PAGES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0002_roles"),
    ]

    operations = [migrations.RunPython(create_pages, remove_pages)]
