"""What a person sees in a real browser: the shipped handbook built once, served locally, driven in Chromium.

Playwright drives the system's /usr/bin/chromium; it never downloads a browser. Without Chromium the tests
skip, except in CI (the CI variable set), where they fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser_support import heading, offline_tab, open_page, shipped, shipped_site

pytestmark = pytest.mark.browser






@pytest.fixture(scope="module")
def site_url(tmp_path_factory) -> Iterator[str]:
    """The shipped handbook (ROOT/mkdocs.yml), built once into a temporary folder and served on 127.0.0.1."""
    with shipped_site(tmp_path_factory.mktemp("shipped")) as url:
        yield url



@pytest.fixture
def page(browser, site_url):
    with offline_tab(browser) as tab:
        yield tab


def test_overview_shows_a_card_per_stage_in_journey_order(page, site_url, tmp_path):
    open_page(page, site_url, "journey/")
    stages = sorted(shipped("stages").values(), key=lambda s: s["order"])
    cards = page.locator("article .jsite-stage-card")
    cards.first.wait_for(state="visible")
    assert cards.count() == len(stages), "one card per stage"
    texts = [cards.nth(i).inner_text() for i in range(cards.count())]
    for text, stage in zip(texts, stages, strict=True):
        assert stage["title"] in text, f"{stage['title']!r} not on its card: {text!r}"
    for i in range(cards.count()):
        assert cards.nth(i).is_visible()
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
    assert page.errors == []


def visible_grid(page):
    tables = page.locator("article table:visible")
    assert tables.count() == 1, f"{tables.count()} grid tables visible at once"
    return tables.first


def test_grid_segment_tabs_switch_the_visible_table(page, site_url, tmp_path):
    open_page(page, site_url, "journey/grid/")
    segments = {sid: data["title"] for sid, data in shipped("segments").items()}
    before = visible_grid(page).inner_text()
    shown = {"all": before}
    for sid, title in segments.items():
        label = page.locator("article label", has_text=re.compile(rf"^\s*{re.escape(title)}\s*$"))
        assert label.count() == 1, f"no tab labelled {title!r}"
        label.click()
        page.wait_for_timeout(100)
        shown[sid] = visible_grid(page).inner_text()
        page.screenshot(path=str(tmp_path / f"grid-{sid}.png"), full_page=True)
    assert shown["enterprise"] != shown["scale"], "the Enterprise and Scale tabs show the same table"
    assert len(set(shown.values())) >= 3, "switching tabs does not change the visible table"
    # Back to all segments.
    page.locator("article label", has_text=re.compile(r"\bAll\b", re.I)).first.click()
    page.wait_for_timeout(100)
    assert visible_grid(page).inner_text() == before
    assert page.errors == []


def test_clicking_a_playbook_in_the_grid_opens_its_page(page, site_url, tmp_path):
    open_page(page, site_url, "journey/grid/")
    link = visible_grid(page).locator("td a[href*='playbooks/']").first
    title = link.inner_text().strip()
    playbooks = {data["title"]: sid for sid, data in shipped("playbooks").items()}
    assert title in playbooks, f"{title!r} is not a playbook title"
    link.click()
    page.wait_for_url(re.compile(rf"/playbooks/{re.escape(playbooks[title])}/"))
    assert heading(page) == title
    page.screenshot(path=str(tmp_path / "playbook.png"), full_page=True)
    assert page.errors == []


def test_search_finds_a_playbook(page, site_url, tmp_path):
    playbook = shipped("playbooks")["health-score-drop"]["title"]
    open_page(page, site_url, "")
    search = page.locator("input.md-search__input")
    search.click()
    result = page.locator(".md-search-result__item a[href*='playbooks/health-score-drop/']").first
    # The search worker indexes every page first; a query typed before it is ready can be lost,
    # so the query is typed again until results show (on a loaded machine this takes a while).
    for attempt in range(4):
        search.fill("")
        search.type(playbook)
        try:
            result.wait_for(state="visible", timeout=20_000)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; the last attempt re-raises below
            if attempt == 3:
                raise
    page.screenshot(path=str(tmp_path / "search.png"))
    # The preview is the page's summary, not the card's labels ("Kind", "Owner (accountable)"…).
    summary = " ".join(shipped("playbooks")["health-score-drop"]["summary"].split())
    preview = " ".join(result.locator("article > p").first.inner_text().split())
    assert preview.startswith(summary[:40]), preview
    assert "Owner (accountable)" not in preview and "Kind" not in preview.split()[:3]
    result.click()
    page.wait_for_url(re.compile(r"/playbooks/health-score-drop/"))
    assert heading(page) == playbook
    assert page.errors == []


@pytest.mark.parametrize("path", [
    "", "start-here/", "journey/", "journey/grid/", "journey/raci/", "journey/gaps/", "journey/review/",
    "journey/capacity/", "journey/moments/", "journey/handoffs/", "journey/roles/", "journey/systems/",
    "journey/metrics/",
    "stages/onboarding/", "playbooks/onboarding-and-training/", "teams/customer-success/",
])
def test_no_console_errors(page, site_url, path, tmp_path):
    open_page(page, site_url, path)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(tmp_path / "page.png"))
    assert page.errors == []


def test_navigation_entries_scrolling_under_the_handbook_name_stay_clear_of_it(page, site_url):
    """At 1440 px the handbook's name ("Lumen Customer Success Handbook", two lines in the sidebar) stays on top
    of the navigation while it scrolls: an entry passing beneath must not show right against its last line
    (mkdocs-material fades entries out there, half-showing them), so the name's opaque box reaches at least
    8 px below its text."""
    page.set_viewport_size({"width": 1440, "height": 900})
    open_page(page, site_url, "playbooks/closed-won-welcome/")
    page.mouse.wheel(0, 1200)
    page.wait_for_timeout(300)
    title = page.evaluate("""() => {
        const title = document.querySelector('.md-nav--primary > .md-nav__title');
        const range = document.createRange();
        range.selectNodeContents(title);
        const lines = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
        return {text: title.innerText.trim(), lines: lines.length, box: title.getBoundingClientRect().bottom,
                text_bottom: Math.max(...lines.map(r => r.bottom)),
                sticky: getComputedStyle(title).position};
    }""")
    assert title["text"] == "Lumen Customer Success Handbook" and title["sticky"] == "sticky", title
    assert title["box"] - title["text_bottom"] >= 8, title


def test_a_review_date_on_a_phone_is_never_broken_at_its_hyphens(page, site_url):
    """At 390 px the review badge under a page's card wraps, but between words: each of its dates
    ("next review 2027-03-15") stays on one line rather than ending a line with "2027-03-"."""
    page.set_viewport_size({"width": 390, "height": 900})
    open_page(page, site_url, "playbooks/closed-won-welcome/")
    dates = page.evaluate("""() => [...document.querySelectorAll('p.jsite-badge time')].map(t => {
        const range = document.createRange();
        range.selectNodeContents(t);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        return {text: t.textContent, lines: lines.size};
    })""")
    assert [d["text"] for d in dates] == ["2026-09-15", "2027-03-15"], dates
    assert all(d["lines"] == 1 for d in dates), dates
