"""The pipeline both doors share: load pages, validate, resolve references, build the model, analyse."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path, PurePosixPath

from . import gaps, journeys, loading, model, references, review
from .diagnostics import ERROR, WARNING, Diagnostic
from .settings import Project, Settings


@dataclass
class Result:
    """The validated handbook and every diagnostic about it, in file and line order."""

    handbook: model.Handbook
    diagnostics: list[Diagnostic] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == ERROR]

    @property
    def gap_entities(self) -> frozenset[str]:
        """The stages and milestones (``kind:id``) after which a missing handoff is reported: the only
        ones a diagram or the overview may flag (with ``gaps: off``, none)."""
        return gaps.missing_handoffs(self.diagnostics)


def run(
    docs_dir: Path,
    settings: Settings | None = None,
    files: Iterable[str] | None = None,
    others: Iterable[str] | None = None,
    today: date | None = None,
    exclude_docs: str = "",
) -> Result:
    """Check the handbook in ``docs_dir`` (all its pages, or the given relative ``files`` and the
    ``others`` files besides pages, which are checked only for safety)."""
    settings = settings or Settings()
    pages, diagnostics = loading.load(Path(docs_dir), files, others, exclude_docs)
    handbook, problems = model.build(pages)
    diagnostics.extend(problems)
    # A page whose front matter cannot be read still exists: links to it are not also unknown-ref errors.
    unreadable = {PurePosixPath(d.file).stem for d in diagnostics if d.code == "yaml-syntax"}
    diagnostics.extend(references.check(handbook, unreadable))
    diagnostics.extend(review.implausible_dates(handbook, today or date.today()))
    handbook.journeys = journeys.build(handbook)
    diagnostics.extend(gap_findings(handbook, settings))
    diagnostics.sort(key=Diagnostic.sort_key)
    return Result(handbook, diagnostics, settings)


def run_project(project: Project, today: date | None = None) -> Result:
    """Check the handbook of a ``mkdocs.yml`` as the command line finds it: the same pages MkDocs builds."""
    return run(project.docs_dir, project.settings, today=today, exclude_docs=project.exclude_docs)


def gap_findings(handbook: model.Handbook, settings: Settings) -> list[Diagnostic]:
    """The gap analysis, at the severity the ``gaps`` setting asks for (warn, error or off)."""
    if settings.gaps == "off":
        return []
    findings = gaps.analyse(handbook, handbook.journeys)
    if settings.gaps == "error":
        findings = [replace(d, severity=ERROR) if d.severity == WARNING else d for d in findings]
    return findings
