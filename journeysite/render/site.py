"""The site plan: which pages journeysite generates, where they live, and how the navigation is arranged."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from journeysite.core.model import Entity, Handbook
from journeysite.core.relations import Relations
from journeysite.render import markup


@dataclass(frozen=True)
class GeneratedPage:
    name: str  # the linker's key for it, e.g. "page:grid"
    src_uri: str
    title: str


GENERATED = (
    GeneratedPage("page:start-here", "start-here.md", "Start here"),
    GeneratedPage("page:overview", "journey/index.md", "Journey overview"),
    GeneratedPage("page:grid", "journey/grid.md", "Playbook grid"),
    GeneratedPage("page:timeline", "journey/timeline.md", "Timeline"),
    GeneratedPage("page:moments", "journey/moments.md", "Moments of truth"),
    GeneratedPage("page:handoffs", "journey/handoffs.md", "Handoffs"),
    GeneratedPage("page:roles", "journey/roles.md", "Who does what"),
    GeneratedPage("page:raci", "journey/raci.md", "RACI matrix"),
    GeneratedPage("page:systems", "journey/systems.md", "Systems"),
    GeneratedPage("page:metrics", "journey/metrics.md", "Metrics"),
    GeneratedPage("page:gaps", "journey/gaps.md", "Handoff gaps"),
    GeneratedPage("page:review", "journey/review.md", "Review status"),
    GeneratedPage("page:capacity", "journey/capacity.md", "Team capacity"),
)
JOURNEY_JSON = "journey.json"
STYLESHEET = "assets/journeysite/journeysite.css"
SCRIPT = "assets/journeysite/journeysite.js"  # the diagrams' full-screen view and downloads

KIND_SECTIONS = (
    ("mission", "Mission"),
    ("segment", "Segments"),
    ("stage", "Stages"),
    ("milestone", "Milestones"),
    ("playbook", "Playbooks"),
    ("handoff", "Handoffs"),
    ("team", "Teams"),
    ("metric", "Metrics"),
)
PLAYBOOK_TYPES = (("lifecycle", "Lifecycle"), ("risk", "At risk"), ("expansion", "Expansion"))

# A navigation plan: (title, src_uri) for a page, (title, [children]) for a section.
NavItem = tuple[str, "str | list[NavItem]"]


# Every page renders the navigation lists on its path (mkdocs-material, navigation.prune), so no
# list may grow with the handbook: longer ones are split into sections. That keeps builds linear.
NAV_LIMIT = 30
# Above this many pages journeysite turns on navigation.prune; below it the whole navigation costs
# little (about 20 µs per entry per page) and readers can open any section in place.
PRUNE_ABOVE = 200


def _bounded(items: list[NavItem]) -> list[NavItem]:
    """The items, or sections of at most NAV_LIMIT named by their first and last titles."""
    while len(items) > NAV_LIMIT:
        chunks = [items[i : i + NAV_LIMIT] for i in range(0, len(items), NAV_LIMIT)]
        items = [(f"{_short(chunk[0][0])} – {_short(chunk[-1][0])}", chunk) for chunk in chunks]
    return items


def _short(title: str) -> str:
    return title if len(title) <= 24 else title[:23].rstrip() + "…"


def _pages(entities: list[Entity]) -> list[NavItem]:
    return _bounded([(e.title, e.file) for e in entities])


def _by_stage(handbook: Handbook, entities: list[Entity], stage_of, inner=_pages) -> list[NavItem]:
    """Group entities under their stage, stages in journey order; those with no stage come last."""
    groups: dict[str, list[Entity]] = {}
    for entity in entities:
        groups.setdefault(stage_of(entity) or "", []).append(entity)
    plan: list[NavItem] = []
    for stage in handbook.stages:
        members = groups.pop(stage.id, [])
        if members:
            plan.append((stage.title, inner(members)))
    leftovers = [e for group in groups.values() for e in group]
    if leftovers:
        plan.append(("Other", inner(leftovers)))
    return _bounded(plan)


def _by_family(playbooks: list[Entity]) -> list[NavItem]:
    """A stage's playbooks; split by family when there are too many for one list."""
    if len(playbooks) <= NAV_LIMIT:
        return _pages(playbooks)
    return [
        (label, _pages(members))
        for family, label in PLAYBOOK_TYPES
        if (members := [p for p in playbooks if p.text("type") == family])
    ]


def entity_sections(
    handbook: Handbook, relations: Relations, exclude: AbstractSet[str] = frozenset()
) -> list[NavItem]:
    """Sections by kind: stages in journey order, milestones, playbooks and handoffs grouped by stage."""
    plan: list[NavItem] = []
    stage_order = {s.id: i for i, s in enumerate(handbook.stages)}
    for kind, title in KIND_SECTIONS:
        entities = [e for e in handbook.of_kind(kind) if e.file not in exclude]
        if not entities:
            continue
        if kind == "mission":
            plan.extend((e.title, e.file) for e in entities)
            continue
        if kind == "stage":
            children = _pages([e for e in handbook.stages if e.file not in exclude])
        elif kind == "milestone":
            ordered = sorted(
                entities, key=lambda e: (stage_order.get(e.text("stage") or "", 1 << 30), e.order)
            )
            children = _by_stage(handbook, ordered, lambda e: e.text("stage"))
        elif kind == "playbook":
            type_rank = {t: i for i, (t, _) in enumerate(PLAYBOOK_TYPES)}
            ordered = sorted(
                entities, key=lambda e: (type_rank.get(e.text("type") or "", 9), e.title.lower())
            )
            children = _by_stage(handbook, ordered, lambda e: _first_stage(e, stage_order), inner=_by_family)
        elif kind == "handoff":
            ordered = sorted(
                entities, key=lambda e: (_handoff_position(handbook, e, stage_order), e.title.lower())
            )
            if len(ordered) <= NAV_LIMIT:
                children = _pages(ordered)
            else:
                children = _by_stage(handbook, ordered, lambda e: _handoff_stage(handbook, e))
        else:
            children = _pages(sorted(entities, key=lambda e: e.title.lower()))
        plan.append((title, children))
    return plan


def plan(
    handbook: Handbook,
    relations: Relations,
    generated: list[NavItem],
    in_nav: AbstractSet[str] | None = None,
) -> list[NavItem]:
    """journeysite's part of the navigation: with no ``nav:`` (``in_nav`` None), start here, the Journey
    pages and the entity pages by kind; with the user's ``nav:`` (the pages it lists), a "Customer
    journey" section of what it leaves out. The plugin and ``generate`` both place it."""
    if in_nav is None:
        start = [item for item in generated if item[1] == "start-here.md"]
        journey: list[NavItem] = [("Journey", [g for g in generated if g[1] != "start-here.md"])]
        return start + journey + entity_sections(handbook, relations)
    return [("Customer journey", generated + entity_sections(handbook, relations, exclude=in_nav))]


def _handoff_stage(handbook: Handbook, handoff: Entity) -> str | None:
    milestone = handbook.get("milestone", handoff.text("milestone") or "")
    return milestone.text("stage") if milestone is not None else handoff.text("from_stage")


def _first_stage(entity: Entity, stage_order: dict[str, int]) -> str | None:
    stages = [s for s in entity.texts("stages") if s in stage_order]
    return min(stages, key=stage_order.__getitem__) if stages else None


def _handoff_position(handbook: Handbook, handoff: Entity, stage_order: dict[str, int]) -> tuple[int, int]:
    milestone = handbook.get("milestone", handoff.text("milestone") or "")
    if milestone is not None:
        return stage_order.get(milestone.text("stage") or "", 1 << 30), milestone.order
    return stage_order.get(handoff.text("from_stage") or "", 1 << 30), 1 << 30


def around_plan(automatic: list[Any], placed: AbstractSet[str], planned: list[Any]) -> list[Any]:
    """The navigation with no ``nav:`` in mkdocs.yml, in ``nav:`` form: MkDocs' automatic one
    (``automatic``) around journeysite's (``planned``, from ``plan_data``). Its plain pages come first,
    then ours, then its folder sections, without the pages journeysite places itself (``placed``), which
    would be listed twice. A folder section named as one of ours gives its pages to that one, first
    (``stages/index.md``, an introduction to the stages, makes MkDocs a "Stages" folder section)."""
    ours = {next(iter(entry)): entry for entry in planned if isinstance(entry, dict)}
    leading, trailing = [], []
    for item in automatic:
        left = _unplaced(item, placed)
        if left is None:
            continue
        if isinstance(left, str):
            leading.append(left)
            continue
        title, children = next(iter(left.items()))
        section = ours.get(markup.text(title)) if isinstance(children, list) else None
        if section is not None:
            section[next(iter(section))][:0] = children
        else:
            trailing.append(left)
    return [*leading, *planned, *trailing]


def _unplaced(item: Any, placed: AbstractSet[str]) -> Any:
    """A ``nav:`` item without the pages journeysite places itself; None when nothing is left of it."""
    if isinstance(item, str):
        return None if item in placed else item
    title, value = next(iter(item.items()))
    if not isinstance(value, list):  # a link
        return item
    children = [c for c in (_unplaced(child, placed) for child in value) if c is not None]
    return {title: children} if children else None


def plan_data(plan: list[NavItem], exists: Callable[[str], bool]) -> list[Any]:
    """A plan in ``nav:`` form: pages by path (each keeps its own title), sections by their (escaped)
    title; pages that do not exist (``exists``) and sections left empty are left out."""
    data: list[Any] = []
    for title, target in plan:
        if isinstance(target, list):
            children = plan_data(target, exists)
            if children:
                data.append({markup.text(title): children})
        elif exists(target):
            data.append(target)
    return data
