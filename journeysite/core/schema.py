"""The JSON Schemas in ``schema/``: loading them, validating front matter, and what they say about fields."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from journeysite.core import neutral, placeholders
from journeysite.core.diagnostics import Diagnostic, did_you_mean, error
from journeysite.core.reading.frontmatter import FrontMatter

KINDS = ("mission", "team", "segment", "stage", "milestone", "playbook", "handoff", "metric")
COMMON = "common"
KEYS = "<keys>"  # in a reference field's path pattern: every key of a mapping
VALUES = "<values>"  # … every value of a mapping (a list there is a schema error, not references)
_REF_DEF = re.compile(r"^(mission|team|segment|stage|milestone|playbook|handoff|metric)Ref(s?)$")
# Hints explain a value the schema refuses; they would mislead on a missing or unknown key.
_NO_HINT = {"required"}

FieldPath = tuple[str | int, ...]


def schema_dir() -> Path:
    """Return the folder of schemas: inside the installed wheel, else the source checkout's ``schema/``."""
    package = Path(__file__).resolve().parents[1]  # journeysite/
    packaged = package / "schema"
    return packaged if packaged.is_dir() else package.parent / "schema"


@cache
def raw(name: str) -> dict[str, Any]:
    """Return the schema file ``name`` (a kind or ``common``) as parsed JSON."""
    with open(schema_dir() / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)


def bundled(kind: str) -> dict[str, Any]:
    """Return a self-contained schema for ``kind``: the shared definitions copied in, for editors."""
    schema = json.loads(json.dumps(raw(kind)).replace('"common.json#/$defs/', '"#/$defs/'))
    schema["$defs"] = {**raw(COMMON)["$defs"], **schema.get("$defs", {})}
    return schema


def bundled_all() -> dict[str, Any]:
    """Return one schema that accepts a page of any kind, chosen by its ``kind`` field."""
    defs = dict(raw(COMMON)["$defs"])
    branches = []
    for kind in KINDS:
        one = bundled(kind)
        one.pop("$defs")
        one.pop("$schema", None)
        one.pop("$id", None)
        defs[f"kind-{kind}"] = one
        branches.append(
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": {"$ref": f"#/$defs/kind-{kind}"},
            }
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://journeysite.dev/schema/page.json",
        "title": "journeysite page",
        "description": "Front matter of a journeysite handbook page; `kind` selects the schema.",
        "type": "object",
        "properties": {"kind": {"enum": list(KINDS), "description": "The kind of page."}},
        "allOf": branches,
        "$defs": defs,
    }


@cache
def _validator(kind: str):
    # jsonschema-rs: a compiled draft 2020-12 validator, about 150x faster than jsonschema's
    # (6 µs against 1 ms a page here), which keeps `check` near the cost of reading the files.
    import jsonschema_rs

    return jsonschema_rs.validator_for(raw(kind), registry=_registry(), validate_formats=True)


@cache
def _registry():
    """Every schema by its ``$id``, for the ``$ref`` between them: made once (it costs a few ms) for all kinds."""
    import jsonschema_rs

    return jsonschema_rs.Registry([(raw(name)["$id"], raw(name)) for name in (COMMON, *KINDS)])


@dataclass(frozen=True)
class SchemaError:
    """One broken rule: the keyword, where in the document, and the (sub)schema that holds the keyword."""

    validator: str
    validator_value: Any
    instance: Any
    absolute_path: tuple[str | int, ...]
    schema: dict[str, Any]
    message: str
    missing: str | None = None


def _schema_at(kind: str, location: list[str | int]) -> dict[str, Any]:
    """The subschema at a schema path: in the kind's file, or in common.json for ``$defs`` paths."""
    node: Any = raw(COMMON) if location and location[0] == "$defs" else raw(kind)
    for part in location:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return {}
    return node if isinstance(node, dict) else {}


def _text_keys(value: Any) -> Any:
    """The value with every mapping key as text (YAML allows `1:` or `true:`; JSON Schema does not)."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): _text_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text_keys(v) for v in value]
    return value


def schema_errors(kind: str, data: Any) -> list[SchemaError]:
    """Every way ``data`` breaks the schema of ``kind``."""
    validator = _validator(kind)
    try:  # nearly every page is valid: asked first, without the copy or the errors (a fifth of the time)
        if validator.is_valid(data):
            return []
    except ValueError:  # a key that is not text (`1:`), which the validator refuses to read
        pass
    found = []
    data = _text_keys(data)
    for err in validator.iter_errors(data):
        path = tuple(err.instance_path)
        instance = data
        for part in path:
            instance = instance[part]
        keyword = err.kind.name
        subschema = _schema_at(kind, list(err.schema_path)[:-1])
        missing = getattr(err.kind, "property", None) if keyword == "required" else None
        found.append(
            SchemaError(keyword, subschema.get(keyword), instance, path, subschema, err.message, missing)
        )
    return found


def field_name(path: FieldPath) -> str:
    """Return a path the way a person writes it: ``steps[2].owner``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def describe(value: Any) -> str:
    """Return a short phrase naming what a value is, for messages."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}` (a yes/no value; put it in quotes if you meant text)"
    if isinstance(value, int | float):
        return f"the number `{value}`"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"`{shown}`"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of fields"
    return f"a {type(value).__name__}"


_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list",
    "object": "a mapping of fields (`key: value` lines)",
    "boolean": "true or false",
    "null": "empty",
}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` to a shared definition, keeping the referring schema's own keywords."""
    seen = 0
    while "$ref" in schema and seen < 10:
        name = schema["$ref"].rsplit("/", 1)[-1]
        target = raw(COMMON)["$defs"].get(name, {})
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        seen += 1
    return schema


def property_help(schema: dict[str, Any], name: str) -> str:
    """Return a property's description, or ''."""
    prop = schema.get("properties", {}).get(name)
    if not isinstance(prop, dict):
        return ""
    return _resolve(prop).get("description", "").strip()


def validate(kind: str, front: FrontMatter, file: str, entity: str | None) -> list[Diagnostic]:
    """Return a ``schema`` diagnostic for every way the front matter breaks the kind's schema."""
    found: list[Diagnostic] = []
    for dup in front.duplicates:
        found.append(
            error(
                "schema",
                file,
                dup.second_line,
                f"`{field_name(dup.path)}` is given twice (lines {dup.first_line} and {dup.second_line}); "
                "only the last one would count: keep one",
                entity,
            )
        )
    cut: set[FieldPath] = set()  # values a `#` made empty: one message each, not one per rule broken
    errors = [] if front.valid_as == kind else schema_errors(kind, front.data)
    if not errors:
        front.valid_as = kind
    options = {tuple(e.absolute_path): e.validator_value for e in errors if e.validator == "enum"}
    # A misspelt field (`minimum:` for `min:`) is one mistake: the rule it leaves unmet is not another.
    unknown_at = {tuple(e.absolute_path) for e in errors if e.validator == "additionalProperties"}
    for err in errors:
        path = tuple(err.absolute_path)
        written = front.cut_by_comment(front.line_of(path)) if err.instance is None and path else None
        if written is not None:
            if path not in cut:
                cut.add(path)
                message = _cut_message(path, written, options.get(path))
                found.append(error("schema", file, front.line_of(path), message, entity))
            continue
        if _too_many_because_unknown(err) or (err.validator == "anyOf" and path in unknown_at):
            continue
        if placeholders.is_placeholder(err.instance):  # reported once, as `placeholder`, with what fits
            continue
        found.extend(_diagnostics_for(err, kind, front, file, entity))
    found.extend(_control_characters(front, file, entity))
    return found


def _too_many_because_unknown(err: SchemaError) -> bool:
    """A mapping with too many fields only because of unknown ones (``{schedule: twice a year, in March}``
    reads as two): the unknown field's message says it all, so this one is not repeated."""
    if err.validator != "maxProperties" or not isinstance(err.instance, dict):
        return False
    allowed = err.schema.get("properties", {}) if err.schema.get("additionalProperties") is False else None
    if not isinstance(allowed, dict):
        return False
    known = [k for k in err.instance if k in allowed]
    return len(known) < len(err.instance) and len(known) <= err.validator_value


# Control characters YAML lets through in escapes ("\e", "\x01") end up in terminals, logs and diagrams,
# where Graphviz refuses them: neutral.CONTROL_RE says which.


def _control_characters(front: FrontMatter, file: str, entity: str | None) -> Iterator[Diagnostic]:
    """A ``schema`` error for each text that holds a control character."""
    if not front.may_hold(neutral.CONTROL_RE):
        return

    def walk(value: object, path: FieldPath) -> Iterator[Diagnostic]:
        if isinstance(value, str):
            found = neutral.CONTROL_RE.search(value)
            if found:
                yield error(
                    "schema",
                    file,
                    front.line_of(path),
                    f"`{field_name(path)}` contains the control character U+{ord(found.group()):04X}, which "
                    "cannot be shown or drawn: remove it",
                    entity,
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, (*path, str(key)))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, (*path, index))

    yield from walk(front.data, ())


def _cut_message(path: FieldPath, written: str, options: list | None) -> str:
    """A value YAML read as a comment: how to write it (quoted), or what it may be."""
    because = f"`{field_name(path)}` is empty because YAML reads `{written}` as a comment"
    if options:
        return f"{because}; it must be one of: {', '.join(str(o) for o in options)}."
    quoted = '"' + written.replace("\\", "\\\\").replace('"', '\\"') + '"'
    where = f"{path[-1]}: " if isinstance(path[-1], str) else "- "
    return f"{because} (a ` #` starts one): if that is the value, put it in quotes: {where}{quoted}"


def _diagnostics_for(
    err, kind: str, front: FrontMatter, file: str, entity: str | None
) -> Iterator[Diagnostic]:
    path: FieldPath = tuple(err.absolute_path)
    name = field_name(path)
    keyword = err.validator
    schema = err.schema if isinstance(err.schema, dict) else {}
    # At a kind's top level the hint speaks of one rule (e.g. a handoff's stages or milestone),
    # so it would mislead on a missing or unknown top-level field.
    top_level_key_error = keyword == "additionalProperties" and not path
    hint = "" if keyword in _NO_HINT or top_level_key_error else schema.get("x-hint", "")

    if keyword == "required":
        missing = err.missing or ""
        line = front.line_of(path) if path else 1
        what = property_help(schema, missing)
        yield error(
            "schema",
            file,
            line,
            f"`{field_name((*path, missing))}` is missing: a {kind} page needs it"
            f"{' (' + what[0].lower() + what[1:].rstrip('.') + ')' if what else ''}."
            f" Add `{missing}:` {'to this item' if path else 'to the front matter'}.",
            entity,
        )
        return
    if keyword == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        instance = err.instance if isinstance(err.instance, dict) else {}
        keys = list(instance)
        for key in [k for k in keys if k not in allowed]:
            line = front.line_of((*path, key))
            yield error(
                "schema",
                file,
                line,
                f"unknown field `{field_name((*path, key))}` {'on a ' + kind + ' page' if not path else ''}".rstrip()
                + f".{did_you_mean(key, allowed)} Allowed here: {', '.join(allowed)}."
                + _comma_hint(front, path, keys, key, instance)
                + (f" {hint.rstrip('.')}." if hint else ""),
                entity,
            )
        return

    line = front.line_of(path)
    value = describe(err.instance)
    if keyword == "type":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        # `x-expected` names a field of several forms as people think of it ("a whole number or a range").
        words = schema.get("x-expected") or " or ".join(str(_TYPE_WORDS.get(t, t)) for t in wanted)
        message = f"`{name}` must be {words}, but it is {value}."
    elif keyword == "enum":
        options = [str(o) for o in err.validator_value]
        message = (
            f"`{name}` is {value}, which is not one of: {', '.join(options)}."
            f"{did_you_mean(str(err.instance), options)}"
        )
    elif keyword == "const":
        message = f"`{name}` must be `{err.validator_value}`, but it is {value}."
    elif keyword == "format":
        message = f"`{name}` is {value}, which is not a real calendar date."
    elif keyword == "pattern":
        message = f"`{name}` is {value}, which is not in the expected form."
    elif keyword == "minItems":
        message = f"`{name}` must list at least {err.validator_value} item(s)."
    elif keyword == "minLength":
        message = f"`{name}` must not be empty."
    elif keyword == "minimum":
        message = f"`{name}` must be at least {err.validator_value}, but it is {value}."
    elif keyword == "maximum":
        written = str(err.instance)
        shown = written if len(written) <= 20 else f"a number of {len(written)} digits"
        message = f"`{name}` must be at most {err.validator_value:,.0f}, but it is {shown}."
    elif keyword == "uniqueItems":
        message = f"`{name}` lists the same item twice."
    elif keyword == "not" and _both_given(err.validator_value, err.instance):
        # `not: {required: [a, b]}`: two fields that say one thing (a team's `github` and `handles`).
        first, second = sorted(err.validator_value["required"], key=lambda n: front.line_of((*path, n)))
        first_line, line = front.line_of((*path, first)), front.line_of((*path, second))
        message = (
            f"`{field_name((*path, first))}` (line {first_line}) and `{field_name((*path, second))}` "
            f"(line {line}) cannot both be given."
        )
        hint = err.validator_value.get("x-hint", hint)
    elif keyword in ("minProperties", "maxProperties") and isinstance(err.instance, dict):
        count, fields = len(err.instance), ", ".join(str(k) for k in err.instance)
        limit = "may have only" if keyword == "maxProperties" else "needs at least"
        message = (
            f"`{name}` has {count} field{'' if count == 1 else 's'} ({fields}), but {limit} {err.validator_value}."
            if err.instance
            else f"`{name}` is empty."
        )
    elif keyword == "oneOf" and not name and _forms_given(err.validator_value, err.instance):
        # A page that mixes the fields of two forms (a handoff between stages and between segments):
        # located at the first field of the form written last.
        groups = [
            sorted(g, key=lambda n: front.line_of((*path, n)))
            for g in _forms_given(err.validator_value, err.instance)
        ]
        keys = sorted({k for g in groups for k in g}, key=lambda n: front.line_of((*path, n)))
        line = max(front.line_of((*path, g[0])) for g in groups)
        listed = ", ".join(f"`{k}`" for k in keys[:-1]) + f" and `{keys[-1]}`"
        message = f"This page gives {listed}, which belong to different forms of the page."
    elif keyword in ("minProperties", "maxProperties", "oneOf", "anyOf"):
        message = (
            f"`{name}` is not written as expected." if name else "This page's fields do not fit together."
        )
    else:
        message = f"`{name or kind}`: {err.message}."
    if hint:
        message = f"{message} {hint.rstrip('.')}."
    yield error("schema", file, line, message, entity)


def _both_given(rule: Any, instance: Any) -> bool:
    """Whether a ``not`` rule forbids two fields given together, and ``instance`` gives both."""
    names = rule.get("required") if isinstance(rule, dict) else None
    return (
        isinstance(names, list)
        and len(names) == 2
        and isinstance(instance, dict)
        and all(n in instance for n in names)
    )


def _comma_hint(front: FrontMatter, path: FieldPath, keys: list, key: object, instance: dict) -> str:
    """``{schedule: twice a year, in March}`` reads as two fields: say so, and how to quote it."""
    index = keys.index(key)
    if (
        not path
        or index == 0
        or not isinstance(key, str)
        or instance[key] is not None
        or front.line_of((*path, key)) != front.line_of(path)
    ):
        return ""
    before = keys[index - 1]
    number = instance[before]
    if isinstance(number, int | float) and not isinstance(number, bool) and key.isdigit():
        return (
            f" Inside {{…}} on one line a comma starts a new field, so a number with a thousands separator "
            f"reads as two: write `{before}` without separators, e.g. {before}: 20000."
        )
    if not isinstance(instance[before], str):
        return ""
    return (
        f" Inside {{…}} on one line a comma starts a new field: if `{key}` belongs to `{before}`, "
        f'put the whole value in quotes, e.g. {before}: "{instance[before]}, {key}".'
    )


def _forms_given(branches: Any, instance: Any) -> list[set[str]]:
    """The fields of ``instance`` each ``oneOf`` branch requires, when fields of two branches are given."""
    if not isinstance(branches, list) or not isinstance(instance, dict):
        return []
    groups = [set(b.get("required", ())) for b in branches if isinstance(b, dict)]
    present = [g & set(instance) for g in groups if g & set(instance)]
    return present if len(present) >= 2 else []


@cache
def reference_fields(kind: str) -> tuple[tuple[FieldPath, str], ...]:
    """Return (path pattern, target kind) for every field of ``kind`` that names another entity.

    Derived from the schema, so a new reference field needs no code: ``"*"`` stands for every item of
    a list, ``VALUES`` for every value of a mapping (``segment_owners``) and ``KEYS`` for every key.
    """
    found: list[tuple[FieldPath, str]] = []

    def walk(schema: dict[str, Any], path: FieldPath, depth: int) -> None:
        if depth > 8:
            return
        for _ in range(10):
            ref = schema.get("$ref", "")
            if not ref:
                break
            match = _REF_DEF.match(ref.rsplit("/", 1)[-1])
            if match:
                target, plural = match.groups()
                found.append(((*path, "*") if plural else path, target))
                return
            schema = raw(COMMON)["$defs"].get(ref.rsplit("/", 1)[-1], {})
        for key, prop in schema.get("properties", {}).items():
            walk(prop, (*path, key), depth + 1)
        if isinstance(schema.get("items"), dict):
            walk(schema["items"], (*path, "*"), depth + 1)
        if isinstance(schema.get("propertyNames"), dict):
            walk(schema["propertyNames"], (*path, KEYS), depth + 1)
        if isinstance(schema.get("additionalProperties"), dict):
            walk(schema["additionalProperties"], (*path, VALUES), depth + 1)
        # `if`/`then`/`else`: a field written in one of two forms (a playbook's one trigger or its list).
        for branch in ("then", "else"):
            if isinstance(schema.get(branch), dict):
                walk(schema[branch], path, depth + 1)

    walk(raw(kind), (), 0)
    return tuple(dict.fromkeys(found))


def iter_values(data: Any, pattern: FieldPath, path: FieldPath = ()) -> Iterator[tuple[FieldPath, Any]]:
    """Yield (concrete path, value) for every value in ``data`` that matches ``pattern``."""
    found: list[tuple[FieldPath, Any]] = []
    _collect_values(data, pattern, path, found)  # into a list: nested generators cost more than the walk
    return iter(found)


def _collect_values(
    data: Any, pattern: FieldPath, path: FieldPath, found: list[tuple[FieldPath, Any]]
) -> None:
    if not pattern:
        found.append((path, data))
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                _collect_values(item, rest, (*path, index), found)
    elif head == VALUES:
        if isinstance(data, dict):
            for key, item in data.items():
                _collect_values(item, rest, (*path, key), found)
    elif head == KEYS:
        if isinstance(data, dict):
            found.extend(((*path, key), key) for key in data)
    elif isinstance(data, dict) and head in data:
        _collect_values(data[head], rest, (*path, head), found)
