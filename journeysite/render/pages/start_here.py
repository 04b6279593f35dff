"""Start here: a numbered reading path for a new CSM, from the mission to the playbooks their team runs."""

from __future__ import annotations

from collections.abc import Callable

from journeysite.core.model import Entity
from journeysite.render.markup import md
from journeysite.render.pages import Context
from journeysite.render.pages.parts import draft_note, md_link, trigger_words
from journeysite.render.pages.words import PHRASE, TOUCH
from journeysite.render.site import PLAYBOOK_TYPES

Step = tuple[str, str, list[str]]  # heading (Markdown), the one-line why (Markdown), lines under it


def render(context: Context) -> str:
    handbook = context.handbook
    steps: list[Step] = []
    for make in (_mission, _overview, _segments, _stages):
        step = make(context)
        if step:
            steps.append(step)
    team = context.team(context.settings.start_here_team)
    if team is not None and team.active:
        # The steps about "your team" exist only when the configured team does.
        for make_team_step in (_team, _handoffs, _playbooks):
            step = make_team_step(context, team)
            if step:
                steps.append(step)
    if not steps:
        return "The handbook has no pages to read yet.\n"
    parts = [
        "New to the team? Read these pages in order: they follow the journey the way a customer lives it, "
        "then show where you come in. Each step says why it is worth your time.",
        "",
    ]
    for number, (heading, why, lines) in enumerate(steps, 1):
        parts += [f"## {number}. {heading}", "", why, ""]
        if lines:
            parts += [*lines, ""]
    more = [
        md_link(context, target, label)
        for target, label in (
            ("page:grid", "Playbook grid"),
            ("page:timeline", "Timeline"),
            ("page:raci", "RACI matrix"),
            ("page:gaps", "Handoff gaps"),
        )
    ]
    more = [m for m in more if m]
    if more and handbook.stages:
        parts += [
            "## Keep going",
            "",
            f"Once the path makes sense, the {_and(more)} pages show the whole handbook from other angles.",
            "",
        ]
    return "\n".join(parts)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _link(context: Context, entity: Entity) -> str:
    return (md_link(context, entity, entity.title) or md(entity.title)) + draft_note(entity)


def _mission(context: Context) -> Step | None:
    mission = context.handbook.mission
    if mission is None or not mission.active:
        return None
    return (
        "Why we are here",
        f"Start with {_link(context, mission)}: it says what Customer Success does when no playbook "
        "or manager tells you, and the values behind every page that follows.",
        [],
    )


def _overview(context: Context) -> Step | None:
    link = md_link(context, "page:overview", "journey overview")
    if not link:
        return None
    return (
        "The journey at a glance",
        f"The {link} shows every stage on one page and who owns each"
        + (", and how the journey differs by segment" if context.handbook.of_kind("segment") else "")
        + ": the map you will come back to.",
        [],
    )


def _segments(context: Context) -> Step | None:
    segments = [s for s in context.handbook.segments if s.active]
    if not segments:
        return None
    lines = []
    for segment in segments:
        touch = segment.text("touch")
        facts = [TOUCH.get(touch, touch)] if touch else []
        per_csm = segment.accounts_per_csm
        if per_csm is not None:
            facts.append(f"{per_csm} accounts per CSM")
        detail = f" ({md(', '.join(facts))})" if facts else ""
        summary = f": {md(segment.summary)}" if segment.summary else ""
        lines.append(f"- {_link(context, segment)}{detail}{summary}")
    return (
        "Our customers, by segment",
        "Each segment gets its own touch model, so knowing which one an account belongs to tells you "
        "how often, and how, to reach it.",
        lines,
    )


def _stages(context: Context) -> Step | None:
    stages = [s for s in context.handbook.stages if s.active]
    if not stages:
        return None
    lines = []
    for number, stage in enumerate(stages, 1):
        owner = context.team(stage.owner)
        led = f", led by {md(owner.title)}" if owner else ""
        goal = stage.text("goal") or stage.summary
        lines.append(f"{number}. {_link(context, stage)}{led}" + (f": {md(goal)}" if goal else ""))
    return (
        "The stages, in order",
        "Read the stages in the order a customer goes through them: each has a goal, criteria to enter "
        "and leave it, and milestones that show the customer is getting value.",
        lines,
    )


def _team(context: Context, team: Entity) -> Step:
    return (
        f"Your team: {md(team.title)}",
        f"{_link(context, team)} lists the moments your team owns in journey order, the playbooks it "
        "runs and the handoffs it gives and receives, and who to ask.",
        [],
    )


def _stage_rank(context: Context) -> Callable[[str | None], int]:
    index = {s.id: i for i, s in enumerate(context.handbook.stages)}
    return lambda stage_id: index.get(stage_id or "", len(index))


def _handoffs(context: Context, team: Entity) -> Step | None:
    handbook = context.handbook
    rank = _stage_rank(context)
    received = [h for h in handbook.of_kind("handoff") if h.active and h.text("to") == team.id]
    if not received:
        return None

    def position(handoff: Entity) -> tuple[int, int, int]:
        milestone = handbook.get("milestone", handoff.text("milestone") or "")
        if milestone is not None:
            return rank(milestone.text("stage")), 0, milestone.order
        return rank(handoff.text("from_stage")), 1, 0

    lines = []
    for handoff in sorted(received, key=lambda h: (position(h), h.title.lower())):
        giver = context.team(handoff.text("from"))
        source = f" from {md(giver.title)}" if giver else ""
        milestone = handbook.get("milestone", handoff.text("milestone") or "")
        after = handbook.get("stage", handoff.text("from_stage") or "")
        into = handbook.get("stage", handoff.text("to_stage") or "")
        if milestone is not None:
            when = f" after {md(milestone.title)}"
        elif after is not None and into is not None:
            when = f", from {md(after.title)} into {md(into.title)}"
        else:
            when = ""
        summary = f": {md(handoff.summary)}" if handoff.summary else ""
        lines.append(f"- {_link(context, handoff)}{source}{when}{summary}")
    return (
        f"The handoffs {md(team.title)} receives",
        "This is where customers arrive in your hands: know what information must travel with them, "
        "and ask for it if it does not.",
        lines,
    )


def _playbooks(context: Context, team: Entity) -> Step | None:
    handbook = context.handbook
    rank = _stage_rank(context)
    type_rank = {t: i for i, (t, _) in enumerate(PLAYBOOK_TYPES)}
    runs = []
    for playbook in handbook.of_kind("playbook"):
        if not playbook.active:
            continue
        role = _role(playbook, team.id)
        if role:
            first = min((rank(s) for s in playbook.texts("stages")), default=rank(None))
            runs.append(
                (
                    (first, type_rank.get(playbook.text("type") or "", 9), playbook.title.lower()),
                    playbook,
                    role,
                )
            )
    if not runs:
        return None
    lines = []
    for _, playbook, role in sorted(runs, key=lambda r: r[0]):
        trigger = trigger_words(context.handbook, playbook, PHRASE)
        lines.append(f"- {_link(context, playbook)}: {md(role)}" + (f"; it {md(trigger)}" if trigger else ""))
    return (
        f"The playbooks {md(team.title)} runs",
        "These are the plays you will run yourself, in journey order: read each one's trigger and steps "
        "before you need them.",
        lines,
    )


def _role(playbook: Entity, team_id: str) -> str:
    """How ``team_id`` takes part in running ``playbook`` ("" when it does not)."""
    steps = playbook.steps
    own_steps = sum(1 for step in steps if step.owner == team_id)
    if playbook.owner == team_id:
        role = "your team owns it"
        if steps and own_steps == 0:
            role += "; other teams run its steps"
        elif steps and own_steps < len(steps):
            role += f" and runs {own_steps} of its {len(steps)} steps"
        return role
    if team_id in playbook.raci("responsible"):
        return "your team is responsible for the work"
    if own_steps:
        return f"your team runs {own_steps} of its {len(steps)} step{'s' if len(steps) != 1 else ''}"
    return ""
