"""The pages ``mkdocs build`` kept, on disk for the next ``mkdocs build``: the memory of
``journeysite.render.rebuild`` across processes.

The store is a folder of the project (``.cache/plugin/journeysite/pages/``), and everything in the project
is untrusted: a pull request can commit a ``.cache`` folder with crafted HTML. So every entry is signed
with an HMAC-SHA256 under a secret key of this machine's user, kept outside the project
(``$XDG_CACHE_HOME/journeysite/key``, else ``~/.cache/journeysite/key``, 32 random bytes made on first use,
mode 0600). An entry that fails the check, does not parse, is for another page or another build signature
is absent; without a key (it cannot be made or read) there is no store at all. A page with a diagram
records which drawing its figure shows (``PageHTML.figures``: the SVG is not in its fingerprint), and the
next build keeps it only when it has the same drawing. One file per page (its signature, a line of JSON,
then its HTML and output as they are), named by a hash of its path, replaced in one rename; files of
pages this build did not keep are deleted.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from journeysite.core.signing import hmac_of, read_signed, write_signed
from journeysite.core.writing import linked_on_the_way
from journeysite.render.rebuild import PageHTML, digest, tree_stamps
from journeysite.render.stash import TOKEN

FORMAT = "journeysite-page-6"
MAX_ENTRY_BYTES = 64 * 1024 * 1024
SUFFIX = ".page"
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
def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, list):
        return [_encode_value(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value) or any(k.startswith("$") for k in value):
            raise ValueError("a mapping journeysite does not store")
        return {k: _encode_value(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise ValueError(f"a {type(value).__name__} journeysite does not store")


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
        self._prefetched: dict[str, bytes | None] = {}  # what ``prefetch`` read, by file name
        self._prefetching: threading.Thread | None = None
        self._room = threading.Condition()
        self._queued: dict[str, None] | None = None  # the entries ``prefetch`` reads, in order
        self._held, self._closed = 0, False

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
        """Start reading and checking the page entries on a thread of their own: reading files and
        hashing them leave Python's lock, so they overlap the pipeline; ``load`` takes what it read. At
        most PREFETCH_BYTES are held ahead of ``load``; ``close`` stops it."""
        if self._prefetching is None and self.usable:
            self._prefetching = threading.Thread(target=self._read_all, daemon=True)
            self._prefetching.start()

    def _names(self) -> list[str]:
        try:
            return sorted(p.name for p in self.folder.iterdir() if p.name.endswith(SUFFIX))
        except OSError:
            return []

    def _read_all(self) -> None:
        names = self._names()
        with self._room:
            self._queued = dict.fromkeys(names)
        for name in [*names, SEARCH]:  # (the order load takes them in: it never waits on a held one)
            payload = self._read_signed(name, MAX_SITE_BYTES if name == SEARCH else MAX_ENTRY_BYTES)
            with self._room:
                self._prefetched[name] = payload
                self._held += len(payload or b"")
                self._room.notify_all()
                while self._held > PREFETCH_BYTES and not self._closed:
                    self._room.wait()
                if self._closed:
                    return

    def _payload_of(self, name: str, limit: int) -> bytes | None:
        """``_read_signed``, or what ``prefetch`` read of the file (waiting for it)."""
        if self._prefetching is None or (name != SEARCH and name not in (self._listed() or ())):
            return self._read_signed(name, limit)
        with self._room:
            while name not in self._prefetched and self._prefetching.is_alive():
                self._room.wait(0.1)  # (a thread that ended notifies no one)
            payload = self._prefetched.pop(name, None)
            self._held -= len(payload or b"")
            self._room.notify_all()
        return payload

    def _listed(self) -> dict[str, None] | None:
        """The entries ``prefetch`` reads, in order, once it has listed them (None without it): each must
        be taken, in that order, for it to go on."""
        if self._prefetching is not None:
            with self._room:
                while self._queued is None and self._prefetching.is_alive():
                    self._room.wait(0.1)
        return self._queued

    def close(self) -> None:
        """Stop the prefetch (a build that failed) and drop what it holds."""
        with self._room:
            self._closed = True
            self._prefetched.clear()
            self._room.notify_all()

    def load(self, signature: str) -> dict[str, PageHTML]:
        """Every entry of a build whose signature is ``signature`` that passes the check, by src_uri;
        anything else is left out, silently."""
        self.signature = digest(signature, self.environment)
        pages: dict[str, PageHTML] = {}
        if not self.usable:
            return pages
        listed = self._listed()
        for name in listed if listed is not None else self._names():
            found = self._entry(name, self._payload_of(name, MAX_ENTRY_BYTES))
            if found is not None and found[0] not in pages:
                pages[found[0]] = found[1]
        self.loaded = len(pages)
        for src_uri, entries in self._search().items():
            if src_uri in pages:
                pages[src_uri].search = entries
        return pages

    def _search(self) -> dict[str, list[dict[str, Any]]]:
        """The search entries the last build stored, by src_uri (empty when they fail the check)."""
        payload = self._payload_of(SEARCH, MAX_SITE_BYTES)
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
                src: list(entries)
                for src, entries in search.items()
                if isinstance(src, str)
                and isinstance(entries, list)
                and all(isinstance(e, dict) for e in entries)
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
        the one on disk is as it is; else its entry is written now. A page whose listings, or the drawing
        its figures show, are unknown has none. A cache that cannot be written only costs speed."""
        if not self.usable or not self.signature or page.output is None or page.output_key is None:
            return
        if page.listings is None or (page.figures is None and DIAGRAM in page.output):
            return
        name = self.name(src_uri)
        if not unchanged:
            payload = self._payload(src_uri, page)
            if payload is None or not self._write_signed(name, payload):
                return
        self.wanted.add(name)

    def finish(self, pages: dict[str, PageHTML]) -> None:
        """Store the search entries of the pages kept, and delete every other page's entry."""
        if not self.usable or not self.signature:
            return
        search = {
            src: p.search
            for src, p in pages.items()
            if p.search is not None and self.name(src) in self.wanted
        }
        payload = json.dumps(
            {"format": FORMAT, "signature": self.signature, "search": search},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8", "surrogatepass")
        self._write_signed(SEARCH, payload)
        try:
            stale = [
                p for p in self.folder.iterdir() if p.name.endswith(SUFFIX) and p.name not in self.wanted
            ]
        except OSError:
            stale = []
        for path in stale:
            try:
                path.unlink()
            except OSError:
                pass

    def _payload(self, src_uri: str, page: PageHTML) -> bytes | None:
        """The entry as JSON, or None when something of the page would not come back as it is."""
        try:
            meta = _encode_value(page.meta)
            if repr(_decode_value(json.loads(json.dumps(meta)))) != repr(page.meta):
                return None
            read = None
            if page.read is not None:  # how MkDocs read the file, when it comes back as it was
                encoded = _encode_value(page.read[2])
                if repr(_decode_value(json.loads(json.dumps(encoded)))) == repr(page.read[2]):
                    read = [page.read[0], page.read[1], encoded]
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
