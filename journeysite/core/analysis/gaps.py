"""Gap analysis: the handoff gaps and ownership problems of SPEC §3, found on every segment's journey."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from journeysite.core.analysis.journeys import Journey
from journeysite.core.diagnostics import INFO, WARNING, Diagnostic
from journeysite.core.model import Entity, Handbook

GAP_CODES = (
    "missing-handoff",
    "handoff-owner-mismatch",
    "handoff-without-artifacts",
    "stage-without-milestones",
    "raci-conflict",
    "uncovered-cell",
    "orphan-team",
)
# Roles a team cannot hold together on one page: who does or owns the work is not merely consulted or informed.
EXCLUSIVE_ROLES = (
    ("owner", "consulted"),
    ("owner", "informed"),
    ("responsible", "consulted"),
    ("responsible", "informed"),
    ("consulted", "informed"),
)


@dataclass
class _Findings:
    """Collects findings so that one found in several journeys becomes one diagnostic naming them all."""

    found: dict[tuple, tuple[Diagnostic, set[str]]] = field(default_factory=dict)

    def add(self, key: tuple, diagnostic: Diagnostic, segment: str | None = None) -> None:
        _, segments = self.found.setdefault(key, (diagnostic, set()))
        if segment is not None:
            segments.add(segment)

    def diagnostics(self) -> list[Diagnostic]:
        return [replace(d, segments=tuple(sorted(s))) for d, s in self.found.values()]


def analyse(handbook: Handbook, journeys: list[Journey]) -> list[Diagnostic]:
    """Return every gap finding (warnings and infos) for the handbook."""
    findings = _Findings()
    handoffs = [h for h in handbook.of_kind("handoff") if h.active]
    for journey in journeys:
        _missing_handoffs(handbook, journey, handoffs, findings)
        _milestone_handoff_owners(handbook, journey, handoffs, findings)
        _stages_without_milestones(journey, findings)
        _uncovered_cells(handbook, journey, findings)
    _stage_handoff_owners(handbook, handoffs, findings)
    _handoffs_without_artifacts(handoffs, findings)
    _raci_conflicts(handbook, findings)
    _orphan_teams(handbook, findings)
    return findings.diagnostics()


def team_name(handbook: Handbook, team_id: str | None) -> str:
    team = handbook.get("team", team_id) if team_id else None
    return team.title if team else f"`{team_id}`"


def _finding(code: str, severity: str, entity: Entity, line: int, message: str) -> Diagnostic:
    return Diagnostic(code, severity, entity.file, max(1, line), message, entity.key)


def missing_handoffs(diagnostics: Iterable[Diagnostic]) -> frozenset[str]:
    """The entities (``kind:id``) of the reported ``missing-handoff`` findings: where diagrams and the
    overview may flag a gap (with ``gaps: off`` there are no findings, so nowhere)."""
    return frozenset(d.entity for d in diagnostics if d.code == "missing-handoff" and d.entity)


def _limited_note(others: tuple[Entity, ...]) -> str:
    if not others:
        return ""
    names = "; ".join(f"`{h.id}` covers only {', '.join(h.segments or ())}" for h in others)
    return f" (handoff {names}: add the segment to its `segments`, or remove `segments` to cover everyone)"


def _missing_handoffs(
    handbook: Handbook, journey: Journey, handoffs: list[Entity], findings: _Findings
) -> None:
    for t in journey.transitions:
        if not t.missing_handoff:
            continue
        giver, receiver, before, after = t.before.owner, t.after.owner, t.before, t.after
        if t.stage is None:
            message = (
                f"{team_name(handbook, giver)} owns {before.title} and {team_name(handbook, receiver)} owns "
                f"{after.title}, but no handoff covers the move from one to the other: add a handoff page with "
                f"`kind: handoff`, `owner: {giver}`, `from: {giver}`, `to: {receiver}`, `from_stage: {before.id}`, "
                f"`to_stage: {after.id}` and the `artifacts` that travel{_limited_note(t.limited)}."
            )
        else:
            message = (
                f"{team_name(handbook, giver)} owns the milestone {before.title} and {team_name(handbook, receiver)} "
                f"owns {after.title}, the next one in {t.stage.title}, but no handoff follows {before.title}: add a "
                f"handoff page with `kind: handoff`, `owner: {giver}`, `from: {giver}`, `to: {receiver}`, "
                f"`milestone: {before.id}` and the `artifacts` that travel{_limited_note(t.limited)}."
            )
        diagnostic = _finding("missing-handoff", WARNING, before, before.line_of("owner"), message)
        findings.add(("missing-handoff", before.key, after.key), diagnostic, journey.segment_id)


def _mismatch(
    handbook: Handbook,
    handoff: Entity,
    side: str,
    expected: str,
    where: str,
    findings: _Findings,
    segment: str | None = None,
) -> None:
    actual = handoff.text(side)
    if not actual or actual == expected:
        return
    message = (
        f"this handoff's `{side}` is {team_name(handbook, actual)}, but {where} is owned by "
        f"{team_name(handbook, expected)}: set `{side}: {expected}`, or correct the owner of {where}."
    )
    diagnostic = _finding("handoff-owner-mismatch", WARNING, handoff, handoff.line_of(side), message)
    findings.add(("handoff-owner-mismatch", handoff.key, side, expected), diagnostic, segment)


def _stage_handoff_owners(handbook: Handbook, handoffs: list[Entity], findings: _Findings) -> None:
    for handoff in handoffs:
        before = handbook.get("stage", handoff.text("from_stage") or "")
        after = handbook.get("stage", handoff.text("to_stage") or "")
        if before and before.owner:
            _mismatch(handbook, handoff, "from", before.owner, f"the stage {before.title}", findings)
        if after and after.owner:
            _mismatch(handbook, handoff, "to", after.owner, f"the stage {after.title}", findings)


def _milestone_handoff_owners(
    handbook: Handbook, journey: Journey, handoffs: list[Entity], findings: _Findings
) -> None:
    for handoff in handoffs:
        milestone = handbook.get("milestone", handoff.text("milestone") or "")
        if milestone is None or not handoff.applies_to(journey.segment_id):
            continue
        in_journey = any(milestone in step.milestones for step in journey.stages)
        if not in_journey:
            continue
        if milestone.owner:
            _mismatch(
                handbook,
                handoff,
                "from",
                milestone.owner,
                f"the milestone {milestone.title}",
                findings,
                journey.segment_id,
            )
        following = journey.next_after(milestone)
        if following is not None and following.owner:
            _mismatch(
                handbook,
                handoff,
                "to",
                following.owner,
                f"the next milestone, {following.title},",
                findings,
                journey.segment_id,
            )


def _handoffs_without_artifacts(handoffs: list[Entity], findings: _Findings) -> None:
    for handoff in handoffs:
        if any(a.strip() for a in handoff.texts("artifacts")):
            continue
        message = (
            "this handoff does not say what information travels with the customer: list it under "
            "`artifacts`, e.g. `artifacts: [success criteria, stakeholder map, order form]`."
        )
        line = handoff.line_of("artifacts") if "artifacts" in handoff.data else 1
        findings.add(
            ("handoff-without-artifacts", handoff.key),
            _finding("handoff-without-artifacts", WARNING, handoff, line, message),
        )


def _stages_without_milestones(journey: Journey, findings: _Findings) -> None:
    for step in journey.stages:
        if step.milestones:
            continue
        message = (
            f"the stage {step.stage.title} has no milestone, so nobody can tell when a customer has "
            f"succeeded in it: add a milestone page with `kind: milestone`, `stage: {step.stage.id}` and an `order`."
        )
        findings.add(
            ("stage-without-milestones", step.stage.key),
            _finding("stage-without-milestones", WARNING, step.stage, 1, message),
            journey.segment_id,
        )


def _uncovered_cells(handbook: Handbook, journey: Journey, findings: _Findings) -> None:
    lifecycle = [p for p in handbook.of_kind("playbook") if p.active and p.text("type") == "lifecycle"]
    for step in journey.stages:
        stage = step.stage
        if any(stage.id in p.texts("stages") and p.applies_to(journey.segment_id) for p in lifecycle):
            continue
        message = (
            f"no lifecycle playbook runs in {stage.title}, so customers there get no proactive touch: "
            f"add one with `type: lifecycle` and `stages: [{stage.id}]`, or explain on this page why none is needed."
        )
        findings.add(
            ("uncovered-cell", stage.key),
            _finding("uncovered-cell", INFO, stage, 1, message),
            journey.segment_id,
        )


def _raci_conflicts(handbook: Handbook, findings: _Findings) -> None:
    for entity in handbook.all():
        if not entity.active:
            continue
        roles: dict[str, list[str]] = {}
        if entity.owner:
            roles.setdefault(entity.owner, []).append("owner")
        for role in ("responsible", "consulted", "informed"):
            for team in entity.raci(role):
                roles.setdefault(team, []).append(role)
        for team, held in roles.items():
            clashes = [(a, b) for a, b in EXCLUSIVE_ROLES if a in held and b in held]
            if not clashes:
                continue
            first, second = clashes[0]
            index = entity.raci(second).index(team)
            message = (
                f"{team_name(handbook, team)} is both {first} and {second} here; a team that "
                f"{'owns' if first == 'owner' else 'does' if first == 'responsible' else 'is consulted on'} "
                f"the work needs no other role: remove it from `raci.{second}`."
            )
            line = entity.line_of("raci", second, index)
            findings.add(
                ("raci-conflict", entity.key, team), _finding("raci-conflict", WARNING, entity, line, message)
            )


def named_teams(handbook: Handbook) -> set[str]:
    """Every team id that an active entity names as owner, in RACI, in a handoff or as a step's owner."""
    named: set[str] = set()
    for entity in handbook.all():
        if not entity.active:
            continue
        if entity.kind != "team" and entity.owner:
            named.add(entity.owner)
        for role in ("responsible", "consulted", "informed"):
            named.update(entity.raci(role))
        if entity.kind == "handoff":
            named.update(t for t in (entity.text("from"), entity.text("to")) if t)
        named.update(step.owner for step in entity.steps if step.own_owner and step.owner)
    return named


def _orphan_teams(handbook: Handbook, findings: _Findings) -> None:
    named = named_teams(handbook)
    for team in handbook.of_kind("team"):
        if not team.active or team.id in named:
            continue
        message = (
            f"no page names {team.title}: it owns nothing and takes part in no RACI, handoff or playbook step; "
            "give it a role on the pages it works on, or retire the team page."
        )
        findings.add(("orphan-team", team.key), _finding("orphan-team", INFO, team, 1, message))
