"""Consistency: what used to pass in silence (SPEC §7.4) — pages whose segments keep them out of every
journey, handoffs that cover no step of a journey, steps and milestones outside their playbook."""

from __future__ import annotations

from journeysite.core.analysis.journeys import Journey
from journeysite.core.diagnostics import WARNING, Diagnostic
from journeysite.core.model import Entity, Handbook

CONSISTENCY_CODES = ("never-in-a-journey", "handoff-not-a-transition", "step-outside-playbook")


def analyse(handbook: Handbook, journeys: list[Journey]) -> list[Diagnostic]:
    """Every consistency finding of the handbook (warnings)."""
    found: list[Diagnostic] = []
    for milestone in handbook.of_kind("milestone"):
        if milestone.active:
            found += _milestone_outside_its_stage(handbook, milestone)
    for playbook in handbook.of_kind("playbook"):
        if playbook.active:
            found += _playbook_outside_its_stages(handbook, playbook)
            found += _steps_outside_the_playbook(handbook, playbook)
            found += _milestones_outside_the_stages(handbook, playbook)
    found += _handoffs_that_are_no_transition(handbook, journeys)
    return found


def _finding(code: str, entity: Entity, line: int, message: str) -> Diagnostic:
    return Diagnostic(code, WARNING, entity.file, max(1, line), message, entity.key)


def _names(handbook: Handbook, ids: tuple[str, ...] | list[str]) -> str:
    """Segment titles, joined with semicolons (titles may hold commas)."""
    segments = [handbook.get("segment", i) for i in ids]
    titles = [s.title if s is not None else i for s, i in zip(segments, ids, strict=True)]
    return "; ".join(titles) if titles else "(none: `segments` is empty)"


def _milestone_outside_its_stage(handbook: Handbook, milestone: Entity) -> list[Diagnostic]:
    stage = handbook.get("stage", milestone.text("stage") or "")
    mine, theirs = milestone.segments, stage.segments if stage else None
    if stage is None or mine is None or theirs is None or set(mine) & set(theirs):
        return []
    message = (
        f"this milestone applies only to the segments {_names(handbook, mine)}, but its stage {stage.title} "
        f"applies only to {_names(handbook, theirs)}, so no customer's journey reaches it: list in `segments` "
        f"segments of {stage.title}, or remove `segments` to follow the stage."
    )
    return [_finding("never-in-a-journey", milestone, milestone.line_of("segments"), message)]


def _playbook_outside_its_stages(handbook: Handbook, playbook: Entity) -> list[Diagnostic]:
    mine = playbook.segments
    stages = [s for s in (handbook.get("stage", i) for i in playbook.texts("stages")) if s is not None]
    if mine is None or not stages or any(s.segments is None or set(mine) & set(s.segments) for s in stages):
        return []
    theirs = sorted({seg for s in stages for seg in (s.segments or ())})
    titles = ", ".join(s.title for s in stages)
    message = (
        f"this playbook applies only to the segments {_names(handbook, mine)}, but its stages ({titles}) apply "
        f"only to {_names(handbook, theirs)}, so it runs in no customer's journey: list in `segments` segments "
        "its stages apply to, or add a stage those segments go through to `stages`."
    )
    return [_finding("never-in-a-journey", playbook, playbook.line_of("segments"), message)]


def _steps_outside_the_playbook(handbook: Handbook, playbook: Entity) -> list[Diagnostic]:
    found = []
    allowed = playbook.segments
    for step in playbook.steps:
        if step.segments is None or allowed is None:
            continue
        outside = [s for s in step.segments if s not in allowed]
        if not outside:
            continue
        line = playbook.line_of("steps", step.number - 1, "segments")
        if len(outside) == len(step.segments):
            message = (
                f"step {step.number} applies only to the segments {_names(handbook, step.segments)}, and the "
                f"playbook only to {_names(handbook, allowed)}, so the step is never run: list in the step's "
                "`segments` segments of the playbook, or add its segments to the playbook's `segments`."
            )
            found.append(_finding("never-in-a-journey", playbook, line, message))
        else:
            message = (
                f"step {step.number} lists the segment(s) {_names(handbook, outside)}, which the playbook does not "
                f"apply to (its `segments`: {_names(handbook, allowed)}), so the step never runs there: remove "
                "them from the step, or add them to the playbook's `segments`."
            )
            found.append(_finding("step-outside-playbook", playbook, line, message))
    return found


def _milestones_outside_the_stages(handbook: Handbook, playbook: Entity) -> list[Diagnostic]:
    found = []
    stages = playbook.texts("stages")
    for index, milestone_id in enumerate(playbook.texts("milestones")):
        milestone = handbook.get("milestone", milestone_id)
        stage_id = milestone.text("stage") if milestone else None
        if milestone is None or stage_id is None or stage_id in stages:
            continue
        stage = handbook.get("stage", stage_id)
        message = (
            f"the milestone {milestone.title} is in the stage {stage.title if stage else stage_id}, which is not "
            f"among this playbook's `stages`: add `{stage_id}` to `stages`, or remove `{milestone_id}` from "
            "`milestones`."
        )
        found.append(
            _finding("step-outside-playbook", playbook, playbook.line_of("milestones", index), message)
        )
    return found


def _handoffs_that_are_no_transition(handbook: Handbook, journeys: list[Journey]) -> list[Diagnostic]:
    covering = {h.key for journey in journeys for t in journey.transitions for h in t.handoffs}
    found = []
    for handoff in handbook.of_kind("handoff"):
        if not handoff.active or handoff.key in covering:
            continue
        applying = [j for j in journeys if handoff.applies_to(j.segment_id)]
        if handoff.text("from_stage") and handoff.text("to_stage"):
            found += _not_consecutive(handbook, handoff, applying)
        elif handoff.text("milestone"):
            found += _after_the_last(handbook, handoff, applying)
    return found


def _not_consecutive(handbook: Handbook, handoff: Entity, journeys: list[Journey]) -> list[Diagnostic]:
    before = handbook.get("stage", handoff.text("from_stage") or "")
    after = handbook.get("stage", handoff.text("to_stage") or "")
    if before is None or after is None:  # an unknown-ref error already says so
        return []
    following = None
    for journey in journeys:
        order = [step.stage for step in journey.stages]
        if before in order and order.index(before) + 1 < len(order):
            following = order[order.index(before) + 1]
            break
    actually = f"; {before.title} is followed by {following.title}" if following is not None else ""
    message = (
        f"this handoff covers {before.title} → {after.title}, but no journey it applies to goes from one "
        f"straight to the other{actually}: set `to_stage` to the stage that follows `{before.id}`, or change "
        "`segments` to the segments whose customers make this step."
    )
    return [_finding("handoff-not-a-transition", handoff, handoff.line_of("to_stage"), message)]


def _after_the_last(handbook: Handbook, handoff: Entity, journeys: list[Journey]) -> list[Diagnostic]:
    milestone = handbook.get("milestone", handoff.text("milestone") or "")
    if milestone is None:
        return []
    stage = handbook.get("stage", milestone.text("stage") or "")
    where = f" of {stage.title}" if stage else ""
    message = (
        f"this handoff follows the milestone {milestone.title}, but in every journey it applies to that is the "
        f"last milestone{where} (or not reached at all), so no milestone follows inside the stage: for the move "
        "into the next stage, write a stage handoff with `from_stage` and `to_stage` instead of `milestone`."
    )
    return [_finding("handoff-not-a-transition", handoff, handoff.line_of("milestone"), message)]
