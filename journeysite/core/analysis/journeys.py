"""Journeys: for each segment, its active stages in order, each with its active milestones in order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from journeysite.core.model import Entity, Handbook


@dataclass(frozen=True)
class JourneyStage:
    """A stage as one segment goes through it: only the milestones that apply to that segment."""

    stage: Entity
    milestones: tuple[Entity, ...]


@dataclass(frozen=True)
class Journey:
    """The path of one segment through the stages (or the one journey, when there are no segments)."""

    segment: Entity | None
    stages: tuple[JourneyStage, ...]

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

    def owners(self) -> list[tuple[str | None, list[str | None]]]:
        """The chain of owners along the journey: each stage's owner with its milestones' owners."""
        return [(s.stage.owner, [m.owner for m in s.milestones]) for s in self.stages]


def build(handbook: Handbook) -> list[Journey]:
    """Return every segment's journey (active segments, in file order), or the one journey without segments."""
    segments = [s for s in handbook.of_kind("segment") if s.active]
    return [journey_of(handbook, segment) for segment in segments] or [journey_of(handbook, None)]


def journey_of(handbook: Handbook, segment: Entity | None) -> Journey:
    segment_id = segment.id if segment else None
    stages = []
    for stage in handbook.stages:
        if not (stage.active and stage.applies_to(segment_id)):
            continue
        milestones = tuple(
            m for m in handbook.milestones_of(stage.id) if m.active and m.applies_to(segment_id)
        )
        stages.append(JourneyStage(stage, milestones))
    return Journey(segment, tuple(stages))
