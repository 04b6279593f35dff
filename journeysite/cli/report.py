"""Report: diagnostics printed for people (text), tools (json), GitHub Actions (annotations) and GitLab
(a Code Quality report)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from itertools import groupby
from pathlib import Path

from journeysite.core import neutral
from journeysite.core.diagnostics import Diagnostic, counts
from journeysite.core.model import Handbook
from journeysite.core.schema import KINDS

_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
# GitLab's scale is info, minor, major, critical, blocker: an error (it fails the check) is major, a warning
# minor, an info info. Critical and blocker are left to security findings.
GITLAB_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(diagnostics: list[Diagnostic], pages: int, accepted: int = 0) -> str:
    """One line: how many errors, warnings and infos in how many files (and how many findings the
    pages accept)."""
    known = f" {plural(accepted, 'finding')} accepted on the pages (see the gaps report)." if accepted else ""
    if not diagnostics:
        return f"No problems in {plural(pages, 'page')}.{known}"
    n = counts(diagnostics)
    files = len({d.file for d in diagnostics})
    return (
        f"{plural(n['error'], 'error')}, {plural(n['warning'], 'warning')}, {n['info']} info "
        f"in {plural(files, 'file')} ({plural(pages, 'page')} checked).{known}"
    )


def text(
    diagnostics: list[Diagnostic],
    pages: int,
    docs_dir: Path,
    style: Callable[[str, str], str],
    accepted: int = 0,
) -> str:
    """Group by file; each line ``path:line: severity: message [code]``, paths relative to the current folder."""
    lines: list[str] = []
    for file, group in groupby(sorted(diagnostics, key=Diagnostic.sort_key), key=lambda d: d.file):
        shown = neutral.line(display_path(docs_dir, file))
        lines.append(style(shown, "file"))
        for d in group:
            where = f"{shown}:{d.line}"
            segments = f" (segments: {', '.join(d.segments)})" if d.segments else ""
            message = neutral.line(d.message)
            lines.append(f"  {where}: {style(d.severity, d.severity)}: {message}{segments} [{d.code}]")
        lines.append("")
    lines.append(summary_line(diagnostics, pages, accepted))
    return "\n".join(lines)


def as_json(diagnostics: list[Diagnostic], handbook: Handbook) -> str:
    """The ``check --format json`` object of SPEC §5."""
    return json.dumps(
        {
            "diagnostics": [d.as_dict() for d in sorted(diagnostics, key=Diagnostic.sort_key)],
            "counts": counts(diagnostics),
            "entities": {kind: len(handbook.of_kind(kind)) for kind in KINDS},
        },
        indent=2,
        ensure_ascii=False,
    )


def github(diagnostics: list[Diagnostic], docs_dir: Path) -> str:
    """GitHub Actions workflow commands, one annotation per diagnostic."""
    lines = []
    for d in sorted(diagnostics, key=Diagnostic.sort_key):
        props = ",".join(
            [
                f"file={_escape_property(display_path(docs_dir, d.file))}",
                f"line={d.line}",
                f"title={_escape_property('journeysite ' + d.code)}",
            ]
        )
        lines.append(f"::{_GITHUB_LEVEL[d.severity]} {props}::{_escape_data(d.message)}")
    return "\n".join(lines)


def gitlab(diagnostics: list[Diagnostic], docs_dir: Path, root: Path) -> str:
    """A GitLab Code Quality report: a JSON array with one issue per diagnostic, its path relative to
    ``root`` (the repository's top level, as GitLab wants it) and a fingerprint that stays the same from
    run to run, and when unrelated lines move, but differs for each finding."""
    import hashlib  # only this format needs it: not imported for every check

    issues = []
    seen: dict[tuple, int] = {}
    for d in sorted(diagnostics, key=Diagnostic.sort_key):
        path = repository_path(docs_dir, d.file, root)
        segments = f" (segments: {', '.join(d.segments)})" if d.segments else ""
        key = (path, d.code, d.entity or "", d.segments, d.message)
        occurrence = seen[key] = seen.get(key, -1) + 1  # the same finding twice in one file: 0, then 1
        fingerprint = hashlib.sha256(json.dumps([*key, occurrence]).encode("utf-8")).hexdigest()
        issues.append(
            {
                "description": neutral.line(f"{d.message}{segments}"),
                "check_name": d.code,
                "fingerprint": fingerprint,
                "severity": GITLAB_SEVERITY[d.severity],
                "location": {"path": path, "lines": {"begin": max(1, d.line)}},
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False)


def repository_path(docs_dir: Path, file: str, root: Path) -> str:
    """A page's path from the repository's top level ``root`` (as CODEOWNERS and GitLab want it)."""
    full = Path(docs_dir).resolve() / file
    try:
        return Path(os.path.relpath(full, Path(root).resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return full.as_posix()


def display_path(docs_dir: Path, file: str) -> str:
    """A page's path relative to the current folder, as editors and GitHub want it."""
    full = Path(docs_dir) / file
    try:
        return Path(os.path.relpath(full)).as_posix()
    except ValueError:  # another drive on Windows
        return full.as_posix()


def _escape_data(value: str) -> str:
    escaped = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return neutral.line(escaped)  # no terminal escapes or other breaks either


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")
