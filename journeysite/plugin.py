"""The MkDocs plugin: runs the journeysite pipeline during the build and reports through MkDocs' logger."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files

from . import pipeline
from .config import JourneysiteConfig
from .diagnostics import ERROR, INFO, WARNING, Diagnostic
from .settings import ConfigError, Settings

log = get_plugin_logger("journeysite")


def log_line(d: Diagnostic) -> str:
    segments = f" (segments: {', '.join(d.segments)})" if d.segments else ""
    return f"{d.file}:{d.line}: {d.message}{segments} [{d.code}]"


class JourneysitePlugin(BasePlugin[JourneysiteConfig]):
    """Validates the handbook on every build; errors fail it, warnings fail ``--strict``."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.result: pipeline.Result | None = None
        self.settings = Settings()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # State is reset on every build so `mkdocs serve` rebuilds start clean.
        self.result = None
        try:
            self.settings = self.config.settings()
        except ConfigError as exc:
            raise PluginError(f"journeysite: {exc}") from None
        return config

    @event_priority(50)  # before other plugins look at the files, so they see a validated handbook
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return files
        sources = [f.src_uri for f in files.documentation_pages() if f.abs_src_path]
        self.result = pipeline.run(Path(config.docs_dir), self.settings, sources)
        self._report(self.result.diagnostics)
        return files

    def _report(self, diagnostics: list[Diagnostic]) -> None:
        errors = [d for d in diagnostics if d.severity == ERROR]
        for d in diagnostics:
            if d.severity == WARNING:
                log.warning(log_line(d))
            elif d.severity == INFO:
                log.info(log_line(d))
        if errors:
            listing = "\n".join(f"  {log_line(d)}" for d in errors)
            raise PluginError(
                f"journeysite found {len(errors)} error(s) in the handbook; fix them and build again:\n{listing}"
            )
