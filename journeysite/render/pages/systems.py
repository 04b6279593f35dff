"""Systems: the tools the journey runs on (a playbook's ``systems`` and its steps'), each with the stages,
playbooks and steps that use it, and first the systems of each stage at a glance.

Names are compared as people write them, with case and spacing not counting ("CRM" and "crm " are one
system), and shown as first written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from journeysite.core.model import Entity, Step
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages.parts import admonition, draft_badge
from journeysite.render.pages.summary import LAST, segment_links, stage_rank
from journeysite.render.pages.words import SYSTEM_WORDS


@dataclass
class Use:
    """One playbook's use of a system: named by the playbook itself, by some of its steps, or both."""

    playbook: Entity
    own: bool = False
    steps: list[Step] = field(default_factory=list)


@dataclass
class System:
    name: str  # as first written
    anchor: str  # the id of its section on the page
    uses: list[Use] = field(default_factory=list)

    def use_by(self, playbook: Entity) -> Use:
        if not self.uses or self.uses[-1].playbook is not playbook:
            self.uses.append(Use(playbook))
        return self.uses[-1]


def compared(name: str) -> str:
    """A system's name as names are compared: case and spacing do not count."""
    return " ".join(name.split()).casefold()


def collect(context: Context) -> list[System]:
    """Every system the active playbooks name, alphabetically, each with its uses in journey order."""
    rank = stage_rank(context)
    playbooks = sorted(
        (p for p in context.handbook.of_kind("playbook") if p.active),
        key=lambda p: (
            min((rank.get(s, LAST) for s in p.texts("stages")), default=LAST),
            p.title.lower(),
            p.id,
        ),
    )
    found: dict[str, System] = {}
    anchors: set[str] = set()

    def system(name: str) -> System:
        key = compared(name)
        if key not in found:
            found[key] = System(" ".join(name.split()), _anchor(key, anchors))
        return found[key]

    for playbook in playbooks:
        for name in playbook.texts("systems"):
            if name.strip():
                system(name).use_by(playbook).own = True
        for step in playbook.steps:
            for name in dict.fromkeys(compared(s) for s in step.systems if s.strip()):
                first = next(s for s in step.systems if compared(s) == name)
                system(first).use_by(playbook).steps.append(step)
    return sorted(found.values(), key=lambda s: (compared(s.name), s.name))


def _anchor(key: str, taken: set[str]) -> str:
    base = "system-" + (re.sub(r"[^a-z0-9]+", "-", key).strip("-") or "unnamed")
    anchor, n = base, 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    taken.add(anchor)
    return anchor


def stages_of(context: Context, system: System) -> list[Entity]:
    """The active stages whose playbooks use the system, in journey order."""
    rank = stage_rank(context)
    ids = {s for use in system.uses for s in use.playbook.texts("stages") if s in rank}
    return [stage for stage in context.handbook.stages if stage.id in ids]


def render(context: Context) -> str:
    systems = collect(context)
    if not systems:
        return markup.block(
            admonition(
                "note",
                "No systems named yet",
                "A playbook, and each of its steps, can say which systems it uses (the CRM, the CS platform, "
                "the support desk…): this page then shows where each one is used.",
            )
        )
    parts = [
        "The tools the journey runs on: for each system, the stages, playbooks and steps that use it. First, "
        "each stage's systems at a glance.",
        "",
        f"## {markup.md(SYSTEM_WORDS['by-stage'])}",
        "",
        markup.listing(_by_stage(context, systems)),
    ]
    for system in systems:
        parts += [f"## {markup.md(system.name)}", _section(context, system)]
    return "\n".join(parts)


def _system_link(system: System) -> str:
    return f'<a href="#{markup.text(system.anchor)}" class="jsite-chip jsite-system">{markup.text(system.name)}</a>'


def _by_stage(context: Context, systems: list[System]) -> str:
    by_stage: dict[str, list[System]] = {}
    for system in systems:
        for stage in stages_of(context, system):
            by_stage.setdefault(stage.id, []).append(system)
    rows = []
    for stage in context.handbook.stages:
        if not stage.active:
            continue
        used = by_stage.get(stage.id, [])
        shown = " ".join(_system_link(s) for s in used) or (
            f'<span class="jsite-muted">{markup.text(SYSTEM_WORDS["none"])}</span>'
        )
        rows.append(
            f'<li><span class="jsite-systems-stage">{markup.link(context.linker, stage)}{draft_badge(stage)}</span>'
            f'<span class="jsite-systems-used">{shown}</span></li>'
        )
    return '<ul class="jsite-systems-by-stage">' + "".join(rows) + "</ul>"


def _section(context: Context, system: System) -> str:
    """Where the system is used: its stages, which search indexes (this page is the system's only page),
    then each playbook and its steps that use it, which it does not (they are the playbooks' text)."""
    stages = markup.links(context.linker, stages_of(context, system))
    where = (
        f"{markup.text(SYSTEM_WORDS['stages'])}: {stages}."
        if stages
        else markup.text(SYSTEM_WORDS["no-stage"])
    )
    head = f'<p class="jsite-entry-meta" id="{markup.text(system.anchor)}">{where}</p>'
    count = markup.text(
        SYSTEM_WORDS["playbooks"].format(len(system.uses), "s" if len(system.uses) != 1 else "")
    )
    items = "".join(_use(context, use) for use in system.uses)
    return markup.block(head) + markup.listing(
        f'<div class="jsite-entry"><p class="jsite-entry-label">{count}</p>'
        f'<ul class="jsite-list jsite-system-uses">{items}</ul></div>'
    )


def _use(context: Context, use: Use) -> str:
    playbook = use.playbook
    title = markup.link(context.linker, playbook) + draft_badge(playbook)
    if not use.steps:
        return f'<li>{title} <span class="jsite-muted">{markup.text(SYSTEM_WORDS["whole"])}</span></li>'
    steps = "".join(
        f"<li>{markup.text(SYSTEM_WORDS['step'].format(step.number))}: {markup.text(step.do)}"
        + (
            f' <span class="jsite-variant">{segment_links(context, step.segments)} only</span>'
            if step.segments
            else ""
        )
        + "</li>"
        for step in use.steps
    )
    return f'<li>{title}<ul class="jsite-system-steps">{steps}</ul></li>'
