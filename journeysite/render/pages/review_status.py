"""Review status: the pages whose review is overdue, due soon or missing, grouped by the team that owns them."""

from __future__ import annotations

from collections import Counter
from datetime import date

from journeysite.core.analysis import review
from journeysite.core.analysis.review import DUE_SOON, NEVER, OK, OVERDUE, STATUS_LABELS, ReviewItem
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages.parts import admonition, page_link, pill, team_link
from journeysite.render.pages.words import (
    REVIEW_BY,
    REVIEW_EDITOR_NOTE,
    REVIEW_FOR_EDITORS,
    REVIEW_HEADERS,
    REVIEW_HOW,
    REVIEW_INTRO,
    REVIEW_LAST_CHANGE,
    REVIEW_LEAD,
    REVIEW_NO_LEAD,
    REVIEW_NO_OWNER,
    REVIEW_NO_OWNER_NOTE,
    REVIEW_TEAM_PAGE,
)

# The build computes review status with the default window; say the same number here.
DUE_SOON_DAYS = review.DEFAULT_WITHIN
_RANK = {OVERDUE: 0, NEVER: 1, DUE_SOON: 2, OK: 3}


def render(context: Context) -> str:
    items = list(context.review.values())
    counts = Counter(item.status for item in items)
    listed = [item for item in items if item.status != OK]
    count = f"{len(items)} page{'s are' if len(items) != 1 else ' is'}"
    editors = (
        f'<details class="jsite-fold jsite-for-editors"><summary>{markup.text(REVIEW_FOR_EDITORS)}</summary>'
        f"<p>{REVIEW_EDITOR_NOTE}</p></details>"
    )
    parts = [
        REVIEW_INTRO.format(
            today=human_date(context.today),
            count=count,
            counts=_counts_sentence(counts),
            within=DUE_SOON_DAYS,
        ),
        "",
        REVIEW_HOW,
        "",
        markup.block(editors),
    ]
    if not items:
        parts.append(
            markup.block(
                admonition(
                    "note",
                    "Nothing to review yet",
                    "Pages join the review once they name an owner team: every page of the journey does, and any "
                    "other page that sets one.",
                )
            )
        )
        return "\n".join(parts)
    if not listed:
        parts.append(
            markup.block(
                admonition(
                    "success",
                    "Every page is up to date",
                    "No page is overdue or due soon, and every page has been reviewed.",
                )
            )
        )
        return "\n".join(parts)
    groups: dict[str | None, list[ReviewItem]] = {}
    for item in listed:
        owner = item.owner if context.team(item.owner) is not None else None
        groups.setdefault(owner, []).append(item)

    def team_title(team_id: str | None) -> str:
        team = context.team(team_id)
        return team.title.lower() if team else ""

    ordered = sorted(groups, key=lambda t: (t is None, team_title(t)))
    for team_id in ordered:
        parts.append(_group(context, team_id, groups[team_id]))
    return "\n".join(parts)


def _counts_sentence(counts: Counter) -> str:
    shown = [
        f"**{counts[s]}** {STATUS_LABELS[s].lower()}" for s in (OVERDUE, DUE_SOON, NEVER, OK) if counts[s]
    ]
    return ", ".join(shown) if shown else "none yet"


def _group(context: Context, team_id: str | None, items: list[ReviewItem]) -> str:
    team = context.team(team_id)
    if team is None:
        heading = f"## {REVIEW_NO_OWNER}"
        about = f"<p>{markup.text(REVIEW_NO_OWNER_NOTE)}</p>"
    else:
        heading = f"## {markup.md(team.title)}"
        written = team.texts("github") or team.texts("handles")
        handles = " ".join(f"<code>{markup.text(h)}</code>" for h in written)
        forge = "GitHub" if team.texts("github") else "Handles"
        lead = team.text("lead")
        # The lead is the person to ask: first, and named; the handles are for mentions in pull requests.
        who = (
            f'<strong class="jsite-review-lead">{markup.text(REVIEW_LEAD)} {markup.text(lead)}</strong>'
            if lead
            else f'<span class="jsite-muted">{markup.text(REVIEW_NO_LEAD)}</span>'
        )
        about = (
            f'<p class="jsite-review-team">{who} · {markup.text(REVIEW_TEAM_PAGE)} {team_link(context, team_id)}'
            + (f' · {forge}: <span class="jsite-handles">{handles}</span>' if handles else "")
            + f" · {_group_counts(items)}</p>"
        )
    items = sorted(items, key=lambda i: (_RANK[i.status], -(i.days or 0), i.title.lower()))
    rows = [_row(context, item) for item in items]
    table = markup.table(
        list(REVIEW_HEADERS),
        rows,
        "jsite-table jsite-review-table",
        indexed=False,
    )
    return "\n".join([heading, markup.block(about), table])


def _group_counts(items: list[ReviewItem]) -> str:
    counts = Counter(item.status for item in items)
    return ", ".join(
        f"{counts[s]} {STATUS_LABELS[s].lower()}" for s in (OVERDUE, NEVER, DUE_SOON) if counts[s]
    )


def _row(context: Context, item: ReviewItem) -> list[str]:
    entity = context.handbook.entity_of(item.file)
    page = markup.link(context.linker, entity) if entity else page_link(context, item.file, item.title)
    if item.reviewed is None:
        reviewed = '<span class="jsite-muted">never</span>'
    else:
        source = (
            f' <span class="jsite-muted">{markup.text(REVIEW_LAST_CHANGE)}</span>'
            if item.source == "git"
            else ""
        )
        by = getattr(item, "reviewed_by", None)
        by_html = f'<br><span class="jsite-muted">{markup.text(REVIEW_BY.format(by))}</span>' if by else ""
        reviewed = f"{_time(item.reviewed)}{source}{by_html}"
    due = _time(item.due) if item.due else '<span class="jsite-muted">—</span>'
    status = pill(STATUS_LABELS.get(item.status, item.status), f"jsite-review-{item.status}")
    # The status and how far off it is share a column: a phone has room for four.
    days = f'<br><span class="jsite-review-days">{_days(item)}</span>' if item.days is not None else ""
    return [page, reviewed, due, status + days]


def human_date(day: date) -> str:
    """A date as people write it: 1 December 2026."""
    return f"{day.day} {day:%B %Y}"


def _time(day: date) -> str:
    """A date in a table, short as people write it there (15 Aug 2026), the machine's form in ``datetime``."""
    return f'<time datetime="{day.isoformat()}">{day.day}\u00a0{day:%b}\u00a0{day:%Y}</time>'


def _days(item: ReviewItem) -> str:
    if item.days is None:
        return '<span class="jsite-muted">—</span>'
    if item.days > 0:
        return f"{item.days} day{'s' if item.days != 1 else ''} overdue"
    left = -item.days
    return "due today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}"
