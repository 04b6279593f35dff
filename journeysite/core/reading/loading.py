"""Loading: read every Markdown page under the docs folder into a Page with its front matter and body links."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from journeysite.core.diagnostics import Diagnostic, error
from journeysite.core.reading import frontmatter

if TYPE_CHECKING:  # (the cache itself is the pipeline's to open)
    from journeysite.core.reading.parse_cache import ParseCache

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
    front_source: str | None = None  # the front matter as written (what a rebuild compares)

    @property
    def meta(self) -> dict:
        data = self.front.data if self.front else None
        return data if isinstance(data, dict) else {}


def all_files(docs_dir: Path, exclude_docs: str = "") -> list[str]:
    """Every file under ``docs_dir`` (relative, sorted) that MkDocs would publish: hidden files and
    folders, ``templates/`` and what ``exclude_docs`` names are left out as MkDocs leaves them out.

    Symlinked folders are followed as MkDocs follows them while they stay inside the docs folder (but
    never into a folder they sit in, which would loop); one that leads outside is listed as an entry and
    not entered, for ``unsafe_file`` to refuse."""
    excluded = _excluded(exclude_docs)
    root_real = os.path.realpath(docs_dir)
    found: list[str] = []
    for root, dirs, files in os.walk(docs_dir, followlinks=True):
        rel_root = Path(root).relative_to(docs_dir)
        here = os.path.realpath(root)
        entered, refused = [], []
        for name in sorted(dirs):
            real = os.path.realpath(os.path.join(root, name))
            if os.path.commonpath([root_real, real]) != root_real:
                refused.append(name)
            elif os.path.commonpath([real, here]) != real:  # not a folder this one is inside
                entered.append(name)
        dirs[:] = entered
        for name in [*files, *refused]:
            relative = (rel_root / name).as_posix()
            if not excluded(relative):
                found.append(relative)
    return sorted(found)


# What MkDocs leaves out of every site, `.*` and `/templates/`, as pathspec reads them: the regular
# expressions it makes of them, tried on the path less a leading `/` or `./`. Importing pathspec takes
# longer than reading a small handbook, so it is imported only for a project's own ``exclude_docs``.
_HIDDEN_OR_TEMPLATES = re.compile(r"(?:.+/)?\.[^/]*(?:/|$)|templates/")


def _hidden_or_templates(relative: str) -> bool:
    path = relative[1:] if relative.startswith("/") else relative.removeprefix("./")
    return _HIDDEN_OR_TEMPLATES.match(path) is not None


def _excluded(exclude_docs: str) -> Callable[[str], bool]:
    """Whether MkDocs leaves a file (its path relative to the docs folder) out of the site."""
    if not any(exclude_docs.splitlines()):
        return _hidden_or_templates
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines([".*", "/templates/", *exclude_docs.splitlines()]).match_file


# Characters a file name must not hold: line breaks and controls split lines in logs, CI annotations and
# CODEOWNERS; < > " reach the site's HTML in titles MkDocs makes from names, and its search results.
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f-\x9f\u2028\u2029<>"]')


def unsafe_file(docs_dir: Path, file: str) -> tuple[str, str] | None:
    """Why ``file`` (relative to ``docs_dir``) must not be read or published, as (the path to blame,
    reason), or None when it is safe.

    A pull request can add a symlink: one that leaves the docs folder would publish any file of the build
    machine (``/proc/self/environ``, ``.git/config`` with CI's credentials), so links are followed only
    while they stay inside the docs folder and out of any ``.git`` folder. The path to blame is the link
    itself, so a linked folder is one problem, not one per file MkDocs found through it."""
    return _unsafe_file(docs_dir, os.path.realpath(docs_dir), file)


def _unsafe_file(docs_dir: Path, root: str, file: str) -> tuple[str, str] | None:
    """``unsafe_file``, with ``root`` the docs folder's real path (worked out once for all the files)."""
    found = _UNSAFE_NAME.search(file)
    if found:
        what = f"`{found.group()}`" if found.group() in '<>"' else "a line break or a control character"
        return file, f"its name (or a folder's) contains {what}: rename it"
    parts = Path(file).parts
    path = str(docs_dir)
    for depth, part in enumerate(parts, 1):
        path = os.path.join(path, part)
        if not os.path.islink(path):
            continue
        what = "folder" if os.path.isdir(path) else "file"
        target = os.path.realpath(path)
        if os.path.commonpath([root, target]) != root:
            return "/".join(parts[:depth]), (
                f"it is a symbolic link to a {what} outside the docs folder, which would publish that "
                f"{what}: replace the link with the {what} itself"
            )
        if ".git" in Path(target).relative_to(root).parts:
            return "/".join(parts[:depth]), "it is a symbolic link into a .git folder: remove the link"
    return None


def unsafe_docs_dir(docs_dir: Path, root: Path) -> Diagnostic | None:
    """An ``unsafe-file`` error when the docs folder, or a folder between it and the project's ``root``
    (the folder of mkdocs.yml), is a symbolic link: a pull request could point it anywhere, and every
    check measures "inside" against where it leads."""
    folder, top = Path(os.path.abspath(docs_dir)), Path(os.path.abspath(root))
    if not folder.is_relative_to(top):
        return None  # a docs_dir outside the project is the configuration's choice
    while folder != top:
        if folder.is_symlink():
            return error(
                "unsafe-file",
                ".",
                1,
                f"the docs folder is refused: {folder.relative_to(top).as_posix()} is a symbolic link (to "
                f"{_UNSAFE_NAME.sub('?', os.readlink(folder))}), which would publish whatever it points to: "
                "make it a real folder",
            )
        folder = folder.parent
    return None


def unsafe_files(docs_dir: Path, files: Iterable[str]) -> dict[str, Diagnostic]:
    """The files that must not be read or published, each with its ``unsafe-file`` error (one error for
    all the files behind one link)."""
    refused: dict[str, Diagnostic] = {}
    blamed: dict[str, Diagnostic] = {}
    root = os.path.realpath(docs_dir)
    for file in files:
        found = _unsafe_file(docs_dir, root, file)
        if found is not None:
            link, reason = found
            shown = _UNSAFE_NAME.sub("?", link)
            refused[file] = blamed.setdefault(
                link, error("unsafe-file", shown, 1, f"this file is refused: {reason}")
            )
    return refused


def _prose_lines(body: str) -> Iterator[tuple[int, str, str]]:
    """Yield (index, line, line with inline code blanked) for each line outside fenced code blocks."""
    fence: str | None = None
    for index, line in enumerate(body.split("\n")):
        if "`" not in line and "~" not in line:  # most lines: no fence, no inline code (quick to skip)
            if fence is None and "[[" in line:
                yield index, line, line
            continue
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
    if "[[" not in body:
        return []
    if "`" not in body and "~~~" not in body:  # no code anywhere: one search of the body, not a loop of lines
        found: list[BodyRef] = []
        line, start = first_line, 0
        for match in BODY_REF_RE.finditer(body):  # a link never spans lines
            line += body.count("\n", start, match.start())
            start = match.start()
            found.append(BodyRef(match.group(1), match.group(2), line))
        return found
    return [
        BodyRef(match.group(1), match.group(2), first_line + index)
        for index, _, prose in _prose_lines(body)
        for match in BODY_REF_RE.finditer(prose)
    ]


@functools.lru_cache(maxsize=16384)
def _body_refs_once(body: str, first_line: int) -> tuple[BodyRef, ...]:
    """``find_body_refs``, remembered for the life of the process (``mkdocs serve`` reads every page on
    each rebuild, and most are as they were)."""
    return tuple(find_body_refs(body, first_line))


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


def load_page(
    docs_dir: Path, file: str, parsed: ParseCache | None = None
) -> tuple[Page | None, list[Diagnostic]]:
    """Read one page; return it (None when unreadable) and the problems found reading it (``parsed``: the
    front matter earlier runs parsed)."""
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
        parse = parsed.parse if parsed is not None else frontmatter.parse_once
        front = parse(source) if source is not None else None
    except frontmatter.FrontMatterError as exc:
        where = f" (line {exc.line}, column {exc.column})" if exc.column else ""
        return Page(file, path, None, text, 1), [error("yaml-syntax", file, exc.line, exc.message + where)]
    return Page(file, path, front, body, body_line, list(_body_refs_once(body, body_line)), source), []


Stamp = tuple[int, int, int, int]  # inode, size, modification and change times (ns)
# What an earlier run read of each page (``load``'s ``known``): the file's stamp then, the page, the problems.
Known = dict[str, tuple[Stamp, "Page | None", list[Diagnostic]]]


def stamp(path: str | os.PathLike[str]) -> Stamp | None:
    """What changes when a file is edited or replaced (by one with the same size and modification time
    too: ``cp -p``, ``mv``): its inode, size, modification and change times; None when it cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _load_known(docs_dir: Path, file: str, parsed: ParseCache | None, known: Known):
    """``load_page``, or what an earlier run read of the page when its file has the same stamp (taken
    before reading: a file saved while it is read has another stamp next time)."""
    now = stamp(docs_dir / file)
    last = known.get(file)
    if now is not None and last is not None and last[0] == now:
        return last[1], last[2]
    page, found = load_page(docs_dir, file, parsed)
    if now is None:
        known.pop(file, None)
    else:
        known[file] = (now, page, found)
    return page, found


def load(
    docs_dir: Path,
    files: Iterable[str] | None = None,
    others: Iterable[str] | None = None,
    exclude_docs: str = "",
    parsed: ParseCache | None = None,
    known: Known | None = None,
) -> tuple[list[Page], list[Diagnostic], frozenset[str]]:
    """Read the pages of a handbook (all ``.md`` files but those ``exclude_docs`` leaves out, or the
    given relative ones), refusing every file that must not be read or published (``others``: the
    files besides pages; all of them by default). Returns the pages, the problems, and the refused
    files (pages or not), which the build must not publish. ``parsed``: the front matter earlier runs
    parsed (the caller saves it, once the model has validated what it holds). ``known``: what earlier runs
    of this process read (``mkdocs serve``), kept up to date here: a file with the same stamp is not read
    again."""
    if files is None:
        everything = all_files(docs_dir, exclude_docs)
        files = [f for f in everything if f.endswith(".md")]
        others = [f for f in everything if not f.endswith(".md")]
    files = sorted(files)
    refused = unsafe_files(docs_dir, [*files, *(others or [])])
    problems = list(dict.fromkeys(refused.values()))
    pages: list[Page] = []
    if known is not None:
        for gone in known.keys() - set(files):
            del known[gone]
    for file in files:
        if file in refused:
            continue
        if known is None:
            page, found = load_page(docs_dir, file, parsed)
        else:
            page, found = _load_known(docs_dir, file, parsed, known)
        problems.extend(found)
        if page is not None:
            pages.append(page)
    return pages, problems, frozenset(refused)
