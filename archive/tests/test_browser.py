"""A reader in a real browser: search, narrow by a facet, open an article.

Drives Debian's Chromium with Playwright. `make test` installs Chromium where
it can; CI sets REQUIRE_BROWSER=1 so a missing browser fails instead of skipping.
"""

import os
import shutil
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command

from archive.tests.factories import ArticleFactory, ArticleTypeFactory

playwright = pytest.importorskip("playwright.sync_api")
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

GENERIC_TYPES = import_module("archive.migrations.0014_generic_article_types")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", settings.BASE_DIR / "test-artifacts"))
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def load_sample():
    """The vocabulary and the sample, on the article types the migrations add.

    A transactional test empties the tables when it ends, and the serialized copy
    meant to put migration data back is not restored after non-transactional tests
    ran first, so the types are added again here (as migration 0014 does).
    """
    GENERIC_TYPES.add_article_types(django_apps, None)
    call_command("loaddata", "vocabulary", "sample", verbosity=0)


@pytest.fixture
def page(browser, live_server):
    load_sample()
    for n in range(3):
        ArticleFactory(
            title=f"India's maritime outlook, part {n}",
            body="India and the Indian Ocean.",
            article_type=ArticleTypeFactory(name="Issue Brief"),
        )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def serious_violations(page):
    results = axe_playwright.Axe().run(page)
    return [
        (violation["id"], violation["impact"], len(violation["nodes"]))
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def test_a_reader_searches_narrows_by_type_and_opens_an_article(page, live_server):
    expect = playwright.expect
    page.goto(f"{live_server.url}/search/")
    page.get_by_label("Search the archive").fill("India")
    page.get_by_label("Search the archive").press("Enter")
    heading = page.locator("#results-heading")
    expect(heading).to_have_text("5 results for “India”")

    type_facet = page.locator("section.facet", has=page.locator("h3", has_text="Type"))
    viewpoint = type_facet.get_by_role("link", name="Viewpoint")
    expect(viewpoint.locator(".count")).to_contain_text("1")
    expect(type_facet.get_by_role("link", name="Issue Brief").locator(".count")).to_contain_text(
        "3"
    )
    viewpoint.click()

    expect(heading).to_have_text("1 result for “India”")
    expect(page.get_by_role("link", name="Remove filter Type: Viewpoint")).to_be_visible()
    # Other types still show what they would add: counts ignore their own facet.
    expect(type_facet.get_by_role("link", name="Issue Brief").locator(".count")).to_contain_text(
        "3"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

    page.get_by_role(
        "link", name="India-US Relations: Major Takeaways from Latest 2+2 Meet"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "India-US Relations: Major Takeaways from Latest 2+2 Meet"
    )
    expect(page.locator(".affiliations").first).to_contain_text("Research Fellow")

    page.go_back()
    page.get_by_role("link", name="Remove filter Type: Viewpoint").click()
    expect(heading).to_have_text("5 results for “India”")


def test_keyboard_users_can_skip_to_the_content(page, live_server):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    playwright.expect(skip).to_be_focused()
    playwright.expect(skip).to_be_in_viewport()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search/?q=india&type=viewpoint",
        "/search/?q=zzzz-nothing",
        "/articles/india-us-relations-major-takeaways-from-latest-2-plus-2-meet/",
        "/authors/vivek-mishra/",
        "/themes/indo-pacific/",
    ],
)
def test_pages_have_no_serious_accessibility_violations(page, live_server, path):
    page.goto(f"{live_server.url}{path}")
    assert serious_violations(page) == []


def test_the_search_page_fits_a_phone(page, live_server):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/search/?q=india")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-phone.png"))
