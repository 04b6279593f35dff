"""Settings: the plugin's options and the parts of ``mkdocs.yml`` the command line needs, read without MkDocs."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from journeysite.core.analysis import dates
from journeysite.core.diagnostics import did_you_mean

PLUGIN_NAME = "journeysite"
GAP_MODES = ("warn", "error", "off")
GAP_LEVELS = ("error", "warn", "info", "off")  # for one code, in the mapping form of `gaps`
# The gap analysis (SPEC §3), which `gaps: warn|error|off` sets as a whole.
GAP_CODES = (
    "missing-handoff",
    "handoff-owner-mismatch",
    "handoff-without-artifacts",
    "stage-without-milestones",
    "raci-conflict",
    "uncovered-cell",
    "orphan-team",
)
# Every finding whose level the mapping form of `gaps` may set (SPEC §7.3).
LEVELLED_CODES = (
    *GAP_CODES,
    "never-in-a-journey",
    "handoff-not-a-transition",
    "step-outside-playbook",
    "due-out-of-order",
    "outside-stage-window",
    "capacity-exceeded",
    "segment-thresholds",
    "stale-accept",
)


# Options that are any positive number (the rest take the type of their default).
_NUMBERS = frozenset({"hours_per_person_month"})


class ConfigError(Exception):
    """``mkdocs.yml`` is missing, unreadable, or sets a journeysite option wrongly."""


@dataclass(frozen=True)
class Settings:
    """The journeysite plugin's options (SPEC §6)."""

    enabled: bool = True
    review_every: str = "6 months"
    diagrams: bool = True
    gaps: str | tuple[tuple[str, str], ...] = "warn"  # a mode, or (code or "default", level) pairs
    start_here_team: str = "customer-success"
    allow_raw_html: bool = False  # raw HTML in page bodies is sanitised unless this is true
    codeowners_default: str = ""  # the team that owns every other path (default: the mission's owner)
    dot_deadline: int = 60  # seconds of Graphviz per build; the diagrams left show their source
    hours_per_person_month: float = 120  # working hours one person gives the playbooks (capacity page)
    parallel: bool = True  # `mkdocs build`/`serve`: a second core converts and renders part of the pages

    def severity(self, code: str, found: str) -> str | None:
        """The severity a finding of ``code`` found as ``found`` is reported with, or None when its
        level is off. ``gaps: warn|error|off`` sets the gap codes; the mapping form sets each code."""
        if isinstance(self.gaps, str):
            mode, explicit = (self.gaps if code in GAP_CODES else "warn"), False
        else:
            levels = dict(self.gaps)
            explicit = code in levels
            mode = (
                levels[code] if explicit else levels.get("default", "warn") if code in GAP_CODES else "warn"
            )
        if mode == "off":
            return None
        if mode == "error":
            return "error" if found == "warning" or explicit else found
        if mode == "info":
            return "info"
        return "warning" if explicit else found

    @property
    def silenced(self) -> frozenset[str]:
        """The codes whose level is off."""
        return frozenset(code for code in LEVELLED_CODES if self.severity(code, "warning") is None)

    @classmethod
    def from_mapping(cls, options: dict[str, Any] | None) -> Settings:
        """Validate plugin options as written in ``mkdocs.yml``; raise ConfigError naming the bad one."""
        options = dict(options or {})
        if options.get("gaps") is False:  # YAML reads a bare `off` as false
            options["gaps"] = "off"
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise ConfigError(
                f"unknown journeysite option(s): {', '.join(unknown)}; the options are {', '.join(known)}"
            )
        if isinstance(options.get("gaps"), dict):
            options["gaps"] = _gap_levels(options["gaps"])
        for name, value in options.items():
            if name == "gaps" and isinstance(value, tuple):
                continue
            if name in _NUMBERS:
                number = isinstance(value, int | float) and not isinstance(value, bool)
                if not number or not 0 < value < float("inf"):
                    raise ConfigError(
                        f"journeysite option `{name}` must be a number above 0, e.g. {name}: 120, not {value!r}"
                    )
                continue
            expected = type(getattr(cls, name))
            wrong = (
                not isinstance(value, expected)
                or (expected is str and not value.strip() and name != "codeowners_default")
                or (expected is int and (isinstance(value, bool) or value < 1))
            )
            if wrong and name == "gaps":
                raise ConfigError(
                    "journeysite option `gaps` must be one of warn, error, off, or a level per code such as "
                    f"{{default: warn, raci-conflict: off}}, not {value!r}"
                )
            if wrong:
                words = {bool: "true or false", int: "a whole number of 1 or more"}.get(expected, "text")
                raise ConfigError(f"journeysite option `{name}` must be {words}, not {value!r}")
        if isinstance(options.get("gaps", "warn"), str) and options.get("gaps", "warn") not in GAP_MODES:
            raise ConfigError(
                f"journeysite option `gaps` must be one of {', '.join(GAP_MODES)}, not {options['gaps']!r}"
            )
        if dates.parse_duration(options.get("review_every", cls.review_every)) is None:
            raise ConfigError(
                f"journeysite option `review_every` must be a duration such as `6 months`, `quarterly` "
                f"or `1 year`, not {options['review_every']!r}"
            )
        return cls(**options)


def _gap_levels(mapping: dict[Any, Any]) -> tuple[tuple[str, str], ...]:
    """The mapping form of ``gaps`` (``{default: warn, raci-conflict: off}``) as (code, level) pairs."""
    pairs = []
    for code, level in mapping.items():
        level = "off" if level is False else level  # YAML reads a bare `off` as false
        if code != "default" and code not in LEVELLED_CODES:
            raise ConfigError(
                f"journeysite option `gaps` names `{code}`, which is not a finding it can set: use `default` or "
                f"one of {', '.join(LEVELLED_CODES)}.{did_you_mean(str(code), LEVELLED_CODES)}"
            )
        if level not in GAP_LEVELS:
            raise ConfigError(
                f"journeysite option `gaps` sets `{code}` to {level!r}: each level is one of {', '.join(GAP_LEVELS)}"
            )
        pairs.append((str(code), str(level)))
    return tuple(pairs)


@dataclass(frozen=True)
class Project:
    """What the command line needs from ``mkdocs.yml``."""

    config_file: Path
    docs_dir: Path
    site_url: str | None = None
    repo_url: str | None = None
    use_directory_urls: bool = True
    settings: Settings = field(default_factory=Settings)
    plugin_listed: bool = True
    exclude_docs: str = ""  # MkDocs' gitignore-style patterns of files left out of the site
    docs_as_written: Path | None = None  # docs_dir before symbolic links are resolved


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml leniently: MkDocs' own tags (``!ENV``, ``!!python/name:``) do not stop us."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    names = (
        loader.construct_sequence(node)
        if isinstance(node, yaml.SequenceNode)
        else [loader.construct_scalar(node)]  # type: ignore[arg-type]  # a scalar node here
    )
    *variables, default = names if len(names) > 1 else (*names, None)
    for name in variables:
        if isinstance(name, str) and name in os.environ:
            return os.environ[name]
    return default


_ConfigLoader.add_constructor("!ENV", _env_tag)
_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_config(config_file: str | os.PathLike[str] | None = None) -> Project:
    """Read ``mkdocs.yml`` (or the given file); raise ConfigError with a one-line explanation."""
    path = Path(config_file or "mkdocs.yml")
    if not path.is_file():
        where = " in the current folder" if config_file is None else ""
        raise ConfigError(
            f"no {path}{where}: run journeysite in the folder that holds mkdocs.yml, or pass -f path/to/mkdocs.yml"
        )
    config = _load(path, set())
    docs_dir = config.get("docs_dir") or "docs"
    if not isinstance(docs_dir, str):
        raise ConfigError(f"`docs_dir` in {path} must be a folder name")
    docs_path = (path.parent / docs_dir).resolve()
    if not docs_path.is_dir():
        raise ConfigError(f"the docs folder {docs_path} named by `docs_dir` in {path} does not exist")
    listed, options = _plugin_options(config.get("plugins"))
    if options is not None and not isinstance(options, dict):
        raise ConfigError(f"the journeysite plugin's options in {path} must be a mapping")
    settings = Settings.from_mapping(options)
    return Project(
        config_file=path.resolve(),
        docs_dir=docs_path,
        site_url=_string(config.get("site_url")),
        repo_url=_string(config.get("repo_url")),
        use_directory_urls=config.get("use_directory_urls", True) is not False,
        settings=settings,
        plugin_listed=listed,
        # `mkdocs build` leaves both out (drafts are shown only by `mkdocs serve`)
        exclude_docs="\n".join(_string(config.get(key)) or "" for key in ("exclude_docs", "draft_docs")),
        docs_as_written=path.parent.resolve() / docs_dir,
    )


def _load(path: Path, seen: set[Path]) -> dict[str, Any]:
    """One config file as a mapping, merged over the file its ``INHERIT`` names, as MkDocs does."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            config = yaml.load(handle, Loader=_ConfigLoader)  # noqa: S506 - a SafeLoader subclass
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ConfigError(f"{path} is not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise ConfigError(f"{path} must be a mapping of settings (`docs_dir: …`, `plugins: …`)")
    parent = config.pop("INHERIT", None)
    if not parent:
        return config
    parent_path = (path.parent / str(parent)).resolve()
    if parent_path in seen or not parent_path.is_file():
        problem = (
            "inherits from itself"
            if parent_path in seen
            else f"inherits from {parent_path}, which does not exist"
        )
        raise ConfigError(f"{path} {problem}")
    return _merge(_load(parent_path, seen | {path.resolve()}), config)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Mappings merged key by key (the override wins); anything else replaced, as MkDocs' INHERIT does."""
    merged = dict(base)
    for key, value in override.items():
        merged[key] = (
            _merge(merged[key], value)
            if isinstance(value, dict) and isinstance(merged.get(key), dict)
            else value
        )
    return merged


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _plugin_options(plugins: Any) -> tuple[bool, Any]:
    """Return (listed, options) for the journeysite plugin in a ``plugins:`` list or mapping."""
    entries: list[tuple[Any, Any]] = []
    if isinstance(plugins, dict):
        entries = list(plugins.items())
    elif isinstance(plugins, list):
        for item in plugins:
            if isinstance(item, str):
                entries.append((item, None))
            elif isinstance(item, dict) and len(item) == 1:
                entries.append(next(iter(item.items())))
    for name, options in entries:
        if name == PLUGIN_NAME:
            return True, options
    return False, None
