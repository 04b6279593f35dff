"""The pages ``mkdocs build`` kept, on disk for the next ``mkdocs build``: the memory of
``journeysite.render.rebuild`` across processes.

The store is a folder of the project (``.cache/plugin/journeysite/pages/``), and everything in the project
is untrusted: a pull request can commit a ``.cache`` folder with crafted HTML. So every entry is signed
with an HMAC-SHA256 under a secret key of this machine's user, kept outside the project
(``$XDG_CACHE_HOME/journeysite/key``, else ``~/.cache/journeysite/key``, 32 random bytes made on first use,
mode 0600). An entry that fails the check, does not parse, is for another page or another build signature
is absent; without a key (it cannot be made or read) there is no store at all. A page with a diagram
records which drawing its figure shows (``PageHTML.figures``: the SVG is not in its fingerprint), and the
next build keeps it only when it has the same drawing.

Entries are records of packs: each process of a build appends the entries it writes to one new pack of its own
(``<time>-<process>-<build>.pack``; creating a file per page cost about a millisecond each here, two seconds
of a 3,000-page build). A record is a line (the entry's name, a hash of the page's path; its signature; its
size), then the entry: a line of JSON, then the page's HTML and output as they are. A later pack's record of a
name replaces an earlier one's. A pack is never written into once made: a build that finds more than a third
of the packs' bytes in records it did not keep copies the kept ones into a new pack, and deletes every pack
none of its records is kept of.

Two builds of one project can run at once (``mkdocs serve`` beside ``mkdocs build``). A build holds a shared lock
(``flock``) on the pack it writes and on each pack it read, until it tidies; it deletes a pack only under an
exclusive lock no other build holds, and never a pack another build made after it read the folder. (Where
``flock`` does not lock, as on Windows or NFS, builds at once can still cost each other kept pages: only speed.)
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import importlib.metadata
import json
import os
import re
import secrets
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from journeysite.core.signing import hmac_of, read_signed, write_signed
from journeysite.core.writing import NEW_FILE_FLAGS, linked_on_the_way, open_regular, write_all
from journeysite.render.rebuild import PageHTML, digest, tree_stamps
from journeysite.render.stash import TOKEN

try:
    import fcntl
except ImportError:  # (Windows: no locks; a build may delete a pack another build is writing)
    fcntl = None  # type: ignore[assignment]

FORMAT = "journeysite-page-7"
MAX_ENTRY_BYTES = 64 * 1024 * 1024
SUFFIX = ".page"  # of an entry's name (and of the files of earlier versions: one per page)
PACK = ".pack"
_RECORD = re.compile(rb"([0-9a-f]{40}\.page) ([0-9a-f]{64}) ([0-9]{1,12})\n")
RECORD_LINE_BYTES = 128  # a record's first line is shorter
MAX_PACKS = 16  # packs with entries kept in them, at most: more are copied into one
Span = tuple[str, int, int]  # a record's pack, where it starts in it, its bytes
SITE = "generated.site"  # the generated pages and journey.json of the last build, by its model
MAX_SITE_BYTES = 512 * 1024 * 1024
PREFETCH_BYTES = 128 * 1024 * 1024  # read ahead of ``load`` at most
SEARCH = "search.entries"  # every stored page's entries in the search index, as the last build wrote them
DIAGRAM = "jsite-diagram"  # in the output of a page that may show a figure
PACKAGE = Path(__file__).resolve().parents[1]  # journeysite/


def environment_signature() -> str:
    """What the build signature of one process does not hold but another process may differ in: Python,
    every installed distribution's version, and journeysite's own files (an editable install keeps its
    version while its code changes)."""
    parts = [sys.version, os.path.abspath(sys.executable)]  # (`../.venv/bin/python` is the same one)
    parts += sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    parts += tree_stamps(str(PACKAGE), lambda root, folder: folder == "__pycache__")
    return digest(*parts)


# Front matter as JSON: dates and datetimes (what YAML makes besides JSON's own types) are tagged.
_PLAIN = frozenset((str, int, float, bool, type(None)))


def _encode_value(value: Any) -> Any:
    """``value`` as plain JSON data that ``_decode_value`` turns back into exactly ``value``; ValueError for
    anything that would not come back as it is (a type of another kind, a subclass: the escaped ``Markup``
    of a template, a mapping with keys that are not text or that look like a tag)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list:
        return [_encode_value(v) for v in value]
    if kind is dict:
        if any(type(k) is not str or k.startswith("$") for k in value):
            raise ValueError("a mapping journeysite does not store")
        return {k: _encode_value(v) for k, v in value.items()}
    if kind is datetime.datetime:
        text = value.isoformat()
        if repr(datetime.datetime.fromisoformat(text)) != repr(value):  # (a time zone of its own kind)
            raise ValueError("a datetime journeysite does not store")
        return {"$datetime": text}
    if kind is datetime.date:
        return {"$date": value.isoformat()}
    raise ValueError(f"a {kind.__name__} journeysite does not store")


def _decode_value(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode_value(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1 and "$datetime" in value:
            return datetime.datetime.fromisoformat(value["$datetime"])
        if len(value) == 1 and "$date" in value:
            return datetime.date.fromisoformat(value["$date"])
        return {k: _decode_value(v) for k, v in value.items()}
    return value


class PageStore:
    """Signed entries of kept pages under ``folder``. ``toc_out``/``toc_in``: a page's table of contents
    to plain data and back (MkDocs' side); ``day``: the build's day (an entry of another day is absent)."""

    def __init__(
        self,
        folder: Path,
        key: bytes,
        toc_out: Callable[[Any], Any],
        toc_in: Callable[[Any], Any],
        day: str = "",
    ) -> None:
        self.folder, self.key = folder, key
        self.toc_out, self.toc_in = toc_out, toc_in
        self.environment = digest(environment_signature(), day)
        self.signature = ""  # of the build: set by load
        self.loaded = 0
        self.wanted: set[str] = set()  # the entries this build wrote or found as they are
        self._as_read: dict[str, bytes] = {}  # the search entries as this build read them (SEARCH)
        self._site_model = ""  # the model whose generated site this build read from the store
        self._prefetched: deque[tuple[str, bytes, Span]] = deque()  # what ``prefetch`` read, in order
        self._read_packs: set[str] = set()  # the packs there were to read
        self._loaded_from: dict[str, Span] = {}  # where each entry ``load`` gave is
        self._prefetching: threading.Thread | None = None
        self._room = threading.Condition()
        self._read_through = False  # ``prefetch`` read every pack and the search entries
        self._search_read: bytes | None = None
        self._held, self._closed = 0, False
        # (process, descriptor, name) of the pack this process writes
        self._pack: tuple[int, int, str] | None = None
        # In the names of the packs this build makes, its forked copy's too (made before the fork): a
        # pack that is neither one of those nor read by this build is another build's, left alone.
        self.build = secrets.token_hex(6)
        self._in_use: dict[str, int] = {}  # pack -> a descriptor of it with this build's shared lock
        self._use_lock = threading.Lock()  # (packs are read on the prefetch thread)
        self._let_go = False  # the locks are released for good (the build tidied, or failed)
        self._unwritable = False  # a pack could not be made: this build stores no more entries

    @property
    def usable(self) -> bool:
        """Not when the folder, or one on its way from the project (``journeysite``, ``plugin``,
        ``.cache``), is a symbolic link: a pull request can commit one to have files written elsewhere."""
        return not linked_on_the_way(self.folder, 4)

    def name(self, src_uri: str) -> str:
        return hashlib.sha256(src_uri.encode("utf-8", "surrogatepass")).hexdigest()[:40] + SUFFIX

    def _mac(self, name: str, payload: bytes) -> bytes:
        return hmac_of(self.key, FORMAT.encode() + b"\0" + name.encode() + b"\0", payload)

    def _read_signed(self, name: str, limit: int) -> bytes | None:
        """The payload of the signed file ``name`` of the store, or None when it is absent, too large,
        a link, or its signature is not this user's for that name."""
        payload = read_signed(self.folder / name, limit, lambda data: self._mac(name, data))
        if payload is None:
            return None
        if name == SEARCH:  # (large, and the same after most builds: not written again then)
            self._as_read[name] = payload
        return payload

    def _write_signed(self, name: str, payload: bytes) -> bool:
        """Sign and write ``payload`` as the file ``name`` of the store (False when it cannot be written:
        a cache that cannot be written only costs speed). What it holds already is not written again."""
        if self._as_read.get(name) == payload:
            return True
        try:
            write_signed(self.folder / name, payload, lambda data: self._mac(name, data))
        except OSError:
            return False
        return True

    # reading

    def prefetch(self) -> None:
        """Start reading and checking the stored entries on a thread of their own: reading files and
        hashing them leave Python's lock, so they overlap the pipeline; ``load`` takes what it read. At
        most PREFETCH_BYTES are held ahead of ``load``; ``close`` stops it."""
        if self._prefetching is None and self.usable:
            self._prefetching = threading.Thread(target=self._read_all, daemon=True)
            self._prefetching.start()

    def _packs(self) -> list[str]:
        """The packs' names, oldest first (their names begin with the time they were made)."""
        try:
            return sorted(p.name for p in self.folder.iterdir() if p.name.endswith(PACK))
        except OSError:
            return []

    def _records(self) -> Iterator[tuple[str, bytes, Span]]:
        """Every record of every pack whose signature is this user's for its name, oldest first: (name,
        entry, where it is)."""
        for pack in self._packs():
            self._read_packs.add(pack)
            self._use(pack)
            for name, mac, span, payload in self._walk(pack, read=True):
                if payload is not None and hmac.compare_digest(mac, self._mac(name, payload)):
                    yield name, payload, span

    def _use(self, pack: str) -> None:
        """Hold a shared lock on a pack this build reads, so that no other build deletes it meanwhile."""
        if fcntl is None:
            return
        try:
            descriptor = os.open(self.folder / pack, os.O_RDONLY | _NO_LINK)  # (not inherited)
        except OSError:
            return
        with self._use_lock:
            if self._let_go or pack in self._in_use or not _lock(descriptor, exclusive=False):
                os.close(descriptor)
            else:
                self._in_use[pack] = descriptor

    def _release(self) -> None:
        """Let go of the packs this build read, for good (a pack the read-ahead reaches later is not held)."""
        with self._use_lock:
            self._let_go = True
            for descriptor in self._in_use.values():
                os.close(descriptor)
            self._in_use.clear()

    def _delete_pack(self, path: Path) -> None:
        """Delete a pack, unless another build holds a lock on it (it reads or writes it)."""
        if fcntl is None or os.path.islink(path):  # (a link is never read, nor written through)
            try:
                path.unlink()
            except OSError:
                pass
            return
        try:
            descriptor = os.open(path, os.O_RDONLY | _NO_LINK)
        except OSError:
            return  # (left for a later build)
        try:
            if _lock(descriptor, exclusive=True):
                path.unlink()
        except OSError:
            pass
        finally:
            os.close(descriptor)

    def _walk(self, pack: str, read: bool) -> Iterator[tuple[str, bytes, Span, bytes | None]]:
        """(name, signature, where it is, entry) of each record of a pack, the entry read only when ``read``
        (signatures unchecked). A pack that is not a regular file (a link), or a record that does not parse
        or is cut short, ends the pack's records."""
        file = open_regular(self.folder / pack)
        if file is None:
            return
        try:
            with file:
                status = os.fstat(file.fileno())
                start = 0
                while start < status.st_size:
                    line = file.readline(RECORD_LINE_BYTES)
                    match = _RECORD.fullmatch(line)
                    size = int(match.group(3)) if match else -1
                    if match is None or size > MAX_ENTRY_BYTES or start + len(line) + size > status.st_size:
                        return
                    payload = file.read(size) if read else None
                    if payload is not None and len(payload) != size:
                        return
                    span = (pack, start, len(line) + size)
                    yield match.group(1).decode("ascii"), match.group(2), span, payload
                    start += len(line) + size
                    if not read:
                        file.seek(start)
        except OSError:
            return

    def _read_all(self) -> None:
        for record in self._records():  # (the order load takes them in)
            with self._room:
                self._prefetched.append(record)
                self._held += len(record[1])
                self._room.notify_all()
                while self._held > PREFETCH_BYTES and not self._closed:
                    self._room.wait()
                if self._closed:
                    return
        search = self._read_signed(SEARCH, MAX_SITE_BYTES)
        with self._room:
            self._search_read, self._read_through = search, True
            self._room.notify_all()

    def _taken(self) -> Iterator[tuple[str, bytes, Span]]:
        """The records, as ``prefetch`` hands them over (waiting for each), or read now without it."""
        if self._prefetching is None:
            yield from self._records()
            return
        while True:
            with self._room:
                while not self._prefetched and not self._read_through and self._prefetching.is_alive():
                    self._room.wait(0.1)  # (a thread that ended notifies no one)
                if not self._prefetched:
                    return
                record = self._prefetched.popleft()
                self._held -= len(record[1])
                self._room.notify_all()
            yield record

    def _search_payload(self) -> bytes | None:
        if self._prefetching is None:
            return self._read_signed(SEARCH, MAX_SITE_BYTES)
        with self._room:
            while not self._read_through and self._prefetching.is_alive():
                self._room.wait(0.1)
            payload, self._search_read = self._search_read, None
        return payload  # (``_read_signed`` noted it as read)

    def close(self) -> None:
        """Stop the prefetch (a build that failed) and drop what it holds."""
        with self._room:
            self._closed = True
            self._prefetched.clear()
            self._room.notify_all()
        self._close_pack()
        self._release()

    def load(self, signature: str) -> dict[str, PageHTML]:
        """Every entry of a build whose signature is ``signature`` that passes the check, by src_uri (a
        later record of a page replacing an earlier one); anything else is left out, silently."""
        self.signature = digest(signature, self.environment)
        pages: dict[str, PageHTML] = {}
        if not self.usable:
            return pages
        for name, payload, span in self._taken():
            found = self._entry(name, payload)
            if found is not None:
                pages[found[0]] = found[1]
                self._loaded_from[name] = span
        self.loaded = len(pages)
        for src_uri, (output_key, entries) in self._search().items():
            if src_uri in pages and pages[src_uri].output_key == output_key:  # (the entries of that output)
                pages[src_uri].search = entries
        return pages

    def _search(self) -> dict[str, tuple[str, list[dict[str, Any]]]]:
        """The search entries the last build stored, by src_uri, with the output of the page they are of
        (``output_key``: a build that failed may have stored a later one); empty when they fail the check."""
        payload = self._search_payload()
        if payload is None:
            return {}
        try:
            entry = json.loads(payload)
            search = entry["search"]
            if (
                entry["format"] != FORMAT
                or entry["signature"] != self.signature
                or not isinstance(search, dict)
            ):
                return {}
            return {
                src: (kept[0], list(kept[1]))
                for src, kept in search.items()
                if isinstance(src, str)
                and isinstance(kept, list)
                and len(kept) == 2
                and isinstance(kept[0], str)
                and isinstance(kept[1], list)
                and all(isinstance(e, dict) for e in kept[1])
            }
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return {}

    def _entry(self, name: str, payload: bytes | None) -> tuple[str, PageHTML] | None:
        if payload is None:
            return None
        try:  # a JSON line, then the page's HTML, its output and its listings, as bytes (no escaping to undo)
            header, _, body = payload.partition(b"\n")
            entry = json.loads(header)
            sizes, names = entry["sizes"], entry["listings"]
            if not (
                isinstance(names, list)
                and all(isinstance(n, str) for n in names)
                and isinstance(sizes, list)
                and len(sizes) == 2 + len(names)
                and all(type(n) is int and n >= 0 for n in sizes)
            ) or sum(sizes) != len(body):
                return None
            texts, at = [], 0
            for size in sizes:
                texts.append(body[at : at + size].decode("utf-8", "surrogatepass"))
                at += size
            entry["content"], entry["output"] = texts[0], texts[1]
            entry["listings"] = dict(zip(names, texts[2:], strict=True))
            return self._page(name, entry, tagged=b'"$date' in header)  # (else none needs decoding)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return None

    def _page(self, name: str, entry: dict[str, Any], tagged: bool) -> tuple[str, PageHTML] | None:
        """``tagged``: the entry may hold dates (``_encode_value``'s tags), which need decoding."""
        src_uri = entry["src_uri"]
        if (
            entry["format"] != FORMAT
            or entry["signature"] != self.signature
            or not isinstance(src_uri, str)
            or self.name(src_uri) != name
        ):
            return None
        strings = (entry["key"], entry["content"], entry["output_key"], entry["output"])
        if not all(isinstance(s, str) for s in strings) or not isinstance(entry["title"], (str, type(None))):
            return None
        anchors, links = entry["anchors"], entry["links"]
        if anchors is not None and not all(isinstance(a, str) for a in anchors):
            return None
        if links is not None and not all(
            isinstance(v, dict) and all(isinstance(x, str) for kv in v.items() for x in kv)
            for v in links.values()
        ):
            return None
        token, quick, listings = entry["token"], entry["quick"], entry["listings"]
        if not (isinstance(token, str) and len(token) == len(TOKEN) and token.isalnum()):
            return None
        if not isinstance(quick, str) or not (
            isinstance(listings, dict) and all(isinstance(v, str) for v in listings.values())
        ):
            return None
        decode = _decode_value if tagged else lambda value: value
        meta, figures = decode(entry["meta"]), entry["figures"]
        if not isinstance(meta, dict) or not (
            figures is None
            or (isinstance(figures, dict) and all(isinstance(v, str) for v in figures.values()))
        ):
            return None
        page = PageHTML(
            key=entry["key"],
            content=entry["content"].replace(token, TOKEN),  # its placeholders, in this build's token
            toc=self.toc_in(entry["toc"]),
            title=entry["title"],
            meta=meta,
            anchors=set(anchors) if anchors is not None else None,
            links_to_anchors={str(k): dict(v) for k, v in links.items()} if links is not None else None,
            output_key=entry["output_key"],
            output=entry["output"],
            quick=quick,
            listings={k: v.replace(token, TOKEN) for k, v in listings.items()},
            read=self._read(entry["read"], decode),
            figures=figures,
        )
        return src_uri, page

    @staticmethod
    def _read(value: Any, decode: Callable[[Any], Any]) -> tuple[str, int, dict[str, Any]] | None:
        if not (isinstance(value, list) and len(value) == 3):
            return None
        text_digest, offset, meta = value[0], value[1], decode(value[2])
        if isinstance(text_digest, str) and type(offset) is int and offset >= 0 and isinstance(meta, dict):
            return text_digest, offset, meta
        return None

    def load_site(self, model: str) -> tuple[dict[str, str], Any]:
        """The generated files (src_uri -> text) the last build stored for a model of signature ``model``
        (``rebuild.model_signature``), each in this build's token, and the plain data stored with them
        (``save_site``'s ``extra``); ({}, None) when there are none, or they fail the check."""
        if not self.usable:
            return {}, None
        payload = self._read_signed(SITE, MAX_SITE_BYTES)
        if payload is None:
            return {}, None
        try:
            header, _, body = payload.partition(b"\n")
            entry = json.loads(header)
            token, sizes = entry["token"], entry["sizes"]
            if (
                entry["format"] != FORMAT
                or entry["model"] != digest(model, self.environment)
                or not (isinstance(token, str) and len(token) == len(TOKEN) and token.isalnum())
                or not all(isinstance(src, str) and type(size) is int and size >= 0 for src, size in sizes)
                or sum(size for _, size in sizes) != len(body)
            ):
                return {}, None
            files, start = {}, 0
            for src_uri, size in sizes:
                text = body[start : start + size].decode("utf-8", "surrogatepass")
                files[src_uri] = text.replace(token, TOKEN)
                start += size
            self._site_model = entry["model"]
            return files, entry.get("extra")
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return {}, None

    # writing

    def save_site(self, model: str, files: dict[str, str], extra: Any = None) -> None:
        """Store the generated files of this build, whose model's signature is ``model``; those holding a
        diagram's placeholder are left out (the diagram is put in the stash as the page is rendered).
        ``extra``: plain data that depends on the model alone, given back with them."""
        if not self.usable or digest(model, self.environment) == self._site_model:
            return  # (what it holds is this model's)
        listing = f'data-jsite-listing="{TOKEN}-'
        texts = {
            src: text.encode("utf-8", "surrogatepass") for src, text in files.items() if listing not in text
        }
        header = {
            "format": FORMAT,
            "model": digest(model, self.environment),
            "token": TOKEN,
            "sizes": [[src, len(data)] for src, data in texts.items()],
            "extra": extra,
        }
        payload = json.dumps(header).encode("ascii") + b"\n" + b"".join(texts.values())
        self._write_signed(SITE, payload)

    def put(self, src_uri: str, page: PageHTML, unchanged: bool) -> None:
        """Keep the page's entry for the next build, as soon as its output is written: ``unchanged``,
        the one stored is as it is; else its entry is written now. A page whose listings, or the drawing
        its figures show, are unknown has none. A cache that cannot be written only costs speed."""
        if not self.usable or not self.signature or page.output is None or page.output_key is None:
            return
        if page.listings is None or (page.figures is None and DIAGRAM in page.output):
            return
        name = self.name(src_uri)
        if not unchanged:
            payload = self._payload(src_uri, page)
            if payload is None or not self._append(name, payload):
                return
        self.wanted.add(name)

    def _append(self, name: str, payload: bytes) -> bool:
        """Write the entry as a record of this process's pack (made on its first entry: a forked copy of
        the build makes its own). False when it cannot be written."""
        if self._unwritable or len(payload) > MAX_ENTRY_BYTES:  # (a larger one would not be read back)
            return False
        try:
            if self._pack is None or self._pack[0] != os.getpid():
                self._pack = self._new_pack()
            mac = self._mac(name, payload)
            parts = [b"%s %s %d\n" % (name.encode("ascii"), mac, len(payload)), payload]
            write_all(self._pack[1], parts)
        except OSError:
            self._unwritable = True  # (a record cut short ends its pack's records: none after it)
            return False
        return True

    def _new_pack(self) -> tuple[int, int, str]:
        """A new, empty pack of this process, open for writing (never a file that was there), named to
        come after every pack there is (a clock set back, a folder from another machine): (process,
        descriptor, name)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = time.time_ns()
        for pack in self._packs()[-1:]:
            newest = pack.partition("-")[0]
            if newest.isdigit() and len(newest) == 20:
                stamp = max(stamp, int(newest) + 1)
        name = f"{stamp:020d}-{os.getpid()}-{self.build}{PACK}"
        descriptor = os.open(self.folder / name, NEW_FILE_FLAGS, 0o666)  # (the umask applies)
        _lock(descriptor, exclusive=False)  # (until it is closed: another build's tidy leaves it)
        return os.getpid(), descriptor, name

    def _close_pack(self) -> None:
        if self._pack is not None and self._pack[0] == os.getpid():
            try:
                os.close(self._pack[1])
            except OSError:
                pass
        self._pack = None

    def finish(self, pages: dict[str, PageHTML]) -> None:
        """Store the search entries of the pages kept, and tidy the packs (``_tidy``)."""
        if not self.usable or not self.signature:
            return
        self._close_pack()
        search = {
            src: [p.output_key, p.search]
            for src, p in pages.items()
            if p.search is not None and self.name(src) in self.wanted
        }
        payload = json.dumps(
            {"format": FORMAT, "signature": self.signature, "search": search},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8", "surrogatepass")
        self._write_signed(SEARCH, payload)
        self._tidy()

    def _tidy(self) -> None:
        """Delete every pack this build read or made none of whose records it kept (and the files of
        earlier versions). When more than a third of the bytes of the packs that hold kept records are
        records it did not keep, or there are more than MAX_PACKS of them, copy the kept ones into a new
        pack first, and delete all the others. (What is kept of the packs there were is where ``load``
        found each entry: their signatures were checked.) A pack another build made meanwhile is neither
        read nor deleted, nor one another build holds a lock on: it is writing or reading it."""
        made = [p for p in self._packs() if p not in self._read_packs and p.endswith(f"-{self.build}{PACK}")]
        packs = {*self._read_packs, *made}
        spans = dict(self._loaded_from)
        for pack in made:  # by this process or its copy
            spans.update((name, span) for name, _, span, _ in self._walk(pack, read=False))
        kept = [span for name, span in spans.items() if name in self.wanted]
        used = {pack for pack, _, _ in kept}
        sizes = {pack: _size(self.folder / pack) for pack in used}
        garbage = sum(sizes.values()) - sum(length for _, _, length in kept)
        if 3 * garbage > sum(sizes.values()) or len(used) > MAX_PACKS:
            try:
                self._copy_into_new_pack(kept)
                used = set()  # (every kept record is in the new pack)
            except OSError:
                pass  # (the packs stay as they are: only room is lost)
            finally:
                self._close_pack()
        try:
            stale = [
                p
                for p in self.folder.iterdir()
                if (p.name in packs and p.name not in used)
                or p.name.endswith(SUFFIX)  # (the store of an earlier version: a file per page)
                or (p.name.startswith(".") and SUFFIX + "." in p.name and p.name.endswith(".tmp"))
            ]
        except OSError:
            stale = []
        self._release()  # (its own locks would stand in its way)
        for path in stale:
            if path.name.endswith(PACK):
                self._delete_pack(path)
                continue
            try:
                path.unlink()
            except OSError:
                pass

    def _copy_into_new_pack(self, spans: list[Span]) -> None:
        """Copy the records at ``spans`` into a new pack; one cut short (a full disk) is deleted."""
        self._pack = self._new_pack()
        try:
            self._copy_records(spans, self._pack[1])
        except OSError:
            name = self._pack[2]
            self._close_pack()
            try:
                (self.folder / name).unlink()
            except OSError:
                pass
            raise

    def _copy_records(self, spans: list[Span], descriptor: int) -> None:
        by_pack: dict[str, list[tuple[int, int]]] = {}
        for pack, start, length in spans:
            by_pack.setdefault(pack, []).append((start, length))
        for pack, parts in by_pack.items():
            file = open_regular(self.folder / pack)
            if file is None:
                raise OSError(f"{pack} is no longer a file journeysite can read")
            with file:
                for start, length in sorted(parts):
                    file.seek(start)
                    data = file.read(length)
                    if len(data) != length:
                        raise OSError(f"{pack} changed while journeysite copied it")
                    write_all(descriptor, [data])

    def _payload(self, src_uri: str, page: PageHTML) -> bytes | None:
        """The entry as JSON, or None when something of the page would not come back as it is."""
        try:
            meta = _encode_value(page.meta)
            read = None
            if page.read is not None:  # how MkDocs read the file, when it comes back as it was
                try:
                    read = [page.read[0], page.read[1], _encode_value(page.read[2])]
                except ValueError:
                    pass
            toc = self.toc_out(page.toc)
            if not isinstance(page.content, str) or not isinstance(page.output, str):
                return None
            listings = page.listings or {}  # (put keeps no page without them)
            names = list(listings)
            parts = [page.content, page.output, *(listings[n] for n in names)]
            if not all(isinstance(part, str) for part in parts):
                return None
            body = [part.encode("utf-8", "surrogatepass") for part in parts]
            entry = {
                "format": FORMAT,
                "signature": self.signature,
                "src_uri": src_uri,
                "token": TOKEN,
                "key": page.key,
                "sizes": [len(part) for part in body],
                "toc": toc,
                "title": page.title,
                "meta": meta,
                "anchors": sorted(page.anchors) if page.anchors is not None else None,
                "links": page.links_to_anchors,
                "output_key": page.output_key,
                "quick": page.quick,
                "listings": names,
                "figures": page.figures,
                "read": read,
            }
            header = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode(
                "utf-8", "surrogatepass"
            )
            return header + b"\n" + b"".join(body)
        except (ValueError, TypeError, RecursionError):
            return None


_NO_LINK = getattr(os, "O_NOFOLLOW", 0)


def _lock(descriptor: int, exclusive: bool) -> bool:
    """Lock an open file, without waiting: shared (this build uses it) or exclusive (it deletes it);
    False when another build's lock stands in the way. Where there are no locks (Windows, a file system
    without them), every lock is granted: builds at once may then cost each other kept pages."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(descriptor, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:  # (no locks here: ENOLCK, EOPNOTSUPP)
        return True
    return True


def _size(path: Path) -> int:
    try:
        return os.lstat(path).st_size
    except OSError:
        return 0
