"""``journeysite capacity``: the hours each team's playbook steps take a month, for people (text) or tools (json)."""

from __future__ import annotations

import json
from collections.abc import Callable

from journeysite.core import neutral
from journeysite.core.analysis.capacity import Capacity, TeamLoad, hours_text, percent_text
from journeysite.core.model import Handbook


def as_json(capacity: Capacity) -> str:
    """The same numbers as the capacity page and ``journey.json``'s ``capacity``."""
    return json.dumps(capacity.as_dict(), indent=2, ensure_ascii=False)


def text(capacity: Capacity, handbook: Handbook, style: Callable[[str, str], str]) -> str:
    """Teams (hours planned against hours they have, by segment), segments (customers and CSMs), the
    costliest steps, and the steps without an estimate; ``style(text, kind)`` colours a flag."""

    def title(kind: str, ident: str | None) -> str:
        entity = handbook.get(kind, ident or "")
        return neutral.line(entity.title if entity else ident or "(no team)")

    per_person = hours_text(capacity.hours_per_person_month)
    lines = [f"Hours a month: planned by the playbook steps, against people × {per_person} hours.", ""]
    if not any(s.accounts is not None for s in capacity.segments):
        lines += ["No segment gives its number of customers (`accounts`), so no hours are planned yet.", ""]
    lines.append(style("Teams", "heading"))
    width = max((len(title("team", t.team)) for t in capacity.teams), default=4)
    for load in capacity.teams:
        lines.append(f"  {title('team', load.team):<{width}}  {_team_line(load, style)}")
        spread = [f"{title('segment', s)} {hours_text(h)}" for s, h in load.segments if h]
        if spread:
            lines.append(f"  {'':<{width}}    by segment: {', '.join(spread)}")
    if capacity.segments:
        lines += ["", style("Segments", "heading")]
        for need in capacity.segments:
            customers = f"{need.accounts:,} customers" if need.accounts is not None else "customers not given"
            per_csm = f", {need.accounts_per_csm} per CSM" if need.accounts_per_csm else ""
            csms = ""
            if need.csms:
                low, high = (f"{n:,.1f}".removesuffix(".0") for n in need.csms)
                csms = f": {low if low == high else f'{low} to {high}'} CSMs needed"
            lines.append(f"  {title('segment', need.segment)}: {customers}{per_csm}{csms}")
    if capacity.costliest:
        lines += ["", style("The steps that take the most time", "heading")]
        for rank, step in enumerate(capacity.costliest, 1):
            lines.append(
                f"  {rank:>2}. {hours_text(step.hours):>6} h  {title('playbook', step.playbook)}, step "
                f"{step.number} ({title('team', step.team)}; {neutral.line(step.effort)} per customer, "
                f"{step.frequency.words}): {neutral.line(step.do)}"
            )
    if capacity.assumptions:
        lines += ["", style("Counted once a customer a year (no period in the schedule)", "heading")]
        for item in capacity.assumptions:
            schedules = "; ".join(neutral.line(s) for s in item.schedules)
            lines.append(f"  {title('playbook', item.playbook)}: {schedules}")
    if capacity.unknown:
        lines += ["", style(f"Steps without an effort, counted as 0 ({len(capacity.unknown)})", "heading")]
        for unknown in capacity.unknown:
            lines.append(
                f"  {title('playbook', unknown.playbook)}, step {unknown.number} ({title('team', unknown.team)}): "
                f"{neutral.line(unknown.do)}"
            )
    return "\n".join(lines)


def _team_line(load: TeamLoad, style: Callable[[str, str], str]) -> str:
    planned = f"{hours_text(load.planned)} planned"
    if load.capacity is None:
        return f"{planned}, headcount not given"
    people = "1 person" if load.headcount == 1 else f"{load.headcount} people"
    have = f"{hours_text(load.capacity)} available ({people})"
    share = f", {percent_text(load.utilisation)}" if load.utilisation is not None else ""
    flag = ""
    if load.exceeded:
        flag = "  " + style("OVER CAPACITY", "over")
    elif load.near:
        flag = "  " + style("near the limit", "near")
    return f"{planned} of {have}{share}{flag}"
