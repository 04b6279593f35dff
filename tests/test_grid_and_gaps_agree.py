"""The playbook grid and the gaps report tell one story (issue #17, items 6 and 7).

The grid hatches a cell as a hole exactly where gap analysis reports ``uncovered-cell`` for that stage in
that segment's journey, after the ``gaps`` setting and the pages' ``accept``; a stage that accepts the
finding says in its cell, in words a touch screen shows too, that no playbook is expected there and why.
The gaps report, the review page and Start here speak to the whole company: what is wrong and what to do
in words, with the exact front matter or command folded away for editors. Every test builds a real site.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import (
    Node,
    article,
    mkdocs_build,
    offline_tab,
    open_page,
    section_node,
    serve,
    shipped_site,
)
from test_gaps import handbook, playbook, remove, stage, team

ROOT = Path(__file__).resolve().parent.parent
GRID = "journey/grid/index.html"
GAPS = "journey/gaps/index.html"
REASON = "Enterprise customers in this stage are looked after by their account team, not by a playbook."


def built(hb, *args: str) -> Path:
    done = hb.build(*args)
    assert done.returncode == 0, done.stderr
    return hb.root / "site"


def uncovered(hb) -> dict[str, set[str]]:
    """``journeysite check``'s uncovered-cell findings: stage id → the segments it names."""
    _, data = hb.check_json()
    return {
        d["entity"].removeprefix("stage:"): set(d["segments"])
        for d in data["diagnostics"]
        if d["code"] == "uncovered-cell"
    }


def with_holes(project, options: str = ""):
    """Purchase → onboarding → adoption for Enterprise and Scale: purchase has no lifecycle playbook at all,
    adoption's only one is for Enterprise (a hole for Scale), onboarding is covered everywhere."""
    hb = handbook(project, "enterprise", "scale", options=options)
    remove(hb, "playbooks/close.md")
    playbook(hb, "grow", ["adoption"], "success", segments=["enterprise"])
    playbook(hb, "rescue", ["onboarding"], "success", type="risk", trigger={"signal": "Usage drops"})
    return hb


def views(site: Path) -> dict[str, Node]:
    """Each tab of the grid (All segments, Enterprise, Scale): its label → its panel."""
    grid = article(site, GRID).find("div", "jsite-grid-tabs")
    labels = [label.text() for label in grid.find("div", "tabbed-labels").find_all("label")]
    return dict(zip(labels, grid.find_all("div", "tabbed-block"), strict=True))


def columns(panel: Node) -> list[str]:
    """The stage titles heading the panel's table, in order."""
    head = panel.find("table", "jsite-grid").find("thead")
    return [th.find("a").text() for th in head.find_all("th") if th.find("a") is not None]


def row(panel: Node, family: str) -> dict[str, Node]:
    """Stage title → the cell of ``family``'s row (``lifecycle``, ``risk``, ``expansion``) in the panel's table."""
    tr = panel.find("tr", f"jsite-row-{family}")
    return dict(zip(columns(panel), tr.find_all("td"), strict=True))


def hatched(panel: Node) -> set[str]:
    """The stages whose cells, in any row of the panel's table, are hatched as holes."""
    found = set()
    for family in ("lifecycle", "risk", "expansion"):
        found |= {stage for stage, td in row(panel, family).items() if td.has_class("jsite-cell-gap")}
    return found


def stacked_holes(panel: Node) -> set[str]:
    """The stages whose phone card shows a hole."""
    cards = panel.find("ol", "jsite-grid-stack").find_all("li", "jsite-stack-stage")
    return {card.find("a").text() for card in cards if card.find("dd", "jsite-cell-gap") is not None}


def outside_details(node: Node) -> str:
    """The text of ``node`` a reader sees before opening any folded details."""
    parts: list[str] = []

    def walk(n: Node) -> None:
        for child in n.children:
            if isinstance(child, Node):
                if child.tag != "details":
                    walk(child)
            else:
                parts.append(child)

    walk(node)
    return " ".join(" ".join(parts).split())


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The shipped handbook, built once for this module: (its URL, its site folder)."""
    base = tmp_path_factory.mktemp("shipped")
    with shipped_site(base) as url:
        yield url, base / "site"


# ---- holes exactly where the findings are ------------------------------------------------------------


def test_the_grid_hatches_exactly_the_cells_gap_analysis_reports(project):
    hb = with_holes(project)
    assert uncovered(hb) == {"purchase": {"enterprise", "scale"}, "adoption": {"scale"}}
    site = built(hb)
    shown = views(site)

    assert hatched(shown["All segments"]) == {"Purchase"}
    assert hatched(shown["Enterprise"]) == {"Purchase"}
    assert hatched(shown["Scale"]) == {"Purchase", "Adoption"}
    for panel in shown.values():  # the phone's cards say the same
        assert stacked_holes(panel) == hatched(panel)
    # An empty risk or expansion cell is no hole: plain, and says so to a screen reader.
    empty_risk = row(shown["Scale"], "risk")["Purchase"]
    assert empty_risk.has_class("jsite-cell-empty") and not empty_risk.has_class("jsite-cell-gap")
    assert "No at risk playbook in Purchase" in empty_risk.text()
    # The hole says what it means in words, and links to the report's list.
    hole = row(shown["Scale"], "lifecycle")["Adoption"]
    assert "No lifecycle playbook" in hole.text() and "no planned touch" in hole.text()
    assert any(a.attrs["href"].endswith("gaps/#gap-uncovered-cell") for a in hole.find_all("a"))
    # All segments: adoption has Grow, but the cell still names the segment that gets none.
    everyone = row(shown["All segments"], "lifecycle")["Adoption"]
    assert "Grow" in everyone.text() and "None for Scale: a hole" in everyone.text()

    report = article(site, GAPS)
    group = section_node(report, "Stages without a lifecycle playbook")
    assert {a.text() for a in group.find_all("a") if "/stages/" in a.attrs.get("href", "")} == {
        "Purchase",
        "Adoption",
    }
    intro = article(site, GRID).text()
    assert "2 stages without a lifecycle playbook: Purchase and Adoption (for Scale)." in intro


def test_a_stage_that_accepts_the_finding_says_why_in_its_cell_and_is_not_hatched(project):
    hb = with_holes(project)
    # Purchase: no CS playbook is meant to run there for Enterprise; Scale still has the hole.
    stage(
        hb,
        "purchase",
        1,
        "sales",
        accept=[{"code": "uncovered-cell", "segments": ["enterprise"], "reason": REASON}],
    )
    assert uncovered(hb) == {"purchase": {"scale"}, "adoption": {"scale"}}
    site = built(hb)
    shown = views(site)

    accepted = row(shown["Enterprise"], "lifecycle")["Purchase"]
    assert not accepted.has_class("jsite-cell-gap") and accepted.has_class("jsite-cell-accepted")
    assert "Not expected here" in accepted.text()
    assert REASON in accepted.text()  # visible: a touch screen has no hover
    assert REASON in accepted.attrs["title"]
    assert hatched(shown["Enterprise"]) == set()
    assert hatched(shown["Scale"]) == {"Purchase", "Adoption"}
    card = next(c for c in shown["Enterprise"].find_all("li", "jsite-stack-stage") if "Purchase" in c.text())
    assert REASON in card.text() and card.find("dd", "jsite-cell-gap") is None

    listed = section_node(article(site, GAPS), "Accepted")
    assert REASON in listed.text()


def test_with_uncovered_cell_off_the_grid_has_no_holes(project):
    hb = with_holes(project, options="gaps: {uncovered-cell: off}")
    assert uncovered(hb) == {}
    site = built(hb)

    for label, panel in views(site).items():
        assert hatched(panel) == set(), label
        assert stacked_holes(panel) == set(), label
    assert "No holes" in article(site, GRID).text()
    assert article(site, GAPS).find(where=lambda n: n.attrs.get("id") == "gap-uncovered-cell") is None


def test_the_shipped_grid_and_gaps_report_agree(shipped):
    """The shipped handbook has a lifecycle playbook in every stage, for every segment: no hatched cell, and
    the report's "No gaps found" is true (the grid used to hatch every empty risk and expansion cell)."""
    site = shipped[1]
    for label, panel in views(site).items():
        assert hatched(panel) == set(), label
    assert "No holes" in article(site, GRID).text()
    assert "No gaps found" in article(site, GAPS).text()


# ---- trigger text in a cell ----------------------------------------------------------------------------


def test_a_long_trigger_is_shown_to_a_phrase_boundary_with_the_rest_counted(project):
    hb = with_holes(project)
    signals = [
        "Health score falls below 50 for two weeks in a row",
        "No admin has logged in for 21 days, on any workspace",
        "Two or more high-priority tickets open for over a week",
        "An invoice is more than 30 days overdue",
    ]
    playbook(hb, "rescue", ["onboarding"], "success", type="risk", trigger=[{"signal": s} for s in signals])
    site = built(hb)

    cell = row(views(site)["All segments"], "risk")["Onboarding"]
    trigger = cell.find("small", "jsite-trigger")
    assert trigger.text() == f"Signal: {signals[0]} (or 3 more)"
    assert trigger.attrs["title"] == "Signal: " + "; ".join(signals)


# ---- the gaps report in people's words ----------------------------------------------------------------


def test_the_gaps_report_says_what_to_do_in_words_and_folds_the_front_matter(project):
    hb = handbook(project)
    remove(hb, "handoffs/purchase-to-onboarding.md")
    team(hb, "legal")  # named by no page: a note
    site = built(hb)
    report = article(site, GAPS)

    missing = section_node(report, "Missing handoffs")
    seen = outside_details(missing)
    assert "no handoff covers the move from one to the other." in seen
    assert "What to do: Write the handoff down: a handoff page from Sales to Onboarding" in seen
    assert "kind: handoff" not in seen and "from_stage" not in seen
    fold = missing.find("details", "jsite-fix")
    assert fold.find("summary").text() == "How to fix it in the page"
    assert "kind: handoff" in fold.text() and "stages/purchase.md" in fold.text()

    # Notes have their own section after the problems, and the counts call them so.
    headings = [h.text().replace("¶", "").strip() for h in report.find_all("h2")]
    assert (
        headings.index("Missing handoffs")
        < headings.index("Notes worth a look")
        < headings.index("Teams with no part in the journey")
    )
    assert "1 problem to fix and 1 note worth a look." in report.text()
    assert "journeysite check" not in outside_details(report)


def test_only_notes_is_no_problem_and_no_gaps_found_means_none(project):
    hb = with_holes(project)
    report = article(built(hb), GAPS)
    assert "No problems to fix" in report.text() and "No gaps found" not in report.text()
    assert "Notes worth a look" in report.text()


# ---- review status and start here ------------------------------------------------------------------------


def test_the_review_page_says_what_a_reviewer_does_and_names_the_lead(project):
    hb = handbook(project)
    team(hb, "success", lead="Ana Ruiz", github=["@acme/success"], reviewed="2020-01-01")
    content = article(built(hb), "journey/review/index.html")

    seen = outside_details(content)
    assert "review --mark" not in seen and "reviewed:" not in seen
    assert "sets the page's reviewed date to today" in seen
    assert "Lead: Ana Ruiz" in seen
    lead = content.find("strong", "jsite-review-lead")
    assert lead is not None and lead.text() == "Lead: Ana Ruiz"
    fold = content.find("details", "jsite-for-editors")
    assert "journeysite review --mark PATH" in fold.text()
    # Dates as people write them, the machine's form kept for tools.
    assert (
        content.find("time", where=lambda n: n.attrs.get("datetime") == "2020-01-01")
        .text()
        .replace("\xa0", " ")
        == "1 Jan 2020"
    )


def start_here_lines(site: Path) -> list[str]:
    return [li.text() for li in article(site, "start-here/index.html").find_all("li")]


def test_start_here_sentences_read_naturally_on_the_shipped_handbook(shipped):
    lines = start_here_lines(shipped[1])
    text = " ".join(lines)
    assert not re.search(r"from [^,.]+, from ", text), text
    assert ") (" not in text  # no "Scale (self-serve) (Tech touch, …)"
    assert (
        "Sales to Scale Customer Success - self-serve welcome: Sales hands the customer to you as they move "
        "from Selling & purchase to Onboarding & implementation." in text
    )
    assert (
        "Onboarding & implementation, led by Onboarding & Implementation; for Scale (self-serve), by Customer Success."
        in text
    )
    assert any(
        line.startswith("Go-live celebration: it starts when Go-live is reached. Your team owns it")
        for line in lines
    )


def test_start_here_names_a_segment_touch_once(tmp_path):
    from test_realworld import copy

    root = copy(tmp_path)
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    lines = start_here_lines(root / "site")
    digital = next(line for line in lines if line.startswith("Digital (tech touch)"))
    assert digital.startswith("Digital (tech touch): Customers below") and "Tech touch" not in digital


# ---- what a reader sees, in Chromium ---------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_grid_is_stage_cards_whose_first_screen_shows_playbooks(browser, shipped, scheme):
    with offline_tab(browser, scheme) as page:
        page.set_viewport_size({"width": 390, "height": 844})
        open_page(page, shipped[0], "journey/grid/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator("article table.jsite-grid:visible").count() == 0
        cards = page.locator("article ol.jsite-grid-stack:visible > li")
        assert cards.count() == 6  # the All segments tab: every stage, in order
        page.locator("article h2", has_text="Playbooks by stage").scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -60)")
        first_screen = [
            link
            for link in page.locator("article ol.jsite-grid-stack:visible a[href*='playbooks/']").all()
            if (box := link.bounding_box()) is not None and 0 <= box["y"] < 844
        ]
        assert first_screen, "the first screen of the grid shows no playbook"
        assert page.locator("article .jsite-cell-gap:visible").count() == 0  # no hole in the shipped handbook
        assert page.errors == []


def test_on_a_wide_screen_the_grid_is_one_table_and_the_cards_are_hidden(browser, shipped):
    with offline_tab(browser) as page:
        page.set_viewport_size({"width": 1440, "height": 900})
        open_page(page, shipped[0], "journey/grid/")
        assert page.locator("article table.jsite-grid:visible").count() == 1
        assert page.locator("article ol.jsite-grid-stack:visible").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 1440


def test_a_hole_is_visible_on_both_screens(browser, project):
    hb = with_holes(project)
    site = built(hb)
    with serve(site) as url, offline_tab(browser) as page:
        for width, where in ((1440, "table.jsite-grid td"), (390, "ol.jsite-grid-stack dd")):
            page.set_viewport_size({"width": width, "height": 900})
            open_page(page, url, "journey/grid/")
            holes = page.locator(f"article {where}.jsite-cell-gap:visible")
            assert holes.count() == 1, width  # All segments: Purchase
            assert "No lifecycle playbook" in holes.first.inner_text()
