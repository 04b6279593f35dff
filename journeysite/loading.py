"""Loading: read every Markdown page under the docs folder into a Page with its front matter and body links."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import frontmatter
from .diagnostics import Diagnostic, error

# [[kind:id]]: a link to an entity's page, written in a page body.
BODY_REF_RE = re.compile(r"\[\[([A-Za-z][\w-]*):([^\[\]\s|]+)\]\]")
# Any indentation: fences inside list items are code too.
_FENCE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
_INLINE_CODE_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")


@dataclass(frozen=True, slots=True)
class BodyRef:
    """A ``[[kind:id]]`` written in a page body, with its line in the file."""

    kind: str
    id: str
    line: int


@dataclass(slots=True)
class Page:
    """One Markdown file of the handbook, entity or not."""

    file: str  # relative to docs_dir, with forward slashes
    path: Path
    front: frontmatter.FrontMatter | None
    body: str
    body_line: int
    body_refs: list[BodyRef] = field(default_factory=list)

    @property
    def meta(self) -> dict:
        data = self.front.data if self.front else None
        return data if isinstance(data, dict) else {}


def markdown_files(docs_dir: Path) -> list[str]:
    """Return every ``.md`` file under ``docs_dir`` (relative, sorted), skipping hidden files as MkDocs does."""
    found: list[str] = []
    for root, dirs, files in os.walk(docs_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel_root = Path(root).relative_to(docs_dir)
        for name in files:
            if name.endswith(".md") and not name.startswith("."):
                found.append((rel_root / name).as_posix())
    return sorted(found)


def _prose_lines(body: str) -> Iterator[tuple[int, str, str]]:
    """Yield (index, line, line with inline code blanked) for each line outside fenced code blocks."""
    fence: str | None = None
    for index, line in enumerate(body.split("\n")):
        opening = _FENCE_RE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if "[[" in line:
            yield index, line, _INLINE_CODE_RE.sub(_blank, line)


def find_body_refs(body: str, first_line: int = 1) -> list[BodyRef]:
    """Return the ``[[kind:id]]`` links in a Markdown body, outside code, with their file lines."""
    return [
        BodyRef(match.group(1), match.group(2), first_line + index)
        for index, _, prose in _prose_lines(body)
        for match in BODY_REF_RE.finditer(prose)
    ]


def replace_body_refs(body: str, replacement: Callable[[str, str], str | None]) -> str:
    """Replace each ``[[kind:id]]`` outside code by ``replacement(kind, id)`` (None keeps it as written)."""
    lines = body.split("\n")
    for index, line, prose in _prose_lines(body):
        pieces, last = [], 0
        for match in BODY_REF_RE.finditer(prose):
            new = replacement(match.group(1), match.group(2))
            if new is not None:
                pieces += [line[last : match.start()], new]
                last = match.end()
        lines[index] = "".join(pieces) + line[last:]
    return "\n".join(lines)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def read_text(path: Path) -> str:
    """Read a page as MkDocs does (UTF-8, optional BOM), with line endings made ``\\n``."""
    with open(path, "rb") as handle:
        data = handle.read()
    text = data.decode("utf-8-sig")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_page(docs_dir: Path, file: str) -> tuple[Page | None, list[Diagnostic]]:
    """Read one page; return it (None when unreadable) and the problems found reading it."""
    path = docs_dir / file
    try:
        text = read_text(path)
    except UnicodeDecodeError as exc:
        with open(path, "rb") as handle:
            line = handle.read()[: exc.start].count(b"\n") + 1
        return None, [
            error(
                "yaml-syntax",
                file,
                line,
                f"the file is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} on line {line}): "
                "save it with UTF-8 encoding",
            )
        ]
    except OSError as exc:
        return None, [error("yaml-syntax", file, 1, f"the file cannot be read: {exc.strerror or exc}")]
    try:
        source, body, body_line = frontmatter.split(text)
        front = frontmatter.parse(source) if source is not None else None
    except frontmatter.FrontMatterError as exc:
        where = f" (line {exc.line}, column {exc.column})" if exc.column else ""
        return Page(file, path, None, text, 1), [error("yaml-syntax", file, exc.line, exc.message + where)]
    return Page(file, path, front, body, body_line, find_body_refs(body, body_line)), []


def load(docs_dir: Path, files: Iterable[str] | None = None) -> tuple[list[Page], list[Diagnostic]]:
    """Read the pages of a handbook (all ``.md`` files, or the given relative ones)."""
    pages: list[Page] = []
    problems: list[Diagnostic] = []
    for file in sorted(files) if files is not None else markdown_files(docs_dir):
        page, found = load_page(docs_dir, file)
        problems.extend(found)
        if page is not None:
            pages.append(page)
    return pages, problems
