"""The plugin's voice in the build log: diagnostics as MkDocs warnings and errors, one neutral line each."""

from __future__ import annotations

import logging

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from journeysite.core import neutral
from journeysite.core.diagnostics import ERROR, INFO, WARNING, Diagnostic

log = get_plugin_logger("journeysite")


class _OneLine(logging.Filter):
    """Every record journeysite logs is one neutral line: a title holding a line break, a terminal escape
    or a GitHub workflow command (``::add-mask::``) cannot reach the build log as such."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = neutral.line(record.getMessage()), None
        return True


log.logger.addFilter(_OneLine())


class _SafeLines(logging.Filter):
    """Each line of a record neutralised, its line breaks kept: for MkDocs' own messages, which quote
    what pages say (a link target decoded from ``%0A::warning …``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = neutral.log_block(record.getMessage()), None
        return True


def guard_build_log() -> None:
    """Put the line guard on every handler of the builder's loggers (MkDocs', ProperDocs'), once."""
    for name in ("mkdocs", "properdocs"):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, _SafeLines) for f in handler.filters):
                handler.addFilter(_SafeLines())


def log_line(d: Diagnostic) -> str:
    segments = f" (segments: {', '.join(d.segments)})" if d.segments else ""
    return f"{d.file}:{d.line}: {d.message}{segments} [{d.code}]"


def report(diagnostics: list[Diagnostic]) -> None:
    """Warnings as MkDocs warnings (``--strict`` fails on them), info as info; errors fail the build,
    every one of them listed."""
    for d in diagnostics:
        if d.severity == WARNING:
            log.warning(log_line(d))
        elif d.severity == INFO:
            log.info(log_line(d))
    errors = [d for d in diagnostics if d.severity == ERROR]
    if errors:
        listing = "\n".join(f"  {neutral.line(log_line(d))}" for d in errors)
        raise PluginError(
            f"journeysite found {len(errors)} error(s) in the handbook; fix them and build again:\n{listing}"
        )
