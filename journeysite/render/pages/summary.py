"""Pieces the summary pages share (handoffs, moments of truth, systems, metrics, who does what): an
entry's labelled fields, a checklist, owners with their segment exceptions, and the journey's order."""

from __future__ import annotations

from collections.abc import Iterable

from journeysite.core.model import Entity
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages.parts import draft_badge, team_link
from journeysite.render.pages.words import SUMMARY_LABELS

LAST = 1 << 30  # sorts after every stage and every order


def active_stages(context: Context) -> list[Entity]:
    """The active stages in journey order."""
    return [s for s in context.handbook.stages if s.active]


def stage_rank(context: Context) -> dict[str, int]:
    """Each active stage's place in the journey (0 for the first)."""
    return {s.id: i for i, s in enumerate(active_stages(context))}


def heading(context: Context, level: int, entity: Entity, prefix: str = "") -> str:
    """A Markdown heading whose text links to the entity's page (so the page's table of contents lists
    every entry), with the draft label after it; ``prefix`` is plain text put before the title."""
    title = _linked_title(context, entity)
    lead = f"{markup.md(prefix)} " if prefix else ""
    return f"{'#' * level} {lead}{title}{draft_badge(entity)}\n"


def _linked_title(context: Context, entity: Entity) -> str:
    path = context.linker.md_path(entity)
    return f"[{markup.md(entity.title)}]({path})" if path else markup.md(entity.title)


def fields(rows: Iterable[tuple[str, str]]) -> str:
    """The labelled facts of an entry (labels are SUMMARY_LABELS keys, values already HTML); empty
    values are left out, so an entry shows only what its page says."""
    shown = [f"<dt>{markup.text(SUMMARY_LABELS[key])}</dt><dd>{value}</dd>" for key, value in rows if value]
    return f'<dl class="jsite-fields jsite-entry-fields">{"".join(shown)}</dl>' if shown else ""


def checklist(values: Iterable[str]) -> str:
    """Plain texts as a checklist (mkdocs-material's task-list look, as on a handoff's page)."""
    checks = "".join(
        '<li class="task-list-item"><label class="task-list-control"><input type="checkbox" disabled>'
        f'<span class="task-list-indicator"></span></label> {markup.text(v)}</li>'
        for v in values
        if v.strip()
    )
    return f'<ul class="task-list jsite-checklist">{checks}</ul>' if checks else ""


def bullets(values: Iterable[str]) -> str:
    """Already-marked-up items as a plain list, or "" for none."""
    shown = list(values)
    return markup.items(shown) if shown else ""


def segment_links(context: Context, segment_ids: Iterable[str]) -> str:
    """Segments by their titles, linked, in the handbook's segment order."""
    rank = {s.id: i for i, s in enumerate(context.handbook.segments)}
    ids = sorted(dict.fromkeys(segment_ids), key=lambda s: (rank.get(s, LAST), s))
    return ", ".join(markup.link(context.linker, context.handbook.get("segment", s), fallback=s) for s in ids)


def applies_to(context: Context, entity: Entity) -> str:
    """The segments an entity is limited to, linked; "" when it applies to every segment."""
    if entity.segments is None:
        return ""
    return segment_links(context, entity.segments) or '<span class="jsite-muted">no segment</span>'


def owner_html(context: Context, entity: Entity) -> str:
    """The owning team, and the teams that own it instead in some segments (SPEC §7.1): "Onboarding;
    Customer Success in Scale"."""
    owner = team_link(context, entity.owner)
    others: dict[str, list[str]] = {}
    for segment, team in entity.segment_owners.items():
        if team != entity.owner:
            others.setdefault(team, []).append(segment)
    exceptions = [
        f"{team_link(context, team)} in {segment_links(context, segments)}"
        for team, segments in others.items()
    ]
    return "; ".join([owner, *exceptions]) if owner else "; ".join(exceptions)


def entry(entity: Entity, *parts: str) -> str:
    """One entry of a summary page: the entity's summary, which search indexes (so a result for this
    section previews it), then the entry's facts, kept out of the index (they are the entity page's)."""
    summary = (
        markup.block(f'<p class="jsite-entry-summary">{markup.text(entity.summary)}</p>')
        if entity.summary
        else ""
    )
    return summary + markup.listing('<div class="jsite-entry">' + "".join(p for p in parts if p) + "</div>")
