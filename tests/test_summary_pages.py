"""The summary pages (issue #17, item 8): Moments of truth, Handoffs, Who does what, Systems and Metrics.

The shipped handbook is built once, for real, and each page is read as a reader sees it: every item it
lists links its own page, in journey order, in people's words. Small handbooks written for one behaviour
each cover what the shipped one does not (retired and draft pages, systems spelt two ways, segment owners).
A browser pass checks that no page scrolls sideways on a phone.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from browser_support import (
    ROOT,
    SMALL_HANDBOOK,
    Node,
    article,
    build_env,
    h1,
    link_target,
    links,
    mkdocs_build,
    mkdocs_in_process,
    nav_tree,
    offline_tab,
    open_page,
    page,
    serve,
    shipped,
    write_handbook,
)

PAGES = {  # built file → title
    "journey/moments/index.html": "Moments of truth",
    "journey/handoffs/index.html": "Handoffs",
    "journey/roles/index.html": "Who does what",
    "journey/systems/index.html": "Systems",
    "journey/metrics/index.html": "Metrics",
}
MOMENTS, HANDOFFS, ROLES, SYSTEMS, METRICS = PAGES
LAST = 1 << 30


def built(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, f"mkdocs build failed:\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr
    return done


@pytest.fixture(scope="module")
def shipped_build(tmp_path_factory) -> Path:
    """The shipped handbook (ROOT/mkdocs.yml), built in this process into a folder of its own."""
    out = tmp_path_factory.mktemp("shipped") / "site"
    built(mkdocs_in_process(ROOT, "build", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out), env=build_env()))
    return out


# ---- reading the pages ---------------------------------------------------------------------------

def heading_text(node: Node) -> str:
    return node.text().replace("¶", "").strip()


def entries(content: Node, tag: str) -> list[tuple[Node, Node]]:
    """Each heading ``tag`` of the article with what follows it up to the next heading of that level or
    above, as (heading, a node wrapping the rest)."""
    level = int(tag[1])
    stops = {f"h{n}" for n in range(1, level + 1)}
    found: list[tuple[Node, Node]] = []
    for child in content.children:
        if not isinstance(child, Node):
            continue
        if child.tag == tag:
            found.append((child, Node("section")))
        elif child.tag in stops:
            found.append((child, Node("ignored")))  # a higher heading closes the entry before it
        elif found:
            found[-1][1].children.append(child)
    return [(h, body) for h, body in found if h.tag == tag]


def targets(node: Node, path: str) -> list[str]:
    """The built files the links below ``node`` point to (on the page at ``path``)."""
    return [link_target(path, href) for href, _ in links(node) if href and not href.startswith("#")]


def heading_target(heading: Node, path: str) -> str:
    found = [link_target(path, a.attrs["href"]) for a in heading.find_all("a") if not a.has_class("headerlink")]
    assert found, f"the heading {heading_text(heading)!r} links no page"
    return found[0]


def html_of(kind_folder: str, ident: str) -> str:
    return f"{kind_folder}/{ident}/index.html"


def active(items: dict[str, dict]) -> dict[str, dict]:
    return {k: v for k, v in items.items() if v.get("status", "active") != "retired"}


# ---- the site plan: navigation, the overview, search ---------------------------------------------

@pytest.mark.parametrize("path,title", PAGES.items())
def test_each_summary_page_is_built_with_its_title_in_the_journey_navigation(shipped_build, path, title):
    assert h1(article(shipped_build, path)) == title
    journey = next(e for e in nav_tree(page(shipped_build, path)) if e.title == "Journey")
    assert title in [e.title for e in journey.children]


def test_the_overview_links_every_summary_page_near_its_top(shipped_build):
    content = article(shipped_build, "journey/index.html")
    first = next(p for p in content.find_all("p") if "In summary" in p.text())
    assert {link_target("journey/index.html", href) for href, _ in links(first)} == set(PAGES)
    # Before the journey itself: a reader finds them without scrolling past the diagram.
    headings = [heading_text(h) for h in content.find_all("h2")]
    order = [e for e in content.elements() if e is first or (e.tag == "h2" and heading_text(e) == "The journey")]
    assert order[0] is first, headings


@pytest.mark.parametrize("path,title", PAGES.items())
def test_each_summary_page_is_in_the_search_index(shipped_build, path, title):
    docs = json.loads((shipped_build / "search" / "search_index.json").read_text())["docs"]
    location = path.removesuffix("index.html")
    assert [d for d in docs if d["location"] == location and d["title"] == title and d["text"]]


def test_a_moment_found_by_search_previews_its_summary_not_labels(shipped_build):
    docs = json.loads((shipped_build / "search" / "search_index.json").read_text())["docs"]
    summary = shipped("milestones")["go-live"]["summary"]
    found = [d for d in docs if d["location"].startswith("journey/moments/#") and d["title"] == "Go-live"]
    assert len(found) == 1, found
    assert found[0]["text"].startswith(f"<p>{summary[:40]}"), found[0]["text"]
    for label in ("Owner", "Due", "Reached when"):
        assert label not in found[0]["text"]


# ---- Handoffs ------------------------------------------------------------------------------------

def handoff_order() -> list[str]:
    """The shipped handoffs in journey order, worked out from the front matter alone."""
    stages = sorted(shipped("stages").items(), key=lambda kv: kv[1]["order"])
    rank = {sid: i for i, (sid, _) in enumerate(stages)}
    milestones = shipped("milestones")
    segments = sorted(shipped("segments").items(), key=lambda kv: (kv[1].get("order", 0), kv[0]))
    seg_rank = {sid: i for i, (sid, _) in enumerate(segments)}

    def key(item):
        ident, h = item
        if "milestone" in h:
            m = milestones[h["milestone"]]
            return 0, rank[m["stage"]], m["order"], h["title"].lower()
        if "from_stage" in h:
            return 0, rank[h["from_stage"]], LAST, h["title"].lower()
        return 1, seg_rank[h["from_segment"]], seg_rank[h["to_segment"]], h["title"].lower()

    return [ident for ident, _ in sorted(active(shipped("handoffs")).items(), key=key)]


def test_handoffs_lists_every_active_handoff_in_journey_order_each_linked(shipped_build):
    found = [heading_target(h, HANDOFFS) for h, _ in entries(article(shipped_build, HANDOFFS), "h2")]
    assert found == [html_of("handoffs", i) for i in handoff_order()]


def test_each_handoff_says_who_when_the_time_allowed_and_what_travels_as_a_checklist(shipped_build):
    handoffs = shipped("handoffs")
    teams, stages, milestones = shipped("teams"), shipped("stages"), shipped("milestones")
    for heading, body in entries(article(shipped_build, HANDOFFS), "h2"):
        ident = heading_target(heading, HANDOFFS).split("/")[1]
        h = handoffs[ident]
        fields = {heading_text(dt): dd for dt, dd in zip(body.find_all("dt"), body.find_all("dd"), strict=True)}
        assert fields["Who"].text() == f"{teams[h['from']]['title']} → {teams[h['to']]['title']}"
        assert set(targets(fields["Who"], HANDOFFS)) == {html_of("teams", h["from"]), html_of("teams", h["to"])}
        when = fields["When"]
        if "milestone" in h:
            milestone = milestones[h["milestone"]]
            assert when.text() == f"After {milestone['title']}, in {stages[milestone['stage']]['title']}"
            assert html_of("milestones", h["milestone"]) in targets(when, HANDOFFS)
        elif "from_stage" in h:
            assert when.text() == f"Moving from {stages[h['from_stage']]['title']} to {stages[h['to_stage']]['title']}"
            assert targets(when, HANDOFFS) == [html_of("stages", h["from_stage"]), html_of("stages", h["to_stage"])]
        else:
            assert when.text().startswith("When a customer moves from ") and h["when"] in when.text()
            assert targets(when, HANDOFFS) == [html_of("segments", h["from_segment"]),
                                               html_of("segments", h["to_segment"])]
        assert fields["Time allowed"].text() == " ".join(h["sla"].split())
        checklist = body.find("ul", "task-list")
        assert checklist is not None, f"{ident}: what travels is not a checklist"
        items = [li.text() for li in checklist.find_all("li")]
        assert items == [" ".join(a.split()) for a in h["artifacts"]]
        assert all(li.find("input") is not None for li in checklist.find_all("li"))
        if "segments" in h:
            assert set(targets(fields["For"], HANDOFFS)) == {html_of("segments", s) for s in h["segments"]}


ONE_MORE = {
    "handoffs/retired-one.md": """
        ---
        kind: handoff
        title: An old handoff nobody uses
        owner: sales
        status: retired
        from: sales
        to: onboarding
        from_stage: purchase
        to_stage: onboarding
        artifacts: [Fax]
        ---
        """,
    "handoffs/draft-one.md": """
        ---
        kind: handoff
        title: Go-live to Customer Success, being written
        owner: onboarding
        status: draft
        from: onboarding
        to: customer-success
        milestone: kickoff-held
        ---
        """,
}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """The small handbook with a retired and a draft handoff, and systems written two ways."""
    files = {**SMALL_HANDBOOK, **ONE_MORE, **SYSTEMS_SPELT_TWO_WAYS}
    root = write_handbook(tmp_path_factory.mktemp("small") / "handbook", files)
    built(mkdocs_build(root))
    return root / "site"


def test_a_retired_handoff_is_left_out_and_a_draft_one_is_marked(small):
    content = article(small, HANDOFFS)
    listed = {heading_target(h, HANDOFFS): h for h, _ in entries(content, "h2")}
    assert "handoffs/retired-one/index.html" not in listed
    assert "Fax" not in content.text()
    draft = listed["handoffs/draft-one/index.html"]
    assert draft.find("span", "jsite-tag-draft") is not None
    # A milestone handoff comes inside its stage: after Sales to Onboarding (leaving purchase), before
    # Onboarding to Customer Success (leaving onboarding).
    assert [t.split("/")[1] for t in listed] == ["sales-to-onboarding", "draft-one", "onboarding-to-cs"]
    # It says nothing travels yet, in words.
    body = dict((heading_target(h, HANDOFFS), b) for h, b in entries(content, "h2"))["handoffs/draft-one/index.html"]
    assert "does not say yet what information travels" in body.text()


# ---- Moments of truth ----------------------------------------------------------------------------

def test_moments_lists_every_active_milestone_stage_by_stage_in_journey_order(shipped_build):
    content = article(shipped_build, MOMENTS)
    stages = sorted(active(shipped("stages")).items(), key=lambda kv: kv[1]["order"])
    milestones = active(shipped("milestones"))
    assert [heading_target(h, MOMENTS) for h, _ in entries(content, "h2")] == [
        html_of("stages", sid) for sid, _ in stages
    ]
    expected = [
        html_of("milestones", mid)
        for sid, _ in stages
        for mid, _ in sorted(((m, v) for m, v in milestones.items() if v["stage"] == sid), key=lambda kv: kv[1]["order"])
    ]
    assert [heading_target(h, MOMENTS) for h, _ in entries(content, "h3")] == expected
    # Each stage heading says where it is in the journey.
    assert [heading_text(h).split(":")[0] for h, _ in entries(content, "h2")] == [
        f"Stage {n}" for n in range(1, len(stages) + 1)
    ]


def test_each_moment_shows_its_success_criteria_and_its_celebration_in_a_visible_box(shipped_build):
    milestones = shipped("milestones")
    teams = shipped("teams")
    celebrated = 0
    for heading, body in entries(article(shipped_build, MOMENTS), "h3"):
        m = milestones[heading_target(heading, MOMENTS).split("/")[1]]
        fields = {heading_text(dt): dd for dt, dd in zip(body.find_all("dt"), body.find_all("dd"), strict=True)}
        assert fields["Owner"].text().startswith(teams[m["owner"]]["title"])
        for segment, team in m.get("segment_owners", {}).items():  # who owns it instead, in which segment
            assert f"{teams[team]['title']} in {shipped('segments')[segment]['title']}" in fields["Owner"].text()
        if "due" in m:
            assert fields["Due"].text() == " ".join(m["due"].split())
        assert [li.text() for li in fields["Reached when"].find_all("li")] == [" ".join(s.split()) for s in m["success"]]
        box = body.find("div", "admonition")
        if "celebrate" in m:
            celebrated += 1
            assert box is not None and box.has_class("jsite-celebrate"), heading_text(heading)
            assert box.find("p", "admonition-title").text() == "How we celebrate"
            assert " ".join(m["celebrate"].split()) in box.text()
        else:
            assert box is None and "No celebration is written down" in body.text()
    assert celebrated >= 5  # the shipped handbook celebrates its big moments


# ---- Systems -------------------------------------------------------------------------------------

def shipped_systems() -> dict[str, dict[str, list[int]]]:
    """Each system (as compared: case and spacing do not count) → playbook id → the numbers of its steps
    that use it ([] when only the playbook names it)."""
    found: dict[str, dict[str, list[int]]] = {}
    for pid, p in active(shipped("playbooks")).items():
        for name in p.get("systems", []):
            found.setdefault(" ".join(name.split()).casefold(), {}).setdefault(pid, [])
        for number, step in enumerate(p.get("steps", []), 1):
            for name in dict.fromkeys(" ".join(s.split()).casefold() for s in step.get("systems", [])):
                found.setdefault(name, {}).setdefault(pid, []).append(number)
    return found


def test_systems_has_a_section_per_system_alphabetically_linking_every_playbook_and_step(shipped_build):
    content = article(shipped_build, SYSTEMS)
    sections = entries(content, "h2")
    assert heading_text(sections[0][0]) == "Systems in each stage"
    systems = shipped_systems()
    titles = [heading_text(h) for h, _ in sections[1:]]
    assert [t.casefold() for t in titles] == sorted(systems)
    playbooks = shipped("playbooks")
    for heading, body in sections[1:]:
        uses = systems[heading_text(heading).casefold()]
        linked = set(targets(body, SYSTEMS))
        for pid, numbers in uses.items():
            assert html_of("playbooks", pid) in linked, f"{heading_text(heading)}: {pid} not linked"
            for number in numbers:
                do = " ".join(playbooks[pid]["steps"][number - 1]["do"].split())
                assert f"Step {number}: {do}" in body.text(), f"{heading_text(heading)}: step {number} of {pid}"
        # The stages it is used in: every stage of those playbooks, each once.
        stages = {s for pid in uses for s in playbooks[pid]["stages"]}
        used_in = body.find("p", "jsite-entry-meta")
        assert sorted(targets(used_in, SYSTEMS)) == sorted(html_of("stages", s) for s in stages)


def test_systems_in_each_stage_links_each_stage_and_its_systems_sections(shipped_build):
    content = article(shipped_build, SYSTEMS)
    glance = content.find("ul", "jsite-systems-by-stage")
    ids = {e.attrs["id"] for e in content.elements() if "id" in e.attrs}
    rows = glance.find_all("li")
    assert [targets(r, SYSTEMS)[0] for r in rows] == [
        html_of("stages", sid) for sid, _ in sorted(active(shipped("stages")).items(), key=lambda kv: kv[1]["order"])
    ]
    for row in rows:
        for href, _ in links(row)[1:]:
            assert href.startswith("#") and href[1:] in ids, f"{href} leads nowhere on the page"
    onboarding = next(r for r in rows if "Onboarding" in r.text())
    assert "CRM" in onboarding.text() and "CS platform" in onboarding.text()


SYSTEMS_SPELT_TWO_WAYS = {
    "playbooks/kickoff-kit.md": """
        ---
        kind: playbook
        title: Kickoff kit
        owner: onboarding
        type: risk
        stages: [onboarding]
        trigger: {signal: Kickoff slips}
        systems: [CRM]
        steps:
          - do: Send the kickoff deck
            systems: ["  crm ", Slide   deck]
        reviewed: 2026-10-01
        ---
        """,
    "playbooks/renewal-call.md": """
        ---
        kind: playbook
        title: Renewal call
        owner: customer-success
        type: expansion
        stages: [adoption]
        trigger: {manual: Ninety days before renewal}
        steps:
          - do: Open the account plan
          - do: Log the call
            systems: [Crm]
            segments: [enterprise]
        reviewed: 2026-10-01
        ---
        """,
}


def test_one_system_written_in_different_cases_is_one_section_named_as_first_written(small):
    content = article(small, SYSTEMS)
    titles = [heading_text(h) for h, _ in entries(content, "h2")]
    assert titles == ["Systems in each stage", "CRM", "Slide deck"]
    crm = dict((heading_text(h), b) for h, b in entries(content, "h2"))["CRM"]
    assert set(targets(crm, SYSTEMS)) >= {"playbooks/kickoff-kit/index.html", "playbooks/renewal-call/index.html"}
    assert "Step 1: Send the kickoff deck" in crm.text()
    assert "Step 2: Log the call Enterprise only" in crm.text()  # a step for some segments says so
    assert "Open the account plan" not in crm.text()  # a step that uses no system is not listed


# ---- Metrics -------------------------------------------------------------------------------------

def test_metrics_lists_every_metric_with_its_facts_in_words_and_each_user_once(shipped_build):
    content = article(shipped_build, METRICS)
    metrics = active(shipped("metrics"))
    found = {heading_target(h, METRICS).split("/")[1]: body for h, body in entries(content, "h2")}
    assert sorted(found) == sorted(metrics)
    stages, playbooks = active(shipped("stages")), active(shipped("playbooks"))
    for mid, body in found.items():
        m = metrics[mid]
        fields = {heading_text(dt): dd for dt, dd in zip(body.find_all("dt"), body.find_all("dd"), strict=True)}
        assert fields["What it measures"].text() == " ".join(m["definition"].split())
        if "formula" in m:
            assert fields["How it is calculated"].find("code") is not None
        assert fields["Which way is good"].text() == {"up": "Higher is better", "down": "Lower is better"}[m["direction"]]
        assert "up" not in fields["Which way is good"].text().split()
        users = targets(fields["Used in"], METRICS)
        assert len(users) == len(set(users)), f"{mid}: a page is listed twice: {users}"
        expected = {html_of("stages", s) for s, v in stages.items() if mid in v.get("metrics", [])}
        expected |= {html_of("playbooks", p) for p, v in playbooks.items() if mid in v.get("metrics", [])}
        assert set(users) == expected, mid


def test_metrics_come_in_the_order_the_journey_first_uses_them(shipped_build):
    content = article(shipped_build, METRICS)
    order = [heading_target(h, METRICS).split("/")[1] for h, _ in entries(content, "h2")]
    # Marketing's conversion rate is used first (in the first stage); revenue retention only at the end.
    assert order[0] == "mql-conversion-rate"
    assert order.index("time-to-go-live") < order.index("net-revenue-retention")


# ---- Who does what -------------------------------------------------------------------------------

def role_cards(content: Node) -> dict[str, dict[str, dict[str, str]]]:
    """Stage title → team title → role label → the text after it, as the cards show them."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for heading, body in entries(content, "h2"):
        stage = heading_text(heading).split(": ", 1)[1]
        cards = found.setdefault(stage, {})
        for card in body.find_all("li", "jsite-role-card"):
            team = card.find("p", "jsite-card-title").text()
            cards[team] = {
                line.find("span", "jsite-role-label").text(): line.text().removeprefix(
                    line.find("span", "jsite-role-label").text()
                ).strip()
                for line in card.find("ul", "jsite-role-lines").find_all("li")
            }
    return found


def test_who_does_what_has_every_stage_in_order_with_its_lead_first(shipped_build):
    content = article(shipped_build, ROLES)
    stages = sorted(active(shipped("stages")).values(), key=lambda s: s["order"])
    teams = shipped("teams")
    cards = role_cards(content)
    assert list(cards) == [s["title"] for s in stages]
    for stage in stages:
        first_team, first_roles = next(iter(cards[stage["title"]].items()))
        assert first_team == teams[stage["owner"]]["title"]
        assert "Leads the stage" in first_roles


def test_who_does_what_names_roles_in_words_with_the_segment_owner_and_step_runners(shipped_build):
    content = article(shipped_build, ROLES)
    onboarding = role_cards(content)["Onboarding & implementation"]
    # The stage's owner leads it except in Scale, where Customer Success owns it (segment_owners).
    stage = shipped("stages")["onboarding"]
    scale = shipped("segments")["scale"]["title"]
    lead = shipped("teams")[stage["owner"]]["title"]
    other = shipped("teams")[stage["segment_owners"]["scale"]]["title"]
    assert onboarding[lead]["Leads the stage"] == f"except in {scale}"
    assert onboarding[other]["Leads the stage"] == f"{scale} only"
    # Customer Success, responsible for Onboarding and training, runs its step 5 (a Scale step).
    work = onboarding[other]["Does the work on"]
    assert f"Onboarding and training step 5, {scale} only" in work, work
    # Handoffs given and received there; and never a RACI letter or a field name.
    assert any("Hands over" in roles for roles in onboarding.values())
    text = content.text()
    for jargon in (" A/R", "R (steps)", "raci", "segment_owners", "steps.owner"):
        assert jargon not in text


def test_who_does_what_links_every_page_it_names(shipped_build):
    content = article(shipped_build, ROLES)
    linked = set(targets(content, ROLES))
    for sid in active(shipped("stages")):
        assert html_of("stages", sid) in linked
    for mid in active(shipped("milestones")):
        assert html_of("milestones", mid) in linked, mid
    for pid in active(shipped("playbooks")):
        assert html_of("playbooks", pid) in linked, pid
    for hid in active(shipped("handoffs")):
        if "from_segment" not in shipped("handoffs")[hid]:  # a move between segments happens in no stage
            assert html_of("handoffs", hid) in linked, hid


# ---- pages with nothing to list ------------------------------------------------------------------

def test_a_handbook_with_no_handoff_metric_or_system_says_so_on_those_pages(tmp_path):
    files = {k: v for k, v in SMALL_HANDBOOK.items() if not k.startswith(("handoffs/", "metrics/"))}
    files["stages/adoption.md"] = files["stages/adoption.md"].replace("        metrics: [time-to-value]\n", "")
    files["stages/adoption.md"] = files["stages/adoption.md"].replace("[[metric:time-to-value]]", "time to value")
    root = write_handbook(tmp_path / "handbook", files)
    built(mkdocs_build(root))
    site = root / "site"
    assert "No handoffs yet" in article(site, HANDOFFS).text()
    assert "No metrics yet" in article(site, METRICS).text()
    assert "No systems named yet" in article(site, SYSTEMS).text()
    for path, title in PAGES.items():
        assert h1(article(site, path)) == title


# ---- in the browser: nothing scrolls sideways on a phone, nothing needs hover --------------------

@pytest.fixture(scope="module")
def served(shipped_build):
    with serve(shipped_build) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("path", [p.removesuffix("index.html") for p in PAGES])
def test_no_summary_page_scrolls_sideways(browser, served, path, width):
    with offline_tab(browser) as tab:
        tab.set_viewport_size({"width": width, "height": 900})
        open_page(tab, served, path)
        wide = tab.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{path} is {wide} px wide in a {width} px window"
        # Nothing in the article is cut off inside a box of its own either.
        clipped = tab.evaluate(
            """() => [...document.querySelectorAll('article *')]
                 .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
                 .map(e => e.className || e.tagName)"""
        )
        assert clipped == [], f"{path} at {width} px: sideways scroll inside {clipped}"
        assert tab.errors == []


@pytest.mark.browser
def test_on_a_phone_the_roles_of_each_team_are_readable_without_hover(browser, served):
    with offline_tab(browser) as tab:
        tab.set_viewport_size({"width": 390, "height": 900})
        open_page(tab, served, "journey/roles/")
        cards = tab.locator("li.jsite-role-card")
        assert cards.count() >= 6 * 2
        box = tab.locator("article").bounding_box()
        for i in range(cards.count()):
            card = cards.nth(i).bounding_box()
            assert card["x"] >= box["x"] - 1 and card["x"] + card["width"] <= box["x"] + box["width"] + 1
        # The roles' labels are text on the card, not a tooltip.
        assert tab.locator("li.jsite-role-card [title]").count() == 0
        first = cards.first.inner_text()
        assert "Leads the stage" in first


def test_no_summary_page_names_a_field(shipped_build):
    """People's words: no YAML key, no RACI letter column, no 'kind'."""
    for path in PAGES:
        text = article(shipped_build, path).text()
        for word in ("from_stage", "to_stage", "segment_owners", "celebrate:", "artifacts", "direction: ",
                     "Kind", "kind:"):
            assert word not in text, f"{path} shows {word!r}"



@pytest.mark.browser
@pytest.mark.parametrize("path", ["journey/handoffs/", "journey/moments/", "journey/metrics/"])
def test_on_a_phone_each_label_sits_above_its_value_with_the_whole_width(browser, served, path):
    """Side by side, a 390 px screen leaves the values a column a few words wide."""
    with offline_tab(browser) as tab:
        tab.set_viewport_size({"width": 390, "height": 900})
        open_page(tab, served, path)
        label, value = (tab.locator("dl.jsite-entry-fields > " + tag).first.bounding_box() for tag in ("dt", "dd"))
        assert value["y"] >= label["y"] + label["height"] - 1, (label, value)
        assert abs(value["x"] - label["x"]) <= 1 and value["width"] >= 300, (label, value)


def test_a_milestone_whose_stage_is_retired_is_still_listed_last_and_a_segment_stage_says_for_whom(tmp_path):
    files = dict(SMALL_HANDBOOK)
    files["stages/adoption.md"] = files["stages/adoption.md"].replace("order: 3\n", "order: 3\n        status: retired\n")
    files["stages/purchase.md"] = files["stages/purchase.md"].replace("order: 1\n", "order: 1\n        segments: [enterprise]\n")
    root = write_handbook(tmp_path / "handbook", files)
    built(mkdocs_build(root))
    site = root / "site"
    content = article(site, MOMENTS)
    stages = [heading_text(h) for h, _ in entries(content, "h2")]
    assert stages == ["Stage 1: Purchase", "Stage 2: Onboarding & implementation", "Milestones of no active stage"]
    assert heading_target(entries(content, "h3")[-1][0], MOMENTS) == "milestones/first-value/index.html"
    roles = article(site, ROLES)
    purchase = entries(roles, "h2")[0][1]
    assert purchase.find("p", "jsite-segments-only").text() == "Only for Enterprise."
    assert "adoption" not in " ".join(targets(roles, ROLES))  # a retired stage has no part here
