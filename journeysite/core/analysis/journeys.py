"""Journeys: for each segment, its active stages in order, each with its active milestones in order,
and the transitions between them with the handoffs that cover them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from journeysite.core.model import Entity, Handbook

HandoffIndex = dict[tuple[str | None, ...], list[Entity]]


@dataclass(frozen=True)
class JourneyStage:
    """A stage as one segment goes through it: only the milestones that apply to that segment."""

    stage: Entity
    milestones: tuple[Entity, ...]
    owner: str | None = None  # the stage's owner in this journey (its segment's owner, SPEC §7.1)


@dataclass(frozen=True)
class Transition:
    """A step along a journey: between two stages, or between two milestones of one stage (``stage`` set)."""

    before: Entity
    after: Entity
    stage: Entity | None
    handoffs: tuple[Entity, ...]  # active handoffs that cover it for the journey's segment
    limited: tuple[Entity, ...]  # handoffs that would cover it, but are limited to other segments
    giver: str | None = None  # the owner of ``before`` in this journey
    receiver: str | None = None  # the owner of ``after`` in this journey

    @property
    def key(self) -> tuple[str, str]:
        return self.before.key, self.after.key

    @property
    def changes_owner(self) -> bool:
        return bool(self.giver and self.receiver and self.giver != self.receiver)

    @property
    def missing_handoff(self) -> bool:
        return self.changes_owner and not self.handoffs


@dataclass(frozen=True)
class Journey:
    """The path of one segment through the stages (or the one journey, when there are no segments),
    with every transition along it (the gap rules, the overview and the diagrams read these)."""

    segment: Entity | None
    stages: tuple[JourneyStage, ...]
    transitions: tuple[Transition, ...] = ()

    @property
    def segment_id(self) -> str | None:
        return self.segment.id if self.segment else None

    @property
    def label(self) -> str:
        return self.segment.title if self.segment else "All customers"

    def stage_transitions(self) -> Iterator[tuple[Entity, Entity]]:
        """Each pair of consecutive stages."""
        for before, after in zip(self.stages, self.stages[1:], strict=False):
            yield before.stage, after.stage

    def milestone_transitions(self) -> Iterator[tuple[Entity, Entity, Entity]]:
        """Each pair of consecutive milestones inside one stage, with the stage."""
        for step in self.stages:
            for before, after in zip(step.milestones, step.milestones[1:], strict=False):
                yield step.stage, before, after

    def next_after(self, milestone: Entity) -> Entity | None:
        """The milestone that follows ``milestone`` in its stage on this journey, if any."""
        for step in self.stages:
            if milestone in step.milestones:
                index = step.milestones.index(milestone)
                return step.milestones[index + 1] if index + 1 < len(step.milestones) else None
        return None


def build(handbook: Handbook) -> tuple[list[Journey], Journey]:
    """Return every segment's journey (active segments, by ``order`` then id), or the one journey without
    segments; and the whole journey, every active stage and milestone whatever the segment."""
    index = _handoff_index(handbook)
    segments = [s for s in handbook.segments if s.active]
    journeys = [journey_of(handbook, segment, index) for segment in segments]
    whole = journey_of(handbook, None, index)
    return journeys or [whole], whole


def journey_of(handbook: Handbook, segment: Entity | None, index: HandoffIndex) -> Journey:
    segment_id = segment.id if segment else None
    stages = []
    for stage in handbook.stages:
        if not (stage.active and stage.applies_to(segment_id)):
            continue
        milestones = tuple(
            m for m in handbook.milestones_of(stage.id) if m.active and m.applies_to(segment_id)
        )
        stages.append(JourneyStage(stage, milestones, stage.owner_in(segment_id)))
    journey = Journey(segment, tuple(stages))

    def covering(*what: str | None) -> tuple[tuple[Entity, ...], tuple[Entity, ...]]:
        matching = index.get(what, ())
        return (
            tuple(h for h in matching if h.applies_to(segment_id)),
            tuple(h for h in matching if not h.applies_to(segment_id)),
        )

    def owners(before: Entity, after: Entity) -> tuple[str | None, str | None]:
        return before.owner_in(segment_id), after.owner_in(segment_id)

    transitions = [
        Transition(before, after, None, *covering("stages", before.id, after.id), *owners(before, after))
        for before, after in journey.stage_transitions()
    ]
    transitions += [
        Transition(before, after, stage, *covering("milestone", before.id), *owners(before, after))
        for stage, before, after in journey.milestone_transitions()
    ]
    return Journey(segment, journey.stages, tuple(transitions))


def _handoff_index(handbook: Handbook) -> HandoffIndex:
    """Active handoffs by what they cover: ("stages", from, to) or ("milestone", id)."""
    index: HandoffIndex = {}
    for h in handbook.of_kind("handoff"):
        if not h.active:
            continue
        if h.text("milestone"):
            index.setdefault(("milestone", h.text("milestone")), []).append(h)
        else:
            index.setdefault(("stages", h.text("from_stage"), h.text("to_stage")), []).append(h)
    return index
