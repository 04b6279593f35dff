"""``mkdocs serve --dirty`` made exact: MkDocs does not empty the site folder before each rebuild, and builds
only the files whose ``File.is_modified()`` says so. MkDocs answers from modification times, so its dirty
builds leave stale every page that lists, links to or diagrams an edited one. With journeysite the
answers are these:

- every page is read and converted (a page journeysite keeps costs next to nothing), and only a page whose
  output is the last build's exactly (``Rebuild.keep_outputs``) is not rendered and written again: its
  file in the site folder holds it already;
- a file besides pages (an image, the theme's assets) is copied again when it is not the file it was at the
  last copy (its size, times or inode differ: an older file moved in place counts);
- a build whose signature is not the last build's (the configuration, the theme, the set of files and
  their URLs: a page added, deleted or renamed) starts from an empty site folder, with MkDocs' own
  ``clean_directory``, as every build of plain ``mkdocs serve`` does; so does the first, and the one after
  a failed build. Nothing of a file gone, or of a plugin removed, stays.

Only while journeysite can tell what an edit changes (``incremental.why_not``); else MkDocs' own dirty
builds go on, with its warning and one of journeysite's."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import clean_directory

from journeysite.core.reading import loading

# What MkDocs logs before each dirty build ("… will likely lead to inaccurate navigation and other links
# within your site …"): not so while journeysite decides which files are built.
MKDOCS_WARNING = "A 'dirty' build is being performed"
BUILD_LOGGERS = ("mkdocs.commands.build", "properdocs.commands.build")


def _modified() -> bool:
    return True


def _unmodified() -> bool:
    return False


def start_empty(site_dir: str) -> None:
    """Empty the site folder, as MkDocs does before a build that is not dirty."""
    clean_directory(site_dir)


def read_every_page(files: Files) -> None:
    """Every page is read and converted, drafts too (``serve`` shows them): MkDocs' dirty build would read
    only those edited since their output was written."""
    for file in files.documentation_pages(inclusion=InclusionLevel.is_in_serve):
        file.is_modified = _modified  # type: ignore[method-assign]


def leave_written(file: File) -> None:
    """MkDocs neither renders nor writes this page: the site folder holds its output as it would be."""
    file.is_modified = _unmodified  # type: ignore[method-assign]


def copy_changed(files: Files, copied: dict[str, loading.Stamp]) -> dict[str, loading.Stamp]:
    """Have MkDocs copy each file besides pages that is not the file it copied last (``copied``: the
    identity of each at the last build), or whose copy is missing; return this build's identities."""
    now: dict[str, loading.Stamp] = {}
    for file in files:
        if file.is_documentation_page() or not file.abs_src_path or file.generated_by:
            continue
        identity = loading.stamp(file.abs_src_path)
        if identity is None:
            continue  # (MkDocs reports it when it copies)
        now[file.abs_src_path] = identity
        same = copied.get(file.abs_src_path) == identity and os.path.isfile(file.abs_dest_path)
        file.is_modified = _unmodified if same else _modified  # type: ignore[method-assign]
    return now


class QuietDirtyWarning(logging.Filter):
    """Drops MkDocs' warning that a dirty build shows stale pages, while ``exact()`` says journeysite
    rebuilds every file that can differ (a filter on the logger itself: ``--strict`` does not count it)."""

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
