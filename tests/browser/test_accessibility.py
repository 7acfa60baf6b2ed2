"""axe-core finds no WCAG 2.1 A/AA violation on the public pages, in every language."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import DESKTOP, PAGES, PHONE, page_cases, screenshot, visit

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Best practices outside WCAG's tags that a screen-reader user notices at once:
    # content outside landmarks, no or several <main>, no <h1>, skipped heading levels.
    "rules": {
        rule: {"enabled": True}
        for rule in ("region", "landmark-one-main", "page-has-heading-one", "heading-order")
    },
    "resultTypes": ["violations"],
}
NODES_SHOWN = 5


def describe(violations, url) -> str:
    """What a template author needs: rule, impact, help, and where on the page."""
    lines = [f"{len(violations)} axe violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" [{len(violation['nodes'])} element(s)] {violation['helpUrl']}"
        )
        for node in violation["nodes"][:NODES_SHOWN]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize(("lang", "name"), page_cases())
def test_page_has_no_accessibility_violations(site, open_browser_page, axe, lang, name, viewport):
    """On a laptop, and on a phone (its own header: the menu button, the folded menu)."""
    page = open_browser_page(viewport)
    path, status = PAGES[name]
    url = f"/{lang}{path}"
    visit(page, site + url, status)
    screenshot(page, f"{name}-{lang}")
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    assert violations == [], describe(violations, url)


def test_axe_options_catch_known_problems(page, axe):
    """The options above really run the rules they name (a check that cannot fail is none)."""
    page.set_content(
        "<html><head><title>Bad</title></head><body>"
        "<h1>Title</h1><h3>Skipped a level</h3><img src='x.png'></body></html>"
    )
    found = {
        violation["id"] for violation in axe.run(page, options=AXE_OPTIONS).response["violations"]
    }
    assert {"html-has-lang", "image-alt", "heading-order", "region", "landmark-one-main"} <= found


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const all = [...document.body.querySelectorAll("*")];
  const innermost = (els) => els.filter((el) => !els.some((o) => o !== el && el.contains(o)));
  const describe = (el) => {
    const box = el.getBoundingClientRect();
    const id = el.id ? "#" + el.id : "";
    const classes = [...el.classList].map((c) => "." + c).join("");
    const where = `${Math.round(box.left)}..${Math.round(box.right)}px`;
    return `${el.tagName.toLowerCase()}${id}${classes} (${where})`;
  };
  return {
    width,
    scrollWidth: document.documentElement.scrollWidth,
    // What sticks out past the right edge, and what is itself wider than the window
    // (a container that does not shrink: a fieldset, a table, a long word).
    outside: innermost(all.filter((el) => el.getBoundingClientRect().right > width + 1))
      .slice(0, 6).map(describe),
    wider: innermost(all.filter((el) => el.getBoundingClientRect().width > width + 1))
      .slice(0, 6).map(describe),
  };
}"""


@pytest.mark.parametrize(("lang", "name"), page_cases())
def test_page_reflows_without_horizontal_scrolling_at_320_pixels(
    site, open_browser_page, lang, name
):
    """WCAG 1.4.10 Reflow: at 320 CSS pixels wide, nothing needs scrolling sideways."""
    page = open_browser_page({"width": 320, "height": 640})
    path, status = PAGES[name]
    visit(page, f"{site}/{lang}{path}", status)
    found = page.evaluate(OVERFLOW)
    assert found["scrollWidth"] <= found["width"], (
        f"/{lang}{path} is {found['scrollWidth']}px wide in a {found['width']}px window; "
        f"past the right edge: {', '.join(found['outside'])}; "
        f"wider than the window: {', '.join(found['wider']) or 'none'}"
    )
