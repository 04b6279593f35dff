"""Placeholders: the values ``journeysite new`` leaves for the author to choose, and the errors that keep
them from being published.

A placeholder is any front-matter text that starts with ``TODO`` (``TODO-team``, ``TODO: say what this
metric measures``). ``new`` writes one wherever only a person can know the answer (which team owns the
page, which stages a playbook runs in, what starts it), instead of the first id it finds: a guess looks
true, passes ``check`` and gets published. ``check`` reports each placeholder once, as the error
``placeholder``, saying what to replace it with; the schema does not also report it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

# The module, not its names: the schema asks this module which values are placeholders.
from journeysite.core import schema
from journeysite.core.diagnostics import Diagnostic, error

if TYPE_CHECKING:
    from journeysite.core.model import Entity, Handbook
    from journeysite.core.reading.frontmatter import FrontMatter

FieldPath = tuple[str | int, ...]
CODE = "placeholder"
MARK = "TODO"
_PLACEHOLDER_RE = re.compile(r"TODO[\s:\-.,…]")  # matched against the text and one space
_MARK_RE = re.compile(MARK)  # what a placeholder must hold, for FrontMatter.may_hold
_LISTED = 8  # ids listed in a message; more are counted


def ref(kind: str) -> str:
    """The placeholder for the id of a ``kind`` page: ``TODO-team``."""
    return f"{MARK}-{kind}"


def text(prompt: str) -> str:
    """The placeholder for a text the author writes: ``TODO: `` and what to write."""
    return f"{MARK}: {prompt}"


def is_placeholder(value: object) -> bool:
    """True for text that starts with ``TODO`` as a word (``TODO-team``, ``TODO: …``), not ``TODOS``."""
    return isinstance(value, str) and _PLACEHOLDER_RE.match(value.strip() + " ") is not None


def paths(data: object, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """Every placeholder in the front matter ``data``, with its field path, in the order written."""
    if is_placeholder(data):
        assert isinstance(data, str)
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key != "kind":
                yield from paths(value, (*path, str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths(value, (*path, index))


def in_front_matter(front: FrontMatter) -> list[tuple[FieldPath, str]]:
    """The placeholders of a page's front matter (see ``paths``); quick for a page without ``TODO``."""
    return list(paths(front.data)) if front.may_hold(_MARK_RE) else []


def check(handbook: Handbook) -> list[Diagnostic]:
    """One ``placeholder`` error per placeholder left in an entity page, at its line, saying what fits."""
    found: list[Diagnostic] = []
    for entity in handbook.all():
        left = in_front_matter(entity.front)
        targets = {path: kind for path, kind, _ in entity.references()} if left else {}
        for path, value in left:
            target = targets.get(path)
            found.append(
                error(
                    CODE,
                    entity.file,
                    entity.line_of(*path),
                    f"`{schema.field_name(path)}` is still the placeholder `{_shown(value)}`: replace the placeholder "
                    f"with {_what_fits(handbook, entity, path, target)}.",
                    entity.key,
                )
            )
    return found


def _shown(value: str) -> str:
    """The placeholder as the message quotes it: one line, a long prompt shortened at a word."""
    one_line = " ".join(value.split()).replace("`", "'")
    if len(one_line) <= 60:
        return one_line
    return one_line[:57].rsplit(" ", 1)[0] + " …"


def _what_fits(handbook: Handbook, entity: Entity, path: FieldPath, target: str | None) -> str:
    """The words after "replace the placeholder with": the ids that fit, the choices, or the text to write."""
    if path[:1] == ("trigger",):
        return _trigger_choices(handbook)
    if target is not None:
        ids = _ids(handbook, target)
        what = f"the id of a {target} page"
        if path == ("owner",):
            what = "the id of the team that owns this page and keeps it current"
        if entity.kind == "milestone" and path == ("stage",):
            what = "the id of the stage this milestone belongs to (then give `order` a number no other milestone of that stage has)"
        if not ids:
            return f"{what}; the handbook has no {target} pages yet: add one (journeysite new {target} ID)"
        return f"{what}: {_listed(ids)}"
    options = _enum_options(entity.kind, path)
    if options:
        return f"one of: {', '.join(options)}"
    if entity.kind == "team" and path == ("lead",):
        return "the name of the team's lead (the person review reminders name), or remove the line"
    return "your own words (the placeholder says what to write)"


def _trigger_choices(handbook: Handbook) -> str:
    milestones = _ids(handbook, "milestone")
    reached = f" ({_listed(milestones)})" if milestones else ""
    return (
        "what starts this playbook, one of: `{milestone: ID}` when a milestone is reached"
        f"{reached}, `{{schedule: every 90 days}}`, `{{signal: what you see}}` or `{{manual: who decides}}`"
    )


def _ids(handbook: Handbook, kind: str) -> list[str]:
    """The ids a reference to ``kind`` may name, retired pages left out: stages and milestones in journey
    order (as people think of them), other kinds alphabetically."""
    entities = [e for e in handbook.of_kind(kind) if e.status != "retired"]
    if kind == "stage":
        entities.sort(key=lambda e: (_order(e), e.id))
    elif kind == "milestone":
        stages = {s.id: _order(s) for s in handbook.of_kind("stage")}
        entities.sort(key=lambda e: (stages.get(e.text("stage") or "", 10**9), _order(e), e.id))
    else:
        entities.sort(key=lambda e: e.id)
    return [e.id for e in entities]


def _order(entity: Entity) -> int:
    value = entity.get("order")
    return value if isinstance(value, int) and not isinstance(value, bool) else 10**9


def _listed(ids: list[str]) -> str:
    shown = ", ".join(ids[:_LISTED])
    return shown + (f" and {len(ids) - _LISTED} more" if len(ids) > _LISTED else "")


def _enum_options(kind: str, path: FieldPath) -> list[str]:
    """The values the schema allows at ``path`` (``type`` → lifecycle, risk, expansion), or []."""
    prop: Any = schema.raw(kind)
    for part in path:
        prop = schema._resolve(prop) if isinstance(prop, dict) else {}
        if isinstance(part, int):
            prop = prop.get("items", {})
        else:
            prop = prop.get("properties", {}).get(part, {})
    resolved = schema._resolve(prop) if isinstance(prop, dict) else {}
    options = resolved.get("enum")
    return [str(o) for o in options] if isinstance(options, list) else []
