"""Entity pages as their readers use them (issue #17, items 4, 5, 6, 8 and 9): what a reader comes for at
the top, steps and checklists laid out to run, each listing once, people's words instead of field names,
moments of truth that stand out, and an "Edit this page" link to the page's source.

A small handbook built once with a real ``mkdocs build``; the shipped handbook in Chromium at 1440 and
390 CSS px for what a reader sees (page height, sideways scroll, steps stacked on a phone).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from browser_support import (
    ROOT,
    SMALL_HANDBOOK,
    Node,
    article,
    link_target,
    links,
    mkdocs_build,
    offline_tab,
    open_page,
    page,
    section,
    section_node,
    shipped_site,
    write_handbook,
)

PLAYBOOK = """
    ---
    kind: playbook
    title: Rescue
    summary: Saves an account at risk.
    owner: customer-success
    type: risk
    stages: [purchase, onboarding, adoption]
    trigger: {signal: Health score below 50}
    steps:
      - do: Read the account's tickets
        channel: other
        systems: [Support desk]
        effort: 15 minutes
      - do: Fix the broken integration
        owner: support
        when: within 2 days
        channel: call
        segments: [enterprise]
      - do: Agree a rescue plan with the sponsor
        when: within a week
        channel: meeting
    reviewed: 2026-10-01
    ---

    # Rescue

    RESCUE-INTRO: people's own opening words.

    ## Purpose

    RESCUE-PURPOSE: why we run it.
    """
GO_LIVE = """
    ---
    kind: milestone
    title: Go-live
    owner: onboarding
    stage: onboarding
    order: 3
    success: [The first dashboard is in daily use]
    celebrate: Cake with the customer's team
    reviewed: 2026-10-01
    reviewed_by: Dana <Whitfield>
    ---

    ## What go-live is

    GO-LIVE-BODY.
    """
KICKOFF_HANDOFF = """
    ---
    kind: handoff
    title: Kickoff briefing
    owner: onboarding
    from: onboarding
    to: customer-success
    milestone: kickoff-held
    artifacts: [Kickoff notes, Project plan]
    reviewed: 2026-10-01
    ---

    ## How it runs

    BRIEFING-BODY.
    """
GRADUATION = """
    ---
    kind: handoff
    title: Scale to Enterprise
    owner: customer-success
    from: customer-success
    to: customer-success
    from_segment: scale
    to_segment: enterprise
    when: More than 500 seats
    artifacts: [Usage history]
    reviewed: 2026-10-01
    ---
    """
STAGE = "stages/onboarding/index.html"
TEAM = "teams/customer-success/index.html"
CONFIG = """\
site_name: Test handbook
docs_dir: docs
repo_url: https://github.com/acme/handbook
edit_uri: edit/main/docs/
theme:
  name: material
  features: [content.action.edit]
plugins:
  - search
  - journeysite
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    files = {
        **SMALL_HANDBOOK,
        "playbooks/rescue.md": PLAYBOOK,
        "milestones/go-live.md": GO_LIVE,
        "handoffs/kickoff-briefing.md": KICKOFF_HANDOFF,
        "handoffs/scale-to-enterprise.md": GRADUATION,
    }
    root = write_handbook(tmp_path_factory.mktemp("entity") / "handbook", files)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    done = mkdocs_build(root)  # not --strict: the extra handoffs bring gap warnings of their own
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "site"


def h2s(content: Node) -> list[str]:
    return [h.text().replace("¶", "").strip() for h in content.find_all("h2")]


def position(content: Node, marker: str) -> int:
    text = content.text()
    assert marker in text, f"{marker!r} not on the page"
    return text.index(marker)


def hrefs_to(node: Node, page_path: str, target: str) -> list[str]:
    return [href for href, _ in links(node) if href and link_target(page_path, href) == target]


def outside(content: Node, *titles: str) -> Node:
    """The page without the sections ``titles`` (the diagram links every milestone once more)."""
    skipped = {id(n) for title in titles for n in section(content, title)}
    return Node("article", children=[c for c in content.children if id(c) not in skipped])


# ---- a playbook: how it runs, first ------------------------------------------------------------


def test_a_playbooks_trigger_and_steps_come_before_the_body_after_its_opening_words(site):
    content = article(site, "playbooks/rescue/index.html")
    assert h2s(content)[:3] == ["Trigger", "Steps", "Purpose"], h2s(content)
    # The card first; the people's opening words stay right under it, not swallowed by the Steps section.
    assert position(content, "Saves an account at risk.") < position(content, "RESCUE-INTRO") \
        < position(content, "Health score below 50") < position(content, "RESCUE-PURPOSE")
    assert "RESCUE-INTRO" not in section_node(content, "Steps").text()
    # The card does not repeat the trigger shown just below it.
    assert "Trigger" not in [dt.text() for dt in content.find("dl", "jsite-fields").find_all("dt")]


def test_steps_say_who_when_channel_systems_and_effort_and_never_other(site):
    steps = section_node(article(site, "playbooks/rescue/index.html"), "Steps").find("table", "jsite-steps")
    assert [th.text() for th in steps.find_all("th")] == ["#", "Step", "Who", "When", "Channel", "Systems", "Effort"]
    rows = [[td.text() for td in tr.find_all("td")] for tr in steps.find("tbody").find_all("tr")]
    assert rows[0] == ["1", "Read the account's tickets", "Customer Success", "", "", "Support desk", "15 minutes"]
    assert rows[1][:5] == ["2", "Fix the broken integration Enterprise only", "Support", "within 2 days", "Call"]
    assert rows[2][4] == "Meeting"
    assert "other" not in steps.text().lower()
    # Each detail is named, so the rows can stack on a phone.
    labels = [td.attrs.get("data-label") for td in steps.find("tbody").find("tr").find_all("td")[2:]]
    assert labels == ["Who", "When", "Channel", "Systems", "Effort"]


def test_a_who_column_only_where_another_team_runs_a_step(site):
    steps = article(site, "playbooks/closed-won-welcome/index.html").find("table", "jsite-steps")
    assert "Who" not in [th.text() for th in steps.find_all("th")]


# ---- a team: each playbook once, its steps to run, what travels as a checklist ------------------


def test_a_team_lists_a_playbook_of_three_stages_once_naming_its_stages(site):
    content = article(site, TEAM)
    playbooks = section_node(content, "Playbooks it takes part in")
    assert len(hrefs_to(outside(content, "Journey diagram"), TEAM, "playbooks/rescue/index.html")) == 1
    item = playbooks.find("li", where=lambda li: "Rescue" in li.text() and li.find("details") is not None)
    assert item is not None, playbooks.text()
    for stage in ("stages/purchase/index.html", "stages/onboarding/index.html", "stages/adoption/index.html"):
        assert hrefs_to(item, TEAM, stage), f"{stage} not named beside the playbook: {item.text()}"
    # The steps the team runs, folded under the playbook as a table: its own two, not Support's.
    fold = item.find("details", "jsite-fold")
    assert fold.find("summary").text() == "2 steps Customer Success runs"
    steps = [tr.find_all("td")[1].text() for tr in fold.find("tbody").find_all("tr")]
    assert steps == ["Read the account's tickets", "Agree a rescue plan with the sponsor"]


def test_a_team_names_its_part_in_words(site):
    content = article(site, TEAM)
    parts = {n.text() for n in content.find_all("span", "jsite-role")}
    assert {"Owns", "Does the work", "Is consulted"} <= parts, parts
    for developer in ("R/", "runs steps", "A (", "raci", "steps.owner"):
        assert developer not in content.text(), developer
    support = article(site, "teams/support/index.html")
    assert "Runs steps" in {n.text() for n in support.find_all("span", "jsite-role")}


def test_handoffs_carry_what_travels_as_a_checklist_not_a_sentence(site):
    content = article(site, TEAM)
    receives = section_node(content, "Handoffs it receives")
    item = receives.find("li", where=lambda li: "Kickoff briefing" in li.text() and li.find("details") is not None)
    fold = item.find("details", "jsite-fold")
    assert fold.find("summary").text() == "What travels (2)"
    assert [li.text() for li in fold.find_all("li", "task-list-item")] == ["Kickoff notes", "Project plan"]
    assert "carries:" not in content.text()


# ---- a stage and a milestone: each milestone once, the moment of truth visible --------------------


def test_a_stage_lists_each_milestone_once_with_its_success_and_celebration(site):
    content = article(site, STAGE)
    # Listed once, in the stage's own list: not again among the pages that refer to the stage.
    listed = section_node(content, "Milestones")
    below = Node("section", children=section(content, "Referenced by"))
    for milestone in ("kickoff-held", "data-connected", "go-live"):
        target = f"milestones/{milestone}/index.html"
        assert len(hrefs_to(listed, STAGE, target)) == 1, f"{milestone} not listed once: {listed.text()}"
        assert not hrefs_to(below, STAGE, target), f"{milestone} listed again under Referenced by"
    go_live = section_node(content, "Milestones").find("li", where=lambda li: "Go-live" in li.text())
    assert "The first dashboard is in daily use" in go_live.text()
    celebration = go_live.find("p", "jsite-celebration")
    assert celebration is not None and celebration.text() == "★ Celebrate: Cake with the customer's team"


def test_a_milestone_page_opens_with_its_moment_of_truth(site):
    content = article(site, "milestones/go-live/index.html")
    assert h2s(content)[:2] == ["Success looks like", "What go-live is"], h2s(content)
    moment = section_node(content, "Success looks like")
    assert moment.find("p", "jsite-celebration").text() == "★ Celebrate: Cake with the customer's team"
    card = content.find("dl", "jsite-fields")
    assert "Cake" not in card.text(), "the celebration is a grey card row again"


def test_lists_mark_a_celebrated_milestone(site):
    moments = section_node(article(site, "teams/onboarding/index.html"), "Moments in the journey")
    mark = moments.find("span", "jsite-celebrated")
    assert mark is not None and mark.text() == "★ Celebrated"
    assert mark.attrs["title"] == "Cake with the customer's team"
    assert mark.parent.find("a").text() == "Go-live"


# ---- handoffs: the event in words, what travels at the top ---------------------------------------


@pytest.mark.parametrize(("path", "when"), [
    ("handoffs/kickoff-briefing/index.html", "After Kickoff held, in Onboarding & implementation"),
    ("handoffs/sales-to-onboarding/index.html", "Moving from Purchase to Onboarding & implementation"),
    ("handoffs/scale-to-enterprise/index.html", "When a customer moves from Scale to Enterprise: More than 500 seats"),
])
def test_a_handoff_says_when_it_happens_as_an_event(site, path, when):
    card = article(site, path).find("dl", "jsite-fields")
    fields = dict(zip([dt.text() for dt in card.find_all("dt")], [dd.text() for dd in card.find_all("dd")], strict=True))
    assert fields["When"] == when


def test_what_travels_comes_before_the_handoffs_own_sections(site):
    content = article(site, "handoffs/kickoff-briefing/index.html")
    assert h2s(content)[:2] == ["What travels", "How it runs"], h2s(content)
    assert len(section_node(content, "What travels").find_all("input", where=lambda i: i.attrs.get("type") == "checkbox")) == 2


# ---- no repetition, people's words ---------------------------------------------------------------


def test_a_metric_lists_each_page_that_uses_it_once(site):
    path = "metrics/time-to-value/index.html"
    content = article(site, path)
    # The adoption stage tracks the metric and mentions it in its body: one entry, under "Where it is used".
    assert len(hrefs_to(content, path, "stages/adoption/index.html")) == 1
    assert hrefs_to(section_node(content, "Where it is used"), path, "stages/adoption/index.html")


def test_referenced_by_says_how_each_page_relates_in_words(site):
    path = "segments/scale/index.html"
    backlinks = section_node(article(site, path), "Referenced by")
    item = backlinks.find("li", where=lambda li: "Scale to Enterprise" in li.text())
    assert item is not None and item.find("span", "jsite-how").text() == "as customers leave this segment"
    words = " ".join(n.text() for n in backlinks.find_all("span", "jsite-how"))
    assert not re.search(r"from_segment|_|\bstages\b|\bmentioned\b", words), words


def test_the_card_says_topics_not_tags(site):
    labels = [dt.text() for dt in article(site, "playbooks/rescue/index.html").find("dl", "jsite-fields").find_all("dt")]
    assert "Tags" not in labels and "Kind" not in labels


# ---- edit links -----------------------------------------------------------------------------------


def edit_link(site: Path, path: str) -> Node | None:
    return page(site, path).find("a", where=lambda a: a.attrs.get("rel") == "edit")


def test_an_entity_page_links_to_its_source_and_a_generated_page_does_not(site):
    link = edit_link(site, STAGE)
    assert link is not None, "no Edit this page link"
    assert link.attrs["href"] == "https://github.com/acme/handbook/edit/main/docs/stages/onboarding.md"
    for generated in ("journey/index.html", "journey/grid/index.html", "start-here/index.html"):
        assert edit_link(site, generated) is None, f"{generated} has no source to edit, yet links to one"


def test_the_shipped_handbook_turns_edit_links_on():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["repo_url"].startswith("https://") and config["edit_uri"].endswith("/")
    assert "content.action.edit" in config["theme"]["features"]


# ---- in Chromium, on the shipped handbook ----------------------------------------------------------


@pytest.fixture(scope="module")
def site_url(tmp_path_factory) -> Iterator[str]:
    with shipped_site(tmp_path_factory.mktemp("shipped")) as url:
        yield url


def sideways(tab) -> int:
    return tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


SECTIONS_HEIGHT = """() => {
  const heads = [...document.querySelectorAll('article h2')];
  const top = h => h.getBoundingClientRect().top + scrollY;
  const first = heads.find(h => h.id === 'moments-in-the-journey'), last = heads.find(h => h.id === 'pages-it-must-review');
  return top(last) - top(first);
}"""


@pytest.mark.browser
def test_the_customer_success_page_is_much_shorter_without_losing_a_playbook(browser, site_url):
    with offline_tab(browser) as tab:
        tab.set_viewport_size({"width": 1440, "height": 900})
        open_page(tab, site_url, "teams/customer-success/")
        # Its moments, playbooks and handoffs took 5,805 px before each playbook was listed once and its
        # steps folded (2,291 + 2,655 + 321 + 538); the whole page was 8,849 px.
        assert tab.evaluate(SECTIONS_HEIGHT) < 4000
        playbooks = tab.locator("#playbooks-it-takes-part-in ~ ul.jsite-team-playbooks > li > a.jsite-playbook")
        names = playbooks.all_inner_texts()
        assert len(names) == len(set(names)) >= 20, names
        assert tab.evaluate("document.querySelectorAll('article .jsite-artifacts').length") == 0
        assert tab.errors == []


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["teams/customer-success/", "playbooks/health-score-drop/", "stages/onboarding/",
                                  "milestones/go-live/", "handoffs/sales-to-onboarding/", "metrics/health-score/",
                                  "segments/scale/"])
def test_entity_pages_never_scroll_sideways_on_a_phone_even_with_every_fold_open(browser, site_url, path, scheme):
    with offline_tab(browser, scheme) as tab:
        tab.set_viewport_size({"width": 390, "height": 844})
        open_page(tab, site_url, path)
        tab.evaluate("document.querySelectorAll('article details').forEach(d => d.open = true)")
        assert sideways(tab) <= 0, f"{path} scrolls {sideways(tab)} px sideways at 390 px"


@pytest.mark.browser
def test_every_playbooks_steps_fit_the_column_at_1440(browser, site_url):
    with offline_tab(browser) as tab:
        tab.set_viewport_size({"width": 1440, "height": 900})
        for source in sorted((ROOT / "content" / "playbooks").glob("*.md")):
            open_page(tab, site_url, f"playbooks/{source.stem}/")
            overflow = tab.evaluate(
                "[...document.querySelectorAll('article table.jsite-steps')]"
                ".map(t => t.scrollWidth - t.parentElement.clientWidth)"
            )
            assert all(o <= 0 for o in overflow), f"{source.stem}: the steps scroll {overflow} px inside their box"


@pytest.mark.browser
def test_steps_stack_on_a_phone_and_stay_a_table_on_a_desktop(browser, site_url):
    with offline_tab(browser) as tab:
        tab.set_viewport_size({"width": 390, "height": 844})
        open_page(tab, site_url, "playbooks/health-score-drop/")
        table = tab.locator("article table.jsite-steps")
        assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
        # One block per step, the step's text the full width of it, each detail named by its column.
        rows = tab.locator("article table.jsite-steps tbody tr")
        first, second = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
        assert first["y"] + first["height"] <= second["y"] + 1 and first["x"] == second["x"], (first, second)
        step = rows.nth(0).locator("td.jsite-step-do").bounding_box()
        assert step["width"] >= first["width"] - 40, (step, first)
        label = tab.locator("article table.jsite-steps td[data-label='When']").first.evaluate(
            "td => getComputedStyle(td, '::before').content")
        assert "When" in label or "attr(data-label)" in label, label
        assert tab.locator("article table.jsite-steps thead").evaluate("h => h.getBoundingClientRect().height") <= 1
        tab.set_viewport_size({"width": 1440, "height": 900})
        assert tab.locator("article table.jsite-steps thead").evaluate("h => h.getBoundingClientRect().height") > 10


def test_the_review_badge_names_who_reviewed_the_page(site):
    badge = article(site, "milestones/go-live/index.html").find("p", cls="jsite-badge")
    assert badge is not None
    assert "Reviewed 2026-10-01 by Dana <Whitfield>" in badge.text()  # shown as written, escaped in HTML
    assert "<Whitfield>" not in (site / "milestones/go-live/index.html").read_text(encoding="utf-8")
