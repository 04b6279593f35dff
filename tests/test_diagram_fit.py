"""Diagrams a reader can read, measured in real Chromium on the shipped handbook: each fits its column
(no sideways scroll, in the page or in the diagram's box), its labels are at least 12 CSS px on a
1440 px screen, and the full-screen view fits, zooms, pans, closes, and downloads SVG and PNG.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import offline_tab, open_page, shipped, shipped_site

pytestmark = pytest.mark.browser

FIGURE = "article figure.jsite-diagram"
PAGES = ("journey/", "stages/onboarding/", "teams/customer-success/", "segments/enterprise/")

# For each visible diagram: the figure's inner width, the SVG's rendered width, the box's scroll width,
# and the smallest text in CSS px as drawn (font size times the SVG's scale on screen).
MEASURE = """() => {
  const out = [];
  for (const figure of document.querySelectorAll('article figure.jsite-diagram')) {
    const svg = figure.querySelector('.jsite-diagram-canvas svg');
    if (!svg || svg.getBoundingClientRect().width === 0) continue;  // in a tab not shown
    const canvas = figure.querySelector('.jsite-diagram-canvas');
    const scale = svg.getScreenCTM().a;
    let smallest = Infinity;
    for (const text of svg.querySelectorAll('text')) {
      smallest = Math.min(smallest, parseFloat(text.getAttribute('font-size')) * scale);
    }
    out.push({label: svg.getAttribute('aria-label'), column: canvas.clientWidth,
              width: svg.getBoundingClientRect().width, scroll: canvas.scrollWidth, smallest});
  }
  return {page: document.documentElement.scrollWidth, window: window.innerWidth, diagrams: out};
}"""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory) -> Iterator[str]:
    with shipped_site(tmp_path_factory.mktemp("shipped-fit")) as url:
        yield url


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("path", PAGES)
def test_diagrams_fit_their_column_and_read_at_12px_on_a_wide_screen(browser, site_url, path, width):
    with offline_tab(browser) as page:
        page.set_viewport_size({"width": width, "height": 900})
        open_page(page, site_url, path)
        seen = page.evaluate(MEASURE)
        assert seen["diagrams"], f"{path}: no diagram shown"
        assert seen["page"] <= seen["window"], f"{path} at {width} px scrolls sideways: {seen['page']} px wide"
        for diagram in seen["diagrams"]:
            assert diagram["width"] <= diagram["column"] + 0.5, (path, width, diagram)
            assert diagram["scroll"] <= diagram["column"] + 1, (path, width, diagram)
            if width == 1440:
                assert diagram["smallest"] >= 12, (path, diagram)


def test_a_team_page_shows_its_own_stages_in_full_and_folds_the_others(browser, site_url):
    """Finance owns one milestone: its diagram shows that stage's milestones; other stages are one line."""
    milestones = shipped("milestones")
    stages = shipped("stages")
    finance = {m for m, fm in milestones.items() if fm.get("owner") == "finance"}
    assert finance, "the shipped handbook gives Finance a milestone"
    finance_stages = {milestones[m]["stage"] for m in finance}
    with offline_tab(browser) as page:
        page.set_viewport_size({"width": 1440, "height": 900})
        open_page(page, site_url, "teams/finance/")
        svg = page.locator(f"{FIGURE} svg").first
        hrefs = svg.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href') || '')")
        shown = {h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs if "milestones/" in h}
        expected = {m for m, fm in milestones.items() if fm.get("stage") in finance_stages
                    and fm.get("status") != "retired"}
        assert expected <= shown, expected - shown
        assert not shown - expected, f"milestones of other teams' stages drawn in full: {shown - expected}"
        # Every stage is still there, as a link, in journey order.
        linked = {h.rstrip("/").rsplit("/", 1)[-1] for h in hrefs if "stages/" in h}
        assert linked == {s for s, fm in stages.items() if fm.get("status") != "retired"}
        # The team's own milestones come within a screen of the diagram's top: the folded stages above
        # them take a short line each.
        top = svg.bounding_box()
        box = svg.locator("a[href*='milestones/']").first.bounding_box()
        assert top is not None and box is not None and box["y"] - top["y"] < 600, (top, box)


def test_full_screen_fits_the_window_zooms_pans_and_closes(browser, site_url):
    with offline_tab(browser) as page:
        page.set_viewport_size({"width": 390, "height": 800})
        open_page(page, site_url, "journey/")
        figure = page.locator(FIGURE).first
        figure.get_by_role("button", name="Full screen").click()
        viewer = page.get_by_role("dialog", name="The customer journey (full screen)")
        viewer.wait_for(state="visible")
        svg = viewer.locator("svg")
        opened = svg.bounding_box()  # as wide as the window, from the top: a tall diagram scrolls down
        assert opened is not None
        assert opened["x"] >= -1 and abs(opened["width"] - 390) < 2, opened
        page.mouse.move(200, 400)
        page.mouse.wheel(0, 300)
        scrolled = svg.bounding_box()
        assert scrolled is not None and scrolled["y"] < opened["y"] - 100, (opened, scrolled)
        assert abs(scrolled["width"] - opened["width"]) < 1, "the wheel scrolls, it does not zoom"
        page.keyboard.press("0")  # the whole diagram in the window
        fitted = svg.bounding_box()
        assert fitted is not None
        assert fitted["x"] >= -1 and fitted["x"] + fitted["width"] <= 391, fitted
        assert fitted["y"] >= -1 and fitted["y"] + fitted["height"] <= 801, fitted
        viewer.get_by_role("button", name="+").click()
        viewer.get_by_role("button", name="+").click()
        zoomed = svg.bounding_box()
        assert zoomed is not None and zoomed["width"] > fitted["width"] * 1.5, (fitted, zoomed)
        page.mouse.move(200, 400)
        page.mouse.down()
        page.mouse.move(120, 300, steps=5)
        page.mouse.up()
        panned = svg.bounding_box()
        assert panned is not None and panned["x"] < zoomed["x"] - 40, (zoomed, panned)
        page.keyboard.press("0")
        refitted = svg.bounding_box()
        assert refitted is not None and abs(refitted["width"] - fitted["width"]) < 1
        page.keyboard.press("Escape")
        assert viewer.count() == 0
        assert figure.get_by_role("button", name="Full screen").evaluate("b => b === document.activeElement")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.errors == []


def test_a_diagram_downloads_as_svg_and_as_png(browser, site_url, tmp_path):
    with offline_tab(browser) as page:
        open_page(page, site_url, "stages/onboarding/")
        figure = page.locator(FIGURE).first
        with page.expect_download() as svg_download:
            figure.get_by_role("button", name="Download SVG").click()
        svg_file = tmp_path / svg_download.value.suggested_filename
        svg_download.value.save_as(svg_file)
        assert svg_file.name == "stage-onboarding.svg"
        text = svg_file.read_text(encoding="utf-8")
        assert text.startswith("<?xml") and "<svg" in text and "Kickoff" in text
        assert 'xmlns="http://www.w3.org/2000/svg"' in text
        with page.expect_download() as png_download:
            figure.get_by_role("button", name="Download PNG").click()
        png_file = tmp_path / png_download.value.suggested_filename
        png_download.value.save_as(png_file)
        assert png_file.name == "stage-onboarding.png"
        data = png_file.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(data[16:20], "big")
        natural = page.evaluate(
            "() => document.querySelector('article figure.jsite-diagram svg').viewBox.baseVal.width * 4 / 3"
        )
        assert abs(width - round(natural) * 2) <= 2, (width, natural)  # twice the natural size: sharp on a slide
        assert page.errors == []
