"""Diagnostics: the one shape every problem and finding takes, from YAML errors to handoff gaps."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem or finding, located in a page of the handbook."""

    code: str
    severity: str
    file: str
    line: int
    message: str
    entity: str | None = None
    segments: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "entity": self.entity,
            "segments": list(self.segments),
        }

    def sort_key(self) -> tuple:
        return (self.file, self.line, SEVERITIES.index(self.severity), self.code, self.message)


def error(code: str, file: str, line: int, message: str, entity: str | None = None) -> Diagnostic:
    return Diagnostic(code, ERROR, file, max(1, line), message, entity)


def counts(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    """Return how many diagnostics there are of each severity."""
    result = dict.fromkeys(SEVERITIES, 0)
    for d in diagnostics:
        result[d.severity] += 1
    return result


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate most like ``word``, if any is close enough to be a likely typo."""
    matches = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return a ' Did you mean `x`?' sentence, or '' when nothing is close."""
    match = closest(word, candidates)
    return f" Did you mean `{match}`?" if match else ""
