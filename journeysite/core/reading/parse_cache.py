"""Parsed front matter kept between runs: ``journeysite check`` and ``mkdocs build`` parse a page's YAML
again only when it changed. A page's front matter, with the line of every key and item, costs about
0.2 ms to parse; the whole handbook's, read back in one file, a quarter of that.

One file in the project's ``.cache/plugin/journeysite/``, and the project is untrusted (a pull request can
commit a ``.cache``): the file is signed with this user's key (``core.signing``) and read only when the
signature holds, then decoded with ``marshal``, which is not safe for data of unknown origin, so nothing
else is ever decoded. Each entry is found by a hash of the YAML and its first line keyed with that key
(no one else can make two front matters meet); the file is valid for one Python, one PyYAML and libyaml,
and one version of journeysite's parser (its files, as an editable install changes them). A front
matter that cannot be read is never kept (its error is found again), nor one whose entry is larger than
MAX_ENTRY_BYTES (deep nesting makes the line index grow faster than the YAML), and the file keeps to
MAX_BYTES, so that it can always be read back. Not in CI.

An entry also says which kind's schema its data met (``FrontMatter.valid_as``), so an unchanged page is
not validated again: the file is then valid for one set of schemas and one schema validator too.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import sys
from pathlib import Path
from typing import Any

import yaml

from journeysite.core import schema
from journeysite.core.reading import frontmatter
from journeysite.core.signing import hmac_of, in_ci, read_signed, secret_key, write_signed
from journeysite.core.writing import linked_on_the_way

FORMAT = b"journeysite-front-matter-3"
NAME = "front-matter.parsed"
MAX_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 256 * 1024  # a page's, marshalled: some 2 KB as people write them
# The parser, this file, and what says whether data meets a schema: the schemas, the code that asks, and
# the validator's library (found, not imported: a run that validates nothing never loads it).
_CODE = (Path(frontmatter.__file__).resolve(), Path(__file__).resolve(), Path(schema.__file__).resolve())


def _stamp() -> bytes:
    """What the entries depend on besides the YAML: the Python, PyYAML, libyaml, the schemas and their
    validator, and the code that makes them."""
    try:
        libyaml = yaml._yaml.get_version_string()
    except AttributeError:  # (PyYAML without libyaml)
        libyaml = ""
    parts = [sys.version, yaml.__version__, libyaml]
    validator = importlib.util.find_spec("jsonschema_rs")
    found = [*_CODE, *(schema.schema_dir() / f"{name}.json" for name in (schema.COMMON, *schema.KINDS))]
    if validator is not None and validator.origin:
        found.append(Path(validator.origin))
        found += sorted(Path(validator.origin).parent.glob("*.so"))  # (the compiled part)
    for path in found:
        status = path.stat()
        parts += [str(path), str(status.st_size), str(status.st_mtime_ns)]
    return "\0".join(parts).encode()


class ParseCache:
    """The front matter a run parsed, for the next run: ``parse`` as ``frontmatter.parse_once`` does."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder, self.key = folder, key
        self.stamp = _stamp()
        self.known: dict[bytes, tuple[bytes, str]] = {}  # entry key -> the entry marshalled, valid_as
        # what this run handed out, by entry key: marshalled, and as given (its ``valid_as`` is learnt)
        self.used: dict[bytes, tuple[bytes, frontmatter.FrontMatter]] = {}
        if self.usable():
            self._read()

    @classmethod
    def of_project(cls, root: Path) -> ParseCache | None:
        """The project's cache, or None in CI or without this user's key."""
        if in_ci():
            return None
        key = secret_key(root)
        return cls(root / ".cache" / "plugin" / "journeysite", key) if key is not None else None

    def usable(self) -> bool:
        """Not when the folder, or one on its way from the project (``plugin``, ``.cache``), is a link: a
        pull request can commit one to have the file read or written elsewhere. (Asked again before the
        file is written.)"""
        return not linked_on_the_way(self.folder, 3)

    def _mac(self, payload: bytes) -> bytes:
        return hmac_of(self.key, FORMAT + b"\0" + self.stamp + b"\0", payload)

    def _read(self) -> None:
        payload = read_signed(self.folder / NAME, MAX_BYTES + 65, self._mac)  # (never through a link)
        if payload is None:
            return  # absent, or another user's, another parser's, or altered: as if absent
        try:
            known = marshal.loads(payload)  # (signed by this user: what one of their runs wrote)
        except (EOFError, ValueError, TypeError):
            return
        if isinstance(known, dict):
            self.known = known

    def parse(self, source: str, first_line: int = 2) -> frontmatter.FrontMatter:
        """The front matter of ``source`` as ``frontmatter.parse`` gives it (raising its errors)."""
        text = f"{first_line}\0{source}".encode("utf-8", "surrogatepass")
        key = hashlib.blake2b(text, key=self.key, digest_size=32).digest()
        found = self.known.get(key)
        if found is not None:
            packed, valid_as = found
            data, lines, duplicates, cuts = marshal.loads(packed)
            front = frontmatter.FrontMatter(
                data,
                lines,
                [frontmatter.DuplicateKey(*d) for d in duplicates],
                first_line,
                source,
                [frontmatter.CutText(*c) for c in cuts],
                valid_as,
            )
            self.used[key] = (packed, front)
            return front
        parsed = frontmatter.parse_once(source, first_line)
        entry: Any = (
            parsed.data,
            parsed.lines,
            [(d.path, d.first_line, d.second_line) for d in parsed.duplicates],
            [(c.path, c.line, c.read, c.written, c.fixed, c.whole) for c in parsed.cuts],
        )
        try:
            packed = marshal.dumps(entry)
        except ValueError:  # (a value marshal cannot hold: parsed again next time)
            return parsed
        if len(packed) <= MAX_ENTRY_BYTES:
            self.used[key] = (packed, parsed)
        return parsed

    def save(self) -> None:
        """Keep what this run parsed (and nothing it did not use), up to MAX_BYTES: written only when that
        changed (a page parsed anew, one gone, or what this run's validation learnt)."""
        kept, size = {}, 0
        for key, (packed, front) in self.used.items():
            size += len(key) + len(packed) + len(front.valid_as) + 16
            if size > MAX_BYTES:
                break
            kept[key] = (packed, front.valid_as)
        if kept == self.known:
            return
        payload = marshal.dumps(kept)
        if self.usable():
            try:
                write_signed(self.folder / NAME, payload, self._mac)
            except OSError:
                pass  # a cache that cannot be written only costs time
        self.known = kept
