"""Gap analysis: the handoff gaps and ownership problems of SPEC §3, found on every segment's journey."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from journeysite.core.analysis.journeys import Journey
from journeysite.core.diagnostics import INFO, WARNING, Diagnostic
from journeysite.core.model import Entity, Handbook

# Roles a team cannot hold together on one page: who does or owns the work is not merely consulted or informed.
EXCLUSIVE_ROLES = (
    ("owner", "consulted"),
    ("owner", "informed"),
    ("responsible", "consulted"),
    ("responsible", "informed"),
)  # consulted *and* informed is no conflict: real matrices write "C,I" (consulted before, informed after)


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
        _transition_handoff_owners(handbook, journey, findings)
        _stages_without_milestones(journey, findings)
        _uncovered_cells(handbook, journey, findings)
    _segment_moves(handbook, handoffs, findings)
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
        giver, receiver, before, after = t.giver, t.receiver, t.before, t.after
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
        line = (
            before.line_of("segment_owners", journey.segment_id)
            if journey.segment_id in before.segment_owners
            else before.line_of("owner")
        )
        diagnostic = _finding("missing-handoff", WARNING, before, line, message)
        findings.add(
            ("missing-handoff", before.key, after.key, giver, receiver), diagnostic, journey.segment_id
        )


def _mismatch(
    handbook: Handbook,
    handoff: Entity,
    side: str,
    expected: str,
    where: str,
    findings: _Findings,
    segment: str | None = None,
) -> None:
    """``handoff``'s ``side`` (``from`` or ``to``) is not ``expected``, the owner of ``where``. The fix
    offered never makes the handoff's two teams the same one (a team handing to itself)."""
    actual = handoff.text(side)
    if not actual or actual == expected:
        return
    other = handoff.text("to" if side == "from" else "from")
    fix = (
        f"set `{side}: {expected}`, or correct the owner of {where}"
        if expected != other
        else (
            f"limit the handoff with `segments` to the segments whose journeys it covers, or correct the "
            f"owner of {where}"
        )
    )
    message = (
        f"this handoff's `{side}` is {team_name(handbook, actual)}, but {where} is owned by "
        f"{team_name(handbook, expected)}: {fix}."
    )
    line = handoff.line_of(side)
    diagnostic = _finding("handoff-owner-mismatch", WARNING, handoff, line, message)
    findings.add(("handoff-owner-mismatch", handoff.key, side, expected), diagnostic, segment)


def _transition_handoff_owners(handbook: Handbook, journey: Journey, findings: _Findings) -> None:
    """A stage or milestone handoff's ``from``/``to`` against the owners on either side of each transition
    it covers in this journey (each segment's own owners, SPEC §7.2)."""
    segment = journey.segment_id if journey.segment is not None else None
    for t in journey.transitions:
        for handoff in t.handoffs:
            if t.stage is None:
                before, after = f"the stage {t.before.title}", f"the stage {t.after.title}"
            else:
                before, after = f"the milestone {t.before.title}", f"the next milestone, {t.after.title},"
            if t.giver:
                _mismatch(handbook, handoff, "from", t.giver, before, findings, segment)
            if t.receiver:
                _mismatch(handbook, handoff, "to", t.receiver, after, findings, segment)


def moves(handbook: Handbook) -> list[tuple[Entity, Entity]]:
    """Every declared move between active segments (``moves_to``), in segment order."""
    found = []
    for segment in handbook.segments:
        if not segment.active:
            continue
        for target_id in segment.texts("moves_to"):
            target = handbook.get("segment", target_id)
            if target is not None and target.active and target is not segment:
                found.append((segment, target))
    return found


def segment_handoffs(handbook: Handbook, before: Entity, after: Entity) -> list[Entity]:
    """The active handoffs of customers moving from segment ``before`` to ``after``."""
    return [
        h
        for h in handbook.of_kind("handoff")
        if h.active and h.text("from_segment") == before.id and h.text("to_segment") == after.id
    ]


def _segment_moves(handbook: Handbook, handoffs: list[Entity], findings: _Findings) -> None:
    for before, after in moves(handbook):
        covering = segment_handoffs(handbook, before, after)
        if covering or not (before.owner and after.owner) or before.owner == after.owner:
            continue
        message = (
            f"{before.title} customers can move to {after.title} (`moves_to`), and {team_name(handbook, before.owner)} "
            f"owns the one while {team_name(handbook, after.owner)} owns the other, but no handoff covers the move: "
            f"add a handoff page with `kind: handoff`, `owner: {before.owner}`, `from: {before.owner}`, "
            f"`to: {after.owner}`, `from_segment: {before.id}`, `to_segment: {after.id}`, `when` (what triggers the "
            "move) and the `artifacts` that travel."
        )
        index = before.texts("moves_to").index(after.id)
        diagnostic = _finding("missing-handoff", WARNING, before, before.line_of("moves_to", index), message)
        findings.add(("missing-handoff", before.key, after.key), diagnostic)
    for handoff in handoffs:
        leaving = handbook.get("segment", handoff.text("from_segment") or "")
        joining = handbook.get("segment", handoff.text("to_segment") or "")
        if leaving is not None and leaving.owner:
            _mismatch(handbook, handoff, "from", leaving.owner, f"the segment {leaving.title}", findings)
        if joining is not None and joining.owner:
            _mismatch(handbook, handoff, "to", joining.owner, f"the segment {joining.title}", findings)


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
            f"add one with `type: lifecycle` and `stages: [{stage.id}]`, or, if none is needed, say why on this page: "
            f"`accept: [{{code: uncovered-cell, reason: …}}]`."
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
    """Every team id that an active entity names as owner (in any segment), in RACI, in a handoff or as a
    step's owner."""
    named: set[str] = set()
    for entity in handbook.all():
        if not entity.active:
            continue
        if entity.kind != "team":
            named.update(entity.owners)
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
