"""The public pages' Content-Security-Policy in Chromium: it blocks inline code, it lets
JSON-LD data blocks be, and the violation watch of every browser test really sees."""

import json

from tests.conftest import SEED_SLUG

from .conftest import visit

INJECTED = (
    '<p id="styled" style="color: rgb(255, 0, 0)">styled</p>'
    "<style>body { background: rgb(255, 0, 0); }</style>"
    '<script>document.title = "ran";</script>'
    '<img src="https://elsewhere.example/pixel.png" alt="">'
)


def test_the_policy_blocks_inline_code_and_the_watch_reports_it(site, page):
    """A real page with its real header, plus what an injection would add."""
    url = f"{site}/en/"

    def inject(route):
        response = route.fetch()
        html = response.text().replace("</main>", INJECTED + "</main>")
        route.fulfill(response=response, body=html)

    page.route(url, inject)
    page.goto(url)
    page.wait_for_load_state("load")
    assert page.title() != "ran"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    assert page.evaluate("getComputedStyle(styled).color") != "rgb(255, 0, 0)"
    blocked = {(v["directive"], v["blocked"]) for v in page.csp_violations}
    assert {
        ("script-src-elem", "inline"),
        ("style-src-elem", "inline"),
        ("style-src-attr", "inline"),
        ("img-src", "https://elsewhere.example/pixel.png"),
    } <= blocked, page.csp_violations
    # Seen: now forget them, so that this test's own check passes.
    page.csp_violations.clear()


def test_json_ld_blocks_are_data_the_policy_lets_be(site, page):
    visit(page, f"{site}/ru/news/{SEED_SLUG}/")  # fails on any violation
    blocks = page.eval_on_selector_all(
        'script[type="application/ld+json"]', "scripts => scripts.map(s => s.textContent)"
    )
    assert blocks
    types = {json.loads(block)["@type"] for block in blocks}
    assert "NewsArticle" in types or "Article" in types, types
