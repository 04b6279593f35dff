"""Journey diagrams as a person sees them in real Chromium: the shipped handbook built once, served locally.

The inlined SVG is visible and has a size, its nodes are links that open the entity's page, and the overview,
a segment page and a stage page are photographed in light and dark mode (under tmp_path, and copied to
/tmp/diagram-shots/ for people to look at). Playwright drives the system's /usr/bin/chromium; without it the
tests skip, except in CI (the CI variable set), where they fail.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import heading, offline_tab, open_page, shipped, shipped_site

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/diagram-shots")
DIAGRAM = "article figure.jsite-diagram"




@pytest.fixture(scope="module")
def site_url(tmp_path_factory) -> Iterator[str]:
    """The shipped handbook, built once with the real dot into a temporary folder and served on 127.0.0.1."""
    with shipped_site(tmp_path_factory.mktemp("shipped-diagrams")) as url:
        yield url



def test_the_journey_diagram_is_visible_and_has_a_size(browser, site_url):
    with offline_tab(browser) as page:
        open_page(page, site_url, "journey/")
        svg = page.locator(f"{DIAGRAM} svg").first
        svg.wait_for(state="visible")
        assert svg.get_attribute("aria-label") == "The customer journey"
        box = svg.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 50, box
        nodes = svg.locator("g.node")
        # Each node's <title> is its DOT name: a milestone_… per milestone, a stage_…__title heading per stage.
        names = svg.locator("g.node > title").all_text_contents()
        assert len(names) == nodes.count()
        active_milestones = sum(1 for m in shipped("milestones").values() if m.get("status") != "retired")
        active_stages = sum(1 for s in shipped("stages").values() if s.get("status") != "retired")
        assert sum(1 for n in names if n.startswith("milestone_")) == active_milestones, names
        assert sum(1 for n in names if n.startswith("stage_") and n.endswith("__title")) == active_stages, names
        first = nodes.first.bounding_box()
        assert first is not None and first["width"] > 0 and first["height"] > 0
        clusters = svg.locator("g.cluster")
        assert clusters.count() == active_stages
        assert page.errors == []


def test_clicking_a_milestone_node_opens_its_page(browser, site_url):
    milestones = shipped("milestones")
    with offline_tab(browser) as page:
        open_page(page, site_url, "journey/")
        link = page.locator(f"{DIAGRAM} svg").first.locator("a[href*='milestones/']").first
        link.wait_for(state="visible")
        href = link.get_attribute("href") or ""
        assert not href.startswith(("/", "http", "jsite:")), href
        milestone = re.search(r"milestones/([a-z0-9-]+)", href)
        assert milestone and milestone[1] in milestones, href
        drawn = re.sub(r"\s", "", link.text_content() or "")  # the label, wrapped over several <text>s
        assert re.sub(r"\s", "", milestones[milestone[1]]["title"]) in drawn, drawn
        link.click()
        page.wait_for_url(re.compile(rf"/milestones/{re.escape(milestone[1])}/$"))
        assert heading(page) == milestones[milestone[1]]["title"]
        assert page.errors == []


def luminance(css_colour: str) -> float | None:
    """0 (black) … 1 (white) for ``rgb(…)``/``rgba(…)``; None for a transparent colour."""
    parts = [float(p) for p in re.findall(r"[\d.]+", css_colour)]
    if len(parts) == 4 and parts[3] == 0:
        return None
    r, g, b = parts[:3]
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name, path", [("overview", "journey/"), ("segment", "segments/enterprise/"),
                                        ("stage", "stages/onboarding/")])
def test_diagram_screenshots(browser, site_url, tmp_path, scheme, name, path):
    with offline_tab(browser, scheme) as page:
        open_page(page, site_url, path)
        figure = page.locator(DIAGRAM).first
        figure.wait_for(state="visible")
        colour_scheme = page.locator("body").get_attribute("data-md-color-scheme")
        assert colour_scheme == ("slate" if scheme == "dark" else "default"), colour_scheme
        box = figure.locator("svg").bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50, box
        if scheme == "dark":
            # dot draws dark text on light fills: in dark mode the drawing is inverted (hues turned back),
            # light text on dark fills on the page's dark ground, not a dazzling white box.
            svg_filter = figure.locator("svg").evaluate("e => getComputedStyle(e).filter")
            assert "invert" in svg_filter and "hue-rotate" in svg_filter, svg_filter
            ground = page.locator("body").evaluate("e => getComputedStyle(e).backgroundColor")
            dark = luminance(ground)
            assert dark is not None and dark < 0.3, f"the page behind the diagram is {ground}"
        shots = [tmp_path / f"{name}-{scheme}.png", tmp_path / f"{name}-{scheme}-whole.png"]
        figure.screenshot(path=str(shots[0]))  # as a reader sees it: a wide diagram scrolls in its frame
        # The whole drawing, for people reviewing the diagrams: the frame unclipped.
        figure.evaluate("f => { f.style.overflow = 'visible';"
                        " f.querySelector('.jsite-diagram-canvas').style.overflow = 'visible'; }")
        figure.locator("svg").screenshot(path=str(shots[1]))
        SHOTS.mkdir(parents=True, exist_ok=True)
        for shot in shots:
            assert shot.stat().st_size > 1000
            shutil.copy(shot, SHOTS / shot.name)
        assert page.errors == []
