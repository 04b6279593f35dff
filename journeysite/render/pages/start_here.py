"""Start here: a numbered reading path for a new CSM, from the mission to the playbooks their team runs."""

from __future__ import annotations

from collections.abc import Callable

from journeysite.core.model import Entity
from journeysite.render.markup import md
from journeysite.render.pages import Context
from journeysite.render.pages.parts import draft_note, md_link, trigger_words
from journeysite.render.pages.words import (
    PHRASE,
    START_ANOTHER_TEAM,
    START_HANDOFF,
    START_LED_BY,
    START_LED_BY_ALSO,
    START_PER_CSM,
    SUMMARY_PAGES,
    TOUCH,
)
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
            *SUMMARY_PAGES,
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
        f"Start with the mission page, {_link(context, mission)}: it says what we do when no playbook or manager tells "
        "you, and the values behind every page that follows.",
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
        words = TOUCH.get(touch, touch) if touch else ""
        # A title that already says its touch ("Digital (tech touch)") is not told it again.
        facts = [words.lower()] if words and words.lower() not in segment.title.lower() else []
        per_csm = segment.accounts_per_csm
        if per_csm is not None:
            facts.append(START_PER_CSM.format(per_csm))
        detail = f" — {md(', '.join(facts))}." if facts else ":" if segment.summary else ""
        summary = f" {md(_sentence(segment.summary))}" if segment.summary else ""
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
        goal = stage.text("goal") or stage.summary
        lines.append(
            f"{number}. {_link(context, stage)}{_led_by(context, stage)}."
            + (f" {md(_sentence(goal))}" if goal else "")
        )
    return (
        "The stages, in order",
        "Read the stages in the order a customer goes through them: each has a goal, criteria to enter "
        "and leave it, and milestones that show the customer is getting value.",
        lines,
    )


def _led_by(context: Context, stage: Entity) -> str:
    """The stage's owner (", led by Onboarding; for Scale, by Customer Success"), and where another
    team owns it in some segments (SPEC §7.1), those too; "" without an owner team."""
    owner = context.team(stage.owner)
    if owner is None:
        return ""
    phrase = ", " + START_LED_BY.format(owner=md(owner.title))
    others: dict[str, list[str]] = {}
    for segment_id, team_id in stage.segment_owners.items():
        segment, team = context.handbook.get("segment", segment_id), context.team(team_id)
        if team is not None and team_id != stage.owner:
            others.setdefault(team.title, []).append(segment.title if segment else segment_id)
    for title, segments in others.items():
        phrase += START_LED_BY_ALSO.format(owner=md(title), segments=md(_and(segments)))
    return phrase


def _sentence(value: str) -> str:
    """``value`` ending as a sentence does."""
    value = value.strip()
    return value if not value or value[-1] in ".!?…" else value + "."


def _team(context: Context, team: Entity) -> Step:
    return (
        f"Your team: {md(team.title)}",
        f"Your team's page, {_link(context, team)}, lists the moments it owns in journey order, the playbooks "
        "it runs, the handoffs it gives and receives, and who to ask.",
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
        summary = f" {md(_sentence(handoff.summary))}" if handoff.summary else ""
        lines.append(f"- {_link(context, handoff)}: {_arrival(context, handoff)}{summary}")
    return (
        f"The handoffs {md(team.title)} receives",
        "This is where customers arrive in your hands: know what information must travel with them, "
        "and ask for it if it does not.",
        lines,
    )


def _arrival(context: Context, handoff: Entity) -> str:
    """How the customer of ``handoff`` reaches the reader's team, as one sentence (Markdown)."""
    handbook = context.handbook
    giver = context.team(handoff.text("from"))
    names = {"giver": md(giver.title if giver else START_ANOTHER_TEAM)}
    milestone = handbook.get("milestone", handoff.text("milestone") or "")
    before = handbook.get("stage", handoff.text("from_stage") or "")
    after = handbook.get("stage", handoff.text("to_stage") or "")
    moving = handbook.get("segment", handoff.text("from_segment") or "")
    into = handbook.get("segment", handoff.text("to_segment") or "")
    if milestone is not None:
        stage = handbook.get("stage", milestone.text("stage") or "")
        form = "milestone" if stage else "milestone-no-stage"
        names.update(milestone=md(milestone.title), stage=md(stage.title) if stage else "")
    elif before is not None and after is not None:
        form = "stages"
        names.update(before=md(before.title), after=md(after.title))
    elif moving is not None and into is not None:
        form = "segments"
        when = handoff.text("when")
        names.update(before=md(moving.title), after=md(into.title), when=f" ({md(when)})" if when else "")
    else:
        form = "plain"
    sentence = START_HANDOFF[form].format(**names)
    return sentence[:1].upper() + sentence[1:]


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
        starts = f" it {md(trigger)}." if trigger else ""
        lines.append(f"- {_link(context, playbook)}:{starts} {md(_sentence(role[:1].upper() + role[1:]))}")
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
