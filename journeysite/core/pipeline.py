"""The pipeline both doors share: load pages, validate, resolve references, build the model, analyse."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path, PurePosixPath

from journeysite.core import cut_text, model, placeholders, references
from journeysite.core.analysis import (
    accepting,
    capacity,
    consistency,
    gaps,
    journeys,
    review,
    thresholds,
    timing,
)
from journeysite.core.diagnostics import ERROR, Diagnostic
from journeysite.core.reading import loading
from journeysite.core.reading.parse_cache import ParseCache
from journeysite.core.settings import LEVELLED_CODES, ConfigError, Project, Settings


@dataclass(frozen=True)
class Result:
    """Everything known about the handbook, computed once per build or command: the model with its
    journeys, every finding at the level the ``gaps`` setting gives it (in file and line order), and
    each page's review status on ``today``. Renderers, exports and commands only read it."""

    handbook: model.Handbook
    diagnostics: list[Diagnostic] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    today: date = field(default_factory=date.today)
    review: dict[str, review.ReviewItem] = field(default_factory=dict)  # by file, relative to docs_dir
    refused: frozenset[str] = frozenset()  # files never to read or publish (``unsafe-file``)
    accepted: tuple[accepting.Accepted, ...] = ()  # findings an ``accept`` item explains, with its reason
    capacity: capacity.Capacity = field(default_factory=capacity.Capacity)  # hours each team's steps take

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == ERROR]

    @property
    def gap_entities(self) -> frozenset[str]:
        """The stages and milestones (``kind:id``) after which a missing handoff is reported: the only
        ones a diagram or the overview may flag (with ``gaps: off``, none)."""
        return gaps.missing_handoffs(self.diagnostics)


@dataclass
class Memo:
    """The last run's result and what its model was made of (``mkdocs serve`` holds one across its
    rebuilds). The model is a function of each page's front matter as written, where its body starts and
    the ``[[kind:id]]`` links in it, what reading found, the settings, the day and the commit dates: a run
    whose inputs are all the last run's gives back the last result, which it would only compute again.
    An edit of a page's body outside its links changes none of them. ``read``: each page as last read,
    which a file with the same stamp gives back without being read again."""

    inputs: tuple[object, ...] = ()
    result: Result | None = None
    read: loading.Known = field(default_factory=dict)  # each page as last read (``loading.load``)


def _inputs(pages: list[loading.Page]) -> tuple[object, ...]:
    return tuple((p.file, p.front_source, p.body_line, tuple(p.body_refs)) for p in pages)


def run(
    docs_dir: Path,
    settings: Settings | None = None,
    files: Iterable[str] | None = None,
    others: Iterable[str] | None = None,
    today: date | None = None,
    exclude_docs: str = "",
    within: int = review.DEFAULT_WITHIN,
    git_dates: bool = False,
    root: Path | None = None,
    docs_as_written: Path | None = None,
    review_status: bool = True,
    keep_parsed: bool = False,
    memo: Memo | None = None,
) -> Result:
    """Check the handbook in ``docs_dir`` (all its pages, or the given relative ``files`` and the
    ``others`` files besides pages, which are checked only for safety) as of ``today``: a review falls
    due soon ``within`` days. With ``git_dates``, a page without ``reviewed`` counts from its last commit
    (a walk of the history, which only what shows review status needs: not ``check``). With the project's ``root``, a docs folder that is (or sits in) a symbolic link
    below it is refused (``docs_as_written``: the folder as mkdocs.yml names it, links unresolved).
    Without ``review_status`` (``check``, which does not show it), ``Result.review`` is left empty. With
    ``keep_parsed`` and ``root``, the front matter parsed is kept for the next run (``parse_cache``). With
    ``memo``, the last run's result is given back when this run's inputs are the same (``Memo``)."""
    settings = settings or Settings()
    today = today or date.today()
    refused = loading.unsafe_docs_dir(docs_as_written or Path(docs_dir), root) if root is not None else None
    if refused is not None:  # nothing in it is read
        return Result(model.Handbook([]), [refused], settings, today)
    parsed = ParseCache.of_project(root) if keep_parsed and root is not None else None
    read = memo.read if memo is not None and parsed is None else None
    pages, diagnostics, refused_files = loading.load(
        Path(docs_dir), files, others, exclude_docs, parsed, read
    )
    commits = review.git_commit_dates(Path(docs_dir)) if git_dates and review_status else {}
    inputs = (
        Path(docs_dir),
        _inputs(pages),
        tuple(diagnostics),
        refused_files,
        settings,
        today,
        within,
        review_status,
        commits,
    )
    if memo is not None and memo.result is not None and memo.inputs == inputs and parsed is None:
        return memo.result
    handbook, problems = model.build(pages)
    diagnostics.extend(problems)
    if parsed is not None:
        parsed.save()  # (with what the model's validation learnt: which pages meet their schema)
    # A page whose front matter cannot be read still exists: links to it are not also unknown-ref errors.
    unreadable = {PurePosixPath(d.file).stem for d in diagnostics if d.code == "yaml-syntax"}
    diagnostics.extend(references.check(handbook, unreadable))
    diagnostics.extend(placeholders.check(handbook))
    diagnostics.extend(cut_text.check(handbook))
    diagnostics.extend(review.implausible_dates(handbook, today))
    handbook.journeys, handbook.whole_journey = journeys.build(handbook)
    _check_start_here_team(handbook, settings)
    planned = capacity.compute(handbook, settings)
    diagnostics.extend(findings(handbook, settings, diagnostics, capacity.exceeded(planned, handbook)))
    # Accepted as found, then levelled: `gaps: error` makes the findings nobody accepted fail the build.
    diagnostics, accepted = accepting.apply(
        handbook, diagnostics, settings.silenced, LEVELLED_CODES, stale=not blocked(diagnostics)
    )
    diagnostics = _levelled(diagnostics, settings)
    diagnostics.sort(key=Diagnostic.sort_key)
    items = review.items(handbook, settings, today, within, commits) if review_status else []
    result = Result(
        handbook,
        diagnostics,
        settings,
        today,
        {item.file: item for item in items},
        refused_files,
        tuple(sorted(accepted, key=lambda a: a.diagnostic.sort_key())),
        planned,
    )
    if memo is not None:
        memo.inputs, memo.result = inputs, result
    return result


def run_project(
    project: Project,
    today: date | None = None,
    within: int = review.DEFAULT_WITHIN,
    git_dates: bool = False,
    review_status: bool = True,
    keep_parsed: bool = False,
) -> Result:
    """Check the handbook of a ``mkdocs.yml`` as the command line finds it: the same pages MkDocs builds."""
    return run(
        project.docs_dir,
        project.settings,
        today=today,
        exclude_docs=project.exclude_docs,
        within=within,
        git_dates=git_dates,
        root=project.config_file.parent,
        docs_as_written=project.docs_as_written,
        review_status=review_status,
        keep_parsed=keep_parsed,
    )


# Findings about one page alone: still reported while another page has an error. Every other finding
# may exist only because a page could not be read or broke the schema (a handoff with a typo does not
# cover its transition), so it waits until the errors are fixed: one mistake, one diagnostic (SPEC §7.4).
_LOCAL_CODES = frozenset({"handoff-without-artifacts", "raci-conflict"})
_READING_ERRORS = frozenset(
    {"yaml-syntax", "unknown-kind", "schema", "unknown-ref", "duplicate-id", placeholders.CODE}
)


def findings(
    handbook: model.Handbook, settings: Settings, errors: list[Diagnostic], more: Iterable[Diagnostic] = ()
) -> list[Diagnostic]:
    """The gap analysis and the consistency checks (and ``more`` findings: capacity's), less what a
    reading error may have caused (one mistake, one diagnostic: SPEC §7.4) and the codes whose level is off."""
    found = gaps.analyse(handbook, handbook.journeys) + consistency.analyse(handbook, handbook.journeys)
    found += timing.analyse(handbook, handbook.journeys)
    found += thresholds.analyse(handbook)
    found += more
    broken = {e.key for e in handbook.all() if not e.valid} | {d.entity for d in errors if d.entity}
    unsettled = blocked(errors)
    silenced = settings.silenced
    return [
        d
        for d in found
        if d.entity not in broken
        and not (unsettled and d.code not in _LOCAL_CODES)
        and d.code not in silenced
    ]


def blocked(errors: list[Diagnostic]) -> bool:
    """True while a page cannot be read or breaks the schema or a reference: the journeys are not
    settled, so findings across pages (and stale acceptances) wait."""
    return any(d.code in _READING_ERRORS for d in errors)


def _levelled(diagnostics: list[Diagnostic], settings: Settings) -> list[Diagnostic]:
    """Every finding at the level the ``gaps`` setting gives its code (errors stay errors)."""
    out = []
    for d in diagnostics:
        if d.severity == ERROR or d.code not in LEVELLED_CODES:
            out.append(d)
            continue
        severity = settings.severity(d.code, d.severity)
        if severity is not None:
            out.append(d if severity == d.severity else replace(d, severity=severity))
    return out


def _check_start_here_team(handbook: model.Handbook, settings: Settings) -> None:
    """``start_here_team`` set to a team the handbook does not have is a configuration error (SPEC §7.4);
    the default names a team only where the handbook has it."""
    team = settings.start_here_team
    if team == Settings.start_here_team or handbook.get("team", team) is not None or not handbook.pages:
        return
    from journeysite.core.diagnostics import did_you_mean

    teams = [t.id for t in handbook.of_kind("team")]
    raise ConfigError(
        f"journeysite option `start_here_team` is `{team}`, but no team page has that id: give the id of the "
        f"team whose steps a new CSM learns first.{did_you_mean(team, teams)}"
    )
