"""The timeline of one journey (SPEC §7.6): every touch point where it falls in the first year, by team.

Days count from the contract's signature (day 0) to the first renewal (``Clock.renewal_day``), read by the
time checks' ``timing.Clock``, so the page and the checks agree on where a thing falls:

- a milestone falls on its ``due``; one with ``success`` or ``celebrate`` is a moment of truth;
- a playbook step falls on its ``when``: a bare ``day N`` counts from the milestone that starts its
  playbook, ``… after go-live`` from go-live, ``… before renewal`` from the renewal;
- a scheduled playbook (``schedule: every 90 days``) first runs one period after its first stage starts
  (the contract's signature when that stage's ``duration`` cannot be read), then every period, up to the
  end of its stages' windows (the first renewal when one of them has none): every 90 days is 4 times in
  the first year, on days 90, 180, 270 and 360. Its steps happen at each run, so they are not placed one
  by one. A schedule that names a point (``120 days before renewal``) runs once, there;
- a stage handoff falls where the later stage starts (its ``duration``, else its first milestone's due),
  a milestone handoff on that milestone's due;
- a stage spans its ``duration``, else its milestones' dues (up to where the next stage starts).

What cannot be placed is kept, with the reason, for the page to list: nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from journeysite.core.analysis.journeys import Journey
from journeysite.core.analysis.offsets import MILESTONE, START, Offset, parse_offset, parse_period
from journeysite.core.analysis.timing import Clock, Days
from journeysite.core.model import Entity, Handbook, Step

MILESTONE_POINT, STEP_POINT, RUN_POINT = "milestone", "step", "run"


@dataclass(frozen=True)
class Point:
    """A touch point where it falls: a milestone, a playbook step, or one run of a scheduled playbook."""

    kind: str  # MILESTONE_POINT, STEP_POINT or RUN_POINT
    entity: Entity  # the milestone, or the playbook
    team: str | None
    days: Days  # from signature; a range when the text gives one
    text: str  # what it was read from, as written
    step: Step | None = None
    run: int = 0  # for a run: its number (1-based) and how many there are in the first year
    runs: int = 0
    every: float = 0.0  # for a run: the period in days (0 for a schedule that names a point)

    @property
    def moment(self) -> bool:
        """A moment of truth: a milestone that says what success looks like or how it is celebrated."""
        return self.kind == MILESTONE_POINT and bool(
            self.entity.texts("success") or self.entity.text("celebrate")
        )


@dataclass(frozen=True)
class Arrow:
    """A handoff between two teams, where it falls."""

    handoff: Entity
    giver: str | None
    receiver: str | None
    day: float
    at: Entity  # the stage it enters, or the milestone it follows


@dataclass(frozen=True)
class Band:
    """A stage's span on the axis: its parsed ``duration`` or, ``estimated``, its milestones' dues."""

    stage: Entity
    days: Days
    estimated: bool


@dataclass(frozen=True)
class Unplaced:
    """A touch point with no place on the axis, and why: its text as written, or what it counts from."""

    entity: Entity
    # "due", "when", "schedule", "duration" (a text we cannot read, or one counted from something
    # undated), "handoff", "steps" (steps without `when`), "trigger" (started by a signal or judgement)
    field: str
    text: str | None  # the value as written (None: there is none)
    why: str
    step: Step | None = None


@dataclass
class Timeline:
    """One journey's first year: lanes (team ids, in journey order), what falls where, what does not."""

    journey: Journey
    renewal_day: float
    lanes: list[str] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)  # inside the first year, in time order
    arrows: list[Arrow] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)  # no date we can read
    outside: list[Point] = field(default_factory=list)  # placed, but before signature or after renewal


class Reader(Clock):
    """The time checks' clock, reading each text once: a page draws every journey with one reader, and
    a step or a stage reads the same in each."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._memo: dict[tuple[Any, ...], Any] = {}

    def offset(self, text: str | None) -> Offset | None:
        """``text`` as an offset, milestones known by title or id."""
        key = ("offset", text)
        if key not in self._memo:
            self._memo[key] = parse_offset(text, self.names)
        return self._memo[key]

    def step(self, playbook: Entity, step: Step) -> Days | None:
        key = ("step", playbook.key, step.number)
        if key not in self._memo:
            self._memo[key] = super().step(playbook, step)
        return self._memo[key]

    def window(self, stage: Entity) -> Days | None:
        key = ("window", stage.key)
        if key not in self._memo:
            self._memo[key] = super().window(stage)
        return self._memo[key]


def build(handbook: Handbook, journey: Journey, clock: Reader | None = None) -> Timeline:
    """The timeline of ``journey`` (``clock``: one shared by several journeys)."""
    clock = clock or Reader(handbook)
    segment = journey.segment_id
    timeline = Timeline(journey, clock.renewal_day)
    placed: list[Point] = []
    bands = _bands(journey, clock)
    timeline.bands = [b for b in bands.values() if b is not None]
    for step in journey.stages:
        stage = step.stage
        if bands[stage.id] is None:
            text = stage.text("duration")
            why = "no span we can read, and none of its milestones has a due date we can read"
            timeline.unplaced.append(Unplaced(stage, "duration", text, why))
        for milestone in step.milestones:
            days = clock.due(milestone)
            if days is None:
                timeline.unplaced.append(
                    Unplaced(milestone, "due", milestone.text("due"), _why_not(clock, milestone.text("due")))
                )
            else:
                placed.append(
                    Point(
                        MILESTONE_POINT,
                        milestone,
                        milestone.owner_in(segment),
                        days,
                        milestone.text("due") or "",
                    )
                )
    for playbook in _playbooks(handbook, journey):
        placed += _playbook_points(clock, playbook, segment, bands, timeline)
    for point in placed:
        low, high = point.days
        inside = high >= 0 and low <= clock.renewal_day
        (timeline.points if inside else timeline.outside).append(point)
    timeline.points.sort(
        key=lambda p: (p.days[0], p.days[1], p.kind != MILESTONE_POINT, p.entity.title.lower())
    )
    timeline.outside.sort(key=lambda p: p.days)
    timeline.arrows = _arrows(clock, journey, bands, timeline)
    timeline.lanes = _lanes(journey, timeline)
    return timeline


def _why_not(clock: Reader, text: str | None) -> str:
    """Why a ``due`` (or a ``when`` naming a milestone) has no place: no text, a text in no form we read,
    or a milestone it counts from that has none itself."""
    if not text or not text.strip():
        return "no due date"
    offset = clock.offset(text)
    if offset is None:
        return "no date we can read"
    return _anchor_why(clock, offset.anchor)


def _anchor_why(clock: Reader, anchor: str) -> str:
    if anchor.startswith(MILESTONE):
        milestone = clock.handbook.get("milestone", anchor.removeprefix(MILESTONE))
        name = milestone.title if milestone is not None else anchor.removeprefix(MILESTONE)
        return f"counted from {name}, which has no date we can read"
    return "no date we can read"


def _bands(journey: Journey, clock: Reader) -> dict[str, Band | None]:
    """Each stage's band by id, in journey order; an estimated one reaches to where the next one starts."""
    found: dict[str, Band | None] = {}
    for step in journey.stages:
        window = clock.window(step.stage)
        if window is not None:
            found[step.stage.id] = Band(step.stage, window, estimated=False)
            continue
        dues = [d for d in (clock.due(m) for m in step.milestones) if d is not None]
        found[step.stage.id] = (
            Band(step.stage, (min(d[0] for d in dues), max(d[1] for d in dues)), estimated=True)
            if dues
            else None
        )
    ordered = list(found.values())
    for index, band in enumerate(ordered):
        if band is None or not band.estimated:
            continue
        following = next((b for b in ordered[index + 1 :] if b is not None), None)
        if following is not None and following.days[0] > band.days[1]:
            found[band.stage.id] = Band(band.stage, (band.days[0], following.days[0]), estimated=True)
    return found


def _playbooks(handbook: Handbook, journey: Journey) -> list[Entity]:
    """The active playbooks that apply to the journey's segment and run in one of its stages, by title."""
    stages = {s.stage.id for s in journey.stages}
    segment = journey.segment_id
    return sorted(
        (
            p
            for p in handbook.of_kind("playbook")
            if p.active and p.applies_to(segment) and stages.intersection(p.texts("stages"))
        ),
        key=lambda p: (p.title.lower(), p.id),
    )


def _playbook_points(
    clock: Reader, playbook: Entity, segment: str | None, bands: dict[str, Band | None], timeline: Timeline
) -> list[Point]:
    """A playbook's runs (scheduled) and its steps that a ``when`` places; the others go to ``unplaced``."""
    points: list[Point] = []
    kinds = {t.kind for t in playbook.triggers}
    for trigger in playbook.triggers:
        if trigger.kind == "schedule":
            runs = _runs(clock, playbook, trigger.value, bands)
            if runs is None:
                timeline.unplaced.append(
                    Unplaced(playbook, "schedule", trigger.value, "no schedule we can read")
                )
            points += runs or []
    steps = [s for s in playbook.steps if s.applies_to(segment)]
    silent = []
    for step in steps:
        days = clock.step(playbook, step)
        if days is not None:
            points.append(Point(STEP_POINT, playbook, step.owner, days, step.when or "", step))
        elif "schedule" in kinds:
            continue  # done at each run of the playbook
        elif not kinds & {"milestone"}:
            silent.append(step)  # started by a signal or a judgement call: no day on the journey
        elif not step.when:
            silent.append(step)
        else:
            timeline.unplaced.append(
                Unplaced(playbook, "when", step.when, _step_why(clock, playbook, step), step)
            )
    if silent:
        unanchored = not kinds & {"milestone", "schedule"}
        field = "trigger" if unanchored else "steps"
        timeline.unplaced.append(Unplaced(playbook, field, None, _silent_why(playbook, silent)))
    return points


def _step_why(clock: Reader, playbook: Entity, step: Step) -> str:
    offset = clock.offset(step.when)
    if offset is None:
        return "no date we can read"
    if offset.anchor == START:  # a bare "day N": it counts from what starts the playbook
        milestones = [t.value for t in playbook.triggers if t.kind == "milestone"]
        if len(playbook.triggers) != 1:
            return "counted from what starts the playbook, and more than one thing does"
        return _anchor_why(clock, MILESTONE + milestones[0])
    return _anchor_why(clock, offset.anchor)


def _silent_why(playbook: Entity, steps: list[Step]) -> str:
    count = f"{len(steps)} step{'s' if len(steps) != 1 else ''}"
    kinds = {t.kind for t in playbook.triggers}
    if not kinds & {"milestone", "schedule"}:
        cause = (
            "a signal"
            if kinds == {"signal"}
            else "a judgement call"
            if kinds == {"manual"}
            else "a signal or a judgement call"
        )
        return f"it starts on {cause}, so its {count} {'has' if len(steps) == 1 else 'have'} no day on the journey"
    return f"{count} without a “when”"


def _runs(
    clock: Reader, playbook: Entity, schedule: str, bands: dict[str, Band | None]
) -> list[Point] | None:
    """The runs of a scheduled playbook in the first year (see the module's docstring), or None when the
    schedule is in no form journeysite reads."""
    period = parse_period(schedule)
    team = playbook.owner
    if period is None:
        days = clock.days(clock.offset(schedule))
        return [Point(RUN_POINT, playbook, team, days, schedule, run=1, runs=1)] if days is not None else None
    spans = [bands.get(s) for s in playbook.texts("stages") if s in bands]
    known = [b.days for b in spans if b is not None and not b.estimated]
    first = min((d[0] for d in known), default=0.0)
    last = max(d[1] for d in known) if known and len(known) == len(spans) else clock.renewal_day
    last = min(last, clock.renewal_day)
    days_list: list[float] = []
    day = first + period.days
    while day <= last + 1e-9 and len(days_list) < 400:  # a daily schedule is 365 runs; never more
        days_list.append(round(day, 1))
        day += period.days
    return [
        Point(RUN_POINT, playbook, team, (d, d), schedule, run=i, runs=len(days_list), every=period.days)
        for i, d in enumerate(days_list, 1)
    ]


def _arrows(
    clock: Reader, journey: Journey, bands: dict[str, Band | None], timeline: Timeline
) -> list[Arrow]:
    """The journey's handoffs where they fall; the ones with no day go to ``unplaced``."""
    arrows: list[Arrow] = []
    seen: set[str] = set()
    for transition in journey.transitions:
        for handoff in transition.handoffs:
            if handoff.key in seen:
                continue
            seen.add(handoff.key)
            if transition.stage is not None:  # after a milestone, inside a stage
                at = transition.before
                days = clock.due(at)
            else:
                at = transition.after
                band = bands.get(at.id)
                days = band.days if band is not None else None
            if days is None:
                why = f"{at.title} has no date we can read"
                timeline.unplaced.append(Unplaced(handoff, "handoff", None, why))
                continue
            arrows.append(Arrow(handoff, handoff.text("from"), handoff.text("to"), days[0], at))
    arrows.sort(key=lambda a: (a.day, a.handoff.title.lower()))
    return arrows


def _lanes(journey: Journey, timeline: Timeline) -> list[str]:
    """The teams with something on the axis, in the order the journey first meets them."""
    on_axis: set[str] = {p.team for p in timeline.points if p.team}
    inside = [a for a in timeline.arrows if 0 <= a.day <= timeline.renewal_day]
    on_axis.update(t for a in inside for t in (a.giver, a.receiver) if t)
    order: list[str] = []
    for step in journey.stages:
        order.append(step.owner or "")
        order += [m.owner_in(journey.segment_id) or "" for m in step.milestones]
    order += [p.team or "" for p in timeline.points]
    order += [t or "" for a in inside for t in (a.giver, a.receiver)]
    return [t for t in dict.fromkeys(order) if t in on_axis]
