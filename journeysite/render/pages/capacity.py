"""The capacity page: the hours a month each team's playbook steps take, against the hours its people have."""

from __future__ import annotations

from journeysite.core.analysis import capacity as planning
from journeysite.core.analysis.capacity import (
    Capacity,
    StepCost,
    TeamLoad,
    UnknownStep,
    hours_text,
    percent_text,
)
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages.parts import admonition, pill, team_link

MUTED_DASH = '<span class="jsite-muted">—</span>'


def render(context: Context) -> str:
    planned = context.capacity
    per_person = hours_text(planned.hours_per_person_month)
    parts = [
        "How many hours a month each team spends on the playbooks' steps for all our customers, next to the "
        "hours its people have. For every step, the time it takes for one customer is multiplied by how "
        "often its playbook runs for a customer and by the number of customers in each segment. A person "
        f"counts for {per_person} hours a month of this work.",
        "",
        markup.block(_summary(context, planned)),
    ]
    if planned.teams:
        parts += ["## Teams", "", _teams_table(context, planned)]
    if planned.segments:
        parts += ["## Customers and CSMs by segment", "", _segments_table(context, planned)]
    parts += ["## The steps that take the most time", "", _costliest(context, planned)]
    parts += ["## Steps without a time estimate", "", _unknown(context, planned)]
    parts += ["## How the numbers are worked out", "", _method(context, planned)]
    return "\n".join(parts)


def _summary(context: Context, planned: Capacity) -> str:
    over, near = planned.exceeded, planned.near
    counted = [s for s in planned.segments if s.accounts is not None]
    if not counted:
        return admonition(
            "info",
            "No customer numbers yet",
            "No segment says how many customers it has, so no hours can be planned yet. Once each segment "
            "page gives its number of customers and the playbook steps their time, this page adds them up.",
        )
    if over:
        names = ", ".join(f"{team_link(context, t.team)} ({_share(t)})" for t in over)
        return admonition(
            "warning",
            f"{len(over)} team{'s' if len(over) != 1 else ''} over capacity",
            f"Planned work is more than the people have: {names}. Add people, take time out of the steps "
            "that cost most, or move steps to another team.",
        )
    if near:
        names = ", ".join(f"{team_link(context, t.team)} ({_share(t)})" for t in near)
        return admonition(
            "note",
            "Close to the limit",
            f"Every team has room, but only just: {names}. One more segment to serve or a few more "
            "customers would take it over.",
        )
    return admonition("success", "Every team has room", "No team plans more work than its people have.")


def _share(load: TeamLoad) -> str:
    share = load.utilisation
    return percent_text(share) if share is not None else "no one to do it"


def _teams_table(context: Context, planned: Capacity) -> str:
    segments = [context.handbook.get("segment", s.segment) for s in planned.segments]
    headers = [
        "Team",
        "People",
        "Hours available",
        "Hours planned",
        "Share used",
        *(f"{markup.text(s.title)}" if s else "" for s in segments),
        "Steps without an estimate",
    ]
    rows = []
    for load in planned.teams:
        rows.append(
            [
                team_link(context, load.team),
                markup.text(load.headcount) if load.headcount is not None else _not_given("not given"),
                hours_text(load.capacity) if load.capacity is not None else MUTED_DASH,
                hours_text(load.planned),
                _used(load),
                *(hours_text(hours) if hours else MUTED_DASH for _, hours in load.segments),
                str(load.unknown) if load.unknown else MUTED_DASH,
            ]
        )
    intro = markup.block(
        "<p>Hours a month for each team: what its people have, what the playbook steps it runs need, and "
        "the share that takes; then the hours planned in each segment.</p>"
    )
    return intro + markup.table(headers, rows, "jsite-table jsite-capacity-teams")


def _not_given(words: str) -> str:
    return f'<span class="jsite-muted">{markup.text(words)}</span>'


def _used(load: TeamLoad) -> str:
    """The share of the team's hours its steps take: a bar, the percentage, and a flag near or over 100%."""
    share = load.utilisation
    if share is None:
        if load.exceeded:  # work planned for a team of no one
            return pill("Over capacity", "jsite-capacity-over")
        return _not_given("team size not given") if load.capacity is None else MUTED_DASH
    meter = (
        f'<meter min="0" max="{max(1.0, share):.4f}" low="{planning.NEAR}" high="1" optimum="0" '
        f'value="{share:.4f}">{percent_text(share)}</meter>'
    )
    flag = ""
    if load.exceeded:
        flag = " " + pill("Over capacity", "jsite-capacity-over")
    elif load.near:
        flag = " " + pill("Near the limit", "jsite-capacity-near")
    return f'<span class="jsite-capacity-used">{meter} {percent_text(share)}</span>{flag}'


def _segments_table(context: Context, planned: Capacity) -> str:
    rows = []
    for need in planned.segments:
        segment = context.handbook.get("segment", need.segment)
        per_csm = need.accounts_per_csm
        csms = need.csms
        rows.append(
            [
                markup.link(context.linker, segment, fallback=need.segment),
                f"{need.accounts:,}" if need.accounts is not None else _not_given("not given"),
                markup.text(per_csm) if per_csm is not None else _not_given("not given"),
                _csms_text(csms) if csms is not None else MUTED_DASH,
                hours_text(need.hours) if need.accounts is not None else MUTED_DASH,
            ]
        )
    headers = ["Segment", "Customers", "Customers per CSM", "CSMs needed", "Hours planned a month"]
    return markup.table(headers, rows, "jsite-table jsite-capacity-segments")


def _csms_text(csms: tuple[float, float]) -> str:
    low, high = (_one_decimal(n) for n in csms)
    return low if low == high else f"{low} to {high}"


def _one_decimal(number: float) -> str:
    shown = f"{number:,.1f}"
    return shown[:-2] if shown.endswith(".0") else shown


def _costliest(context: Context, planned: Capacity) -> str:
    if not planned.costliest:
        return markup.block(
            f"<p>{_not_given('No step has both a time estimate and customers to serve yet.')}</p>"
        )
    rows = [_cost_row(context, rank, step) for rank, step in enumerate(planned.costliest, 1)]
    headers = ["#", "Step", "Team", "Time for one customer", "How often, per customer", "Hours a month"]
    intro = markup.block(
        f"<p>The {len(rows)} steps that take the most hours a month across all customers, with the segments "
        "they are spent on. Shaving minutes off these moves the totals most.</p>"
    )
    return intro + markup.table(headers, rows, "jsite-table jsite-capacity-steps", indexed=False)


def _cost_row(context: Context, rank: int, step: StepCost) -> list[str]:
    playbook = context.handbook.get("playbook", step.playbook)
    where = markup.link(context.linker, playbook, fallback=step.playbook)
    spread = ", ".join(
        f"{markup.text(_segment_title(context, s.segment))} {hours_text(s.hours)}"
        for s in step.segments
        if s.hours
    )
    return [
        str(rank),
        f"{markup.text(step.do)}<br><small>{where}, step {step.number}</small>",
        team_link(context, step.team),
        markup.text(_effort_words(step.effort_hours)),
        markup.text(step.frequency.words),
        f"<strong>{hours_text(step.hours)}</strong>" + (f"<br><small>{spread}</small>" if spread else ""),
    ]


def _effort_words(hours: float) -> str:
    if hours < 1:
        return f"{hours * 60:.0f} minutes"
    return f"{hours_text(hours)} hour{'s' if hours != 1 else ''}"


def _segment_title(context: Context, segment_id: str) -> str:
    segment = context.handbook.get("segment", segment_id)
    return segment.title if segment else segment_id


def _unknown(context: Context, planned: Capacity) -> str:
    if not planned.unknown:
        return markup.block("<p>Every step has a time estimate.</p>")
    by_playbook: dict[str, list[UnknownStep]] = {}
    for step in planned.unknown:
        by_playbook.setdefault(step.playbook, []).append(step)
    rows = []
    for playbook_id, steps in by_playbook.items():
        playbook = context.handbook.get("playbook", playbook_id)
        listed = "<br>".join(
            f"{step.number}. {markup.text(step.do)} <small>({team_link(context, step.team)})</small>"
            for step in steps
        )
        rows.append([markup.link(context.linker, playbook, fallback=playbook_id), listed])
    count = len(planned.unknown)
    intro = markup.block(
        f"<p>{count} step{'s have' if count != 1 else ' has'} no time estimate, so "
        f"{'they count' if count != 1 else 'it counts'} as no time at all: the teams that run them may be "
        "busier than the table above shows.</p>"
    )
    table = markup.table(
        ["Playbook", "Steps, and the team that runs each"],
        rows,
        "jsite-table jsite-capacity-unknown",
        indexed=False,
    )
    return intro + table


def _method(context: Context, planned: Capacity) -> str:
    per_person = hours_text(planned.hours_per_person_month)
    lines = [
        "<p>For each team and segment: the time a step takes for one customer × how many times a month its "
        "playbook runs for a customer × the customers in the segment, added up over the steps the team runs "
        "there. A playbook on a schedule runs as often as the schedule says (every 90 days is 30.4 ÷ 90 = 0.34 "
        "times a month); one started by a milestone, a signal or a judgement call counts once a customer a "
        "year. A day of work counts 8 hours. Retired playbooks do not count; drafts do.</p>",
        f"<p>The hours a team has: its people × {per_person} hours a month. CSMs needed: the customers in "
        "a segment ÷ the customers one CSM looks after (with a range, from its largest to its smallest "
        "book).</p>",
    ]
    if planned.assumptions:
        assumed = []
        for item in planned.assumptions:
            playbook = context.handbook.get("playbook", item.playbook)
            schedules = "; ".join(f"“{markup.text(s)}”" for s in item.schedules)
            assumed.append(f"{markup.link(context.linker, playbook, fallback=item.playbook)}: {schedules}")
        lines.append(
            "<p><strong>Counted once a customer a year</strong>, as their schedule names no regular period "
            "that can be counted (write it as, e.g., every 90 days or monthly to count it):</p>"
            + markup.items(assumed)
        )
    lines.append(
        "<p>To update these numbers, edit the pages: a segment's number of customers (<code>accounts</code>), "
        "a team's number of people (<code>headcount</code>) and a playbook step's time for one customer "
        "(<code>effort</code>, e.g. 30 minutes, 2 hours, 1 day). <code>journeysite capacity</code> prints the "
        "same numbers.</p>"
    )
    return markup.block("\n".join(lines))
