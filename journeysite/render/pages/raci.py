"""The RACI matrix: stages, their milestones and their playbooks as rows, teams as columns.

A playbook that runs in several stages is listed once, under the first of them in journey order, with
the others named beside it, so that each row is one page and the matrix stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeysite.core.model import Entity
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages.parts import admonition, draft_badge, md_link, tabs, team_link
from journeysite.render.site import PLAYBOOK_TYPES

TABS_RACI = 93  # see grid.TABS_GRID
STEPS = "R (steps)"  # Responsible because it runs steps of the playbook, without being listed in `raci`
ROLES = (
    ("A", "Accountable", "owns the outcome and keeps the page current: the page's owner, exactly one team"),
    ("R", "Responsible", "does the work"),
    (
        STEPS,
        "Responsible through its steps",
        "runs one or more of a playbook's steps without being listed as responsible (steps that name no "
        "owner are the owner's, part of its A)",
    ),
    ("C", "Consulted", "gives input before decisions are made"),
    ("I", "Informed", "is kept up to date"),
)
ROLE_NAMES = {letter: name for letter, name, _ in ROLES}
_CSS = {STEPS: "r jsite-raci-steps"}  # the class after `jsite-raci-`; otherwise the letter, lower case


@dataclass(frozen=True)
class Row:
    entity: Entity
    level: str  # "stage", "milestone" or "playbook"
    note: str = ""  # plain text shown small after the title
    tip: str = ""  # plain text shown as the note's tooltip


def steps_run(entity: Entity, team: str) -> list[int]:
    """The numbers of the playbook's steps ``team`` runs for an owner that is another team (empty for the
    owner, and for other kinds)."""
    return [] if team == entity.owner else [step.number for step in entity.steps if step.owner == team]


def letters(entity: Entity, team: str, segment: str | None = None) -> list[str]:
    """The RACI letters ``team`` holds on ``entity`` (in ``segment``'s journey: its owner there), in A, R,
    C, I order: ``STEPS`` for a team that runs steps of a playbook without being listed responsible
    (listed, it is plain R)."""
    held = ["A"] if entity.owner_in(segment) == team else []
    for letter, role in (("R", "responsible"), ("C", "consulted"), ("I", "informed")):
        if team in entity.raci(role):
            held.append(letter)
        elif letter == "R" and steps_run(entity, team):
            held.append(STEPS)
    return held


def _css(letter: str) -> str:
    return f"jsite-raci-{_CSS.get(letter, letter.lower())}"


def _shown(letter: str) -> str:
    """A letter as the cell shows it: ``R (steps)`` with its note in small type."""
    return 'R<small class="jsite-raci-note"> (steps)</small>' if letter == STEPS else markup.text(letter)


def render(context: Context) -> str:
    rows = _rows(context)
    if not rows:
        return markup.block(
            admonition(
                "note",
                "Nothing to show yet",
                "The matrix lists stages, milestones and playbooks with the teams that own them or take part. "
                "Add stage pages first.",
            )
        )
    teams = _teams(context, rows)
    legend = "".join(
        f'<li><span class="jsite-raci-letter {_css(letter)}">{_shown(letter)}</span> '
        f"<strong>{name}</strong>: {why}</li>"
        for letter, name, why in ROLES
    )
    gaps = md_link(context, "page:gaps", "gaps report")
    parts = [
        "Who owns, does, advises on and hears about each moment of the journey. Rows follow the journey: "
        "each stage, then its milestones, then its playbooks (a playbook that runs in several stages is "
        "listed under the first; hover its note for the others). Columns are teams, in the order they first take "
        "part. Retired pages are left out.",
        "",
        "## How to read it",
        markup.block(
            f'<ul class="jsite-legend">{legend}</ul>'
            "<p>A cell can hold several letters, e.g. <strong>A/R</strong> for a team that owns the work and does "
            "it. An empty cell means the team has no role there.</p>"
        ),
    ]
    if gaps:
        parts.append(f"A team in two roles that exclude each other is listed in the {gaps}.\n")
    roles = md_link(context, "page:roles", "Who does what")
    if roles:
        # The matrix is wide: on a phone it shows three teams at a time, so say where the same roles read
        # as sentences, one team at a time.
        parts.append(f"The same roles in words, stage by stage and team by team: {roles}.\n")
    parts.append("## The matrix")
    segmented = [j for j in context.handbook.journeys if j.segment is not None]
    if any(row.entity.segment_owners for row in rows) and segmented:
        parts += [
            "Who owns a stage or milestone can depend on the segment: choose one to see its own matrix.",
            "",
        ]
        views = [(markup.text("All segments"), _matrix(context, rows, teams))]
        for journey in segmented:
            mine = [r for r in rows if r.entity.applies_to(journey.segment_id)]
            views.append((markup.text(journey.label), _matrix(context, mine, teams, journey.segment_id)))
        parts.append(markup.listing(tabs(TABS_RACI, views, "jsite-raci-tabs")))
    else:
        parts.append(_matrix(context, rows, teams))
    return "\n".join(parts)


def _rows(context: Context) -> list[Row]:
    handbook = context.handbook
    stages = [s for s in handbook.stages if s.active]
    stage_index = {s.id: i for i, s in enumerate(stages)}
    type_rank = {t: i for i, (t, _) in enumerate(PLAYBOOK_TYPES)}
    type_label = dict(PLAYBOOK_TYPES)
    by_stage: dict[str, list[Entity]] = {}
    unplaced_playbooks = []
    for playbook in handbook.of_kind("playbook"):
        if not playbook.active:
            continue
        runs_in = sorted(
            (s for s in playbook.texts("stages") if s in stage_index), key=stage_index.__getitem__
        )
        if runs_in:
            by_stage.setdefault(runs_in[0], []).append(playbook)
        else:
            unplaced_playbooks.append(playbook)

    def playbook_row(playbook: Entity, first: str | None) -> Row:
        kind = type_label.get(playbook.text("type") or "", "Playbook")
        others = [
            stage.title
            for s in playbook.texts("stages")
            if s != first and s in stage_index and (stage := handbook.get("stage", s)) is not None
        ]
        also = f" · +{len(others)} stage{'s' if len(others) != 1 else ''}" if others else ""
        tip = f"Also runs in: {', '.join(others)}" if others else ""
        return Row(playbook, "playbook", f"{kind} playbook{also}{_segments_note(context, playbook)}", tip)

    rows: list[Row] = []
    for stage in stages:
        rows.append(Row(stage, "stage", f"Stage {stage_index[stage.id] + 1}{_segments_note(context, stage)}"))
        for milestone in handbook.milestones_of(stage.id):
            if milestone.active:
                rows.append(Row(milestone, "milestone", f"Milestone{_segments_note(context, milestone)}"))
        playbooks = sorted(
            by_stage.get(stage.id, []),
            key=lambda p: (type_rank.get(p.text("type") or "", 9), p.title.lower()),
        )
        rows.extend(playbook_row(p, stage.id) for p in playbooks)
    # Active pages whose stage is retired (or missing) are in no journey, but still have owners.
    orphans = [
        m for m in handbook.of_kind("milestone") if m.active and (m.text("stage") or "") not in stage_index
    ]
    rows.extend(Row(m, "milestone", "Milestone of no active stage") for m in orphans)
    rows.extend(playbook_row(p, None) for p in unplaced_playbooks)
    return rows


def _segments_note(context: Context, entity: Entity) -> str:
    if entity.segments is None:
        return ""
    names = [segment.title if (segment := context.handbook.get("segment", s)) else s for s in entity.segments]
    return f" · only {', '.join(names) or 'no segment'}"


def _teams(context: Context, rows: list[Row]) -> list[str]:
    """Active teams, plus any team a row names: in the order they first take part, then by title."""
    order: dict[str, None] = {}
    for row in rows:
        entity = row.entity
        for team in (
            *entity.owners,
            *entity.raci("responsible"),
            *entity.raci("consulted"),
            *entity.raci("informed"),
            *(step.owner for step in entity.steps),
        ):
            if team and context.team(team) is not None:
                order.setdefault(team, None)
    rest = sorted(
        (t for t in context.handbook.of_kind("team") if t.active and t.id not in order),
        key=lambda t: t.title.lower(),
    )
    return [*order, *(t.id for t in rest)]


def _matrix(context: Context, rows: list[Row], teams: list[str], segment: str | None = None) -> str:
    head = "".join(f'<th scope="col" class="jsite-team-col">{team_link(context, t)}</th>' for t in teams)
    body = []
    for row in rows:
        entity = row.entity
        title = markup.link(context.linker, entity)
        if row.level == "stage":
            title = f"<strong>{title}</strong>"
        tip = f' title="{markup.text(row.tip)}"' if row.tip else ""
        label = (
            f'{title}{draft_badge(entity)} <small class="jsite-row-note"{tip}>{markup.text(row.note)}</small>'
        )
        cells = "".join(_cell(context, entity, t, segment) for t in teams)
        body.append(f'<tr class="jsite-row-{row.level}"><th scope="row">{label}</th>{cells}</tr>')
    return markup.listing(
        '<div class="jsite-scroll">\n<table class="jsite-table jsite-matrix">\n'
        f'<thead><tr><th scope="col" class="jsite-corner">Stage, milestone or playbook</th>{head}</tr></thead>\n'
        "<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>\n</div>"
    )


def _cell(context: Context, entity: Entity, team_id: str, segment: str | None = None) -> str:
    held = letters(entity, team_id, segment)
    if not held:
        return '<td class="jsite-raci-empty"></td>'
    team = context.team(team_id)
    name = team.title if team else team_id
    roles = [ROLE_NAMES[x] for x in held]
    if STEPS in held:
        numbers = steps_run(entity, team_id)
        steps = f"step{'s' if len(numbers) > 1 else ''} {_numbers(numbers)}"
        roles[held.index(STEPS)] = f"Responsible (runs {steps})"
    tip = markup.text(f"{name}: {', '.join(roles)}")
    css = " ".join(_css(x) for x in held)
    return f'<td class="jsite-raci {css}" title="{tip}">{"/".join(_shown(x) for x in held)}</td>'


def _numbers(numbers: list[int]) -> str:
    """``1``, ``1 and 3``, ``1, 2 and 4``."""
    shown = [str(n) for n in numbers]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
