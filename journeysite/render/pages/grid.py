"""The playbook grid: stages across, playbook families down, one view for all segments and one per segment."""

from __future__ import annotations

from journeysite.core.model import Entity
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages.parts import (
    draft_badge,
    md_link,
    no_stages_yet,
    owner_varies,
    shorten,
    systems_of,
    tabs,
    team_link,
    trigger_words,
)
from journeysite.render.pages.words import SHORT
from journeysite.render.site import PLAYBOOK_TYPES

TABS_GRID = 92  # pymdownx.tabbed numbers its tab sets from 1 on each page; ours start high to never clash


def render(context: Context) -> str:
    handbook = context.handbook
    journeys = handbook.journeys
    empty = no_stages_yet(
        context,
        "The grid lays playbooks out by stage. Add stage pages (<code>kind: stage</code> with an "
        "<code>order</code>) and playbooks that name them in <code>stages</code>.",
    )
    if empty:
        return empty
    views: list[tuple[str, list[Entity], str | None]] = []
    segmented = any(j.segment is not None for j in journeys)
    if segmented:
        views.append(("All segments", [s for s in handbook.stages if s.active], None))
    views.extend((j.label, [s.stage for s in j.stages], j.segment_id) for j in journeys)
    tables = [(markup.text(label), _grid(context, stages, segment)) for label, stages, segment in views]

    parts = [
        "Stages run left to right in journey order; each row is a family of playbooks. Every cell lists "
        "the playbooks that run in that stage, with what triggers them. A cell marked "
        "**— no playbook** is a hole: a place where customers get no planned touch from that family. "
        "The last row shows the systems the playbooks of each stage use. Retired playbooks are not shown.",
        "",
    ]
    if segmented:
        parts += [
            "Choose a segment to see its own journey: only the stages, and the playbooks, that apply to it.",
            "",
        ]
    parts.append(_coverage_sentence(context, views[0][1], views[0][2]))
    parts.append("## Playbooks by stage")
    if segmented:
        parts.append(markup.listing(tabs(TABS_GRID, tables, "jsite-grid-tabs")))
    else:
        parts.append(tables[0][1])
    return "\n".join(parts)


def playbooks_in(context: Context, stage: Entity, family: str, segment: str | None) -> list[Entity]:
    """The non-retired playbooks of ``family`` that run in ``stage`` and apply to ``segment``, by title."""
    found = [
        p
        for p in context.relations.playbooks_of_stage(stage)
        if p.active and p.text("type") == family and p.applies_to(segment)
    ]
    return sorted(found, key=lambda p: p.title.lower())


def _grid(context: Context, stages: list[Entity], segment: str | None) -> str:
    head = "".join(
        f'<th scope="col">{markup.link(context.linker, s)}{draft_badge(s)}'
        f'<span class="jsite-owner">{team_link(context, s.owner_in(segment))}</span>{owner_varies(s, segment)}</th>'
        for s in stages
    )
    rows = []
    for family, label in PLAYBOOK_TYPES:
        cells = "".join(_cell(context, s, family, label, segment) for s in stages)
        rows.append(f'<tr class="jsite-row-{family}"><th scope="row">{markup.text(label)}</th>{cells}</tr>')
    rows.append(
        '<tr class="jsite-row-systems"><th scope="row">Systems</th>'
        + "".join(_systems_cell(context, s, segment) for s in stages)
        + "</tr>"
    )
    body = "\n".join(rows)
    return markup.listing(
        f'<div class="jsite-scroll">\n<table class="jsite-table jsite-grid">\n'
        f'<thead><tr><th scope="col" class="jsite-corner">Stage →</th>{head}</tr></thead>\n'
        f"<tbody>\n{body}\n</tbody>\n</table>\n</div>"
    )


def _cell(context: Context, stage: Entity, family: str, label: str, segment: str | None) -> str:
    playbooks = playbooks_in(context, stage, family, segment)
    if not playbooks:
        gap = " jsite-cell-gap" if family == "lifecycle" else ""
        tip = markup.text(f"No {label.lower()} playbook in {stage.title}")
        return (
            f'<td class="jsite-cell-empty{gap}" title="{tip}">'
            f'<span aria-hidden="true">—</span> <span class="jsite-hole">no playbook</span></td>'
        )
    entries = []
    for playbook in playbooks:
        trigger = trigger_words(context.handbook, playbook, SHORT)
        small = (
            (
                f'<br><small class="jsite-trigger" title="{markup.text(trigger)}">'
                f"{markup.text(shorten(trigger))}</small>"
            )
            if trigger
            else ""
        )
        entries.append(f"{markup.link(context.linker, playbook)}{draft_badge(playbook)}{small}")
    return f'<td class="jsite-cell">{markup.items(entries, "jsite-cell-list")}</td>'.replace("\n", "")


def _systems_cell(context: Context, stage: Entity, segment: str | None) -> str:
    systems: dict[str, None] = {}
    for family, _ in PLAYBOOK_TYPES:
        for playbook in playbooks_in(context, stage, family, segment):
            systems.update(dict.fromkeys(systems_of(playbook, segment)))
    if not systems:
        return '<td class="jsite-cell-empty"><span aria-hidden="true">—</span></td>'
    chips = " ".join(
        f'<span class="jsite-chip">{markup.text(s)}</span>' for s in sorted(systems, key=str.lower)
    )
    return f'<td class="jsite-cell jsite-systems">{chips}</td>'


def _coverage_sentence(context: Context, stages: list[Entity], segment: str | None) -> str:
    """How many cells of a view have a playbook, and where the lifecycle holes are listed."""
    holes = sum(
        1 for s in stages for family, _ in PLAYBOOK_TYPES if not playbooks_in(context, s, family, segment)
    )
    cells = len(stages) * len(PLAYBOOK_TYPES)
    segmented = any(j.segment is not None for j in context.handbook.journeys)
    where = "across all segments" if segmented and segment is None else "on the journey"
    sentence = f"{cells - holes} of {cells} cells have at least one playbook {where}."
    gaps = md_link(context, "page:gaps", "handoff gaps report")
    if gaps:
        sentence += f" A stage without a lifecycle playbook is also listed in the {gaps}."
    return sentence + "\n"
