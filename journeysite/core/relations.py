"""Relations: who refers to whom, computed once, so every page's sections are lookups, not scans."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from journeysite.core.model import Entity, Handbook

FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Backlink:
    """``source`` names the target in ``field`` (a front-matter path, or ``("body",)`` for a ``[[…]]`` link)."""

    source: Entity
    field: FieldPath

    @cached_property
    def role(self) -> str:
        """The field's name without indices or keys: ``steps.owner``, ``raci.informed``, ``stages``,
        ``segment_owners``, ``body``."""
        if self.field[:1] == ("segment_owners",):
            return "segment_owners"
        return ".".join(str(p) for p in self.field if not isinstance(p, int))


@dataclass
class Relations:
    """Every reference in the handbook, indexed by its target."""

    handbook: Handbook
    backlinks: dict[str, list[Backlink]] = field(default_factory=lambda: defaultdict(list))

    def to(self, target: Entity, *roles: str, kind: str | None = None, active: bool = False) -> list[Entity]:
        """Entities that name ``target`` in one of ``roles`` (any role when none), once each, in order."""
        seen: dict[str, Entity] = {}
        for link in self.backlinks.get(target.key, []):
            if roles and link.role not in roles:
                continue
            if kind and link.source.kind != kind:
                continue
            if active and not link.source.active:
                continue
            seen.setdefault(link.source.key, link.source)
        return list(seen.values())

    def referenced_by(self, target: Entity) -> list[Backlink]:
        return self.backlinks.get(target.key, [])

    def playbooks_of_stage(self, stage: Entity) -> list[Entity]:
        return self.to(stage, "stages", kind="playbook")

    def milestone_playbooks(self, milestone: Entity) -> list[Entity]:
        """Playbooks triggered by the milestone or listing it."""
        return self.to(milestone, "trigger.milestone", "milestones", kind="playbook")

    def handoffs_into(self, stage: Entity) -> list[Entity]:
        return self.to(stage, "to_stage", kind="handoff")

    def handoffs_out_of(self, stage: Entity) -> list[Entity]:
        return self.to(stage, "from_stage", kind="handoff")

    def handoffs_after(self, milestone: Entity) -> list[Entity]:
        return self.to(milestone, "milestone", kind="handoff")

    def metric_users(self, metric: Entity) -> list[Entity]:
        return self.to(metric, "metrics")


def build(handbook: Handbook) -> Relations:
    """Index every front-matter reference and body link by its target."""
    relations = Relations(handbook)
    for entity in handbook.all():
        for path, kind, target in entity.references():
            relations.backlinks[f"{kind}:{target}"].append(Backlink(entity, path))
        for ref in entity.page.body_refs:
            relations.backlinks[f"{ref.kind}:{ref.id}"].append(Backlink(entity, ("body",)))
    return relations
