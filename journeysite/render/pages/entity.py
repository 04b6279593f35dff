"""Entity pages: the authored body framed by a header card, a review badge, kind sections and backlinks."""

from __future__ import annotations

import re
from collections.abc import Callable

from journeysite.core.analysis.review import DUE_SOON, NEVER, OK, OVERDUE, STATUS_LABELS
from journeysite.core.model import Entity
from journeysite.render.markup import block, items, link, listing, md, table, tag, text
from journeysite.render.pages import Context
from journeysite.render.pages.parts import team_link
from journeysite.render.pages.raci import STEPS, letters
from journeysite.render.pages.words import CARD, TOUCH, TRIGGER_WORDS
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
ROLE_LABELS = {
    "owner": "owner",
    "raci.responsible": "responsible",
    "raci.consulted": "consulted",
    "raci.informed": "informed",
    "steps.owner": "step owner",
    "steps.segments": "step segment",
    "body": "mentioned",
    "trigger.milestone": "trigger",
    "from": "from",
    "to": "to",
    "from_stage": "from stage",
    "to_stage": "to stage",
}
_H1 = re.compile(r"\A(\s*#[^#\n][^\n]*\n|\s*[^\n]+\n=+[ \t]*\n)")


def render(context: Context, entity: Entity, body: str) -> str:
    """The page's Markdown: banner, card and badge after its H1, the body, then generated sections."""
    top = _banner(entity) + _summary(entity) + _card(context, entity) + _badge(context, entity)
    match = _H1.match(body)
    head, rest = (body[: match.end()], body[match.end() :]) if match else ("", body)
    sections = SECTIONS.get(entity.kind, lambda c, e: "")(context, entity)
    return f"{head}\n{top}\n{rest}\n\n{sections}{_referenced_by(context, entity)}"


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
            _row("Touch model", text(TOUCH.get(e.text("touch") or "", e.text("touch")))),
            _row("Criteria", _texts_html(e.texts("criteria"))),
            _row("Accounts per CSM", text(per_csm) if per_csm is not None else ""),
            _row("Customers", f"{e.accounts:,}" if e.accounts is not None else ""),
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
            _row("Celebrate", text(e.text("celebrate"))),
        ]
    if e.kind == "playbook":
        family = dict(PLAYBOOK_TYPES).get(e.text("type") or "", e.text("type") or "")
        return [
            _row("Family", text(family)),
            _row("Stages", _refs(context, "stage", e.texts("stages"))),
            _row("Trigger" if len(e.triggers) <= 1 else "Triggers", "<br>".join(_triggers_html(context, e))),
            _row("Outcome", text(e.text("outcome"))),
            _row("Systems", _texts_html(e.texts("systems"))),
        ]
    if e.kind == "handoff":
        return [
            _row("From", team_link(context, e.text("from"))),
            _row("To", team_link(context, e.text("to"))),
            _row("When", _handoff_when(context, e)),
            _row("SLA", text(e.text("sla"))),
        ]
    if e.kind == "metric":
        direction = {"up": "higher is better", "down": "lower is better"}.get(e.text("direction") or "", "")
        target = e.get("target")
        return [
            _row("Definition", text(e.text("definition"))),
            _row("Formula", tag("code", text(e.text("formula"))) if e.text("formula") else ""),
            _row("Target", text(target) if target is not None else ""),
            _row("Direction", text(direction)),
        ]
    return []


def _handoff_when(context: Context, e: Entity) -> str:
    if e.text("milestone"):
        return "after " + _refs(context, "milestone", (e.text("milestone") or "",))
    if e.text("from_stage") or e.text("to_stage"):
        return (
            _refs(context, "stage", (e.text("from_stage") or "",))
            + " → "
            + _refs(context, "stage", (e.text("to_stage") or "",))
        )
    if e.text("from_segment") or e.text("to_segment"):
        when = f" (when {text(e.text('when'))})" if e.text("when") else ""
        return (
            _refs(context, "segment", (e.text("from_segment") or "",))
            + " → "
            + _refs(context, "segment", (e.text("to_segment") or "",))
            + when
        )
    return ""


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
    if e.status != "active":
        rows.append(_row("Status", text(e.status)))
    if e.texts("tags"):
        rows.append(_row("Tags", _texts_html(e.texts("tags"))))
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
        words = f"Reviewed {item.reviewed.isoformat()}" + (" (last commit)" if item.source == "git" else "")
        if item.status == OVERDUE:
            words += f" · review overdue since {item.due.isoformat()}"
        elif item.status == DUE_SOON:
            words += f" · review due {item.due.isoformat()}"
        else:
            words += f" · next review {item.due.isoformat()}"
    state = {OVERDUE: "overdue", DUE_SOON: "due soon", NEVER: "not reviewed"}.get(item.status, "verified")
    return listing(
        f'<p class="jsite-badge jsite-review-{text(item.status)}" title="{text(state)}">'
        f'<span class="jsite-badge-state">{text(state)}</span> {text(words)}'
        f"{' · owner ' + owner if owner else ''}</p>"
    )


# ---- kind sections ------------------------------------------------------------------------------


def _section(title: str, content: str) -> str:
    return f"## {md(title)}\n{content}\n" if content.strip() else ""


def _criteria(values: tuple[str, ...]) -> str:
    return block(items([text(v) for v in values])) if values else ""


def _owner_note(context: Context, entity: Entity) -> str:
    owner = context.team(entity.owner)
    return (
        f' <span class="jsite-owner">{link(context.linker, owner, fallback=entity.owner or "")}</span>'
        if entity.owner
        else ""
    )


def _entity_list(
    context: Context, entities: list[Entity], extra: Callable[[Entity], str] | None = None
) -> str:
    rows = []
    for e in entities:
        draft = ' <span class="jsite-tag-draft">draft</span>' if e.status == "draft" else ""
        summary = f' — <span class="jsite-summary">{text(e.summary)}</span>' if e.summary else ""
        rows.append(
            f"{link(context.linker, e)}{draft}{_owner_note(context, e)}{summary}{extra(e) if extra else ''}"
        )
    return listing(items(rows)) if rows else ""


def _raci_table(context: Context, e: Entity) -> str:
    rows = [["A (accountable)", team_link(context, e.owner)]] if e.owner else []
    # A team that runs steps counts as Responsible, as in the RACI matrix (the owner's own steps aside).
    by_steps = [t for t in dict.fromkeys(s.owner for s in e.steps) if t and STEPS in letters(e, t)]
    for letter, role in (("R", "responsible"), ("C", "consulted"), ("I", "informed")):
        if e.raci(role):
            rows.append([f"{letter} ({role})", ", ".join(team_link(context, t) for t in e.raci(role))])
        if letter == "R" and by_steps:
            rows.append([STEPS, ", ".join(team_link(context, t) for t in by_steps)])
    return table(["Role", "Teams"], rows, css="jsite-table jsite-raci", indexed=False) if rows else ""


def _metrics(context: Context, e: Entity) -> str:
    metrics = [context.handbook.get("metric", m) for m in e.texts("metrics")]
    return _entity_list(
        context,
        [m for m in metrics if m is not None],
        lambda m: (
            f' <span class="jsite-target">target: {text(m.get("target"))}</span>'
            if m.get("target") is not None
            else ""
        ),
    )


def _stage(context: Context, stage: Entity) -> str:
    rel = context.relations
    out = _section("Entry criteria", _criteria(stage.texts("entry")))
    out += _section("Exit criteria", _criteria(stage.texts("exit")))
    out += _section("Journey diagram", context.diagram("stage", stage))

    def milestone_extra(m: Entity) -> str:
        due = f' <span class="jsite-due">{text(m.text("due"))}</span>' if m.text("due") else ""
        only = (
            f' <span class="jsite-segments">{_refs(context, "segment", m.segments)} only</span>'
            if m.segments
            else ""
        )
        return due + only

    milestones = context.handbook.milestones_of(stage.id)
    out += _section("Milestones", _ordered(context, milestones, milestone_extra))
    playbooks = rel.playbooks_of_stage(stage)
    families = ""
    for family, label in PLAYBOOK_TYPES:
        members = [p for p in playbooks if p.text("type") == family]
        families += f"### {md(label)}\n" + (
            _entity_list(context, members)
            or listing('<p class="jsite-empty">No playbook of this family in this stage.</p>')
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
    out += _section("RACI", _raci_table(context, stage))
    out += _section("Metrics", _metrics(context, stage))
    return out


def _ordered(context: Context, entities: list[Entity], extra: Callable[[Entity], str]) -> str:
    rows = [f"{link(context.linker, e)}{_owner_note(context, e)}{extra(e)}" for e in entities]
    if not rows:
        return ""
    return listing('<ol class="jsite-list">\n' + "\n".join(f"<li>{r}</li>" for r in rows) + "\n</ol>")


def _handoff_list(context: Context, handoffs: list[Entity]) -> str:
    rows = []
    for h in handoffs:
        who = f"{team_link(context, h.text('from'))} → {team_link(context, h.text('to'))}"
        artifacts = ", ".join(text(a) for a in h.texts("artifacts"))
        rows.append(
            f'{link(context.linker, h)} <span class="jsite-handoff-teams">{who}</span>'
            + (f' <span class="jsite-artifacts">carries: {artifacts}</span>' if artifacts else "")
        )
    return listing(items(rows))


def _milestone(context: Context, m: Entity) -> str:
    out = _section("Success looks like", _criteria(m.texts("success")))
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
    out += _section("RACI", _raci_table(context, m))
    return out


def _playbook(context: Context, p: Entity) -> str:
    out = _section(
        "Trigger",
        block(_trigger_section(context, p)) if p.triggers else "",
    )
    rows = []
    efforts = any(step.effort for step in p.steps)  # the column only where some step estimates its time
    for step in p.steps:
        variant = (
            f'<span class="jsite-variant">{_refs(context, "segment", step.segments)} only</span>'
            if step.segments
            else ""
        )
        rows.append(
            [
                str(step.number),
                f"{text(step.do)} {variant}".strip(),
                team_link(context, step.owner),
                text(step.when),
                text(step.channel),
                ", ".join(text(s) for s in step.systems),
                *([text(step.effort)] if efforts else []),
            ]
        )
    out += _section(
        "Steps",
        table(
            ["#", "Do", "Owner", "When", "Channel", "Systems", *(["Effort"] if efforts else [])],
            rows,
            css="jsite-table jsite-steps",
        )
        if rows
        else "",
    )
    out += _section("RACI", _raci_table(context, p))
    related = [context.handbook.get("milestone", m) for m in p.texts("milestones")]
    triggered_by = [context.handbook.get("milestone", t.value) for t in p.triggers if t.kind == "milestone"]
    related[:0] = triggered_by
    unique = list({e.key: e for e in related if e is not None}.values())
    out += _section("Related milestones", _entity_list(context, unique))
    out += _section("Metrics", _metrics(context, p))
    return out


def _team(context: Context, team: Entity) -> str:
    h, rel = context.handbook, context.relations
    out = _section("Journey diagram", context.diagram("team", team))
    roles = (
        ("owner", "A"),
        ("segment_owners", "A (some segments)"),
        ("raci.responsible", "R"),
        ("raci.consulted", "C"),
        ("raci.informed", "I"),
        ("steps.owner", "runs steps"),
    )
    involvement: dict[str, list[str]] = {}
    for role, letter in roles:
        for source in rel.to(team, role):
            involvement.setdefault(source.key, []).append(letter)
    moments = ""
    for stage in h.stages:
        members = [stage, *h.milestones_of(stage.id), *rel.playbooks_of_stage(stage)]
        rows = [
            f'<span class="jsite-role">{text("/".join(involvement[e.key]))}</span> {link(context.linker, e)}'
            f' <span class="jsite-kind">{text(KIND_LABELS[e.kind].lower())}</span>'
            for e in members
            if e.key in involvement and e.active
        ]
        if rows:
            moments += f"### {md(stage.title)}\n" + listing(items(rows))
    out += _section("Moments in the journey", moments)
    steps_html = []
    for playbook in h.of_kind("playbook"):
        mine = [step for step in playbook.steps if step.owner == team.id]
        if mine and playbook.active:
            steps_html.append(f"{link(context.linker, playbook)}: " + "; ".join(text(s.do) for s in mine))
    out += _section("Playbook steps it runs", listing(items(steps_html)) if steps_html else "")
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
            inner = items([link(context.linker, m) + _owner_note(context, m) for m in step.milestones])
            steps.append(f"{link(context.linker, step.stage)}{_owner_note(context, step.stage)}\n{inner}")
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


def _handoff(context: Context, handoff: Entity) -> str:
    """What travels, as the checklist the sender works through (mkdocs-material's task-list look)."""
    artifacts = [a for a in handoff.texts("artifacts") if a.strip()]
    if not artifacts:
        return ""
    checks = "".join(
        '<li class="task-list-item"><label class="task-list-control"><input type="checkbox" disabled>'
        f'<span class="task-list-indicator"></span></label> {text(a)}</li>'
        for a in artifacts
    )
    return _section("What travels", block(f'<ul class="task-list jsite-checklist">{checks}</ul>'))


def _mission(context: Context, mission: Entity) -> str:
    out = _section("Values", _criteria(mission.texts("values")))
    overview = context.linker.href("page:overview")
    if overview:
        out += listing(f'<p><a href="{text(overview)}">See the whole journey →</a></p>')
    return out


SECTIONS: dict[str, Callable[[Context, Entity], str]] = {
    "stage": _stage,
    "milestone": _milestone,
    "playbook": _playbook,
    "team": _team,
    "segment": _segment,
    "metric": _metric,
    "handoff": _handoff,
    "mission": _mission,
}


def _listed_above(entity: Entity, backlink) -> bool:
    """Whether a team's or segment's own sections already list this reference (not repeated below)."""
    source, role = backlink.source, backlink.role
    if not source.active:  # the sections above list active entities only
        return False
    if entity.kind == "team":
        in_moments = source.kind in ("stage", "milestone", "playbook") and (
            role == "owner" or role.startswith("raci.") or role == "steps.owner"
        )
        return in_moments or (source.kind == "handoff" and role in ("from", "to"))
    if entity.kind == "segment":
        return role in ("segments", "steps.segments") and source.kind in ("stage", "milestone", "playbook")
    return False


def _referenced_by(context: Context, entity: Entity) -> str:
    grouped: dict[Entity, list[str]] = {}
    for backlink in context.relations.referenced_by(entity):
        source = backlink.source
        if source is entity or _listed_above(entity, backlink):
            continue
        roles = grouped.setdefault(source, [])
        role = ROLE_LABELS.get(backlink.role, backlink.role.replace("_", " "))
        if role not in roles:
            roles.append(role)
    if not grouped:
        return ""
    rows = [
        f'{link(context.linker, referrer)} <span class="jsite-kind">{text(KIND_LABELS[referrer.kind].lower())}'
        f'</span> <span class="jsite-role">{text(", ".join(roles))}</span>'
        for referrer, roles in grouped.items()
    ]
    return _section("Referenced by", listing(items(rows, css="jsite-list jsite-backlinks")))
