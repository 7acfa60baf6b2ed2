import copy
import os

import pytest
from django.core.management import call_command

SEEDS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "seeds")
SEED_SLUG = "polytechnic-university-at-the-fifth-aturc-2022-summit"
PASSWORD = "a-long-enough-test-password"


def staff_member(username: str, group: str):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    User = get_user_model()
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def editor(db):
    """A member of the Editors group the roles migration made."""
    return staff_member("editor", "Editors")


@pytest.fixture
def publisher(db):
    """A member of the Publishers group the roles migration made."""
    return staff_member("publisher", "Publishers")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A ``replica`` database beside the primary, as DATABASE_REPLICA_URL makes one: a test
    mirror, so it reads the primary's test database on SQLite and PostgreSQL alike. Only a
    test that installs the router (tests/core/test_replicas.py) reads it."""
    from django.db import connections

    if "replica" not in connections.settings:
        primary = connections.settings["default"]
        connections.settings["replica"] = {
            **copy.deepcopy(primary),
            "TEST": {**primary["TEST"], "MIRROR": "default"},
        }


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages (the database is rolled back, the cache not)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language: a request to /ru/ leaves Russian active in
    the thread (LocaleMiddleware activates, nothing deactivates), and a test after it that
    reads a label would read it in Russian."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path_factory):
    """Private files written by a test (signed copies) go to a folder of its own, never to
    the developer's var/private; backups and restores read it."""
    settings.PRIVATE_ROOT = tmp_path_factory.mktemp("private")
    return settings.PRIVATE_ROOT


@pytest.fixture
def seed_entities(db):
    from partners.seed import load_seed_entities

    load_seed_entities()


@pytest.fixture
def seed_article(seed_entities):
    """The seed article imported the way `make run` does it."""
    from news.models import Article

    call_command("import_articles", SEEDS, verbosity=0)
    return Article.objects.get(slug=SEED_SLUG)


@pytest.fixture
def english_seed_article(seed_entities):
    """The seed article from its English file alone: Russian and Chinese pages fall back
    to the English text (the seed itself has all three languages)."""
    from news.models import Article

    call_command("import_articles", os.path.join(SEEDS, "000_81355e64a07f423b.txt"), verbosity=0)
    return Article.objects.get(slug=SEED_SLUG)


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory, django_test_environment):
    """Tests run with DEBUG off, so pages need collected, fingerprinted static files."""
    from django.test import override_settings

    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root):
        call_command("collectstatic", "--no-input", verbosity=0)
        yield root


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing(django_test_environment):
    """Staff fixtures and logins hash passwords hundreds of times: with the production
    hasher (PBKDF2, deliberately slow) that was about two minutes of every run. What the
    tests check of passwords (right, wrong, limited) does not depend on the hasher."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def superuser_client(client, admin_user):
    """The test client signed in as pytest-django's superuser. force_login sets the session
    without the login form: the tests of signing in itself (tests/core/test_logins.py, the
    lockout and audit tests in tests/news/test_editorial.py, the cookies in
    tests/core/test_headers.py) post to the form."""
    client.force_login(admin_user)
    return client


@pytest.fixture
def hub(settings):
    """A local WebSub hub the site is configured to tell of its feeds' changes."""
    from intloffice.core import websub
    from tests.hub import SITE_URL, Hub, running

    server = Hub()
    thread = running(server)
    settings.INTLOFFICE_WEBSUB_HUB = server.url
    settings.SITE_URL = SITE_URL
    yield server
    assert websub.wait(), "announcements still on their way after the test"
    server.shutdown()
    thread.join()
    server.server_close()
