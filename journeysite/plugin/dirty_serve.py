"""``mkdocs serve --dirty`` made exact: the site folder is not emptied before each rebuild, and MkDocs
builds only the pages whose ``File.is_modified()`` says so. MkDocs asks the file's modification time, so
its dirty builds leave stale every page that lists, links to or diagrams an edited one. With journeysite
the answer is journeysite's own: every page is read (a kept one costs next to nothing), and only a page
whose output is the last build's exactly (``Rebuild.keep_outputs``) is not written again: its file in the
site folder already holds it. The outputs of files gone since the last build are deleted, so the folder
ends as a clean build would leave it.

Only while journeysite can tell what an edit changes (``incremental.why_not``); else MkDocs' own dirty
builds go on, with its warning and one of journeysite's."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from mkdocs.structure.files import File, Files

# What MkDocs logs before each dirty build ("… will likely lead to inaccurate navigation and other links
# within your site …"): not so while journeysite decides which pages are built.
MKDOCS_WARNING = "A 'dirty' build is being performed"
BUILD_LOGGERS = ("mkdocs.commands.build", "properdocs.commands.build")


def _modified() -> bool:
    return True


def _unmodified() -> bool:
    return False


def read_every_page(files: Files) -> None:
    """Every page is read and converted (journeysite keeps the HTML of those that cannot have changed):
    MkDocs' dirty build would read only those edited since their output was written."""
    for file in files.documentation_pages():
        file.is_modified = _modified  # type: ignore[method-assign]


def leave_written(file: File) -> None:
    """MkDocs neither renders nor writes this page: the site folder holds its output as it would be."""
    file.is_modified = _unmodified  # type: ignore[method-assign]


def outputs(files: Files) -> set[str]:
    """Where this build writes each of its files (drafts too: `serve` shows them)."""
    return {f.abs_dest_path for f in files if f.inclusion.is_in_serve()}


def delete_gone(site_dir: str, before: Iterable[str], now: set[str]) -> list[str]:
    """Delete what an earlier build wrote for files this one does not have (a page deleted or renamed),
    and the folders that leaves empty, never outside the site folder or through a link. Returns what
    could not be deleted."""
    top = Path(site_dir).resolve()
    left = []
    for path in sorted(set(before) - now):
        target = Path(path)
        try:
            if target.parent.resolve().is_relative_to(top) and not target.is_symlink():
                target.unlink(missing_ok=True)
                folder = target.parent
                while folder != top and folder.resolve().is_relative_to(top) and not any(folder.iterdir()):
                    folder.rmdir()
                    folder = folder.parent
        except OSError:
            left.append(path)
    return left


class QuietDirtyWarning(logging.Filter):
    """Drops MkDocs' warning that a dirty build shows stale pages, while ``exact()`` says journeysite
    rebuilds every page that can differ (a filter on the logger itself: ``--strict`` does not count it)."""

    def __init__(self, exact: Callable[[], bool]) -> None:
        super().__init__()
        self.exact = exact

    def filter(self, record: logging.LogRecord) -> bool:
        return not (self.exact() and str(record.msg).startswith(MKDOCS_WARNING))

    def attach(self) -> None:
        for name in BUILD_LOGGERS:
            logger = logging.getLogger(name)
            if self not in logger.filters:
                logger.addFilter(self)

    def detach(self) -> None:
        for name in BUILD_LOGGERS:
            logging.getLogger(name).removeFilter(self)
