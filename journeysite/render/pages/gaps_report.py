"""The gaps report: every handoff gap and ownership finding, grouped by kind, each linked to the page to fix."""

from __future__ import annotations

import re

from journeysite.core.diagnostics import ERROR, INFO, WARNING, Diagnostic
from journeysite.core.model import Entity
from journeysite.core.settings import LEVELLED_CODES
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages.parts import admonition, pill

GAP_LABELS = {
    "missing-handoff": "Missing handoffs",
    "handoff-owner-mismatch": "Handoffs between the wrong teams",
    "handoff-without-artifacts": "Handoffs that carry no information",
    "stage-without-milestones": "Stages without milestones",
    "raci-conflict": "Conflicting RACI roles",
    "uncovered-cell": "Stages without a lifecycle playbook",
    "orphan-team": "Teams with no part in the journey",
    "never-in-a-journey": "Pages no journey reaches",
    "handoff-not-a-transition": "Handoffs no customer makes",
    "step-outside-playbook": "Steps and milestones outside their playbook",
    "due-out-of-order": "Milestones due before the ones they follow",
    "outside-stage-window": "Dates outside their stage",
    "segment-thresholds": "Segment thresholds that do not line up",
    "capacity-exceeded": "Teams with more planned work than people",
    "stale-accept": "Accepted findings that no longer exist",
}
WHY_IT_MATTERS = {
    "missing-handoff": (
        "When the owner changes and nobody has written down how the customer moves across, the customer "
        "is the one who notices: goals are asked for twice, context is lost, and no one is sure who calls next."
    ),
    "handoff-owner-mismatch": (
        "A handoff between the wrong teams means the team that really owns the next moment never receives "
        "what the customer already told us."
    ),
    "handoff-without-artifacts": (
        "A handoff that does not say what travels (success criteria, stakeholders, notes) invites a cold "
        "email instead of a warm introduction."
    ),
    "stage-without-milestones": (
        "Without a milestone nobody can tell when a customer has succeeded in a stage, so progress goes "
        "unmeasured and uncelebrated."
    ),
    "raci-conflict": (
        "A team listed in roles that exclude each other blurs who does the work and who only needs to know, "
        "which is how moments end up owned by nobody."
    ),
    "uncovered-cell": (
        "A stage with no lifecycle playbook gives its customers no planned, proactive touch: the team only "
        "reacts once something has gone wrong."
    ),
    "orphan-team": (
        "A team that no page names has no visible part in the journey: either its work is missing from "
        "the handbook or the team page is out of date."
    ),
    "never-in-a-journey": (
        "A page limited to segments its stage or playbook never serves is published but reaches no customer: "
        "the people who follow the journey never see it."
    ),
    "handoff-not-a-transition": (
        "A handoff between stages that do not follow each other describes a move no customer makes, while "
        "the real move may have no handoff at all."
    ),
    "step-outside-playbook": (
        "A step or milestone outside its playbook's reach is never run where its author expected, so part of "
        "the playbook silently does not happen."
    ),
    "due-out-of-order": (
        "When a milestone is due before the one it follows, the timeline and the order disagree: a CSM "
        "planning from one will chase the customer for the other at the wrong time."
    ),
    "outside-stage-window": (
        "A date that falls outside its stage puts the moment in the wrong part of the journey: the stage's "
        "owner is not looking for it then, and the timeline shows it where nobody expects it."
    ),
    "segment-thresholds": (
        "When two segments' ranges overlap, an account fits both and two teams may think it is theirs; when "
        "they leave a hole, an account fits neither and nobody is sure how to serve it."
    ),
    "capacity-exceeded": (
        "A team whose playbook steps need more hours than its people have cannot run them all: steps get "
        "skipped without anyone deciding which, and the customers of the busiest segment notice first."
    ),
    "stale-accept": (
        "An accepted finding that no longer occurs hides the finding if it comes back: remove it so the "
        "check sees it again."
    ),
}
SEVERITY_LABELS = {ERROR: "Error", WARNING: "Warning", INFO: "Note"}
_CODE_SPAN = re.compile(r"`([^`]+)`")


def gap_findings(context: Context) -> list[Diagnostic]:
    """The diagnostics that are gap and consistency findings, in the order the pipeline sorted them."""
    return [d for d in context.diagnostics if d.code in LEVELLED_CODES]


def render(context: Context) -> str:
    findings = gap_findings(context)
    if context.settings.gaps == "off":
        off = markup.block(
            admonition(
                "info",
                "Gap analysis is switched off",
                "This handbook sets <code>gaps: off</code> for the journeysite plugin in <code>mkdocs.yml</code>, "
                "so handoff gaps are not checked. Remove the setting (or set <code>gaps: warn</code>) to see them.",
            )
        )
        groups = [
            _group(context, code, [d for d in findings if d.code == code])
            for code in LEVELLED_CODES
            if any(d.code == code for d in findings)
        ]
        return "\n".join([off, "", *groups, _accepted(context)])
    intro = (
        "Gap analysis walks every segment's journey, stage by stage and milestone by milestone, and looks "
        "for the places where a customer can fall through the cracks. Each finding names the page to change. "
        "Run `journeysite check` before opening a pull request to see the same list in seconds."
    )
    if not findings:
        return "\n".join(
            [
                intro,
                "",
                markup.block(
                    admonition(
                        "success",
                        "No gaps found",
                        "Every change of owner along every journey is covered by a handoff that says what travels, every "
                        "stage has milestones and a lifecycle playbook, and every team has a part in the journey.",
                    )
                ),
                _accepted(context),
            ]
        )
    warnings = sum(1 for d in findings if d.severity != INFO)
    notes = len(findings) - warnings
    counts = [
        f"**{warnings}** warning{'s' if warnings != 1 else ''}" if warnings else "",
        f"**{notes}** note{'s' if notes != 1 else ''}" if notes else "",
    ]
    parts = [
        intro,
        "",
        f"{' and '.join(c for c in counts if c)} to look at. Warnings fail a strict build "
        "(`mkdocs build --strict`, as in pull-request checks); notes are advice.",
        "",
    ]
    for code in LEVELLED_CODES:
        group = [d for d in findings if d.code == code]
        if group:
            parts.append(_group(context, code, group))
    parts.append(_accepted(context))
    return "\n".join(parts)


def _accepted(context: Context) -> str:
    """The findings the pages accept, each with the reason its page gives (SPEC §7.3)."""
    if not context.accepted:
        return ""
    rows = []
    for item in context.accepted:
        page, finding, segments = _row(context, item.diagnostic)
        reason = f'<p class="jsite-accept-reason"><strong>Accepted:</strong> {markup.text(item.reason)}</p>'
        rows.append([page, finding + reason, segments])
    headers = ["Page", "Finding, and why it is accepted", "Segments"]
    table = markup.table(headers, rows, "jsite-table jsite-gaps-table")
    return "\n".join(
        [
            "",
            "## Accepted",
            "",
            "These findings are known and accepted: the page itself says why (its `accept` list). They are not "
            "counted as warnings and never fail a strict build; if one stops being true, the check reports it "
            "again as a stale acceptance.",
            "",
            table,
        ]
    )


def _group(context: Context, code: str, group: list[Diagnostic]) -> str:
    rows = [_row(context, d) for d in group]
    table = markup.table(["Page to fix", "Finding", "Segments"], rows, "jsite-table jsite-gaps-table")
    severities = list(dict.fromkeys(d.severity for d in group))
    labels = " ".join(
        pill(SEVERITY_LABELS.get(s, s), f"jsite-severity jsite-severity-{s}") for s in severities
    )
    count = f"{len(group)} finding{'s' if len(group) != 1 else ''}"
    return "\n".join(
        [
            f"## {markup.md(GAP_LABELS.get(code, code))}",
            markup.block(
                f'<div class="jsite-gap-group" id="gap-{code}">'
                f'<p class="jsite-why"><strong>Why it matters:</strong> {markup.text(WHY_IT_MATTERS.get(code, ""))}</p>'
                f'<p class="jsite-gap-meta">{labels} {count} · check code <code>{code}</code></p></div>'
            ),
            table,
        ]
    )


def _row(context: Context, d: Diagnostic) -> list[str]:
    entity = _entity(context, d)
    page = markup.link(context.linker, entity, fallback=d.file) if entity else markup.text(d.file)
    source = f'<br><small class="jsite-source"><code>{markup.text(d.file)}:{d.line}</code></small>'
    return [page + source, message_html(d.message), _segments(context, d)]


def _segments(context: Context, d: Diagnostic) -> str:
    """The segments a finding concerns, one per line (titles may hold commas), or a dash."""
    return (
        "<br>".join(
            markup.link(context.linker, context.handbook.get("segment", s), fallback=s) for s in d.segments
        )
        or '<span class="jsite-muted">—</span>'
    )


def message_html(message: str) -> str:
    """A diagnostic's message as a sentence, escaped, with its `code spans` shown as code."""
    sentence = message[:1].upper() + message[1:]
    return _CODE_SPAN.sub(r"<code>\1</code>", markup.text(sentence))


def _entity(context: Context, d: Diagnostic) -> Entity | None:
    return context.handbook.by_key(d.entity) or context.handbook.entity_of(d.file)
