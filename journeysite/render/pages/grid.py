"""The playbook grid: stages across, playbook families down, one view for all segments and one per segment.

A lifecycle cell is hatched as a hole exactly where gap analysis reports ``uncovered-cell`` for that stage
in that view (after the ``gaps`` setting and the pages' ``accept``), so the grid and the gaps report never
disagree; a stage that accepts the finding says, in the cell, that no playbook is expected there and why.
On a phone the same cells are stacked stage by stage (``jsite-grid-stack``) instead of the wide table.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeysite.core.analysis.accepting import Accepted
from journeysite.core.model import Entity, Trigger
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages.parts import (
    draft_badge,
    md_link,
    no_stages_yet,
    owner_varies,
    page_href,
    systems_of,
    tabs,
    team_link,
    trigger_words,
)
from journeysite.render.pages.words import (
    GRID_CORNER,
    GRID_HEADING,
    GRID_HOLE,
    GRID_HOLE_FOR,
    GRID_HOLE_TIP,
    GRID_HOLE_WHY,
    GRID_HOLES,
    GRID_INTRO,
    GRID_MORE_TRIGGERS,
    GRID_NO_HOLES,
    GRID_NO_HOLES_ACCEPTED,
    GRID_NONE,
    GRID_NOT_EXPECTED,
    GRID_SEGMENT_CHOICE,
    GRID_SYSTEMS,
    SHORT,
    TRIGGER_WORDS,
)
from journeysite.render.site import PLAYBOOK_TYPES

TABS_GRID = 92  # pymdownx.tabbed numbers its tab sets from 1 on each page; ours start high to never clash
UNCOVERED = "uncovered-cell"
CELL_TEXT = 160  # characters of a trigger or a reason a cell shows in full; longer ones end at a phrase


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
    holes = Holes.of(context)
    tables = [
        (markup.text(label), _view(context, holes, stages, segment)) for label, stages, segment in views
    ]

    gaps = md_link(context, "page:gaps", "gaps report") or "gaps report"
    parts = [GRID_INTRO.format(gaps=gaps), ""]
    if segmented:
        parts += [GRID_SEGMENT_CHOICE, ""]
    parts.append(_holes_sentence(context, holes, views[0][1], segmented))
    parts.append(f"## {GRID_HEADING}")
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


@dataclass(frozen=True)
class Holes:
    """The ``uncovered-cell`` findings the analysis reports (stage key → the segments it names) and those
    the pages accept (stage key → each acceptance): read from the context, never worked out again here."""

    reported: dict[str, tuple[str, ...]]
    accepted: dict[str, list[Accepted]]

    @classmethod
    def of(cls, context: Context) -> Holes:
        reported: dict[str, tuple[str, ...]] = {}
        for d in context.diagnostics:
            if d.code == UNCOVERED and d.entity:
                reported[d.entity] = (*reported.get(d.entity, ()), *d.segments)
        accepted: dict[str, list[Accepted]] = {}
        for item in context.accepted:
            if item.diagnostic.code == UNCOVERED and item.diagnostic.entity:
                accepted.setdefault(item.diagnostic.entity, []).append(item)
        return cls(reported, accepted)

    def segments_lacking(self, stage: Entity) -> tuple[str, ...] | None:
        """The segments in whose journeys ``stage`` is reported as a hole (() for a handbook without
        segments), or None when it is a hole in none."""
        return self.reported.get(stage.key)

    def is_hole(self, stage: Entity, segment: str | None) -> bool:
        lacking = self.segments_lacking(stage)
        if lacking is None:
            return False
        return segment is None or not lacking or segment in lacking

    def acceptance(self, stage: Entity, segment: str | None) -> Accepted | None:
        """The page's reason why ``stage`` needs no lifecycle playbook in ``segment``'s view, if it gives one."""
        for item in self.accepted.get(stage.key, []):
            if segment is None or not item.diagnostic.segments or segment in item.diagnostic.segments:
                return item
        return None


@dataclass(frozen=True)
class Cell:
    """One cell of the grid, shown as a table cell on wide screens and as a line of a stage's card on a phone."""

    css: str
    html: str
    title: str = ""

    def td(self) -> str:
        title = f' title="{markup.text(self.title)}"' if self.title else ""
        return f'<td class="{self.css}"{title}>{self.html}</td>'

    def dd(self) -> str:
        return f'<dd class="{self.css}">{self.html}</dd>'


def _view(context: Context, holes: Holes, stages: list[Entity], segment: str | None) -> str:
    """One view: the table for wide screens and the same cells stacked by stage for narrow ones."""
    cells = {
        stage.key: [
            *(_cell(context, holes, stage, family, label, segment) for family, label in PLAYBOOK_TYPES),
            _systems_cell(context, stage, segment),
        ]
        for stage in stages
    }
    return _table(context, stages, segment, cells) + _stack(context, stages, segment, cells)


def _stage_head(context: Context, stage: Entity, segment: str | None) -> str:
    return (
        f"{markup.link(context.linker, stage)}{draft_badge(stage)}"
        f'<span class="jsite-owner">{team_link(context, stage.owner_in(segment))}</span>{owner_varies(stage, segment)}'
    )


def _table(context: Context, stages: list[Entity], segment: str | None, cells: dict[str, list[Cell]]) -> str:
    head = "".join(f'<th scope="col">{_stage_head(context, s, segment)}</th>' for s in stages)
    rows = []
    labels = [*PLAYBOOK_TYPES, ("systems", GRID_SYSTEMS)]
    for row, (family, label) in enumerate(labels):
        tds = "".join(cells[s.key][row].td() for s in stages)
        rows.append(f'<tr class="jsite-row-{family}"><th scope="row">{markup.text(label)}</th>{tds}</tr>')
    body = "\n".join(rows)
    return markup.listing(
        f'<div class="jsite-scroll jsite-grid-wide">\n<table class="jsite-table jsite-grid">\n'
        f'<thead><tr><th scope="col" class="jsite-corner">{markup.text(GRID_CORNER)}</th>{head}</tr></thead>\n'
        f"<tbody>\n{body}\n</tbody>\n</table>\n</div>"
    )


def _stack(context: Context, stages: list[Entity], segment: str | None, cells: dict[str, list[Cell]]) -> str:
    """The phone's view: one card per stage, in journey order, with its playbooks by kind."""
    labels = [label for _, label in PLAYBOOK_TYPES] + [GRID_SYSTEMS]
    cards = []
    for stage in stages:
        lines = "".join(
            f"<dt>{markup.text(label)}</dt>{cell.dd()}"
            for label, cell in zip(labels, cells[stage.key], strict=True)
        )
        cards.append(
            f'<li class="jsite-stack-stage"><p class="jsite-stack-head">{_stage_head(context, stage, segment)}</p>'
            f'<dl class="jsite-stack-cells">{lines}</dl></li>'
        )
    return markup.listing('<ol class="jsite-grid-stack">\n' + "\n".join(cards) + "\n</ol>")


def _cell(
    context: Context, holes: Holes, stage: Entity, family: str, label: str, segment: str | None
) -> Cell:
    playbooks = playbooks_in(context, stage, family, segment)
    lifecycle = family == "lifecycle"
    if playbooks:
        entries = [_entry(context, p) for p in playbooks]
        note = _hole_note(context, holes, stage) if lifecycle and segment is None else ""
        return Cell("jsite-cell", markup.items(entries, "jsite-cell-list").replace("\n", "") + note)
    if lifecycle and holes.is_hole(stage, segment):
        return _hole(context, stage, segment)
    accepted = holes.acceptance(stage, segment) if lifecycle else None
    if accepted is not None:
        return Cell(
            "jsite-cell-empty jsite-cell-accepted",
            f'<span class="jsite-cell-label">{markup.text(GRID_NOT_EXPECTED)}</span>'
            f'<small class="jsite-cell-reason">{markup.text(cut_at_phrase(accepted.reason))}</small>',
            f"{GRID_NOT_EXPECTED}: {accepted.reason}",
        )
    none = GRID_NONE.format(family=label.lower(), stage=stage.title)
    return Cell(
        "jsite-cell-empty jsite-cell-none",
        f'<span aria-hidden="true">—</span><span class="jsite-visually-hidden">{markup.text(none)}</span>',
        none,
    )


def _hole(context: Context, stage: Entity, segment: str | None) -> Cell:
    """A hatched hole: the stage has no lifecycle playbook here, and the gaps report says so too."""
    href = page_href(context, "page:gaps")
    why = markup.text(GRID_HOLE_WHY)
    if href:
        why = f'<a href="{markup.text(href)}#gap-{UNCOVERED}">{why}</a>'
    segment_entity = context.handbook.get("segment", segment) if segment else None
    where = f" for {segment_entity.title}" if segment_entity else ""
    return Cell(
        "jsite-cell-empty jsite-cell-gap",
        f'<span class="jsite-cell-label jsite-hole">{markup.text(GRID_HOLE)}</span>'
        f'<small class="jsite-cell-reason">{why}</small>',
        GRID_HOLE_TIP.format(stage=stage.title, where=where),
    )


def _hole_note(context: Context, holes: Holes, stage: Entity) -> str:
    """In the all-segments view, a cell with playbooks still names the segments that get none of them."""
    lacking = holes.segments_lacking(stage)
    if not lacking:
        return ""
    names = [context.handbook.get("segment", s) for s in lacking]
    titles = ", ".join(s.title if s else sid for s, sid in zip(names, lacking, strict=True))
    return f'<p class="jsite-hole-note">{markup.text(GRID_HOLE_FOR.format(segments=titles))}</p>'


def _entry(context: Context, playbook: Entity) -> str:
    shown, full = cell_trigger(context, playbook)
    small = (
        f'<br><small class="jsite-trigger" title="{markup.text(full)}">{markup.text(shown)}</small>'
        if shown
        else ""
    )
    return f"{markup.link(context.linker, playbook)}{draft_badge(playbook)}{small}"


def cell_trigger(context: Context, playbook: Entity) -> tuple[str, str]:
    """What starts ``playbook`` as a cell shows it, and in full (for the tooltip): in full when it is short;
    else the first trigger, ended at a phrase, and how many more there are (the playbook's page lists all)."""
    full = trigger_words(context.handbook, playbook, SHORT)
    if len(full) <= CELL_TEXT or not playbook.triggers:
        return full, full
    first, *others = playbook.triggers
    shown = cut_at_phrase(_one_trigger(context, first))
    more = len(others) or full.count("; ")
    return (f"{shown} {GRID_MORE_TRIGGERS.format(n=more)}" if more else shown), full


def _one_trigger(context: Context, trigger: Trigger) -> str:
    value = trigger.value
    if trigger.kind == "milestone":
        milestone = context.handbook.get("milestone", value)
        value = milestone.title if milestone else value
    return TRIGGER_WORDS[trigger.kind][SHORT].format(value)


_PHRASE_ENDS = (". ", "; ", " - ", " – ", " — ", ", ", " (", " when ", " and ", " or ")


def cut_at_phrase(value: str, limit: int = CELL_TEXT) -> str:
    """``value`` in full when it is short; else its first sentence, or its longest run of whole phrases
    (or, failing those, words) within ``limit`` characters, with an ellipsis: never cut mid-phrase."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    head = value[:limit]
    for end in _PHRASE_ENDS:
        at = head.rfind(end)
        if at >= limit // 3:
            cut = head[: at + 1] if end == ". " else head[:at]
            return cut if end == ". " else cut.rstrip(" ,;:") + "…"
    return head.rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


def _systems_cell(context: Context, stage: Entity, segment: str | None) -> Cell:
    systems: dict[str, None] = {}
    for family, _ in PLAYBOOK_TYPES:
        for playbook in playbooks_in(context, stage, family, segment):
            systems.update(dict.fromkeys(systems_of(playbook, segment)))
    if not systems:
        return Cell("jsite-cell-empty jsite-cell-none", '<span aria-hidden="true">—</span>')
    chips = " ".join(
        f'<span class="jsite-chip">{markup.text(s)}</span>' for s in sorted(systems, key=str.lower)
    )
    return Cell("jsite-cell jsite-systems", chips)


def _holes_sentence(context: Context, holes: Holes, stages: list[Entity], segmented: bool) -> str:
    """The holes of the first view in one sentence, the same ones the gaps report lists."""
    gaps = md_link(context, "page:gaps", "gaps report") or "gaps report"
    found = [s for s in stages if holes.segments_lacking(s) is not None]
    if not found:
        where = "every segment's journey" if segmented else "the journey"
        accepted = GRID_NO_HOLES_ACCEPTED if any(holes.accepted.get(s.key) for s in stages) else ""
        return GRID_NO_HOLES.format(where=where, accepted=accepted) + "\n"
    named = []
    for stage in found:
        lacking = holes.segments_lacking(stage) or ()
        through = {j.segment_id for j in context.handbook.journeys if any(s.stage is stage for s in j.stages)}
        # A hole in every journey through the stage needs no list of segments.
        segments = [context.handbook.get("segment", s) for s in lacking] if set(lacking) != through else []
        titles = ", ".join(s.title if s else sid for s, sid in zip(segments, lacking, strict=False))
        link = md_link(context, stage, stage.title) or markup.md(stage.title)
        named.append(link + (f" (for {markup.md(titles)})" if titles else ""))
    count = f"{len(found)} stage{'s' if len(found) != 1 else ''}"
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    they = "It is" if len(found) == 1 else "They are"
    return GRID_HOLES.format(count=count, stages=listed, they=they, gaps=gaps) + "\n"
