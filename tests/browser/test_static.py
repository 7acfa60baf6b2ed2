"""The live server serves the collected, fingerprinted stylesheet, as production does."""

from .conftest import screenshot


def test_live_server_serves_the_stylesheet(site, page):
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}"))
    response = page.goto(f"{site}/en/")
    assert response.status == 200
    stylesheets = page.eval_on_selector_all(
        'link[rel="stylesheet"]', "links => links.map(link => link.href)"
    )
    assert stylesheets, "the page links no stylesheet"
    for url in stylesheets:
        css = page.request.get(url)
        assert css.status == 200, f"{url} answered {css.status}"
        assert css.headers["content-type"].startswith("text/css")
    # The rules did reach the page, not only the bytes.
    rules = page.evaluate("[...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0)")
    assert rules > 0
    assert failed == []
    screenshot(page, "home-en")
