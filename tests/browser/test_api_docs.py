"""The JSON API's documentation page works in a browser under the site's
Content-Security-Policy, from this site's files alone."""

from tests.browser.conftest import visit


def test_the_api_documentation_page_lists_every_endpoint(page, live_server, transactional_db):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    visit(page, f"{live_server.url}/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/articles/" in paths and "/api/v1/agreements/{slug}/" in paths
    assert len(paths) == 14
    # Opened, an endpoint shows its parameters (icons, arrows: what the styles draw).
    page.locator(".opblock-summary").first.click()
    page.locator(".parameters").first.wait_for()
    page.locator(".try-out__btn").first.click()
    page.locator(".execute").first.click()
    page.locator(".live-responses-table").first.wait_for()
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested)
    assert not page.csp_violations
