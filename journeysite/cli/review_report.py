"""Review report: the pages due for review, by owner team, for people (text), a CI issue (markdown) and tools (json)."""

from __future__ import annotations

import json
import os
import posixpath
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from urllib.parse import quote

from journeysite.cli import forge as forges
from journeysite.cli.report import display_path, plural
from journeysite.core import neutral, pipeline
from journeysite.core.analysis import review
from journeysite.core.analysis.review import DUE_SOON, NEVER, OVERDUE, ReviewItem
from journeysite.core.gitrepo import git_toplevel
from journeysite.core.model import Handbook
from journeysite.core.settings import Project
from journeysite.render.links import page_url

# GitHub refuses an issue body over 65,536 characters; what does not fit is counted, not listed.
MAX_MARKDOWN = 60_000


@dataclass
class Review:
    """The outcome of a review run: every page's state on ``today``, and notes about pages left out."""

    today: date
    within: int
    found: list[ReviewItem]
    handbook: Handbook
    notes: list[str] = field(default_factory=list)

    @cached_property
    def listed(self) -> list[ReviewItem]:
        return review.needing_review(self.found)

    @property
    def overdue(self) -> bool:
        return any(item.status == OVERDUE for item in self.found)


def run(project: Project, today: date, within: int) -> Review:
    """Load the handbook and compute the review state of its pages; errors in it do not stop the review."""
    result = pipeline.run_project(project, today, within, git_dates=True)
    found = list(result.review.values())
    notes = [
        f"{display_path(project.docs_dir, d.file)}:{d.line}: skipped, its front matter cannot be read: {d.message}"
        for d in result.errors
        if d.code == "yaml-syntax"
    ]
    others = [d for d in result.errors if d.code != "yaml-syntax"]
    if others:
        notes.append(
            f"the handbook has {plural(len(others), 'other error' if notes else 'error')}; run `journeysite check` to see them "
            "(review lists the pages as best it can)"
        )
    return Review(today, within, found, result.handbook, notes)


# ---- grouping by owner team -----------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """The pages one owner team must review."""

    owner: str | None
    title: str  # the team's title, or a description when there is no such team
    handles: tuple[str, ...]  # those that are handles on the forge
    items: list[ReviewItem]
    known: bool  # the owner is a team with a page
    lead: str | None = None  # the team's named lead: the person to ask
    written: tuple[str, ...] = ()  # every handle the team page writes, valid or not


def groups(handbook: Handbook, listed: list[ReviewItem], forge: str = "github") -> list[Group]:
    """The listed pages grouped by owner team (with its handles on ``forge``), teams in title order,
    pages without a known team last."""
    by_owner: dict[str | None, list[ReviewItem]] = {}
    for item in listed:
        by_owner.setdefault(item.owner, []).append(item)
    found = []
    for owner, items in by_owner.items():
        team = handbook.get("team", owner) if owner else None
        if team is not None:
            handles = forges.valid_handles(team, forge)
            written = forges.written_handles(team)
            found.append(Group(owner, team.title, handles, items, True, team.text("lead"), written))
        elif owner:
            found.append(Group(owner, f"{owner} (no team has this id)", (), items, False))
        else:
            found.append(Group(None, "No owner team", (), items, False))
    return sorted(found, key=lambda g: (not g.known, g.owner is None, g.title.lower(), g.owner or ""))


def _days_phrase(item: ReviewItem) -> str:
    if item.days is None:
        return "never reviewed"
    if item.days > 0:
        return f"{plural(item.days, 'day')} overdue"
    return "due today" if item.days == 0 else f"due in {plural(-item.days, 'day')}"


def _reviewed_phrase(item: ReviewItem) -> str:
    if item.reviewed is None:
        return "never"
    return item.reviewed.isoformat() + (" (last commit)" if item.source == "git" else "")


def _reviewer(item: ReviewItem, shown: Callable[[str], str]) -> str:
    """`` by NAME`` (the page's ``reviewed_by``, neutralised by ``shown`` for its medium), or ''."""
    return f" by {shown(item.reviewed_by)}" if item.reviewed_by else ""


def _counts(listed: list[ReviewItem], within: int) -> str:
    n = Counter(item.status for item in listed)
    parts = [f"{n[OVERDUE]} overdue"] if n[OVERDUE] else []
    if n[NEVER]:
        parts.append(f"{n[NEVER]} never reviewed")
    if n[DUE_SOON]:
        parts.append(f"{n[DUE_SOON]} due within {plural(within, 'day')}")
    return ", ".join(parts)


# ---- text ---------------------------------------------------------------------------------------------


def text(
    result: Review, docs_dir: Path, style: Callable[[str, str], str] = lambda s, _: s, forge: str = "github"
) -> str:
    """Per owner team (with its handles on ``forge``), one line per page:
    ``path  status  reviewed → due  (N days overdue)``."""
    listed = result.listed
    lines: list[str] = []
    paths = {item.file: neutral.line(display_path(docs_dir, item.file)) for item in listed}
    width = max((len(p) for p in paths.values()), default=0)
    status_width = max((len(item.status) for item in listed), default=0)
    for group in groups(result.handbook, listed, forge):
        handles = " ".join(group.handles) if group.handles else f"no {forges.NAMES[forge]} handles"
        lead = f", lead: {neutral.line(group.lead)}" if group.lead else ""
        lines.append(style(f"{neutral.line(group.title)} ({handles}{lead})", "team"))
        for item in group.items:
            due = item.due.isoformat() if item.due else "—"
            lines.append(
                f"  {paths[item.file].ljust(width)}  {style(item.status.ljust(status_width), item.status)}  "
                f"{_reviewed_phrase(item)}{_reviewer(item, neutral.line)} → {due}"
                + (f"  ({_days_phrase(item)})" if item.days is not None else "")
            )
        lines.append("")
    lines.append(_summary(result))
    return "\n".join(lines)


def _summary(result: Review) -> str:
    total, listed, day = len(result.found), result.listed, result.today.isoformat()
    if not total:
        return f"Nothing to review as of {day}: no active entity page, and no page that sets `owner`."
    if not listed:
        return f"Nothing to review as of {day}: all {plural(total, 'page')} are up to date."
    return (
        f"{len(listed)} of {plural(total, 'page')} to review as of {day}: {_counts(listed, result.within)}."
    )


# ---- markdown: an issue body for a scheduled CI job ------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """Where the markdown report links a page: the published site, else the file in the repository."""

    docs_dir: Path
    repo_root: Path
    site_url: str | None = None
    use_directory_urls: bool = True
    repo_url: str | None = None
    forge: str = "github"

    def href(self, file: str) -> str:
        if self.site_url:
            url = page_url(file, self.use_directory_urls)
            return self.site_url.rstrip("/") + "/" + quote(url, safe="/~")
        path = Path(os.path.relpath(self.docs_dir / file, self.repo_root)).as_posix()
        path = quote(posixpath.normpath(path), safe="/~")
        if not self.repo_url:
            return path
        return f"{self.repo_url.rstrip('/')}/{forges.blob_path(self.repo_url, self.forge)}/HEAD/{path}"

    def review_page(self) -> str | None:
        """The published review status page, where the site has a URL."""
        if not self.site_url:
            return None
        return self.site_url.rstrip("/") + "/" + page_url("journey/review.md", self.use_directory_urls)


def links_for(project: Project, forge: str = "github") -> Links:
    """The link targets for ``project``: ``site_url`` and ``use_directory_urls``, ``repo_url`` (a file
    page on ``forge``) and the repo root."""
    return Links(
        docs_dir=project.docs_dir,
        repo_root=git_toplevel(project.docs_dir) or project.config_file.parent,
        site_url=project.site_url,
        use_directory_urls=project.use_directory_urls,
        repo_url=project.repo_url,
        forge=forge,
    )


def markdown(result: Review, links: Links) -> str:
    """An issue body: what is due, per owner team mentioning its handles on the forge (``links.forge``),
    and how to record a review."""
    listed, day = result.listed, result.today.isoformat()
    if not listed:
        what = (
            f"all {plural(len(result.found), 'page')} are up to date"
            if result.found
            else "no page is under review yet"
        )
        return "\n".join(
            [
                "## Handbook review: nothing is due",
                "",
                f"As of {day}, nothing is due: no page is overdue, none falls due within "
                f"{plural(result.within, 'day')}, and {what}.",
                "",
            ]
        )
    parts = [
        "## Handbook pages due for review",
        "",
        f"As of {day}, {plural(len(listed), 'page')} of {len(result.found)} "
        f"{'needs' if len(listed) == 1 else 'need'} review: {_counts(listed, result.within)}. "
        "Each owner team confirms its pages are still true, or fixes them.",
        "",
    ]
    footer = _markdown_footer(result, links)
    budget = MAX_MARKDOWN - _size(footer) - 4_000  # room for the lines that count what is left out
    left_out: list[tuple[Group, list[ReviewItem]]] = []
    for group in groups(result.handbook, listed, links.forge):
        heading, rows = _markdown_group(group, links)
        fitting = 0
        if not left_out and _size(parts) + _size(heading) + len(rows[0]) < budget:
            parts += heading
            while fitting < len(rows) and _size(parts) + len(rows[fitting]) + 1 < budget:
                parts.append(rows[fitting])
                fitting += 1
            parts.append("")
        if fitting < len(group.items):
            left_out.append((group, group.items[fitting:]))
    if left_out:
        parts += _markdown_left_out(
            left_out, links, MAX_MARKDOWN - _size(footer) - _size(parts), result.within
        )
    return "\n".join(parts + footer)


def _size(lines: list[str]) -> int:
    """Characters as GitHub counts them (UTF-16 code units: an emoji is two), line breaks included."""
    return sum(len(line.encode("utf-16-le")) // 2 + 1 for line in lines)


def _markdown_group(group: Group, links: Links) -> tuple[list[str], list[str]]:
    """One owner team's heading (mentioning its handles) and table header, and a table row per page."""
    heading = f"### {neutral.markdown(group.title)}{_mentions(group, links.forge)}"
    lines = [heading, ""]
    if group.lead:
        lines += [f"Team lead: {neutral.markdown(group.lead)}", ""]
    if not group.known:
        lines += ["These pages name no existing team as `owner`: set one so that someone reviews them.", ""]
    lines += ["| Page | Status | Last reviewed | Due |", "|---|---|---|---|"]
    rows = []
    for item in group.items:
        page = f"[{neutral.markdown(item.title)}]({_md_url(links.href(item.file))})"
        due = item.due.isoformat() if item.due else "—"
        status = "Never reviewed" if item.days is None else _days_phrase(item).capitalize()
        reviewed = _reviewed_phrase(item) + _reviewer(item, neutral.markdown)
        rows.append(f"| {page} | {status} | {reviewed} | {due} |")
    return lines, rows


def _markdown_left_out(
    left_out: list[tuple[Group, list[ReviewItem]]], links: Links, room: int, within: int
) -> list[str]:
    """The teams whose pages did not fit in one issue, counted (and still mentioned), with a link to
    the full list."""
    pages = sum(len(items) for _, items in left_out)
    where = links.review_page()
    see = f"[the review status page]({_md_url(where)})" if where else "`journeysite review`"
    lines = [
        f"### {plural(pages, 'more page')} to review",
        "",
        f"One issue cannot list them all: see {see} for every page.",
        "",
    ]
    used = sum(len(line) + 1 for line in lines)
    for shown, (group, items) in enumerate(left_out):
        entry = f"- {neutral.markdown(group.title)}{_mentions(group, links.forge)}"
        entry += f": {plural(len(items), 'page')} ({_counts(items, within)})"
        if used + len(entry) + 1 > room:
            lines.append(f"- and {plural(len(left_out) - shown, 'more team')}")
            break
        lines.append(entry)
        used += len(entry) + 1
    return [*lines, ""]


def _mentions(group: Group, forge: str) -> str:
    """`` (@acme/cs @dana)``: the team's handles, each a mention where it is a handle on ``forge`` and
    inline code where it is not (a handle of the other forge, or one the schema refuses); '' for none."""
    shown = [forges.mention(handle, forge) for handle in group.written]
    return f" ({' '.join(shown)})" if shown else ""


def _markdown_footer(result: Review, links: Links) -> list[str]:
    example = neutral.line(display_path(links.docs_dir, result.listed[0].file)).replace("`", "'")
    day = result.today.isoformat()
    return [
        "---",
        "",
        f"**To record a review**, check the page with its owner team, then run "
        f"`journeysite review --mark PATH` (for example `journeysite review --mark {example}`), which records "
        "today's date and you as the reviewer (your git `user.name`, or `--by NAME`), and open a "
        f"{forges.CHANGE_REQUESTS[links.forge]}; or set `reviewed: {day}` and `reviewed_by:` in the page's "
        "front matter yourself. "
        "Pages without `reviewed:` count from their last git commit.",
        "",
    ]


def _md_url(url: str) -> str:
    """A link target that cannot end the link early: spaces, parentheses and angle brackets encoded."""
    return (
        url.replace(" ", "%20")
        .replace("(", "%28")
        .replace(")", "%29")
        .replace("<", "%3C")
        .replace(">", "%3E")
    )


# ---- json -------------------------------------------------------------------------------------------------


def as_json(result: Review) -> str:
    """``{"today": date, "pages": [{file, title, entity, owner, reviewed, reviewed_by, due, status, days}, …]}``."""
    return json.dumps(
        {"today": result.today.isoformat(), "pages": [item.as_dict() for item in result.listed]},
        indent=2,
        ensure_ascii=False,
    )
