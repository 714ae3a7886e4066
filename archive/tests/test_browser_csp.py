"""The admin works under the Content-Security-Policy: no violation, its scripts run.

Prepopulated slugs and autocomplete are the admin's scripts an editor relies on; the
page records every `securitypolicyviolation` event the browser fires.
"""

import pytest

from archive.tests.factories import SeriesFactory
from archive.tests.test_browser import browser  # noqa: F401  (the Chromium fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture
def editor_page(browser, live_server, django_user_model):  # noqa: F811
    """An administrator: transactional tests flush the groups the migrations made."""
    django_user_model.objects.create_superuser("editor", password="a-long-password-1")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "a-long-password-1")
    page.click("input[type=submit]")
    yield page
    context.close()


def test_the_article_form_prepopulates_the_slug_and_autocompletes_under_the_policy(
    editor_page, live_server
):
    page = editor_page
    SeriesFactory(name="Dialogue Watch")
    response = page.goto(f"{live_server.url}/admin/archive/article/add/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator("#id_title").press_sequentially("India and the Quad")
    playwright = pytest.importorskip("playwright.sync_api")
    playwright.expect(page.locator("#id_slug")).to_have_value("india-and-the-quad")
    page.locator("#id_series ~ .select2 .select2-selection").click()
    page.locator("[aria-controls=select2-id_series-results]").press_sequentially("Dialogue")
    playwright.expect(page.get_by_role("option", name="Dialogue Watch")).to_be_visible()
    assert page.evaluate("window.cspViolations") == []


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/archive/article/", "/admin/authors/author/add/", "/"]
)
def test_admin_and_site_pages_raise_no_policy_violation(editor_page, live_server, path):
    editor_page.goto(f"{live_server.url}{path}")
    editor_page.wait_for_load_state("networkidle")
    assert editor_page.evaluate("window.cspViolations") == []
