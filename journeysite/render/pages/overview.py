"""The journey overview: the mission, the journey diagram, stage cards, each segment's journey, and the gaps."""

from __future__ import annotations

from collections import Counter

from journeysite.core.analysis.gaps import moves, segment_handoffs
from journeysite.core.analysis.journeys import Journey
from journeysite.core.model import Entity, Threshold
from journeysite.core.settings import GAP_CODES
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages.gaps_report import GAP_LABELS, gap_findings
from journeysite.render.pages.parts import (
    admonition,
    draft_badge,
    draft_note,
    md_link,
    owner_varies,
    page_link,
    tabs,
    team_link,
)
from journeysite.render.pages.words import SUMMARIES_LEAD, SUMMARY_PAGES, TOUCH

TABS_SEGMENTS = 91  # see grid.TABS_GRID


def render(context: Context) -> str:
    handbook = context.handbook
    segmented = [j for j in handbook.journeys if j.segment is not None]
    by_segment = " how the journey differs by segment," if segmented else ""
    parts = [
        "The whole customer journey on one page: why Customer Success exists, the stages a customer "
        f"goes through and who owns each,{by_segment} and where the journey still has gaps.",
        "",
        _summaries(context),
    ]
    if handbook.mission is not None and handbook.mission.active:
        parts.append(_mission(context, handbook.mission))
    parts.append(_journey(context))
    if segmented:
        parts.append(_at_a_glance(context, [j.segment for j in segmented if j.segment is not None]))
        parts.append(_segments(context, segmented))
        parts.append(_moves(context))
    elif handbook.journeys and handbook.journeys[0].stages:
        parts.append("## The journey, step by step\n")
        parts.append(markup.listing(_journey_list(context, handbook.journeys[0])))
    parts.append(_gaps(context))
    parts.append(_more(context))
    return "\n".join(parts)


def _moves(context: Context) -> str:
    """How customers move between segments (SPEC §7.2): the diagram, and each move with its handoff."""
    found = moves(context.handbook)
    if not found:
        return ""
    rows = []
    for before, after in found:
        handoffs = segment_handoffs(context.handbook, before, after)
        if handoffs:
            how = "; ".join(
                markup.link(context.linker, h)
                + (
                    f' <span class="jsite-when">(when: {markup.text(h.text("when"))})</span>'
                    if h.text("when")
                    else ""
                )
                for h in handoffs
            )
        elif before.owner == after.owner:
            how = f'<span class="jsite-muted">{team_link(context, before.owner)} keeps the customer: no handoff needed</span>'
        else:
            how = '<span class="jsite-muted">no handoff yet</span>'
        rows.append(f"{markup.link(context.linker, before)} → {markup.link(context.linker, after)}: {how}")
    return "\n".join(
        [
            "## Moving between segments",
            "",
            "Customers do not stay in one segment: when they grow (or shrink) they move, and the team that "
            "looks after them changes.",
            "",
            context.diagram("moves", None),
            markup.listing(markup.items(rows, "jsite-moves")),
            "",
        ]
    )


def _mission(context: Context, mission: Entity) -> str:
    lines = ["## Mission", ""]
    statement = mission.text("statement")
    if statement:
        lines += [f"> {markup.md(statement)}", ""]
    values = mission.texts("values")
    if values:
        lines += ["What we value:", ""]
        lines += [f"- {markup.md(v)}" for v in values]
        lines.append("")
    lines += [
        f"Read more: {md_link(context, mission, mission.title) or markup.md(mission.title)}"
        f"{draft_note(mission)}",
        "",
    ]
    return "\n".join(lines)


def _journey(context: Context) -> str:
    handbook = context.handbook
    stages = [s for s in handbook.stages if s.active]
    lines = ["## The journey", ""]
    diagram = context.diagram("journey", None)
    if diagram:
        lines.append(markup.listing(diagram))  # the diagram comes with its own figure
    if not stages:
        lines.append(
            markup.block(
                admonition(
                    "note",
                    "No stages yet",
                    "Add a page with <code>kind: stage</code>, a <code>title</code>, an <code>owner</code> and an "
                    "<code>order</code> for each step of the journey.",
                )
            )
        )
        return "\n".join(lines)
    lines += [
        f"The journey has {len(stages)} stage{'s' if len(stages) != 1 else ''}, each led by one team.",
        "",
    ]
    cards = "\n".join(_stage_card(context, i, stage) for i, stage in enumerate(stages, 1))
    lines.append(markup.listing(f'<div class="grid cards jsite-stage-cards">\n<ul>\n{cards}\n</ul>\n</div>'))
    retired = [s for s in handbook.stages if not s.active]
    if retired:
        names = markup.links(context.linker, retired)
        lines.append(
            markup.block(f'<p class="jsite-retired-note">Retired stages, kept for reference: {names}.</p>')
        )
    return "\n".join(lines)


def _stage_card(context: Context, number: int, stage: Entity) -> str:
    milestones = [m for m in context.handbook.milestones_of(stage.id) if m.active]
    goal = stage.text("goal") or stage.summary
    meta = [
        f'<span class="jsite-owner">Owner: {team_link(context, stage.owner)}</span>{owner_varies(stage, None)}'
    ]
    if stage.text("duration"):
        meta.append(f'<span class="jsite-duration">Duration: {markup.text(stage.text("duration"))}</span>')
    count = len(milestones)
    meta.append(f'<span class="jsite-count">{count} milestone{"s" if count != 1 else ""}</span>')
    if stage.segments is not None:
        meta.append(
            f'<span class="jsite-segments">Only for: {_segment_names(context, stage.segments)}</span>'
        )
    return (
        f'<li class="jsite-stage-card">'
        f'<p class="jsite-card-title"><span class="jsite-step">{number}</span> '
        f"<strong>{markup.link(context.linker, stage)}</strong>{draft_badge(stage)}</p>"
        f"<hr>"
        + (f'<p class="jsite-goal">{markup.text(goal)}</p>' if goal else "")
        + f'<p class="jsite-card-meta">{"<br>".join(meta)}</p></li>'
    )


def _segment_names(context: Context, segment_ids: tuple[str, ...]) -> str:
    return (
        ", ".join(
            markup.link(context.linker, context.handbook.get("segment", s), fallback=s) for s in segment_ids
        )
        or "no segment"
    )


def _segments(context: Context, journeys: list[Journey]) -> str:
    panels = []
    for journey in journeys:
        segment = journey.segment
        assert segment is not None
        facts = [markup.link(context.linker, segment) + draft_badge(segment)]
        touch = segment.text("touch")
        if touch:
            facts.append(markup.text(TOUCH.get(touch, touch)))
        per_csm = segment.accounts_per_csm
        if per_csm is not None:
            facts.append(f"{per_csm} accounts per CSM")
        content = [f'<p class="jsite-segment-facts">{" · ".join(facts)}</p>']
        if segment.summary:
            content.append(f"<p>{markup.text(segment.summary)}</p>")
        if context.diagrams and ("segment", segment.id) in context.diagrams.diagrams:
            # One diagram on this page (the whole journey above); each segment's is on its own page.
            content.append(
                f"<p>Its journey diagram is on the page {markup.link(context.linker, segment)}.</p>"
            )
        content.append(_journey_list(context, journey))
        panels.append((markup.text(journey.label), "\n".join(content)))
    return "\n".join(
        [
            "## Segments",
            "",
            "Each segment goes through the stages that apply to it, with its own milestones. "
            "Choose a segment to see its journey.",
            "",
            markup.listing(tabs(TABS_SEGMENTS, panels, "jsite-segment-tabs")),
        ]
    )


def _at_a_glance(context: Context, segments: list[Entity]) -> str:
    """One row per segment: its range on each measure any segment names (SPEC §7.6), its touch model and
    accounts per CSM."""
    columns: dict[tuple[str, str], Threshold] = {}  # measure and unit as compared -> the first written
    for segment in segments:
        for threshold in segment.thresholds:
            columns.setdefault(threshold.compared_as, threshold)
    names = Counter(key[0] for key in columns)
    headings = [
        f"{t.measure} ({t.unit or 'no unit'})" if names[key[0]] > 1 else t.measure
        for key, t in columns.items()
    ]
    dash = '<span class="jsite-muted">—</span>'
    rows = []
    for segment in segments:
        ranges = [
            "; ".join(markup.text(t.words()) for t in segment.thresholds if t.compared_as == key) or dash
            for key in columns
        ]
        touch = segment.text("touch")
        per_csm = segment.accounts_per_csm
        rows.append(
            [
                markup.link(context.linker, segment) + draft_badge(segment),
                *ranges,
                markup.text(TOUCH.get(touch, touch)) if touch else dash,
                markup.text(per_csm) if per_csm is not None else dash,
            ]
        )
    headers = ["Segment", *(markup.text(h) for h in headings), "Touch", "Accounts per CSM"]
    table = markup.table(headers, rows, css="jsite-table jsite-segments-glance", indexed=False)
    note = " Each range includes its lower number and stops just below its upper one." if columns else ""
    return "\n".join(
        ["## Segments at a glance", "", f"Who is in each segment and how it is served.{note}", "", table]
    )


def _journey_list(context: Context, journey: Journey) -> str:
    """One journey as an ordered list: stages with their owner, milestones inside, handoffs between.

    A change of owner with no handoff is flagged where it happens, as the gap analysis finds it.
    """
    if not journey.stages:
        return '<p class="jsite-empty">No stage applies to this segment yet.</p>'
    handoffs = [h for h in context.handbook.of_kind("handoff") if h.active]
    flagged = context.gap_entities
    missing = {t.before.key for t in journey.transitions if t.missing_handoff} & flagged
    applying = [h for h in handoffs if h.applies_to(journey.segment_id)]
    # (each milestone's handoffs, each stage change's: looked up, not searched for, per milestone)
    after_milestone: dict[str | None, list[Entity]] = {}
    between: dict[tuple[str | None, str | None], list[Entity]] = {}
    for h in applying:
        after_milestone.setdefault(h.text("milestone"), []).append(h)
        between.setdefault((h.text("from_stage"), h.text("to_stage")), []).append(h)
    items = []
    steps = list(journey.stages)
    for index, step in enumerate(steps):
        stage = step.stage
        following = steps[index + 1].stage if index + 1 < len(steps) else None
        head = (
            f"<strong>{markup.link(context.linker, stage)}</strong>{draft_badge(stage)} "
            f'<span class="jsite-owner">{team_link(context, step.owner)}</span>'
        )
        milestones = []
        for position, milestone in enumerate(step.milestones):
            due = milestone.text("due")
            after = after_milestone.get(milestone.id, [])
            then = step.milestones[position + 1] if position + 1 < len(step.milestones) else None
            milestones.append(
                f"{markup.link(context.linker, milestone)}{draft_badge(milestone)} "
                f'<span class="jsite-owner">{team_link(context, milestone.owner_in(journey.segment_id))}</span>'
                + (f' <span class="jsite-due">{markup.text(due)}</span>' if due else "")
                + "".join(_handoff_note(context, h) for h in after)
                + (
                    _missing_note(context, milestone, then, journey.segment_id)
                    if then and milestone.key in missing
                    else ""
                )
            )
        inner = (
            markup.items(milestones, "jsite-milestones").replace("<ul", "<ol", 1).replace("</ul>", "</ol>")
            if milestones
            else '<p class="jsite-empty">No milestone in this stage.</p>'
        )
        out = between.get((stage.id, following.id), []) if following is not None else []
        notes = "".join(_handoff_note(context, h) for h in out)
        if following is not None and stage.key in missing:
            notes += _missing_note(context, stage, following, journey.segment_id)
        items.append(f"<li>{head}\n{inner}{notes}</li>")
    return '<ol class="jsite-journey">\n' + "\n".join(items) + "\n</ol>"


def _handoff_note(context: Context, handoff: Entity) -> str:
    return (
        f'<div class="jsite-handoff">Handoff: {markup.link(context.linker, handoff)} '
        f"({team_link(context, handoff.text('from'))} → {team_link(context, handoff.text('to'))})</div>"
    )


def _missing_note(context: Context, before: Entity, after: Entity, segment: str | None) -> str:
    gaps = page_link(context, "page:gaps", "see the gaps report")
    return (
        f'<div class="jsite-handoff jsite-handoff-missing"><strong>No handoff</strong> from '
        f"{team_link(context, before.owner_in(segment))} to {team_link(context, after.owner_in(segment))} "
        f"before {markup.link(context.linker, after)} ({gaps})</div>"
    )


def _gaps(context: Context) -> str:
    lines = ["## Handoff gaps", ""]
    findings = gap_findings(context)
    link = page_link(context, "page:gaps", "the gaps report")
    if context.settings.gaps == "off":
        return "\n".join(lines + ["Gap analysis is switched off (`gaps: off` in `mkdocs.yml`).", ""])
    if not findings:
        lines.append(
            markup.block(
                admonition(
                    "success",
                    "No gaps found",
                    f"Every change of owner along every journey has a handoff, and nothing else needs attention. "
                    f"Details: {link}.",
                )
            )
        )
        return "\n".join(lines)
    counts = Counter(d.code for d in findings)
    href = context.linker.href("page:gaps")
    rows = []
    for code in GAP_CODES:
        if not counts[code]:
            continue
        label = markup.text(GAP_LABELS[code])
        target = f'<a href="{markup.text(href)}#gap-{code}">{label}</a>' if href else label
        rows.append(f'<span class="jsite-gap-count">{counts[code]}</span> {target} <code>{code}</code>')
    total = len(findings)
    lines.append(
        markup.block(
            f"<p>{total} finding{'s' if total != 1 else ''} to look at; each is listed with the page to fix in {link}.</p>"
            + markup.items(rows, "jsite-gap-summary")
        )
    )
    return "\n".join(lines)


def _summaries(context: Context) -> str:
    """One line linking the summary pages: every moment, handoff, role, system and metric on one page each."""
    found = [md_link(context, target, label) for target, label in SUMMARY_PAGES]
    shown = [link for link in found if link]
    return f"{SUMMARIES_LEAD} {' · '.join(shown)}\n" if shown else ""


def _more(context: Context) -> str:
    views = (
        ("page:grid", "Playbook grid", "which playbooks run in each stage, and where the holes are"),
        ("page:timeline", "Timeline", "each segment's first year, every touch point where it falls"),
        ("page:raci", "RACI matrix", "who is accountable, responsible, consulted and informed, team by team"),
        ("page:review", "Review status", "which pages are due for review, by owner team"),
        ("page:capacity", "Team capacity", "the hours each team's steps need, against the hours it has"),
        ("page:start-here", "Start here", "the reading path for a new CSM"),
    )
    lines = [f"- {link}: {why}" for target, label, why in views if (link := md_link(context, target, label))]
    return "\n".join(["## More views", "", *lines, ""]) if lines else ""
