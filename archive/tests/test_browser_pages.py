"""Every page type in Chromium at desktop and phone sizes: screenshots, fit, measure, axe.

The screenshots land in test-artifacts/ (CI keeps them) so a person can look at
each page type at 1280x900 and 390x844, in dark mode and as printed.
"""

import datetime

import pytest
from django.utils import timezone

from archive.models import Article, Topic
from archive.tests.factories import ArticleFactory, ArticleTypeFactory
from archive.tests.test_browser import (  # noqa: F401
    ARTIFACTS,
    axe_playwright,
    browser,
    load_sample,
    playwright,
)
from authors.models import Author

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTICLE = "/articles/india-us-relations-major-takeaways-from-latest-2-plus-2-meet/"
PAGES = {
    "home": "/",
    "article": ARTICLE,
    "search": "/search/?q=india",
    "search-filtered": "/search/?q=india&type=issue-brief&theme=indo-pacific",
    "author": "/authors/vivek-mishra/",
    "authors": "/authors/",
    "institution": "/institutions/indian-council-of-world-affairs/",
    "topic": "/topics/comcasa/",
    "theme": "/themes/indo-pacific/",
    "series": "/series/geg365-upsc-international-relation/",
    "not-found": "/articles/no-such-article/",
}
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
TITLES = [
    "Why the Quad needs a maritime domain awareness agenda",
    "Defence trade after COMCASA: what changed in five years",
    "China's submarine diplomacy in the Indian Ocean",
    "Undersea cables are the new chokepoints",
    "Sri Lanka's debt crisis and the geopolitics of ports",
    "Space situational awareness and the next 2+2",
]
# Characters per line of a paragraph, from its width and its text's average glyph width.
CHARACTERS_PER_LINE = """(selector) => {
  const p = document.querySelector(selector);
  const style = getComputedStyle(p);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const text = p.textContent.replace(/\\s+/g, " ").trim();
  return p.clientWidth / (context.measureText(text).width / text.length);
}"""
# A tenth of the 0.1 that Core Web Vitals call good: a busy CPU lets Chromium paint a
# half-parsed form, whose right-aligned controls then shift by about 0.001.
NOTICEABLE_SHIFT = 0.01
LAYOUT_SHIFT = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


@pytest.fixture
def site(live_server):
    """The sample articles and a few more, so every listing and section has content."""
    load_sample()
    author = Author.objects.get(slug="vivek-mishra")
    topics = list(Topic.objects.exclude(theme=None).order_by("slug"))
    brief = ArticleTypeFactory(name="Issue Brief", slug="issue-brief")
    for n, title in enumerate(TITLES):
        ArticleFactory(
            title=title,
            deck="What changed, why it matters for India and its partners, and what the next "
            "ministerial meeting should settle before the monsoon session ends.",
            body="India and the Indo-Pacific. " * 120,
            article_type=brief,
            authors=[author],
            topics=topics[n : n + 4],
            published_at=timezone.now() - datetime.timedelta(days=3 + 10 * n),
        )
    return live_server.url


def open_page(browser, url, size="desktop", **options):  # noqa: F811
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    response = page.goto(url)
    return page, response


def shoot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PAGES)
def test_every_page_type_fits_has_no_axe_violations_and_no_layout_shift(
    browser,  # noqa: F811
    site,
    name,
    size,
):
    page, response = open_page(browser, site + PAGES[name], size)
    assert response.status == (404 if name == "not-found" else 200)
    shoot(page, f"{name}-{size}")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size][0]
    violations = axe_playwright.Axe().run(page).response["violations"]
    assert [(v["id"], v["impact"], len(v["nodes"])) for v in violations] == []
    assert page.evaluate(LAYOUT_SHIFT) < NOTICEABLE_SHIFT
    page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_content_stands_clear_of_the_header(browser, site, size):  # noqa: F811
    page, _ = open_page(browser, site + ARTICLE, size)
    header = page.locator(".site-header").bounding_box()
    crumbs = page.locator(".breadcrumbs").bounding_box()
    assert crumbs["y"] - (header["y"] + header["height"]) >= 16
    page.context.close()


def test_the_article_reads_at_60_to_75_characters_with_a_side_column(browser, site):  # noqa: F811
    page, _ = open_page(browser, site + ARTICLE)
    measure = page.evaluate(CHARACTERS_PER_LINE, ".prose p")
    assert 60 <= measure <= 75, measure
    prose = page.locator(".prose").bounding_box()
    side = page.locator(".article-side").bounding_box()
    assert side["x"] >= prose["x"] + prose["width"]
    assert side["x"] + side["width"] >= 1280 * 0.85  # the right of the page is used
    side_column = page.locator(".article-side")
    for heading in ("About the author", "Cite this", "Topics", "Related analysis"):
        playwright.expect(side_column.get_by_role("heading", name=heading)).to_be_visible()
    playwright.expect(side_column.get_by_role("link", name="BibTeX")).to_be_visible()
    page.context.close()


@pytest.mark.parametrize(
    "path", ["/authors/vivek-mishra/", "/topics/comcasa/", "/themes/indo-pacific/"]
)
def test_teasers_on_listing_pages_keep_a_readable_measure(browser, site, path):  # noqa: F811
    page, _ = open_page(browser, site + path)
    measure = page.evaluate(CHARACTERS_PER_LINE, ".card .deck")
    assert measure <= 85, measure
    page.context.close()


def test_dark_mode_follows_the_system_setting(browser, site):  # noqa: F811
    for name in ("home", "article", "search"):
        page, _ = open_page(browser, site + PAGES[name], color_scheme="dark")
        shoot(page, f"{name}-desktop-dark")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        red, green, blue = (int(part) for part in background[4:-1].split(","))
        assert max(red, green, blue) < 60, background
        violations = axe_playwright.Axe().run(page).response["violations"]
        assert [(v["id"], len(v["nodes"])) for v in violations] == []
        page.context.close()
    page, _ = open_page(browser, site + ARTICLE, "phone", color_scheme="dark")
    shoot(page, "article-phone-dark")
    page.context.close()


def test_an_article_prints_with_its_citation_and_without_navigation(browser, site):  # noqa: F811
    page, _ = open_page(browser, site + ARTICLE)
    page.emulate_media(media="print")
    shoot(page, "article-print")
    expect = playwright.expect
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator(".article-side .side-block").first).to_be_hidden()
    expect(page.get_by_role("heading", name="Cite this")).to_be_visible()
    expect(page.locator(".cite-first dd")).to_contain_text("Mishra")
    expect(page.locator(".print-only")).to_contain_text(ARTICLE)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "article-print.pdf"), format="A4")
    page.context.close()


def test_on_a_phone_the_filters_open_above_the_results(browser, site):  # noqa: F811
    page, _ = open_page(browser, site + PAGES["search-filtered"], "phone")
    expect = playwright.expect
    toggle = page.locator(".filters > summary")
    expect(toggle).to_have_text("Filters (2 selected)")
    expect(page.get_by_role("link", name="Remove filter Type: Issue Brief")).to_be_visible()
    results = page.locator("#results-heading").bounding_box()
    assert toggle.bounding_box()["y"] < results["y"] < 844  # results start on the first screen
    type_facet = page.locator("section.facet", has=page.locator("h3", has_text="Type"))
    expect(type_facet).to_be_hidden()
    toggle.click()
    expect(type_facet).to_be_visible()
    assert type_facet.bounding_box()["y"] < page.locator("#results-heading").bounding_box()["y"]
    shoot(page, "search-phone-filters-open")
    page.get_by_role("link", name="Remove filter Type: Issue Brief").click()
    expect(page.locator(".filters > summary")).to_have_text("Filters (1 selected)")
    page.context.close()


def test_on_a_desktop_the_filters_sit_beside_the_results(browser, site):  # noqa: F811
    page, _ = open_page(browser, site + PAGES["search"])
    type_facet = page.locator("section.facet", has=page.locator("h3", has_text="Type"))
    playwright.expect(type_facet).to_be_visible()
    playwright.expect(page.locator(".filters > summary")).to_be_hidden()
    facets = page.locator(".facets").bounding_box()
    results = page.locator(".results").bounding_box()
    assert facets["x"] + facets["width"] <= results["x"]
    page.context.close()


@pytest.mark.parametrize("name", ["search", "search-filtered"])
def test_results_drawn_before_the_page_has_arrived_stay_where_they_end(browser, site, name):  # noqa: F811
    """A slow phone or CPU paints the results before their cards are parsed: they must not move."""
    page, _ = open_page(browser, site + PAGES[name])
    whole = page.locator(".results").bounding_box()
    cards = page.locator(".results > :not(.results-bar)")
    cards.evaluate_all("(elements) => elements.forEach((e) => e.remove())")
    partial = page.locator(".results").bounding_box()
    assert (partial["x"], partial["y"]) == (whole["x"], whole["y"])
    page.context.close()


def test_a_long_query_does_not_make_the_phone_page_scroll_sideways(browser, site):  # noqa: F811
    page, _ = open_page(browser, site + "/search/?q=" + "x" * 5000, "phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()


def test_an_undated_draft_previews_without_a_stray_separator(browser, site, admin_user):  # noqa: F811
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, title="Unfinished")
    page = editor_page(browser, site, admin_user, draft.get_absolute_url())
    playwright.expect(page.locator(".preview-banner")).to_contain_text("This article is a draft.")
    meta = page.locator(".article-meta .meta").inner_text()
    assert not meta.strip().startswith("·"), meta
    page.context.close()


def editor_page(browser, site, admin_user, path):  # noqa: F811
    page, _ = open_page(browser, site + "/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    page.goto(site + path)
    return page


def test_the_article_form_follows_the_way_editors_work(browser, site, admin_user):  # noqa: F811
    article = Article.objects.get(
        slug="india-us-relations-major-takeaways-from-latest-2-plus-2-meet"
    )
    page = editor_page(browser, site, admin_user, f"/admin/archive/article/{article.pk}/change/")
    shoot(page, "admin-article-form")
    tops = {
        name: page.locator(selector).bounding_box()["y"]
        for name, selector in [
            ("title", "#id_title"),
            ("byline", "#authorships-group"),
            ("status", "#id_status"),
            ("body", "#id_body"),
            ("save", "input[name=_save]"),
        ]
    }
    assert sorted(tops, key=tops.get) == ["title", "byline", "status", "body", "save"]
    for field in ("#id_title", "#id_slug", "#id_deck"):
        assert page.locator(field).bounding_box()["width"] >= 600, field
    expect = playwright.expect
    expect(page.get_by_role("link", name="View on site")).to_have_attribute("href", ARTICLE)
    expect(page.locator("#corrections-group h2")).to_contain_text("its “updated” date)")

    rows = page.locator("#authorships-group tr.form-row:not(.empty-form)")
    count = rows.count()
    page.locator("#authorships-group .add-row a").click()
    expect(rows).to_have_count(count + 1)
    expect(rows.last.locator("input[name$='-position']")).to_have_value(str(count + 1))

    themes = page.locator("#article-themes")
    expect(themes).to_contain_text("Indo-Pacific")
    page.evaluate(
        """() => {
        const select = document.getElementById("id_topics");
        for (const option of select.options) option.selected = false;
        window.django.jQuery(select).trigger("change");
    }"""
    )
    expect(themes).to_have_text("None yet: themes come from the topics.")
    page.context.close()


def test_a_draft_offers_a_preview_from_the_form(browser, site, admin_user):  # noqa: F811
    draft = ArticleFactory(status=Article.Status.DRAFT, published_at=None, title="Unfinished")
    page = editor_page(browser, site, admin_user, f"/admin/archive/article/{draft.pk}/change/")
    preview = page.get_by_role("link", name="Preview draft")
    playwright.expect(preview).to_have_attribute("href", draft.get_absolute_url())
    page.context.close()
