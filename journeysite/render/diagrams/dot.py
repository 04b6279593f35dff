"""Journey diagrams as DOT: the whole journey, each segment's, each stage's, and each team's moments.

Every text from front matter reaches DOT only through ``_label`` (an HTML-like label, HTML-escaped)
or ``_quoted`` (a quoted string with backslashes and quotes escaped), so no title can alter a diagram.
Links are written as ``jsite:<kind>:<id>`` and replaced per page when the SVG is inlined.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

from journeysite.core.analysis.gaps import moves, segment_handoffs
from journeysite.core.analysis.journeys import Journey
from journeysite.core.model import Entity, Handbook
from journeysite.core.relations import Relations
from journeysite.render.diagrams import dot_source

LINK_SCHEME = "jsite:"
# Fills readable with dark text, and a darker stroke of each, of hues far enough apart to tell apart
# (no grey: grey is for what a diagram dims); each team's is picked by its id (team_colours).
PALETTE = (
    ("#cfe2ff", "#2f5fa8"),  # blue
    ("#cdeccf", "#2e7d32"),  # green
    ("#ffd6a5", "#c05600"),  # orange
    ("#e3d5f7", "#6a3fa0"),  # purple
    ("#f9c9cf", "#b3261e"),  # red
    ("#c4ecef", "#00796b"),  # teal
    ("#fff1a8", "#8a6d00"),  # yellow
    ("#f6cdea", "#a0307f"),  # magenta
)
NEUTRAL = ("#ffffff", "#9e9e9e")
GAP_COLOUR = "#d32f2f"
# Before a milestone whose moment of truth is celebrated (it has `celebrate`), in diagrams and legends.
CELEBRATED = "★"
# Journey diagrams show at most this many milestones per stage (plus any at a change of owner):
# the picture stays readable, and dot's time stays bounded on a large handbook.
MAX_MILESTONES = 10
# Milestones side by side in a stage of a journey diagram: rows of three keep it within a page's column.
ROW = 3
_FONT = "Helvetica,Arial,sans-serif"


@dataclass(frozen=True)
class Diagram:
    """A diagram to render: its name (unique in the site, used for SVG ids), accessible title and DOT,
    with what its legend shows: the teams whose colours it uses (by id) and whether it draws a gap."""

    name: str
    title: str
    dot: str
    teams: tuple[str, ...] = ()
    gap: bool = False
    celebrated: bool = False  # it marks a milestone whose success is celebrated (CELEBRATED)


@dataclass
class _Colours:
    """The team colours one diagram draws with, remembering which it used and whether it drew a gap."""

    by_team: dict[str, tuple[str, str]]
    used: set[str] = field(default_factory=set)
    gap: bool = False
    celebrated: bool = False

    def of(self, team_id: str | None) -> tuple[str, str]:
        if team_id in self.by_team:
            self.used.add(team_id)
            return self.by_team[team_id]
        return NEUTRAL

    def diagram(self, name: str, title: str, graph: dot_source.Digraph) -> Diagram:
        return Diagram(name, title, graph.source, tuple(sorted(self.used)), self.gap, self.celebrated)


def team_colours(handbook: Handbook) -> dict[str, tuple[str, str]]:
    """A (fill, stroke) colour per team, derived from the team's id: a team keeps its colour when owners
    change, and when teams are added unless the newcomer wants the same colour and sorts first."""
    return _colour_slots(tuple(sorted(team.id for team in handbook.of_kind("team"))))


@functools.lru_cache(maxsize=8)
def _colour_slots(team_ids: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    taken: set[int] = set()
    colours = {}
    for team_id in team_ids:
        slot = int(hashlib.sha256(team_id.encode()).hexdigest()[:8], 16) % len(PALETTE)
        # The next free colour when another team has it; when every colour is taken, shared.
        while slot in taken and len(taken) < len(PALETTE):
            slot = (slot + 1) % len(PALETTE)
        taken.add(slot)
        colours[team_id] = PALETTE[slot]
    return colours


@functools.lru_cache(maxsize=16384)  # (the same titles and summaries recur in every journey diagram)
def _quoted(value: object) -> str:
    """Text for a DOT attribute: backslash escapes such as \\N made literal, and quoted when written."""
    # dot expands \N, \G, \L… even after one escape; doubling first keeps them literal (measured, 2.43).
    return dot_source.literal(" ".join(str(value).split()).replace("\\", "\\\\"))


@functools.lru_cache(maxsize=16384)
def _label(*lines: tuple[str, bool], width: int = 18, left: bool = False) -> str:
    """An HTML-like label: each (text, bold) wrapped to ``width`` characters, escaped; ``left`` aligns
    every line on the left (a box's title), else lines are centred."""
    parts = []
    for text, bold in lines:
        for line in textwrap.wrap(" ".join(str(text).split()), width) or [""]:
            # In labels too dot expands \N and friends; a doubled backslash shows as one.
            escaped = html.escape(line.replace("\\", "\\\\"), quote=True)
            parts.append(f"<b>{escaped}</b>" if bold else escaped)
    if left:
        return "<" + "".join(f'{part}<br align="left"/>' for part in parts) + ">"
    return "<" + "<br/>".join(parts) + ">"


def _node_id(entity: Entity) -> str:
    return re.sub(r"[^a-z0-9]", "_", f"{entity.kind}_{entity.id}")


def _link(entity: Entity) -> str:
    return _quoted(f"{LINK_SCHEME}{entity.key}")


def _tooltip(entity: Entity, handbook: Handbook | None) -> str:
    """The entity's summary (or title) and, given the handbook, its owner's name."""
    owner = handbook.get("team", entity.owner) if handbook and entity.owner else None
    words = entity.summary or entity.title
    return _quoted(f"{words} (owner: {owner.title})" if owner else words)


def _graph(name: str, title: str, rankdir: str = "LR") -> dot_source.Digraph:
    graph = dot_source.Digraph(name=re.sub(r"[^A-Za-z0-9_]", "_", name))
    # newrank: Graphviz 2.43 aborts on some clustered graphs without it (FACTS.md).
    graph.attr(
        "graph",
        rankdir=rankdir,
        newrank="true",
        compound="true",
        nodesep="0.25",
        # Top to bottom, dot gives every edge two ranks once any edge has a label: half the gap each.
        ranksep="0.45" if rankdir == "LR" else "0.22",
        fontname=_FONT,
        fontsize="13",
        bgcolor="transparent",
        tooltip=_quoted(title),
        label="",
    )
    graph.attr(
        "node",
        shape="box",
        style="rounded,filled",
        fontname=_FONT,
        fontsize="12",
        margin="0.14,0.07",
        penwidth="1.2",
        fontcolor="#1a1a1a",
    )
    graph.attr("edge", color="#5f6368", fontname=_FONT, fontsize="11", fontcolor="#333333", arrowsize="0.7")
    return graph


def _entity_node(
    graph: dot_source.Digraph,
    handbook: Handbook,
    entity: Entity,
    colours: _Colours,
    dim: bool = False,
    shape: str | None = None,
    bold: bool = False,
    segment: str | None = None,
) -> None:
    fill, stroke = NEUTRAL if dim else colours.of(entity.owner_in(segment))
    title = entity.title
    if entity.kind == "milestone" and entity.text("celebrate"):
        colours.celebrated = True
        title = f"{CELEBRATED} {title}"
    attrs = {
        "label": _label((title, bold)),
        "fillcolor": fill,
        "color": stroke,
        "URL": _link(entity),
        "tooltip": _tooltip(entity, handbook),
        "target": "_top",
    }
    if dim:
        attrs["fontcolor"] = "#8a8a8a"
    if shape:
        attrs["shape"] = shape
    if entity.status == "draft":
        attrs["style"] = "rounded,filled,dashed"
    graph.node(_node_id(entity), **attrs)


def _journey_graph(
    handbook: Handbook,
    journeys: list[Journey],
    shown: Journey,
    name: str,
    title: str,
    flagged: frozenset[str],
    highlight: str | None = None,
) -> Diagram:
    """Stages top to bottom as boxes, each with its milestones in rows of at most ROW, transitions with
    their handoffs or the gaps the analysis reports (``flagged``: the entities after which it reports
    a missing handoff). Top to bottom so that the width stays that of a few milestones, whatever the
    number of stages: the diagram fits a page's column with its labels at reading size.

    With ``highlight`` (a team page) the team's stages are drawn in full and the others folded to one
    grey line each, so the team's own part of the journey is what the diagram shows first."""
    colours = _Colours(team_colours(handbook))
    graph = _graph(name, title, rankdir="TB")
    gaps = {
        t.key: t for j in journeys for t in j.transitions if t.missing_handoff and t.before.key in flagged
    }
    gap_pairs = set(gaps)
    drawn: set[tuple[str, str]] = set()
    nodes: set[str] = set()
    # stage key -> (first node, first node of its last row): stages are chained from the start of one
    # stage's last row to the start of the next, so they line up on the left.
    anchors: dict[str, tuple[str, str]] = {}
    folded: set[str] = set()  # stage keys drawn without a box (no cluster to clip edges to)
    transitions_by_pair = {t.key: t for t in shown.transitions if t.stage}
    for step in shown.stages:
        stage = step.stage
        owner = handbook.get("team", step.owner) if step.owner else None
        mine = highlight is None or highlight in stage.owners
        if highlight is not None and not mine and not any(highlight in m.owners for m in step.milestones):
            folded.add(stage.key)
            node = _node_id(stage)
            graph.node(node, **_folded_stage(stage, len(step.milestones), handbook))
            anchors[stage.key] = (node, node)
            continue
        fill, stroke = colours.of(step.owner) if mine else NEUTRAL
        varies = " (owner varies by segment)" if shown.segment is None and stage.segment_owners else ""
        with graph.subgraph(name=f"cluster_{_node_id(stage)}") as cluster:
            cluster.attr(
                label="",
                style="rounded,filled",
                fillcolor=_tint(fill) if mine else "#fafafa",
                color=stroke if mine else NEUTRAL[1],
                URL=_link(stage),
                tooltip=_tooltip(stage, handbook),
                target="_top",
                fontcolor="#1a1a1a" if mine else "#5f5f5f",
                penwidth="1.4",
            )
            # The stage's name and owner as the box's first row, a node rather than the box's label: dot
            # then keeps the labels of the handoffs between its milestones clear of it.
            heading = f"{_node_id(stage)}__title"
            cluster.node(
                heading,
                label=_label(
                    (stage.title, True), ((owner.title if owner else "") + varies, False), width=44, left=True
                ),
                shape="plaintext",
                style="",
                margin="0.05,0.02",
                fontcolor="#1a1a1a" if mine else "#5f5f5f",
                URL=_link(stage),
                tooltip=_tooltip(stage, handbook),
                target="_top",
            )
            if not step.milestones:
                placeholder = f"{_node_id(stage)}__empty"
                cluster.node(
                    placeholder,
                    label=_label(("no milestones", False)),
                    style="rounded,dashed",
                    color=NEUTRAL[1],
                    fontcolor="#5f5f5f",
                    URL=_link(stage),
                    tooltip=_tooltip(stage, handbook),
                )
                graph.edge(heading, placeholder, style="invis", weight="10")
                anchors[stage.key] = (heading, placeholder)
                continue
            display = _visible(step.milestones, transitions_by_pair)
            # Placeholders are named by their position: the DOT must be the same in every build (the cache).
            ids = [
                f"{_node_id(stage)}__more{n}" if isinstance(i, int) else _node_id(i)
                for n, i in enumerate(display)
            ]
            rows = [range(i, min(i + ROW, len(display))) for i in range(0, len(display), ROW)]
            for row in rows:
                with cluster.subgraph() as line:
                    line.attr(rank="same")  # one row, read left to right
                    for position in row:
                        item = display[position]
                        if isinstance(item, int):
                            line.node(ids[position], **_more_node(stage, item, handbook))
                        else:
                            dim = highlight is not None and highlight not in item.owners
                            _entity_node(line, handbook, item, colours, dim=dim, segment=shown.segment_id)
            labelled: set[int] = set()  # rows with a labelled edge between two of their milestones
            for (a, b), (id_a, id_b) in zip(
                zip(display, display[1:], strict=False), zip(ids, ids[1:], strict=False), strict=True
            ):
                t = (
                    transitions_by_pair.get((a.key, b.key))
                    if not isinstance(a, int) and not isinstance(b, int)
                    else None
                )
                style = _transition_style(t, t.key in gap_pairs, colours) if t else {"style": "dotted"}
                if t:
                    drawn.add((t.before.key, t.after.key))
                same_row = _row_of(id_a, ids) == _row_of(id_b, ids)
                if same_row and "label" in style:
                    labelled.add(_row_of(id_a, ids))
                graph.edge(id_a, id_b, constraint="true" if same_row else "false", **style)
            # Rows stack, aligned on the left; dot puts the labels of a row's edges above it, so a row
            # with labels keeps a free line above it for them.
            graph.edge(heading, ids[0], style="invis", weight="10", minlen="2" if 0 in labelled else "1")
            for n, (above, below) in enumerate(zip(rows, rows[1:], strict=False), 1):
                graph.edge(
                    ids[above[0]],
                    ids[below[0]],
                    style="invis",
                    weight="10",
                    minlen="2" if n in labelled else "1",
                )
            nodes.update(_node_id(i) for i in display if not isinstance(i, int))
            anchors[stage.key] = (heading, ids[rows[-1][0]])
    for t in shown.transitions:
        if t.stage is None:
            # The start of one stage's last row to the start of the next stage, heavily weighted: the
            # stages stack on the left edge.
            tail, head = anchors[t.before.key][1], anchors[t.after.key][0]
            style = _transition_style(t, t.key in gap_pairs, colours)
            if t.before.key in folded and t.after.key in folded:
                style.pop("label", None)  # other teams' handoff: a team page keeps it to one short line
            graph.edge(tail, head, **_clipped(t, folded), weight="10", **style)
            drawn.add((t.before.key, t.after.key))
    # Gaps of a segment's journey between steps that are not next to each other here (a stage or
    # milestone only other segments go through lies between them): drawn across, without moving the layout.
    for pair, t in gaps.items():
        if pair in drawn:
            continue
        if t.stage is None and t.before.key in anchors and t.after.key in anchors:
            graph.edge(
                anchors[t.before.key][1],
                anchors[t.after.key][0],
                constraint="false",
                **_clipped(t, folded),
                **_transition_style(t, True, colours),
            )
        elif t.stage is not None and _node_id(t.before) in nodes and _node_id(t.after) in nodes:
            graph.edge(
                _node_id(t.before),
                _node_id(t.after),
                constraint="false",
                **_transition_style(t, True, colours),
            )
    return colours.diagram(name, title, graph)


def _row_of(node: str, ids: list[str]) -> int:
    return ids.index(node) // ROW


def _clipped(t, folded: set[str]) -> dict[str, str]:
    """An edge between two stages ends at their boxes (a folded stage has none: it ends at its node)."""
    ends = {}
    if t.before.key not in folded:
        ends["ltail"] = f"cluster_{_node_id(t.before)}"
    if t.after.key not in folded:
        ends["lhead"] = f"cluster_{_node_id(t.after)}"
    return ends


def _folded_stage(stage: Entity, milestones: int, handbook: Handbook) -> dict[str, str]:
    """A stage another team's page shows as one grey line: its title and how many milestones it has."""
    more = f" · {milestones} milestone{'' if milestones == 1 else 's'}" if milestones else ""
    return {
        "label": _label((stage.title + more, False), width=44),
        "style": "rounded,filled",
        "fillcolor": "#f2f2f2",
        "color": NEUTRAL[1],
        "fontcolor": "#5f5f5f",
        "URL": _link(stage),
        "tooltip": _tooltip(stage, handbook),
        "target": "_top",
    }


def _visible(milestones: tuple[Entity, ...], transitions_by_pair: dict) -> list[Entity | int]:
    """The milestones a journey diagram shows: all of them, or at most MAX_MILESTONES plus every one
    at a change of owner, with each run of the others replaced by how many there are."""
    if len(milestones) <= MAX_MILESTONES:
        return list(milestones)
    keep = {0, len(milestones) - 1}
    for i, (a, b) in enumerate(zip(milestones, milestones[1:], strict=False)):
        t = transitions_by_pair.get((a.key, b.key))
        if t is not None and t.changes_owner:
            keep |= {i, i + 1}
    for i in range(len(milestones)):
        if len(keep) >= MAX_MILESTONES:
            break
        keep.add(i)
    shown: list[Entity | int] = []
    hidden = 0
    for i, milestone in enumerate(milestones):
        if i in keep:
            if hidden:
                shown.append(hidden)
                hidden = 0
            shown.append(milestone)
        else:
            hidden += 1
    return shown


def _more_node(stage: Entity, count: int, handbook: Handbook) -> dict[str, str]:
    return {
        "label": _label((f"… {count} more milestone{'' if count == 1 else 's'}", False), width=24),
        "shape": "plaintext",
        "style": "",
        "fontcolor": "#555555",
        "URL": _link(stage),
        "target": "_top",
        "tooltip": _quoted(f"See all milestones of {stage.title}"),
    }


def _tint(fill: str) -> str:
    """A lighter version of a fill colour, for stage backgrounds behind milestone nodes."""
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c + (255 - c) * 0.6) for c in (r, g, b)))


def _transition_style(t, gap: bool, colours: _Colours) -> dict[str, str]:
    if gap:
        colours.gap = True
        return {
            "color": GAP_COLOUR,
            "fontcolor": GAP_COLOUR,
            "style": "dashed",
            "penwidth": "1.6",
            "label": _label(("gap: no handoff", True)),
            "tooltip": _quoted(f"Missing handoff: {t.before.title} → {t.after.title}"),
        }
    return _handoff_edge(t.handoffs[0]) if t.handoffs else {}


def _handoff_edge(handoff: Entity) -> dict[str, str]:
    """An edge a handoff covers: labelled with it and linked to its page."""
    return {
        "label": _label((handoff.title, False), width=18),
        "URL": _link(handoff),
        "target": "_top",
        "tooltip": _tooltip(handoff, None),
        # Without it the label's own tooltip is its HTML-like label, `<br/>` and all.
        "labeltooltip": _tooltip(handoff, None),
        "penwidth": "1.4",
    }


def whole_journey(handbook: Handbook, whole: Journey, flagged: frozenset[str]) -> Diagram:
    """Every active stage and milestone, whatever the segment; gaps from any segment's journey."""
    return _journey_graph(handbook, handbook.journeys, whole, "journey", "The customer journey", flagged)


def segment_journey(handbook: Handbook, journey: Journey, flagged: frozenset[str]) -> Diagram:
    name = f"segment-{journey.segment_id or 'all'}"
    return _journey_graph(handbook, [journey], journey, name, f"The {journey.label} journey", flagged)


def team_journey(handbook: Handbook, whole: Journey, team: Entity, flagged: frozenset[str]) -> Diagram:
    """The whole journey with the team's stages and milestones in colour and the rest greyed out."""
    return _journey_graph(
        handbook,
        handbook.journeys,
        whole,
        f"team-{team.id}",
        f"{team.title}'s moments in the journey",
        flagged,
        highlight=team.id,
    )


def stage_diagram(
    handbook: Handbook, relations: Relations, whole: Journey, stage: Entity, flagged: frozenset[str]
) -> Diagram:
    """A stage's milestones in order (rows of ROW, top to bottom like the journey), the playbooks they
    trigger, and the handoffs in from the stage before and out to the stage after."""
    colours = _Colours(team_colours(handbook))
    title = f"The {stage.title} stage"
    graph = _graph(f"stage-{stage.id}", title, rankdir="TB")
    order = [s.stage for s in whole.stages]
    index = order.index(stage) if stage in order else -1
    previous = order[index - 1] if index > 0 else None
    following = order[index + 1] if 0 <= index < len(order) - 1 else None
    milestones = [m for m in handbook.milestones_of(stage.id) if m.active]
    fill, stroke = colours.of(stage.owner)
    with graph.subgraph(name=f"cluster_{_node_id(stage)}") as cluster:
        cluster.attr(
            label=_label((stage.title, True)),
            style="rounded,filled",
            fillcolor=_tint(fill),
            color=stroke,
            URL=_link(stage),
            tooltip=_tooltip(stage, handbook),
            target="_top",
        )
        for start in range(0, len(milestones), ROW):
            with cluster.subgraph() as line:
                line.attr(rank="same")
                for milestone in milestones[start : start + ROW]:
                    _entity_node(line, handbook, milestone, colours)
        for start in range(ROW, len(milestones), ROW):  # rows stack, aligned on the left
            graph.edge(
                _node_id(milestones[start - ROW]), _node_id(milestones[start]), style="invis", weight="10"
            )
        if not milestones:
            cluster.node(
                "empty", label=_label(("no milestones", False)), style="rounded,dashed", color=NEUTRAL[1]
            )
    ids = [_node_id(m) for m in milestones] or ["empty"]
    gap_pairs = {
        t.key
        for j in handbook.journeys
        for t in j.transitions
        if t.stage is stage and t.missing_handoff and t.before.key in flagged
    }
    inside = {t.key: t for t in whole.transitions if t.stage is stage}
    for n, (a, b) in enumerate(zip(milestones, milestones[1:], strict=False), 1):
        t = inside.get((a.key, b.key))
        graph.edge(
            _node_id(a),
            _node_id(b),
            constraint="false" if n % ROW == 0 else "true",  # from the end of a row to the next row
            **(_transition_style(t, (a.key, b.key) in gap_pairs, colours) if t else {}),
        )
    handoffs_in = relations.handoffs_into(stage)
    handoffs_out = relations.handoffs_out_of(stage)
    if previous is not None:
        _entity_node(graph, handbook, previous, colours, shape="cds")
        handoff = next((h for h in handoffs_in if h.text("from_stage") == previous.id and h.active), None)
        graph.edge(_node_id(previous), ids[0], **_stage_edge(handoff, previous, stage, flagged, colours))
    if following is not None:
        _entity_node(graph, handbook, following, colours, shape="cds")
        handoff = next((h for h in handoffs_out if h.text("to_stage") == following.id and h.active), None)
        last_row = ids[(len(ids) - 1) // ROW * ROW]
        graph.edge(last_row, _node_id(following), **_stage_edge(handoff, stage, following, flagged, colours))
    for milestone in milestones:
        for playbook in relations.to(milestone, "trigger.milestone", kind="playbook"):
            if not playbook.active:
                continue
            _entity_node(graph, handbook, playbook, colours, shape="note")
            # Below the stage's last row, whichever row triggers it: beside a lower row it would widen
            # the diagram and cross that row.
            graph.edge(ids[(len(ids) - 1) // ROW * ROW], _node_id(playbook), style="invis")
            graph.edge(
                _node_id(milestone),
                _node_id(playbook),
                style="dashed",
                label=_label(("triggers", False)),
                arrowhead="open",
            )
    return colours.diagram(f"stage-{stage.id}", title, graph)


def _stage_edge(
    handoff: Entity | None, before: Entity, after: Entity, flagged: frozenset[str], colours: _Colours
) -> dict[str, str]:
    if handoff is not None:
        return _handoff_edge(handoff)
    if before.owner and after.owner and before.owner != after.owner and before.key in flagged:
        colours.gap = True
        return {
            "color": GAP_COLOUR,
            "fontcolor": GAP_COLOUR,
            "style": "dashed",
            "label": _label(("gap: no handoff", True)),
        }
    return {}


def moves_diagram(handbook: Handbook, flagged: frozenset[str]) -> Diagram | None:
    """The segments as boxes coloured by owner, and the moves between them (``moves_to``), each labelled
    with its handoff, or drawn as a gap where the analysis reports one."""
    found = moves(handbook)
    if not found:
        return None
    colours = _Colours(team_colours(handbook))
    title = "How customers move between segments"
    graph = _graph("segment-moves", title)
    for segment in dict.fromkeys(s for pair in found for s in pair):
        _entity_node(graph, handbook, segment, colours)
    for before, after in found:
        handoff = next(iter(segment_handoffs(handbook, before, after)), None)
        if handoff is not None:
            style = _handoff_edge(handoff)
        elif before.key in flagged and before.owner != after.owner:
            colours.gap = True
            style = {
                "color": GAP_COLOUR,
                "fontcolor": GAP_COLOUR,
                "style": "dashed",
                "label": _label(("gap: no handoff", True)),
            }
        else:
            style = {}
        graph.edge(_node_id(before), _node_id(after), **style)
    return colours.diagram("segment-moves", title, graph)


def as_data(diagrams: dict[tuple[str, str | None], Diagram]) -> list[list[Any]]:
    """The diagrams as plain data (``from_data`` gives them back)."""
    return [
        [kind, subject, d.name, d.title, d.dot, list(d.teams), d.gap, d.celebrated]
        for (kind, subject), d in diagrams.items()
    ]


def from_data(data: Any) -> dict[tuple[str, str | None], Diagram] | None:
    """The diagrams ``as_data`` gave, or None when ``data`` is not such a list."""
    if not isinstance(data, list):
        return None
    out: dict[tuple[str, str | None], Diagram] = {}
    for item in data:
        if not (isinstance(item, list) and len(item) == 8):
            return None
        kind, subject, name, title, dot, teams, gap, celebrated = item
        texts = (kind, name, title, dot)
        if not all(isinstance(t, str) for t in texts) or not isinstance(subject, (str, type(None))):
            return None
        if not (isinstance(teams, list) and all(isinstance(t, str) for t in teams)):
            return None
        if not (isinstance(gap, bool) and isinstance(celebrated, bool)):
            return None
        out[(kind, subject)] = Diagram(name, title, dot, tuple(teams), gap, celebrated)
    return out


def all_diagrams(
    handbook: Handbook, relations: Relations, flagged: frozenset[str]
) -> dict[tuple[str, str | None], Diagram]:
    """Every diagram of the site, keyed by (kind, subject id): what the renderers ask for. Gaps are
    drawn where the analysis reports them (``flagged``), so ``gaps: off`` draws none."""
    diagrams: dict[tuple[str, str | None], Diagram] = {}
    whole = handbook.whole_journey
    if whole is None or not whole.stages:
        return diagrams
    diagrams[("journey", None)] = whole_journey(handbook, whole, flagged)
    for journey in handbook.journeys:
        if journey.segment is not None:
            diagrams[("segment", journey.segment.id)] = segment_journey(handbook, journey, flagged)
    moving = moves_diagram(handbook, flagged)
    if moving is not None:
        diagrams[("moves", None)] = moving
    for stage in handbook.stages:
        if stage.active:
            diagrams[("stage", stage.id)] = stage_diagram(handbook, relations, whole, stage, flagged)
    for team in handbook.of_kind("team"):
        if team.active:
            diagrams[("team", team.id)] = team_journey(handbook, whole, team, flagged)
    return diagrams
