"""The MkDocs plugin's options, as mkdocs.yml writes them (SPEC §6)."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from journeysite.core.settings import GAP_MODES, Settings

_DEFAULTS = Settings()


class _GapMode(c.Choice):
    """``gaps``: a mode (``off`` as written in mkdocs.yml: YAML reads a bare ``off`` as false), or a
    mapping of levels by code, which Settings validates."""

    def run_validation(self, value: object) -> object:
        if isinstance(value, dict):
            return value
        return super().run_validation("off" if value is False else value)


class _Number(c.OptionallyRequired[float]):
    """A number option, passed on as written: Settings says what is wrong with it, in plain words."""

    def run_validation(self, value: object) -> float:
        return value  # type: ignore[return-value]  # checked by Settings.from_mapping


class JourneysiteConfig(Config):
    enabled = c.Type(bool, default=True)
    review_every = c.Type(str, default=_DEFAULTS.review_every)
    diagrams = c.Type(bool, default=_DEFAULTS.diagrams)
    gaps = _GapMode(GAP_MODES, default=_DEFAULTS.gaps)
    start_here_team = c.Type(str, default=_DEFAULTS.start_here_team)
    allow_raw_html = c.Type(bool, default=_DEFAULTS.allow_raw_html)
    codeowners_default = c.Type(str, default=_DEFAULTS.codeowners_default)
    dot_deadline = c.Type(int, default=_DEFAULTS.dot_deadline)
    hours_per_person_month = _Number(default=_DEFAULTS.hours_per_person_month)
    parallel = c.Type(bool, default=_DEFAULTS.parallel)

    def settings(self) -> Settings:
        """The same validated settings the command line reads (raises ConfigError on a bad value)."""
        return Settings.from_mapping({name: self[name] for name in self})
