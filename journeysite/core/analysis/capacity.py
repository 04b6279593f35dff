"""Capacity (SPEC §7.6): the hours a month each team's playbook steps take, against the hours its people have.

For each team and segment, planned hours a month = Σ over the steps the team runs in that segment of
effort × runs per customer a month × the segment's customers. A playbook runs 30.4 ÷ its period's days
times a month when a trigger names a period (``every 90 days``, ``monthly``; of several, the most
frequent), else once a customer a year. A team's capacity is its headcount × ``hours_per_person_month``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from journeysite.core.analysis import offsets
from journeysite.core.diagnostics import WARNING, Diagnostic
from journeysite.core.model import Entity, Handbook, Range, Step
from journeysite.core.settings import Settings

CODE = "capacity-exceeded"
DAYS_PER_MONTH = offsets.DAYS_PER_UNIT["month"]  # 30.4
ONCE_A_YEAR = 1 / 12  # runs a month of a playbook no period drives
NEAR = 0.9  # a team at this share of its capacity or more is near its limit
COSTLIEST = 10  # steps listed as the ones that cost most


@dataclass(frozen=True, slots=True)
class Frequency:
    """How often a playbook runs for one customer: ``per_month`` runs a month, and the reason in words."""

    per_month: float
    words: str  # "every 90 days", "once a year"
    period: str | None = None  # the trigger text the period was read from, if any


@dataclass(frozen=True, slots=True)
class SegmentHours:
    segment: str
    accounts: int
    hours: float  # a month


@dataclass(frozen=True, slots=True)
class StepCost:
    """One step with an effort: what it costs its team a month, per segment it applies to."""

    playbook: str  # id
    number: int  # the step's place in the playbook, from 1
    do: str
    team: str | None
    effort_hours: float  # one run, for one customer
    effort: str  # as written
    frequency: Frequency
    segments: tuple[SegmentHours, ...] = ()  # only the segments that say how many customers they have

    @property
    def hours(self) -> float:
        """Hours a month, over every segment."""
        return sum(s.hours for s in self.segments)


@dataclass(frozen=True, slots=True)
class UnknownStep:
    """A step without an effort (counted as zero), or with one that cannot be read."""

    playbook: str
    number: int
    do: str
    team: str | None


@dataclass(frozen=True, slots=True)
class Assumption:
    """A playbook counted once a year because none of its schedules names a period journeysite reads."""

    playbook: str
    schedules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TeamLoad:
    """One team: its planned hours a month by segment, and what its people can give."""

    team: str
    headcount: int | None
    capacity: float | None  # hours a month; None when the team gives no headcount
    segments: tuple[tuple[str, float], ...]  # (segment id, hours a month), every segment in order
    steps: int  # steps it runs that have an effort
    unknown: int  # steps it runs without one

    @property
    def planned(self) -> float:
        return sum(hours for _, hours in self.segments)

    @property
    def utilisation(self) -> float | None:
        """Planned ÷ capacity (1.0 = every hour), or None without a capacity above zero."""
        return self.planned / self.capacity if self.capacity else None

    @property
    def exceeded(self) -> bool:
        return self.capacity is not None and self.planned > self.capacity + 1e-9

    @property
    def near(self) -> bool:
        """At NEAR of its capacity or more, not over it."""
        share = self.utilisation
        return share is not None and not self.exceeded and share >= NEAR


@dataclass(frozen=True, slots=True)
class SegmentNeed:
    """One segment: its customers, and the CSMs ``accounts_per_csm`` says they need."""

    segment: str
    accounts: int | None
    accounts_per_csm: Range | None
    hours: float  # planned hours a month, every team

    @property
    def csms(self) -> tuple[float, float] | None:
        """(fewest, most) CSMs needed: customers ÷ the most, and ÷ the fewest, accounts per CSM."""
        if self.accounts is None or self.accounts_per_csm is None:
            return None
        return self.accounts / self.accounts_per_csm.max, self.accounts / self.accounts_per_csm.min


@dataclass(frozen=True)
class Capacity:
    """The capacity of every team, computed once by the pipeline; pages, commands and exports read it."""

    hours_per_person_month: float = Settings.hours_per_person_month
    teams: tuple[TeamLoad, ...] = ()  # by utilisation, highest first; then by title
    segments: tuple[SegmentNeed, ...] = ()  # in segment order
    costliest: tuple[StepCost, ...] = ()  # the COSTLIEST steps costing most hours a month
    steps: tuple[StepCost, ...] = field(default=(), repr=False)  # every step with an effort
    unknown: tuple[UnknownStep, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
    frequencies: tuple[tuple[str, Frequency], ...] = ()  # (playbook id, how often it runs), active playbooks

    def team(self, team_id: str) -> TeamLoad | None:
        return next((t for t in self.teams if t.team == team_id), None)

    @property
    def exceeded(self) -> tuple[TeamLoad, ...]:
        return tuple(t for t in self.teams if t.exceeded)

    @property
    def near(self) -> tuple[TeamLoad, ...]:
        return tuple(t for t in self.teams if t.near)

    def as_dict(self) -> dict[str, Any]:
        """The numbers as ``journeysite capacity --format json`` and ``journey.json`` give them (hours a
        month, rounded to 2 decimals; utilisation as a share, 1.0 = all of the capacity)."""
        return {
            "hours_per_person_month": self.hours_per_person_month,
            "teams": [
                {
                    "team": t.team,
                    "headcount": t.headcount,
                    "capacity": _round(t.capacity),
                    "planned": _round(t.planned),
                    "utilisation": _round(t.utilisation, 4),
                    "exceeded": t.exceeded,
                    "segments": {s: _round(h) for s, h in t.segments},  # hours a month by segment id
                    "steps_with_effort": t.steps,
                    "steps_without_effort": t.unknown,
                }
                for t in self.teams
            ],
            "segments": [
                {
                    "segment": s.segment,
                    "accounts": s.accounts,
                    "accounts_per_csm": s.accounts_per_csm.as_dict() if s.accounts_per_csm else None,
                    "csms_needed": {"min": _round(s.csms[0]), "max": _round(s.csms[1])} if s.csms else None,
                    "planned": _round(s.hours),
                }
                for s in self.segments
            ],
            "costliest": [_step_dict(s) for s in self.costliest],
            "unknown": [
                {"playbook": u.playbook, "step": u.number, "do": u.do, "team": u.team} for u in self.unknown
            ],
            "assumptions": [
                {"playbook": a.playbook, "schedules": list(a.schedules)} for a in self.assumptions
            ],
            "playbooks": [
                {"playbook": p, "runs_per_month": _round(f.per_month, 4), "how_often": f.words}
                for p, f in self.frequencies
            ],
        }


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _step_dict(step: StepCost) -> dict[str, Any]:
    return {
        "playbook": step.playbook,
        "step": step.number,
        "do": step.do,
        "team": step.team,
        "effort": step.effort,
        "effort_hours": _round(step.effort_hours),
        "runs_per_month": _round(step.frequency.per_month, 4),
        "how_often": step.frequency.words,
        "hours": _round(step.hours),
        "segments": [
            {"segment": s.segment, "accounts": s.accounts, "hours": _round(s.hours)} for s in step.segments
        ],
    }


def frequency(playbook: Entity) -> Frequency:
    """How often ``playbook`` runs for one customer: the most frequent period its schedule, signal or
    judgement triggers name, else once a year (a milestone is reached once)."""
    periods = [
        period
        for trigger in playbook.triggers
        if trigger.kind != "milestone"
        and (period := offsets.parse_period(trigger.value)) is not None
        and period.days > 0
    ]
    if not periods:
        return Frequency(ONCE_A_YEAR, "once a year")
    best = min(periods, key=lambda p: p.days)
    return Frequency(DAYS_PER_MONTH / best.days, _period_words(best), best.text)


def _period_words(period: offsets.Period) -> str:
    days = period.days
    named = {1.0: "every day", 7.0: "every week", 14.0: "every 2 weeks", DAYS_PER_MONTH: "every month"}
    if days in named:
        return named[days]
    if abs(days - 365) < 0.5:
        return "every year"
    return f"every {days:g} days"


def compute(handbook: Handbook, settings: Settings) -> Capacity:
    """The capacity of every team of ``handbook``: active playbooks and segments only (drafts count, as
    in the journeys; retired ones do not)."""
    segments = [s for s in handbook.segments if s.active]
    playbooks = sorted(
        (p for p in handbook.of_kind("playbook") if p.active), key=lambda p: (p.title.lower(), p.id)
    )
    # A playbook runs for a segment's customers only where its stages are in that segment's journey.
    stages_of = {j.segment_id: {step.stage.id for step in j.stages} for j in handbook.journeys}
    costs: list[StepCost] = []
    unknown: list[UnknownStep] = []
    assumptions: list[Assumption] = []
    frequencies: list[tuple[str, Frequency]] = []
    for playbook in playbooks:
        how_often = frequency(playbook)
        frequencies.append((playbook.id, how_often))
        if how_often.period is None:
            schedules = tuple(t.value for t in playbook.triggers if t.kind == "schedule")
            if schedules:
                assumptions.append(Assumption(playbook.id, schedules))
        # The segments whose journeys the playbook runs in: worked out once, not once a step.
        stages = playbook.texts("stages")
        running = [
            s
            for s in segments
            if playbook.applies_to(s.id) and any(stage in stages_of.get(s.id, ()) for stage in stages)
        ]
        for step in playbook.steps:
            reached = [s for s in running if step.applies_to(s.id)]
            if segments and not reached:
                continue  # in no journey (never-in-a-journey says so): it costs nobody anything
            hours = offsets.effort_hours(step.effort)
            if hours is None:
                unknown.append(UnknownStep(playbook.id, step.number, step.do, step.owner))
                continue
            costs.append(_cost(playbook, step, hours, how_often, reached))
    loads = _team_loads(handbook, segments, costs, unknown, settings.hours_per_person_month)
    needs = tuple(
        SegmentNeed(
            s.id,
            s.accounts,
            s.accounts_per_csm,
            sum(h.hours for c in costs for h in c.segments if h.segment == s.id),
        )
        for s in segments
    )
    ranked = sorted(
        (c for c in costs if c.hours > 0), key=lambda c: (-c.hours, _title(handbook, c.playbook), c.number)
    )
    return Capacity(
        hours_per_person_month=settings.hours_per_person_month,
        teams=loads,
        segments=needs,
        costliest=tuple(ranked[:COSTLIEST]),
        steps=tuple(costs),
        unknown=tuple(unknown),
        assumptions=tuple(assumptions),
        frequencies=tuple(frequencies),
    )


def _cost(
    playbook: Entity, step: Step, hours: float, how_often: Frequency, reached: list[Entity]
) -> StepCost:
    per_segment = tuple(
        SegmentHours(s.id, s.accounts, hours * how_often.per_month * s.accounts)
        for s in reached
        if s.accounts is not None
    )
    return StepCost(
        playbook.id, step.number, step.do, step.owner, hours, step.effort or "", how_often, per_segment
    )


def _title(handbook: Handbook, playbook_id: str) -> str:
    playbook = handbook.get("playbook", playbook_id)
    return playbook.title.lower() if playbook else playbook_id


def _team_loads(
    handbook: Handbook,
    segments: list[Entity],
    costs: list[StepCost],
    unknown: list[UnknownStep],
    per_person: float,
) -> tuple[TeamLoad, ...]:
    """Every active team (and a retired one that still runs steps), by utilisation then title."""
    running = {c.team for c in costs} | {u.team for u in unknown}
    teams = [t for t in handbook.of_kind("team") if t.active or t.id in running]
    loads = []
    for team in teams:
        mine = [c for c in costs if c.team == team.id]
        by_segment = tuple(
            (s.id, sum(h.hours for c in mine for h in c.segments if h.segment == s.id)) for s in segments
        )
        headcount = team.headcount
        loads.append(
            TeamLoad(
                team=team.id,
                headcount=headcount,
                capacity=headcount * per_person if headcount is not None else None,
                segments=by_segment,
                steps=len(mine),
                unknown=sum(1 for u in unknown if u.team == team.id),
            )
        )

    def rank(load: TeamLoad) -> tuple:
        share = load.utilisation
        over = load.exceeded and share is None  # planned work and no one to do it
        entity = handbook.get("team", load.team)
        return (not over, -(share or 0.0), share is None, entity.title.lower() if entity else load.team)

    return tuple(sorted(loads, key=rank))


def hours_text(hours: float) -> str:
    """Hours as people read them: whole hours with separators from 10 up (1,250), else one decimal (2.5)."""
    if hours >= 9.95:
        return f"{hours:,.0f}"
    shown = f"{hours:.1f}"
    return shown[:-2] if shown.endswith(".0") else shown


def percent_text(share: float) -> str:
    """A share as a whole percentage; a little work is "under 1%", not 0%."""
    return "under 1%" if 0 < share < 0.005 else f"{share * 100:.0f}%"


def exceeded(capacity: Capacity, handbook: Handbook) -> list[Diagnostic]:
    """``capacity-exceeded`` for each team whose planned hours are more than its people have, on the
    line of its ``headcount``, with both numbers and the way out."""
    found = []
    for load in capacity.exceeded:
        team = handbook.get("team", load.team)
        if team is None:
            continue
        mine = [c for c in capacity.steps if c.team == load.team]
        costliest = max(mine, key=lambda c: c.hours) if mine else None
        playbook = handbook.get("playbook", costliest.playbook) if costliest else None
        biggest = (
            f" (the costliest is step {costliest.number} of {playbook.title}, {hours_text(costliest.hours)} hours)"
            if costliest and playbook
            else ""
        )
        people = f"{load.headcount} {'person' if load.headcount == 1 else 'people'}"
        given = (
            f"{hours_text(load.capacity or 0)} ({people} × {hours_text(capacity.hours_per_person_month)} hours)"
            if load.headcount
            else "none (its headcount is 0)"
        )
        share = f", {percent_text(load.utilisation)} of its capacity" if load.utilisation is not None else ""
        line = team.line_of("headcount") if "headcount" in team.data else 1
        found.append(
            Diagnostic(
                CODE,
                WARNING,
                team.file,
                line,
                f"{team.title}'s playbook steps need {hours_text(load.planned)} hours a month, but its people "
                f"have {given}{share}: raise `headcount` if the team is larger, lower the `effort` of its "
                f"steps{biggest}, or give steps to another team",
                team.key,
            )
        )
    return found
