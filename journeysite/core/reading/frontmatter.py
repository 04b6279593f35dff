"""Front matter: split a page into YAML and body, and parse the YAML so every key and item knows its line."""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from journeysite.core import neutral

try:  # libyaml is about 7x faster (FACTS.md); the pure-Python loader gives the same result
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

# The same delimiters MkDocs uses (mkdocs.utils.meta), so we agree with it on what the body is.
FRONT_MATTER_RE = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
OPENING_RE = re.compile(r"^-{3}[ \t]*\n")
CLOSING_RE = re.compile(r"^(?:-{3}|\.{3})[ \t]*$", re.MULTILINE)
# FRONT_MATTER_RE's closing line with the line break before it: searched for from the end of the opening
# line, it finds where FRONT_MATTER_RE's `.*?` stops, without trying the closing at every character.
_BREAK_THEN_CLOSING_RE = re.compile(r"\n(?:\.{3}|-{3})[ \t]*\n")

MAX_FRONT_MATTER_BYTES = 256 * 1024
MAX_NODES = 20_000
MAX_DEPTH = 48

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _without_timestamps(base: type) -> type:
    """A safe loader that keeps dates as text, so the schema (not PyYAML) judges them."""
    attrs: dict[str, Any] = {"resolve": _remembered_resolve(base.resolve)}  # type: ignore[attr-defined]
    if not base.yaml_path_resolvers:  # type: ignore[attr-defined]
        # The composer calls these two for every node; they serve only path resolvers, which a safe
        # loader has none of. Calls of two C functions that do nothing are quicker than PyYAML's checks.
        attrs["descend_resolver"] = staticmethod(operator.is_)  # (parent, index)
        attrs["ascend_resolver"] = staticmethod(tuple)  # ()
    loader = type(f"_{base.__name__}", (base,), attrs)
    loader.yaml_implicit_resolvers = {  # type: ignore[attr-defined]
        first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
        for first, resolvers in base.yaml_implicit_resolvers.items()  # type: ignore[attr-defined]
    }
    return loader


_REMEMBERED = 4096  # scalars whose tags a loader remembers: the keys and ids pages repeat
_REMEMBERED_LENGTH = 64
_PLAIN = 0  # in ``implicit``: whether the scalar was written plain (no quotes, no tag)


def _remembered_resolve(resolve: Callable[..., str]) -> Callable[..., str]:
    """PyYAML's ``resolve`` (the tag of a node written without one: ``yes`` is a bool, ``12`` an int),
    remembering the tags of short scalars. libyaml builds the nodes but asks Python for every tag, with
    a regular-expression search each time, and every page repeats the same keys and ids. A loader's
    resolvers never change once it is made, so the tag of a plain scalar's value is always the same;
    a quoted scalar is text (with no path resolvers, which safe loaders do not have)."""
    tags: dict[str, str] = {}

    def resolved(self: Any, kind: type, value: Any, implicit: Any) -> str:
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            return resolve(self, kind, value, implicit)
        if not implicit[_PLAIN]:
            return self.DEFAULT_SCALAR_TAG
        tag = tags.get(value)
        if tag is None:
            tag = resolve(self, kind, value, implicit)
            if len(tags) < _REMEMBERED and len(value) <= _REMEMBERED_LENGTH:
                tags[value] = tag
        return tag

    return resolved


# The loader parse() uses: libyaml's where PyYAML has it. PURE_PYTHON_LOADER is the fallback, kept
# importable so the tests can check that both loaders give the same diagnostics.
LOADER: type = _without_timestamps(_BaseLoader)
PURE_PYTHON_LOADER: type = _without_timestamps(yaml.SafeLoader)

Path = tuple[str | int, ...]


class FrontMatterError(Exception):
    """The front matter cannot be read; ``line`` and ``column`` are 1-based positions in the file."""

    def __init__(self, message: str, line: int, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(slots=True)
class DuplicateKey:
    path: Path
    first_line: int
    second_line: int


@dataclass(frozen=True, slots=True)
class CutText:
    """A plain text value that a `` #`` on its line cut short: YAML read the rest of the line as a comment."""

    path: Path
    line: int  # the file line of the cut
    read: str  # the value as YAML read it
    written: str  # that line as written
    fixed: str  # the value's line with the whole text in quotes
    whole: str  # the text in those quotes: the value as it was probably meant


@dataclass(slots=True)
class FrontMatter:
    """Parsed front matter: the data, the file line of every key and list item, and repeated keys."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    duplicates: list[DuplicateKey] = field(default_factory=list)
    first_line: int = 2
    source: str = ""  # the YAML as written, to explain mistakes
    cuts: list[CutText] = field(default_factory=list)  # text values a comment cut short
    # The kind whose schema ``data`` meets, when known: found by ``schema.validate``, and kept for the
    # next run with the same schemas by ``parse_cache`` (so a page nobody touched is not validated again).
    valid_as: str = ""

    def line_of(self, path: Path) -> int:
        """Return the file line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            line = self.lines.get(_normalise(path))
            if line is not None:
                return line
            path = path[:-1]
        return self.first_line

    def may_hold(self, pattern: re.Pattern[str]) -> bool:
        """Whether some text value may match ``pattern`` (one character, or a run with no blank or line
        break in it, which folding makes): a value holds such runs as written in the YAML, unless it has
        an escape (``"\\e"``, ``"\\x54"``) in double quotes. Searching the YAML is much quicker than
        walking every value, and the answer is nearly always no."""
        return "\\" in self.source or pattern.search(self.source) is not None

    def cut_by_comment(self, line: int) -> str | None:
        """The value as written on this file line when it begins with ``#``, which YAML reads as a
        comment (``channel: #cs-team`` is an empty ``channel``); else None."""
        lines = self.source.split("\n")
        index = line - self.first_line
        match = _CUT_BY_COMMENT.match(lines[index]) if 0 <= index < len(lines) else None
        return match.group(1).rstrip() if match else None


# `key: #…` or `- #…`: the value is a comment, so YAML reads it as empty.
_CUT_BY_COMMENT = re.compile(r"\s*(?:-\s+)?(?:[^\s#'\"][^#]*?:\s+)?(#.*)")


def _normalise(path: Path) -> Path:
    return tuple(p if isinstance(p, int) else str(p) for p in path)


def split(text: str) -> tuple[str | None, str, int]:
    """Return (front matter text or None, body, file line where the body starts).

    Raises FrontMatterError when the front matter is opened but never closed.
    """
    spans = _front_matter_spans(text)
    if spans is None and FRONT_MATTER_RE.match(text + "\n"):
        raise FrontMatterError(
            "the front matter's closing `---` is the last line of the file with no line break after it, "
            "so MkDocs would not read the page's fields: end the file with an empty line",
            text.count("\n") + 1,
        )
    if spans is None:
        if OPENING_RE.match(text) and not CLOSING_RE.search(text, text.index("\n") + 1):
            raise FrontMatterError(
                "the front matter starts with `---` on line 1 but is never closed: "
                "add a line with `---` after the last field",
                1,
            )
        return None, text, 1
    start, stop, end = spans
    rest = text[end:]
    body = rest.lstrip("\n")
    body_line = text.count("\n", 0, end) + 1 + (len(rest) - len(body))
    return text[start:stop], body, body_line


def _front_matter_spans(text: str) -> tuple[int, int, int] | None:
    """Where FRONT_MATTER_RE's match would put the YAML (start, stop) and end, or None where it would
    not match. Its YAML holds at least one line break, so the closing is looked for after the opening."""
    opening = OPENING_RE.match(text)
    if opening is None:
        return None
    closing = _BREAK_THEN_CLOSING_RE.search(text, opening.end())
    if closing is None:
        return None
    return opening.end(), closing.start() + 1, closing.end()


@functools.lru_cache(maxsize=16384)
def parse_once(source: str, first_line: int = 2) -> FrontMatter:
    """``parse``, remembered for the life of the process: ``mkdocs serve`` reads every page again on
    each rebuild, and most are as they were. (Nothing changes a ``FrontMatter`` once it is parsed but
    ``valid_as``, which holds for the schemas this process read, once; an error is not remembered, so it
    is raised again.)"""
    return parse(source, first_line)


def parse(source: str, first_line: int = 2) -> FrontMatter:
    """Parse YAML front matter whose first line is ``first_line`` of the file."""
    if len(source.encode("utf-8", "surrogatepass")) > MAX_FRONT_MATTER_BYTES:
        raise FrontMatterError(
            f"the front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB: "
            "move long text into the page body",
            first_line,
        )
    _refuse_deep_flow(source, first_line)
    to_file = _line_mapper(source, first_line)
    loader = LOADER(source)
    try:
        node = loader.get_single_node()
        if node is None:
            return FrontMatter(None, first_line=first_line, source=source)
        result = FrontMatter(None, first_line=first_line, source=source)
        builder = _Builder(loader)
        value = _index(node, (), result, to_file, depth=0, budget=[MAX_NODES], build=builder)
        # Most pages have no comment after a value: skip the walk (and, with no `#` at all, the search).
        if "#" in source and _TEXT_THEN_COMMENT.search(source):
            result.cuts = _cut_texts(node, source, to_file)
        # What the walk could not build (a merge key, an odd tag, a value that cannot be built) is left
        # to PyYAML's constructor, whose result and errors stay the reference.
        result.data = loader.construct_document(node) if builder.failed else value
        return result
    except FrontMatterError:
        raise
    except yaml.MarkedYAMLError as exc:
        _refuse_deep_nesting(source, to_file)  # libyaml refuses deep nesting itself, in its own words
        mark = exc.problem_mark or exc.context_mark
        line = to_file(mark.line) if mark else first_line
        column = mark.column + 1 if mark else None
        problem = (exc.problem or exc.context or "invalid YAML") + _hint(source, exc)
        context = ""
        if (
            exc.context
            and exc.context_mark
            and exc.problem_mark
            and exc.context_mark.line != exc.problem_mark.line
        ):
            context = f" ({exc.context} that starts on line {to_file(exc.context_mark.line)})"
        raise FrontMatterError(
            f"the front matter is not valid YAML: {problem}{context}", line, column
        ) from None
    except yaml.reader.ReaderError as exc:
        line = first_line + source.count("\n", 0, max(0, exc.position))
        raise FrontMatterError(
            f"the front matter contains a character YAML does not allow (U+{exc.character:04X}) on line "
            f"{line}: remove it"
            if isinstance(exc.character, int)
            else f"the front matter contains a character YAML does not allow on line {line}: remove it",
            line,
        ) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(
            f"the front matter is not valid YAML: {exc}".split("\n")[0], first_line
        ) from None
    except RecursionError:  # the pure-Python composer recurses once a level
        _refuse_deep_nesting(source, to_file)
        raise _nested_too_deep(first_line) from None
    except Exception as exc:  # noqa: BLE001 - SafeConstructor fails in many ways on odd explicit values
        # e.g. `!!bool maybe` (KeyError), an empty `!!int` (IndexError), a huge float (OverflowError)
        raise FrontMatterError(
            f"the front matter has a value that cannot be read ({type(exc).__name__}: {exc}): "
            "write it as plain text",
            first_line,
        ) from None
    finally:
        loader.dispose()


# Tags a front matter may use, explicitly or not: what JSON has. `!!binary`, `!!set`, `!!timestamp`,
# `!!omap`… would reach the schema as values it cannot judge.
_ALLOWED_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map", "merge")
}
# YAML also breaks lines at these; the file (and MkDocs) only at \n.
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")


def _line_mapper(source: str, first_line: int):
    """A function from YAML's line numbers (0-based) to the file's (1-based)."""
    if not _YAML_ONLY_BREAKS.search(source):
        return lambda yaml_line: first_line + yaml_line
    file_lines: list[int] = []
    line = 0
    for char in source:
        if char == "\n":
            file_lines.append(line)
            line += 1
        elif char in "\x85\u2028\u2029":
            file_lines.append(line)
    file_lines.append(line)
    return lambda yaml_line: first_line + file_lines[min(yaml_line, len(file_lines) - 1)]


def _refuse_deep_flow(source: str, first_line: int) -> None:
    """Refuse `[[[[…` or `{{{{…` nested deeper than MAX_DEPTH before libyaml's C parser sees it:
    it recurses on the C stack and very deep nesting crashes the process."""
    if source.count("[") + source.count("{") <= MAX_DEPTH:
        return
    depth, line = 0, first_line
    for char in source:
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _nested_too_deep(line)
        elif char in "]}":
            depth = max(0, depth - 1)
        elif char == "\n":
            line += 1


def _commented_closer(lines: str) -> str | None:
    """The ``]`` or ``}`` that a comment (`` #`` outside quotes) hides on one of these lines, if any."""
    for line in lines.split("\n"):
        quote = None
        for index, char in enumerate(line):
            if quote:
                quote = None if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "#" and index > 0 and line[index - 1] in " \t":
                comment = line[index:]
                hidden = [c for c in comment if c in "]}"]
                return hidden[0] if hidden else None
    return None


def _nested_too_deep(line: int) -> FrontMatterError:
    """The one message for nesting we refuse, whoever noticed it: our pre-scan, our indexer, libyaml's
    own limit, or the pure-Python composer running out of stack."""
    return FrontMatterError(f"the front matter is nested more than {MAX_DEPTH} levels deep: flatten it", line)


def _refuse_deep_nesting(source: str, to_file) -> None:
    """Raise the nesting error if the YAML nests deeper than MAX_DEPTH before its first mistake.

    Called after a parser gave up, to tell "too deep" from other mistakes by the structure itself and not
    by the parser's wording. The pure-Python parser emits events from a state machine (no recursion), so
    it measures any depth; it stops at the first real mistake, which is then the parser's to report."""
    depth = 0
    try:  # every event of the pure-Python parser carries its marks
        for event in yaml.parse(source, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _nested_too_deep(to_file(event.start_mark.line))  # type: ignore[union-attr]
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return


def _char_at(source: str, mark: yaml.Mark | None) -> str:
    """The character of the YAML at a parser's mark ('' past the end)."""
    if mark is None:
        return ""
    lines = source.split("\n")
    text = lines[mark.line] if mark.line < len(lines) else ""
    return text[mark.column] if mark.column < len(text) else ""


def _hint(source: str, exc: yaml.MarkedYAMLError) -> str:
    """Say how to fix the YAML mistakes people make most.

    Read from where the parser stopped (the character there, the bracket that opened the context), never
    from its wording: libyaml and the pure-Python loader word the same mistake differently."""
    at, opened = _char_at(source, exc.problem_mark), _char_at(source, exc.context_mark)
    if opened in ("[", "{") and exc.context_mark and exc.problem_mark:
        lines = "\n".join(source.split("\n")[exc.context_mark.line : exc.problem_mark.line + 1])
        closer = _commented_closer(lines)
        if closer is not None:
            what, example = (
                ("list", '[email, "Slack #cs-team"]')
                if closer == "]"
                else ("{…}", '{signal: "Slack #alerts"}')
            )
            return (
                f" — YAML reads everything from a ` #` as a comment, and that cut this {what} short before its "
                f"`{closer}`: put a value that holds # in quotes, e.g. {example}"
            )
    closed_early = _quotes_closed_early(source, exc.problem_mark)
    if closed_early:
        return closed_early
    if at == ":":
        return ' — a value that contains `: ` must be in quotes, e.g. title: "Onboarding: the first 90 days"'
    if at == "\t":
        return " — indent with spaces, not tabs"
    if at in ("@", "`", "*"):
        return " — a value that starts with @, ` or * must be in quotes"
    return ""


# A line up to where the parser stopped: `- "quoted"` or `key: 'quoted'`, then blanks.
_QUOTED_THEN_BLANKS = re.compile(r"""(\s*(?:-[ \t]+)*(?:[^\s'"#-][^'"#]*?:[ \t]+)?)(["']).*\2[ \t]+""")


def _quotes_closed_early(source: str, mark: yaml.Mark | None) -> str:
    """The hint for text that goes on after its closing quote (``- "Renewal" call booked``), or ''."""
    if mark is None:
        return ""
    lines = _YAML_LINE_BREAK.split(source)
    written = lines[mark.line] if mark.line < len(lines) else ""
    opened = _QUOTED_THEN_BLANKS.fullmatch(written[: mark.column])
    if opened is None or written[mark.column : mark.column + 1] in ("", "#"):
        return ""
    prefix = opened.group(1)
    fixed = prefix.strip() + " " + _quoted(written[len(prefix) :].rstrip())
    return (
        f" — the quotes close before the text ends (`{neutral.line(written[mark.column :].rstrip())}` follows "
        f"them): put the whole text in quotes, e.g. `{neutral.line(fixed.strip())}`, or drop the quotes inside it"
    )


_BOOL_WORDS = {"yes": "True", "true": "True", "on": "True", "no": "False", "false": "False", "off": "False"}


_KEY_ALIASES: dict[str, str | None] = {}  # _constructed_key of short plain keys


def _constructed_key(raw: str) -> str | None:
    """How a plain YAML key reads once loaded, when that differs (``yes`` → ``True``, ``0x1`` → ``1``)."""
    if raw[:1].isalpha() and raw.lower() not in _BOOL_WORDS and raw not in ("null", "Null", "NULL"):
        return None  # the usual case, `title:`: quick, as every key of every page passes here
    if raw.lower() in _BOOL_WORDS:
        return _BOOL_WORDS[raw.lower()]
    if raw in ("~", "null", "Null", "NULL"):
        return "None"
    try:
        return str(int(raw.replace("_", ""), 0))
    except ValueError:
        return None


def _index(
    node: yaml.Node, path: Path, out: FrontMatter, to_file, depth: int, budget: list[int], build: _Builder
) -> Any:
    """Record the line of every key and item below ``node``; refuse alias bombs and deep nesting. Return
    the value of ``node`` as ``construct_document`` builds it (see _Builder; meaningless once it failed).

    A plain text value (most of them) is taken in its parent's loop, not by a call of its own: the walk
    visits every node of every page, and the calls were most of its time."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _too_many_values(node, to_file)
    if depth >= MAX_DEPTH and isinstance(node, yaml.CollectionNode):  # the root is level 1
        raise _nested_too_deep(to_file(node.start_mark.line))
    if node.tag not in _ALLOWED_TAGS:
        shown = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise FrontMatterError(
            f"the front matter uses the YAML tag `{shown}`, which journeysite does not read: "
            "write the value as plain text, a number, a list or a mapping",
            to_file(node.start_mark.line),
        )
    lines = out.lines
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        build.open(node, _MAP)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            plain_key = key_node.__class__ is yaml.ScalarNode
            key = key_node.value if plain_key else repr(key_node.value)
            line = to_file(key_node.start_mark.line)
            child = (*path, key)
            if key in seen:
                out.duplicates.append(DuplicateKey(child, seen[key], line))
            else:
                seen[key] = line
            lines[child] = line
            if not plain_key or key_node.style:
                alias = None
            elif key in _KEY_ALIASES:  # every page repeats the same few keys
                alias = _KEY_ALIASES[key]
            else:
                alias = _constructed_key(key)
                if len(_KEY_ALIASES) < _REMEMBERED and len(key) <= _REMEMBERED_LENGTH:
                    _KEY_ALIASES[key] = alias
            if alias is not None:
                lines.setdefault((*path, alias), line)
            if value_node.__class__ is yaml.ScalarNode and value_node.tag == _STR:
                budget[0] -= 1
                if budget[0] < 0:
                    raise _too_many_values(value_node, to_file)
                item = value_node.value
            else:
                item = _index(value_node, child, out, to_file, depth + 1, budget, build)
            if not build.failed:
                mapping[key if plain_key and key_node.tag == _STR else build.key(key_node)] = item
        return build.close(node, mapping)
    if isinstance(node, yaml.SequenceNode):
        build.open(node, _SEQ)
        items: list[Any] = []
        for index, item_node in enumerate(node.value):
            child = (*path, index)
            lines[child] = to_file(item_node.start_mark.line)
            if item_node.__class__ is yaml.ScalarNode and item_node.tag == _STR:
                budget[0] -= 1
                if budget[0] < 0:
                    raise _too_many_values(item_node, to_file)
                items.append(item_node.value)
            else:
                items.append(_index(item_node, child, out, to_file, depth + 1, budget, build))
        return build.close(node, items)
    return build.scalar(node)


def _too_many_values(node: yaml.Node, to_file) -> FrontMatterError:
    return FrontMatterError(
        "the front matter expands to too many values (repeated YAML aliases?): simplify it",
        to_file(node.start_mark.line),
    )


_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
# The scalars _Builder builds, each with the SafeConstructor method PyYAML builds it with.
_SCALAR_BUILDERS = {
    f"tag:yaml.org,2002:{name}": getattr(yaml.constructor.SafeConstructor, f"construct_yaml_{name}")
    for name in ("str", "null", "bool", "int", "float")
}
_BUILDERS = (
    *_SCALAR_BUILDERS.items(),
    (_SEQ, yaml.constructor.SafeConstructor.construct_yaml_seq),
    (_MAP, yaml.constructor.SafeConstructor.construct_yaml_map),
)


class _Builder:
    """Builds the value of the nodes _index walks, equal to what ``loader.construct_document`` gives.

    PyYAML's generic constructor (a generator per collection, a registry look-up per node, a second walk)
    took about half the time of a parse, so the plain mappings, lists and scalars of nearly every page
    are built on the walk that indexes them, each scalar by the SafeConstructor method PyYAML uses, and
    an alias gives the same object as its anchor, as in PyYAML. Anything else (a ``<<`` merge or ``=``
    key, which PyYAML rewrites; a tag or key built otherwise; a value that cannot be built; a recursive
    alias) sets ``failed``, and the parse leaves the whole value to PyYAML."""

    def __init__(self, loader: Any):
        self.loader = loader
        builders = loader.yaml_constructors
        # A loader with constructors of its own is PyYAML's to build with.
        self.failed = any(builders.get(tag) is not built for tag, built in _BUILDERS)
        self.collections: dict[int, Any] = {}  # by node: the value built, or None while it is built

    def scalar(self, node: yaml.Node) -> Any:
        if self.failed:
            return None
        if node.__class__ is yaml.ScalarNode:
            if node.tag == "tag:yaml.org,2002:str":
                return node.value
            build = _SCALAR_BUILDERS.get(node.tag)
            if build is not None:
                try:
                    return build(self.loader, node)
                except Exception:  # noqa: BLE001 - PyYAML says what is wrong when it builds it
                    pass
        self.failed = True
        return None

    def key(self, node: yaml.Node) -> Any:
        """The key a mapping's ``node`` gives: only a scalar PyYAML builds as such (not a merge key)."""
        if node.__class__ is not yaml.ScalarNode or node.tag not in _SCALAR_BUILDERS:
            self.failed = True
            return None
        return self.scalar(node)

    def open(self, node: yaml.Node, tag: str) -> None:
        """Start a collection's value (a mapping is ``tag`` map, a list seq: PyYAML builds others)."""
        if node.tag != tag:
            self.failed = True
        elif id(node) not in self.collections:
            self.collections[id(node)] = None
        elif self.collections[id(node)] is None:  # an alias inside its own anchor
            self.failed = True

    def close(self, node: yaml.Node, value: Any) -> Any:
        """The collection's value once its items are in; for an alias, the anchor's value."""
        if self.failed:
            return None
        if self.collections[id(node)] is None:
            self.collections[id(node)] = value
        return self.collections[id(node)]


# Something other than blanks before a ` #` on a line: a comment after a value (or inside quotes).
_TEXT_THEN_COMMENT = re.compile(r"\S[ \t]+#")
_COMMENT_AFTER = re.compile(r"[ \t]+#")
# Lines as YAML counts them (marks count these breaks; the file only \n).
_YAML_LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
_STR = "tag:yaml.org,2002:str"
# Dates are not text either, though the loader keeps them as text for the schema to judge.
_DATE = next(
    rx
    for resolvers in yaml.SafeLoader.yaml_implicit_resolvers.values()
    for tag, rx in resolvers
    if tag == _TIMESTAMP
)


def _cut_texts(root: yaml.Node, source: str, to_file) -> list[CutText]:
    """The plain text values that a `` #…`` on their line cut short, from the composed nodes (which both
    loaders mark alike). Quoted and block (``|``, ``>``) text keep their ``#``; numbers, yes/no and dates
    are not text; flow collections (``[…]``, ``{…}``) are left to the parser, which a cut one breaks."""
    lines = _YAML_LINE_BREAK.split(source)
    found: list[CutText] = []
    seen: set[int] = set()  # an alias repeats a node: one cut, said once

    def walk(node: yaml.Node, path: Path) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode) and not node.flow_style:
            for key, value in node.value:
                walk(value, (*path, key.value if isinstance(key, yaml.ScalarNode) else repr(key.value)))
        elif isinstance(node, yaml.SequenceNode) and not node.flow_style:
            for index, item in enumerate(node.value):
                walk(item, (*path, index))
        elif isinstance(node, yaml.ScalarNode) and path:
            cut = _cut_text(node, path, lines, to_file)
            if cut is not None:
                found.append(cut)

    walk(root, ())
    return found


def _cut_text(node: yaml.ScalarNode, path: Path, lines: list[str], to_file) -> CutText | None:
    """The cut, when ``node`` is plain text followed on its last line by blanks and ``#``; else None."""
    if node.style or node.tag != _STR or _DATE.match(node.value):
        return None
    end = node.end_mark
    written = lines[end.line] if end.line < len(lines) else ""
    rest = written[end.column :]
    if not _COMMENT_AFTER.match(rest):
        return None
    whole = node.value + rest.rstrip()
    start = node.start_mark
    # On one line a plain value is its text as written; its start mark may be an anchor's or a tag's.
    column = end.column - len(node.value) if start.line == end.line else start.column
    prefix = lines[start.line][:column] if start.line < len(lines) else ""
    return CutText(
        path, to_file(end.line), node.value, written.strip(), (prefix + _quoted(whole)).strip(), whole
    )


def _quoted(text: str) -> str:
    """``text`` as a YAML quoted value that reads back as it is: in double quotes, or in single quotes
    where it holds ``"`` or ``\\`` and no ``'``, so that a person copies it without escapes."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
