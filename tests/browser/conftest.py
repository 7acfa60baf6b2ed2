"""A real browser (Chromium through Playwright) against a live server with the seed data.

Chromium, Java and the Nu HTML checker are system tools, not Python packages. When one is
missing the tests that need it are skipped with the command that installs it, except in CI
(the ``CI`` environment variable is set), where a missing tool fails the run: acceptance
tests that silently skip prove nothing.
"""

import datetime as dt
import io
import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import SEED_SLUG, SEEDS

# Playwright's sync API runs an event loop in the test thread, and Django refuses database
# work from a thread with a running loop; the tests themselves are plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

REPOSITORY = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPOSITORY / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VNU_JAR = Path(
    os.environ.get("VNU_JAR", REPOSITORY / "var/tools/node_modules/vnu-jar/build/dist/vnu.jar")
)

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

LANGUAGES = ["en", "ru", "zh-hans"]
SEED_TITLE = "Polytechnic University at the Fifth ATURC-2022 Summit"
# The public pages every release is checked on, by name: (path under /<lang>, status).
PAGES = {
    "home": ("/", 200),
    "news-list": ("/news/", 200),
    "article": (f"/news/{SEED_SLUG}/", 200),
    "partners": ("/partners/", 200),
    "partners-in-a-country": ("/partners/?country=RU", 200),
    "partner-map": ("/partners/map/", 200),
    "partner": ("/partners/aturc/", 200),
    "our-university": ("/partners/spbpu/", 200),
    "person": ("/people/dmitry-arseniev/", 200),
    "events": ("/events/", 200),
    "event": ("/events/fifth-aturc-summit-2022/", 200),
    "visit": ("/events/aturc-secretariat-visit/", 200),
    "search": ("/search/?q=ATURC", 200),
    "contacts": ("/contacts/", 200),
    "information-page": ("/visa-support/", 200),
    "agreements": ("/partners/agreements/", 200),
    "agreement": ("/partners/agreements/spbpu-aturc-memorandum/", 200),
    "not-found": ("/news/no-such-article/", 404),
}


def page_cases():
    """(language, page name) pairs, with readable test ids such as ``ru-article``."""
    return [pytest.param(lang, name, id=f"{lang}-{name}") for lang in LANGUAGES for name in PAGES]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def require_tool(available: bool, what: str, install: str) -> None:
    """Skip (on a laptop) or fail (in CI) when a system tool the test needs is missing."""
    if available:
        return
    if in_ci():
        pytest.fail(
            f"{what} is missing, and CI must not skip these tests: {install}", pytrace=False
        )
    pytest.skip(install)


@pytest.fixture(scope="session")
def browser():
    require_tool(CHROMIUM.exists(), f"Chromium ({CHROMIUM})", "apt-get install chromium")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


# Every document (and frame) reports what its Content-Security-Policy blocked: an inline
# script or style, an eval, a resource from elsewhere.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCSPViolation({
    page: document.location.href,
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: `${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`,
    sample: event.sample,
  });
});
"""


def record_csp_violations(context) -> list[dict]:
    """Collect the ``securitypolicyviolation`` events of every page the context opens."""
    violations = []
    context.expose_function("reportCSPViolation", lambda violation: violations.append(violation))
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    return violations


def describe_csp_violations(violations) -> str:
    return "Content-Security-Policy violations:\n" + "\n".join(
        f"- {v['page']}: {v['directive']} blocked {v['blocked'] or '?'}"
        f" at {v['source']} {v['sample']!r}"
        for v in violations
    )


@pytest.fixture
def open_browser_page(browser, request):
    """A factory for fresh pages (own cookies, own viewport), closed after the test.

    When the test fails, each page is photographed as it was at the failure. Any
    Content-Security-Policy violation on any page fails the test.
    """
    contexts = []
    violations = []

    def open_page(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, locale="en-US")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.csp_violations = record_csp_violations(context)
        violations.append(page.csp_violations)
        return page

    yield open_page
    for number, context in enumerate(contexts, start=1):
        if request.node.stash.get(CALL_FAILED, False):
            # One picture per page: a test with several browsers must not keep only the last.
            for tab, page in enumerate(context.pages, start=1):
                screenshot(page, f"failed-{request.node.name}-{number}-{tab}")
        context.close()
    found = [violation for context_violations in violations for violation in context_violations]
    if found:
        pytest.fail(describe_csp_violations(found), pytrace=False)


@pytest.fixture
def page(open_browser_page):
    return open_browser_page(DESKTOP)


def _no_static_handler(application):
    return application


@pytest.fixture(scope="session")
def live_server(request, collected_static):
    """pytest-django's live server, but static files come from WhiteNoise, as in production.

    pytest-django wraps the server in Django's StaticFilesHandler, which answers every
    /static/ request from the finders: it knows ``css/site.css`` but not the fingerprinted
    ``css/site.<hash>.css`` that pages link to with DEBUG off, so every stylesheet was a 404.
    Without the wrapper, WhiteNoise's middleware serves the files ``collected_static``
    collected (it is created in the server thread, after that fixture changed STATIC_ROOT).
    """
    from pytest_django.live_server_helper import LiveServer

    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    server.thread.static_handler = _no_static_handler
    server.start()
    yield server
    server.stop()


def photograph(size=(1600, 900), hue=0) -> bytes:
    """A JPEG that looks like a photograph at a glance: a sky, a sun, a skyline."""
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = y / height
        draw.line(
            [(0, y), (width, y)], fill=(40 + hue + int(120 * shade), 90 + int(100 * shade), 170)
        )
    draw.ellipse(
        [width * 0.7, height * 0.15, width * 0.8, height * 0.15 + width * 0.1], fill=(255, 214, 120)
    )
    for number, left in enumerate(range(0, width, width // 12)):
        top = height * (0.45 + 0.25 * ((number * 7) % 5) / 5)
        draw.rectangle(
            [left, top, left + width // 13, height], fill=(20 + hue // 2, 40, 70 + number * 3)
        )
    output = io.BytesIO()
    image.save(output, "JPEG", quality=85)
    return output.getvalue()


def emblem(letters: str) -> bytes:
    """A transparent PNG logo: a ring with letters, as partners send them."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([10, 10, 390, 390], outline=(160, 20, 40, 255), width=28)
    font = ImageFont.load_default(size=110)
    draw.text((200, 200), letters, fill=(160, 20, 40, 255), font=font, anchor="mm")
    output = io.BytesIO()
    image.save(output, "PNG")
    return output.getvalue()


def add_pictures() -> None:
    """Pictures where editors would put them: the summit report and the forum's call get
    photographs, ATURC its logo (written to the storage as an upload would be)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from news.models import Article
    from partners.models import Organization

    def stored(name, data):
        return default_storage.save(name, ContentFile(data))

    Article.objects.filter(slug=SEED_SLUG).update(
        image=stored("articles/summit.jpg", photograph()),
        image_alt_en="Delegates in front of the innovation centre in Xi'an",
        image_alt_ru="Делегаты у инновационного центра в Сиане",
        image_alt_zh_hans="代表们在西安创新港前",
    )
    Article.objects.filter(slug="aturc-youth-forum-call-for-participants").update(
        image=stored("articles/forum.jpg", photograph(hue=60)),
        image_alt_en="Students at the forum",
    )
    Organization.objects.filter(slug="aturc").update(logo=stored("logos/aturc.png", emblem("AT")))


@pytest.fixture
def media_storage(settings, tmp_path_factory):
    """Uploads of the live server's data go to a fresh folder (not the test's tmp_path,
    which tests fill with files of their own)."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture
def site_data(transactional_db, media_storage):
    """The seed world plus a few more articles, an upcoming event and a visit.

    The live server runs in another thread, so it only sees committed data: hence
    ``transactional_db`` (which pytest-django's ``live_server`` needs anyway).
    """
    from partners.models import Event, Membership, Organization
    from partners.seed import load_seed_entities
    from tests.factories import make_article, make_event, make_organization

    load_seed_entities()
    call_command("import_articles", SEEDS, verbosity=0)
    aturc = Organization.objects.get(slug="aturc")
    spbpu = Organization.objects.get(slug="spbpu")
    # A membership with its dates, and a member that left (test data, not the seed's).
    Membership.objects.filter(member=spbpu, association=aturc).update(since=dt.date(2016, 9, 1))
    Membership.objects.create(
        member=make_organization(
            slug="northern-technical-university",
            name_en="Northern Technical University",
            name_ru="Северный технический университет",
            erasmus_code="F  PARIS001",
        ),
        association=aturc,
        since=dt.date(2012, 1, 1),
        until=dt.date(2020, 12, 31),
    )
    now = timezone.now()
    forum = make_event(
        slug="aturc-youth-forum",
        name_en="ATURC Youth Forum",
        name_ru="Молодёжный форум АТУРК",
        name_zh_hans="中俄工科大学联盟青年论坛",
        start=now + dt.timedelta(days=30),
        end=now + dt.timedelta(days=31),
        city_en="Harbin",
        city_ru="Харбин",
        city_zh_hans="哈尔滨",
        country="CN",
        format=Event.Format.OFFLINE,
    )
    forum.organizers.set([aturc])
    make_article(
        slug="aturc-youth-forum-call-for-participants",
        title_en="ATURC Youth Forum: call for participants",
        title_ru="Молодёжный форум АТУРК: приём заявок",
        summary_en="Students of ATURC member universities can apply until the end of the month.",
        summary_ru="Студенты университетов АТУРК могут подать заявку до конца месяца.",
        organizations=[aturc, spbpu],
        events=[forum],
        publish_at=now - dt.timedelta(days=2),
    )
    make_article(
        slug="summer-school-in-shanghai",
        title_en="Summer school in Shanghai",
        title_zh_hans="上海暑期学校",
        summary_en="Twenty students spent July at the representative office in Shanghai.",
        summary_zh_hans="二十名学生七月在上海代表处学习。",
        organizations=[Organization.objects.get(slug="spbpu-shanghai")],
        publish_at=now - dt.timedelta(days=40),
    )
    make_article(
        slug="new-joint-laboratory-with-rsf-support",
        title_en="New joint laboratory with RSF support",
        summary_en="The Russian Science Foundation supports a joint laboratory for three years.",
        organizations=[Organization.objects.get(slug="russian-science-foundation")],
        publish_at=now - dt.timedelta(days=120),
    )
    add_visit(aturc, spbpu, now)
    add_agreements()
    add_pictures()
    add_pages_and_staff()


def add_pages_and_staff() -> None:
    """The seeded information pages, and a staff directory of three: one with a photo she
    agreed to publish, one whose photo is kept without consent, one without a photo."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from tests.factories import make_staff_member, seed_pages

    seed_pages()
    make_staff_member(
        name_en="Anna Petrova",
        name_ru="Анна Петрова",
        name_zh_hans="安娜·彼得罗娃",
        role_en="Incoming exchange students",
        role_ru="Иностранные студенты по обмену",
        role_zh_hans="来校交换生",
        email="anna.petrova@example.org",
        phone="+7 812 000-00-01",
        languages=["en", "ru", "zh-hans"],
        photo=default_storage.save("staff/anna.jpg", ContentFile(photograph(size=(600, 600)))),
        photo_consent=True,
        photo_consent_date=dt.date(2026, 9, 1),
    )
    make_staff_member(
        name_en="Ivan Sokolov",
        name_ru="Иван Соколов",
        role_en="Agreements with partner universities",
        role_ru="Соглашения с университетами-партнёрами",
        email="ivan.sokolov@example.org",
        languages=["ru", "en", "de"],
        photo=default_storage.save("staff/ivan.jpg", ContentFile(photograph(size=(600, 600)))),
    )
    make_staff_member(
        name_en="Li Wei",
        name_ru="Ли Вэй",
        name_zh_hans="李伟",
        role_en="Cooperation with Chinese universities",
        role_zh_hans="与中国高校的合作",
        email="li.wei@example.org",
        phone="+7 812 000-00-03",
        languages=["zh-hans", "ru"],
    )


def add_visit(aturc, spbpu, now):
    """A delegation of ATURC's secretariat at SPbPU, hosted by its vice-rector, and the
    article about it: the visit's page and ATURC's timeline (under the visit) show them."""
    from partners.models import Participation, Person
    from tests.factories import make_article, make_person, make_visit

    secretary = make_person(
        slug="wang-lei",
        name_en="Wang Lei",
        name_ru="Ван Лэй",
        name_zh_hans="王磊",
        position_en="Secretary General of ATURC",
        position_ru="Генеральный секретарь АТУРК",
        position_zh_hans="中俄工科大学联盟秘书长",
        organization=aturc,
    )
    start = (now - dt.timedelta(days=150)).replace(hour=7, minute=0, second=0, microsecond=0)
    visit = make_visit(
        slug="aturc-secretariat-visit",
        name_en="ATURC secretariat at SPbPU",
        name_ru="Секретариат АТУРК в СПбПУ",
        name_zh_hans="中俄工科大学联盟秘书处访问圣彼得堡理工大学",
        start=start,
        end=start + dt.timedelta(hours=6),
        city_en="St. Petersburg",
        city_ru="Санкт-Петербург",
        city_zh_hans="圣彼得堡",
        country="RU",
        visiting=[aturc],
        hosts=[spbpu],
        delegation=[secretary, Person.objects.get(slug="dmitry-arseniev")],
        purpose_en="To plan the association's joint master's programmes for the next year.",
        purpose_ru="Спланировать совместные магистерские программы ассоциации на следующий год.",
        purpose_zh_hans="规划联盟下一年度的联合硕士项目。",
        outcomes_en="Three joint master's programmes were chosen for the next admission.",
        outcomes_ru="Для следующего набора выбраны три совместные магистерские программы.",
        outcomes_zh_hans="确定了下一次招生的三个联合硕士项目。",
        follow_up_en="The programmes' curricula are to be agreed by spring.",
        follow_up_ru="Учебные планы программ согласуют к весне.",
        follow_up_zh_hans="各项目的教学计划将于春季前商定。",
    )
    Participation.objects.filter(event=visit, person=secretary).update(
        role_en="head of the delegation",
        role_ru="глава делегации",
        role_zh_hans="代表团团长",
    )
    make_article(
        slug="aturc-secretariat-visits-spbpu",
        title_en="ATURC secretariat visits SPbPU",
        title_ru="Секретариат АТУРК посетил СПбПУ",
        title_zh_hans="中俄工科大学联盟秘书处访问圣彼得堡理工大学",
        summary_en="The association's secretary general discussed joint master's programmes.",
        organizations=[aturc, spbpu],
        events=[visit],
        publish_at=start + dt.timedelta(days=1),
    )


def add_agreements() -> None:
    """A memorandum with ATURC signed at the summit and reported by the seed article, and an
    exchange with the Russian Science Foundation; a private draft that must never show."""
    from agreements.models import Agreement, AgreementParty
    from news.models import Article
    from partners.models import Event, Organization

    spbpu, aturc, rsf = (
        Organization.objects.get(slug=slug)
        for slug in ("spbpu", "aturc", "russian-science-foundation")
    )
    today = timezone.localdate()
    memorandum = Agreement.objects.create(
        slug="spbpu-aturc-memorandum",
        title_en="Memorandum of understanding between SPbPU and ATURC",
        title_ru="Меморандум о взаимопонимании между СПбПУ и АТУРК",
        title_zh_hans="圣彼得堡理工大学与中俄工科大学联盟谅解备忘录",
        summary_en="Joint summer schools, exchange of students and staff, joint research.",
        summary_ru="Совместные летние школы, обмен студентами и сотрудниками, общие исследования.",
        summary_zh_hans="联合暑期学校、师生交流和联合研究。",
        kind=Agreement.Kind.MEMORANDUM,
        signed_on=dt.date(2022, 7, 12),
        valid_from=dt.date(2022, 9, 1),
        valid_until=dt.date(today.year + 3, 8, 31),
        places_per_year=10,
        subject_area="0715",
        signing_event=Event.objects.get(slug="fifth-aturc-summit-2022"),
        published=True,
        notes="Private: renewal to be discussed with the rector.",
    )
    AgreementParty.objects.create(
        agreement=memorandum, organization=spbpu, unit_en="International Office"
    )
    AgreementParty.objects.create(agreement=memorandum, organization=aturc)
    exchange = Agreement.objects.create(
        slug="spbpu-rsf-research",
        title_en="Research cooperation with the Russian Science Foundation",
        kind=Agreement.Kind.RESEARCH,
        signed_on=today - dt.timedelta(days=200),
        valid_until=today + dt.timedelta(days=100),
        published=True,
    )
    for organization in (spbpu, rsf):
        AgreementParty.objects.create(agreement=exchange, organization=organization)
    draft = Agreement.objects.create(
        slug="draft-in-talks", title_en="Draft in talks", kind=Agreement.Kind.OTHER
    )
    AgreementParty.objects.create(agreement=draft, organization=aturc)
    Article.objects.get(slug=SEED_SLUG).agreements.set([memorandum, draft])


@pytest.fixture
def site(live_server, site_data):
    """The live server's base URL, serving the data of ``site_data``."""
    return live_server.url


def visit(page, url: str, status: int = 200):
    """Open ``url`` and wait until its web fonts are in: text width decides layout.

    The page must have broken none of its Content-Security-Policy on the way.
    """
    response = page.goto(url)
    assert response.status == status, f"{url} answered {response.status}, not {status}"
    page.evaluate("document.fonts.ready.then(() => document.fonts.status)")
    assert not page.csp_violations, describe_csp_violations(page.csp_violations)
    return response


def screenshot(page, name: str) -> Path:
    """A full-page screenshot named by page and viewport, for people to look at."""
    size = page.viewport_size
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    path = SCREENSHOTS / f"{slug}-{size['width']}x{size['height']}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.fonts.ready.then(() => document.fonts.status)")
    page.screenshot(path=path, full_page=True)
    return path


@pytest.fixture(scope="session")
def java():
    found = shutil.which("java")
    require_tool(bool(found), "Java", "apt-get install default-jre-headless")
    require_tool(VNU_JAR.is_file(), f"The Nu HTML checker ({VNU_JAR})", "make test-tools")
    return found
