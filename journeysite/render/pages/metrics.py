"""Metrics: every metric with what it measures, how it is calculated, its target, which way is good, who
owns it, and the stages and playbooks that name it, each once, in the order the journey first uses them."""

from __future__ import annotations

from journeysite.core.model import Entity
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages.parts import admonition
from journeysite.render.pages.summary import LAST, entry, fields, heading, owner_html, stage_rank
from journeysite.render.pages.words import DIRECTION, SUMMARY_TEXTS, USED_IN


def render(context: Context) -> str:
    metrics = [m for m in context.handbook.of_kind("metric") if m.active]
    if not metrics:
        return markup.block(
            admonition(
                "note",
                "No metrics yet",
                "A metric page says what is measured, how, and what good looks like; stages and playbooks then "
                "name the metrics they move.",
            )
        )
    rank = stage_rank(context)
    users = {m.key: _users(context, m, rank) for m in metrics}
    metrics.sort(key=lambda m: (_first_stage(context, users[m.key], rank), m.title.lower(), m.id))
    parts = [
        "How we know the journey works: every metric, in the order the journey first uses it, with its target "
        "and the stages and playbooks that move it.",
        "",
    ]
    for metric in metrics:
        parts += [heading(context, 2, metric), _entry(context, metric, users[metric.key])]
    return "\n".join(parts)


def _users(context: Context, metric: Entity, rank: dict[str, int]) -> list[Entity]:
    """The active stages (in journey order) and playbooks (by title) that name the metric, once each."""
    named = context.relations.to(metric, "metrics", active=True)
    stages = sorted((e for e in named if e.kind == "stage"), key=lambda s: (rank.get(s.id, LAST), s.id))
    playbooks = sorted((e for e in named if e.kind == "playbook"), key=lambda p: (p.title.lower(), p.id))
    return [*stages, *playbooks]  # only these two kinds name metrics


def _first_stage(context: Context, users: list[Entity], rank: dict[str, int]) -> int:
    """The journey position of the first stage that uses the metric, itself or through a playbook."""
    places = [rank.get(u.id, LAST) for u in users if u.kind == "stage"]
    places += [rank.get(s, LAST) for u in users if u.kind == "playbook" for s in u.texts("stages")]
    return min(places, default=LAST)


def _entry(context: Context, metric: Entity, users: list[Entity]) -> str:
    target = metric.get("target")
    formula = metric.text("formula")
    stages = [u for u in users if u.kind == "stage"]
    playbooks = [u for u in users if u.kind == "playbook"]
    used = [
        f"{markup.text(label)}: {markup.links(context.linker, group)}"
        for label, group in ((USED_IN["stage"], stages), (USED_IN["playbook"], playbooks))
        if group
    ]
    return entry(
        metric,
        fields(
            [
                ("definition", markup.text(metric.text("definition"))),
                ("formula", f"<code>{markup.text(formula)}</code>" if formula else ""),
                ("target", markup.text(target) if target is not None and str(target).strip() else ""),
                ("direction", markup.text(DIRECTION.get(metric.text("direction") or "", ""))),
                ("owner", owner_html(context, metric)),
                (
                    "used",
                    "<br>".join(used)
                    or f'<span class="jsite-muted">{markup.text(SUMMARY_TEXTS["no-user"])}</span>',
                ),
            ]
        ),
    )
