"""Review status: when each page was last confirmed true, when it is due again, and who must review it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from journeysite.core.analysis import dates
from journeysite.core.diagnostics import WARNING, Diagnostic, error
from journeysite.core.gitrepo import GitError, git, git_toplevel
from journeysite.core.model import Handbook
from journeysite.core.settings import Settings

OVERDUE, DUE_SOON, OK, NEVER = "overdue", "due-soon", "ok", "never"
STATUS_LABELS = {OVERDUE: "Overdue", NEVER: "Never reviewed", DUE_SOON: "Due soon", OK: "Up to date"}
DEFAULT_WITHIN = 30  # days: a review that falls due this soon is "due soon"


@dataclass(frozen=True)
class ReviewItem:
    """One page's review state on a given day."""

    file: str
    title: str
    entity: str | None
    owner: str | None
    reviewed: date | None
    source: str | None  # "front matter", "git", or None when never reviewed
    every: dates.Duration
    due: date | None
    status: str
    days: int | None  # days overdue; negative: days left; None: never reviewed
    # Who confirmed it (`reviewed_by`, one line), when the front matter's `reviewed` date is the one used.
    reviewed_by: str | None = None

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "title": self.title,
            "entity": self.entity,
            "owner": self.owner,
            "reviewed": self.reviewed.isoformat() if self.reviewed else None,
            "reviewed_by": self.reviewed_by,
            "due": self.due.isoformat() if self.due else None,
            "status": self.status,
            "days": self.days,
        }


def status_of(
    reviewed: date | None, every: dates.Duration, today: date, within: int
) -> tuple[date | None, str, int | None]:
    """Return (due date, status, days overdue) for a page reviewed on ``reviewed``."""
    if reviewed is None:
        return None, NEVER, None
    due = every.after(reviewed)
    days = (today - due).days
    if days > 0:
        return due, OVERDUE, days
    return due, (DUE_SOON if -days <= within else OK), days


def items(
    handbook: Handbook,
    settings: Settings,
    today: date,
    within: int = DEFAULT_WITHIN,
    git_dates: dict[str, date] | None = None,
) -> list[ReviewItem]:
    """The review state of every active entity page, and of every plain page that sets ``owner``."""
    default_every = dates.parse_duration(settings.review_every) or dates.Duration(6, "month")
    found: list[ReviewItem] = []
    for page in handbook.pages:
        entity = handbook.entity_of(page.file)
        meta = page.meta
        if entity is not None:
            if entity.status != "active":
                continue
            title, owner, key = entity.title, entity.owner, entity.key
        elif isinstance(meta.get("owner"), str) and "kind" not in meta:
            title = meta["title"] if isinstance(meta.get("title"), str) else Path(page.file).stem
            owner, key = meta["owner"], None
        else:
            continue
        every = dates.parse_duration(meta.get("review_every")) or default_every
        source: str | None = "front matter"
        reviewed = dates.parse_date(meta.get("reviewed"))
        if reviewed is None and "reviewed" not in meta and git_dates:
            reviewed, source = git_dates.get(page.file), "git"
        if reviewed is None:
            source = None
        due, status, days = status_of(reviewed, every, today, within)
        by = _reviewer(meta) if source == "front matter" else None
        found.append(ReviewItem(page.file, title, key, owner, reviewed, source, every, due, status, days, by))
    return found


def _reviewer(meta: dict) -> str | None:
    """``reviewed_by`` as one line of text, or None when it is absent or not a name."""
    value = meta.get("reviewed_by")
    if not isinstance(value, str) or not value.strip():
        return None
    return " ".join(value.split())


def needing_review(found: list[ReviewItem]) -> list[ReviewItem]:
    """The items that are overdue, never reviewed or due soon, in the order people should act on them."""
    return sorted((item for item in found if item.status != OK), key=urgency)


def urgency(item: ReviewItem) -> tuple:
    """Sort key: the most overdue first, then pages never reviewed, then due soon by due date."""
    if item.status == OVERDUE:
        return (0, -(item.days or 0), item.file)
    if item.status == NEVER:
        return (1, 0, item.file)
    return (2, item.due.toordinal() if item.due else 0, item.file)


def git_commit_dates(docs_dir: Path) -> dict[str, date]:
    """The date of the last commit that touched each file under ``docs_dir``; {} outside git."""
    if git_toplevel(docs_dir) is None:
        return {}
    try:
        # quotePath off: git would otherwise print non-ASCII file names as "caf\303\251.md"
        done = git(
            ["-c", "core.quotePath=false", "log", "--format=%x00%cs", "--name-only", "--relative", "--", "."],
            docs_dir,
        )
    except GitError:
        return {}
    log = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0:
        return {}
    found: dict[str, date] = {}
    current: date | None = None
    for line in log.splitlines():
        if line.startswith("\x00"):
            current = dates.parse_date(line[1:].strip())
        elif line.strip() and current is not None:
            found.setdefault(line.strip(), current)
    return found


EARLIEST_REVIEW = date(1970, 1, 1)


def implausible_dates(handbook: Handbook, today: date) -> list[Diagnostic]:
    """On every page that sets ``reviewed``: a date before 1970 (``0000-01-01``) is an error; one after
    today is a warning (a page cannot be confirmed in the future, and the date would keep it out of every
    reminder; a warning, so a build dated in the past with SOURCE_DATE_EPOCH still builds)."""
    problems = []
    for page in handbook.pages:
        written = page.meta.get("reviewed")
        day = dates.parse_date(written)
        if not isinstance(written, str) or page.front is None:
            continue
        line = page.front.line_of(("reviewed",))
        entity = handbook.entity_of(page.file)
        key = entity.key if entity else None
        if day is None and written[:4] == "0000":
            problems.append(
                error(
                    "schema",
                    page.file,
                    line,
                    f"`reviewed` is {written}, which is not a date: "
                    "write the day the owner last confirmed the page, as YYYY-MM-DD",
                    key,
                )
            )
        elif day is not None and day < EARLIEST_REVIEW:
            problems.append(
                error(
                    "schema",
                    page.file,
                    line,
                    f"`reviewed` is {written}, long before any review "
                    "could have happened: write the day the owner last confirmed the page",
                    key,
                )
            )
        elif day is not None and day > today + timedelta(days=1):  # a day's grace for time zones
            problems.append(
                Diagnostic(
                    "reviewed-in-future",
                    WARNING,
                    page.file,
                    line,
                    f"`reviewed` is {written}, after today ({today.isoformat()}), which keeps the page out of "
                    "every review reminder: write the day the owner last confirmed the page",
                    key,
                )
            )
    return problems
