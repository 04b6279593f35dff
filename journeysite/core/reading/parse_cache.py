"""Parsed front matter kept between runs: ``journeysite check`` and ``mkdocs build`` parse a page's YAML
again only when it changed. A page's front matter, with the line of every key and item, costs about
0.2 ms to parse; the whole handbook's, read back in one file, a quarter of that.

One file in the project's ``.cache/plugin/journeysite/``, and the project is untrusted (a pull request can
commit a ``.cache``): the file is signed with this user's key (``core.signing``) and read only when the
signature holds, then decoded with ``marshal``, which is not safe for data of unknown origin, so nothing
else is ever decoded. Each entry is found by a hash of the YAML and its first line; the file is valid for
one Python, one PyYAML and one version of journeysite's parser (its files, as an editable install
changes them). A front matter that cannot be read is never kept (its error is found again). Not in CI.
"""

from __future__ import annotations

import hashlib
import hmac
import marshal
import sys
from pathlib import Path
from typing import Any

import yaml

from journeysite.core.reading import frontmatter
from journeysite.core.signing import in_ci, secret_key
from journeysite.core.writing import read_regular, replace_file

FORMAT = b"journeysite-front-matter-1"
NAME = "front-matter.parsed"
MAX_BYTES = 256 * 1024 * 1024
_CODE = (Path(frontmatter.__file__).resolve(), Path(__file__).resolve())  # the parser, and this file

Entry = tuple[Any, dict, list, list]  # data, lines, duplicates, cuts (as tuples)


def _stamp() -> bytes:
    """What the entries depend on besides the YAML: the Python, PyYAML and the code that makes them."""
    parts = [sys.version, yaml.__version__, str(yaml.__with_libyaml__)]
    for path in _CODE:
        status = path.stat()
        parts += [str(path), str(status.st_size), str(status.st_mtime_ns)]
    return "\0".join(parts).encode()


class ParseCache:
    """The front matter a run parsed, for the next run: ``parse`` as ``frontmatter.parse_once`` does."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.path, self.key = folder / NAME, key
        self.stamp = _stamp()
        self.known: dict[bytes, Entry] = {}
        self.used: dict[bytes, Entry] = {}
        self.changed = False
        self._read()

    @classmethod
    def of_project(cls, root: Path) -> ParseCache | None:
        """The project's cache, or None in CI, without this user's key, or when ``.cache`` or a folder in it
        is a link (a pull request could have it read or write files elsewhere)."""
        if in_ci():
            return None
        folder = root / ".cache" / "plugin" / "journeysite"
        try:
            if any(f.is_symlink() for f in (folder, folder.parent, folder.parent.parent)):
                return None
            key = secret_key(root)
            return cls(folder, key) if key is not None else None
        except OSError:
            return None

    def _mac(self, payload: bytes) -> bytes:
        mac = hmac.new(self.key, FORMAT + b"\0" + self.stamp + b"\0", hashlib.sha256)
        mac.update(payload)
        return mac.hexdigest().encode("ascii")

    def _read(self) -> None:
        found = read_regular(self.path, MAX_BYTES)
        if found is None:
            return
        mac, _, payload = found[0].partition(b"\n")
        if not hmac.compare_digest(mac, self._mac(payload)):
            return  # another user's, another parser's, or altered: as if absent
        try:
            known = marshal.loads(payload)  # (signed by this user: what one of their runs wrote)
        except (EOFError, ValueError, TypeError):
            return
        if isinstance(known, dict):
            self.known = known

    def parse(self, source: str, first_line: int = 2) -> frontmatter.FrontMatter:
        """The front matter of ``source`` as ``frontmatter.parse`` gives it (raising its errors)."""
        key = hashlib.blake2b(
            f"{first_line}\0{source}".encode("utf-8", "surrogatepass"), digest_size=20
        ).digest()
        entry = self.known.get(key)
        if entry is not None:
            self.used[key] = entry
            data, lines, duplicates, cuts = entry
            return frontmatter.FrontMatter(
                data,
                lines,
                [frontmatter.DuplicateKey(*d) for d in duplicates],
                first_line,
                source,
                [frontmatter.CutText(*c) for c in cuts],
            )
        parsed = frontmatter.parse_once(source, first_line)
        entry = (
            parsed.data,
            parsed.lines,
            [(d.path, d.first_line, d.second_line) for d in parsed.duplicates],
            [(c.path, c.line, c.read, c.written, c.fixed, c.whole) for c in parsed.cuts],
        )
        try:
            marshal.dumps(entry)
        except ValueError:  # (a value marshal cannot hold: parsed again next time)
            return parsed
        self.used[key], self.changed = entry, True
        return parsed

    def save(self) -> None:
        """Keep what this run parsed (and nothing it did not use): written only when that changed."""
        if not self.changed and len(self.used) == len(self.known):
            return
        payload = marshal.dumps(self.used)
        try:
            replace_file(self.path, self._mac(payload) + b"\n" + payload, durable=False)
        except OSError:
            pass  # a cache that cannot be written only costs time
        self.known, self.changed = dict(self.used), False
