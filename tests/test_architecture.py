"""Imports run one way: intloffice.core <- partners <- agreements <- pages <- news <-
intloffice.website <- the project.

Every module of intloffice/, partners/, agreements/, pages/ and news/ is read (not imported)
with ``ast``: each ``import`` and ``from ... import``, at the top or inside a function,
relative ones resolved.
A layer may import the layers before it, never those after it; nothing imports the project
modules (intloffice/settings.py, urls.py, wsgi.py), only tests and the deploy and bench
scripts, which are not walked. Migrations import Django, libraries and intloffice.core only:
an app's modules import today's models, and a migration must run against the models of its
own time.

A backward import at the top of a module often makes an import cycle, and then Django (and
so pytest) cannot start: ``.venv/bin/python tests/test_architecture.py`` runs the check
without Django.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("intloffice", "news", "pages", "partners", "agreements")

# The layers in order: each may import itself and those before it. The first prefix that
# matches names a module's layer; anything else in intloffice/ is the project.
LAYERS = ("core", "partners", "agreements", "pages", "news", "website", "project")
PREFIXES = (
    ("intloffice.core", "core"),
    ("partners", "partners"),
    ("agreements", "agreements"),
    ("pages", "pages"),
    ("news", "news"),
    ("intloffice.website", "website"),
    ("intloffice", "project"),
)
ALLOWED = {layer: set(LAYERS[: LAYERS.index(layer) + 1]) - {"project"} for layer in LAYERS}
ALLOWED["project"] = set(LAYERS)
NAMES = {
    "core": "intloffice.core",
    "partners": "partners",
    "agreements": "agreements",
    "pages": "pages",
    "news": "news",
    "website": "intloffice.website",
    "project": "the project",
}

HOW_TO_FIX = """
The layers, each importing only those before it (and Django and libraries):
    intloffice.core <- partners <- agreements <- pages <- news <- intloffice.website <- the project
What to do:
  - Code that a lower layer needs belongs in that layer: move it down (a building block
    that knows no app goes to intloffice/core/).
  - When a lower layer must work with a higher one, turn the dependency around: the lower
    layer offers a hook (a signal, a registry, an attribute each model declares, as
    search_fields) and the higher layer plugs into it in its AppConfig.ready().
  - Relations between apps point down: news.Article links partners and agreements, and
    an agreement links its parties; a partner's page reaches its articles and agreements
    by the reverse relations (organization.articles, organization.agreements), not by
    importing news or agreements.
  - Read settings from django.conf.settings and find pages with reverse("url-name"):
    nothing imports intloffice.settings, intloffice.urls or intloffice.wsgi.
"""

MIGRATIONS_HOW_TO_FIX = """
A migration runs against the models as they were when it was written, through
apps.get_model(); an app's modules import today's models (and may change under it).
Migrations may import Django, libraries and intloffice.core (which knows no app). Copy
what the migration needs into it, or move it to intloffice/core/ if it is a building block.
"""


def layer_of(module: str) -> str | None:
    """The layer a dotted module name belongs to; None for Django, libraries, stdlib."""
    for prefix, layer in PREFIXES:
        if module == prefix or module.startswith(prefix + "."):
            return layer
    return None


def problem(importer: str, imported: str) -> str | None:
    """Why ``importer`` may not import ``imported``, or None when it may."""
    source, target = layer_of(importer), layer_of(imported)
    if source is None or target is None or target in ALLOWED[source]:
        return None
    if target == "project":
        return (
            f"{NAMES[source]} may not import {imported}: nothing imports the "
            "project package's modules (new building blocks go in intloffice/core/, pages "
            "spanning the apps in intloffice/website/)"
        )
    below = ", ".join(NAMES[layer] for layer in LAYERS if layer in ALLOWED[source])
    return (
        f"{NAMES[source]} may not import {NAMES[target]}, a layer above it: "
        f"{NAMES[source]} imports only {below}, Django and libraries"
    )


def migration_problem(imported: str) -> str | None:
    """Why a migration may not import ``imported``, or None when it may."""
    if layer_of(imported) in (None, "core"):
        return None
    return f"a migration imports {imported}, which is not Django, a library or intloffice.core"


def module_name(path: Path, root: Path) -> tuple[str, bool]:
    """The dotted name of a file under ``root``, and whether it is a package's __init__."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def imports_of(source: str, module: str, is_package: bool) -> list[tuple[int, str, str]]:
    """(line, statement, imported module) for every import in ``source``, at any depth.

    ``from package import name`` counts as importing ``package.name``: a submodule if there
    is one, and in the same layer as ``package`` if it is a name inside it.
    """
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        statement = " ".join(ast.get_source_segment(source, node).split())
        if isinstance(node, ast.Import):
            found += [(node.lineno, statement, alias.name) for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found += [(node.lineno, statement, f"{base}.{alias.name}") for alias in node.names]
    return sorted(found)


def modules(migrations: bool, root: Path = ROOT) -> list[tuple[Path, str, bool]]:
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            in_migrations = "migrations" in path.relative_to(root).parts
            if in_migrations == migrations and not (migrations and path.name == "__init__.py"):
                found.append((path, *module_name(path, root)))
    return found


def offences(migrations: bool, root: Path = ROOT) -> list[str]:
    lines = []
    for path, module, is_package in modules(migrations, root):
        for line, statement, imported in imports_of(path.read_text(), module, is_package):
            reason = migration_problem(imported) if migrations else problem(module, imported)
            if reason:
                lines.append(f"  {path.relative_to(root)}:{line}: {statement}\n      {reason}")
    return lines


def report(found: list[str], what: str, how_to_fix: str) -> str:
    return f"{len(found)} {what}:\n" + "\n".join(found) + "\n" + how_to_fix


def test_imports_run_one_way_from_the_project_down_to_core():
    assert len(modules(migrations=False)) > 40, "the walk found too few modules to check"
    found = offences(migrations=False)
    assert not found, report(found, "import(s) run against the layers", HOW_TO_FIX)


def test_migrations_import_nothing_that_imports_the_apps_models():
    assert len(modules(migrations=True)) >= 10, "the walk found too few migrations to check"
    found = offences(migrations=True)
    assert not found, report(found, "migration import(s) reach an app", MIGRATIONS_HOW_TO_FIX)


# The checker checked: a rule that let everything through would pass the tests above.


@pytest.mark.parametrize(
    ("importer", "imported", "allowed"),
    [
        ("intloffice.core.text", "re", True),
        ("intloffice.core.text", "django.utils.html", True),
        ("intloffice.core.search", "intloffice.core.text", True),
        ("intloffice.core.text", "news.models", False),
        ("intloffice.core.pages", "partners.models.Event", False),
        ("intloffice.core.templatetags.site_tags", "intloffice.website.views", False),
        ("intloffice.core.cache", "intloffice.settings", False),
        ("partners.views", "intloffice.core.pages.DetailPage", True),
        ("partners.views", "partners.models", True),
        ("partners.views", "news.models.Article", False),
        ("news.views", "intloffice.website.views", False),
        ("intloffice.core.text", "intloffice", False),
        ("partners.models", "intloffice.website.search", False),
        ("news.models", "partners.models.Organization", True),
        ("pages.models", "intloffice.core.workflow.Publishable", True),
        ("pages.views", "partners.models", True),
        ("pages.models", "news.models.Article", False),
        ("pages.views", "intloffice.website.search", False),
        ("news.admin", "pages.models", True),
        ("intloffice.website.search", "pages.models", True),
        ("intloffice.core.workflow", "pages.workflow", False),
        ("news.models", "agreements.models.Agreement", True),
        ("agreements.models", "partners.models.Organization", True),
        ("agreements.views", "intloffice.core.pages", True),
        ("agreements.models", "news.models.Article", False),
        ("partners.views", "agreements.models.Agreement", False),
        ("agreements.views", "intloffice.website.search", False),
        ("intloffice.website.sitemaps", "agreements.models", True),
        ("news.feeds", "intloffice.core.translated", True),
        ("news.feeds", "intloffice.website.search", False),
        ("news.admin", "intloffice.urls", False),
        ("news.views", "intloffice.helpers", False),
        ("intloffice.website.views", "news.models", True),
        ("intloffice.website.search", "partners.models", True),
        ("intloffice.website.views", "intloffice.wsgi", False),
        ("intloffice.urls", "intloffice.website.views", True),
        ("intloffice.urls", "news.urls", True),
        ("intloffice.settings", "intloffice.core.logs.logging_config", True),
        ("intloffice.wsgi", "django.core.wsgi", True),
    ],
)
def test_the_rule_allows_imports_down_the_layers_only(importer, imported, allowed):
    assert (problem(importer, imported) is None) is allowed


@pytest.mark.parametrize(
    ("imported", "allowed"),
    [
        ("django.db.migrations", True),
        ("django_countries.fields", True),
        ("intloffice.core.search.search_vector", True),
        ("intloffice.core.time_zones", True),
        ("news.richtext.HTMLField", False),
        ("partners.models", False),
        ("agreements.models", False),
        ("intloffice.website.search", False),
        ("intloffice.settings", False),
    ],
)
def test_the_migration_rule_allows_django_libraries_and_core_only(imported, allowed):
    assert (migration_problem(imported) is None) is allowed


NESTED = """\
import os
import news.models as articles
from django.db import models
from . import apps
from .models import Entity, Event
from ..core import text

def later():
    from news.models import Article
"""


def test_imports_are_found_inside_functions_and_relative_ones_resolved():
    found = [
        (line, imported)
        for line, _statement, imported in imports_of(NESTED, "partners.x.views", False)
    ]
    assert found == [
        (1, "os"),
        (2, "news.models"),
        (3, "django.db.models"),
        (4, "partners.x.apps"),
        (5, "partners.x.models.Entity"),
        (5, "partners.x.models.Event"),
        (6, "partners.core.text"),
        (9, "news.models.Article"),
    ]
    package = imports_of("from . import models\nfrom .. import website", "intloffice.core", True)
    assert [imported for _line, _statement, imported in package] == [
        "intloffice.core.models",
        "intloffice.website",
    ]


def test_a_tree_with_backward_imports_is_reported_file_by_file(tmp_path):
    files = {
        "intloffice/core/text.py": "import re\n\ndef plain():\n    import news.models\n",
        "partners/views.py": "from intloffice.core import pages\nfrom news.models import Article\n",
        "news/models.py": "from partners.models import Organization\n",
        "news/migrations/0002_x.py": "import intloffice.core.search\nimport news.richtext\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    layers = offences(migrations=False, root=tmp_path)
    assert [offence.split(": ")[0].strip() for offence in layers] == [
        "intloffice/core/text.py:4",
        "partners/views.py:2",
    ]
    migrations = offences(migrations=True, root=tmp_path)
    assert [offence.split(": ")[0].strip() for offence in migrations] == [
        "news/migrations/0002_x.py:2"
    ]


if __name__ == "__main__":
    layers, migrations = offences(migrations=False), offences(migrations=True)
    if layers:
        print(report(layers, "import(s) run against the layers", HOW_TO_FIX))
    if migrations:
        print(report(migrations, "migration import(s) reach an app", MIGRATIONS_HOW_TO_FIX))
    raise SystemExit(1 if layers or migrations else 0)
