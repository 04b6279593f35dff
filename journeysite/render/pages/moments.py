"""Moments of truth: every active milestone in journey order, stage by stage, with its owner, when it is
due, what makes it a success and how the success is celebrated, shown, not tucked into a card."""

from __future__ import annotations

from journeysite.core.model import Entity
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages.parts import admonition, no_stages_yet
from journeysite.render.pages.summary import (
    active_stages,
    applies_to,
    bullets,
    entry,
    fields,
    heading,
    owner_html,
)
from journeysite.render.pages.words import SUMMARY_LABELS, SUMMARY_TEXTS


def render(context: Context) -> str:
    empty = no_stages_yet(context, "Milestones belong to stages: add stage pages, then their milestones.")
    if empty:
        return empty
    stages = active_stages(context)
    placed = {s.id for s in stages}
    unplaced = [
        m for m in context.handbook.of_kind("milestone") if m.active and (m.text("stage") or "") not in placed
    ]
    parts = [
        "The moments that tell a customer the journey is working, in the order they come: for each, the team "
        "that owns it, when it is due, how everyone knows it happened, and how we celebrate it with the customer.",
        "",
    ]
    for number, stage in enumerate(stages, 1):
        milestones = [m for m in context.handbook.milestones_of(stage.id) if m.active]
        parts.append(heading(context, 2, stage, SUMMARY_TEXTS["stage"].format(number)))
        if not milestones:
            parts.append(
                markup.listing(f'<p class="jsite-empty">{markup.text(SUMMARY_TEXTS["no-milestone"])}</p>')
            )
        for milestone in milestones:
            parts += [heading(context, 3, milestone), _entry(context, milestone)]
    if unplaced:
        parts.append(f"## {markup.md(SUMMARY_TEXTS['no-stage-heading'])}\n")
        parts.append(f"{markup.md(SUMMARY_TEXTS['no-stage-why'])}\n")
        for milestone in unplaced:
            parts += [heading(context, 3, milestone), _entry(context, milestone)]
    return "\n".join(parts)


def _entry(context: Context, milestone: Entity) -> str:
    success = bullets(markup.text(s) for s in milestone.texts("success") if s.strip())
    celebrate = milestone.text("celebrate")
    return entry(
        milestone,
        fields(
            [
                ("owner", owner_html(context, milestone)),
                ("due", markup.text(milestone.text("due"))),
                ("applies", applies_to(context, milestone)),
                ("success", success),
            ]
        ),
        admonition(
            "success jsite-celebrate", markup.text(SUMMARY_LABELS["celebrate"]), markup.text(celebrate)
        )
        if celebrate and celebrate.strip()
        else f'<p class="jsite-empty">{markup.text(SUMMARY_TEXTS["no-celebration"])}</p>',
    )
