"""What a ``mkdocs serve`` rebuild keeps from the build before it: pages whose output cannot differ.

Two levels, each decided from a fingerprint of everything it depends on. A page's *HTML* (what Markdown
makes of it) depends on the build's signature (configuration, theme, plugins, the set of files and their
URLs), its path and URL, its front matter and the Markdown journeysite hands to MkDocs: every generated
section, listing and diagram is in that Markdown, as text or as a placeholder whose key is a hash of what
it stands for (``stash``). A page's *output* (the HTML file) depends on its HTML and on the navigation
every page shows: every title, URL, front matter and section of the site, in order. An edit of one
page's body changes one page's HTML; an edit that changes a title, or a listing other pages show,
changes theirs too; a change of navigation renders every page again.

The memory lives as long as the ``mkdocs serve`` process, in memory; ``mkdocs build`` keeps it on disk
between builds (``page_store``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from journeysite.core.pipeline import Result
from journeysite.core.reading.loading import stamp
from journeysite.render.stash import TOKEN

TOKEN_STANDIN = "\udcff"  # not in any text read from a file (UTF-8 has no lone surrogates)


def digest(*parts: str) -> str:
    """A hash of ``parts`` (separated, so that ("ab", "c") and ("a", "bc") differ)."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0\1\0")
    return h.hexdigest()


@dataclass
class PageHTML:
    """What Markdown made of one page in the build before, and what the page looked like after it."""

    key: str
    content: str  # after journeysite's on_page_content: what the search plugin and the theme get
    toc: Any
    title: str | None
    meta: dict[str, Any]
    anchors: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None  # by the src_uri of the page linked to
    output_key: str | None = None
    output: str | None = None
    search: list[dict[str, Any]] | None = None  # its entries in the search index, as last written
    quick: str = ""  # Rebuild.quick_key of the page in the build that made it
    read: tuple[str, int, dict[str, Any]] | None = None  # how MkDocs read its file (Sources.record)
    listings: dict[str, str] | None = None  # what its listing placeholders stand for (None: unknown)
    figures: dict[str, str] | None = None  # the diagrams its output shows (name -> DiagramSet.drawn)


@dataclass
class Rebuild:
    """The pages of the last build, and what this build kept of them."""

    signature: str = ""
    pages: dict[str, PageHTML] = field(default_factory=dict)  # src_uri -> the last build's page
    kept_html: set[str] = field(default_factory=set)  # Markdown not converted again
    kept_output: set[str] = field(default_factory=set)  # template not rendered again
    # Of those, what a second core made in this very build (``plugin.parallel``), not the last build.
    converted_elsewhere: set[str] = field(default_factory=set)
    rendered_elsewhere: set[str] = field(default_factory=set)
    total: int = 0
    reason: str | None = None  # why this build keeps nothing, when it cannot
    model: str = ""  # this build's model_signature
    # Each page's fingerprint of the model and what MkDocs hands journeysite, and the HTML key its
    # Markdown had then (src_uri -> both).
    quick: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The inputs of each page's last quick_key and the key: its Markdown, the model, URL and title, and
    # its front matter.
    quick_of: dict[str, tuple[str, tuple[str, str, str | None], dict[str, Any], str]] = field(
        default_factory=dict
    )
    # Each page's search entries as last written, and their JSON (merged_search_index).
    search_json: dict[str, tuple[list[dict[str, Any]], str]] = field(default_factory=dict)

    def begin(self, signature: str, reason: str | None = None) -> None:
        """Start a build whose signature is ``signature``: a different one forgets every page. ``reason``:
        why this build must convert and render every page (then nothing is remembered either)."""
        if signature != self.signature or reason is not None:
            self.pages.clear()
            self.quick.clear()
            self.quick_of.clear()
            self.search_json.clear()
        self.signature = signature if reason is None else ""
        self.reason = reason
        self.kept_html, self.kept_output, self.total = set(), set(), 0
        self.converted_elsewhere, self.rendered_elsewhere = set(), set()

    @property
    def active(self) -> bool:
        return self.reason is None

    def html_key(
        self, src_uri: str, url: str, markdown: str, meta: Mapping[str, Any], title: str | None
    ) -> str:
        """The fingerprint of everything a page's HTML depends on. The stash's token (drawn per process)
        counts as a stand-in no text can hold (a lone surrogate), so that a page's fingerprint is the
        same in the next ``mkdocs build``, whose kept HTML gets that build's token (``page_store``)."""
        markdown = markdown.replace(TOKEN, TOKEN_STANDIN)
        return digest(self.signature, src_uri, url, markdown, repr(meta), repr(title))

    def quick_key(
        self, src_uri: str, url: str, markdown: str, meta: Mapping[str, Any], title: str | None
    ) -> tuple[str, str | None]:
        """A page's fingerprint of the model (``model``) and what MkDocs gives journeysite (its Markdown
        as written, front matter, title and URL), and its HTML key when an earlier build had the same:
        the Markdown journeysite makes of a page is a function of those alone. (A generated page's
        Markdown holds the stash's token, drawn per process: it counts as its stand-in, as in
        ``html_key``, so that the next ``mkdocs build`` finds the page by this key too.)"""
        if not self.model:
            return "", None
        # (comparing costs less than hashing: a page MkDocs read as in the last build has the very same
        # Markdown, Sources.read_once; a generated page's may be megabytes)
        last = self.quick_of.get(src_uri)
        if (
            last is not None
            and last[0] == markdown
            and last[1] == (self.model, url, title)
            and last[2] == meta
        ):
            key = last[3]
        else:
            written = markdown
            if TOKEN in markdown:
                markdown = markdown.replace(TOKEN, TOKEN_STANDIN)
            key = digest(self.model, src_uri, url, markdown, repr(meta), repr(title))
            self.quick_of[src_uri] = (written, (self.model, url, title), dict(meta), key)
        found = self.quick.get(src_uri)
        return key, found[1] if found is not None and found[0] == key else None

    def drop_stale_figures(self, drawn: Callable[[str], str | None]) -> None:
        """Forget each page of the last build that shows a diagram this build has another drawing of, or
        none yet (``drawn``: a digest of this build's, by name): the figure is not in its fingerprint."""
        for src_uri, page in list(self.pages.items()):
            if page.figures and any(drawn(name) != known for name, known in page.figures.items()):
                del self.pages[src_uri]

    def holds(self, src_uri: str, key: str) -> bool:
        """Whether the last build's page has the HTML key ``key``."""
        page = self.pages.get(src_uri) if self.active else None
        return page is not None and page.key == key

    def keep_html(self, src_uri: str, key: str) -> PageHTML | None:
        """The last build's page when its HTML cannot differ in this one (counted as kept)."""
        self.total += 1
        page = self.pages.get(src_uri) if self.active else None
        if page is None or page.key != key:
            self.pages.pop(src_uri, None)
            return None
        self.kept_html.add(src_uri)
        return page

    def remember_html(self, src_uri: str, page: PageHTML) -> None:
        if self.active:
            self.pages[src_uri] = page

    def forget(self, src_uri: str) -> None:
        """A page whose conversion or rendering logged something: build it again next time, so the
        message is logged again."""
        self.pages.pop(src_uri, None)

    def keep_outputs(self, navigation: str) -> set[str]:
        """The pages whose output cannot differ from the last build's, given this build's navigation
        signature: their HTML was kept and the navigation is the same."""
        for src_uri in self.kept_html:
            page = self.pages[src_uri]
            if page.output is not None and page.output_key == digest(navigation, page.key):
                self.kept_output.add(src_uri)
        return self.kept_output

    def output(self, src_uri: str) -> str:
        page = self.pages.get(src_uri)
        if page is None or page.output is None or src_uri not in self.kept_output:
            raise KeyError(f"journeysite kept no output for {src_uri}")
        return page.output

    def remember_output(self, src_uri: str, navigation: str, output: str) -> None:
        page = self.pages.get(src_uri)
        if page is not None and src_uri not in self.kept_output:
            page.output_key, page.output = digest(navigation, page.key), output

    def summary(self) -> str:
        """One line for the log: how much of the site this build made again."""
        if not self.active:
            return f"rebuilt all {self.total} pages ({self.reason})"
        rendered = self.total - len(self.kept_output - self.rendered_elsewhere)
        converted = self.total - len(self.kept_html - self.converted_elsewhere)
        elsewhere = (
            f"; a second core converted {len(self.converted_elsewhere)} and rendered "
            f"{len(self.rendered_elsewhere)} of them"
            if self.converted_elsewhere or self.rendered_elsewhere
            else ""
        )
        kept = ", the other pages kept from the previous build" if converted < self.total else ""
        return (
            f"rebuilt {rendered} of {self.total} pages (Markdown converted for {converted}{kept}{elsewhere})"
        )


def model_signature(result: Result, *more: str) -> str:
    """Everything the site journeysite generates depends on, but the pages' bodies: each page's front
    matter as written, where its body starts and the ``[[kind:id]]`` links in it, the diagnostics, the
    review status (which holds the commit dates), the day and the settings; and ``more``. When it is the
    last build's, the generated pages, sections and diagrams are too: a body edit changes only its page."""
    pages = (
        repr((p.file, p.front_source, p.body_line, [(r.kind, r.id, r.line) for r in p.body_refs]))
        for p in result.handbook.pages
    )
    return digest(
        *pages,
        repr(result.diagnostics),
        repr(sorted(result.review.items())),
        repr(sorted(result.refused)),
        result.today.isoformat(),
        repr(result.settings),
        *more,
    )


def merged_search_index(
    text: str,
    order: list[tuple[str, str]],
    kept: dict[str, list[dict[str, Any]]],
    fresh: list[dict[str, Any]] | None = None,
    encoded: dict[str, tuple[list[dict[str, Any]], str]] | None = None,
) -> tuple[str, dict[str, list[dict[str, Any]]]] | None:
    """mkdocs-material's search index as a full build writes it, from the one this build wrote (without
    the kept pages, which the search plugin was given empty) and the kept pages' last entries; and each
    page's entries, to keep. ``order``: (src_uri, url) of every page, in the order the plugin indexed them
    (it appends each page's entries; a page's all have its URL before ``#``). None when ``text`` is not
    such an index. ``fresh``: the entries this build indexed, in place of the ones ``text`` holds.
    ``encoded``: each page's entries and their JSON, from the last build, kept up to date here: a page
    whose entries are the very list they were is not encoded again (0.15 s of a rebuild at 3,000 pages)."""
    try:
        data = json.loads(text)
        written: dict[str, list[dict[str, Any]]] = {}
        for entry in data["docs"] if fresh is None else fresh:
            written.setdefault(entry["location"].split("#", 1)[0], []).append(entry)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    urls = {url for _, url in order}
    if set(written) - urls or any(url in written for src, url in order if src in kept):
        return None
    entries = {src: kept[src] if src in kept else written.get(url, []) for src, url in order}
    encoded = {} if encoded is None else encoded
    for src in encoded.keys() - entries.keys():
        del encoded[src]
    docs = []
    for src, _ in order:
        if not (found := entries[src]):
            continue
        known = encoded.get(src)
        if known is None or known[0] is not found:  # (a page's entries are a new list when indexed again)
            known = encoded[src] = (found, _json(found)[1:-1])  # (its items, as in the whole index's list)
        docs.append(known[1])
    # As the search plugin writes it: the JSON of a list is its items' JSON, comma-separated, so each
    # page's list without its brackets is its part of the index's.
    data["docs"] = _DOCS
    before, _, after = _json(data).rpartition(_json(_DOCS))
    return f"{before}[{','.join(docs)}]{after}", entries


_DOCS = "\0journeysite: the pages' entries\0"


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


def plain(value: Any) -> Any:
    """A configuration value as plain data for a signature: objects give their type's name only."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return f"<{type(value).__module__}.{type(value).__qualname__}>"


def files_signature(files: Iterable[tuple[str, str, str]]) -> str:
    """The signature of the site's files: (src_uri, url, inclusion) of each."""
    return digest(*(repr(f) for f in sorted(files)))


def tree_stamps(top: str, skip: Callable[[str, str], bool] = lambda root, folder: False) -> list[str]:
    """Every file below ``top`` as "path:size:mtime:ctime:inode", in a stable order: what changes when a
    file is edited or replaced (by one with the same size and modification time too: ``cp -p``), for a
    signature. ``skip(root, folder)`` leaves a folder out."""
    out = []
    for root, folders, names in os.walk(top):
        folders[:] = sorted(f for f in folders if not skip(root, f))
        for name in sorted(names):
            if (found := stamp(os.path.join(root, name))) is not None:
                inode, size, modified, changed = found
                out.append(f"{root}/{name}:{size}:{modified}:{changed}:{inode}")
    return out
