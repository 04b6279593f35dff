"""Entity pages: the authored body framed by a header card, a review badge, kind sections and backlinks."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from journeysite.core.analysis.review import DUE_SOON, NEVER, OK, OVERDUE, STATUS_LABELS
from journeysite.core.model import Entity, Step
from journeysite.render.markup import block, items, link, listing, md, table, tag, text
from journeysite.render.pages import Context
from journeysite.render.pages.parts import draft_badge, owner_varies, team_link
from journeysite.render.pages.raci import STEPS, letters
from journeysite.render.pages.words import (
    BACKLINKS,
    BACKLINKS_TO_SEGMENT,
    CARD,
    CELEBRATE,
    CELEBRATED,
    CHANNELS,
    DIRECTION,
    HANDOFF_WHEN,
    STEP_LABELS,
    STEP_ONLY,
    SUCCESS,
    SUMMARY_LABELS,
    TEAM_PARTS,
    TOUCH,
    TRAVELS,
    TRIGGER_WORDS,
)
from journeysite.render.site import PLAYBOOK_TYPES

KIND_LABELS = {
    "mission": "Mission",
    "team": "Team",
    "segment": "Segment",
    "stage": "Stage",
    "milestone": "Milestone",
    "playbook": "Playbook",
    "handoff": "Handoff",
    "metric": "Metric",
}
_H1 = re.compile(r"\A(\s*#[^#\n][^\n]*\n|\s*[^\n]+\n=+[ \t]*\n)")


def render(context: Context, entity: Entity, body: str) -> str:
    """The page's Markdown: banner, card and badge after its H1; what a reader comes for (a playbook's
    trigger and steps, a milestone's moment of truth, what a handoff carries) before the body's first
    heading; the rest of the body; then the other generated sections."""
    top = _banner(entity) + _summary(entity) + _card(context, entity) + _badge(context, entity)
    match = _H1.match(body)
    head, rest = (body[: match.end()], body[match.end() :]) if match else ("", body)
    lead = LEADS.get(entity.kind, lambda c, e: "")(context, entity)
    intro, rest = _split_at_first_heading(rest) if lead else ("", rest)
    sections = SECTIONS.get(entity.kind, lambda c, e: "")(context, entity)
    return f"{head}\n{top}\n{intro}\n\n{lead}\n{rest}\n\n{sections}{_referenced_by(context, entity)}"


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")


def _split_at_first_heading(body: str) -> tuple[str, str]:
    """The body's opening prose and the rest from its first heading on (outside code fences), so the
    lead sections follow what people wrote as an introduction instead of swallowing it."""
    fence = ""
    offset = 0
    for line in body.splitlines(keepends=True):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
        elif opened:
            fence = opened.group(1)
        elif _HEADING.match(line):
            return body[:offset], body[offset:]
        offset += len(line)
    return body, ""


# ---- the frame: banner, header card, review badge ------------------------------------------------


def _summary(entity: Entity) -> str:
    """The one-line summary as the page's lead paragraph: what a reader (and a search preview) sees first."""
    return block(f'<p class="jsite-summary">{text(entity.summary)}</p>') if entity.summary else ""


def _banner(entity: Entity) -> str:
    if entity.status == "draft":
        return block(
            '<div class="admonition warning jsite-banner jsite-draft"><p class="admonition-title">Draft</p>'
            "<p>This page is a draft: it is not agreed yet. It still takes part in the journey and "
            "its gap analysis.</p></div>"
        )
    if entity.status == "retired":
        return block(
            '<div class="admonition info jsite-banner jsite-retired"><p class="admonition-title">Retired'
            "</p><p>This page is kept for reference: it no longer takes part in the journey, the grid, "
            "the diagrams or the gap analysis.</p></div>"
        )
    return ""


def _row(label: str, value: str) -> str:
    return f"<dt>{text(label)}</dt><dd>{value}</dd>" if value else ""


def _texts_html(values: tuple[str, ...]) -> str:
    return "; ".join(text(v) for v in values)


def _refs(context: Context, kind: str, ids: tuple[str, ...]) -> str:
    return ", ".join(link(context.linker, context.handbook.get(kind, i), fallback=i) for i in ids)


def _segments_html(context: Context, entity: Entity) -> str:
    segments = entity.segments
    if segments is None:
        return "All segments" if context.handbook.of_kind("segment") else ""
    return _refs(context, "segment", segments)


def _triggers_html(context: Context, playbook: Entity) -> list[str]:
    """Each of the playbook's triggers as HTML: its card label, then the milestone's link or the text."""
    found = []
    for trigger in playbook.triggers:
        label = TRIGGER_WORDS[trigger.kind][CARD]
        if trigger.kind == "milestone":
            shown = _refs(context, "milestone", (trigger.value,))
        else:
            shown = text(trigger.value)
        found.append(f"{text(label)}: {shown}")
    return found


def _trigger_section(context: Context, playbook: Entity) -> str:
    """The trigger, or every trigger when any of several starts the playbook."""
    shown = _triggers_html(context, playbook)
    if len(shown) <= 1:
        return "".join(f'<p class="jsite-trigger">{t}</p>' for t in shown)
    return f"<p>Any one of these {len(shown)} triggers starts the playbook:</p>" + items(
        [f'<span class="jsite-trigger">{t}</span>' for t in shown], css="jsite-list jsite-triggers"
    )


def _kind_rows(context: Context, e: Entity) -> list[str]:
    h = context.handbook
    if e.kind == "mission":
        return [_row("Statement", text(e.text("statement")))]
    if e.kind == "team":
        return [
            _row("Lead", text(e.text("lead"))),
            _row("Contact", text(e.text("contact"))),
            _row("GitHub", ", ".join(tag("code", text(g)) for g in e.texts("github"))),
            _row("Handles", ", ".join(tag("code", text(g)) for g in e.texts("handles"))),
            _row("Headcount", text(e.headcount) if e.headcount is not None else ""),
            _row("Roles", _texts_html(e.texts("roles"))),
        ]
    if e.kind == "segment":
        per_csm = e.accounts_per_csm
        return [
            _row("Engagement", text(TOUCH.get(e.text("touch") or "", e.text("touch")))),
            _row("Criteria", _texts_html(e.texts("criteria"))),
            _row("Accounts per CSM", text(per_csm) if per_csm is not None else ""),
            _row("Customers", f"{e.accounts:,}" if e.accounts is not None else ""),
            _row("Customers move on to", _refs(context, "segment", e.texts("moves_to"))),
        ]
    if e.kind == "stage":
        position = next((i for i, s in enumerate(h.stages) if s is e), None)
        return [
            _row(
                "In the journey", f"Stage {position + 1} of {len(h.stages)}" if position is not None else ""
            ),
            _row("Goal", text(e.text("goal"))),
            _row("Duration", text(e.text("duration"))),
        ]
    if e.kind == "milestone":
        return [
            _row("Stage", _refs(context, "stage", (e.text("stage") or "",))),
            _row("Due", text(e.text("due"))),
        ]
    if e.kind == "playbook":
        family = dict(PLAYBOOK_TYPES).get(e.text("type") or "", e.text("type") or "")
        return [
            _row("Family", text(family)),
            _row("Stages", _refs(context, "stage", e.texts("stages"))),
            _row("Outcome", text(e.text("outcome"))),
            _row("Systems", _texts_html(e.texts("systems"))),
        ]
    if e.kind == "handoff":
        return [
            _row("From", team_link(context, e.text("from"))),
            _row("To", team_link(context, e.text("to"))),
            _row("When", _handoff_when(context, e)),
            _row(SUMMARY_LABELS["sla"], text(e.text("sla"))),
        ]
    if e.kind == "metric":
        direction = DIRECTION.get(e.text("direction") or "", "")
        target = e.get("target")
        return [
            _row(SUMMARY_LABELS["definition"], text(e.text("definition"))),
            _row(
                SUMMARY_LABELS["formula"], tag("code", text(e.text("formula"))) if e.text("formula") else ""
            ),
            _row("Target", text(target) if target is not None else ""),
            _row(SUMMARY_LABELS["direction"], text(direction)),
        ]
    return []


def _handoff_when(context: Context, e: Entity) -> str:
    """When the handoff happens, as an event in words (the same words as the handoffs page)."""
    phrase = ""
    if e.text("milestone"):
        milestone = context.handbook.get("milestone", e.text("milestone") or "")
        stage = context.handbook.get("stage", milestone.text("stage") or "") if milestone else None
        phrase = HANDOFF_WHEN["milestone" if stage else "milestone-no-stage"].format(
            milestone=_refs(context, "milestone", (e.text("milestone") or "",)),
            stage=link(context.linker, stage),
        )
    elif e.text("from_stage") or e.text("to_stage"):
        phrase = HANDOFF_WHEN["stages"].format(
            before=_refs(context, "stage", (e.text("from_stage") or "",)),
            after=_refs(context, "stage", (e.text("to_stage") or "",)),
        )
    elif e.text("from_segment") or e.text("to_segment"):
        phrase = HANDOFF_WHEN["segments"].format(
            before=_refs(context, "segment", (e.text("from_segment") or "",)),
            after=_refs(context, "segment", (e.text("to_segment") or "",)),
        ) + (f": {text(e.text('when'))}" if e.text("when") else "")
    return phrase[:1].upper() + phrase[1:]


def _card(context: Context, e: Entity) -> str:
    rows = [_row("Type of page", KIND_LABELS[e.kind])]
    if e.kind != "team":
        rows.append(_row("Owner (accountable)", team_link(context, e.owner)))
    if e.segment_owners:
        by_segment = "<br>".join(
            f"{link(context.linker, context.handbook.get('segment', s), fallback=s)}: {team_link(context, t)}"
            for s, t in e.segment_owners.items()
        )
        rows.append(_row("Owner in a segment", by_segment))
    rows += [
        *_kind_rows(context, e),
        # Where a page applies; a segment, a team or the mission is not limited to segments.
        _row("Segments", _segments_html(context, e) if e.kind not in ("segment", "team", "mission") else ""),
    ]
    for role in ("responsible", "consulted", "informed"):
        rows.append(_row(role.capitalize(), ", ".join(team_link(context, t) for t in e.raci(role))))
        if role == "responsible":
            rows.append(
                _row(TEAM_PARTS["steps.owner"], ", ".join(team_link(context, t) for t in _step_runners(e)))
            )
    if e.status != "active":
        rows.append(_row("Status", text(e.status)))
    if e.texts("tags"):
        rows.append(_row("Topics", _texts_html(e.texts("tags"))))
    body = "\n".join(r for r in rows if r)
    return block(
        # Out of the search index: a preview shows the summary and the page's prose, not the card's labels.
        f'<div class="jsite-card jsite-card-{e.kind}" data-search-exclude>\n<dl class="jsite-fields">\n{body}\n</dl>\n</div>'
    )


def _badge(context: Context, e: Entity) -> str:
    item = context.review.get(e.file)
    if item is None:
        return ""
    owner = team_link(context, item.owner)
    if item.status == NEVER or item.reviewed is None or item.due is None:
        words = "Never reviewed"
    else:
        words = f"Reviewed {_date(item.reviewed)}" + (" (last change)" if item.source == "git" else "")
        if item.reviewed_by:
            words += f" by {text(item.reviewed_by)}"
        if item.status == OVERDUE:
            words += f" · review overdue since {_date(item.due)}"
        elif item.status == DUE_SOON:
            words += f" · review due {_date(item.due)}"
        else:
            words += f" · next review {_date(item.due)}"
    state = {OVERDUE: "overdue", DUE_SOON: "due soon", NEVER: "not reviewed"}.get(item.status, "verified")
    return listing(
        f'<p class="jsite-badge jsite-review-{text(item.status)}" title="{text(state)}">'
        f'<span class="jsite-badge-state">{text(state)}</span> {words}'
        f"{' · owner ' + owner if owner else ''}</p>"
    )


def _date(day: date) -> str:
    """A date as HTML that a narrow screen does not break at its hyphens."""
    return f'<time datetime="{day.isoformat()}">{day.isoformat()}</time>'


# ---- kind sections ------------------------------------------------------------------------------


def _section(title: str, content: str) -> str:
    return f"## {md(title)}\n{content}\n" if content.strip() else ""


def _criteria(values: tuple[str, ...]) -> str:
    return block(items([text(v) for v in values])) if values else ""


def _owner_note(context: Context, entity: Entity, segment: str | None = None) -> str:
    """The owner as a small label: in ``segment``'s journey, the team that owns it there (SPEC §7.1)."""
    owner_id = entity.owner_in(segment)
    owner = context.team(owner_id)
    return (
        f' <span class="jsite-owner">{link(context.linker, owner, fallback=owner_id or "")}</span>'
        if owner_id
        else ""
    )


def _entity_list(
    context: Context, entities: list[Entity], extra: Callable[[Entity], str] | None = None
) -> str:
    rows = []
    for e in entities:
        draft = ' <span class="jsite-tag-draft">draft</span>' if e.status == "draft" else ""
        summary = f' — <span class="jsite-summary">{text(e.summary)}</span>' if e.summary else ""
        mark = _celebrated_mark(e) if e.kind == "milestone" else ""
        rows.append(
            f"{link(context.linker, e)}{draft}{_owner_note(context, e)}{mark}{summary}{extra(e) if extra else ''}"
        )
    return listing(items(rows)) if rows else ""


def _step_runners(e: Entity) -> list[str]:
    """The teams that run steps of a playbook without being its owner or listed responsible (the RACI
    matrix's "R (steps)"), in the order of their first step."""
    return [t for t in dict.fromkeys(s.owner for s in e.steps) if t and STEPS in letters(e, t)]


def _metrics(context: Context, e: Entity) -> str:
    metrics = [context.handbook.get("metric", m) for m in e.texts("metrics")]
    return _entity_list(
        context,
        [m for m in metrics if m is not None],
        lambda m: (
            f' <span class="jsite-target">{text(SUMMARY_LABELS["target"])}: {text(m.get("target"))}</span>'
            if m.get("target") is not None
            else ""
        ),
    )


def _celebration(milestone: Entity) -> str:
    """How the milestone's success is celebrated, as a line that stands out ("" when it says nothing)."""
    how = milestone.text("celebrate")
    return f'<p class="jsite-celebration">{text(CELEBRATE)}: {text(how)}</p>' if how else ""


def _celebrated_mark(milestone: Entity) -> str:
    """The marker lists show beside a milestone that is celebrated, the celebration as its tooltip."""
    how = milestone.text("celebrate")
    return f' <span class="jsite-celebrated" title="{text(how)}">{text(CELEBRATED)}</span>' if how else ""


def _milestone_list(context: Context, milestones: list[Entity]) -> str:
    """A stage's milestones in order, each with its owner, due date, success criteria and celebration:
    the stage's moments of truth, listed once."""
    rows = []
    for m in milestones:
        due = f' <span class="jsite-due">{text(m.text("due"))}</span>' if m.text("due") else ""
        only = (
            f' <span class="jsite-segments">{STEP_ONLY.format(_refs(context, "segment", m.segments))}</span>'
            if m.segments
            else ""
        )
        summary = f'<p class="jsite-summary">{text(m.summary)}</p>' if m.summary else ""
        success = (
            f'<p class="jsite-success-label">{text(SUCCESS)}:</p>'
            + items([text(v) for v in m.texts("success")], css="jsite-list jsite-success")
            if m.texts("success")
            else ""
        )
        rows.append(
            f"<p>{link(context.linker, m)}{draft_badge(m)}{_owner_note(context, m)}{owner_varies(m, None)}{due}{only}</p>"
            f"{summary}{success}{_celebration(m)}"
        )
    if not rows:
        return ""
    return listing(
        '<ol class="jsite-list jsite-stage-milestones">\n'
        + "\n".join(f"<li>{r}</li>" for r in rows)
        + "\n</ol>"
    )


def _stage(context: Context, stage: Entity) -> str:
    rel = context.relations
    out = _section("Entry criteria", _criteria(stage.texts("entry")))
    out += _section("Exit criteria", _criteria(stage.texts("exit")))
    out += _section("Journey diagram", context.diagram("stage", stage))
    milestones = context.handbook.milestones_of(stage.id)
    out += _section("Milestones", _milestone_list(context, milestones))
    playbooks = rel.playbooks_of_stage(stage)
    families = ""
    for family, label in PLAYBOOK_TYPES:
        members = [p for p in playbooks if p.text("type") == family]
        families += f"### {md(label)}\n" + (
            _entity_list(context, members)
            or listing(f'<p class="jsite-empty">No {text(label.lower())} playbook runs in this stage.</p>')
        )
    out += _section(
        "Playbooks",
        families if playbooks else listing('<p class="jsite-empty">No playbook runs in this stage yet.</p>'),
    )
    inside = [h for m in milestones for h in rel.handoffs_after(m)]
    handoffs = ""
    for title, group in (
        ("Handoffs in", rel.handoffs_into(stage)),
        ("Handoffs inside", inside),
        ("Handoffs out", rel.handoffs_out_of(stage)),
    ):
        if group:
            handoffs += f"### {title}\n" + _handoff_list(context, group)
    out += _section("Handoffs", handoffs)
    out += _section("Metrics", _metrics(context, stage))
    return out


def _checklist(artifacts: list[str]) -> str:
    """What travels, as the checklist the sender works through (mkdocs-material's task-list look)."""
    checks = "".join(
        '<li class="task-list-item"><label class="task-list-control"><input type="checkbox" disabled>'
        f'<span class="task-list-indicator"></span></label> {text(a)}</li>'
        for a in artifacts
    )
    return f'<ul class="task-list jsite-checklist">{checks}</ul>'


def _fold(summary: str, content: str) -> str:
    """Details a list item keeps folded (``summary`` already escaped): the list stays short to scan, and
    nothing is lost."""
    return f'<details class="jsite-fold"><summary>{summary}</summary>{content}</details>'


def _handoff_list(context: Context, handoffs: list[Entity]) -> str:
    """Each handoff once: who hands to whom, when, and what travels as a folded checklist."""
    rows = []
    for h in handoffs:
        who = f"{team_link(context, h.text('from'))} → {team_link(context, h.text('to'))}"
        when = _handoff_when(context, h)
        artifacts = [a for a in h.texts("artifacts") if a.strip()]
        rows.append(
            f'{link(context.linker, h)}{draft_badge(h)} <span class="jsite-handoff-teams">{who}</span>'
            + (f'<br><span class="jsite-when">{when}</span>' if when else "")
            + (_fold(f"{text(TRAVELS)} ({len(artifacts)})", _checklist(artifacts)) if artifacts else "")
        )
    return listing(items(rows, css="jsite-list jsite-handoffs"))


def _milestone_lead(context: Context, m: Entity) -> str:
    """The moment of truth, first: what success looks like and how it is celebrated."""
    return _section(
        SUCCESS, _criteria(m.texts("success")) + (block(_celebration(m)) if _celebration(m) else "")
    )


def _milestone(context: Context, m: Entity) -> str:
    out = ""
    siblings = context.handbook.milestones_of(m.text("stage") or "")
    if m in siblings:
        index = siblings.index(m)
        around = []
        if index > 0:
            around.append(f"Before: {link(context.linker, siblings[index - 1])}")
        if index + 1 < len(siblings):
            around.append(f"Next: {link(context.linker, siblings[index + 1])}")
        out += _section("In its stage", listing(items(around)) if around else "")
    out += _section("Playbooks", _entity_list(context, context.relations.milestone_playbooks(m)))
    out += _section(
        "Handoffs after this milestone",
        _handoff_list(context, context.relations.handoffs_after(m))
        if context.relations.handoffs_after(m)
        else "",
    )
    return out


def _step_cells(context: Context, step: Step) -> dict[str, str]:
    """A step's details as HTML by column; a channel that says nothing ("other") is left out."""
    variant = (
        f' <span class="jsite-variant">{STEP_ONLY.format(_refs(context, "segment", step.segments))}</span>'
        if step.segments
        else ""
    )
    return {
        "do": f"{text(step.do)}{variant}",
        "owner": team_link(context, step.owner),
        "when": text(step.when),
        "channel": text(CHANNELS.get(step.channel or "", step.channel)),
        "systems": ", ".join(text(s) for s in step.systems),
        "effort": text(step.effort),
    }


def _steps_table(context: Context, steps: list[Step], who: bool = True) -> str:
    """The steps as a table (a column only where some step fills it), whose rows stack on a phone, each
    cell named by its column (``data-label``) so nothing needs a sideways scroll."""
    cells = [_step_cells(context, s) for s in steps]
    columns = [c for c in STEP_LABELS if (who or c != "owner") and any(row[c] for row in cells)]
    head = "<th>#</th><th>Step</th>" + "".join(f"<th>{text(STEP_LABELS[c])}</th>" for c in columns)
    body = "\n".join(
        f'<tr><td class="jsite-step-no">{step.number}</td><td class="jsite-step-do">{row["do"]}</td>'
        + "".join(f'<td data-label="{text(STEP_LABELS[c])}">{row[c]}</td>' for c in columns)
        + "</tr>"
        for step, row in zip(steps, cells, strict=True)
    )
    return (
        '<div class="jsite-scroll">\n<table class="jsite-table jsite-steps">\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n</div>"
    )


def _playbook_lead(context: Context, p: Entity) -> str:
    """How the playbook runs, first: what starts it, then its steps."""
    out = _section("Trigger", block(_trigger_section(context, p)) if p.triggers else "")
    # "Who" only where some step is another team's: a column repeating the owner says nothing new.
    who = any(step.owner != p.owner for step in p.steps)
    return out + _section("Steps", block(_steps_table(context, list(p.steps), who=who)) if p.steps else "")


def _playbook(context: Context, p: Entity) -> str:
    related = [context.handbook.get("milestone", m) for m in p.texts("milestones")]
    triggered_by = [context.handbook.get("milestone", t.value) for t in p.triggers if t.kind == "milestone"]
    related[:0] = triggered_by
    unique = list({e.key: e for e in related if e is not None}.values())
    out = _section("Related milestones", _entity_list(context, unique))
    out += _section("Metrics", _metrics(context, p))
    return out


def _team_parts(context: Context, team: Entity) -> dict[str, list[str]]:
    """The team's parts in each stage, milestone and playbook (by key), in words, strongest first."""
    parts: dict[str, list[str]] = {}
    for role, words in TEAM_PARTS.items():
        for source in context.relations.to(team, role):
            if words not in parts.setdefault(source.key, []):
                parts[source.key].append(words)
    return parts


def _pills(words: list[str]) -> str:
    return "".join(f' <span class="jsite-role">{text(w)}</span>' for w in words)


def _team_moments(context: Context, parts: dict[str, list[str]]) -> str:
    """The stages and milestones the team has a part in, in journey order, milestones inside their stage."""
    h = context.handbook
    rows = []
    for stage in h.stages:
        inner = [
            f"{link(context.linker, m)}{_pills(parts[m.key])}{_celebrated_mark(m)}"
            for m in h.milestones_of(stage.id)
            if m.key in parts and m.active
        ]
        own = parts.get(stage.key) if stage.active else None
        if own or inner:
            rows.append(
                f"{link(context.linker, stage)}{_pills(own or [])}" + ("\n" + items(inner) if inner else "")
            )
    if not rows:
        return ""
    return listing('<ol class="jsite-journey">\n' + "\n".join(f"<li>{r}</li>" for r in rows) + "\n</ol>")


def _team_playbooks(context: Context, team: Entity, parts: dict[str, list[str]]) -> str:
    """Each playbook the team takes part in, once, by family and first stage: its part, the stages it runs
    in, and the steps the team runs folded beneath it."""
    h = context.handbook
    rank = {s.id: i for i, s in enumerate(h.stages)}

    def first_stage(p: Entity) -> int:
        return min((rank[s] for s in p.texts("stages") if s in rank), default=len(rank))

    mine = [p for p in h.of_kind("playbook") if p.active and p.key in parts]
    out = ""
    for family, label in PLAYBOOK_TYPES:
        members = sorted(
            (p for p in mine if p.text("type") == family), key=lambda p: (first_stage(p), p.title)
        )
        rows = []
        for p in members:
            steps = [s for s in p.steps if s.owner == team.id]
            stages = [s for s in p.texts("stages") if s in rank]
            where = (
                f' <span class="jsite-stages">in {_refs(context, "stage", tuple(stages))}</span>'
                if stages
                else ""
            )
            count = f"{len(steps)} step{'' if len(steps) == 1 else 's'} {text(team.title)} runs"
            rows.append(
                f"{link(context.linker, p)}{draft_badge(p)}{_pills(parts[p.key])}{where}"
                + (_fold(count, _steps_table(context, steps, who=False)) if steps else "")
            )
        if rows:
            out += f"### {md(label)}\n" + listing(items(rows, css="jsite-list jsite-team-playbooks"))
    return out


def _team(context: Context, team: Entity) -> str:
    h, rel = context.handbook, context.relations
    out = _section("Journey diagram", context.diagram("team", team))
    parts = _team_parts(context, team)
    out += _section("Moments in the journey", _team_moments(context, parts))
    out += _section("Playbooks it takes part in", _team_playbooks(context, team, parts))
    gives = rel.to(team, "from", kind="handoff")
    receives = rel.to(team, "to", kind="handoff")
    out += _section("Handoffs it gives", _handoff_list(context, gives) if gives else "")
    out += _section("Handoffs it receives", _handoff_list(context, receives) if receives else "")
    reviews = sorted(
        (i for i in context.review.values() if i.owner == team.id),
        key=lambda i: (i.due is None, i.due or context.today),
    )
    due = [i for i in reviews if i.status != OK]
    review_rows = [
        [
            link(context.linker, h.entity_of(i.file), fallback=i.title),
            text(i.reviewed.isoformat() if i.reviewed else "never"),
            text(i.due.isoformat() if i.due else "now"),
            f'<span class="jsite-review-{text(i.status)}">{text(STATUS_LABELS[i.status])}</span>',
        ]
        for i in due
    ]
    # Pages up to date are counted, not listed: a team may own hundreds of pages.
    current = len(reviews) - len(due)
    review_page = context.linker.href("page:review")
    note = (
        f'<p class="jsite-muted">{current} more page{"" if current == 1 else "s"} up to date'
        + (f' — see <a href="{text(review_page)}">review status</a>' if review_page else "")
        + ".</p>"
        if current
        else ""
    )
    out += _section(
        "Pages it must review",
        (table(["Page", "Reviewed", "Due", "Status"], review_rows, indexed=False) if review_rows else "")
        + (listing(note) if note else ""),
    )
    return out


def _thresholds(segment: Entity) -> str:
    """A segment's thresholds as a table of measure and range in words (SPEC §7.6)."""
    rows = [[text(t.measure), text(t.words())] for t in segment.thresholds]
    if not rows:
        return ""
    note = "Each range includes its lower number and stops just below its upper one."
    return table(["Measure", "Range"], rows, css="jsite-table jsite-thresholds") + block(
        f'<p class="jsite-muted">{note}</p>'
    )


def _segment(context: Context, segment: Entity) -> str:
    journey = next((j for j in context.handbook.journeys if j.segment is segment), None)
    out = _section("Thresholds", _thresholds(segment))
    out += _section("Journey diagram", context.diagram("segment", segment))
    if journey is not None:
        steps = []
        for step in journey.stages:
            inner = items(
                [
                    link(context.linker, m) + _owner_note(context, m, segment.id) + _celebrated_mark(m)
                    for m in step.milestones
                ]
            )
            owner = _owner_note(context, step.stage, segment.id)
            steps.append(f"{link(context.linker, step.stage)}{owner}\n{inner}")
        out += _section(
            "Its journey",
            listing('<ol class="jsite-journey">\n' + "\n".join(f"<li>{s}</li>" for s in steps) + "\n</ol>")
            if steps
            else "",
        )
    applying = [p for p in context.handbook.of_kind("playbook") if p.active and p.applies_to(segment.id)]
    families = ""
    for family, label in PLAYBOOK_TYPES:
        members = [p for p in applying if p.text("type") == family]
        if members:
            # Names only: a segment may have thousands of playbooks, each summarised on its own page.
            names = ", ".join(
                link(context.linker, p) + (" (draft)" if p.status == "draft" else "") for p in members
            )
            families += f"### {md(label)}\n" + listing(f'<p class="jsite-names">{names}</p>')
    out += _section("Playbooks for this segment", families)
    return out


def _metric(context: Context, metric: Entity) -> str:
    return _section("Where it is used", _entity_list(context, context.relations.metric_users(metric)))


def _handoff_lead(context: Context, handoff: Entity) -> str:
    """What travels, first: the checklist the sender works through before the handoff."""
    artifacts = [a for a in handoff.texts("artifacts") if a.strip()]
    return _section(TRAVELS, block(_checklist(artifacts))) if artifacts else ""


def _mission(context: Context, mission: Entity) -> str:
    out = _section("Values", _criteria(mission.texts("values")))
    overview = context.linker.href("page:overview")
    if overview:
        out += listing(f'<p><a href="{text(overview)}">See the whole journey →</a></p>')
    return out


# What a reader of each kind comes for, put before the body's first heading.
LEADS: dict[str, Callable[[Context, Entity], str]] = {
    "playbook": _playbook_lead,
    "milestone": _milestone_lead,
    "handoff": _handoff_lead,
}
SECTIONS: dict[str, Callable[[Context, Entity], str]] = {
    "stage": _stage,
    "milestone": _milestone,
    "playbook": _playbook,
    "team": _team,
    "segment": _segment,
    "metric": _metric,
    "mission": _mission,
}


def _keys(*groups: list[Entity]) -> set[str]:
    return {e.key for group in groups for e in group}


def _shown_above(context: Context, entity: Entity) -> set[str]:
    """The entities the card and the sections above already link to, so "Referenced by" does not list
    them again: every page this one names (the card and the kind sections show each), and what each
    kind's sections list of the pages that name it."""
    h, rel = context.handbook, context.relations
    shown = {f"{kind}:{target}" for path, kind, target in entity.references() if path[:1] != ("accept",)}
    if entity.kind == "stage":
        milestones = h.milestones_of(entity.id)
        inside = [x for m in milestones for x in rel.handoffs_after(m)]
        shown |= _keys(milestones, rel.playbooks_of_stage(entity), rel.handoffs_into(entity), inside)
        shown |= _keys(rel.handoffs_out_of(entity))
    elif entity.kind == "milestone":
        siblings = h.milestones_of(entity.text("stage") or "")
        at = siblings.index(entity) if entity in siblings else -1
        around = siblings[max(at - 1, 0) : at + 2] if at >= 0 else []  # "In its stage": before and next
        shown |= _keys(around, rel.milestone_playbooks(entity), rel.handoffs_after(entity))
    elif entity.kind == "metric":
        shown |= _keys(rel.metric_users(entity))
    elif entity.kind == "team":
        parts = [e for role in TEAM_PARTS for e in rel.to(entity, role, active=True)]
        shown |= _keys([e for e in parts if e.kind in ("stage", "milestone", "playbook")])
        shown |= _keys(rel.to(entity, "from", "to", kind="handoff"))
    elif entity.kind == "segment":
        journey = next((j for j in h.journeys if j.segment is entity), None)
        steps = journey.stages if journey is not None else []
        shown |= _keys([s.stage for s in steps], [m for s in steps for m in s.milestones])
        shown |= _keys([p for p in h.of_kind("playbook") if p.active and p.applies_to(entity.id)])
    return shown


def _backlink_words(entity: Entity, role: str) -> str:
    if entity.kind == "segment" and role in BACKLINKS_TO_SEGMENT:
        return BACKLINKS_TO_SEGMENT[role]
    return BACKLINKS.get(role, role.replace("_", " ").replace(".", " "))


def _kind_after(referrer: Entity) -> str:
    """The kind of page after its name ("Marketing team"), unless the name already says it ("Our
    Customer Success Mission", not "… Mission mission")."""
    kind = KIND_LABELS[referrer.kind].lower()
    if referrer.title.lower().endswith(kind):
        return ""
    return f' <span class="jsite-kind">{text(kind)}</span>'


def _referenced_by(context: Context, entity: Entity) -> str:
    """The other pages that name this one, each once with how it relates in words; a page the sections
    above list already is left out, whatever else it says about this one."""
    shown_above = _shown_above(context, entity)
    grouped: dict[Entity, list[str]] = {}
    for backlink in context.relations.referenced_by(entity):
        if backlink.source is entity or backlink.source.key in shown_above:
            continue
        roles = grouped.setdefault(backlink.source, [])
        words = _backlink_words(entity, backlink.role)
        if words not in roles:
            roles.append(words)
    if not grouped:
        return ""
    rows = [
        f'{link(context.linker, referrer)}{_kind_after(referrer)} <span class="jsite-how">{text("; ".join(roles))}</span>'
        for referrer, roles in grouped.items()
    ]
    return _section("Referenced by", listing(items(rows, css="jsite-list jsite-backlinks")))
