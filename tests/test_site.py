"""The built site (SPEC §4): entity pages, body links, generated pages, links, journey.json, escaping, reproducibility.

Each fixture handbook is built once per module with a real ``mkdocs build`` as of 2026-11-22, and the tests
read the HTML as a reader would see it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from browser_support import (
    BUILD_EPOCH,
    MKDOCS,
    SMALL_HANDBOOK,
    STAGES,
    Node,
    article,
    broken_links,
    build_env,
    h1,
    link_target,
    links,
    mkdocs_build,
    page,
    section,
    section_node,
    tree_hashes,
    write_handbook,
)

GENERATED = {  # output file (directory URLs) → title
    "start-here/index.html": "Start here",
    "journey/index.html": "Journey overview",
    "journey/grid/index.html": "Playbook grid",
    "journey/timeline/index.html": "Timeline",
    "journey/moments/index.html": "Moments of truth",
    "journey/handoffs/index.html": "Handoffs",
    "journey/roles/index.html": "Who does what",
    "journey/raci/index.html": "RACI matrix",
    "journey/systems/index.html": "Systems",
    "journey/metrics/index.html": "Metrics",
    "journey/gaps/index.html": "Handoff gaps",
    "journey/review/index.html": "Review status",
    "journey/capacity/index.html": "Team capacity",
}
SEGMENTS = [("enterprise", "Enterprise"), ("scale", "Scale")]


def built(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, f"mkdocs build failed:\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr
    return done


@pytest.fixture(scope="module")
def handbook(tmp_path_factory) -> dict:
    """The small handbook, built with ``--strict`` and directory URLs; the docs folder hashed before the build."""
    root = write_handbook(tmp_path_factory.mktemp("site") / "handbook")
    before = tree_hashes(root / "docs")
    done = built(mkdocs_build(root, "--strict"))
    return {"root": root, "site": root / "site", "docs_before": before, "log": done.stdout + done.stderr}


@pytest.fixture(scope="module")
def site(handbook) -> Path:
    return handbook["site"]


@pytest.fixture(scope="module")
def flat_site(tmp_path_factory) -> Path:
    """The same handbook built with ``use_directory_urls: false``."""
    root = write_handbook(tmp_path_factory.mktemp("flat") / "handbook", directory_urls=False)
    built(mkdocs_build(root, "--strict"))
    return root / "site"


@pytest.fixture(scope="module")
def gap_site(tmp_path_factory) -> Path:
    """The handbook without the onboarding → adoption handoff: a missing-handoff warning (built without --strict)."""
    files = {k: v for k, v in SMALL_HANDBOOK.items() if k != "handoffs/onboarding-to-cs.md"}
    root = write_handbook(tmp_path_factory.mktemp("gaps") / "handbook", files)
    done = built(mkdocs_build(root))
    assert "[missing-handoff]" in done.stdout + done.stderr
    return root / "site"


def resolves_to(page_path: str, href: str, target: str) -> bool:
    """True if ``href`` on the built page ``page_path`` leads to the built file ``target``."""
    return link_target(page_path, href) == target


def hrefs_to(node: Node, page_path: str, target: str) -> list[str]:
    return [href for href, _ in links(node) if href and resolves_to(page_path, href, target)]


# ---- entity pages --------------------------------------------------------------------------------

def test_entity_page_keeps_its_body_and_gains_the_card_with_the_owner_linked(site):
    path = "playbooks/onboarding-plan/index.html"
    content = article(site, path)
    assert h1(content) == "Onboarding plan"
    assert "AUTHORED-PLAYBOOK-BODY: how we take a customer live." in content.text()
    card = content.find(cls="jsite-card")
    assert card is not None, "no header card"
    owner = card.find("a", where=lambda a: resolves_to(path, a.attrs.get("href", ""), "teams/onboarding/index.html"))
    assert owner is not None and owner.text() == "Onboarding", card
    # The summary leads the page, before the card (and is what a search preview shows first).
    lead = content.find("p", cls="jsite-summary")
    assert lead is not None and lead.text() == "From kickoff to go-live.", content
    assert "data-search-exclude" in card.attrs, "the card's labels would fill the search previews"


def test_card_comes_before_the_authored_body(site):
    text = article(site, "stages/onboarding/index.html").text()
    assert text.index("Owner (accountable)") < text.index("AUTHORED-ONBOARDING-BODY")


def test_review_badge_says_when_the_page_was_reviewed_and_when_it_is_overdue(site):
    ok = article(site, "stages/onboarding/index.html").find(cls="jsite-badge")
    assert ok is not None, "no review badge on an active entity page"
    assert "2026-10-01" in ok.text()
    assert "overdue" not in ok.text()
    late = article(site, "playbooks/low-usage/index.html").find(cls="jsite-badge")
    assert late is not None
    assert "overdue" in late.text() and "2025-01-10" in late.text(), late


def test_draft_page_has_a_draft_banner_and_keeps_its_body(site):
    content = article(site, "playbooks/upsell/index.html")
    banner = content.find(cls="jsite-draft")
    assert banner is not None and "draft" in banner.text().lower()
    assert "AUTHORED-DRAFT-BODY." in content.text()
    assert article(site, "playbooks/onboarding-plan/index.html").find(cls="jsite-banner") is None


def test_retired_page_has_a_retired_banner_and_keeps_its_body(site):
    content = article(site, "playbooks/legacy-welcome/index.html")
    banner = content.find(cls="jsite-retired")
    assert banner is not None and "retired" in banner.text().lower()
    assert "AUTHORED-RETIRED-BODY." in content.text()


def test_stage_lists_its_milestones_in_order(site):
    path = "stages/onboarding/index.html"
    milestones = section_node(article(site, path), "Milestones")
    targets = [link_target(path, href) for href, _ in links(milestones) if "milestones/" in href]
    assert targets == [
        "milestones/kickoff-held/index.html",
        "milestones/data-connected/index.html",
        "milestones/go-live/index.html",
    ]


def test_stage_lists_its_playbooks_by_family(site):
    path = "stages/adoption/index.html"
    playbooks = section_node(article(site, path), "Playbooks")
    family, by_family = None, {}
    for element in playbooks.elements():
        if element.tag in ("h3", "h4"):
            family = element.text().replace("¶", "").strip()
        elif element.tag == "a" and "playbooks/" in element.attrs.get("href", ""):
            by_family.setdefault(family, []).append(element.text())
    assert by_family == {
        "Lifecycle": ["Health check", "Tech-touch nudges"],
        "At risk": ["Low usage"],
        "Expansion": ["Upsell"],
    }


def test_team_lists_its_moments_in_journey_order(site):
    path = "teams/customer-success/index.html"
    moments = section_node(article(site, path), "Moments in the journey")
    names = [text for _, text in links(moments)]
    # Stages and their milestones in journey order: consulted on onboarding before owning adoption.
    assert names == ["Onboarding & implementation", "Adoption", "First value"], names
    # The playbooks it takes part in come once each, in their own section.
    playbooks = [text for _, text in links(section_node(article(site, path), "Playbooks it takes part in"))]
    for name in ("Onboarding plan", "Health check", "Low usage"):
        assert playbooks.count(name) == 1, f"{name} not listed once among the team's playbooks: {playbooks}"


def test_playbook_shows_its_trigger(site):
    path = "playbooks/onboarding-plan/index.html"
    trigger = section_node(article(site, path), "Trigger")
    assert hrefs_to(trigger, path, "milestones/contract-signed/index.html"), trigger
    assert "Contract signed" in trigger.text()
    signal = section_node(article(site, "playbooks/low-usage/index.html"), "Trigger")
    assert "Weekly active users below 20%" in signal.text()


def test_playbook_steps_in_order_with_per_segment_variants_marked_only(site):
    path = "playbooks/onboarding-plan/index.html"
    steps = section_node(article(site, path), "Steps")
    rows = [tr for tr in steps.find_all("tr") if tr.find("td")]
    texts = [tr.text() for tr in rows]
    assert len(rows) == 3, texts
    assert "Hold the kickoff meeting on site" in texts[0] and "Enterprise only" in texts[0]
    assert "Send the setup wizard link" in texts[1] and "Scale only" in texts[1]
    assert "Confirm go-live with the customer" in texts[2] and "only" not in texts[2]
    # The variant names the segment as a link, and a step's own owner is shown.
    assert hrefs_to(rows[0], path, "segments/enterprise/index.html")
    assert hrefs_to(rows[2], path, "teams/customer-success/index.html")


def test_referenced_by_lists_the_pages_that_name_the_entity(site):
    path = "teams/customer-success/index.html"
    backlinks = section_node(article(site, path), "Referenced by")
    for target in ("mission/index.html", "segments/enterprise/index.html", "metrics/time-to-value/index.html"):
        assert hrefs_to(backlinks, path, target), f"{target} missing from Referenced by: {backlinks.text()}"
    assert not hrefs_to(backlinks, path, path), "a page lists itself as a backlink"
    # How each relates, in words, never the field's name.
    assert "owned by this team" in backlinks.text() and "raci" not in backlinks.text()
    # A stage's milestones, playbooks and handoffs are listed in its own sections, not again below.
    path = "stages/onboarding/index.html"
    content = article(site, path)
    below = Node("section", children=section(content, "Referenced by"))
    for target in ("milestones/kickoff-held/index.html", "milestones/go-live/index.html",
                   "playbooks/onboarding-plan/index.html", "handoffs/sales-to-onboarding/index.html",
                   "handoffs/onboarding-to-cs/index.html"):
        assert hrefs_to(content, path, target), f"{target} missing from the stage page"
        assert not hrefs_to(below, path, target), f"{target} listed again under Referenced by"


# ---- [[kind:id]] in bodies -----------------------------------------------------------------------

def test_body_reference_becomes_a_link_with_the_entity_title(site):
    path = "stages/onboarding/index.html"
    content = article(site, path)
    body = content.find("p", where=lambda p: "AUTHORED-ONBOARDING-BODY" in p.text())
    assert body is not None
    found = {link_target(path, href): text for href, text in links(body)}
    assert found == {"playbooks/onboarding-plan/index.html": "Onboarding plan",
                     "milestones/go-live/index.html": "Go-live"}
    assert "[[" not in body.text()


def test_body_reference_shows_a_title_with_punctuation_as_written(site):
    path = "stages/adoption/index.html"
    body = article(site, path).find("p", where=lambda p: "AUTHORED-ADOPTION-BODY" in p.text())
    assert body is not None
    assert [text for href, text in links(body) if resolves_to(path, href, "metrics/time-to-value/index.html")] \
        == ["Time to value: <45 days> | 1.5x"]


def test_body_reference_in_a_plain_page_becomes_a_link(site):
    path = "guide/index.html"
    content = article(site, path)
    assert [text for href, text in links(content) if resolves_to(path, href, "playbooks/onboarding-plan/index.html")] \
        == ["Onboarding plan"]


def test_body_reference_inside_code_stays_literal(site):
    content = article(site, "stages/onboarding/index.html")
    codes = [code.text() for code in content.find_all("code")]
    assert any("[[stage:adoption]] stays literal in a code block" in c for c in codes), codes
    assert "[[team:sales]]" in codes, codes


def test_no_page_shows_markdown_escape_backslashes(site):
    """No authored text has a backslash, so none may show: an escape Markdown does not know stays visible."""
    shown = []
    for html_file in sorted(site.rglob("*.html")):
        relative = html_file.relative_to(site).as_posix()
        content = page(site, relative).find("article", "md-content__inner")
        for match in re.finditer(r".{0,40}\\[!-/:-@\[-`{-~].{0,20}", content.text() if content else ""):
            shown.append(f"{relative}: {match.group(0)!r}")
    assert shown == [], "visible backslashes:\n" + "\n".join(shown)


# ---- links ---------------------------------------------------------------------------------------

def test_every_relative_link_resolves_with_directory_urls(site):
    assert broken_links(site) == []


def test_every_relative_link_resolves_without_directory_urls(flat_site):
    assert (flat_site / "stages" / "onboarding.html").is_file()
    assert (flat_site / "journey" / "index.html").is_file()
    assert (flat_site / "journey" / "grid.html").is_file()
    assert broken_links(flat_site) == []
    content = article(flat_site, "stages/onboarding.html")
    assert hrefs_to(content, "stages/onboarding.html", "playbooks/onboarding-plan.html")


def test_links_in_the_gap_report_resolve(gap_site):
    assert broken_links(gap_site) == []


# ---- generated pages -----------------------------------------------------------------------------

@pytest.mark.parametrize("path,title", GENERATED.items())
def test_generated_page_exists_with_its_title(site, path, title):
    assert h1(article(site, path)) == title


@pytest.mark.parametrize("path,title", GENERATED.items())
def test_generated_page_is_in_search(site, path, title):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    location = path.removesuffix("index.html")
    titles = {doc["title"] for doc in index["docs"] if doc["location"].split("#")[0] == location}
    assert title in titles, f"{title!r} not indexed at {location!r}"


def test_search_finds_a_text_on_its_own_page_not_in_the_lists_that_repeat_it(site):
    """A playbook's step is indexed on the playbook's page; the team page and the grid show it too
    (their listings are on the page) but leave it out of the search index."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    step = "Hold the kickoff meeting on site"
    found = {doc["location"].split("#")[0] for doc in index["docs"] if step in doc["text"]}
    assert found == {"playbooks/onboarding-plan/"}
    assert step in article(site, "teams/onboarding/index.html").text()
    grid = [doc["text"] for doc in index["docs"] if doc["location"].startswith("journey/grid/")]
    assert grid and not any("Onboarding plan" in text for text in grid)
    assert "Onboarding plan" in article(site, "journey/grid/index.html").text()


@pytest.mark.parametrize("path,title", GENERATED.items())
def test_generated_page_has_content(site, path, title):
    content = article(site, path)
    assert len(content.text()) > len(title) + 20, f"{path} is empty: {content.text()!r}"


def test_overview_shows_the_mission_and_a_card_per_stage_in_journey_order(site):
    path = "journey/index.html"
    content = article(site, path)
    assert "Every customer makes better decisions with trusted data." in content.text()
    order = []
    for href, _ in links(content):
        target = link_target(path, href) if href else ""
        stage = next((sid for sid, _ in STAGES if target == f"stages/{sid}/index.html"), None)
        if stage and stage not in order:
            order.append(stage)
    assert order == [sid for sid, _ in STAGES]
    for _, title in STAGES:
        assert title in content.text()


# The grid: views (tables), their headers and cells.

def table_rows(table: Node) -> tuple[list[str], list[list[Node]]]:
    """The header texts and the body rows (cells as nodes, ``th`` or ``td``) of a table."""
    rows = [tr for tr in table.find_all("tr")]
    cells = [[c for c in tr.children if isinstance(c, Node) and c.tag in ("th", "td")] for tr in rows]
    header = [c.text().replace("¶", "").strip() for c in cells[0]] if cells else []
    return header, cells[1:]


def stage_columns(header: list[str]) -> dict[str, int]:
    """Which column each stage is in, by the stage title in the header cell."""
    columns: dict[str, int] = {}
    for index, text in enumerate(header):
        for sid, title in sorted(STAGES, key=lambda s: -len(s[1])):
            if title in text and sid not in columns:
                columns[sid] = index
                break
    return columns


def grid_views(site: Path) -> list[Node]:
    content = article(site, "journey/grid/index.html")
    return [t for t in content.find_all("table") if len(stage_columns(table_rows(t)[0])) == len(STAGES)]


def cell(table: Node, family: str, stage: str) -> Node:
    header, rows = table_rows(table)
    column = stage_columns(header)[stage]
    for row in rows:
        if row and family.lower() in row[0].text().lower():
            return row[column]
    raise AssertionError(f"no {family!r} row in the grid table: {[r[0].text() for r in rows if r]}")


def playbooks_in(node: Node) -> set[str]:
    return {a.text() for a in node.find_all("a") if "playbooks/" in a.attrs.get("href", "")}


def is_empty_cell(node: Node) -> bool:
    return node.has_class("jsite-cell-empty") or node.find(cls="jsite-cell-empty") is not None


def test_grid_has_a_tab_per_segment_and_one_for_all(site):
    content = article(site, "journey/grid/index.html")
    labels = [e.text() for e in content.elements()
              if e.tag in ("label", "button") or e.attrs.get("role") == "tab"]
    labels = [text for text in labels if text]
    for _, title in SEGMENTS:
        assert any(title in label for label in labels), f"no tab for {title}: {labels}"
    assert any("all" in label.lower() for label in labels), f"no tab for all segments: {labels}"
    assert len(grid_views(site)) == len(SEGMENTS) + 1


def test_grid_stages_are_columns_in_journey_order(site):
    views = grid_views(site)
    assert views, "no grid table with the stages as columns"
    for table in views:
        columns = stage_columns(table_rows(table)[0])
        assert sorted(columns, key=columns.get) == [sid for sid, _ in STAGES]


def test_grid_puts_each_playbook_in_its_cell_per_segment(site):
    views = grid_views(site)
    by_content = {}
    for table in views:
        adoption = playbooks_in(cell(table, "Lifecycle", "adoption"))
        by_content[frozenset(adoption)] = table
    everyone = by_content.get(frozenset({"Health check", "Tech-touch nudges"}))
    enterprise = by_content.get(frozenset({"Health check"}))
    scale = by_content.get(frozenset({"Tech-touch nudges"}))
    assert everyone is not None and enterprise is not None and scale is not None, (
        f"expected an all/enterprise/scale view of the adoption lifecycle cell, got {list(by_content)}")
    for table in (everyone, enterprise, scale):
        assert playbooks_in(cell(table, "Lifecycle", "onboarding")) == {"Onboarding plan"}
        assert playbooks_in(cell(table, "Risk", "adoption")) == {"Low usage"}
    path = "journey/grid/index.html"
    target = link_target(path, next(a.attrs["href"] for a in cell(everyone, "Lifecycle", "onboarding").find_all("a")
                                    if "playbooks/" in a.attrs.get("href", "")))
    assert target == "playbooks/onboarding-plan/index.html"


def test_grid_marks_empty_cells_and_leaves_out_retired_playbooks(site):
    for table in grid_views(site):
        empty = cell(table, "Risk", "purchase")
        assert not playbooks_in(empty) and is_empty_cell(empty), empty
        assert not is_empty_cell(cell(table, "Lifecycle", "onboarding"))
    grid = article(site, "journey/grid/index.html")
    assert "Legacy welcome pack" not in grid.text()


def raci_row(site: Path, name: str) -> dict[str, str]:
    """Team title → the cell's text, for the RACI matrix row of ``name``."""
    content = article(site, "journey/raci/index.html")
    for table in content.find_all("table"):
        header, rows = table_rows(table)
        for row in rows:
            if row and row[0].text().replace("¶", "").strip().startswith(name):
                return {header[i]: c.text() for i, c in enumerate(row) if i < len(header) and i > 0}
    raise AssertionError(f"no RACI row for {name!r}")


def letters(text: str) -> list[str]:
    return re.findall(r"\b[ARCI]\b", text)


def test_raci_matrix_shows_owner_as_a_and_the_raci_lists(site):
    row = raci_row(site, "Onboarding plan")
    teams = {"Onboarding": ["A"], "Customer Success": ["R"], "Support": ["C"], "Sales": ["I"], "Finance": []}
    for team, expected in teams.items():
        column = next((h for h in row if team in h), None)
        assert column is not None, f"no column for the team {team}: {list(row)}"
        assert letters(row[column]) == expected, f"{team}: {row[column]!r}"


def test_raci_matrix_has_stages_milestones_and_playbooks_as_rows(site):
    for name in ("Purchase", "Onboarding & implementation", "Adoption", "Kickoff held", "Go-live",
                 "Health check", "Low usage"):
        assert raci_row(site, name) is not None
    stage = raci_row(site, "Onboarding & implementation")
    assert letters(next(v for k, v in stage.items() if "Onboarding" == k.strip())) == ["A"]
    assert letters(next(v for k, v in stage.items() if "Customer Success" in k)) == ["C"]
    assert letters(next(v for k, v in stage.items() if "Support" in k)) == ["I"]


def finding_links(site: Path, path: str, phrase: str) -> list[str]:
    """The link targets near the finding whose text contains ``phrase``: in its list item or row, or its heading."""
    content = article(site, path)
    holders = [e for e in content.elements() if phrase.lower() in e.text().lower()]
    assert holders, f"{phrase!r} is not on {path}: {content.text()[:2000]}"
    deepest = holders[-1]
    targets: list[str] = []
    for node in [deepest, *deepest.ancestors()]:
        if node.tag in ("ul", "ol", "tbody", "table", "article", "dl"):
            break
        targets += [link_target(path, href) for href, _ in links(node) if href]
    heading = None
    for element in content.elements():
        if element is deepest:
            break
        if element.tag in ("h2", "h3", "h4"):
            heading = element
    if heading is not None:
        targets += [link_target(path, href) for href, _ in links(heading) if href]
    return targets


def test_gaps_page_lists_a_missing_handoff_linked_to_the_stage_page(gap_site):
    targets = finding_links(gap_site, "journey/gaps/index.html", "no handoff covers the move")  # the diagnostic's message
    assert "stages/onboarding/index.html" in targets, targets


def test_gaps_page_lists_info_findings_too(site):
    targets = finding_links(site, "journey/gaps/index.html", "no page names Finance")
    assert "teams/finance/index.html" in targets, targets


def test_review_page_lists_the_overdue_page_as_of_the_build_date(site):
    path = "journey/review/index.html"
    content = article(site, path)
    assert hrefs_to(content, path, "playbooks/low-usage/index.html"), "the overdue page is not listed"
    targets = finding_links(site, path, "Low usage")
    assert "playbooks/low-usage/index.html" in targets
    assert "overdue" in content.text().lower()
    assert "Customer Success" in content.text()  # grouped by its owner
    # A page reviewed on 2026-10-01 is not due until 2027-04-01: not listed.
    assert not hrefs_to(content, path, "stages/purchase/index.html")


def test_review_page_follows_source_date_epoch(handbook, tmp_path):
    """Built as of 2025-03-01, the page reviewed 2025-01-10 is not overdue yet."""
    root = tmp_path / "handbook"
    shutil.copytree(handbook["root"] / "docs", root / "docs")
    shutil.copy(handbook["root"] / "mkdocs.yml", root / "mkdocs.yml")
    built(mkdocs_build(root, env=build_env(SOURCE_DATE_EPOCH="1740787200")))  # 2025-03-01
    badge = article(root / "site", "playbooks/low-usage/index.html").find(cls="jsite-badge")
    assert badge is not None and "overdue" not in badge.text(), badge
    review = article(root / "site", "journey/review/index.html")
    assert not hrefs_to(review, "journey/review/index.html", "playbooks/low-usage/index.html")


def test_start_here_lists_steps_in_order(site):
    path = "start-here/index.html"
    content = article(site, path)
    steps = [ol for ol in content.find_all("ol") if len(ol.find_all("li")) >= 3]
    headings = [h for h in content.find_all() if h.tag in ("h2", "h3") and re.match(r"^\s*(step\s*)?\d", h.text(), re.I)]
    assert steps or len(headings) >= 3, "no numbered reading path"
    targets = [link_target(path, href) for href, _ in links(content) if href]
    mission = targets.index("mission/index.html") if "mission/index.html" in targets else None
    stage_targets = [f"stages/{sid}/index.html" for sid, _ in STAGES]
    first_seen = [t for i, t in enumerate(targets) if t in stage_targets and t not in targets[:i]]
    assert first_seen == stage_targets, f"stages out of journey order: {first_seen}"
    assert mission is not None and mission < targets.index(stage_targets[0]), "the mission should come first"


# ---- journey.json --------------------------------------------------------------------------------

def test_journey_json_has_entities_journeys_and_diagnostics(site):
    data = json.loads((site / "journey.json").read_text(encoding="utf-8"))
    assert set(data["entities"]) == {"mission", "team", "segment", "stage", "milestone", "playbook", "handoff", "metric"}
    assert {e["id"] for e in data["entities"]["stage"]} == {sid for sid, _ in STAGES}
    assert len(data["entities"]["playbook"]) == 7
    journeys = {j["segment"]: [s["stage"] for s in j["stages"]] for j in data["journeys"]}
    assert journeys == {sid: [s for s, _ in STAGES] for sid, _ in SEGMENTS}
    onboarding = next(j for j in data["journeys"] if j["segment"] == "enterprise")["stages"][1]
    assert [m["milestone"] for m in onboarding["milestones"]] == ["kickoff-held", "data-connected", "go-live"]
    assert [(d["code"], d["entity"]) for d in data["diagnostics"]] == [("orphan-team", "team:finance")]
    assert data["counts"] == {"error": 0, "warning": 0, "info": 1}
    assert data["today"] == "2026-11-22"


def test_journey_json_urls_lead_to_built_pages(site, flat_site):
    for built_site in (site, flat_site):
        data = json.loads((built_site / "journey.json").read_text(encoding="utf-8"))
        for kind, entities in data["entities"].items():
            for entity in entities:
                target = link_target("index.html", entity["url"])
                assert (built_site / target).is_file(), f"{kind}:{entity['id']} url {entity['url']!r} → {target}"


def test_journey_json_writes_less_than_as_unicode_escape(site):
    raw = (site / "journey.json").read_text(encoding="utf-8")
    assert "<" not in raw
    assert "Time to value: \\u003c45 days> | 1.5x" in raw
    data = json.loads(raw)
    assert [m["title"] for m in data["entities"]["metric"]] == ["Time to value: <45 days> | 1.5x"]


# ---- reproducibility -----------------------------------------------------------------------------

def html_files(site: Path) -> dict[str, bytes]:
    """Every HTML page and journey.json of a site, by path."""
    found = {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}
    found["journey.json"] = (site / "journey.json").read_bytes()
    return found


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def pages_of_interest(files: dict[str, bytes]) -> set[str]:
    entity_pages = {f"{Path(name).with_suffix('').as_posix()}/index.html"
                    for name in SMALL_HANDBOOK if name not in ("index.md", "guide.md")}
    return entity_pages | set(GENERATED)


def test_two_builds_give_byte_identical_pages(handbook, tmp_path):
    root = handbook["root"]
    first = html_files(handbook["site"])
    assert pages_of_interest(first) <= set(first)
    built(mkdocs_build(root, "--strict", "-d", str(tmp_path / "again")))
    assert differing(first, html_files(tmp_path / "again")) == []


def test_building_twice_in_process_gives_the_same_pages(handbook, tmp_path, monkeypatch):
    """One config and plugin instance built twice (as ``mkdocs serve`` does), then a fresh config: same bytes."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    monkeypatch.chdir(handbook["root"])
    reference = html_files(handbook["site"])
    config_file = str(handbook["root"] / "mkdocs.yml")

    config = load_config(config_file, site_dir=str(tmp_path / "one"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
        once = html_files(tmp_path / "one")
        build(config)
        twice = html_files(tmp_path / "one")
    finally:
        config.plugins.on_shutdown()
    assert differing(reference, once) == []
    assert differing(once, twice) == []

    fresh = load_config(config_file, site_dir=str(tmp_path / "fresh"))
    build(fresh)
    assert differing(reference, html_files(tmp_path / "fresh")) == []


# ---- escaping ------------------------------------------------------------------------------------

EVIL = {
    "index.md": "# Home\n",
    "teams/evil.md": """
        ---
        kind: team
        title: <img src=x onerror=alert(1)>
        summary: <script>alert(1)</script>
        roles: ["<b onmouseover=alert(7)>CSM</b>"]
        ---
        """,
    "segments/tricky.md": """
        ---
        kind: segment
        title: '"><svg onload=alert(4)>'
        owner: evil
        touch: high
        criteria: <script>alert(8)</script>
        ---
        """,
    "stages/onboarding.md": """
        ---
        kind: stage
        title: Onboarding <script>alert(9)</script>
        summary: '" onmouseover="alert(10)'
        owner: evil
        order: 1
        goal: <iframe src=javascript:alert(3)>
        ---

        Owned by [[team:evil]], see [[playbook:renewal]] and [[segment:tricky]].
        """,
    "milestones/live.md": """
        ---
        kind: milestone
        title: Live
        owner: evil
        stage: onboarding
        order: 1
        ---
        """,
    "playbooks/renewal.md": """
        ---
        kind: playbook
        title: Renewal <script>alert("pb")</script>
        owner: evil
        type: lifecycle
        stages: [onboarding]
        trigger: {signal: <script>alert(6)</script>}
        steps:
          - do: <b onmouseover=alert(2)>bold</b>
            segments: [tricky]
        ---
        """,
    "metrics/evil-metric.md": """
        ---
        kind: metric
        title: Metric <img src=x onerror=alert(11)>
        owner: evil
        definition: <script>alert(12)</script>
        formula: a < b && <script>alert(13)</script>
        ---
        """,
}
INJECTIONS = ("<script>alert", "<img src=x", "<b onmouseover", "<iframe src=javascript", "<svg onload",
              '" onmouseover="alert')


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory) -> Path:
    root = write_handbook(tmp_path_factory.mktemp("evil") / "handbook", EVIL)
    built(mkdocs_build(root))
    return root / "site"


def test_front_matter_text_never_appears_unescaped(evil_site):
    found = []
    for path in sorted([*evil_site.rglob("*.html"), evil_site / "search" / "search_index.json"]):
        text = path.read_text(encoding="utf-8")
        for needle in INJECTIONS:
            for match in re.finditer(re.escape(needle), text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(evil_site)}:{line}: {text[max(0, match.start() - 60):match.end() + 20]!r}")
    assert found == [], "unescaped front-matter text:\n" + "\n".join(found)


def test_escaped_titles_are_still_shown_as_text(evil_site):
    assert h1(article(evil_site, "teams/evil/index.html")) == "<img src=x onerror=alert(1)>"
    assert h1(article(evil_site, "playbooks/renewal/index.html")) == 'Renewal <script>alert("pb")</script>'
    stage = article(evil_site, "stages/onboarding/index.html")
    assert "<iframe src=javascript:alert(3)>" in stage.text()
    assert "<img src=x onerror=alert(1)>" in [text for _, text in links(stage)]


# ---- the docs folder -----------------------------------------------------------------------------

def test_build_leaves_the_docs_folder_unchanged(handbook):
    assert tree_hashes(handbook["root"] / "docs") == handbook["docs_before"]


def test_build_from_another_folder_leaves_the_docs_folder_unchanged(tmp_path):
    root = write_handbook(tmp_path / "handbook")
    before = tree_hashes(root / "docs")
    done = subprocess.run([MKDOCS, "build", "-f", str(root / "mkdocs.yml"), "-d", str(tmp_path / "out")],
                          cwd=tmp_path, capture_output=True, text=True, env=build_env(), timeout=300)
    built(done)
    assert tree_hashes(root / "docs") == before
    assert (tmp_path / "out" / "journey" / "grid" / "index.html").is_file()
    assert not (root / "site").exists()
