"""Marking a review: set ``reviewed:`` to a date (and ``reviewed_by:`` to who reviewed) in entity pages,
changing no other byte of the file."""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from journeysite.core import neutral
from journeysite.core.gitrepo import GitError, git, git_toplevel
from journeysite.core.reading import frontmatter
from journeysite.core.writing import Changed, replace_file

BOM = b"\xef\xbb\xbf"
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")
MAX_NAME = 200  # characters: a person's name, not a paragraph


class NotMarkable(Exception):
    """The path is not an entity page this command can mark; the message says why and what to do."""


class BadReviewer(ValueError):
    """``--by`` is not a name that can be recorded on one line of YAML; the message says why."""


def reviewer(name: str) -> str:
    """``name`` as ``reviewed_by`` records it: spaces at the ends dropped, runs of spaces made one.

    It comes from the command line or git, and goes into YAML and onto pages: a line break or a control
    character is refused (BadReviewer), not escaped, so the page says exactly what was typed.
    """
    if any(char in name for char in "\r\n\x0b\x0c\x85\u2028\u2029"):
        raise BadReviewer("a name is one line: it cannot hold a line break")
    if neutral.CONTROL_RE.search(name):
        raise BadReviewer(f"`{neutral.line(name)}` holds a control character: give the name as plain text")
    cleaned = " ".join(name.split())
    if not cleaned:
        raise BadReviewer('give the reviewer\'s name, e.g. --by "Dana Whitfield"')
    if len(cleaned) > MAX_NAME:
        raise BadReviewer(f"a name of {len(cleaned)} characters is not a name: give at most {MAX_NAME}")
    return cleaned


def git_user_name(docs_dir: Path) -> str | None:
    """Who ``git commit`` would name as the author in the docs folder's repository (``user.name``);
    None outside a repository, without git, or when no name is set or it cannot be recorded."""
    if git_toplevel(docs_dir) is None:
        return None
    try:
        done = git(["config", "--get", "user.name"], docs_dir)
    except GitError:
        return None
    if done.returncode != 0:
        return None
    try:
        return reviewer(done.stdout.decode("utf-8").rstrip("\n"))
    except (UnicodeDecodeError, BadReviewer):
        return None


@dataclass(frozen=True)
class Marked:
    """A page whose review was recorded."""

    path: Path
    previous: (
        str | None
    )  # the value ``reviewed`` had, as written (on one line); None when the field was added
    previous_by: str | None = None  # who ``reviewed_by`` named before, when it named someone else


def mark(path: Path, docs_dir: Path, today: date, by: str | None = None) -> Marked:
    """Set ``reviewed: today`` (and ``reviewed_by: by``, a name ``reviewer`` accepted) in the entity page
    at ``path``; raise NotMarkable when it is not one."""
    target = _page_in(path, docs_dir)
    try:
        data = target.read_bytes()
    except OSError as exc:
        raise NotMarkable(f"cannot be read: {exc.strerror or exc}") from None
    bom = data.startswith(BOM)
    try:
        text = data[len(BOM) if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        raise NotMarkable("is not UTF-8 text: save it with UTF-8 encoding") from None
    new_text, previous = set_reviewed(text, today.isoformat())
    earlier = _reviewed_by(text)
    if by is not None:
        new_text = set_reviewed_by(new_text, by)
    elif earlier is not None:
        raise NotMarkable(
            f"names `reviewed_by: {neutral.line(earlier)}` from an earlier review: say who reviewed it now "
            "with --by NAME (or set your name with `git config user.name`)"
        )
    if new_text != text:
        try:
            replace_file(target, (BOM if bom else b"") + new_text.encode("utf-8"), expected=data)
        except Changed:
            raise NotMarkable(
                "changed while it was being marked (someone saved it): run the command again"
            ) from None
    return Marked(
        path,
        None if previous is None else " ".join(previous.split()),
        earlier if earlier is not None and earlier != by else None,
    )


def _reviewed_by(text: str) -> str | None:
    """The ``reviewed_by`` a page's front matter records (one line), or None."""
    source, _, _ = frontmatter.split(_normalise(text))
    try:
        data = frontmatter.parse(source).data if source is not None else None
    except frontmatter.FrontMatterError:
        return None
    value = data.get("reviewed_by") if isinstance(data, dict) else None
    return " ".join(str(value).split()) or None if value is not None else None


def _page_in(path: Path, docs_dir: Path) -> Path:
    """The real file behind ``path``, once it is known to be a Markdown page inside ``docs_dir``."""
    if not path.exists():
        if path.is_symlink():
            raise NotMarkable("is a symbolic link to a file that does not exist")
        raise NotMarkable("does not exist")
    if path.suffix != ".md" or not path.is_file():
        raise NotMarkable("is not a Markdown page (a .md file)")
    docs = docs_dir.resolve()
    real = path.resolve()
    if not real.is_relative_to(docs):
        if path.is_symlink() or Path(os.path.abspath(path)).is_relative_to(docs):
            raise NotMarkable(f"is a symbolic link to {real}, which is outside the docs folder {docs}")
        raise NotMarkable(f"is outside the docs folder {docs}")
    if any(part.startswith(".") for part in real.relative_to(docs).parts):
        raise NotMarkable(
            "is hidden (its name or a folder's starts with `.`), so it is not a page of the site"
        )
    return real


def set_reviewed(text: str, value: str) -> tuple[str, str | None]:
    """Return ``text`` with its front matter's top-level ``reviewed`` set to ``value``, and the old value.

    Only the value changes (its quotes and any comment stay); without the field, a ``reviewed:`` line is
    added just before the closing ``---``. Raise NotMarkable when the page is not an entity page.
    """

    def written(node: yaml.Node | None, previous: str) -> str:
        if node is None or previous == "":  # `reviewed:` with no value: the value goes after the colon
            return value if node is None else " " + value
        if isinstance(node, yaml.ScalarNode) and node.style in ("'", '"'):
            return f"{node.style}{value}{node.style}"
        return value + (_ending(previous) if previous.endswith(("\n", "\r")) else "")

    return _set_field(text, "reviewed", value, written)


def set_reviewed_by(text: str, name: str) -> str:
    """Return ``text`` with ``reviewed_by`` set to ``name`` (quoted as YAML needs): its value replaced
    where the page has the field, else a line added just after ``reviewed:``, so the two read together."""
    scalar = _yaml_scalar(name)

    def written(node: yaml.Node | None, previous: str) -> str:
        if node is not None and previous == "":
            return " " + scalar
        return scalar + (_ending(previous) if previous.endswith(("\n", "\r")) else "")

    new_text, _ = _set_field(text, "reviewed_by", name, written, after="reviewed")
    return new_text


def _yaml_scalar(value: str) -> str:
    """``value`` as one YAML scalar on one line: plain where YAML reads it back as this text, else quoted
    (``O'Brien: #1`` → ``"O'Brien: #1"``; ``yes``, ``2026-01-01`` and ``null`` stay text)."""
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9)
    return dumped.removesuffix("\n...\n").rstrip("\n")


def _set_field(
    text: str,
    name: str,
    value: str,
    written: Callable[[yaml.Node | None, str], str],
    after: str | None = None,
) -> tuple[str, str | None]:
    """Set the top-level field ``name`` to ``value`` in the front matter of ``text``, changing no other
    byte: ``written(node, previous)`` is the text that replaces the value as written (``previous``), or,
    with ``node`` None, the value of a new ``name:`` line, added after the field ``after`` where there is
    one, else just before the closing ``---``. Return the new text and the previous value as written."""
    lines = _LINE_RE.findall(text)
    if lines and lines[-1] == "":
        lines.pop()
    starts, normal_starts = [0], [0]  # where each line starts in `text`, and with endings made `\n`
    for line in lines:
        starts.append(starts[-1] + len(line))
        normal_starts.append(normal_starts[-1] + len(line.rstrip("\r\n")) + (line != line.rstrip("\r\n")))
    normal = _normalise(text)
    match = frontmatter.FRONT_MATTER_RE.match(normal)
    if not match:
        raise NotMarkable(
            "is not an entity page: it has no front matter (a `---` block with `kind:` at the top)"
        )
    source = match.group(1)
    try:
        meta = frontmatter.parse(source).data
        root = yaml.compose(source, Loader=frontmatter.LOADER)  # the loader check uses: it takes `a:<tab>b`
    except (frontmatter.FrontMatterError, yaml.YAMLError):
        raise NotMarkable(
            "has front matter that is not valid YAML: run `journeysite check` to see where, fix it, then mark it"
        ) from None
    if not isinstance(meta, dict) or "kind" not in meta or not isinstance(root, yaml.MappingNode):
        raise NotMarkable(
            "is not an entity page (its front matter has no `kind`); to record a review of a plain page, "
            f"set `{name}: {value}` in its front matter by hand"
        )

    def entries(key: str) -> list[tuple[yaml.Node, yaml.Node]]:
        return [(k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == key]

    keys = entries(name)
    if len(keys) > 1:
        raise NotMarkable(f"sets `{name}:` more than once: remove all but one, then mark it")

    def offset(mark: yaml.Mark) -> int:
        """A position in `source` → the same position in `text` (whose line endings may be CRLF)."""
        at = match.start(1) + mark.index
        line = bisect.bisect_right(normal_starts, at) - 1
        return starts[line] + at - normal_starts[line]

    def line_after(index: int) -> int:
        """The line (0-based, in `lines`) just after the one holding position ``index`` of `source`."""
        at = match.start(1) + index
        return bisect.bisect_right(normal_starts, at)

    if keys:
        node = keys[0][1]
        start, end = offset(node.start_mark), offset(node.end_mark)
        was = text[start:end]
        previous: str | None = was
        new_text = text[:start] + written(node, was) + text[end:]
    else:
        previous = None
        neighbour = entries(after) if after else []
        if neighbour:
            key, node = neighbour[0]
            last = max(node.end_mark.index - 1, key.end_mark.index)  # a block value ends on the next line
            at_line = line_after(last)
            indent = " " * key.start_mark.column
        else:
            at_line = normal.count("\n", 0, match.end(1))  # the closing `---`
            indent = " " * root.value[0][0].start_mark.column if root.value else ""
        eol = _ending(lines[at_line - 1])
        at = starts[at_line]
        new_text = text[:at] + f"{indent}{name}: {written(None, '')}{eol}" + text[at:]
    _check_edit(new_text, meta, name, value)
    return new_text, previous


def _normalise(text: str) -> str:
    """Line endings made ``\\n``, as the loader reads pages (so we agree on where the front matter is)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _ending(line: str) -> str:
    """The line ending of ``line`` (``\\r\\n``, ``\\n`` or ``\\r``), ``\\n`` when it has none."""
    for eol in ("\r\n", "\n", "\r"):
        if line.endswith(eol):
            return eol
    return "\n"


def _check_edit(new_text: str, meta: dict, name: str, value: str) -> None:
    """Refuse an edit that changed anything but ``name`` (front matter written in an unusual way)."""
    try:
        source, _, _ = frontmatter.split(_normalise(new_text))
        after = frontmatter.parse(source).data if source is not None else None
    except frontmatter.FrontMatterError:
        after = None
    if after != {**meta, name: value}:
        raise NotMarkable(
            f"has front matter written in a way this command cannot edit safely: set `{name}: {value}` by hand"
        )
