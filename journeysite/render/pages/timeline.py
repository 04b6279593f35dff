"""The timeline page: each segment's first year as SVG swim lanes, one tab per segment, and what has no date.

Where each touch point falls is ``core.analysis.timeline``'s; this module draws it. Two drawings of one
timeline, and CSS shows the one that fits the screen: across (days left to right, a lane per team, the
stages as bands underneath) from 60em up, and down (days top to bottom, a narrow column per team, one row
per touch point with its words beside it) on phones. The SVG is drawn here, every text escaped, and goes
through the diagrams' sanitiser; links are plain ``<a href>``, so there is no script.
"""

from __future__ import annotations

import bisect
import functools
import math
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from journeysite.core.analysis import timeline as tl
from journeysite.core.analysis.timing import span
from journeysite.core.model import Entity
from journeysite.render import markup, sanitise
from journeysite.render.diagrams.dot import PALETTE, team_colours
from journeysite.render.pages import Context
from journeysite.render.pages.grid import playbooks_in
from journeysite.render.pages.parts import (
    md_link,
    no_stages_yet,
    shorten,
    systems_of,
    tabs,
    team_link,
)
from journeysite.render.site import PLAYBOOK_TYPES

TABS_TIMELINE = 93  # see grid.TABS_GRID

# Sizes in SVG units, which are CSS px at the drawing's natural size. Text is never under 12 units, and
# the CSS never lets a drawing shrink below 11/12 of its natural width (it scrolls in its frame instead).
FONT, SMALL, LANE_FONT = 13, 12, 14
CHAR = 0.58  # a generous average advance of a character, in ems: labels are spaced by this estimate
MIN_SCALE = 11 / SMALL

# Across: the wide layout.
WIDE_W, GUTTER, RIGHT = 1180, 168, 28
AXIS_H = 52
ROW_H = 17  # a label row inside a lane
BAND_H, BAND_GAP = 38, 6

# Down: the phone layout.
TALL_W = 358
DAY_COL, LANE_COL = 46, 12
TALL_ROW = 36
TALL_PER_DAY = 1.2


def render(context: Context) -> str:
    handbook = context.handbook
    journeys = handbook.journeys
    empty = no_stages_yet(
        context,
        "The timeline places milestones and playbook steps on the journey. Add stage pages "
        "(<code>kind: stage</code> with an <code>order</code>), milestones with a <code>due</code> "
        "and playbook steps with a <code>when</code>.",
    )
    if empty:
        return empty
    clock = tl.Reader(handbook)
    segmented = any(j.segment is not None for j in journeys)
    views = [
        (markup.text(j.label), _view(context, tl.build(handbook, j, clock))) for j in journeys if j.stages
    ]
    parts = [
        "The first year of a customer, from the day the contract is signed (day 0) to the first renewal "
        f"(day {clock.renewal_day:.0f}): one lane per team, each touch point where it falls. Milestones sit on "
        "the day they are due, playbook steps on the day they are done, and a scheduled playbook shows each "
        "of its runs. A star "
        "marks a moment of truth, an arrow a handoff between teams; the stages run underneath, with the "
        "systems their playbooks use. Every mark links to its page; hover it for the details.",
        "",
        "How days are counted: “day 30” is 30 days after signature, “2 weeks after go-live” counts from "
        "the day go-live is due, “90 days before renewal” from the renewal. A step's plain “day N” counts from "
        "the milestone that starts its playbook. A scheduled playbook first runs one period after its first "
        "stage starts, then every period (every 90 days is four runs in the first year).",
        "",
    ]
    if segmented:
        parts += ["Choose a segment to see its own year.", ""]
    parts.append("## The first year")
    if segmented:
        parts.append(markup.listing(tabs(TABS_TIMELINE, views, "jsite-timeline-tabs")))
    else:
        parts.append(markup.listing(views[0][1]))
    grid = md_link(context, "page:grid", "playbook grid")
    if grid:
        parts.append(f"\nWhich playbooks run in each stage, whatever their timing: the {grid}.\n")
    return "\n".join(parts)


# ---- one segment's view ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mark:
    """A touch point as drawn: where, whose lane, its shape, its words, its link and tooltip."""

    point: tl.Point
    lane: int
    label: str  # shown next to the mark ("" for a playbook's later runs: a tick only)
    href: str | None
    tip: str
    shape: str  # "milestone", "moment", "step", "run"


def _view(context: Context, timeline: tl.Timeline) -> str:
    """The HTML of one segment's timeline: a summary, both drawings, a legend, and the unplaced."""
    palette = _palette(context)
    marks = _marks(context, timeline)
    label = timeline.journey.label
    title = f"Timeline of the first year: {label}"
    systems = _SystemsOf(context, timeline.journey.segment_id)
    wide = _svg(*_across(context, timeline, marks, palette, systems), WIDE_W, title)
    tall = _svg(*_down(context, timeline, marks, palette, systems), TALL_W, title)
    return "\n".join(
        [
            '<div class="jsite-timeline">',
            f'<p class="jsite-tl-summary">{_summary(timeline)}</p>',
            f'<div class="jsite-tl-frame jsite-tl-across">{wide}</div>',
            f'<div class="jsite-tl-frame jsite-tl-down">{tall}</div>',
            _legend(context, timeline, palette),
            _stages_table(context, timeline, systems),
            _unplaced(context, timeline),
            "</div>",
        ]
    )


def _palette(context: Context) -> dict[str, int]:
    """Each team's colour, as the diagrams give it: an index into their palette (CSS colours it per scheme)."""
    return {team: PALETTE.index(colours) for team, colours in team_colours(context.handbook).items()}


def _colour(palette: dict[str, int], team: str | None) -> str:
    index = palette.get(team or "")
    return f"jsite-tl-c{index}" if index is not None else "jsite-tl-cx"


def _marks(context: Context, timeline: tl.Timeline) -> list[_Mark]:
    lanes = {team: i for i, team in enumerate(timeline.lanes)}
    marks = []
    for point in timeline.points:
        lane = lanes.get(point.team or "")
        if lane is None:
            continue
        marks.append(
            _Mark(
                point,
                lane,
                _label(point),
                context.linker.href(point.entity),
                _tip(context, point),
                "moment" if point.moment else point.kind,
            )
        )
    return marks


def _label(point: tl.Point) -> str:
    if point.kind == tl.MILESTONE_POINT:
        return point.entity.title
    if point.kind == tl.STEP_POINT and point.step is not None:
        return point.step.do or f"{point.entity.title}, step {point.step.number}"
    if point.run > 1:
        return ""
    if point.runs == 1:
        return point.entity.title
    return f"{point.entity.title} ×{point.runs}"


def _team_name(context: Context, team: str | None) -> str:
    entity = context.team(team)
    return entity.title if entity is not None else (team or "no team")


def _tip(context: Context, point: tl.Point) -> str:
    """The tooltip of a mark: what it is, who, when (as written and in days), and its celebration."""
    team = _team_name(context, point.team)
    when = f"{span(point.days)} (“{point.text}”)" if point.text else span(point.days)
    entity = point.entity
    if point.kind == tl.MILESTONE_POINT:
        lines = [f"{entity.title}: milestone, {team}, due {when}"]
        if point.moment:
            lines.append("Moment of truth.")
            success = entity.texts("success")
            if success:
                lines.append("Success: " + "; ".join(success))
            if entity.text("celebrate"):
                lines.append(f"Celebrate: {entity.text('celebrate')}")
    elif point.kind == tl.STEP_POINT and point.step is not None:
        lines = [f"{entity.title}, step {point.step.number}: {point.step.do}", f"{team}, {when}"]
    else:
        every = f"run {point.run} of {point.runs}" if point.runs > 1 else "runs once"
        lines = [
            f"{entity.title}: scheduled playbook, {team}",
            f"{every}, {span(point.days)} (“{point.text}”)",
        ]
        steps = [s.do for s in entity.steps if s.do] if point.run <= 1 else []  # said once, at the first
        if steps:
            lines.append(
                f"{len(steps)} step{'s' if len(steps) != 1 else ''} each run: " + "; ".join(steps[:4])
            )
    return "\n".join(lines)


def _summary(timeline: tl.Timeline) -> str:
    points = timeline.points
    milestones = [p for p in points if p.kind == tl.MILESTONE_POINT]
    moments = sum(1 for p in milestones if p.moment)
    steps = sum(1 for p in points if p.kind == tl.STEP_POINT)
    runs = [p for p in points if p.kind == tl.RUN_POINT]
    scheduled = len({p.entity.key for p in runs})
    words = [
        _count(len(milestones), "milestone")
        + (f" ({_count(moments, 'moment')} of truth)" if moments else ""),
        _count(steps, "playbook step"),
        f"{_count(len(runs), 'run')} of {_count(scheduled, 'scheduled playbook')}" if runs else "",
        _count(len(timeline.arrows), "handoff"),
    ]
    sentence = "In the first year: " + ", ".join(w for w in words if w) + "."
    missing = len(timeline.unplaced) + len(timeline.outside)
    if missing:
        sentence += (
            f" {_count(missing, 'more item')} {'is' if missing == 1 else 'are'} listed below the chart."
        )
    return markup.text(sentence)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _svg(height: float, body: str, width: float, label: str) -> str:
    """The SVG element around a drawing, through the diagrams' sanitiser (it should find nothing to drop),
    then sized as the diagrams are: the column's width, never wider than natural nor so narrow that its
    smallest text falls under 11 CSS px (below that, its frame scrolls)."""
    svg = sanitise.diagram_svg(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="jsite-tl-svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="group" aria-label="{markup.text(label)}">{body}</svg>'
    )
    style = f"width:100%;max-width:{width:.0f}px;min-width:{width * MIN_SCALE:.0f}px;height:auto"
    return svg.replace("<svg ", f'<svg style="{style}" ', 1)


def _text(x: float, y: float, value: str, css: str = "", size: int = FONT, anchor: str = "start") -> str:
    cls = f' class="{css}"' if css else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{cls}>{markup.text(value)}</text>'


def _width(value: str, size: int = FONT) -> float:
    return len(value) * size * CHAR


def _link(href: str | None, tip: str, content: str, css: str = "") -> str:
    """Content as a link with a tooltip (``<title>``), or a plain group with it when there is no page."""
    cls = f' class="{css}"' if css else ""
    title = f"<title>{markup.text(tip)}</title>"
    if href is None:
        return f"<g{cls}>{title}{content}</g>"
    return f'<a href="{markup.text(href)}"{cls}>{title}{content}</a>'


def _shape(shape: str, x: float, y: float, css: str) -> str:
    """A mark centred on (x, y): a diamond (milestone), a star (moment of truth), a dot (step), a tick (run)."""
    if shape == "milestone":
        pts = [(x, y - 7), (x + 7, y), (x, y + 7), (x - 7, y)]
        return f'<polygon class="jsite-tl-mark {css}" points="{_points(pts)}"/>'
    if shape == "moment":
        return f'<polygon class="jsite-tl-moment {css}" points="{_points(_star(x, y, 10, 4.2))}"/>'
    if shape == "step":
        return f'<circle class="jsite-tl-mark {css}" cx="{x:.1f}" cy="{y:.1f}" r="5"/>'
    return f'<rect class="jsite-tl-mark {css}" x="{x - 1.6:.1f}" y="{y - 7:.1f}" width="3.2" height="14" rx="1"/>'


def _star(x: float, y: float, outer: float, inner: float) -> list[tuple[float, float]]:
    return [
        (
            x + (outer if i % 2 == 0 else inner) * math.sin(i * math.pi / 5),
            y - (outer if i % 2 == 0 else inner) * math.cos(i * math.pi / 5),
        )
        for i in range(10)
    ]


def _points(pts: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)


def _arrowhead(x: float, y: float, down: bool, css: str) -> str:
    d = 1 if down else -1
    pts = [(x, y), (x - 5, y - 8 * d), (x + 5, y - 8 * d)]
    return f'<polygon class="{css}" points="{_points(pts)}"/>'


def _handoff_tip(context: Context, arrow: tl.Arrow) -> str:
    handoff = arrow.handoff
    where = f"as {arrow.at.title} starts" if arrow.at.kind == "stage" else f"after {arrow.at.title}"
    lines = [
        f"{handoff.title}: handoff, {_team_name(context, arrow.giver)} → {_team_name(context, arrow.receiver)}",
        f"{where}, day {arrow.day:.0f}",
    ]
    artifacts = handoff.texts("artifacts")
    if artifacts:
        lines.append("What travels: " + "; ".join(artifacts))
    if handoff.text("sla"):
        lines.append(f"Within {handoff.text('sla')}")
    return "\n".join(lines)


class _SystemsOf:
    """The systems the playbooks of a stage use in one segment, by stage, each worked out once: both
    drawings and the stages table show them."""

    def __init__(self, context: Context, segment: str | None) -> None:
        self.context, self.segment = context, segment
        self._known: dict[str, list[str]] = {}

    def __call__(self, stage: Entity) -> list[str]:
        if stage.key not in self._known:
            found: dict[str, None] = {}
            for family, _ in PLAYBOOK_TYPES:
                for playbook in playbooks_in(self.context, stage, family, self.segment):
                    found.update(dict.fromkeys(systems_of(playbook, self.segment)))
            self._known[stage.key] = sorted(found, key=str.lower)
        return self._known[stage.key]


# ---- across: days left to right --------------------------------------------------------------------


@dataclass
class _LabelRow:
    """The labels one row of a lane holds, as (left, right) spans kept in order: they never come within
    8 px of each other, so the one that starts last before a new span is the only one it can touch."""

    starts: list[float] = field(default_factory=list)
    spans: list[tuple[float, float]] = field(default_factory=list)

    def fits(self, left: float, right: float) -> bool:
        before = bisect.bisect_right(self.starts, right + 8)
        return before == 0 or self.spans[before - 1][1] + 8 < left

    def take(self, left: float, right: float) -> None:
        at = bisect.bisect_right(self.starts, left)
        self.starts.insert(at, left)
        self.spans.insert(at, (left, right))


def _across(
    context: Context,
    timeline: tl.Timeline,
    marks: list[_Mark],
    palette: dict[str, int],
    systems_of_stage: _SystemsOf,
) -> tuple[float, str]:
    """The wide drawing (its height, its elements): an axis on top, a lane per team, the stages below."""
    renewal = timeline.renewal_day
    plot = WIDE_W - GUTTER - RIGHT

    def x(day: float) -> float:
        return GUTTER + max(0.0, min(day, renewal)) / renewal * plot

    out: list[str] = []
    # Lanes: each mark's label in the first row of its lane where it does not touch another; a span
    # (``day 60-90``) is drawn under its label, so it takes that room too.
    by_lane: dict[int, list[tuple[_Mark, float, float, str, int]]] = {}
    taken: dict[int, list[_LabelRow]] = {}  # by lane: what each row of labels already holds
    for mark in sorted(marks, key=lambda m: (m.lane, x(m.point.days[0]))):
        rows = by_lane.setdefault(mark.lane, [])
        mx = x(mark.point.days[0])
        text = shorten(mark.label, 34)
        width = _width(text)
        if not text:
            rows.append((mark, mx, mx, "", -1))
            continue
        if mx - 4 + width <= WIDE_W - 4:
            left, right, anchor = mx - 4, mx - 4 + width, "start"
        else:
            left, right, anchor = mx + 4 - width, mx + 4, "end"
        right = max(right, x(mark.point.days[1]))
        lane_rows = taken.setdefault(mark.lane, [])
        row = next((i for i, held in enumerate(lane_rows) if held.fits(left, right)), len(lane_rows))
        if row == len(lane_rows):
            lane_rows.append(_LabelRow())
        lane_rows[row].take(left, right)
        rows.append((mark, left, right, anchor, row))
    lane_top: list[float] = []
    lane_height: list[float] = []
    y = AXIS_H
    for index, team in enumerate(timeline.lanes):
        rows_used = max((r for (*_, r) in by_lane.get(index, [])), default=-1) + 1
        name_lines = _wrap(_team_name(context, team), 18, 2)
        height = max(30 + rows_used * ROW_H + 8, 16 + len(name_lines) * 17 + 8, 56)
        lane_top.append(y)
        lane_height.append(height)
        y += height
    lanes_bottom = y
    # Stage bands, in rows where they do not overlap (their label may run past a short band).
    band_rows: list[list[tuple[float, float]]] = []
    placed_bands = []
    for band in timeline.bands:
        x1, x2 = x(band.days[0]), max(x(band.days[1]), x(band.days[0]) + 6)
        systems = systems_of_stage(band.stage)
        words = max(_width(band.stage.title, FONT), _width(", ".join(systems) or "no systems named", SMALL))
        reach = max(x2, x1 + min(words + 12, 260))
        row = next(
            (i for i, r in enumerate(band_rows) if all(reach + 4 < a or x1 > b + 4 for a, b in r)),
            len(band_rows),
        )
        if row == len(band_rows):
            band_rows.append([])
        band_rows[row].append((x1, reach))
        placed_bands.append((band, x1, x2, reach, row, systems))
    bands_top = lanes_bottom + 34
    height = bands_top + len(band_rows) * (BAND_H + BAND_GAP) + 10

    # Ground: lane stripes, grid lines, the axis.
    for index, team in enumerate(timeline.lanes):
        top, h = lane_top[index], lane_height[index]
        out.append(
            f'<rect class="jsite-tl-lane {_colour(palette, team)}" x="0" y="{top:.1f}" width="{WIDE_W}" height="{h:.1f}"/>'
        )
        names = _wrap(_team_name(context, team), 18, 2)
        entity = context.team(team)
        label = "".join(
            _text(10, top + 22 + i * 17, line, "jsite-tl-lane-name", LANE_FONT)
            for i, line in enumerate(names)
        )
        href = context.linker.href(entity) if entity is not None else None
        out.append(_link(href, f"{_team_name(context, team)}: the team's page", label))
    for day in range(0, int(renewal) + 1, 30):
        gx = x(day)
        out.append(
            f'<line class="jsite-tl-grid" x1="{gx:.1f}" y1="{AXIS_H - 8}" x2="{gx:.1f}" y2="{lanes_bottom:.1f}"/>'
        )
        if renewal - day >= 20:
            out.append(_text(gx, AXIS_H - 14, str(day), "jsite-tl-axis", SMALL, "middle" if day else "start"))
    end = x(renewal)
    out.append(
        f'<line class="jsite-tl-renewal" x1="{end:.1f}" y1="{AXIS_H - 8}" x2="{end:.1f}" y2="{lanes_bottom:.1f}"/>'
    )
    out.append(_text(end, AXIS_H - 14, f"{renewal:.0f}", "jsite-tl-axis", SMALL, "middle"))
    out.append(_text(end, 16, "First renewal", "jsite-tl-axis-title", SMALL, "end"))
    out.append(_text(x(0), 16, "Contract signed", "jsite-tl-axis-title", SMALL, "start"))
    out.append(_text(10, AXIS_H - 14, "Days from signature", "jsite-tl-axis", SMALL))
    out.append(
        f'<line class="jsite-tl-axis-line" x1="{GUTTER}" y1="{AXIS_H - 8}" x2="{end:.1f}" y2="{AXIS_H - 8}"/>'
    )

    # Handoffs: an arrow from the giver's lane to the receiver's, just after the day it falls on.
    lane_of = {team: i for i, team in enumerate(timeline.lanes)}
    shift: dict[int, int] = {}
    for arrow in timeline.arrows:
        if arrow.day < 0 or arrow.day > renewal:
            continue
        giver, receiver = lane_of.get(arrow.giver or ""), lane_of.get(arrow.receiver or "")
        if giver is None or receiver is None:
            continue
        base = round(x(arrow.day))
        ax = base + 10 + 7 * shift.get(base, 0)
        shift[base] = shift.get(base, 0) + 1
        y1, y2 = lane_top[giver] + 20, lane_top[receiver] + 20
        if giver == receiver:
            y1, y2 = y1 - 14, y1 + 10
        down = y2 > y1
        y2 -= 8 if down else -8  # the head stops short of the receiver's marks
        tip_y = y2 - (8 if down else -8)
        parts = [
            f'<line class="jsite-tl-handoff" x1="{ax:.1f}" y1="{y1:.1f}" x2="{ax:.1f}" y2="{tip_y:.1f}"/>',
            f'<circle class="jsite-tl-handoff-end" cx="{ax:.1f}" cy="{y1:.1f}" r="3"/>',
            _arrowhead(ax, y2, down, "jsite-tl-handoff-head"),
        ]
        out.append(
            _link(
                context.linker.href(arrow.handoff),
                _handoff_tip(context, arrow),
                "".join(parts),
                "jsite-tl-item jsite-tl-arrow",
            )
        )

    # Marks with their labels, over the handoffs.
    for index, rows in by_lane.items():
        top = lane_top[index]
        my = top + 20
        # milestones last, so a step or a run on the same day does not cover them
        for mark, _left, _right, anchor, row in sorted(rows, key=lambda r: -_RANKS[r[0].point.kind]):
            css = _colour(palette, mark.point.team)
            mx = x(mark.point.days[0])
            parts = [_shape(mark.shape, mx, my, css)]
            if mark.label and row >= 0:
                baseline = my + 26 + row * ROW_H
                text_x = mx - 4 if anchor == "start" else mx + 4
                parts.append(
                    f'<line class="jsite-tl-leader" x1="{mx:.1f}" y1="{my + 8:.1f}" x2="{mx:.1f}" y2="{baseline - 11:.1f}"/>'
                )
                low, high = mark.point.days
                if high > low:  # the span, as a bar under the label from its first day to its last
                    parts.append(
                        f'<rect class="jsite-tl-range {css}" x="{mx:.1f}" y="{baseline + 2:.1f}" '
                        f'width="{max(x(high) - mx, 2):.1f}" height="3" rx="1.5"/>'
                    )
                parts.append(_text(text_x, baseline, shorten(mark.label, 34), "jsite-tl-label", FONT, anchor))
            out.append(
                _link(mark.href, mark.tip, "".join(parts), f"jsite-tl-item jsite-tl-{mark.point.kind}")
            )
    # Stage bands with their systems.
    out.append(_text(10, bands_top - 12, "Stages and the systems they use", "jsite-tl-axis-title", SMALL))
    for band, x1, x2, reach, row, systems in placed_bands:
        top = bands_top + row * (BAND_H + BAND_GAP)
        css = "jsite-tl-band jsite-tl-estimated" if band.estimated else "jsite-tl-band"
        room = max(reach, x2) - x1 - 10
        title = shorten(band.stage.title, max(4, int(room / (FONT * CHAR))))
        used = ", ".join(systems) if systems else "no systems named"
        chips = shorten(used, max(4, int(room / (SMALL * CHAR))))
        parts = [
            f'<rect class="{css}" x="{x1:.1f}" y="{top:.1f}" width="{x2 - x1:.1f}" height="{BAND_H}" rx="3"/>',
            _text(x1 + 6, top + 16, title, "jsite-tl-band-title", FONT),
            _text(x1 + 6, top + 31, chips, "jsite-tl-band-systems", SMALL),
        ]
        tip = _band_tip(band, systems)
        out.append(
            _link(context.linker.href(band.stage), tip, "".join(parts), "jsite-tl-item jsite-tl-stage")
        )
    return height, "".join(out)


def _band_tip(band: tl.Band, systems: list[str]) -> str:
    how = "from its milestones' dues" if band.estimated else f"“{band.stage.text('duration')}”"
    lines = [f"{band.stage.title}: stage, {span(band.days)} ({how})"]
    lines.append("Systems: " + ", ".join(systems) if systems else "No systems named by its playbooks")
    return "\n".join(lines)


def _wrap(value: str, width: int, lines: int) -> list[str]:
    return list(_wrapped(value, width, lines))


@functools.lru_cache(maxsize=8192)  # (the same titles in every segment's two drawings)
def _wrapped(value: str, width: int, lines: int) -> tuple[str, ...]:
    wrapped = textwrap.wrap(value, width) or [value]
    if len(wrapped) > lines:
        wrapped = wrapped[: lines - 1] + [shorten(" ".join(wrapped[lines - 1 :]), width)]
    return tuple(wrapped)


# ---- down: days top to bottom, for phones ----------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    day: float
    rank: int  # on one day: a stage's start first, then handoffs, milestones, steps, runs
    draw: Callable[[float], str]  # the row's elements at its y
    height: float = TALL_ROW


_RANKS = {tl.MILESTONE_POINT: 2, tl.STEP_POINT: 3, tl.RUN_POINT: 4}


def _down(
    context: Context,
    timeline: tl.Timeline,
    marks: list[_Mark],
    palette: dict[str, int],
    systems: _SystemsOf,
) -> tuple[float, str]:
    """Rows in time order, each a mark in its team's column with its words to the right; quiet stretches
    keep some of their length, so the spacing still tells time."""
    lanes = len(timeline.lanes)
    columns = min(lanes, 8)
    lane_w = LANE_COL if lanes <= 8 else max(8, (8 * LANE_COL) // lanes)
    first_col = DAY_COL + 10

    def col(lane: int) -> float:
        return first_col + lane * lane_w + lane_w / 2

    text_x = first_col + max(columns, lanes) * lane_w + 8
    room = TALL_W - text_x - 4
    chars = int(room / (FONT * CHAR))
    small_chars = int(room / (SMALL * CHAR))
    rows: list[_Row] = []
    for mark in marks:
        if mark.point.kind == tl.RUN_POINT and mark.point.run > 1:
            continue
        rows.append(_down_mark(context, mark, col, text_x, chars, small_chars, palette))
    lane_of = {team: i for i, team in enumerate(timeline.lanes)}
    for arrow in timeline.arrows:
        giver, receiver = lane_of.get(arrow.giver or ""), lane_of.get(arrow.receiver or "")
        if giver is None or receiver is None or not 0 <= arrow.day <= timeline.renewal_day:
            continue
        rows.append(_down_arrow(context, arrow, col(giver), col(receiver), text_x, chars, small_chars))
    for band in timeline.bands:
        if band.days[0] <= timeline.renewal_day and band.days[1] >= 0:
            rows.append(_Row(max(band.days[0], 0), 0, _down_stage(context, band, systems(band.stage))))
    rows.sort(key=lambda r: (r.day, r.rank))
    top = 60
    ys: list[float] = []
    for index, row in enumerate(rows):
        if index == 0:
            ys.append(top + row.day * TALL_PER_DAY)
        else:  # one row under the other, and a quiet stretch keeps its length
            gap = (row.day - rows[index - 1].day) * TALL_PER_DAY
            ys.append(ys[-1] + max(rows[index - 1].height, gap))
    last_day, last_y = (rows[-1].day, ys[-1]) if rows else (0.0, float(top))
    bottom = max(
        last_y + (rows[-1].height if rows else TALL_ROW),
        last_y + (timeline.renewal_day - last_day) * TALL_PER_DAY,
    )
    anchors = [(0.0, float(top))]
    for row, ry in zip(rows, ys, strict=True):
        if row.day > anchors[-1][0]:
            anchors.append((row.day, ry))
    anchors.append((timeline.renewal_day, max(bottom, anchors[-1][1] + 1)))

    def y_of(day: float) -> float:
        for (d1, y1), (d2, y2) in zip(anchors, anchors[1:], strict=False):
            if day <= d2:
                return y1 + (y2 - y1) * ((day - d1) / (d2 - d1) if d2 > d1 else 0)
        return anchors[-1][1]

    end_y = anchors[-1][1]
    out: list[str] = []
    for lane, team in enumerate(timeline.lanes):
        cx = col(lane)
        out.append(
            f'<line class="jsite-tl-column {_colour(palette, team)}" x1="{cx:.1f}" y1="{top - 8}" x2="{cx:.1f}" y2="{end_y:.1f}"/>'
        )
    out.append(
        f'<line class="jsite-tl-axis-line" x1="{DAY_COL + 4}" y1="{top - 8}" x2="{DAY_COL + 4}" y2="{end_y:.1f}"/>'
    )
    out.append(_text(4, 16, "Contract signed (day 0)", "jsite-tl-axis-title", SMALL))
    out.append(_text(4, 32, "Each column is a team: see the key below", "jsite-tl-axis", SMALL))
    for mark in marks:  # a scheduled playbook's later runs: ticks in its column, under the rows
        if mark.point.kind == tl.RUN_POINT and mark.point.run > 1:
            ry = y_of(mark.point.days[0])
            out.append(
                _link(
                    mark.href,
                    mark.tip,
                    _shape("run", col(mark.lane), ry, _colour(palette, mark.point.team)),
                    "jsite-tl-item jsite-tl-run",
                )
            )
    shown_days: set[int] = set()
    for row, ry in zip(rows, ys, strict=True):
        day = round(row.day)
        if day not in shown_days:
            shown_days.add(day)
            out.append(_text(DAY_COL, ry + 4, f"day {day}", "jsite-tl-axis", SMALL, "end"))
        out.append(row.draw(ry))
    out.append(f'<line class="jsite-tl-renewal" x1="0" y1="{end_y:.1f}" x2="{TALL_W}" y2="{end_y:.1f}"/>')
    out.append(
        _text(4, end_y + 18, f"First renewal (day {timeline.renewal_day:.0f})", "jsite-tl-axis-title", SMALL)
    )
    return end_y + 28, "".join(out)


def _down_mark(
    context: Context,
    mark: _Mark,
    col: Callable[[int], float],
    text_x: float,
    chars: int,
    small: int,
    palette: dict[str, int],
) -> _Row:
    """A mark's row: its words on up to two lines, then when and whose, and how a moment of truth is
    celebrated (a phone shows no tooltips)."""
    point = mark.point
    lines = _wrap(mark.label or point.entity.title, chars, 2)
    runs = f" · every {point.every:.0f} days" if point.every else ""
    meta = shorten(f"{span(point.days)}{runs} · {_team_name(context, point.team)}", small)
    celebrate = point.entity.text("celebrate") if point.moment else None
    extra = _wrap(f"Celebrate: {celebrate}", small, 2) if celebrate else []

    def draw(y: float) -> str:
        css = _colour(palette, point.team)
        cx = col(mark.lane)
        parts = [
            _shape(mark.shape, cx, y, css),
            f'<line class="jsite-tl-leader" x1="{cx + 8:.1f}" y1="{y:.1f}" x2="{text_x - 3:.1f}" y2="{y:.1f}"/>',
            *(_text(text_x, y + 4 + 16 * i, line, "jsite-tl-label", FONT) for i, line in enumerate(lines)),
            _text(text_x, y + 3 + 16 * len(lines), meta, "jsite-tl-meta", SMALL),
            *(
                _text(text_x, y + 3 + 16 * len(lines) + 15 * (i + 1), line, "jsite-tl-meta", SMALL)
                for i, line in enumerate(extra)
            ),
        ]
        return _link(mark.href, mark.tip, "".join(parts), f"jsite-tl-item jsite-tl-{point.kind}")

    return _Row(point.days[0], _RANKS[point.kind], draw, 16 * len(lines) + 15 * len(extra) + 20)


def _down_arrow(
    context: Context, arrow: tl.Arrow, x1: float, x2: float, text_x: float, chars: int, small: int
) -> _Row:
    """A handoff's row: an arrow across from the giver's column to the receiver's, and its words."""
    lines = _wrap(arrow.handoff.title, chars, 2)
    teams = f"{_team_name(context, arrow.giver)} → {_team_name(context, arrow.receiver)}"
    meta = shorten(f"day {arrow.day:.0f} · handoff, {teams}", small)

    def draw(y: float) -> str:
        right = x2 >= x1
        tip_x = x2 - (7 if right else -7)
        head = [(x2, y), (tip_x - (0 if right else 0), y - 5), (tip_x, y + 5)]
        if x1 == x2:
            head = [(x2, y + 6), (x2 - 5, y - 3), (x2 + 5, y - 3)]
        parts = [
            f'<circle class="jsite-tl-handoff-end" cx="{x1:.1f}" cy="{y:.1f}" r="3"/>',
            f'<line class="jsite-tl-handoff" x1="{x1:.1f}" y1="{y:.1f}" x2="{tip_x:.1f}" y2="{y:.1f}"/>',
            f'<polygon class="jsite-tl-handoff-head" points="{_points(head)}"/>',
            *(_text(text_x, y + 4 + 16 * i, line, "jsite-tl-label", FONT) for i, line in enumerate(lines)),
            _text(text_x, y + 3 + 16 * len(lines), meta, "jsite-tl-meta", SMALL),
        ]
        return _link(
            context.linker.href(arrow.handoff),
            _handoff_tip(context, arrow),
            "".join(parts),
            "jsite-tl-item jsite-tl-arrow",
        )

    return _Row(arrow.day, 1, draw, 16 * len(lines) + 20)


def _down_stage(context: Context, band: tl.Band, systems: list[str]) -> Callable[[float], str]:
    def draw(y: float) -> str:
        css = "jsite-tl-band jsite-tl-estimated" if band.estimated else "jsite-tl-band"
        used = ", ".join(systems) if systems else "no systems named"
        parts = [
            f'<rect class="{css}" x="{DAY_COL + 8}" y="{y - 13:.1f}" width="{TALL_W - DAY_COL - 10}" height="{TALL_ROW - 4}" rx="3"/>',
            _text(
                DAY_COL + 14,
                y + 2,
                shorten(f"Stage: {band.stage.title}", int((TALL_W - DAY_COL - 24) / (FONT * CHAR))),
                "jsite-tl-band-title",
                FONT,
            ),
            _text(
                DAY_COL + 14,
                y + 16,
                shorten(f"{span(band.days)} · {used}", int((TALL_W - DAY_COL - 24) / (SMALL * CHAR))),
                "jsite-tl-band-systems",
                SMALL,
            ),
        ]
        return _link(
            context.linker.href(band.stage),
            _band_tip(band, systems),
            "".join(parts),
            "jsite-tl-item jsite-tl-stage",
        )

    return draw


# ---- beside the drawing: the key, the stages, what is not on it ------------------------------------


def _legend(context: Context, timeline: tl.Timeline, palette: dict[str, int]) -> str:
    teams = "".join(
        f'<li><span class="jsite-tl-swatch {_colour(palette, team)}"></span>{team_link(context, team)}</li>'
        for team in timeline.lanes
    )
    shapes = (
        '<li><span class="jsite-tl-key jsite-tl-key-milestone"></span>milestone</li>'
        '<li><span class="jsite-tl-key jsite-tl-key-moment"></span>moment of truth</li>'
        '<li><span class="jsite-tl-key jsite-tl-key-step"></span>playbook step</li>'
        '<li><span class="jsite-tl-key jsite-tl-key-run"></span>run of a scheduled playbook</li>'
        '<li><span class="jsite-tl-key jsite-tl-key-handoff"></span>handoff</li>'
    )
    if not timeline.lanes:
        return (
            '<p class="jsite-tl-empty">Nothing in this segment has a date we can read yet: give milestones a '
            "<code>due</code> (<code>day 30</code>, <code>2 weeks after go-live</code>) and steps a "
            "<code>when</code>.</p>"
        )
    return (
        f'<div class="jsite-tl-legend"><span>Teams:</span><ul>{teams}</ul></div>'
        f'<div class="jsite-tl-legend"><span>Marks:</span><ul>{shapes}</ul></div>'
    )


def _stages_table(context: Context, timeline: tl.Timeline, systems_of_stage: _SystemsOf) -> str:
    rows = []
    bands = {b.stage.id: b for b in timeline.bands}
    for step in timeline.journey.stages:
        band = bands.get(step.stage.id)
        if band is None:
            duration = step.stage.text("duration")
            when = (
                f'<span class="jsite-muted">{markup.text(duration) if duration else "no dates given"}</span>'
            )
        elif band.estimated:
            when = f'{markup.text(span(band.days))} <span class="jsite-muted">(from its milestones)</span>'
        else:
            when = f'{markup.text(span(band.days))} <span class="jsite-muted">(“{markup.text(step.stage.text("duration"))}”)</span>'
        systems = systems_of_stage(step.stage)
        used = markup.text(", ".join(systems)) if systems else '<span class="jsite-muted">none named</span>'
        rows.append(
            f"<tr><td>{markup.link(context.linker, step.stage)}</td><td>{team_link(context, step.owner)}</td>"
            f"<td>{when}</td><td>{used}</td></tr>"
        )
    return (
        '<div class="jsite-scroll"><table class="jsite-table jsite-tl-stages">'
        "<thead><tr><th>Stage</th><th>Owner</th><th>When</th><th>Systems</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _unplaced(context: Context, timeline: tl.Timeline) -> str:
    """What the drawing leaves out: what has no date we can read (each with its text as written, a
    playbook's steps that share a reason on one line), what falls outside the first year, and the
    playbooks that start on a signal or a judgement call (no calendar day by nature)."""
    groups: dict[tuple[str, str, str], list[tl.Unplaced]] = {}
    for item in timeline.unplaced:
        key = (item.entity.key, item.field, item.why if item.step is not None else str(id(item)))
        groups.setdefault(key, []).append(item)
    undated, signals = [], []
    for items in groups.values():
        first = items[0]
        link = markup.link(context.linker, first.entity)
        if first.field == "trigger":
            signals.append(f'{link} <span class="jsite-muted">({markup.text(first.why)})</span>')
            continue
        if first.step is not None:
            steps = ", ".join(
                f"{i.step.number} <q>{markup.text(i.text)}</q>" for i in items if i.step is not None
            )
            names = "; ".join(markup.text(shorten(i.step.do, 60)) for i in items if i.step is not None)
            label = "step" if len(items) == 1 else "steps"
            head = f'{link}, {label} {steps} <span class="jsite-muted">({names})</span>'
        else:
            written = f" {markup.text(first.field)}: <q>{markup.text(first.text)}</q>" if first.text else ""
            head = f'{link} <span class="jsite-muted">({markup.text(first.entity.kind)})</span>{written}'
        undated.append(f'{head} — <span class="jsite-tl-why">{markup.text(first.why)}</span>')
    outside = []
    for point in timeline.outside:
        where = "before signature" if point.days[1] < 0 else "after the first renewal"
        name = markup.link(context.linker, point.entity)
        if point.step is not None:
            name += f", step {point.step.number} ({markup.text(shorten(point.step.do, 60))})"
        outside.append(
            f'{name}: {markup.text(span(point.days))} <span class="jsite-muted">({where}: '
            f"<q>{markup.text(point.text)}</q>)</span>"
        )
    parts = []
    if undated:
        parts.append(
            '<p class="jsite-tl-heading"><strong>Not on the timeline: no date we can read</strong></p>'
            + markup.items(undated, "jsite-list jsite-tl-unplaced")
        )
    if outside:
        parts.append(
            '<p class="jsite-tl-heading"><strong>Outside the first year</strong></p>'
            + markup.items(outside, "jsite-list jsite-tl-outside")
        )
    if signals:
        parts.append(
            '<p class="jsite-tl-heading"><strong>Not on a calendar: started by a signal or a judgement call'
            "</strong></p>" + markup.items(signals, "jsite-list jsite-tl-signals")
        )
    return "\n".join(parts)
