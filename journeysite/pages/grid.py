"""The playbook grid: stages across, playbook families down, one view for all segments and one per segment.

This module also holds the small HTML pieces the other generated pages share (tabs, admonitions,
badges, a playbook's trigger in words), written the way mkdocs-material renders them so they look
native without requiring the user's Markdown extensions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import markup
from ..links import Linker
from ..model import DRAFT, Entity, Handbook
from ..site import PLAYBOOK_TYPES
from . import Context

TABS_GRID = 92  # pymdownx.tabbed numbers its tab sets from 1 on each page; ours start high to never clash

# ---------------------------------------------------------------------------------------------------
# Shared HTML pieces


def tabs(number: int, panels: Sequence[tuple[str, str]], css: str = "") -> str:
    """A tab set exactly as pymdownx.tabbed (alternate style) renders it: ``panels`` is (escaped label, HTML).

    Material's CSS switches the tabs with the radio inputs alone, so no JavaScript is needed.
    """
    inputs = "".join(
        f'<input{" checked" if i == 1 else ""} id="__tabbed_{number}_{i}" name="__tabbed_{number}" type="radio">'
        for i in range(1, len(panels) + 1)
    )
    labels = "".join(f'<label for="__tabbed_{number}_{i}">{label}</label>' for i, (label, _) in enumerate(panels, 1))
    blocks = "\n".join(f'<div class="tabbed-block">\n{content}\n</div>' for _, content in panels)
    extra = f" {css}" if css else ""
    return (
        f'<div class="tabbed-set tabbed-alternate{extra}" data-tabs="{number}:{len(panels)}">{inputs}'
        f'<div class="tabbed-labels">{labels}</div>\n<div class="tabbed-content">\n{blocks}\n</div>\n</div>'
    )


def admonition(kind: str, title: str, *paragraphs: str) -> str:
    """An admonition as mkdocs-material styles it (``kind``: note, success, warning, info…); texts already escaped."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f'<div class="admonition {kind}"><p class="admonition-title">{title}</p>{body}</div>'


def pill(label: str, css: str) -> str:
    """A small inline label (``label`` already escaped), e.g. a review status or a severity."""
    return f'<span class="{css}">{label}</span>'


def draft_badge(entity: Entity) -> str:
    """The "Draft" label for a draft entity (the class entity pages use too), else ""."""
    return " " + pill("Draft", "jsite-tag-draft") if entity.status == DRAFT else ""


def draft_note(entity: Entity) -> str:
    """The Markdown counterpart of ``draft_badge``."""
    return " *(draft)*" if entity.status == DRAFT else ""


def team_link(context: Context, team_id: str | None) -> str:
    """A link to the team's page, or its escaped id when the team has no page."""
    return markup.link(context.linker, context.team(team_id), fallback=team_id or "")


def page_href(context: Context, target: str) -> str | None:
    """The relative URL of a generated page (``page:grid``…) or any page of the docs by its file, or None."""
    linker = context.linker
    if target in linker.src_of:
        return linker.href(target)
    # A plain page (not an entity): let the linker compute its URL as it does for entities.
    return Linker(linker.use_directory_urls, {target: target}, linker.current).href(target)


def page_link(context: Context, target: str, label: str) -> str:
    """An HTML link to a generated page or a docs page (``label`` is escaped here); plain text without a page."""
    href = page_href(context, target)
    return f'<a href="{markup.text(href)}">{markup.text(label)}</a>' if href else markup.text(label)


def md_link(context: Context, target: str | Entity, label: str) -> str:
    """A Markdown link (``label`` escaped here) to an entity or generated page, which MkDocs resolves and checks."""
    path = context.linker.md_path(target)
    return f"[{markup.md(label)}]({path})" if path else ""


def trigger_of(handbook: Handbook, playbook: Entity) -> tuple[str, str] | None:
    """The playbook's trigger as (kind, plain text): the milestone's title for a milestone, else the text."""
    trigger = playbook.get("trigger")
    if not isinstance(trigger, dict) or len(trigger) != 1:
        return None
    ((key, value),) = trigger.items()
    if key == "milestone":
        milestone = handbook.get("milestone", value) if isinstance(value, str) else None
        return "milestone", milestone.title if milestone else str(value)
    return str(key), str(value)


def trigger_text(handbook: Handbook, playbook: Entity) -> str:
    """The playbook's trigger in words (plain text, to be escaped by the caller), or ""."""
    trigger = trigger_of(handbook, playbook)
    if trigger is None:
        return ""
    kind, value = trigger
    if kind == "milestone":
        return f"When {value} is reached"
    words = {"schedule": "Schedule", "signal": "Signal", "manual": "Judgement call"}
    return f"{words.get(kind, kind.capitalize())}: {value}"


def shorten(value: str, limit: int = 48) -> str:
    """``value`` cut at a word boundary to about ``limit`` characters, with an ellipsis when cut."""
    if len(value) <= limit:
        return value
    cut = value[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return f"{cut}…"


def applies(item: Any, segment: str | None) -> bool:
    """Whether a step (a mapping with optional ``segments``) applies to ``segment``."""
    if segment is None or not isinstance(item, dict) or "segments" not in item:
        return True
    segments = item["segments"]
    return segment in (segments if isinstance(segments, list) else [segments])


def systems_of(playbook: Entity, segment: str | None) -> list[str]:
    """The systems a playbook uses (its own and its steps' that apply to ``segment``), in first-seen order."""
    found = list(playbook.texts("systems"))
    steps = playbook.get("steps")
    for step in steps if isinstance(steps, list) else []:
        if applies(step, segment) and isinstance(step, dict):
            systems = step.get("systems")
            found.extend(s for s in (systems if isinstance(systems, list) else [systems]) if isinstance(s, str))
    return list(dict.fromkeys(s.strip() for s in found if s.strip()))


# ---------------------------------------------------------------------------------------------------
# The grid


def render(context: Context) -> str:
    handbook = context.handbook
    journeys = handbook.journeys
    if not any(j.stages for j in journeys):
        return markup.block(admonition(
            "note", "No stages yet",
            "The grid lays playbooks out by stage. Add stage pages (<code>kind: stage</code> with an "
            "<code>order</code>) and playbooks that name them in <code>stages</code>.",
        ))
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
        parts.append(markup.block(tabs(TABS_GRID, tables, "jsite-grid-tabs")))
    else:
        parts.append(tables[0][1])
    return "\n".join(parts)


def playbooks_in(context: Context, stage: Entity, family: str, segment: str | None) -> list[Entity]:
    """The non-retired playbooks of ``family`` that run in ``stage`` and apply to ``segment``, by title."""
    found = [
        p for p in context.relations.playbooks_of_stage(stage)
        if p.active and p.text("type") == family and p.applies_to(segment)
    ]
    return sorted(found, key=lambda p: p.title.lower())


def _grid(context: Context, stages: list[Entity], segment: str | None) -> str:
    head = "".join(
        f'<th scope="col">{markup.link(context.linker, s)}{draft_badge(s)}'
        f'<span class="jsite-owner">{team_link(context, s.owner)}</span></th>'
        for s in stages
    )
    rows = []
    for family, label in PLAYBOOK_TYPES:
        cells = "".join(_cell(context, s, family, label, segment) for s in stages)
        rows.append(f'<tr class="jsite-row-{family}"><th scope="row">{markup.text(label)}</th>{cells}</tr>')
    rows.append(
        '<tr class="jsite-row-systems"><th scope="row">Systems</th>'
        + "".join(_systems_cell(context, s, segment) for s in stages) + "</tr>"
    )
    body = "\n".join(rows)
    return markup.block(
        f'<div class="jsite-scroll">\n<table class="jsite-table jsite-grid">\n'
        f'<thead><tr><th scope="col" class="jsite-corner">Stage →</th>{head}</tr></thead>\n'
        f"<tbody>\n{body}\n</tbody>\n</table>\n</div>"
    )


def _cell(context: Context, stage: Entity, family: str, label: str, segment: str | None) -> str:
    playbooks = playbooks_in(context, stage, family, segment)
    if not playbooks:
        gap = " jsite-cell-gap" if family == "lifecycle" else ""
        tip = markup.text(f"No {label.lower()} playbook in {stage.title}")
        return (f'<td class="jsite-cell-empty{gap}" title="{tip}">'
                f'<span aria-hidden="true">—</span> <span class="jsite-hole">no playbook</span></td>')
    entries = []
    for playbook in playbooks:
        trigger = trigger_text(context.handbook, playbook)
        small = (f'<br><small class="jsite-trigger" title="{markup.text(trigger)}">'
                 f"{markup.text(shorten(trigger))}</small>") if trigger else ""
        entries.append(f"{markup.link(context.linker, playbook)}{draft_badge(playbook)}{small}")
    return f'<td class="jsite-cell">{markup.items(entries, "jsite-cell-list")}</td>'.replace("\n", "")


def _systems_cell(context: Context, stage: Entity, segment: str | None) -> str:
    systems: dict[str, None] = {}
    for family, _ in PLAYBOOK_TYPES:
        for playbook in playbooks_in(context, stage, family, segment):
            systems.update(dict.fromkeys(systems_of(playbook, segment)))
    if not systems:
        return '<td class="jsite-cell-empty"><span aria-hidden="true">—</span></td>'
    chips = " ".join(f'<span class="jsite-chip">{markup.text(s)}</span>' for s in sorted(systems, key=str.lower))
    return f'<td class="jsite-cell jsite-systems">{chips}</td>'


def _coverage_sentence(context: Context, stages: list[Entity], segment: str | None) -> str:
    """How many cells of a view have a playbook, and where the lifecycle holes are listed."""
    holes = sum(1 for s in stages for family, _ in PLAYBOOK_TYPES if not playbooks_in(context, s, family, segment))
    cells = len(stages) * len(PLAYBOOK_TYPES)
    segmented = any(j.segment is not None for j in context.handbook.journeys)
    where = "across all segments" if segmented and segment is None else "on the journey"
    sentence = f"{cells - holes} of {cells} cells have at least one playbook {where}."
    gaps = md_link(context, "page:gaps", "handoff gaps report")
    if gaps:
        sentence += f" A stage without a lifecycle playbook is also listed in the {gaps}."
    return sentence + "\n"
