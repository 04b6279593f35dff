"""Who does what: for each stage in journey order, each team and its part in it, in words, as cards that
stack on a phone: the RACI matrix's data (its ``letters`` and ``steps_run``) read stage by stage, with
the handoffs each team gives and receives there.

A page of its own rather than a section of the RACI matrix: the matrix page gives its sidebars' room to
the table, while this one is read top to bottom (on a phone above all), with a table of contents to jump
to a stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeysite.core.model import Entity
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages.parts import draft_badge, md_link, no_stages_yet, team_link
from journeysite.render.pages.raci import STEPS, letters, steps_run
from journeysite.render.pages.summary import active_stages, heading, segment_links
from journeysite.render.pages.words import ROLES_LEGEND, SEGMENT_NOTES, STAGE_ROLES, SUMMARY_TEXTS
from journeysite.render.site import PLAYBOOK_TYPES

_RANK = {key: i for i, (key, _, _) in enumerate(STAGE_ROLES)}
_LETTER_ROLE = {"R": "responsible", STEPS: "steps", "C": "consulted", "I": "informed"}


@dataclass(frozen=True)
class Part:
    """One thing a team does in a stage: its role, the page it does it on, and a note in plain words."""

    role: str  # a STAGE_ROLES key
    entity: Entity
    note: str = ""


def render(context: Context) -> str:
    empty = no_stages_yet(context, "Add stage pages first: this page lists each team's part in every stage.")
    if empty:
        return empty
    raci = md_link(context, "page:raci", "RACI matrix")
    same = f" The {raci} shows the same roles as letters, one row per page." if raci else ""
    legend = "".join(
        f"<li><strong>{markup.text(label)}</strong>: {markup.text(why)}</li>" for _, label, why in STAGE_ROLES
    )
    parts = [
        "What each team does at each stage of the journey, in words: who leads it, who owns or runs which "
        f"moments and playbooks, who hands the customer on, and who is consulted or kept informed.{same}",
        "",
        markup.block(
            f'<details class="info jsite-role-legend"><summary>{markup.text(ROLES_LEGEND)}</summary>'
            f'<ul class="jsite-legend">{legend}</ul></details>'
        ),
    ]
    for number, stage in enumerate(active_stages(context), 1):
        parts.append(heading(context, 2, stage, SUMMARY_TEXTS["stage"].format(number)))
        if stage.segments is not None:
            only = SUMMARY_TEXTS["only-for"].format(segment_links(context, stage.segments) or "no segment")
            parts.append(markup.listing(f'<p class="jsite-segments-only">{only}</p>'))
        parts.append(markup.listing(_cards(context, stage)))
    return "\n".join(parts)


def parts_in(context: Context, stage: Entity) -> dict[str, list[Part]]:
    """Each team's parts in the stage (its stage page, milestones, playbooks and handoffs), by team id."""
    handbook = context.handbook
    milestones = [m for m in handbook.milestones_of(stage.id) if m.active]
    type_rank = {t: i for i, (t, _) in enumerate(PLAYBOOK_TYPES)}
    playbooks = sorted(
        (p for p in context.relations.playbooks_of_stage(stage) if p.active),
        key=lambda p: (type_rank.get(p.text("type") or "", 9), p.title.lower(), p.id),
    )
    found: dict[str, list[Part]] = {}
    for entity in (stage, *milestones, *playbooks):
        for team in _teams_of(entity):
            found.setdefault(team, []).extend(_parts(context, entity, team, stage))
    inside = {m.id for m in milestones}
    for handoff in handbook.of_kind("handoff"):
        if not handoff.active:
            continue
        at_milestone = handoff.text("milestone") in inside
        if at_milestone or handoff.text("from_stage") == stage.id:
            found.setdefault(handoff.text("from") or "", []).append(Part("hands", handoff))
        if at_milestone or handoff.text("to_stage") == stage.id:
            found.setdefault(handoff.text("to") or "", []).append(Part("receives", handoff))
    return {team: parts for team, parts in found.items() if team and parts}


def _teams_of(entity: Entity) -> list[str]:
    named = (
        *entity.owners,
        *entity.raci("responsible"),
        *entity.raci("consulted"),
        *entity.raci("informed"),
        *(step.owner for step in entity.steps),
    )
    return list(dict.fromkeys(t for t in named if t))


def _parts(context: Context, entity: Entity, team: str, stage: Entity) -> list[Part]:
    """The team's roles on one page, from the RACI matrix's letters; an owner in some segments only (or
    in all but some) says so."""
    found = []
    held = letters(entity, team)
    segments = list(entity.segment_owners)
    owned_in = [s for s in segments if "A" in letters(entity, team, s)]
    not_in = [s for s in segments if "A" not in letters(entity, team, s)]
    role = "lead" if entity is stage else "owns"
    if "A" in held:
        note = SEGMENT_NOTES["except"].format(_names(context, not_in)) if not_in else ""
        found.append(Part(role, entity, note))
    elif owned_in:
        found.append(Part(role, entity, SEGMENT_NOTES["only"].format(_names(context, owned_in))))
    for letter in held:
        if letter in _LETTER_ROLE:
            # Which steps, for a team that runs some (listed responsible or not).
            runs = letter in (STEPS, "R") and steps_run(entity, team)
            note = _steps_note(context, entity, team) if runs else ""
            found.append(Part(_LETTER_ROLE[letter], entity, note))
    return found


def _names(context: Context, segment_ids: list[str]) -> str:
    """Segment titles as plain text (the note is escaped where it is shown)."""
    names = [s.title if (s := context.handbook.get("segment", i)) else i for i in segment_ids]
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def _steps_note(context: Context, playbook: Entity, team: str) -> str:
    """Which steps the team runs ("step 5", "steps 2 and 4"), and for which segments when every one of
    them is limited to some."""
    numbers = steps_run(playbook, team)
    shown = [str(n) for n in numbers]
    words = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
    note = f"step{'s' if len(shown) > 1 else ''} {words}"
    steps = [s for s in playbook.steps if s.number in numbers]
    if steps and all(s.segments is not None for s in steps):
        limited = list(dict.fromkeys(seg for s in steps for seg in s.segments or ()))
        note += ", " + SEGMENT_NOTES["only"].format(_names(context, limited) or "no segment")
    return note


def _cards(context: Context, stage: Entity) -> str:
    by_team = parts_in(context, stage)
    if not by_team:
        return f'<p class="jsite-empty">{markup.text(SUMMARY_TEXTS["no-team"])}</p>'

    def strength(team: str) -> tuple[int, bool, str]:
        """Strongest part first; the stage's own owner before a team that owns it in some segments."""
        found = context.team(team)
        return (
            min(_RANK[p.role] for p in by_team[team]),
            team != stage.owner,
            (found.title if found else team).lower(),
        )

    cards = []
    for team in sorted(by_team, key=strength):
        lines = []
        for key, label, _ in STAGE_ROLES:
            mine = [p for p in by_team[team] if p.role == key]
            if not mine:
                continue
            if key == "lead":
                what = " ".join(_note(p.note) for p in mine if p.note)
            else:
                what = _items(context, mine)
            lines.append(f'<li><span class="jsite-role-label">{markup.text(label)}</span> {what}</li>')
        cards.append(
            f'<li class="jsite-role-card"><p class="jsite-card-title"><strong>{team_link(context, team)}</strong></p>'
            f'<ul class="jsite-role-lines">{"".join(lines)}</ul></li>'
        )
    return f'<div class="grid cards jsite-role-cards">\n<ul>\n{"".join(cards)}\n</ul>\n</div>'


def _note(note: str) -> str:
    return f'<span class="jsite-variant">{markup.text(note)}</span>'


def _items(context: Context, parts: list[Part]) -> str:
    """The pages of one role, those that share a note together with the note once after them: "Kickoff
    held, Go-live (except in Scale); Onboarding and training"."""
    groups: dict[str, list[Part]] = {}
    for part in parts:
        groups.setdefault(part.note, []).append(part)
    shown = []
    for note, members in groups.items():
        pages = ", ".join(markup.link(context.linker, p.entity) + draft_badge(p.entity) for p in members)
        shown.append(f"{pages} {_note(note)}" if note else pages)
    return "; ".join(shown)
