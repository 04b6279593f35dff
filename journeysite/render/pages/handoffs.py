"""Handoffs: every active handoff in journey order, with who hands to whom, when, the time allowed, the
segments it is for and what travels, as a checklist: the page a lead reads before changing one."""

from __future__ import annotations

from journeysite.core.model import Entity
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages.parts import admonition, md_link, team_link
from journeysite.render.pages.summary import (
    LAST,
    applies_to,
    checklist,
    entry,
    fields,
    heading,
    stage_rank,
)
from journeysite.render.pages.words import HANDOFF_WHEN, SUMMARY_LABELS, SUMMARY_TEXTS


def render(context: Context) -> str:
    handoffs = ordered(context)
    if not handoffs:
        return markup.block(
            admonition(
                "note",
                "No handoffs yet",
                "A handoff page says which team hands a customer to which, when, and what information travels "
                "with them. Add one where the owner changes along the journey.",
            )
        )
    gaps = md_link(context, "page:gaps", "gaps report")
    missing = f" Where the owner changes and no handoff is written yet, the {gaps} says so." if gaps else ""
    count = f"{len(handoffs)} handoff{'s' if len(handoffs) != 1 else ''}"
    parts = [
        f"Every time a customer passes from one team to another, in journey order: {count}, each with who hands "
        f"to whom, when, how long the receiving team may take and what must travel with the customer.{missing}",
        "",
    ]
    for handoff in handoffs:
        parts.append(heading(context, 2, handoff))
        parts.append(_entry(context, handoff))
    return "\n".join(parts)


def ordered(context: Context) -> list[Entity]:
    """Active handoffs in journey order: inside a stage after its milestone, between stages after the
    stage they leave, then those between segments in segment order; ties by title."""
    handbook, rank = context.handbook, stage_rank(context)
    segments = {s.id: i for i, s in enumerate(handbook.segments)}
    return sorted(
        (h for h in handbook.of_kind("handoff") if h.active),
        key=lambda h: (*_position(context, h, rank, segments), h.title.lower(), h.id),
    )


def _position(
    context: Context, handoff: Entity, rank: dict[str, int], segments: dict[str, int]
) -> tuple[int, int, int]:
    handbook = context.handbook
    milestone = handbook.get("milestone", handoff.text("milestone") or "")
    if milestone is not None:
        return 0, rank.get(milestone.text("stage") or "", LAST), milestone.order
    if handoff.text("from_stage"):
        return 0, rank.get(handoff.text("from_stage") or "", LAST), LAST
    return (
        1,
        segments.get(handoff.text("from_segment") or "", LAST),
        segments.get(handoff.text("to_segment") or "", LAST),
    )


def when_html(context: Context, handoff: Entity) -> str:
    """When the handoff happens, in words with links: "after Go-live, in Onboarding", "moving from
    Purchase to Onboarding", "when a customer moves from Scale to Mid-Market: <its condition>"."""
    handbook, linker = context.handbook, context.linker

    def named(kind: str, ident: str | None) -> str:
        return markup.link(linker, handbook.get(kind, ident or ""), fallback=ident or "")

    milestone = handoff.text("milestone")
    if milestone:
        found = handbook.get("milestone", milestone)
        stage = handbook.get("stage", found.text("stage") or "") if found is not None else None
        if stage is None:
            return HANDOFF_WHEN["milestone-no-stage"].format(milestone=named("milestone", milestone))
        return HANDOFF_WHEN["milestone"].format(
            milestone=named("milestone", milestone), stage=named("stage", stage.id)
        )
    if handoff.text("from_stage") or handoff.text("to_stage"):
        return HANDOFF_WHEN["stages"].format(
            before=named("stage", handoff.text("from_stage")), after=named("stage", handoff.text("to_stage"))
        )
    if handoff.text("from_segment") or handoff.text("to_segment"):
        moves = HANDOFF_WHEN["segments"].format(
            before=named("segment", handoff.text("from_segment")),
            after=named("segment", handoff.text("to_segment")),
        )
        condition = handoff.text("when")
        return f"{moves}: {markup.text(condition)}" if condition and condition.strip() else moves
    return ""


def _entry(context: Context, handoff: Entity) -> str:
    who = f"{team_link(context, handoff.text('from'))} → {team_link(context, handoff.text('to'))}"
    when = when_html(context, handoff)
    travels = checklist(handoff.texts("artifacts"))
    return entry(
        handoff,
        fields(
            [
                ("from-to", who),
                ("when", when[:1].upper() + when[1:]),
                ("sla", markup.text(handoff.text("sla"))),
                ("applies", applies_to(context, handoff)),
            ]
        ),
        f'<p class="jsite-entry-label">{markup.text(SUMMARY_LABELS["travels"])}</p>{travels}'
        if travels
        else f'<p class="jsite-empty">{markup.text(SUMMARY_TEXTS["no-artifacts"])}</p>',
    )
