"""The journey model at two git revisions, compared: what a pull request adds, removes and changes, in Markdown."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeysite.cli.report import plural
from journeysite.core import pipeline, schema
from journeysite.core.diagnostics import ERROR, Diagnostic
from journeysite.core.gitrepo import GitError, git
from journeysite.core.model import SLUG_RE, Entity, Handbook
from journeysite.core.settings import LEVELLED_CODES, Settings
from journeysite.render.markup import md as _markup_md

MARKER = "<!-- journeysite-diff -->"
MISSING: Any = object()  # a field the page does not set
_SEPARATE = {"owner", "raci", "segment_owners"}  # reported in their own sections, not among field changes
RACI_ROLES = ("responsible", "consulted", "informed")
_LONG = 300  # a value longer than a short paragraph is cut, at a word


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


def _in_segment(segment: str | None) -> str:
    return f" in {md(segment)}" if segment else ""


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


# --- Markdown -------------------------------------------------------------------------------------


def markdown(diff: ModelDiff, base_label: str, head_label: str, docs_folder: str = ".") -> str:
    """The diff as a Markdown pull-request comment, found again by its hidden marker.

    ``docs_folder`` (relative to the repository) prefixes the files of errors, so they can be found.
    """
    prefix = "" if docs_folder in ("", ".") else docs_folder.rstrip("/") + "/"
    lines = [MARKER, "## Journey model changes", "", f"Comparing {base_label} → {head_label}.", ""]
    if not diff.model_changed:
        lines.append("No change to the journey model.")
    else:
        lines.append(f"**{_summary(diff)}**")
    lines += _section("Added", [f"- {_kind(n.kind)}: {_entity(n)}" for n in diff.added])
    lines += _section("Removed", [f"- {_kind(n.kind)}: {_entity(n)}" for n in diff.removed])
    changed: list[str] = []
    for named, changes in diff.changed:
        changed.append(f"- {_entity(named)}")
        changed += [f"  - {line}" for change in changes for line in _change_lines(change)]
    lines += _section("Changed", changed)
    lines += _section(
        "Owner / Accountable changes",
        [
            f"- {_entity(c.entity)}: owner{_in_segment(c.segment)} {_team(c.old)} → {_team(c.new)}"
            for c in diff.owners
        ],
    )
    lines += _section("RACI changes", list(_raci_lines(diff.raci)))
    lines += _section("Gaps opened", [_finding(d, diff.titles) for d in diff.opened])
    lines += _section("Gaps closed", [_finding(d, diff.titles) for d in diff.closed])
    lines += _section(
        "Errors in HEAD",
        [
            f"- {_code(f'{prefix}{d.file}:{d.line}')} {_code(d.code)}: {message_md(d.message)}"
            for d in diff.head_errors
        ],
    )
    return "\n".join(lines).rstrip("\n") + "\n"


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


def _section(title: str, items: list[str]) -> list[str]:
    return ["", f"### {title}", "", *items] if items else []


def _kind(kind: str) -> str:
    return kind.capitalize()


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


def _entity(named: Named) -> str:
    return f"**{md(named.title)}** ({_code(named.key)})"


def _team(title: str | None) -> str:
    return md(title) if title else "*(none)*"


def _raci_lines(changes: list[RaciChange]) -> Iterator[str]:
    grouped: dict[str, list[RaciChange]] = {}
    for change in changes:
        grouped.setdefault(change.entity.key, []).append(change)
    for group in grouped.values():
        parts = [f"{md(c.team)} {'added to' if c.added else 'removed from'} {c.role}" for c in group]
        yield f"- {_entity(group[0].entity)}: {'; '.join(parts)}"


def _finding(d: Diagnostic, titles: dict[str, str]) -> str:
    where = f"**{md(titles.get(d.entity, d.entity))}** ({_code(d.entity)})" if d.entity else md(d.file)
    segments = f" (segments: {md(', '.join(d.segments))})" if d.segments else ""
    return f"- {_code(d.code)} {where}: {message_md(d.message)}{segments}"


def message_md(message: str) -> str:
    """A diagnostic message for Markdown: its `code` spans kept as code, the rest escaped."""
    pieces = message.split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick (from a title): escape it all
        return md(message)
    return "".join(md(p) if i % 2 == 0 else _code(p) for i, p in enumerate(pieces))


def _short(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= _LONG:
        return text
    cut = text[: _LONG - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


def _value(value: Any) -> str:
    if value is MISSING:
        return "*(none)*"
    if isinstance(value, str):
        return md(_short(value)) if value.strip() else "*(empty)*"
    if isinstance(value, bool | int | float) or value is None:
        return md(json.dumps(value))
    if isinstance(value, list) and all(_scalar(v) for v in value):
        return md(_short(", ".join(str(v) for v in value))) if value else "*(empty list)*"
    return md(_short(json.dumps(value, ensure_ascii=False, sort_keys=True)))


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or value is None


def _field(name: str) -> str:
    return _code(name) if SLUG_RE.match(name.replace("_", "-")) else md(name)


def _change_lines(change: FieldChange) -> list[str]:
    """``field: old → new``; lists as the items added and removed; steps matched by their action."""
    old, new = change.old, change.new
    name = _field(change.name)
    if change.name == "file":
        return [f"{name}: {_code(old)} → {_code(new)}"]
    if change.name == "trigger":  # one mapping or a list of them: compared item by item either way
        return [f"{name}: {_list_change(_triggers(old), _triggers(new), _trigger)}"]
    as_list = [v for v in (old, new) if v is not MISSING]
    if as_list and all(isinstance(v, list) for v in as_list):
        old_items = old if isinstance(old, list) else []
        new_items = new if isinstance(new, list) else []
        if all(_scalar(v) for v in old_items + new_items):
            return [f"{name}: {_list_change(old_items, new_items, _value)}"]
        if change.name == "steps":
            return [f"{name}: {part}" for part in _step_changes(old_items, new_items)]
    return [f"{name}: {_value(old)} → {_value(new)}"]


def _list_change(old: list, new: list, show) -> str:
    added = [v for v in new if v not in old]
    removed = [v for v in old if v not in new]
    parts = []
    if added:
        parts.append("added " + ", ".join(show(v) for v in added))
    if removed:
        parts.append("removed " + ", ".join(show(v) for v in removed))
    return "; ".join(parts) or "reordered"


def _triggers(value: Any) -> list:
    return [] if value is MISSING else value if isinstance(value, list) else [value]


def _trigger(value: Any) -> str:
    """``signal: Usage drops`` for a trigger mapping, else the value as written."""
    if isinstance(value, dict) and len(value) == 1:
        ((kind, text),) = value.items()
        return f"{_field(str(kind))} {_value(text)}"
    return _value(value)


def _step_key(step: Any) -> str:
    if isinstance(step, dict) and isinstance(step.get("do"), str):
        return step["do"]
    return json.dumps(step, ensure_ascii=False, sort_keys=True, default=str)


def _step_changes(old: list, new: list) -> list[str]:
    before = {_step_key(s): s for s in old}
    after = {_step_key(s): s for s in new}
    parts = [f"added step “{md(_short(k))}”" for k in after if k not in before]
    parts += [f"removed step “{md(_short(k))}”" for k in before if k not in after]
    for key in [k for k in after if k in before and not _same(before[k], after[k])]:
        was, now = before[key], after[key]
        if isinstance(was, dict) and isinstance(now, dict):
            inner = [
                f"{_field(str(f))} {_value(was.get(f, MISSING))} → {_value(now.get(f, MISSING))}"
                for f in dict.fromkeys([*was, *now])
                if not _same(was.get(f, MISSING), now.get(f, MISSING))
            ]
            parts.append(f"step “{md(_short(key))}”: {', '.join(inner)}")
    if not parts and [_step_key(s) for s in old] != [_step_key(s) for s in new]:
        parts.append("reordered")
    return parts or ["changed"]


def revision_label(revision: str, commit: str) -> str:
    """How a revision is named in the comment: as given, with its short commit id."""
    short = commit[:7]
    return _code(short) if revision in (commit, short) else f"{_code(revision)} ({_code(short)})"


def run(root: Path, docs_dir: Path, base: str, head: str, settings: Settings) -> str:
    """The Markdown diff of the handbook between two revisions of the repository at ``root``."""
    folder = docs_folder(root, docs_dir)
    base_commit, head_commit = resolve_revision(root, base), resolve_revision(root, head)
    diff = compare(
        load_revision(root, base_commit, folder, settings), load_revision(root, head_commit, folder, settings)
    )
    return markdown(diff, revision_label(base, base_commit), revision_label(head, head_commit), folder)
