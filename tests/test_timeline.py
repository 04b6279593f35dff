"""The timeline page (SPEC §7.6): each segment's first year as swim lanes, touch points where they fall.

A small handbook with dues, step offsets and schedules is built with ``--strict``; the tests read the SVG
as drawn (positions, tooltips, links) and the lists beside it. The browser tests open the shipped
handbook's timeline in Chromium at 1440 and 390 CSS px.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    Node,
    article,
    heading,
    link_target,
    nav_tree,
    offline_tab,
    open_page,
    page,
    shipped,
    shipped_site,
)
from conftest import DEFAULT_CONFIG, Project

from journeysite.core import pipeline
from journeysite.core.analysis import timeline as tl
from journeysite.render import sanitise

TIMELINE = "journey/timeline/index.html"
HOSTILE = '<img src=x onerror="alert(1)"> & Co'


def team(title: str) -> str:
    return f"---\nkind: team\ntitle: {title}\n---\n"


PAGES = {
    "teams/onboarding.md": team("Onboarding"),
    "teams/cs.md": team("Customer Success"),
    "segments/enterprise.md": "---\nkind: segment\ntitle: Enterprise\nowner: cs\ntouch: high\norder: 1\n---\n",
    "segments/scale.md": "---\nkind: segment\ntitle: Scale\nowner: cs\ntouch: tech\norder: 2\n---\n",
    "stages/onboarding.md": """
        ---
        kind: stage
        title: Onboarding
        owner: onboarding
        order: 1
        duration: day 0-90
        ---
        """,
    "stages/adoption.md": "---\nkind: stage\ntitle: Adoption\nowner: cs\norder: 2\n---\n",
    "milestones/kickoff.md": """
        ---
        kind: milestone
        title: Kickoff held
        owner: onboarding
        stage: onboarding
        order: 1
        due: day 30
        ---
        """,
    "milestones/go-live.md": """
        ---
        kind: milestone
        title: Go-live
        owner: onboarding
        stage: onboarding
        order: 2
        due: day 60
        success: [The customer's own data is in]
        celebrate: A <b>cake</b> for the customer's team
        ---
        """,
    "milestones/hostile.md": f"""
        ---
        kind: milestone
        title: '{HOSTILE}'
        owner: onboarding
        stage: onboarding
        order: 3
        due: day 75
        ---
        """,
    "milestones/first-value.md": """
        ---
        kind: milestone
        title: First value
        owner: cs
        stage: adoption
        order: 1
        due: 6 weeks after go-live
        ---
        """,
    "milestones/renewal-ready.md": """
        ---
        kind: milestone
        title: Renewal ready
        owner: cs
        stage: adoption
        order: 2
        due: When the customer is <i>ready</i>
        ---
        """,
    "handoffs/to-cs.md": """
        ---
        kind: handoff
        title: Onboarding to Customer Success
        owner: onboarding
        from: onboarding
        to: cs
        from_stage: onboarding
        to_stage: adoption
        artifacts: [Go-live report]
        ---
        """,
    "playbooks/welcome.md": """
        ---
        kind: playbook
        title: Welcome
        owner: onboarding
        type: lifecycle
        stages: [onboarding]
        trigger: {milestone: kickoff}
        steps:
          - do: Send the agenda
            when: day 3
          - do: Book the training
            when: 2 weeks after go-live
          - do: Check in with the admin
            when: within 2 business days
          - do: Call the sponsor
            owner: cs
            when: day 10
            segments: [enterprise]
        ---
        """,
    "playbooks/health-check.md": """
        ---
        kind: playbook
        title: Health check
        owner: cs
        segments: [enterprise]
        type: lifecycle
        stages: [adoption]
        trigger: {schedule: every 90 days}
        steps:
          - do: Review the health score
        ---
        """,
    "playbooks/nudges.md": """
        ---
        kind: playbook
        title: Nudges
        owner: cs
        segments: [scale]
        type: lifecycle
        stages: [adoption]
        trigger: {schedule: every 30 days}
        ---
        """,
    "playbooks/low-usage.md": """
        ---
        kind: playbook
        title: Low usage
        owner: cs
        type: risk
        stages: [adoption]
        trigger: {signal: Usage drops}
        steps:
          - do: Call the admin
            when: within 1 business day
        ---
        """,
}


def built(root: Path, pages: dict[str, str]) -> Path:
    """The handbook of ``pages`` written as the ``project`` fixture writes one, built with ``--strict``
    (a clean handbook: no warning); its site folder."""
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(DEFAULT_CONFIG.format(options=""), encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Test handbook\n", encoding="utf-8")
    hb = Project(root)
    for name, text in pages.items():
        hb.write(name, text)
    done = hb.build("--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return root / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """Built once for the module (the ``project`` fixture is per test)."""
    return built(tmp_path_factory.mktemp("timeline") / "handbook", PAGES)


def views(site: Path) -> dict[str, Node]:
    """Each tab's panel of the timeline page, by its label."""
    tabs = article(site, TIMELINE).find("div", "jsite-timeline-tabs")
    assert tabs is not None, "the timeline has no tabs"
    labels = [label.text() for label in tabs.find("div", "tabbed-labels").find_all("label")]
    blocks = tabs.find_all("div", "tabbed-block")
    return dict(zip(labels, blocks, strict=True))


def across(view: Node) -> Node:
    svg = view.find("div", "jsite-tl-across").find("svg")
    assert svg is not None
    return svg


def down(view: Node) -> Node:
    svg = view.find("div", "jsite-tl-down").find("svg")
    assert svg is not None
    return svg


def tip(node: Node) -> str:
    """A mark's tooltip, its lines as written."""
    title = node.find("title")
    return title.raw_text if title is not None else ""


def items(svg: Node, kind: str) -> dict[str, list[Node]]:
    """The links of one kind of mark (milestone, step, run, arrow, stage) by the first words of their tooltip."""
    found: dict[str, list[Node]] = {}
    for a in svg.find_all("a", f"jsite-tl-{kind}"):
        found.setdefault(tip(a).split(":")[0], []).append(a)
    return found


def mark_x(a: Node) -> float:
    """The x of a mark's centre: a diamond's or a star's first point, a dot's cx, a tick's middle."""
    shape = a.find(where=lambda n: n.has_class("jsite-tl-mark") or n.has_class("jsite-tl-moment"))
    assert shape is not None, a
    if shape.tag == "polygon":
        return float(shape.attrs["points"].split()[0].split(",")[0])
    if shape.tag == "circle":
        return float(shape.attrs["cx"])
    return float(shape.attrs["x"]) + float(shape.attrs["width"]) / 2


def test_the_timeline_is_a_generated_page_in_the_navigation(site):
    document = page(site, TIMELINE)
    journey = next(e for e in nav_tree(document) if e.title == "Journey")
    titles = [e.title for e in journey.children]
    assert titles.index("Timeline") == titles.index("Playbook grid") + 1
    overview = article(site, "journey/index.html")
    assert any(link_target("journey/index.html", a.attrs["href"]) == TIMELINE for a in overview.find_all("a")
               if a.text() == "Timeline")


def test_a_tab_per_segment_in_segment_order(site):
    assert list(views(site)) == ["Enterprise", "Scale"]


def test_a_lane_per_team_in_journey_order(site):
    lanes = [t.text() for t in across(views(site)["Enterprise"]).find_all("text", "jsite-tl-lane-name")]
    assert lanes == ["Onboarding", "Customer Success"]


def test_milestones_sit_at_the_x_of_their_due(site):
    milestones = items(across(views(site)["Enterprise"]), "milestone")
    x30, x60, x75 = (mark_x(milestones[name][0]) for name in ("Kickoff held", "Go-live", HOSTILE))
    assert x30 < x60 < x75
    assert (x75 - x60) / (x60 - x30) == pytest.approx(15 / 30, rel=0.02)
    # 6 weeks after go-live: day 102, counted through go-live's own due
    x102 = mark_x(milestones["First value"][0])
    assert (x102 - x60) / (x60 - x30) == pytest.approx(42 / 30, rel=0.02)


def test_a_moment_of_truth_is_a_star_with_its_celebration_in_the_tooltip(site):
    go_live = items(across(views(site)["Enterprise"]), "milestone")["Go-live"][0]
    assert go_live.find("polygon", "jsite-tl-moment") is not None
    assert "Celebrate: A <b>cake</b> for the customer's team" in tip(go_live)
    kickoff = items(across(views(site)["Enterprise"]), "milestone")["Kickoff held"][0]
    assert kickoff.find("polygon", "jsite-tl-moment") is None
    # a phone shows no tooltips: the phone layout writes the celebration out
    phone = items(down(views(site)["Enterprise"]), "milestone")["Go-live"][0]
    assert "Celebrate: A <b>cake</b>" in " ".join(t.text() for t in phone.find_all("text"))


def test_a_step_counts_from_the_milestone_that_starts_its_playbook(site):
    svg = across(views(site)["Enterprise"])
    milestones = items(svg, "milestone")
    x30, x60 = mark_x(milestones["Kickoff held"][0]), mark_x(milestones["Go-live"][0])
    steps = {tip(a).split("\n")[0]: a for a in svg.find_all("a", "jsite-tl-step")}
    agenda = steps["Welcome, step 1: Send the agenda"]  # day 3 of a playbook started at kickoff: day 33
    assert mark_x(agenda) == pytest.approx(x30 + (x60 - x30) * 3 / 30, abs=0.5)
    training = steps["Welcome, step 2: Book the training"]  # 2 weeks after go-live: day 74
    assert mark_x(training) == pytest.approx(x30 + (x60 - x30) * 44 / 30, abs=0.5)
    sponsor = steps["Welcome, step 4: Call the sponsor"]
    assert "Customer Success" in tip(sponsor), "a step is on its own owner's lane"


def test_a_step_for_one_segment_is_only_in_its_view(site):
    enterprise = " ".join(tip(a) for a in across(views(site)["Enterprise"]).find_all("a", "jsite-tl-step"))
    scale = " ".join(tip(a) for a in across(views(site)["Scale"]).find_all("a", "jsite-tl-step"))
    assert "Call the sponsor" in enterprise and "Call the sponsor" not in scale


def test_a_scheduled_playbook_shows_each_run_of_the_first_year(site):
    """Every 90 days from signature (its stage has no span we can read): days 90, 180, 270 and 360."""
    runs = items(across(views(site)["Enterprise"]), "run")["Health check"]
    assert len(runs) == 4
    assert [re.search(r"run (\d) of (\d)", tip(a)).groups() for a in runs] == [(str(i), "4") for i in range(1, 5)]
    xs = [mark_x(a) for a in runs]
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    assert gaps == pytest.approx([gaps[0]] * 3, abs=0.2)
    assert "Health check" not in items(across(views(site)["Scale"]), "run")
    assert len(items(across(views(site)["Scale"]), "run")["Nudges"]) == 12  # every 30 days: 30 … 360
    assert len(items(down(views(site)["Enterprise"]), "run")["Health check"]) == 4


def test_the_runs_of_a_schedule_start_with_its_stage_and_end_with_it():
    """Unit: a stage with a span moves the first run and stops the last (no MkDocs)."""
    handbook, journey = _journey({"stages/adoption.md": "---\nkind: stage\ntitle: Adoption\nowner: cs\norder: 2\n"
                                  "duration: day 90-300\n---\n"})
    runs = [p for p in tl.build(handbook, journey).points if p.kind == tl.RUN_POINT and p.entity.id == "health-check"]
    assert [p.days[0] for p in runs] == [180, 270]


def test_a_handoff_is_an_arrow_from_lane_to_lane_where_the_next_stage_starts(site):
    for svg in (across(views(site)["Enterprise"]), down(views(site)["Enterprise"])):
        arrows = items(svg, "arrow")["Onboarding to Customer Success"]
        assert len(arrows) == 1
        assert "Onboarding → Customer Success" in tip(arrows[0]) and "Go-live report" in tip(arrows[0])
        assert link_target(TIMELINE, arrows[0].attrs["href"]) == "handoffs/to-cs/index.html"
    handbook, journey = _journey()
    (arrow,) = tl.build(handbook, journey).arrows
    assert arrow.day == 102  # adoption has no span: its first milestone's due


def test_stages_are_bands_with_the_systems_they_use(site):
    svg = across(views(site)["Enterprise"])
    bands = items(svg, "stage")
    assert set(bands) == {"Onboarding", "Adoption"}
    assert "days 0–90" in tip(bands["Onboarding"][0])
    table = views(site)["Enterprise"].find("table", "jsite-tl-stages")
    assert [row.find("td").text() for row in table.find("tbody").find_all("tr")] == ["Onboarding", "Adoption"]


def test_what_has_no_date_is_listed_with_its_text_as_written(site):
    view = views(site)["Enterprise"]
    undated = view.find("ul", "jsite-tl-unplaced").text()
    assert "Renewal ready (milestone) due: When the customer is <i>ready</i> — no date we can read" in undated
    assert "Welcome, step 3 within 2 business days" in undated
    signals = view.find("ul", "jsite-tl-signals").text()
    assert "Low usage" in signals and "starts on a signal" in signals
    assert "Renewal ready" not in " ".join(tip(a) for a in across(view).find_all("a"))


def test_every_link_on_the_timeline_resolves(site):
    content = article(site, TIMELINE)
    hrefs = [a.attrs["href"] for a in content.find_all("a") if a.attrs.get("href", "").startswith(".")]
    assert len(hrefs) > 20
    for href in hrefs:
        target = site / link_target(TIMELINE, href)
        assert target.is_file() or (target / "index.html").is_file(), href
    milestone = items(across(views(site)["Enterprise"]), "milestone")["Kickoff held"][0]
    assert link_target(TIMELINE, milestone.attrs["href"]) == "milestones/kickoff/index.html"


def test_hostile_titles_are_text_and_the_svg_has_no_script(site):
    raw = (site / TIMELINE).read_text(encoding="utf-8")
    assert "<img src=x" not in raw and "<b>cake" not in raw and "<i>ready" not in raw
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; Co" in raw
    svg_texts = [t.text() for t in across(views(site)["Enterprise"]).find_all("text")]
    assert any(HOSTILE[:20] in t for t in svg_texts)
    drawings = re.findall(r"<svg [^>]*class=\"jsite-tl-svg\".*?</svg>", raw, re.DOTALL)
    assert len(drawings) == 4  # two segments, two layouts each
    for drawing in drawings:  # the diagrams' sanitiser finds nothing to drop
        assert sanitise.diagram_svg(drawing).count("<") == drawing.count("<")
    for svg in article(site, TIMELINE).find_all("svg"):
        tags = {n.tag for n in svg.elements()}
        assert not tags & {"script", "foreignobject", "iframe", "img"}, tags
        assert not any(k.startswith("on") for n in svg.elements() for k in n.attrs)


def test_without_segments_there_is_one_view_and_no_tabs(tmp_path):
    pages = {
        name: re.sub(r"\n *segments: \[\w+\]", "", text)
        for name, text in PAGES.items()
        if not name.startswith("segments/")
    }
    content = article(built(tmp_path / "handbook", pages), TIMELINE)
    assert content.find("div", "jsite-timeline-tabs") is None
    assert len(content.find_all("div", "jsite-timeline")) == 1


def _journey(replace: dict[str, str] | None = None):
    """The handbook of PAGES (with ``replace``) read by the pipeline, and its Enterprise journey."""
    import tempfile
    import textwrap

    with tempfile.TemporaryDirectory() as folder:
        docs = Path(folder)
        for name, text in {**PAGES, **(replace or {})}.items():
            (docs / name).parent.mkdir(parents=True, exist_ok=True)
            (docs / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        result = pipeline.run(docs)
    journey = next(j for j in result.handbook.journeys if j.segment_id == "enterprise")
    return result.handbook, journey


# ---- in Chromium, on the shipped handbook ----------------------------------------------------------

WIDTHS = (1440, 390)


@pytest.fixture(scope="module")
def shipped_url(tmp_path_factory) -> Iterator[str]:
    with shipped_site(tmp_path_factory.mktemp("shipped-timeline")) as url:
        yield url


MEASURE = """() => {
  const visible = [...document.querySelectorAll('article svg.jsite-tl-svg')]
    .filter(s => s.getBoundingClientRect().width > 0);
  return visible.map(svg => {
    const frame = svg.parentElement, box = svg.getBoundingClientRect(), outer = frame.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
      .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
    return {scale, smallest: Math.min(...sizes), texts: sizes.length, frameRight: outer.right,
            fits: box.width <= frame.clientWidth + 0.5, scrolls: ['auto', 'scroll'].includes(getComputedStyle(frame).overflowX)};
  });
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_the_timeline_fits_or_scrolls_in_its_frame_and_its_text_is_legible(browser, shipped_url, width, tmp_path):
    segments = sorted(shipped("segments").values(), key=lambda s: (s.get("order", 0), s["title"]))
    with offline_tab(browser) as tab:
        tab.set_viewport_size({"width": width, "height": 900})
        open_page(tab, shipped_url, "journey/timeline/")
        for segment in segments:
            tab.locator("article .tabbed-labels label", has_text=segment["title"]).first.click()
            tab.wait_for_timeout(100)
            drawn = tab.evaluate(MEASURE)
            assert len(drawn) == 1, f"{len(drawn)} timelines visible at once in {segment['title']}"
            (svg,) = drawn
            assert svg["texts"] > 10, f"{segment['title']}: the timeline is nearly empty"
            assert svg["smallest"] >= 11 - 0.01, f"{segment['title']} at {width} px: text at {svg['smallest']:.2f} px"
            assert svg["fits"] or svg["scrolls"], f"{segment['title']} at {width} px overflows its frame"
            assert svg["frameRight"] <= width + 0.5
            page_width = tab.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            assert page_width[0] <= page_width[1], f"the page overflows at {width} px: {page_width}"
            tab.screenshot(path=str(tmp_path / f"timeline-{segment['title']}-{width}.png"), full_page=True)
        assert tab.errors == []


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_clicking_a_milestone_on_the_timeline_opens_its_page(browser, shipped_url, width):
    titles = {f"milestones/{mid}/": data["title"] for mid, data in shipped("milestones").items()}
    with offline_tab(browser) as tab:
        tab.set_viewport_size({"width": width, "height": 900})
        open_page(tab, shipped_url, "journey/timeline/")
        label = tab.locator("article svg.jsite-tl-svg:visible a.jsite-tl-milestone text.jsite-tl-label").first
        label.scroll_into_view_if_needed()
        href = label.evaluate("t => t.closest('a').getAttribute('href')")
        target = next(path for path in titles if href.rstrip("/").endswith(path.rstrip("/")))
        label.click()
        tab.wait_for_url(re.compile(re.escape(target) + "$"))
        assert heading(tab) == titles[target]
        assert tab.errors == []
