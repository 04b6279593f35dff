"""Time checks (SPEC §7.6): milestone dues that contradict their order, and milestone dues or playbook
step offsets that fall outside their stage's ``duration``.

Where things fall is read by ``Clock``, in days from the contract's signature (day 0), with the first
renewal a year later. A step's bare ``day N`` / ``week N`` counts from what starts its playbook: from the
milestone, when one milestone starts it (``at signature`` there is the journey's start); a playbook
started by a schedule, a signal or a judgement call has no fixed place on the journey, so only its steps
that name a milestone or the renewal (``within 14 days of go-live``, ``2 weeks before renewal``) are
placed. Unparsed text is never a finding.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from journeysite.core.analysis import offsets
from journeysite.core.analysis.journeys import Journey
from journeysite.core.analysis.offsets import MILESTONE, START, Offset
from journeysite.core.diagnostics import WARNING, Diagnostic
from journeysite.core.model import Entity, Handbook, Step

TIMING_CODES = ("due-out-of-order", "outside-stage-window")

Days = tuple[float, float]

# A value written as days from signature ("day 30", "days 30 to 90"): a message need not repeat them.
_SAYS_ITS_DAYS = re.compile(
    r"\s*days?\s+[\d.]+(?:\s*(?:-|\u2013|to)\s*(?:days?\s+)?[\d.]+)?\s*\.?\s*", re.IGNORECASE
)
# A step offset from the start that says so ("at signature", "day 3 after signature") is not relative
# to its playbook's trigger.
_NAMES_THE_START = re.compile(r"\b(?:sign(?:ature|ing|ed)?|contract|closed[- ]won)\b", re.IGNORECASE)


@dataclass
class Clock:
    """Where milestones, stages and steps fall on the journey, in days from signature."""

    handbook: Handbook
    renewal_day: float = offsets.DEFAULT_RENEWAL_DAY
    names: offsets.MilestoneNames = field(init=False)  # milestone title or id, normalised -> id
    dues: dict[str, Offset] = field(init=False)  # milestone id -> its parsed `due`
    _windows: dict[str, Days | None] = field(init=False, default_factory=dict)  # by stage id, read once

    def __post_init__(self) -> None:
        milestones = [m for m in self.handbook.of_kind("milestone") if m.active]
        self.names = offsets.milestone_names(
            {m.title.strip().lower(): m.id for m in milestones} | {m.id: m.id for m in milestones}
        )
        self.dues = {}
        for milestone in milestones:
            due = offsets.parse_offset(milestone.text("due"), self.names)
            if due is not None:
                self.dues[milestone.id] = due

    def days(self, offset: Offset | None) -> Days | None:
        return offsets.resolve(offset, self.dues, self.renewal_day) if offset is not None else None

    def due(self, milestone: Entity) -> Days | None:
        """The days a milestone is due, when its ``due`` is in a form journeysite reads."""
        return self.days(self.dues.get(milestone.id))

    def window(self, stage: Entity) -> Days | None:
        """The days a stage spans, when its ``duration`` is in a form journeysite reads (read once per
        stage: every step of every playbook there asks)."""
        if stage.key not in self._windows:
            self._windows[stage.key] = self._window(stage)
        return self._windows[stage.key]

    def _window(self, stage: Entity) -> Days | None:
        text = stage.text("duration")
        window = offsets.parse_window(text)
        if window is None:
            relative = offsets.parse_offset(text, self.names)  # "within 60 days of go-live"
            window = relative if relative is not None and relative.end > relative.start else None
        return self.days(window)

    def step_offset(self, playbook: Entity, step: Step) -> Offset | None:
        """A step's ``when`` as an offset placed on the journey (see the module's docstring), or None."""
        offset = offsets.parse_offset(step.when, self.names)
        if offset is None or offset.anchor != START:
            return offset
        triggers = playbook.triggers
        if len(triggers) != 1 or triggers[0].kind != "milestone":
            return None  # "day 0" of a code red, "at signature" of an upsell: not the journey's start
        if _NAMES_THE_START.search(offset.text):
            return offset
        return Offset(MILESTONE + triggers[0].value, offset.start, offset.end, offset.text)

    def step(self, playbook: Entity, step: Step) -> Days | None:
        """The days a playbook step falls on, when its ``when`` places it on the journey."""
        return self.days(self.step_offset(playbook, step))


def analyse(handbook: Handbook, journeys: list[Journey]) -> list[Diagnostic]:
    """Every time finding of the handbook (warnings)."""
    clock = Clock(handbook)
    found = _dues_out_of_order(handbook, clock, journeys)
    for milestone in handbook.of_kind("milestone"):
        if milestone.active:
            found += _due_outside_its_stage(handbook, clock, milestone)
    for playbook in handbook.of_kind("playbook"):
        if playbook.active:
            found += _steps_outside_their_stages(handbook, clock, playbook)
    return found


def span(days: Days) -> str:
    """``day 60`` or ``days 60–90``, in whole days (a month is 30.4 of them: no one plans to a tenth)."""
    low, high = (f"{round(d):d}" for d in days)
    return f"day {low}" if low == high else f"days {low}\u2013{high}"


def _as_written(text: str, offset: Offset | None, days: Days) -> str:
    """The value as written, with the days it resolves to where it does not say them itself."""
    plain = offset is not None and offset.anchor == START and _SAYS_ITS_DAYS.fullmatch(text)
    return f'"{text}"' if plain else f'"{text}" ({span(days)})'


def _dues_out_of_order(handbook: Handbook, clock: Clock, journeys: list[Journey]) -> list[Diagnostic]:
    """A later-ordered milestone due strictly before an earlier one of its stage, in some journey: one
    finding per such pair (against the nearest earlier milestone), naming the segments where it holds."""
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    entities: dict[str, Entity] = {}
    for journey in journeys:
        for step in journey.stages:
            placed = [(m, clock.due(m)) for m in step.milestones]
            for index, (later, late) in enumerate(placed):
                if late is None:
                    continue
                earlier = next(
                    (m for m, days in reversed(placed[:index]) if days is not None and late[1] < days[0]),
                    None,
                )
                if earlier is None or earlier.order == later.order:
                    continue
                entities[earlier.key], entities[later.key] = earlier, later
                segments = pairs[(earlier.key, later.key)]
                if journey.segment_id is not None:
                    segments.add(journey.segment_id)
    found = []
    for (earlier_key, later_key), segments in pairs.items():
        earlier, later = entities[earlier_key], entities[later_key]
        stage = handbook.get("stage", later.text("stage") or "")
        early_days, late_days = clock.due(earlier), clock.due(later)
        assert early_days is not None and late_days is not None
        message = (
            f"{later.title} comes after {earlier.title} in the stage {stage.title if stage else later.text('stage')} "
            f"(`order` {later.order} after {earlier.order}), but it is due "
            f"{_as_written(later.text('due') or '', clock.dues.get(later.id), late_days)}, before "
            f"{earlier.title}'s {_as_written(earlier.text('due') or '', clock.dues.get(earlier.id), early_days)}: "
            f"change `order` so the milestones follow the order they are due in, or correct one of the two `due` values."
        )
        found.append(
            Diagnostic(
                "due-out-of-order",
                WARNING,
                later.file,
                max(1, later.line_of("due")),
                message,
                later.key,
                tuple(sorted(segments)),
            )
        )
    return found


def _disjoint(days: Days, window: Days) -> bool:
    return days[1] < window[0] or days[0] > window[1]


def _due_outside_its_stage(handbook: Handbook, clock: Clock, milestone: Entity) -> list[Diagnostic]:
    stage = handbook.get("stage", milestone.text("stage") or "")
    due = clock.due(milestone)
    window = clock.window(stage) if stage is not None and stage.active else None
    if stage is None or due is None or window is None or not _disjoint(due, window):
        return []
    message = (
        f"{milestone.title} is due {_as_written(milestone.text('due') or '', clock.dues.get(milestone.id), due)}, "
        f"outside its stage {stage.title}, whose `duration` is {_window_as_written(stage, window)}: correct "
        f"`due`, widen the stage's `duration`, or move the milestone to the stage it falls in."
    )
    return [_finding(milestone, milestone.line_of("due"), message)]


def _window_as_written(stage: Entity, window: Days) -> str:
    return f'"{stage.text("duration")}" ({span(window)})'


def _steps_outside_their_stages(handbook: Handbook, clock: Clock, playbook: Entity) -> list[Diagnostic]:
    stages = [
        s for s in (handbook.get("stage", i) for i in playbook.texts("stages")) if s is not None and s.active
    ]
    windows = [(s, clock.window(s)) for s in stages]
    if not windows or any(w is None for _, w in windows):  # it may fall in a stage whose span is unknown
        return []
    found = []
    for step in playbook.steps:
        days = clock.step(playbook, step)
        if days is None or not all(_disjoint(days, w) for _, w in windows if w is not None):
            continue
        where = "; ".join(f"{s.title} {_window_as_written(s, w)}" for s, w in windows if w is not None)
        which = "its stage" if len(windows) == 1 else "every one of its stages"
        message = (
            f"step {step.number} is timed {_as_written(step.when or '', clock.step_offset(playbook, step), days)}, "
            f"outside {which} ({where}): correct the step's `when`, widen a stage's `duration`, or add the "
            f"stage it falls in to the playbook's `stages`."
        )
        found.append(_finding(playbook, playbook.line_of("steps", step.number - 1, "when"), message))
    return found


def _finding(entity: Entity, line: int, message: str) -> Diagnostic:
    return Diagnostic("outside-stage-window", WARNING, entity.file, max(1, line), message, entity.key)
