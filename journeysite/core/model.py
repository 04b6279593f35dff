"""The handbook model: entities read from pages, indexed by kind and id, with typed accessors."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from journeysite.core import neutral, placeholders, schema
from journeysite.core.analysis import offsets
from journeysite.core.diagnostics import Diagnostic, did_you_mean, error
from journeysite.core.reading.frontmatter import FrontMatter
from journeysite.core.reading.loading import Page

if TYPE_CHECKING:
    from journeysite.core.analysis.journeys import Journey

SLUG_RE = re.compile(r"\A[a-z0-9]+(-[a-z0-9]+)*\Z")  # \Z: `$` would take a trailing line break
ACTIVE, DRAFT, RETIRED = "active", "draft", "retired"
_WILDCARDS = ("*", schema.KEYS, schema.VALUES)  # in a reference field's path pattern


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


TRIGGER_KINDS = ("milestone", "schedule", "signal", "manual")


@dataclass(frozen=True, slots=True)
class Trigger:
    """What starts a playbook: a milestone reached (``value`` is its id), a schedule, a signal, or a
    judgement call (``value`` is the text)."""

    kind: str
    value: str


def _trigger(raw: Any) -> Trigger | None:
    """One trigger mapping as the schema accepts it (exactly one known key with a value), else None."""
    if not isinstance(raw, dict) or len(raw) != 1:
        return None
    ((kind, value),) = raw.items()
    if kind not in TRIGGER_KINDS or value is None or isinstance(value, dict | list):
        return None
    return Trigger(str(kind), str(value))


@dataclass(frozen=True, slots=True)
class Range:
    """A whole-number range, both ends included (``accounts_per_csm``); one number n is Range(n, n)."""

    min: int
    max: int

    def __str__(self) -> str:
        return str(self.min) if self.min == self.max else f"{self.min}\u2013{self.max}"

    def as_dict(self) -> dict[str, int]:
        return {"min": self.min, "max": self.max}


_RANGE_RE = re.compile(r"\A\s*([1-9][0-9]*)\s*(?:[-\u2013]\s*([1-9][0-9]*)\s*)?\Z")


def read_range(value: Any) -> Range | None:
    """A range written as a whole number, ``{min, max}`` or ``"6-8"``; None for anything else (the
    schema says what is wrong). The ends may come in either order: ``Range.min > Range.max`` is the
    mistake ``_inverted_range`` reports."""

    def whole(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    if whole(value):
        return Range(value, value)
    if isinstance(value, dict) and whole(value.get("min")) and whole(value.get("max")):
        return Range(value["min"], value["max"])
    found = _RANGE_RE.match(value) if isinstance(value, str) else None
    if found:
        low, high = found.group(1), found.group(2) or found.group(1)
        return Range(int(low), int(high))
    return None


def _count(value: Any, largest: int) -> int | None:
    """A whole number from 0 to ``largest`` (the schema's bounds), else None: a page that breaks them
    has a schema error, and nothing computes with its number."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= largest else None


def read_number(value: Any) -> int | float | None:
    """A finite number as YAML reads it (not a yes/no value), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return value if math.isfinite(value) and abs(value) <= 1e15 else None
    except OverflowError:  # an integer too large for a float: no number a handbook means
        return None


def number_words(value: int | float) -> str:
    """A number as people read it: thousands separators, no ``.0`` on a whole number (20,000; 2.5)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}"


def plain_number(value: int | float) -> str:
    """A number as YAML should be given it: no thousands separators (``20,000`` would be text)."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


@dataclass(frozen=True, slots=True)
class Threshold:
    """A range on one measure that puts an account in a segment, read from a ``criteria`` item: from
    ``min`` (included) up to ``max`` (not included), so one segment's ``max`` can be the next one's
    ``min``; None leaves that side open."""

    measure: str
    min: int | float | None
    max: int | float | None
    unit: str | None = None
    index: int = 0  # its place in `criteria`, for the line of a finding

    @property
    def compared_as(self) -> tuple[str, str]:
        """The measure and unit, as thresholds are compared: case and spacing do not count."""
        return " ".join(self.measure.casefold().split()), " ".join((self.unit or "").casefold().split())

    def words(self) -> str:
        """The range in plain words: ``from 20,000 to 100,000 USD``, ``below 20,000 USD``, ``50 seats or more``."""
        unit = f" {self.unit}" if self.unit else ""
        if self.min is not None and self.max is not None:
            return f"from {number_words(self.min)} to {number_words(self.max)}{unit}"
        if self.max is not None:
            return f"below {number_words(self.max)}{unit}"
        assert self.min is not None
        return f"{number_words(self.min)}{unit} or more"

    def __str__(self) -> str:
        return f"{self.measure} {self.words()}"

    def as_dict(self) -> dict[str, Any]:
        return {"measure": self.measure, "min": self.min, "max": self.max, "unit": self.unit}


def read_threshold(value: Any, index: int = 0) -> Threshold | None:
    """A ``criteria`` item that is a threshold (a measure, and a min or a max that is a number), else
    None; its ends may be in the wrong order (the mistake ``_inverted_thresholds`` reports)."""
    if not isinstance(value, dict):
        return None
    measure, unit = _text(value.get("measure")), _text(value.get("unit"))
    low, high = read_number(value.get("min")), read_number(value.get("max"))
    if measure is None or not measure.strip() or (low is None and high is None):
        return None
    return Threshold(measure.strip(), low, high, unit.strip() if unit and unit.strip() else None, index)


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a playbook, read once from its front matter (a step the schema refused reads as
    far as it can)."""

    number: int  # 1-based, in the playbook's order
    do: str
    owner: str | None  # the team that runs it: its own `owner`, else the playbook's
    own_owner: bool  # True when the step names its owner itself
    when: str | None = None
    channel: str | None = None
    segments: tuple[str, ...] | None = None  # None: every segment the playbook applies to
    systems: tuple[str, ...] = ()
    effort: str | None = None  # one run's work as written (``2 hours``), read by offsets.effort_hours

    def applies_to(self, segment: str | None) -> bool:
        return segment is None or self.segments is None or segment in self.segments


@dataclass(eq=False, slots=False)
class Entity:
    """A page whose front matter has a ``kind``: a stage, a team, a playbook, …"""

    kind: str
    id: str
    page: Page
    valid: bool = True  # False when its front matter broke the schema: kept for references only
    # Looked up millions of times on a large handbook, so kept rather than derived.
    key: str = field(init=False)
    data: dict[str, Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.key = f"{self.kind}:{self.id}"
        self.data = self.page.meta

    @property
    def file(self) -> str:
        return self.page.file

    @property
    def front(self) -> FrontMatter:
        assert self.page.front is not None
        return self.page.front

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    def text(self, name: str) -> str | None:
        return _text(self.data.get(name))

    def texts(self, name: str) -> tuple[str, ...]:
        return _texts(self.data.get(name))

    def line_of(self, *path: str | int) -> int:
        return self.front.line_of(path)

    @cached_property
    def title(self) -> str:
        title = self.data.get("title")
        return title if isinstance(title, str) and title.strip() else self.id

    @property
    def summary(self) -> str:
        return self.text("summary") or ""

    @property
    def owner(self) -> str | None:
        """The owning team's id: the Accountable. A team owns itself."""
        return self.id if self.kind == "team" else self.text("owner")

    @cached_property
    def segment_owners(self) -> dict[str, str]:
        """A stage's or milestone's owner by segment id, where it differs from ``owner`` (SPEC §7.1)."""
        raw = self.data.get("segment_owners")
        if not isinstance(raw, dict):
            return {}
        return {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}

    def owner_in(self, segment: str | None) -> str | None:
        """The owning team in ``segment``'s journey (None: the all-segments view, which shows ``owner``)."""
        if segment is not None and segment in self.segment_owners:
            return self.segment_owners[segment]
        return self.owner

    @property
    def owners(self) -> tuple[str, ...]:
        """Every team that owns this somewhere: ``owner`` and each segment's owner, once each."""
        found = [self.owner] if self.owner else []
        return tuple(dict.fromkeys([*found, *self.segment_owners.values()]))

    @cached_property
    def status(self) -> str:
        status = self.data.get("status")
        return status if status in (ACTIVE, DRAFT, RETIRED) else ACTIVE

    @cached_property
    def active(self) -> bool:
        """True for entities that take part in journeys and analysis (drafts do; retired ones do not)."""
        return self.status != RETIRED

    @cached_property
    def segments(self) -> tuple[str, ...] | None:
        """The segments this applies to, or None for every segment."""
        return _texts(self.data["segments"]) if "segments" in self.data else None

    def applies_to(self, segment: str | None) -> bool:
        return segment is None or self.segments is None or segment in self.segments

    def raci(self, role: str) -> tuple[str, ...]:
        raci = self.data.get("raci")
        return _texts(raci.get(role)) if isinstance(raci, dict) else ()

    @cached_property
    def steps(self) -> tuple[Step, ...]:
        """A playbook's steps, in order (empty for other kinds)."""
        raw = self.data.get("steps") if self.kind == "playbook" else None
        steps = []
        for number, step in enumerate(raw if isinstance(raw, list) else [], 1):
            if not isinstance(step, dict):
                continue
            own = _text(step.get("owner"))
            steps.append(
                Step(
                    number=number,
                    do=_text(step.get("do")) or "",
                    owner=own or self.owner,
                    own_owner=own is not None,
                    when=_text(step.get("when")),
                    channel=_text(step.get("channel")),
                    segments=_texts(step["segments"]) if "segments" in step else None,
                    systems=_texts(step.get("systems")),
                    effort=_text(step.get("effort")),
                )
            )
        return tuple(steps)

    @cached_property
    def triggers(self) -> tuple[Trigger, ...]:
        """A playbook's triggers, any one of which starts it: ``trigger`` is one mapping or a list of them
        (a trigger the schema refuses is left out; empty for other kinds)."""
        raw = self.data.get("trigger") if self.kind == "playbook" else None
        found = (_trigger(item) for item in (raw if isinstance(raw, list) else [raw]))
        return tuple(dict.fromkeys(t for t in found if t is not None))

    @property
    def handles(self) -> tuple[str, ...]:
        """A team's handles (``@user``, ``@org/team``, on GitLab ``@group/subgroup/team``) from ``github``
        (GitHub's form) or its forge-neutral alias ``handles`` (either forge's form), each once: what
        CODEOWNERS and mentions may use once checked for their forge (a malformed one is a schema error,
        and never written anywhere)."""
        written = [h for h in self.texts("github") if neutral.is_handle(h)]
        written += [h for h in self.texts("handles") if neutral.is_handle(h, "any")]
        return tuple(dict.fromkeys(written))

    @property
    def headcount(self) -> int | None:
        """How many people a team has, when it says (a whole number, 0 or more)."""
        value = self.data.get("headcount") if self.kind == "team" else None
        return _count(value, 10_000_000)

    @property
    def accounts_per_csm(self) -> Range | None:
        """A segment's accounts per CSM: a whole number n (``Range(n, n)``) or a range; None when it gives
        none the schema accepts."""
        found = read_range(self.data.get("accounts_per_csm")) if self.kind == "segment" else None
        return found if found is not None and 1 <= found.min <= found.max else None

    @property
    def accounts(self) -> int | None:
        """How many customers a segment has, when it says (a whole number, 0 or more)."""
        value = self.data.get("accounts") if self.kind == "segment" else None
        return _count(value, 100_000_000)

    @cached_property
    def thresholds(self) -> tuple[Threshold, ...]:
        """A segment's thresholds, the ``{measure, min, max, unit}`` items of ``criteria`` in order (the
        sentences stay in ``texts("criteria")``); one whose ends are inverted is left out."""
        raw = self.data.get("criteria") if self.kind == "segment" else None
        found = (read_threshold(item, i) for i, item in enumerate(raw if isinstance(raw, list) else []))
        return tuple(t for t in found if t is not None and (t.min is None or t.max is None or t.min < t.max))

    @property
    def order(self) -> int:
        order = self.data.get("order")
        return order if isinstance(order, int) and not isinstance(order, bool) else 0

    def references(self) -> list[tuple[tuple[str | int, ...], str, str]]:
        """Return (field path, target kind, target id) for every reference in the front matter."""
        found = []
        data = self.data
        for pattern, target in schema.reference_fields(self.kind):
            if pattern and pattern[0] not in data and pattern[0] not in _WILDCARDS:
                continue  # a field the page does not give (most of them): nothing to walk
            for path, value in schema.iter_values(data, pattern):
                if isinstance(value, str):
                    found.append((path, target, value))
        return found


@dataclass
class Handbook:
    """Every page and entity of a handbook, indexed for the analysis and the renderers."""

    pages: list[Page]
    entities: dict[str, dict[str, Entity]] = field(default_factory=dict)
    # Filled in once by the pipeline: each segment's journey and the whole journey (journeys.Journey).
    journeys: list[Journey] = field(default_factory=list)
    whole_journey: Journey | None = None

    def get(self, kind: str, id: str) -> Entity | None:
        return self.entities.get(kind, {}).get(id)

    def by_key(self, key: str | None) -> Entity | None:
        """The entity a diagnostic names (``kind:id``), if it exists."""
        kind, _, ident = (key or "").partition(":")
        return self.get(kind, ident) if ident else None

    def of_kind(self, kind: str) -> list[Entity]:
        return list(self.entities.get(kind, {}).values())

    def all(self) -> list[Entity]:
        return [e for kind in schema.KINDS for e in self.of_kind(kind)]

    @cached_property
    def _by_file(self) -> dict[str, Entity]:
        return {e.file: e for e in self.all()}

    def entity_of(self, file: str) -> Entity | None:
        """The entity defined by the page ``file`` (relative to docs_dir), if any."""
        return self._by_file.get(file)

    @property
    def mission(self) -> Entity | None:
        missions = self.of_kind("mission")
        return missions[0] if missions else None

    @cached_property
    def stages(self) -> list[Entity]:
        """Every stage, in journey order."""
        return sorted(self.of_kind("stage"), key=lambda e: (e.order, e.id))

    @cached_property
    def segments(self) -> list[Entity]:
        """Every segment, by ``order`` then id (SPEC §7.2)."""
        return sorted(self.of_kind("segment"), key=lambda e: (e.order, e.id))

    @cached_property
    def _milestones_by_stage(self) -> dict[str, list[Entity]]:
        grouped: dict[str, list[Entity]] = defaultdict(list)
        for milestone in self.of_kind("milestone"):
            grouped[milestone.text("stage") or ""].append(milestone)
        return {k: sorted(v, key=lambda e: (e.order, e.id)) for k, v in grouped.items()}

    def milestones_of(self, stage_id: str) -> list[Entity]:
        """The milestones of a stage, in order."""
        return self._milestones_by_stage.get(stage_id, [])


def build(pages: list[Page]) -> tuple[Handbook, list[Diagnostic]]:
    """Make entities of the pages that have a ``kind``; report kinds, schema errors and duplicates."""
    handbook = Handbook(pages)
    problems: list[Diagnostic] = []
    registered: dict[str, dict[str, Entity]] = {kind: {} for kind in schema.KINDS}
    for page in pages:
        if page.front is None or page.front.data is None:
            continue
        meta = page.front.data
        if not isinstance(meta, dict):
            problems.append(
                error(
                    "schema",
                    page.file,
                    page.front.first_line,
                    f"the front matter is {schema.describe(meta)}, not a set of fields: "
                    "write one `key: value` per line",
                )
            )
            continue
        if "kind" not in meta:
            problems.extend(_kind_misspelt(page, meta))
            continue
        entity = _entity(page, meta, problems)
        if entity is None:
            continue
        first = registered[entity.kind].get(entity.id)
        if first is not None:
            problems.append(
                error(
                    "duplicate-id",
                    page.file,
                    entity.line_of("id") if "id" in meta else 1,
                    f"another {entity.kind} already has the id `{entity.id}` ({first.file}); ids must be unique "
                    f"within a kind: rename this file or set a different `id:`",
                    entity.key,
                )
            )
            continue
        registered[entity.kind][entity.id] = entity
    handbook.entities = registered
    problems.extend(_multiple_missions(handbook))
    problems.extend(_duplicate_orders(handbook))
    return handbook, problems


def _kind_misspelt(page: Page, meta: dict[str, Any]) -> list[Diagnostic]:
    """A page that writes ``Kind:`` (or ``KIND``, `` kind``) means to be an entity; said once, it is not
    left silently out of the model."""
    assert page.front is not None
    for key in meta:
        if isinstance(key, str) and key != "kind" and key.strip().lower() == "kind":
            return [
                error(
                    "unknown-kind",
                    page.file,
                    page.front.line_of((key,)),
                    f"`{neutral.line(key)}` is not `kind`: front-matter keys are lower case, so this page is "
                    f"not part of the model; write `kind:`",
                )
            ]
    return []


def _entity(page: Page, meta: dict[str, Any], problems: list[Diagnostic]) -> Entity | None:
    front = page.front
    assert front is not None
    kind = meta["kind"]
    if not isinstance(kind, str) or kind not in schema.KINDS:
        problems.append(
            error(
                "unknown-kind",
                page.file,
                front.line_of(("kind",)),
                f"`kind` is {schema.describe(kind)}, which is not a kind of page."
                f"{did_you_mean(str(kind), schema.KINDS)} Kinds: {', '.join(schema.KINDS)}; "
                "remove `kind` for a page that is not part of the model",
            )
        )
        return None
    explicit = meta.get("id")
    stem = PurePosixPath(page.file).stem
    entity_id = explicit if isinstance(explicit, str) and SLUG_RE.match(explicit) else stem
    key = f"{kind}:{entity_id}"
    found = schema.validate(kind, front, page.file, key)
    found.extend(_inverted_range(kind, front, page.file, key))
    found.extend(_inverted_thresholds(kind, front, page.file, key))
    found.extend(_unreadable_efforts(kind, front, page.file, key))
    found.extend(_moves_to_itself(kind, front, page.file, key, entity_id))
    if explicit is None and not SLUG_RE.match(stem):
        suggestion = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "my-page"
        found.append(
            error(
                "schema",
                page.file,
                front.line_of(("kind",)),
                f"the file name `{stem}` cannot be used as an id (ids use lower-case letters, "
                f"digits and hyphens): rename the file to `{suggestion}.md` or add `id: {suggestion}`",
                key,
            )
        )
        if not SLUG_RE.match(entity_id):
            problems.extend(found)
            return None
    problems.extend(found)
    # A placeholder `new` wrote is not an answer yet: the page counts as broken, as with a schema error.
    unfinished = bool(placeholders.in_front_matter(front))
    return Entity(kind, entity_id, page, valid=not found and not unfinished)


def _inverted_range(kind: str, front: FrontMatter, file: str, key: str) -> list[Diagnostic]:
    """A range whose ends come in the wrong order (``accounts_per_csm: 8-6``): a ``schema`` error, as
    JSON Schema cannot compare two values."""
    if kind != "segment" or not isinstance(front.data, dict):
        return []
    found = read_range(front.data.get("accounts_per_csm"))
    if found is None or found.min <= found.max or found.max < 1:  # below 1: the schema says so
        return []
    as_mapping = isinstance(front.data["accounts_per_csm"], dict)
    path: tuple[str, ...] = ("accounts_per_csm", "min") if as_mapping else ("accounts_per_csm",)
    fix = f"{{min: {found.max}, max: {found.min}}}" if as_mapping else f"{found.max}-{found.min}"
    return [
        error(
            "schema",
            file,
            front.line_of(path),
            f"`accounts_per_csm` goes from {found.min} down to {found.max}: a range starts with the smaller "
            f"number. Write accounts_per_csm: {fix}.",
            key,
        )
    ]


def _inverted_thresholds(kind: str, front: FrontMatter, file: str, key: str) -> list[Diagnostic]:
    """A threshold whose ``min`` is not below its ``max``: a ``schema`` error, as JSON Schema cannot
    compare two values (a threshold holds its ``min`` and stops below its ``max``, so equal ends hold
    nothing)."""
    raw = front.data.get("criteria") if kind == "segment" and isinstance(front.data, dict) else None
    found = []
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        threshold = read_threshold(item, index)
        if threshold is None or threshold.min is None or threshold.max is None:
            continue
        low, high, name = threshold.min, threshold.max, f"criteria[{index}]"
        if low < high:
            continue
        if low > high:
            message = (
                f"`{name}` ({threshold.measure}) goes from {number_words(low)} down to {number_words(high)}: "
                f"`min` is the lower end and `max` the upper one. Swap them: min: {plain_number(high)}, "
                f"max: {plain_number(low)}."
            )
        else:
            message = (
                f"`{name}` ({threshold.measure}) starts and stops at {number_words(low)}, so no account falls "
                f"in it: a threshold holds its `min` and stops just below its `max`. Give a `max` above "
                f"{plain_number(low)}, or leave `max` out for {number_words(low)} or more."
            )
        found.append(error("schema", file, front.line_of(("criteria", index, "min")), message, key))
    return found


def _moves_to_itself(kind: str, front: FrontMatter, file: str, key: str, entity_id: str) -> list[Diagnostic]:
    """A segment that ``moves_to`` itself, or a segment handoff from a segment to the same one: a
    ``schema`` error, as JSON Schema cannot compare two values (a move goes somewhere else)."""
    data = front.data if isinstance(front.data, dict) else {}
    if kind == "segment" and isinstance(data.get("moves_to"), list) and entity_id in data["moves_to"]:
        index = data["moves_to"].index(entity_id)
        message = (
            f"`moves_to` names this segment, `{entity_id}`, itself: list the segments its customers move on to, "
            "e.g. moves_to: [mid-market]."
        )
        return [error("schema", file, front.line_of(("moves_to", index)), message, key)]
    leaving, joining = data.get("from_segment"), data.get("to_segment")
    if kind == "handoff" and isinstance(leaving, str) and leaving == joining:
        message = (
            f"`to_segment` is `{joining}`, the segment the customer leaves (`from_segment`): give the segment "
            "the customer moves to."
        )
        return [error("schema", file, front.line_of(("to_segment",)), message, key)]
    return []


def _unreadable_efforts(kind: str, front: FrontMatter, file: str, key: str) -> list[Diagnostic]:
    """A step ``effort`` that is text but no amount of work (``a couple of hours``): a ``schema`` error,
    as the forms it may take are the ones ``offsets.effort_hours`` reads (the schema checks the type)."""
    raw = front.data.get("steps") if kind == "playbook" and isinstance(front.data, dict) else None
    found = []
    for index, step in enumerate(raw if isinstance(raw, list) else []):
        effort = step.get("effort") if isinstance(step, dict) else None
        if not isinstance(effort, str) or offsets.effort_hours(effort) is not None:
            continue
        found.append(
            error(
                "schema",
                file,
                front.line_of(("steps", index, "effort")),
                f"`steps[{index}].effort` is {schema.describe(effort)}, which is not an amount of work: write a "
                "number and a unit, e.g. effort: 30 minutes, effort: 2 hours or effort: 1 day (a day counts "
                "8 hours); a range such as 1-2 hours counts as its middle.",
                key,
            )
        )
    return found


def _multiple_missions(handbook: Handbook) -> list[Diagnostic]:
    missions = handbook.of_kind("mission")
    return [
        error(
            "multiple-missions",
            extra.file,
            extra.line_of("kind"),
            f"the handbook already has a mission ({missions[0].file}); there can be only one: "
            "merge the two pages or remove `kind: mission` from this one",
            extra.key,
        )
        for extra in missions[1:]
    ]


def _duplicate_orders(handbook: Handbook) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    groups: dict[tuple[str, ...], dict[int, Entity]] = defaultdict(dict)
    for entity in handbook.of_kind("stage") + handbook.of_kind("milestone"):
        order = entity.get("order")
        if not isinstance(order, int) or isinstance(order, bool):
            continue
        scope: tuple[str, ...] = (
            ("stage",) if entity.kind == "stage" else ("milestone", entity.text("stage") or "")
        )
        first = groups[scope].get(order)
        if first is None:
            groups[scope][order] = entity
            continue
        where = "another stage" if entity.kind == "stage" else f"another milestone of stage `{scope[1]}`"
        problems.append(
            error(
                "duplicate-order",
                entity.file,
                entity.line_of("order"),
                f"{where} already has `order: {order}` ({first.title}, {first.file}); "
                "give each a different order",
                entity.key,
            )
        )
    return problems
