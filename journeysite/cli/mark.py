"""Marking a review: set ``reviewed:`` to a date in entity pages, changing no other byte of the file."""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from journeysite.core.reading import frontmatter
from journeysite.core.writing import Changed, replace_file

BOM = b"\xef\xbb\xbf"
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")


class NotMarkable(Exception):
    """The path is not an entity page this command can mark; the message says why and what to do."""


@dataclass(frozen=True)
class Marked:
    """A page whose review was recorded."""

    path: Path
    previous: (
        str | None
    )  # the value ``reviewed`` had, as written (on one line); None when the field was added


def mark(path: Path, docs_dir: Path, today: date) -> Marked:
    """Set ``reviewed: today`` in the entity page at ``path``; raise NotMarkable when it is not one."""
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
    if new_text != text:
        try:
            replace_file(target, (BOM if bom else b"") + new_text.encode("utf-8"), expected=data)
        except Changed:
            raise NotMarkable(
                "changed while it was being marked (someone saved it): run the command again"
            ) from None
    return Marked(path, None if previous is None else " ".join(previous.split()))


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
            f"set `reviewed: {value}` in its front matter by hand"
        )
    keys = [(k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "reviewed"]
    if len(keys) > 1:
        raise NotMarkable("sets `reviewed:` more than once: remove all but one, then mark it")

    def offset(mark: yaml.Mark) -> int:
        """A position in `source` → the same position in `text` (whose line endings may be CRLF)."""
        at = match.start(1) + mark.index
        line = bisect.bisect_right(normal_starts, at) - 1
        return starts[line] + at - normal_starts[line]

    if keys:
        node = keys[0][1]
        start, end = offset(node.start_mark), offset(node.end_mark)
        previous = text[start:end]
        if start == end:  # `reviewed:` with no value: the value goes after the colon
            replacement = " " + value
        elif isinstance(node, yaml.ScalarNode) and node.style in ("'", '"'):
            replacement = f"{node.style}{value}{node.style}"
        else:
            replacement = value + (_ending(previous) if previous.endswith(("\n", "\r")) else "")
        new_text = text[:start] + replacement + text[end:]
    else:
        previous = None
        closing = normal.count("\n", 0, match.end(1))
        indent = " " * root.value[0][0].start_mark.column if root.value else ""
        eol = _ending(lines[closing - 1])
        at = starts[closing]
        new_text = text[:at] + f"{indent}reviewed: {value}{eol}" + text[at:]
    _check_edit(new_text, meta, value)
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


def _check_edit(new_text: str, meta: dict, value: str) -> None:
    """Refuse an edit that changed anything but ``reviewed`` (front matter written in an unusual way)."""
    try:
        source, _, _ = frontmatter.split(_normalise(new_text))
        after = frontmatter.parse(source).data if source is not None else None
    except frontmatter.FrontMatterError:
        after = None
    if after != {**meta, "reviewed": value}:
        raise NotMarkable(
            f"has front matter written in a way this command cannot edit safely: set `reviewed: {value}` by hand"
        )
