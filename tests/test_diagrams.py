"""Journey diagrams (SPEC §4): the DOT built from the model, real Graphviz renders, the content cache, a
missing, failing or hanging ``dot``, hostile titles, and the SVG as it is inlined in the built pages.

The DOT tests are unit tests on ``diagrams.all_diagrams`` (no MkDocs). The rest run the real ``dot`` and real
``mkdocs build`` subprocesses on small handbooks written in ``tmp_path``; ``dot`` is replaced by shell
scripts on ``PATH`` where a test needs to count, break or remove it.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import stat
import subprocess
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from browser_support import (
    ROOT,
    Node,
    build_env,
    h1,
    is_relative,
    link_target,
    mkdocs_build,
    page,
    parse_html,
    write_handbook,
    write_tree,
)

from journeysite.core import pipeline, relations
from journeysite.core.analysis import gaps
from journeysite.core.settings import Settings
from journeysite.render.diagrams import dot as diagrams
from journeysite.render.diagrams.drawing import DotRenderer

REAL_DOT = shutil.which("dot")
GAP_COLOUR = "#d32f2f"
SVG_NS = "{http://www.w3.org/2000/svg}"


def require_dot() -> str:
    """The real Graphviz ``dot``: the diagram tests need it (they fail without it in CI, else skip)."""
    if REAL_DOT:
        return REAL_DOT
    message = "Graphviz's dot is missing: install Graphviz (sudo apt-get install graphviz) to run the diagram tests"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


# ---- writing small handbooks ---------------------------------------------------------------------------------


def fm(kind: str, **fields) -> str:
    """An entity page from front-matter fields (a trailing ``_`` is dropped: ``from_``)."""
    front = {"kind": kind, **{name.rstrip("_"): value for name, value in fields.items()}}
    return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n"


def team(title: str) -> str:
    return fm("team", title=title)


def stage(title: str, owner: str, order: int, **fields) -> str:
    return fm("stage", title=title, owner=owner, order=order, **fields)


def milestone(title: str, owner: str, stage_id: str, order: int, **fields) -> str:
    return fm("milestone", title=title, owner=owner, stage=stage_id, order=order, **fields)


def playbook(title: str, owner: str, stages: list[str], trigger: dict, **fields) -> str:
    return fm("playbook", title=title, owner=owner, type="lifecycle", stages=stages, trigger=trigger, **fields)


def handoff(title: str, giver: str, receiver: str, **fields) -> str:
    return fm("handoff", title=title, owner=giver, from_=giver, to=receiver, artifacts=["Notes"], **fields)


# One journey, no segments: lead (Sales) → [legacy, retired] → setup (Onboarding) → value (Customer Success).
# Gaps: setup → value (its only handoff is retired) and, inside setup, connected → live (Onboarding to CS).
# Covered: lead → setup by "Sales to Onboarding"; first-value → renewal by "Renewal handover".
JOURNEY = {
    "teams/sales.md": team("Sales"),
    "teams/onboarding.md": team("Onboarding"),
    "teams/success.md": team("Customer Success"),
    "stages/lead.md": stage("Lead", "sales", 1),
    "stages/legacy.md": stage("Legacy stage", "success", 2, status="retired"),
    "stages/setup.md": stage("Setup", "onboarding", 3, summary="The customer goes live."),
    "stages/value.md": stage("Value", "success", 4),
    "milestones/signed.md": milestone("Contract signed", "sales", "lead", 1),
    "milestones/ghost.md": milestone("Ghost milestone", "success", "legacy", 1),
    # File names sort connected < kickoff < live < old-check; the order is kickoff, (old-check), connected, live.
    "milestones/kickoff.md": milestone("Kickoff held", "onboarding", "setup", 1),
    "milestones/old-check.md": milestone("Old check", "onboarding", "setup", 2, status="retired"),
    "milestones/connected.md": milestone("Data connected", "onboarding", "setup", 3),
    "milestones/live.md": milestone("Go-live", "success", "setup", 4),
    "milestones/first-value.md": milestone("First value", "success", "value", 1),
    "milestones/renewal.md": milestone("Renewal signed", "sales", "value", 2),
    "handoffs/sales-to-onboarding.md": handoff("Sales to Onboarding", "sales", "onboarding",
                                               from_stage="lead", to_stage="setup"),
    "handoffs/old-setup-to-value.md": handoff("Retired handover", "onboarding", "success",
                                              from_stage="setup", to_stage="value", status="retired"),
    "handoffs/renewal-handover.md": handoff("Renewal handover", "success", "sales", milestone="first-value"),
    "playbooks/welcome.md": playbook("Welcome", "sales", ["lead"], {"milestone": "signed"}),
    "playbooks/kickoff-plan.md": playbook("Kickoff plan", "onboarding", ["setup"], {"milestone": "kickoff"}),
    "playbooks/old-kickoff.md": playbook("Old kickoff", "onboarding", ["setup"], {"milestone": "kickoff"},
                                         status="retired"),
    # Lists a milestone but is triggered by a schedule: not a playbook the milestone triggers.
    "playbooks/health-review.md": playbook("Health review", "success", ["setup"], {"schedule": "every 90 days"},
                                           milestones=["connected"]),
}
JOURNEY_STAGES = ["lead", "setup", "value"]
JOURNEY_MILESTONES = {"lead": ["signed"], "setup": ["kickoff", "connected", "live"], "value": ["first-value", "renewal"]}

# Two segments: "onsite" only for big, so small goes buy → grow, with its own handoff; grow has one milestone
# per segment. No warning at all: every change of owner has a handoff on every journey.
CLEAN = {
    "index.md": "# Clean handbook\n",
    "teams/sales.md": team("Sales"),
    "teams/success.md": team("Customer Success"),
    "segments/big.md": fm("segment", title="Big accounts", owner="success", touch="high"),
    "segments/small.md": fm("segment", title="Small accounts", owner="success", touch="tech"),
    "stages/buy.md": stage("Buy", "sales", 1),
    "stages/onsite.md": stage("Onsite training", "success", 2, segments=["big"]),
    "stages/grow.md": stage("Grow", "success", 3),
    "stages/renew.md": stage("Renew", "success", 4),
    "milestones/signed.md": milestone("Contract signed", "sales", "buy", 1),
    "milestones/trained.md": milestone("Admins trained", "success", "onsite", 1),
    "milestones/first-use.md": milestone("First use", "success", "grow", 1),
    "milestones/exec-review.md": milestone("Executive review", "success", "grow", 2, segments=["big"]),
    "milestones/self-serve.md": milestone("Self-serve adoption", "success", "grow", 3, segments=["small"]),
    "milestones/renewed.md": milestone("Renewed", "success", "renew", 1),
    "handoffs/buy-to-onsite.md": handoff("Buy to onsite", "sales", "success", from_stage="buy", to_stage="onsite"),
    "handoffs/buy-to-grow.md": handoff("Buy to grow", "sales", "success", from_stage="buy", to_stage="grow",
                                       segments=["small"]),
}
CLEAN_NAMES = {"journey", "segment-big", "segment-small", "stage-buy", "stage-onsite", "stage-grow", "stage-renew",
               "team-sales", "team-success"}
CLEAN_TITLES = {
    "journey": "The customer journey", "segment-big": "The Big accounts journey",
    "segment-small": "The Small accounts journey", "stage-buy": "The Buy stage",
    "stage-onsite": "The Onsite training stage", "stage-grow": "The Grow stage", "stage-renew": "The Renew stage",
    "team-sales": "Sales's moments in the journey", "team-success": "Customer Success's moments in the journey",
}


def handbook_of(tmp_path: Path, files: dict[str, str]):
    """Load a handbook written into tmp_path/docs; return (handbook, relations)."""
    docs = tmp_path / "docs"
    write_tree(docs, files)
    result = pipeline.run(docs)
    assert result.errors == [], [f"{d.file}:{d.line}: {d.message}" for d in result.errors]
    return result.handbook, relations.build(result.handbook)


def render_all(renderer: DotRenderer, sources: dict[str, str]):
    """Render every DOT source as a build does (start them all, then wait), by name."""
    try:
        return {name: future.result() for name, future in renderer.start_all(sources).items()}
    finally:
        renderer.close()


def reported_gaps(handbook) -> frozenset[str]:
    """What the gap analysis reports at the default settings (``gaps: warn``)."""
    return gaps.missing_handoffs(pipeline.findings(handbook, Settings(), []))


def diagrams_of(tmp_path: Path, files: dict[str, str]) -> dict[tuple[str, str | None], diagrams.Diagram]:
    handbook, rel = handbook_of(tmp_path, files)
    return diagrams.all_diagrams(handbook, rel, reported_gaps(handbook))


# ---- reading DOT: the subset the graphviz package writes --------------------------------------------------------


@dataclass
class DotNode:
    name: str
    attrs: dict[str, str]
    cluster: str | None  # the innermost cluster it was declared in


@dataclass
class DotEdge:
    tail: str
    head: str
    attrs: dict[str, str]

    @property
    def label(self) -> str:
        return label_text(self.attrs.get("label", ""))

    def between(self) -> tuple[str, str]:
        """What the edge means: (before, after), as node names, or cluster names for a stage transition.
        Edges point forward (no ``dir=back``: test_edges_point_forward_and_layout_edges_are_invisible)."""
        return self.attrs.get("ltail", self.tail), self.attrs.get("lhead", self.head)

    @property
    def invisible(self) -> bool:
        """An edge that only places nodes (a stage's heading above its rows, a row above the next)."""
        return self.attrs.get("style") == "invis"

    @property
    def is_gap(self) -> bool:
        return self.label == "gap: no handoff"


@dataclass
class Dot:
    name: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    clusters: dict[str, dict[str, str]] = field(default_factory=dict)  # in order of declaration
    nodes: dict[str, DotNode] = field(default_factory=dict)
    edges: list[DotEdge] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)  # the nodes of each `rank=same` subgraph, in order
    defaults: dict[str, dict[str, str]] = field(default_factory=dict)  # `node [...]`, `edge [...]`

    def members(self, cluster: str) -> list[str]:
        return [n.name for n in self.nodes.values() if n.cluster == cluster]

    def rows_of(self, cluster: str) -> list[list[str]]:
        """The rows (rank=same subgraphs) of a cluster, top to bottom as declared."""
        return [row for row in self.rows if row and self.nodes[row[0]].cluster == cluster]

    def visible_edges(self) -> list[DotEdge]:
        return [e for e in self.edges if not e.invisible]

    def text(self) -> str:
        """Every label of the graph as text, for "is this title anywhere" checks."""
        labels = [c.get("label", "") for c in self.clusters.values()] + [n.attrs.get("label", "") for n in self.nodes.values()]
        labels += [e.attrs.get("label", "") for e in self.edges]
        return " | ".join(label_text(v) for v in labels)


_TOKEN = re.compile(r'\s+|(?P<arrow>->)|(?P<punct>[{}\[\];=,])|(?P<quoted>"(?:[^"\\]|\\.)*")|(?P<html><)'
                    r"|(?P<id>[A-Za-z0-9_.#\-]+)", re.DOTALL)


def _tokens(source: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(source):
        m = _TOKEN.match(source, i)
        assert m, f"cannot read the DOT at {source[i:i + 40]!r}"
        if m.lastgroup == "html":  # a balanced <...> HTML-like label
            depth, j = 0, i
            while True:
                depth += {"<": 1, ">": -1}.get(source[j], 0)
                j += 1
                if depth == 0:
                    break
            found.append(("html", source[i:j]))
            i = j
            continue
        if m.lastgroup == "quoted":
            found.append(("value", m.group()[1:-1].replace('\\"', '"')))
        elif m.lastgroup == "id":
            found.append(("value", m.group()))
        elif m.lastgroup:
            found.append(("punct", m.group()))
        i = m.end()
    return found


def parse_dot(source: str) -> Dot:
    """Clusters (with their attributes), nodes (with their cluster), edges: enough to check what is drawn."""
    tokens = _tokens(source)
    dot = Dot()
    assert tokens[0] == ("value", "digraph"), source[:60]
    dot.name = tokens[1][1]
    pos = 3

    def attr_list(pos: int) -> tuple[dict[str, str], int]:
        attrs: dict[str, str] = {}
        pos += 1  # [
        while tokens[pos] != ("punct", "]"):
            key, value = tokens[pos][1], tokens[pos + 2][1]
            attrs[key] = value
            pos += 3
            if tokens[pos] == ("punct", ","):
                pos += 1
        return attrs, pos + 1

    def body(pos: int, cluster: str | None, attrs: dict[str, str], declared: list[str]) -> int:
        while tokens[pos] != ("punct", "}"):
            kind, value = tokens[pos]
            following = tokens[pos + 1] if pos + 1 < len(tokens) else ("", "")
            if (kind, value) == ("punct", ";"):
                pos += 1
            elif value in ("graph", "node", "edge") and following == ("punct", "["):
                found, pos = attr_list(pos + 1)
                if value == "graph":
                    attrs.update(found)
                elif cluster is None:
                    dot.defaults.setdefault(value, {}).update(found)
            elif value == "subgraph" or (kind, value) == ("punct", "{"):
                name = ""
                if value == "subgraph":
                    pos += 1
                    if tokens[pos][0] != "punct":
                        name, pos = tokens[pos][1], pos + 1
                inner_cluster, inner_attrs, inner_declared = cluster, {}, []
                if name.startswith("cluster"):
                    inner_cluster = name
                    dot.clusters[name] = inner_attrs
                pos = body(pos + 1, inner_cluster, inner_attrs, inner_declared)
                if inner_attrs.get("rank") == "same":
                    dot.rows.append(inner_declared)
            elif following == ("punct", "="):
                attrs[value] = tokens[pos + 2][1]
                pos += 3
            elif following == ("punct", "->"):
                head = tokens[pos + 2][1]
                pos += 3
                edge_attrs: dict[str, str] = {}
                if tokens[pos] == ("punct", "["):
                    edge_attrs, pos = attr_list(pos)
                dot.edges.append(DotEdge(value, head, edge_attrs))
            else:
                pos += 1
                node_attrs: dict[str, str] = {}
                if tokens[pos] == ("punct", "["):
                    node_attrs, pos = attr_list(pos)
                if value in dot.nodes:
                    dot.nodes[value].attrs.update(node_attrs)
                else:
                    dot.nodes[value] = DotNode(value, node_attrs, cluster)
                    declared.append(value)
        return pos + 1

    body(pos, None, dot.attrs, [])
    return dot


def label_text(value: str) -> str:
    """The text a reader sees for a label: an HTML-like label's tags and line breaks gone, entities decoded."""
    if value.startswith("<") and value.endswith(">"):
        value = re.sub(r"<br\b[^>]*>", " ", value[1:-1])
        value = html.unescape(re.sub(r"<[^>]*>", "", value))
    return " ".join(value.split())


def node(kind: str, id: str) -> str:
    return re.sub(r"[^a-z0-9]", "_", f"{kind}_{id}")


def cluster(stage_id: str) -> str:
    return f"cluster_{node('stage', stage_id)}"


def heading(stage_id: str) -> str:
    """The node that writes a stage's title and owner as the first row of its box in a journey diagram."""
    return f"{node('stage', stage_id)}__title"


# ---- 1. the DOT built from the model ----------------------------------------------------------------------------


@pytest.fixture
def journey_diagrams(tmp_path) -> dict[tuple[str, str | None], diagrams.Diagram]:
    return diagrams_of(tmp_path, JOURNEY)


@pytest.fixture
def journey_dot(journey_diagrams) -> Dot:
    return parse_dot(journey_diagrams[("journey", None)].dot)


def test_every_diagram_of_the_site_is_built_and_retired_stages_have_none(journey_diagrams):
    assert sorted(journey_diagrams) == sorted([
        ("journey", None), ("stage", "lead"), ("stage", "setup"), ("stage", "value"),
        ("team", "onboarding"), ("team", "sales"), ("team", "success"),
    ])
    names = [d.name for d in journey_diagrams.values()]
    assert len(set(names)) == len(names), f"diagram names must be unique (they prefix SVG ids): {names}"


def test_journey_has_one_cluster_per_active_stage_in_journey_order(journey_dot):
    assert journey_dot.attrs["rankdir"] == "TB", "stages stack top to bottom: the width stays a few milestones"
    assert list(journey_dot.clusters) == [cluster(s) for s in JOURNEY_STAGES]
    for stage_id, attrs in zip(JOURNEY_STAGES, journey_dot.clusters.values(), strict=True):
        assert attrs["URL"] == f"jsite:stage:{stage_id}"
        # The title is a node, not the box's label: dot keeps handoff labels clear of a node, not of a label.
        assert label_text(attrs.get("label", "")) == "", stage_id
    # The stage's title and its owner, the first row of its box, each line aligned on the left.
    headings = [journey_dot.nodes[heading(s)] for s in JOURNEY_STAGES]
    assert [label_text(h.attrs["label"]) for h in headings] == [
        "Lead Sales", "Setup Onboarding", "Value Customer Success"], "stage title, then its owner"
    for stage_id, title in zip(JOURNEY_STAGES, headings, strict=True):
        assert title.cluster == cluster(stage_id) and journey_dot.members(cluster(stage_id))[0] == title.name
        assert title.attrs["shape"] == "plaintext" and title.attrs["URL"] == f"jsite:stage:{stage_id}"
        label = title.attrs["label"]
        assert label.startswith("<<b>") and label.endswith('<br align="left"/>>'), label
        assert label.count('<br align="left"/>') == 2 and "<br/>" not in label, label


def test_milestones_sit_inside_their_stage_cluster_in_order(journey_dot):
    for stage_id, milestones in JOURNEY_MILESTONES.items():
        assert journey_dot.members(cluster(stage_id)) == [heading(stage_id)] + [node("milestone", m) for m in milestones], \
            stage_id
        # At most three milestones a stage here: one row, read left to right in the journey's order.
        assert journey_dot.rows_of(cluster(stage_id)) == [[node("milestone", m) for m in milestones]], stage_id
    # Within a stage, one edge per consecutive pair, pointing from the earlier milestone to the later one.
    inside = {e.between() for e in journey_dot.visible_edges() if "lhead" not in e.attrs}
    expected = {(node("milestone", a), node("milestone", b))
                for ms in JOURNEY_MILESTONES.values() for a, b in zip(ms, ms[1:], strict=False)}
    assert inside == expected
    between = [e for e in journey_dot.visible_edges() if "lhead" in e.attrs]
    assert [e.between() for e in between] == [(cluster("lead"), cluster("setup")), (cluster("setup"), cluster("value"))]
    # From the first node of a stage's last row to the next stage's heading, clipped to both boxes.
    assert [(e.tail, e.head) for e in between] == [(node("milestone", "signed"), heading("setup")),
                                                   (node("milestone", "kickoff"), heading("value"))]


def test_edges_point_forward_and_layout_edges_are_invisible(journey_diagrams):
    for diagram in journey_diagrams.values():
        parsed = parse_dot(diagram.dot)
        assert not [e for e in parsed.edges if e.attrs.get("dir") == "back"], f"{diagram.name}: an edge drawn reversed"
        for edge in parsed.edges:
            if edge.invisible:
                assert not edge.label and "URL" not in edge.attrs, f"{diagram.name}: an invisible edge with meaning"
    journey = parse_dot(journey_diagrams[("journey", None)].dot)
    # The heading stacks above the stage's first row, and nothing else is invisible in a one-row stage.
    assert sorted((e.tail, e.head) for e in journey.edges if e.invisible) == sorted(
        (heading(s), node("milestone", ms[0])) for s, ms in JOURNEY_MILESTONES.items())


# A stage with seven milestones: rows of three (ROW), then three, then one.
ROWS = {
    "teams/sales.md": team("Sales"),
    "teams/success.md": team("Customer Success"),
    "stages/buy.md": stage("Buy", "sales", 1),
    "stages/grow.md": stage("Grow", "success", 2),
    "stages/renew.md": stage("Renew", "success", 3),
    "milestones/signed.md": milestone("Contract signed", "sales", "buy", 1),
    **{f"milestones/g{i}.md": milestone(f"Grow step {i}", "success", "grow", i) for i in range(1, 8)},
    "milestones/renewed.md": milestone("Renewed", "success", "renew", 1),
    "handoffs/buy-to-grow.md": handoff("Buy to grow", "sales", "success", from_stage="buy", to_stage="grow"),
    "playbooks/first-steps.md": playbook("First steps", "success", ["grow"], {"milestone": "g2"}),
}
GROW = [node("milestone", f"g{i}") for i in range(1, 8)]


def test_a_stages_milestones_sit_in_rows_of_three_read_left_to_right(tmp_path):
    assert diagrams.ROW == 3
    found = diagrams_of(tmp_path, ROWS)
    journey = parse_dot(found[("journey", None)].dot)
    assert journey.rows_of(cluster("grow")) == [GROW[0:3], GROW[3:6], GROW[6:7]]
    # The reading order is kept from row to row: g3 → g4 and g6 → g7 are real edges, but they do not
    # pull the rows together (constraint=false); within a row edges do place the nodes.
    edges = {(e.tail, e.head): e for e in journey.visible_edges()}
    for a, b in zip(GROW, GROW[1:], strict=False):
        same_row = GROW.index(a) // 3 == GROW.index(b) // 3
        assert edges[(a, b)].attrs.get("constraint") == ("true" if same_row else "false"), (a, b)
    # Heading, then each row's first milestone, stacked by invisible heavy edges.
    stacked = [(e.tail, e.head) for e in journey.edges if e.invisible and e.tail in [heading("grow"), *GROW]]
    assert stacked == [(heading("grow"), GROW[0]), (GROW[0], GROW[3]), (GROW[3], GROW[6])]
    # Grow's last row starts with g7: the edge to Renew leaves from there.
    out = next(e for e in journey.visible_edges() if e.attrs.get("lhead") == cluster("renew"))
    assert (out.tail, out.head, out.attrs["ltail"]) == (GROW[6], heading("renew"), cluster("grow"))

    stage_dot = parse_dot(found[("stage", "grow")].dot)
    assert stage_dot.attrs["rankdir"] == "TB"
    assert stage_dot.rows_of(cluster("grow")) == [GROW[0:3], GROW[3:6], GROW[6:7]]
    edges = {(e.tail, e.head): e for e in stage_dot.visible_edges()}
    assert edges[(node("stage", "buy"), GROW[0])].label == "Buy to grow", "the previous stage leads to the first"
    assert (GROW[6], node("stage", "renew")) in edges, "the next stage follows the first milestone of the last row"
    for a, b in zip(GROW, GROW[1:], strict=False):
        assert edges[(a, b)].attrs.get("constraint") == ("false" if GROW.index(b) % 3 == 0 else "true"), (a, b)
    # Rows stacked, and each triggered playbook kept below the last row (beside a lower row it would
    # widen the diagram and cross that row).
    invisible = [(e.tail, e.head) for e in stage_dot.edges if e.invisible]
    assert invisible[:2] == [(GROW[0], GROW[3]), (GROW[3], GROW[6])]
    assert all(tail == GROW[6] and head.startswith("playbook_") for tail, head in invisible[2:])


def test_rows_stages_and_neighbours_are_laid_out_top_to_bottom(tmp_path):
    """Rendered with the real dot: a row's milestones share a line, left to right; rows, headings and stages
    stack downwards on the left; a stage diagram has the previous stage above and the next below."""
    dot = require_dot()
    found = diagrams_of(tmp_path, ROWS)
    picked = {name: found[key] for name, key in (("journey", ("journey", None)), ("stage", ("stage", "grow")))}
    rendered = render_all(DotRenderer(tmp_path / "cache", dot=dot), {d.name: d.dot for d in picked.values()})
    journey, stage_svg = (centres(rendered[picked[n].name].svg) for n in ("journey", "stage"))
    rows = [GROW[0:3], GROW[3:6], GROW[6:7]]
    for svg_nodes in (journey, stage_svg):
        for row in rows:
            assert len({round(svg_nodes[n][1]) for n in row}) == 1, f"{row} is not one line"
            assert [svg_nodes[n][0] for n in row] == sorted(svg_nodes[n][0] for n in row), f"{row} not left to right"
        tops = [svg_nodes[row[0]][1] for row in rows]
        assert tops == sorted(tops) and len(set(tops)) == 3, "the rows stack downwards"
        assert abs(svg_nodes[GROW[0]][0] - svg_nodes[GROW[3]][0]) < 1 and \
            abs(svg_nodes[GROW[3]][0] - svg_nodes[GROW[6]][0]) < 1, "rows line up on the left"
    # The journey: heading above its first row; each stage below the one before.
    assert journey[heading("grow")][1] < journey[GROW[0]][1]
    assert journey[node("milestone", "signed")][1] < journey[heading("grow")][1]
    assert journey[GROW[6]][1] < journey[heading("renew")][1] < journey[node("milestone", "renewed")][1]
    # The stage: Buy above the milestones, Renew below them, a playbook below the milestone that triggers it.
    assert stage_svg[node("stage", "buy")][1] < stage_svg[GROW[0]][1]
    assert stage_svg[node("stage", "renew")][1] > stage_svg[GROW[6]][1]
    assert stage_svg[node("playbook", "first-steps")][1] > stage_svg[node("milestone", "g2")][1]


def centres(svg: str) -> dict[str, tuple[float, float]]:
    """Each node's centre in the rendered SVG (x to the right, y downwards), by its DOT name."""
    root = ET.fromstring(svg.encode("utf-8"))
    found = {}
    for group in root.iter(f"{SVG_NS}g"):
        if group.get("class") != "node":
            continue
        points = [float(v) for shape in group.iter() if shape.tag in (f"{SVG_NS}path", f"{SVG_NS}polygon")
                  for v in re.findall(r"-?\d+(?:\.\d+)?", shape.get("points", "") or shape.get("d", ""))]
        texts = [(float(t.get("x")), float(t.get("y"))) for t in group.iter(f"{SVG_NS}text")]
        if points:
            xs, ys = points[0::2], points[1::2]
            found[group.find(f"{SVG_NS}title").text] = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
        elif texts:  # a plaintext node (a stage's heading) draws no shape
            found[group.find(f"{SVG_NS}title").text] = (min(x for x, _ in texts), min(y for _, y in texts))
    return found


def test_retired_stages_and_milestones_are_not_drawn(journey_diagrams):
    for diagram in journey_diagrams.values():
        parsed = parse_dot(diagram.dot)
        for gone in ("Legacy stage", "Ghost milestone", "Old check", "Retired handover", "Old kickoff"):
            assert gone not in parsed.text(), f"{gone!r} (retired) in {diagram.name}"
        for gone in ("stage:legacy", "milestone:ghost", "milestone:old-check", "playbook:old-kickoff",
                     "handoff:old-setup-to-value"):
            assert f'"jsite:{gone}"' not in diagram.dot, f"{gone} (retired) in {diagram.name}"
        assert node("milestone", "ghost") not in parsed.nodes
        assert cluster("legacy") not in parsed.clusters


def test_nodes_are_filled_with_their_owner_teams_colour(tmp_path):
    handbook, rel = handbook_of(tmp_path, JOURNEY)
    colours = diagrams.team_colours(handbook)
    assert len({fill for fill, _ in colours.values()}) == 3, "three teams, three colours"
    parsed = parse_dot(diagrams.all_diagrams(handbook, rel, reported_gaps(handbook))[("journey", None)].dot)
    for stage_id, milestones in JOURNEY_MILESTONES.items():
        for milestone_id in milestones:
            owner = handbook.get("milestone", milestone_id).owner
            attrs = parsed.nodes[node("milestone", milestone_id)].attrs
            assert (attrs["fillcolor"], attrs["color"]) == colours[owner], milestone_id
            assert attrs["URL"] == f"jsite:milestone:{milestone_id}"
        stage_owner = handbook.get("stage", stage_id).owner
        assert parsed.clusters[cluster(stage_id)]["color"] == colours[stage_owner][1], stage_id
    # Go-live (Customer Success) and the other Setup milestones (Onboarding) differ in colour.
    assert parsed.nodes[node("milestone", "live")].attrs["fillcolor"] != \
        parsed.nodes[node("milestone", "kickoff")].attrs["fillcolor"]


def test_a_teams_colour_comes_from_its_id_and_stays_when_a_team_is_added(tmp_path):
    # Old scheme: colours by sorted position, so "alliances" (sorting first) shifted every team's colour.
    # It wants a colour no other team has here, so nobody's changes.
    assert len(diagrams.PALETTE) == 8 and diagrams.NEUTRAL not in diagrams.PALETTE
    assert all(fill != "#e2e2e2" for fill, _ in diagrams.PALETTE), "no grey: grey is what a diagram dims"
    before, _ = handbook_of(tmp_path / "before", JOURNEY)
    after, _ = handbook_of(tmp_path / "after", {**JOURNEY, "teams/alliances.md": team("Alliances")})
    old, new = diagrams.team_colours(before), diagrams.team_colours(after)
    assert {t: new[t] for t in old} == old, "adding a team changed other teams' colours"
    assert len(set(new.values())) == 4
    # Sales, Onboarding and Customer Success: three different colours.
    assert len(set(old.values())) == 3
    # As many colours as the palette has, all different; past that they are shared, never invented.
    many = {f"teams/t{i}.md": team(f"Team {i}") for i in range(len(diagrams.PALETTE) + 3)}
    nine, _ = handbook_of(tmp_path / "nine", dict(list(many.items())[: len(diagrams.PALETTE)]))
    assert sorted(diagrams.team_colours(nine).values()) == sorted(diagrams.PALETTE)
    twelve, _ = handbook_of(tmp_path / "twelve", many)
    assert set(diagrams.team_colours(twelve).values()) == set(diagrams.PALETTE)


def test_labels_wrap_short_and_read_at_12_and_11_points(tmp_path):
    files = {**JOURNEY,
             "milestones/connected.md": milestone("Customer data fully connected", "onboarding", "setup", 3),
             "handoffs/sales-to-onboarding.md": handoff("Sales to onboarding team", "sales", "onboarding",
                                                        from_stage="lead", to_stage="setup")}
    found = diagrams_of(tmp_path, files)
    journey = parse_dot(found[("journey", None)].dot)
    assert journey.defaults["node"]["fontsize"] == "12" and journey.defaults["edge"]["fontsize"] == "11"

    def lines(label: str) -> list[str]:
        return [label_text(f"<{line}>") for line in re.split(r"<br\b[^>]*>", label[1:-1]) if line]

    assert lines(journey.nodes[node("milestone", "connected")].attrs["label"]) == ["Customer data", "fully connected"]
    edge = next(e for e in journey.edges if e.attrs.get("URL") == "jsite:handoff:sales-to-onboarding")
    assert lines(edge.attrs["label"]) == ["Sales to", "onboarding team"], "handoff labels wrap at 18"
    for diagram in found.values():
        parsed = parse_dot(diagram.dot)
        for item in parsed.nodes.values():
            if item.name.startswith(("milestone_", "playbook_")):
                assert all(len(line) <= 18 for line in lines(item.attrs["label"])), (diagram.name, item)
        for item in parsed.edges:
            if item.attrs.get("URL", "").startswith("jsite:handoff:"):
                assert all(len(line) <= 18 for line in lines(item.attrs["label"])), (diagram.name, item)


def test_a_celebrated_milestone_has_a_star_and_the_legend_says_what_it_means(tmp_path):
    require_dot()
    files = {**CLEAN, "milestones/first-use.md": milestone("First use", "success", "grow", 1,
                                                           celebrate="A thank-you note to the champion")}
    found = diagrams_of(tmp_path, files)
    for key in (("journey", None), ("segment", "big"), ("stage", "grow"), ("team", "success")):
        diagram = found[key]
        first_use = parse_dot(diagram.dot).nodes[node("milestone", "first-use")]
        assert label_text(first_use.attrs["label"]) == f"{diagrams.CELEBRATED} First use", diagram.name
        assert diagram.celebrated, diagram.name
    assert label_text(parse_dot(found[("journey", None)].dot).nodes[node("milestone", "renewed")].attrs["label"]) == \
        "Renewed", "no star without `celebrate`"
    assert not found[("stage", "buy")].celebrated and not found[("stage", "renew")].celebrated
    root = write_handbook(tmp_path / "handbook", files)
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    for path, expected in (("journey/index.html", True), ("stages/renew/index.html", False)):
        legend = page(root / "site", path).find("figcaption", "jsite-legend")
        assert legend is not None, path
        assert ("celebrated moment of truth" in legend.text()) is expected, (path, legend.text())


def test_a_red_dashed_gap_edge_exactly_where_a_handoff_is_missing(journey_dot):
    gaps = {e.between() for e in journey_dot.edges if e.is_gap}
    assert gaps == {
        (cluster("setup"), cluster("value")),  # a stage transition: its only handoff is retired
        (node("milestone", "connected"), node("milestone", "live")),  # a milestone transition
    }
    for edge in journey_dot.edges:
        red = edge.attrs.get("color") == GAP_COLOUR
        dashed = "dashed" in edge.attrs.get("style", "")
        assert red == dashed == edge.is_gap, f"{edge} is red/dashed without being a gap, or the other way"


def test_a_covered_transition_is_labelled_with_its_handoff(journey_dot):
    labelled = {e.between(): (e.label, e.attrs.get("URL")) for e in journey_dot.edges if e.label and not e.is_gap}
    assert labelled == {
        (cluster("lead"), cluster("setup")): ("Sales to Onboarding", "jsite:handoff:sales-to-onboarding"),
        (node("milestone", "first-value"), node("milestone", "renewal")):
            ("Renewal handover", "jsite:handoff:renewal-handover"),
    }
    # A transition that keeps its owner needs no handoff: a plain edge.
    plain = [e for e in journey_dot.edges if e.between() == (node("milestone", "kickoff"), node("milestone", "connected"))]
    assert len(plain) == 1 and not plain[0].label and plain[0].attrs.get("color") != GAP_COLOUR


def test_every_diagram_asks_for_newrank(journey_diagrams, tmp_path):
    # Graphviz 2.43 aborts with "trouble in init_rank" on some clustered graphs without it (FACTS.md).
    every = list(journey_diagrams.values()) + list(diagrams_of(tmp_path / "clean", CLEAN).values())
    for diagram in every:
        assert parse_dot(diagram.dot).attrs.get("newrank") == "true", diagram.name


def test_segment_diagrams_show_only_that_segments_stages_and_milestones(tmp_path):
    found = diagrams_of(tmp_path, CLEAN)
    big = parse_dot(found[("segment", "big")].dot)
    small = parse_dot(found[("segment", "small")].dot)
    assert big.attrs["rankdir"] == small.attrs["rankdir"] == "TB"
    assert list(big.clusters) == [cluster(s) for s in ("buy", "onsite", "grow", "renew")]
    assert list(small.clusters) == [cluster(s) for s in ("buy", "grow", "renew")]
    assert big.rows_of(cluster("grow")) == [[node("milestone", "first-use"), node("milestone", "exec-review")]]
    assert small.rows_of(cluster("grow")) == [[node("milestone", "first-use"), node("milestone", "self-serve")]]
    assert big.members(cluster("grow")) == [heading("grow"), node("milestone", "first-use"),
                                            node("milestone", "exec-review")]
    assert small.members(cluster("grow")) == [heading("grow"), node("milestone", "first-use"),
                                              node("milestone", "self-serve")]
    assert "Onsite training" not in small.text() and "Admins trained" not in small.text()
    assert "Self-serve adoption" not in big.text()
    # Each segment's transitions carry that segment's handoffs.
    big_labels = {e.between(): e.label for e in big.edges if "lhead" in e.attrs}
    small_labels = {e.between(): e.label for e in small.edges if "lhead" in e.attrs}
    assert big_labels[(cluster("buy"), cluster("onsite"))] == "Buy to onsite"
    assert small_labels[(cluster("buy"), cluster("grow"))] == "Buy to grow"
    assert not [e for e in big.edges + small.edges if e.is_gap]
    whole = parse_dot(found[("journey", None)].dot)
    assert list(whole.clusters) == [cluster(s) for s in ("buy", "onsite", "grow", "renew")]
    assert whole.members(cluster("grow")) == [heading("grow")] + [
        node("milestone", m) for m in ("first-use", "exec-review", "self-serve")]


def test_a_segment_handoff_covers_only_its_segment(tmp_path):
    # buy → grow is covered for "small" only: without the handoff for "big"… but "big" never goes buy → grow.
    # Limit buy → onsite to "small" instead: "big" (the only segment with onsite) now has a gap.
    files = dict(CLEAN)
    files["handoffs/buy-to-onsite.md"] = handoff("Buy to onsite", "sales", "success", from_stage="buy",
                                                 to_stage="onsite", segments=["small"])
    found = diagrams_of(tmp_path, files)
    big = parse_dot(found[("segment", "big")].dot)
    assert {e.between() for e in big.edges if e.is_gap} == {(cluster("buy"), cluster("onsite"))}
    whole = parse_dot(found[("journey", None)].dot)
    assert {e.between() for e in whole.edges if e.is_gap} == {(cluster("buy"), cluster("onsite"))}, \
        "the whole journey shows every segment's gaps"


def test_the_whole_journey_shows_a_gap_that_only_a_segment_journey_has(tmp_path):
    # Without "Buy to grow", small accounts go from Buy (Sales) straight to Grow (Customer Success) with no
    # handoff: a missing-handoff finding. The whole journey promises "gaps from any segment's journey".
    files = {k: v for k, v in CLEAN.items() if k != "handoffs/buy-to-grow.md"}
    handbook, rel = handbook_of(tmp_path, files)
    found = diagrams.all_diagrams(handbook, rel, reported_gaps(handbook))
    small = parse_dot(found[("segment", "small")].dot)
    assert {e.between() for e in small.edges if e.is_gap} == {(cluster("buy"), cluster("grow"))}
    whole = parse_dot(found[("journey", None)].dot)
    gaps = {e.between() for e in whole.edges if e.is_gap}
    assert (cluster("buy"), cluster("grow")) in gaps, (
        f"the whole-journey diagram does not draw the Buy → Grow gap of the Small accounts journey "
        f"(gap edges drawn: {gaps})")


def test_stage_diagram_shows_neighbours_and_the_playbooks_its_milestones_trigger(journey_diagrams):
    setup = parse_dot(journey_diagrams[("stage", "setup")].dot)
    assert setup.attrs["rankdir"] == "TB"
    assert list(setup.clusters) == [cluster("setup")]
    assert setup.members(cluster("setup")) == [node("milestone", m) for m in JOURNEY_MILESTONES["setup"]]
    assert setup.rows_of(cluster("setup")) == [[node("milestone", m) for m in JOURNEY_MILESTONES["setup"]]]
    previous, following = setup.nodes[node("stage", "lead")], setup.nodes[node("stage", "value")]
    assert (label_text(previous.attrs["label"]), previous.attrs["URL"]) == ("Lead", "jsite:stage:lead")
    assert (label_text(following.attrs["label"]), following.attrs["URL"]) == ("Value", "jsite:stage:value")
    assert previous.cluster is None and following.cluster is None
    edges = {e.between(): e for e in setup.edges}
    into = edges[(node("stage", "lead"), node("milestone", "kickoff"))]
    assert (into.label, into.attrs.get("URL")) == ("Sales to Onboarding", "jsite:handoff:sales-to-onboarding")
    assert previous.attrs["shape"] == following.attrs["shape"] == "cds"
    # The way out leaves from the first milestone of the last row (the only row here): straight down.
    assert not [e for e in setup.edges if e.head == node("stage", "value") and e.tail != node("milestone", "kickoff")]
    out = edges[(node("milestone", "kickoff"), node("stage", "value"))]
    assert out.is_gap and out.attrs.get("color") == GAP_COLOUR, "Setup → Value has only a retired handoff"
    playbooks = {n.name: label_text(n.attrs["label"]) for n in setup.nodes.values() if n.attrs.get("URL", "").startswith("jsite:playbook:")}
    assert playbooks == {node("playbook", "kickoff-plan"): "Kickoff plan"}, \
        "only active playbooks triggered by a milestone (not retired ones, not ones that merely list it)"
    triggers = [e for e in setup.edges if e.label == "triggers"]
    assert [(e.tail, e.head) for e in triggers] == [(node("milestone", "kickoff"), node("playbook", "kickoff-plan"))]
    for other in ("Value", "Lead"):  # the neighbours' own milestones stay on their pages
        assert other in setup.text()
    assert "Contract signed" not in setup.text() and "First value" not in setup.text()

    first = parse_dot(journey_diagrams[("stage", "lead")].dot)
    assert node("stage", "setup") in first.nodes and not any(
        n.startswith("stage_") and n != node("stage", "setup") for n in first.nodes), "the first stage has no previous"
    assert {label_text(n.attrs["label"]) for n in first.nodes.values() if "playbook" in n.name} == {"Welcome"}
    last = parse_dot(journey_diagrams[("stage", "value")].dot)
    assert [n for n in last.nodes if n.startswith("stage_")] == [node("stage", "setup")], "the last stage has no next"


def test_stage_diagram_draws_the_handoffs_and_gaps_between_its_milestones(journey_diagrams):
    # The stage diagram draws the stage's own transitions as the journey diagram does: a missing handoff
    # between two of its milestones in red, a covered one labelled with its handoff.
    setup = parse_dot(journey_diagrams[("stage", "setup")].dot)
    edges = {e.between(): e for e in setup.edges}
    gap = edges[(node("milestone", "connected"), node("milestone", "live"))]
    assert gap.is_gap and gap.attrs.get("color") == GAP_COLOUR, (
        f"Data connected (Onboarding) → Go-live (Customer Success) has no handoff, but the Setup stage diagram "
        f"draws it as a plain edge: {gap.attrs}")
    value = parse_dot(journey_diagrams[("stage", "value")].dot)
    covered = {e.between(): e for e in value.edges}[(node("milestone", "first-value"), node("milestone", "renewal"))]
    assert covered.label == "Renewal handover", f"the Value stage diagram does not name its handoff: {covered.attrs}"


FOLDED_FILL = "#f2f2f2"
DIMMED = (diagrams.NEUTRAL[0], "#8a8a8a")  # fill and text of another team's milestone in a team's stage


def test_team_diagram_folds_other_teams_stages_and_greys_out_their_milestones(journey_diagrams):
    # Onboarding owns Setup and two of its milestones; Lead and Value hold nothing of Onboarding's.
    onboarding = parse_dot(journey_diagrams[("team", "onboarding")].dot)
    assert onboarding.attrs["rankdir"] == "TB"
    assert list(onboarding.clusters) == [cluster("setup")], "only the team's own stages are boxes"
    assert onboarding.members(cluster("setup")) == [heading("setup")] + [node("milestone", m) for m in
                                                                         JOURNEY_MILESTONES["setup"]]
    folded = {s: onboarding.nodes[node("stage", s)] for s in ("lead", "value")}
    assert {s: label_text(n.attrs["label"]) for s, n in folded.items()} == {
        "lead": "Lead · 1 milestone", "value": "Value · 2 milestones"}
    for stage_id, folded_node in folded.items():
        assert folded_node.cluster is None
        assert folded_node.attrs["fillcolor"] == FOLDED_FILL and folded_node.attrs["URL"] == f"jsite:stage:{stage_id}"
    for hidden in ("signed", "first-value", "renewal"):  # a folded stage's milestones are not drawn
        assert node("milestone", hidden) not in onboarding.nodes
    assert "Contract signed" not in onboarding.text() and "First value" not in onboarding.text()
    fills = {m: onboarding.nodes[node("milestone", m)].attrs for m in JOURNEY_MILESTONES["setup"]}
    # The team's milestones in its colour, as on the whole journey; another team's in the same stage dimmed.
    colour = parse_dot(journey_diagrams[("journey", None)].dot).nodes[node("milestone", "kickoff")].attrs["fillcolor"]
    assert colour not in (DIMMED[0], FOLDED_FILL)
    assert {fills[m]["fillcolor"] for m in ("kickoff", "connected")} == {colour}
    assert "fontcolor" not in fills["kickoff"] and "fontcolor" not in fills["connected"]
    assert (fills["live"]["fillcolor"], fills["live"]["fontcolor"]) == DIMMED, "Go-live is Customer Success's"
    # The stages still follow each other: a folded stage's edge ends at its node, a full one's at its box.
    between = [e for e in onboarding.visible_edges() if e.tail.startswith("stage_") or e.head.startswith("stage_")]
    ends = [(e.tail, e.attrs.get("ltail"), e.head, e.attrs.get("lhead")) for e in between]
    assert ends == [(node("stage", "lead"), None, heading("setup"), cluster("setup")),
                    (node("milestone", "kickoff"), cluster("setup"), node("stage", "value"), None)]
    assert journey_diagrams[("team", "onboarding")].teams == ("onboarding",), "the legend: the colours it draws"

    # Sales owns Lead, and the Renewal milestone of Value: both drawn in full; Setup folded.
    sales = parse_dot(journey_diagrams[("team", "sales")].dot)
    assert list(sales.clusters) == [cluster("lead"), cluster("value")]
    assert label_text(sales.nodes[node("stage", "setup")].attrs["label"]) == "Setup · 3 milestones"
    value = {m: sales.nodes[node("milestone", m)].attrs for m in JOURNEY_MILESTONES["value"]}
    assert (value["first-value"]["fillcolor"], value["first-value"]["fontcolor"]) == DIMMED
    assert value["renewal"]["fillcolor"] == sales.nodes[node("milestone", "signed")].attrs["fillcolor"] != DIMMED[0]


# ---- 2. the shipped handbook renders with the real dot ------------------------------------------------------------


def test_every_diagram_of_the_shipped_handbook_renders_with_the_real_dot(tmp_path):
    dot = require_dot()
    result = pipeline.run(ROOT / "content")
    assert result.errors == []
    handbook = result.handbook
    found = diagrams.all_diagrams(handbook, relations.build(handbook), result.gap_entities)
    segments = [s for s in handbook.of_kind("segment") if s.active]
    moves = 1 if any(s.texts("moves_to") for s in segments) else 0  # the segment moves diagram
    expected = 1 + len(segments) + len([s for s in handbook.stages if s.active]) + len(
        [t for t in handbook.of_kind("team") if t.active]) + moves
    assert len(found) == expected
    renderer = DotRenderer(tmp_path / "cache", dot=dot)
    rendered = render_all(renderer, {d.name: d.dot for d in found.values()})
    failures = {name: r.error for name, r in rendered.items() if r.svg is None}
    assert failures == {}
    assert renderer.runs == len(found) + 1  # each diagram in its own process, plus `dot -V`
    for diagram in found.values():
        root = ET.fromstring(rendered[diagram.name].svg.encode("utf-8"))
        assert root.tag == f"{SVG_NS}svg"
        nodes = root.findall(f".//{SVG_NS}g[@class='node']")
        assert nodes, f"{diagram.name} has no node"
        declared = {n for n in parse_dot(diagram.dot).nodes}
        assert {n.find(f"{SVG_NS}title").text for n in nodes} == declared, diagram.name
    # Rendered again from the cache: no dot at all.
    again = DotRenderer(tmp_path / "cache", dot=dot)
    assert all(r.from_cache for r in render_all(again, {d.name: d.dot for d in found.values()}).values())
    assert again.runs == 0


# ---- 3. the cache: a counting dot on PATH, real mkdocs builds ------------------------------------------------------


def executable(path: Path, script: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def counting_dot(bin_dir: Path, counter: Path, real: str) -> Path:
    """A ``dot`` that logs each start (its arguments and the graph's first line) and runs the real one."""
    return executable(bin_dir / "dot", f"""#!/bin/sh
if [ "$1" = "-V" ]; then
  echo "-V" >> '{counter}'
  exec '{real}' "$@"
fi
input=$(mktemp)
cat > "$input"
echo "$* $(head -n 1 "$input")" >> '{counter}'
'{real}' "$@" < "$input"
status=$?
rm -f "$input"
exit $status
""")


@dataclass
class Runs:
    """The lines the counting dot logged during one build."""

    lines: list[str]

    @property
    def version_checks(self) -> int:
        return self.lines.count("-V")

    @property
    def graphs(self) -> list[str]:
        """The graph names dot rendered (``digraph stage_buy {`` → ``stage_buy``)."""
        return [line.split()[2] for line in self.lines if line != "-V"]


def graph_name(diagram_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", diagram_name)


@pytest.fixture(scope="module")
def cache_builds(tmp_path_factory) -> dict:
    """The clean handbook built four times with a counting dot: cold, warm, after a title change, after a new dot."""
    real = require_dot()
    base = tmp_path_factory.mktemp("cache")
    root = write_handbook(base / "handbook", CLEAN)
    counter = base / "dot-runs.log"
    counting_dot(base / "bin", counter, real)
    env = build_env(PATH=f"{base / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    cache = root / ".cache" / "plugin" / "journeysite"
    steps: dict = {"root": root, "cache": cache}

    def build(step: str) -> None:
        counter.write_text("", encoding="utf-8")
        done = mkdocs_build(root, "--strict", env=env)
        assert done.returncode == 0, f"{step} build failed:\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr
        steps[step] = Runs(counter.read_text(encoding="utf-8").splitlines())
        steps[f"{step} svgs"] = sorted(p.name for p in cache.glob("*.svg"))

    build("cold")
    build("warm")
    onsite = root / "docs" / "stages" / "onsite.md"
    onsite.write_text(onsite.read_text(encoding="utf-8").replace("title: Onsite training",
                                                                 "title: Onsite enablement"), encoding="utf-8")
    build("changed")
    steps["changed html"] = (root / "site" / "journey" / "index.html").read_text(encoding="utf-8")
    # The same Graphviz behind another wrapper (a new size and mtime): dot -V again, and nothing else.
    counting_dot(base / "bin", counter, real).write_text(
        (base / "bin" / "dot").read_text(encoding="utf-8") + "# a newer wrapper\n", encoding="utf-8")
    build("new dot")
    return steps


def test_a_cold_build_runs_dot_once_per_diagram(cache_builds):
    runs = cache_builds["cold"]
    assert runs.version_checks == 1
    assert Counter(runs.graphs) == Counter(graph_name(n) for n in CLEAN_NAMES), runs.lines
    assert len(cache_builds["cold svgs"]) == len(CLEAN_NAMES)


def test_a_rebuild_with_nothing_changed_runs_dot_zero_times(cache_builds):
    assert cache_builds["warm"].lines == [], "no render and no `dot -V` when nothing changed"
    assert cache_builds["warm svgs"] == cache_builds["cold svgs"]


def test_changing_a_stage_title_re_renders_only_the_diagrams_that_show_it(cache_builds):
    # "Onsite training" (Big accounts only) is drawn in: the journey, the Big accounts journey, its own stage
    # diagram, its neighbours' stage diagrams (Buy's next, Grow's previous) and both team diagrams (each shows
    # the whole journey). Not in: the Small accounts journey, the Renew stage diagram.
    affected = {"journey", "segment-big", "stage-onsite", "stage-buy", "stage-grow", "team-sales", "team-success"}
    runs = cache_builds["changed"]
    assert runs.version_checks == 0
    assert len(runs.graphs) == len(affected) == 7
    assert sorted(runs.graphs) == sorted(graph_name(n) for n in affected)
    assert "Onsite enablement" in cache_builds["changed html"]


def test_stale_cache_entries_are_pruned(cache_builds):
    cold, changed = set(cache_builds["cold svgs"]), set(cache_builds["changed svgs"])
    assert len(changed) == len(CLEAN_NAMES), "one SVG per diagram: the stale ones are deleted"
    assert len(cold - changed) == 7 and len(cold & changed) == 2
    assert not list(cache_builds["cache"].glob("*.tmp")), "no temporary file left behind"


def test_a_new_dot_binary_is_asked_its_version_once(cache_builds):
    runs = cache_builds["new dot"]
    assert runs.version_checks == 1
    assert runs.graphs == [], "the same Graphviz version: the cached SVGs still hold"


def test_the_cache_lives_next_to_mkdocs_yml_not_in_the_docs_or_the_site(cache_builds):
    root = cache_builds["root"]
    assert (root / ".cache" / "plugin" / "journeysite" / "dot-version.json").is_file()
    assert not list((root / "docs").rglob("*.svg")) and not (root / "docs" / ".cache").exists()
    assert not (root / "site" / ".cache").exists()


# ---- 4. without dot, with a dot that fails, with a dot that hangs --------------------------------------------------


def warnings(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The WARNING lines of a build's log (MkDocs logs to stderr)."""
    return [line for line in (done.stdout + done.stderr).splitlines() if line.startswith("WARNING")]


@pytest.fixture(scope="module")
def no_dot(tmp_path_factory) -> dict:
    """The clean handbook built with no ``dot`` anywhere on PATH: without and with --strict."""
    base = tmp_path_factory.mktemp("nodot")
    root = write_handbook(base / "handbook", CLEAN)
    empty = base / "empty-bin"
    empty.mkdir()
    env = build_env(PATH=str(empty))
    lenient = mkdocs_build(root, env=env)
    site = {p.relative_to(root / "site").as_posix(): p.read_text(encoding="utf-8")
            for p in (root / "site").rglob("*.html")}
    strict = mkdocs_build(root, "--strict", env=env)
    return {"root": root, "lenient": lenient, "strict": strict, "site": site}


def test_without_dot_the_build_warns_once_and_says_how_to_install_graphviz(no_dot):
    done = no_dot["lenient"]
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    found = warnings(done)
    assert len(found) == 1, found
    warning = found[0]
    for hint in ("Graphviz", "apt-get install graphviz", "brew install graphviz", "winget install graphviz",
                 "diagrams: false"):
        assert hint in warning, f"{hint!r} not in {warning!r}"


def test_without_dot_a_strict_build_fails(no_dot):
    done = no_dot["strict"]
    assert done.returncode != 0
    assert "Graphviz" in done.stderr and "Traceback" not in done.stderr


def test_without_dot_pages_show_the_diagram_source(no_dot):
    for path, title, name in (("journey/index.html", "The customer journey", "journey"),
                              ("stages/onsite/index.html", "The Onsite training stage", "stage_onsite"),
                              ("segments/big/index.html", "The Big accounts journey", "segment_big")):
        content = parse_html(no_dot["site"][path]).find("article", "md-content__inner")
        details = content.find_all("details", "jsite-diagram-source")
        assert len(details) >= 1, f"{path}: no diagram source"
        first = details[0]
        summary = first.find("summary").text()
        assert title in summary and "Graphviz is not installed" in summary, summary
        code = first.find("code").text()
        assert code.startswith(f"digraph {name} {{"), code[:60]
        assert not content.find_all("svg"), f"{path}: an SVG without dot?"


def test_with_diagrams_off_there_is_no_warning_and_no_diagram(tmp_path):
    root = write_handbook(tmp_path / "handbook", CLEAN, options="diagrams: false")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    done = mkdocs_build(root, "--strict", env=build_env(PATH=str(empty)))
    assert done.returncode == 0, done.stderr
    assert warnings(done) == []
    for html_file in (root / "site").rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        assert "jsite-diagram" not in text and "digraph" not in text, html_file
    overview = page(root / "site", "journey/index.html")
    assert not overview.find_all("figure", "jsite-diagram") and not overview.find_all("details", "jsite-diagram-source")
    # (pages/ is the store of kept pages, test_build_cache; front-matter.parsed the parsed front matter,
    # test_parse_cache: nothing else, no drawing)
    cache = root / ".cache" / "plugin" / "journeysite"
    assert not cache.exists() or {p.name for p in cache.iterdir()} <= {"pages", "front-matter.parsed"}


def test_a_failing_dot_is_a_warning_per_diagram_with_its_stderr(tmp_path):
    require_dot()
    bin_dir = tmp_path / "bin"
    executable(bin_dir / "dot", "#!/bin/sh\necho 'dot: simulated crash in init_rank' >&2\nexit 1\n")
    root = write_handbook(tmp_path / "handbook", CLEAN)
    env = build_env(PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    done = mkdocs_build(root, env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    found = warnings(done)
    for title in CLEAN_TITLES.values():
        mine = [w for w in found if f"'{title}'" in w]
        assert len(mine) == 1, f"no single warning names {title!r}: {found}"
        assert "dot: simulated crash in init_rank" in mine[0] and "exit 1" in mine[0], mine[0]
    assert len(found) == len(CLEAN_TITLES)
    overview = page(root / "site", "journey/index.html")
    details = overview.find("details", "jsite-diagram-source")
    assert details is not None and "could not be drawn" in details.find("summary").text()
    assert "simulated crash" in details.find("summary").text()
    assert not list((root / ".cache" / "plugin" / "journeysite").glob("*.svg")), "a failure is not cached"


def test_a_hanging_dot_times_out_with_an_error(tmp_path):
    sleeper = executable(tmp_path / "bin" / "dot", "#!/bin/sh\nexec sleep 60\n")
    renderer = DotRenderer(tmp_path / "cache", dot=str(sleeper), timeout=1)
    start = time.monotonic()
    rendered = render_all(renderer, {"journey": "digraph journey { a -> b }"})
    elapsed = time.monotonic() - start
    error = rendered["journey"].error
    assert rendered["journey"].svg is None and error, rendered
    assert "did not finish within 1 second" in error, error
    assert elapsed < 15, f"the timeout did not stop dot: {elapsed:.1f} s"
    assert not list((tmp_path / "cache").glob("*.svg"))


def test_dot_output_that_is_not_svg_is_an_error(tmp_path):
    liar = executable(tmp_path / "bin" / "dot", "#!/bin/sh\ncat > /dev/null\necho 'not a picture'\n")
    rendered = render_all(DotRenderer(tmp_path / "cache", dot=str(liar)), {"journey": "digraph journey { a }"})
    assert rendered["journey"].svg is None and "dot failed" in (rendered["journey"].error or "")


# ---- 5. hostile titles ----------------------------------------------------------------------------------------------


HOSTILE_STAGE = 'Onboarding"] evil [label="x'
HOSTILE_MILESTONE = "<b>bold</b> \\N \\G"
HOSTILE_TEAM = 'R&D "core" team'
HOSTILE = {
    "index.md": "# Hostile handbook\n",
    "teams/rd.md": team(HOSTILE_TEAM),
    "stages/onboarding.md": stage(HOSTILE_STAGE, "rd", 1),
    "stages/adoption.md": stage("Adoption", "rd", 2),
    "milestones/bold.md": milestone(HOSTILE_MILESTONE, "rd", "onboarding", 1),
    "milestones/first-value.md": milestone("First value", "rd", "adoption", 1),
}


def svg_texts(svg: str) -> str:
    """Every text a reader sees in an SVG, in order, whitespace collapsed (XML entities decoded)."""
    root = ET.fromstring(svg.encode("utf-8"))
    return " ".join(" ".join(t.text or "" for t in root.iter(f"{SVG_NS}text")).split())


def svg_tooltips(svg: str) -> list[str]:
    root = ET.fromstring(svg.encode("utf-8"))
    return [a.get("{http://www.w3.org/1999/xlink}title", "") for a in root.iter(f"{SVG_NS}a")]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    dot = require_dot()
    base = tmp_path_factory.mktemp("hostile")
    docs = base / "docs"
    write_tree(docs, HOSTILE)
    result = pipeline.run(docs)
    assert result.errors == []
    found = diagrams.all_diagrams(result.handbook, relations.build(result.handbook), result.gap_entities)
    rendered = render_all(DotRenderer(base / "cache", dot=dot), {d.name: d.dot for d in found.values()})
    return {"diagrams": found, "rendered": rendered}


def test_hostile_titles_render_without_error(hostile):
    assert {name: r.error for name, r in hostile["rendered"].items() if r.svg is None} == {}


def test_hostile_titles_add_no_node_or_cluster(hostile):
    for diagram in hostile["diagrams"].values():
        parsed = parse_dot(diagram.dot)
        root = ET.fromstring(hostile["rendered"][diagram.name].svg.encode("utf-8"))
        nodes = {g.find(f"{SVG_NS}title").text for g in root.iter(f"{SVG_NS}g") if g.get("class") == "node"}
        clusters = {g.find(f"{SVG_NS}title").text for g in root.iter(f"{SVG_NS}g") if g.get("class") == "cluster"}
        assert nodes == set(parsed.nodes), diagram.name
        assert clusters == set(parsed.clusters), diagram.name
        assert "evil" not in nodes and not any("label" in n for n in nodes)
    journey = parse_dot(hostile["diagrams"][("journey", None)].dot)
    assert set(journey.nodes) == {node("milestone", "bold"), node("milestone", "first-value"),
                                  heading("onboarding"), heading("adoption")}
    assert label_text(journey.nodes[heading("onboarding")].attrs["label"]) == f"{HOSTILE_STAGE} {HOSTILE_TEAM}"
    assert list(journey.clusters) == [cluster("onboarding"), cluster("adoption")]


@pytest.mark.parametrize("title", [HOSTILE_STAGE, HOSTILE_TEAM, HOSTILE_MILESTONE])
def test_hostile_titles_show_literally_in_the_svg(hostile, title):
    svg = hostile["rendered"]["journey"].svg
    assert title in svg_texts(svg), f"{title!r} is not drawn as written; the SVG's texts: {svg_texts(svg)!r}"
    # In the SVG source the characters are XML entities, never markup.
    assert html.escape(title, quote=True).replace("&#x27;", "'").split()[0] in svg
    assert "<b>bold" not in svg


def test_hostile_titles_show_literally_in_tooltips(hostile):
    tooltips = svg_tooltips(hostile["rendered"]["journey"].svg)
    assert f"{HOSTILE_MILESTONE} (owner: {HOSTILE_TEAM})" in tooltips, tooltips
    assert f"{HOSTILE_STAGE} (owner: {HOSTILE_TEAM})" in tooltips, tooltips
    stage_svg = hostile["rendered"]["stage-onboarding"].svg
    assert "The " + HOSTILE_STAGE + " stage" in svg_tooltips(stage_svg)


def test_hostile_titles_reach_the_built_html_escaped(tmp_path):
    require_dot()
    root = write_handbook(tmp_path / "handbook", HOSTILE)
    done = mkdocs_build(root)
    assert done.returncode == 0, done.stderr
    site = root / "site"
    for html_file in site.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        assert "<b>bold</b>" not in text, f"raw <b>bold</b> from front matter in {html_file.relative_to(site)}"
        assert 'evil [label="x"' not in text
    assert h1(page(site, "milestones/bold/index.html")) == HOSTILE_MILESTONE
    assert h1(page(site, "stages/onboarding/index.html")) == HOSTILE_STAGE
    overview = page(site, "journey/index.html")
    svg = svgs(overview)[0]
    texts = " ".join(" ".join(t.text() for t in svg.find_all("text")).split())
    assert HOSTILE_TEAM in texts and "Onboarding\"] evil [label=\"x" in texts


# ---- 6. the SVG inlined in the built pages -----------------------------------------------------------------------


@pytest.fixture(scope="module", params=[True, False], ids=["directory-urls", "flat-urls"])
def small_site(request, tmp_path_factory) -> dict:
    """The small handbook from browser_support, built with and without directory URLs."""
    require_dot()
    root = write_handbook(tmp_path_factory.mktemp("inline") / "handbook", directory_urls=request.param)
    done = mkdocs_build(root, "--strict")
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    suffix = "/index.html" if request.param else ".html"
    return {"site": root / "site", "page": lambda stem: f"{stem}{suffix}" if stem != "journey" else "journey/index.html",
            "directory_urls": request.param}


def svgs(document: Node) -> list[Node]:
    """The diagrams' SVGs (not the theme's icons, which are inline SVGs too)."""
    return [svg for figure in document.find_all("figure", "jsite-diagram") for svg in figure.find_all("svg")]


def test_the_overview_has_the_journey_and_each_segment_page_its_own_diagram_with_unique_ids(small_site):
    site = small_site["site"]
    document = page(site, "journey/index.html")
    # One journey diagram on the overview (and the segment moves, when segments name moves: not here).
    assert [s.attrs.get("aria-label") for s in svgs(document)] == ["The customer journey"]
    pointers = [p for p in document.find_all("p") if p.text().startswith("Its journey diagram is on the page")]
    assert len(pointers) == 2, "each segment's tab on the overview says where that segment's diagram is"
    for stem, title in (("segments/enterprise", "Enterprise"), ("segments/scale", "Scale")):
        # The overview's segment tab points to the page that draws that segment's journey…
        links = [a for p in pointers for a in p.find_all("a") if a.text() == title]
        assert links, f"no link to the {title} page where its journey diagram is"
        target = link_target("journey/index.html", links[0].attrs["href"])
        assert target == small_site["page"](stem), target
        # …and that page has it.
        segment_page = page(site, target)
        assert [s.attrs.get("aria-label") for s in svgs(segment_page)] == [f"The {title} journey"], stem
        ids = [e.attrs["id"] for e in segment_page.elements() if "id" in e.attrs]
        duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
        assert duplicates == [], f"duplicate ids on {target}: {duplicates}"
    ids = [e.attrs["id"] for e in document.elements() if "id" in e.attrs]
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    assert duplicates == [], f"duplicate ids on the overview page: {duplicates}"


@pytest.mark.parametrize("stem", ["journey", "stages/onboarding", "segments/enterprise", "teams/onboarding"])
def test_every_id_inside_a_diagram_is_prefixed_and_local_references_resolve(small_site, stem):
    document = page(small_site["site"], small_site["page"](stem))
    found = svgs(document)
    assert found, f"{stem}: no diagram"
    ids = {e.attrs["id"] for e in document.elements() if "id" in e.attrs}
    prefixes = []
    for svg in found:
        inner_ids = [e.attrs["id"] for e in svg.elements() if "id" in e.attrs]
        assert len(inner_ids) > 2, "dot gives its groups ids"
        # One prefix per diagram: jsite-<diagram name>-, e.g. jsite-segment-enterprise-node1.
        prefix = os.path.commonprefix(inner_ids)
        prefix = prefix[: prefix.rfind("-") + 1]
        assert prefix.startswith("jsite-") and len(prefix) > len("jsite-"), inner_ids[:5]
        prefixes.append(prefix)
        for e in svg.elements():
            for name, value in e.attrs.items():
                local = [value[1:]] if name in ("href", "xlink:href") and value.startswith("#") else []
                for ref in re.findall(r"url\(#([^)]*)\)", value) + local:
                    assert ref in ids, f"{stem}: a reference to #{ref}, which is not on the page"
    all_ids = [e.attrs["id"] for e in document.elements() if "id" in e.attrs]
    assert len(all_ids) == len(set(all_ids)), f"{stem}: duplicate ids"
    assert len(prefixes) == len(set(prefixes)), f"{stem}: two diagrams share an id prefix: {prefixes}"


@pytest.mark.parametrize("stem", ["journey", "stages/onboarding", "segments/scale", "teams/customer-success"])
def test_diagram_nodes_link_to_existing_pages(small_site, stem):
    site = small_site["site"]
    path = small_site["page"](stem)
    raw = (site / path).read_text(encoding="utf-8")
    assert "jsite:" not in raw, "a jsite: link was left in the page"
    assert "<?xml" not in raw and "<!DOCTYPE svg" not in raw and "<!-- Generated by graphviz" not in raw
    targets = []
    for svg in svgs(page(site, path)):
        anchors = [a for a in svg.find_all("a") if a.attrs.get("href")]
        assert anchors, f"{path}: a diagram without links"
        for a in anchors:
            href = a.attrs["href"]
            assert is_relative(href), f"{path}: {href!r} is not a relative link"
            target = link_target(path, href)
            resolved = site / target
            if resolved.is_dir():
                resolved = resolved / "index.html"
            assert resolved.is_file() and not target.startswith(".."), f"{path}: {href!r} → {target} does not exist"
            targets.append(target.removesuffix("/index.html").removesuffix(".html").removesuffix("index.html"))
    if stem == "journey":
        assert {"stages/purchase", "stages/onboarding", "stages/adoption", "milestones/go-live",
                "milestones/kickoff-held", "handoffs/sales-to-onboarding"} <= set(targets), targets


def test_a_linked_milestone_node_opens_that_milestones_page(small_site):
    site = small_site["site"]
    path = small_site["page"]("journey")
    svg = svgs(page(site, path))[0]
    anchor = next(a for a in svg.find_all("a") if "go-live" in a.attrs.get("href", ""))
    assert "Go-live" in anchor.text()
    target = link_target(path, anchor.attrs["href"])
    target = target if target.endswith(".html") else target.rstrip("/") + "/index.html"
    assert h1(page(site, target)) == "Go-live"


def test_each_diagram_is_an_image_with_a_title(small_site):
    for stem, title in (("journey", "The customer journey"), ("stages/onboarding", "The Onboarding & implementation stage"),
                        ("teams/sales", "Sales's moments in the journey")):
        for svg in svgs(page(small_site["site"], small_site["page"](stem)))[:1]:
            assert svg.attrs.get("role") == "img"
            assert svg.attrs.get("aria-label") == title
            first = next(c for c in svg.children if isinstance(c, Node))
            assert first.tag == "title" and first.text() == title
            figure = next((a for a in svg.ancestors() if a.tag == "figure"), None)
            assert figure is not None and figure.has_class("jsite-diagram")


def test_tooltips_come_from_the_summary(small_site):
    svg = svgs(page(small_site["site"], small_site["page"]("journey")))[0]
    tips = [a.attrs.get("xlink:title", a.attrs.get("title", "")) for a in svg.find_all("a")]
    assert "The customer goes live. (owner: Onboarding)" in tips, tips  # a stage's summary and owner
    assert "Go-live (owner: Onboarding)" in tips, tips  # no summary: the title


def test_the_legend_names_the_owner_teams_with_links(small_site):
    document = page(small_site["site"], small_site["page"]("journey"))
    legend = document.find("figcaption", "jsite-legend")
    assert legend is not None
    names = [a.text() for a in legend.find_all("a")]
    assert names == ["Customer Success", "Onboarding", "Sales"], names


def test_a_build_without_dot_keeps_the_diagram_cache(tmp_path):
    """A CI job or a shell without Graphviz must not wipe the SVGs everyone else's builds reuse."""
    require_dot()
    root = write_handbook(tmp_path / "handbook", CLEAN)
    assert mkdocs_build(root).returncode == 0
    cache = root / ".cache" / "plugin" / "journeysite"
    before = sorted(p.name for p in cache.glob("*.svg"))
    assert before
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    done = mkdocs_build(root, env=build_env(PATH=str(empty)))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in cache.glob("*.svg")) == before


# ---- gaps: off draws no gap (issue: one analysis) -----------------------------------------------------------

GAP_HANDBOOK = {
    "teams/sales.md": "---\nkind: team\ntitle: Sales\n---\n",
    "teams/customer-success.md": "---\nkind: team\ntitle: Customer Success\n---\n",
    "stages/buy.md": "---\nkind: stage\ntitle: Buy\nowner: sales\norder: 1\n---\n",
    "stages/grow.md": "---\nkind: stage\ntitle: Grow\nowner: customer-success\norder: 2\n---\n",
    "milestones/signed.md": "---\nkind: milestone\ntitle: Signed\nowner: sales\nstage: buy\norder: 1\n---\n",
    "milestones/live.md": "---\nkind: milestone\ntitle: Live\nowner: customer-success\nstage: grow\norder: 1\n---\n",
}


@pytest.mark.parametrize(("gaps_setting", "drawn"), [("warn", True), ("off", False)])
def test_gaps_off_draws_no_gap_anywhere(project, gaps_setting, drawn):
    """Buy (Sales) → Grow (Customer Success) has no handoff. With `gaps: warn` the journey, stage and team
    diagrams and the overview flag it; with `gaps: off` the analysis reports nothing, and nothing is drawn
    or listed: no red edge, no legend swatch, no flag on the overview."""
    hb = project(f"gaps: {gaps_setting}")
    for path, text in GAP_HANDBOOK.items():
        hb.write(path, text)
    done = hb.build()
    assert done.returncode == 0, done.stderr
    site = hb.root / "site"
    pages = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    with_gap = sorted(name for name, html in pages.items() if "gap: no handoff" in html)
    swatch = sorted(name for name, html in pages.items() if "jsite-swatch-gap" in html)
    overview = pages["journey/index.html"]
    if drawn:
        assert {"journey/index.html", "stages/buy/index.html", "teams/sales/index.html"} <= set(with_gap)
        assert "journey/index.html" in swatch
        assert "jsite-handoff-missing" in overview
    else:
        assert with_gap == [] and swatch == []
        assert "jsite-handoff-missing" not in overview
