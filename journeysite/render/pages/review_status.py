"""Review status: the pages whose review is overdue, due soon or missing, grouped by the team that owns them."""

from __future__ import annotations

from collections import Counter

from journeysite.core.analysis import review
from journeysite.core.analysis.review import DUE_SOON, NEVER, OK, OVERDUE, STATUS_LABELS, ReviewItem
from journeysite.render import markup
from journeysite.render.pages import Context
from journeysite.render.pages.parts import admonition, page_link, pill, team_link

# The build computes review status with the default window; say the same number here.
DUE_SOON_DAYS = review.DEFAULT_WITHIN
_RANK = {OVERDUE: 0, NEVER: 1, DUE_SOON: 2, OK: 3}


def render(context: Context) -> str:
    items = list(context.review.values())
    counts = Counter(item.status for item in items)
    listed = [item for item in items if item.status != OK]
    parts = [
        f"Every page has an owner team that confirms, on a regular cadence, that the page is still true. "
        f"As of {context.today.isoformat()}, {len(items)} page{'s are' if len(items) != 1 else ' is'} "
        f"under review: {_counts_sentence(counts)}. A page is *due soon* when its review falls within the "
        f"next {DUE_SOON_DAYS} days; a page with no `reviewed:` date falls back to its last git commit.",
        "",
        "To record a review, check the page with its owner, then run `journeysite review --mark PATH` "
        "(the page's Markdown file) and commit the change: it sets `reviewed:` to today and changes nothing "
        "else in the file. `journeysite review` prints this list in the terminal.",
        "",
    ]
    if not items:
        parts.append(
            markup.block(
                admonition(
                    "note",
                    "Nothing to review yet",
                    "Pages join the review when they are entity pages, or plain pages that set <code>owner</code>.",
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
        heading = "## Pages without an owner team"
        about = "<p>These pages name no team as <code>owner</code> (or a team with no page): set one so that someone reviews them.</p>"
    else:
        heading = f"## {markup.md(team.title)}"
        written = team.texts("github") or team.texts("handles")
        handles = " ".join(f"<code>{markup.text(h)}</code>" for h in written)
        forge = "GitHub" if team.texts("github") else "Handles"
        about = (
            f'<p class="jsite-review-team">Team page: {team_link(context, team_id)}'
            + (f" · Lead: {markup.text(team.text('lead'))}" if team.text("lead") else "")
            + (f' · {forge}: <span class="jsite-handles">{handles}</span>' if handles else "")
            + f" · {_group_counts(items)}</p>"
        )
    items = sorted(items, key=lambda i: (_RANK[i.status], -(i.days or 0), i.title.lower()))
    rows = [_row(context, item) for item in items]
    table = markup.table(
        ["Page", "Last reviewed", "Due", "Status", "Days"],
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
        source = ' <span class="jsite-muted">(last commit)</span>' if item.source == "git" else ""
        reviewed = f"<time>{item.reviewed.isoformat()}</time>{source}"
    due = f"<time>{item.due.isoformat()}</time>" if item.due else '<span class="jsite-muted">—</span>'
    status = pill(STATUS_LABELS.get(item.status, item.status), f"jsite-review-{item.status}")
    return [page, reviewed, due, status, _days(item)]


def _days(item: ReviewItem) -> str:
    if item.days is None:
        return '<span class="jsite-muted">—</span>'
    if item.days > 0:
        return f"{item.days} day{'s' if item.days != 1 else ''} overdue"
    left = -item.days
    return "due today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}"
