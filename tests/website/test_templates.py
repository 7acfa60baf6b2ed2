"""The templates themselves, as files, and what they draw from the models' facts."""

import html
import re
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from tests.factories import make_article, make_event

TEMPLATES = Path(settings.BASE_DIR) / "templates"
LONGEST_LINE = 160


def test_no_template_line_is_longer_than_160_characters():
    too_long = [
        f"{path.relative_to(TEMPLATES)}:{number} ({len(line)} characters)"
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > LONGEST_LINE
    ]
    assert not too_long, "Lines over 160 characters:\n" + "\n".join(too_long)


def test_partials_named_with_an_underscore_live_in_includes():
    misplaced = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("_*.html")
        if path.parent != TEMPLATES / "includes"
    ]
    assert misplaced == []


def descriptions(page: str) -> tuple[str, str]:
    """The page's description for search engines, and for link previews."""
    search = re.search(r'<meta name="description" content="([^"]*)">', page).group(1)
    preview = re.search(r'<meta property="og:description" content="([^"]*)">', page).group(1)
    return search, preview


def test_an_article_is_described_by_its_lead_for_search_engines_and_link_previews(client, db):
    article = make_article(summary_en="", body_en="<p>Rectors &amp; deans " + "met. " * 60 + "</p>")
    search, preview = descriptions(client.get(article.get_absolute_url()).text)
    assert search == preview
    assert search.startswith("Rectors &amp; deans met. met.") and search.endswith("met…")
    assert len(html.unescape(search)) == 220


def test_pages_about_no_one_thing_have_the_sites_description(client, db):
    search, preview = descriptions(client.get("/en/news/").text)
    assert (
        search
        == preview
        == (
            "News of the International Office of Peter the Great St. Petersburg Polytechnic "
            "University: partners, delegations and events."
        )
    )


def test_an_event_with_a_mistyped_time_zone_is_shown_in_the_sites(client, db):
    event = make_event(
        name_en="Visit", timezone="Mars/Olympus_Mons", start=timezone.now(), end=None
    )
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert "local time, Moscow time (UTC+3)" in response.text
