"""The journey model at two git revisions, compared: what a pull request adds, removes and changes, as
Markdown for the pull request's comment or as plain text for a terminal."""

from __future__ import annotations

import json
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeysite.cli.report import plural
from journeysite.core import neutral, pipeline, schema
from journeysite.core.diagnostics import ERROR, Diagnostic
from journeysite.core.gitrepo import GitError, git
from journeysite.core.model import SLUG_RE, Entity, Handbook
from journeysite.core.settings import LEVELLED_CODES, Settings
from journeysite.render.markup import md as _markup_md

MARKER = "<!-- journeysite-diff -->"
MISSING: Any = object()  # a field the page does not set
_SEPARATE = {"owner", "raci", "segment_owners"}  # reported in their own sections, not among field changes
RACI_ROLES = ("responsible", "consulted", "informed")


def md(value: object) -> str:
    """Front-matter text for GitHub Markdown: ``markup.md``, no ``~`` strikethrough, and no mention or
    issue link (a zero-width space after ``@`` and ``#``)."""
    return _markup_md(value).replace("~", "\\~").replace("@", "@\u200b").replace("#", "#\u200b")


def resolve_revision(root: Path, revision: str) -> str:
    """The commit id ``revision`` names; raise GitError when it names none."""
    if not revision or revision.startswith("-"):
        raise GitError(f"`{revision}` is not a git revision")
    done = git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root)
    commit = done.stdout.decode("ascii", "replace").strip()
    if done.returncode != 0 or not commit:
        raise GitError(f"`{revision}` is not a commit of the repository at {root}")
    return commit


def extract(root: Path, commit: str, folder: str, dest: Path) -> int:
    """Write the Markdown files under ``folder`` (relative to ``root``) at ``commit`` into ``dest``; return how many."""
    listing = git(["ls-tree", "-r", "-z", commit, "--", folder], root)
    if listing.returncode != 0:
        raise GitError(f"git ls-tree failed: {listing.stderr.decode('utf-8', 'replace').strip()}")
    prefix = "" if folder in ("", ".") else folder.rstrip("/") + "/"
    wanted: list[tuple[str, str]] = []
    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, oid = meta.decode("ascii").split()
        path = raw_path.decode("utf-8", "surrogateescape")
        # Regular files only: a symlink or submodule is not a page of the handbook at that revision.
        if (
            kind == "blob"
            and mode in ("100644", "100755")
            and path.endswith(".md")
            and path.startswith(prefix)
        ):
            wanted.append((oid, path[len(prefix) :]))
    if not wanted:
        return 0
    batch = git(["cat-file", "--batch"], root, stdin="".join(f"{oid}\n" for oid, _ in wanted).encode())
    if batch.returncode != 0:
        raise GitError(f"git cat-file failed: {batch.stderr.decode('utf-8', 'replace').strip()}")
    data, offset = batch.stdout, 0
    for _, relative in wanted:
        header_end = data.index(b"\n", offset)
        size = int(data[offset:header_end].split()[2])
        content = data[header_end + 1 : header_end + 1 + size]
        offset = header_end + 1 + size + 1  # the object, then one newline
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return len(wanted)


def load_revision(root: Path, commit: str, folder: str, settings: Settings) -> pipeline.Result:
    """Run the pipeline on the handbook as it was at ``commit``."""
    with tempfile.TemporaryDirectory(prefix="journeysite-diff-") as temp:
        docs = Path(temp) / "docs"
        docs.mkdir()
        extract(root, commit, folder, docs)
        return pipeline.run(docs, settings)


def docs_folder(root: Path, docs_dir: Path) -> str:
    """``docs_dir`` relative to the repository root, as git names it; raise GitError when outside."""
    try:
        relative = Path(docs_dir).resolve().relative_to(root)
    except ValueError:
        raise GitError(f"the docs folder {docs_dir} is not inside the git repository at {root}") from None
    return relative.as_posix() if relative.parts else "."


# --- comparing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """An entity as the diff names it: kind, id and title."""

    kind: str
    id: str
    title: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def of(cls, entity: Entity) -> Named:
        return cls(entity.kind, entity.id, entity.title)


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class OwnerChange:
    entity: Named
    old: str | None  # team titles (or ids where the team has no page)
    new: str | None
    segment: str | None = None  # the segment's title, for an owner change in one segment (SPEC §7.1)


@dataclass(frozen=True)
class RaciChange:
    entity: Named
    team: str  # the team's title (or id)
    role: str
    added: bool


@dataclass
class ModelDiff:
    """What changed in the journey model from one revision to another."""

    added: list[Named] = field(default_factory=list)
    removed: list[Named] = field(default_factory=list)
    changed: list[tuple[Named, list[FieldChange]]] = field(default_factory=list)
    owners: list[OwnerChange] = field(default_factory=list)
    raci: list[RaciChange] = field(default_factory=list)
    opened: list[Diagnostic] = field(default_factory=list)
    closed: list[Diagnostic] = field(default_factory=list)
    head_errors: list[Diagnostic] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # entity key -> title, for gap lines

    @property
    def touched(self) -> int:
        """How many entities that exist on both sides changed in any way."""
        return len(
            {n.key for n, _ in self.changed}
            | {c.entity.key for c in self.owners}
            | {c.entity.key for c in self.raci}
        )

    @property
    def model_changed(self) -> bool:
        return bool(self.added or self.removed or self.touched or self.opened or self.closed)


def team_title(handbook: Handbook, team_id: Any) -> str | None:
    if not isinstance(team_id, str):
        return None
    team = handbook.get("team", team_id)
    return team.title if team else team_id


def compare(base: pipeline.Result, head: pipeline.Result) -> ModelDiff:
    """Compare two pipeline results entity by entity (by kind and id), and their gap findings."""
    diff = ModelDiff()
    before = {e.key: e for e in base.handbook.all()}
    after = {e.key: e for e in head.handbook.all()}
    order = {kind: index for index, kind in enumerate(schema.KINDS)}

    def sort_key(key: str) -> tuple[int, str]:
        kind, _, entity_id = key.partition(":")
        return order.get(kind, len(order)), entity_id

    diff.added = [Named.of(after[k]) for k in sorted(after.keys() - before.keys(), key=sort_key)]
    diff.removed = [Named.of(before[k]) for k in sorted(before.keys() - after.keys(), key=sort_key)]
    for key in sorted(before.keys() & after.keys(), key=sort_key):
        old, new = before[key], after[key]
        named = Named.of(new)
        changes = field_changes(old, new)
        if changes:
            diff.changed.append((named, changes))
        if old.get("owner") != new.get("owner"):
            diff.owners.append(
                OwnerChange(
                    named,
                    team_title(base.handbook, old.get("owner")),
                    team_title(head.handbook, new.get("owner")),
                )
            )
        for segment_id in dict.fromkeys([*old.segment_owners, *new.segment_owners]):
            owner_was, owner_now = old.owner_in(segment_id), new.owner_in(segment_id)
            if owner_was != owner_now:
                seg = head.handbook.get("segment", segment_id) or base.handbook.get("segment", segment_id)
                diff.owners.append(
                    OwnerChange(
                        named,
                        team_title(base.handbook, owner_was),
                        team_title(head.handbook, owner_now),
                        seg.title if seg else segment_id,
                    )
                )
        for role in RACI_ROLES:
            was, now = old.raci(role), new.raci(role)
            diff.raci += [
                RaciChange(named, team_title(head.handbook, t) or t, role, True) for t in now if t not in was
            ]
            diff.raci += [
                RaciChange(named, team_title(base.handbook, t) or t, role, False) for t in was if t not in now
            ]
    base_gaps, head_gaps = _gap_index(base.diagnostics), _gap_index(head.diagnostics)
    diff.opened = [d for k, d in head_gaps.items() if k not in base_gaps]
    diff.closed = [d for k, d in base_gaps.items() if k not in head_gaps]
    diff.head_errors = [d for d in head.diagnostics if d.severity == ERROR and d.code not in LEVELLED_CODES]
    diff.titles = {**{k: e.title for k, e in before.items()}, **{k: e.title for k, e in after.items()}}
    return diff


def _gap_index(diagnostics: Iterable[Diagnostic]) -> dict[tuple, Diagnostic]:
    return {(d.code, d.entity, d.message): d for d in diagnostics if d.code in LEVELLED_CODES}


def field_changes(old: Entity, new: Entity) -> list[FieldChange]:
    """Every front-matter field whose value differs, in the schema's order (owner and RACI aside)."""
    changes = []
    if old.file != new.file:
        changes.append(FieldChange("file", old.file, new.file))
    known = list(schema.raw(new.kind).get("properties", {}))
    names = set(old.data) | set(new.data)
    for name in [n for n in known if n in names] + sorted((n for n in names if n not in known), key=str):
        if name in _SEPARATE or name == "kind":
            continue
        was, now = old.data.get(name, MISSING), new.data.get(name, MISSING)
        if was is MISSING and now is MISSING or _same(was, now):
            continue
        changes.append(FieldChange(str(name), was, now))
    return changes


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


# --- the report: Markdown for a pull request, plain text for a terminal -----------------------------


@dataclass(frozen=True)
class Style:
    """How the report writes what comes from the pages: inert Markdown for a pull-request comment, or
    plain text for a terminal (nothing escaped, each text one visible line with no control character)."""

    text: Callable[[object], str]  # front-matter text
    code: Callable[[str], str]  # an id, a field name, a file, a revision
    strong: Callable[[str], str]
    markdown: bool

    def none(self, what: str) -> str:
        """A missing value: ``*(none)*`` in Markdown, ``(none)`` in a terminal."""
        return f"*({what})*" if self.markdown else f"({what})"

    def message(self, message: str) -> str:
        """A diagnostic message: its `code` spans kept as code in Markdown, the rest escaped."""
        if not self.markdown:
            return neutral.line(message)
        pieces = message.split("`")
        if len(pieces) % 2 == 0:  # an unpaired backtick (from a title): escape it all
            return md(message)
        return "".join(md(p) if i % 2 == 0 else _code(p) for i, p in enumerate(pieces))


def _code(text: str) -> str:
    """Text as an inline code span: nothing in it is Markdown or HTML; backticks cannot end it early."""
    text = text.replace("\n", " ")
    longest = 0
    run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


MARKDOWN = Style(text=md, code=_code, strong=lambda s: f"**{s}**", markdown=True)
TEXT = Style(text=neutral.line, code=neutral.line, strong=lambda s: s, markdown=False)
FORMATS = {"markdown": MARKDOWN, "text": TEXT}
_WIDTH = 100  # a terminal line; a longer value wraps under itself, never cut
_SIDE_BY_SIDE = 60  # characters of old + new above which a terminal shows them on two lines


def message_md(message: str) -> str:
    """A diagnostic message for Markdown: its `code` spans kept as code, the rest escaped."""
    return MARKDOWN.message(message)


def markdown(diff: ModelDiff, base_label: str, head_label: str, docs_folder: str = ".") -> str:
    """The diff as a Markdown pull-request comment, found again by its hidden marker.

    ``docs_folder`` (relative to the repository) prefixes the files of errors, so they can be found.
    """
    return _Report(MARKDOWN).render(diff, base_label, head_label, docs_folder)


def text(diff: ModelDiff, base_label: str, head_label: str, docs_folder: str = ".") -> str:
    """The diff as plain text for a terminal: the same sections, nothing escaped, values whole."""
    return _Report(TEXT).render(diff, base_label, head_label, docs_folder)


class _Report:
    """Writes a ModelDiff in one Style; every value is shown whole (a long one wraps in a terminal)."""

    def __init__(self, style: Style):
        self.style = style

    def render(self, diff: ModelDiff, base_label: str, head_label: str, docs_folder: str) -> str:
        st = self.style
        prefix = "" if docs_folder in ("", ".") else docs_folder.rstrip("/") + "/"
        if st.markdown:
            lines = [MARKER, "## Journey model changes", "", f"Comparing {base_label} → {head_label}.", ""]
        else:
            lines = [f"Journey model changes, {base_label} → {head_label}", ""]
        if not diff.model_changed:
            lines.append("No change to the journey model.")
        else:
            lines.append(st.strong(_summary(diff)))
        lines += self._section("Added", [f"- {_kind(n.kind)}: {self._entity(n)}" for n in diff.added])
        lines += self._section("Removed", [f"- {_kind(n.kind)}: {self._entity(n)}" for n in diff.removed])
        changed: list[str] = []
        for named, changes in diff.changed:
            changed.append(f"- {self._entity(named)}")
            for change in changes:
                first, *rest = self._change_lines(change)
                changed.append(f"  - {first}")
                changed += [f"    {line}" for line in rest]
        lines += self._section("Changed", changed)
        lines += self._section(
            "Owner / Accountable changes",
            [
                f"- {self._entity(c.entity)}: owner{self._in_segment(c.segment)} {self._team(c.old)} → "
                f"{self._team(c.new)}"
                for c in diff.owners
            ],
        )
        lines += self._section("RACI changes", list(self._raci_lines(diff.raci)))
        lines += self._section("Gaps opened", [self._finding(d, diff.titles) for d in diff.opened])
        lines += self._section("Gaps closed", [self._finding(d, diff.titles) for d in diff.closed])
        lines += self._section(
            "Errors in HEAD",
            [
                f"- {st.code(f'{prefix}{d.file}:{d.line}')} {st.code(d.code)}: {st.message(d.message)}"
                for d in diff.head_errors
            ],
        )
        if not st.markdown:
            lines = [wrapped for line in lines for wrapped in _wrap(line)]
        return "\n".join(lines).rstrip("\n") + "\n"

    def _section(self, title: str, items: list[str]) -> list[str]:
        if not items:
            return []
        if self.style.markdown:
            return ["", f"### {title}", "", *items]
        return ["", title, *[f"  {item}" for item in items]]

    def _entity(self, named: Named) -> str:
        return f"{self.style.strong(self.style.text(named.title))} ({self.style.code(named.key)})"

    def _team(self, title: str | None) -> str:
        return self.style.text(title) if title else self.style.none("none")

    def _in_segment(self, segment: str | None) -> str:
        return f" in {self.style.text(segment)}" if segment else ""

    def _raci_lines(self, changes: list[RaciChange]) -> Iterator[str]:
        grouped: dict[str, list[RaciChange]] = {}
        for change in changes:
            grouped.setdefault(change.entity.key, []).append(change)
        for group in grouped.values():
            parts = [
                f"{self.style.text(c.team)} {'added to' if c.added else 'removed from'} {c.role}"
                for c in group
            ]
            yield f"- {self._entity(group[0].entity)}: {'; '.join(parts)}"

    def _finding(self, d: Diagnostic, titles: dict[str, str]) -> str:
        st = self.style
        if d.entity:
            where = f"{st.strong(st.text(titles.get(d.entity, d.entity)))} ({st.code(d.entity)})"
        else:
            where = st.text(d.file)
        segments = f" (segments: {st.text(', '.join(d.segments))})" if d.segments else ""
        return f"- {st.code(d.code)} {where}: {st.message(d.message)}{segments}"

    def _value(self, value: Any) -> str:
        st = self.style
        if value is MISSING:
            return st.none("none")
        if isinstance(value, str):
            return st.text(_whole(value)) if value.strip() else st.none("empty")
        if isinstance(value, bool | int | float) or value is None:
            return st.text(json.dumps(value))
        if isinstance(value, list) and all(_scalar(v) for v in value):
            return st.text(_whole(", ".join(str(v) for v in value))) if value else st.none("empty list")
        return st.text(_whole(json.dumps(value, ensure_ascii=False, sort_keys=True)))

    def _field(self, name: str) -> str:
        if not self.style.markdown:
            return neutral.line(name)
        return _code(name) if SLUG_RE.match(name.replace("_", "-")) else md(name)

    def _change_lines(self, change: FieldChange) -> list[str]:
        """``field: old → new`` (in a terminal, a long pair on two lines: was, now); lists as the items
        added and removed; steps matched by their action."""
        old, new = change.old, change.new
        name = self._field(change.name)
        if change.name == "file":
            return [f"{name}: {self.style.code(old)} → {self.style.code(new)}"]
        if change.name == "trigger":  # one mapping or a list of them: compared item by item either way
            return [f"{name}: {self._list_change(_triggers(old), _triggers(new), self._trigger)}"]
        as_list = [v for v in (old, new) if v is not MISSING]
        if as_list and all(isinstance(v, list) for v in as_list):
            old_items = old if isinstance(old, list) else []
            new_items = new if isinstance(new, list) else []
            if all(_scalar(v) for v in old_items + new_items):
                return [f"{name}: {self._list_change(old_items, new_items, self._value)}"]
            if change.name == "steps":
                return [f"{name}: {part}" for part in self._step_changes(old_items, new_items)]
        was, now = self._value(old), self._value(new)
        if not self.style.markdown and len(was) + len(now) > _SIDE_BY_SIDE:
            return [f"{name}:", f"  was: {was}", f"  now: {now}"]
        return [f"{name}: {was} → {now}"]

    def _list_change(self, old: list, new: list, show: Callable[[Any], str]) -> str:
        added = [v for v in new if v not in old]
        removed = [v for v in old if v not in new]
        parts = []
        if added:
            parts.append("added " + ", ".join(show(v) for v in added))
        if removed:
            parts.append("removed " + ", ".join(show(v) for v in removed))
        return "; ".join(parts) or "reordered"

    def _trigger(self, value: Any) -> str:
        """``signal: Usage drops`` for a trigger mapping, else the value as written."""
        if isinstance(value, dict) and len(value) == 1:
            ((kind, said),) = value.items()
            return f"{self._field(str(kind))} {self._value(said)}"
        return self._value(value)

    def _step_changes(self, old: list, new: list) -> list[str]:
        text_of = self.style.text
        before = {_step_key(s): s for s in old}
        after = {_step_key(s): s for s in new}
        parts = [f"added step “{text_of(_whole(k))}”" for k in after if k not in before]
        parts += [f"removed step “{text_of(_whole(k))}”" for k in before if k not in after]
        for key in [k for k in after if k in before and not _same(before[k], after[k])]:
            was, now = before[key], after[key]
            if isinstance(was, dict) and isinstance(now, dict):
                inner = [
                    f"{self._field(str(f))} {self._value(was.get(f, MISSING))} → {self._value(now.get(f, MISSING))}"
                    for f in dict.fromkeys([*was, *now])
                    if not _same(was.get(f, MISSING), now.get(f, MISSING))
                ]
                parts.append(f"step “{text_of(_whole(key))}”: {', '.join(inner)}")
        if not parts and [_step_key(s) for s in old] != [_step_key(s) for s in new]:
            parts.append("reordered")
        return parts or ["changed"]


def _summary(diff: ModelDiff) -> str:
    parts = [
        f"{len(diff.added)} added",
        f"{len(diff.removed)} removed",
        f"{diff.touched} changed",
        f"{plural(len(diff.opened), 'gap')} opened",
        f"{plural(len(diff.closed), 'gap')} closed",
    ]
    if diff.head_errors:
        parts.append(f"{plural(len(diff.head_errors), 'error')} in HEAD")
    return " · ".join(parts)


def _kind(kind: str) -> str:
    return kind.capitalize()


def _whole(text: str) -> str:
    """A value on one line, every word kept: line breaks and runs of spaces made one space."""
    return " ".join(text.split())


def _wrap(line: str) -> list[str]:
    """A terminal line folded at _WIDTH between words, each continuation under the text it continues;
    a word longer than the line stays whole."""
    if len(line) <= _WIDTH:
        return [line]
    body = line.lstrip(" ")
    indent = " " * (len(line) - len(body))
    hang = indent + " " * (2 if body.startswith("- ") else 0) + "  "
    if body.startswith(("was: ", "now: ")):
        hang = indent + " " * 5
    return textwrap.wrap(
        line,
        _WIDTH,
        initial_indent="",
        subsequent_indent=hang,
        break_long_words=False,
        break_on_hyphens=False,
        drop_whitespace=True,
    ) or [line]


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def _triggers(value: Any) -> list:
    return [] if value is MISSING else value if isinstance(value, list) else [value]


def _step_key(step: Any) -> str:
    if isinstance(step, dict) and isinstance(step.get("do"), str):
        return step["do"]
    return json.dumps(step, ensure_ascii=False, sort_keys=True, default=str)


def revision_label(revision: str, commit: str, style: Style = MARKDOWN) -> str:
    """How a revision is named in the report: as given, with its short commit id."""
    short = commit[:7]
    if revision in (commit, short):
        return style.code(short)
    return f"{style.code(revision)} ({style.code(short)})"


def run(root: Path, docs_dir: Path, base: str, head: str, settings: Settings, fmt: str = "markdown") -> str:
    """The diff of the handbook between two revisions of the repository at ``root``, in ``fmt``
    (``markdown``: the pull-request comment; ``text``: for a terminal)."""
    style = FORMATS[fmt]
    folder = docs_folder(root, docs_dir)
    base_commit, head_commit = resolve_revision(root, base), resolve_revision(root, head)
    diff = compare(
        load_revision(root, base_commit, folder, settings), load_revision(root, head_commit, folder, settings)
    )
    labels = revision_label(base, base_commit, style), revision_label(head, head_commit, style)
    return _Report(style).render(diff, *labels, folder)
