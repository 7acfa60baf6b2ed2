import os

import pytest
from django.core.management import call_command

SEEDS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "seeds")
SEED_SLUG = "polytechnic-university-at-the-fifth-aturc-2022-summit"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages (the database is rolled back, the cache not)."""
    from django.core.cache import cache

    cache.clear()


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


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory, django_test_environment):
    """Tests run with DEBUG off, so pages need collected, fingerprinted static files."""
    from django.test import override_settings

    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root):
        call_command("collectstatic", "--no-input", verbosity=0)
        yield root
