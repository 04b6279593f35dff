"""Generated HTML kept out of Markdown's way: one placeholder mechanism with one token.

Renderers mark the HTML they generate (``markup.block``); the plugin swaps each marked block for a
placeholder before Markdown runs, so Python-Markdown and MkDocs do not parse it again, and puts it back
after. Two phases: ``html`` comes back right after Markdown (it is the page's own text, and indexed);
``listing`` comes back only once the search plugin has indexed the page (lists of other pages, and
diagrams, which are drawn by then). The token, drawn when journeysite is imported, appears in every
marker and placeholder: a page body cannot write one, so only what journeysite generated is replaced.
A placeholder's key is a hash of what it stands for (a diagram gives its identity), so the same page
gets the same placeholders in every build of one process: ``mkdocs serve`` can keep a page's HTML (and,
the token left out of the hash, in every build: ``mkdocs build`` keeps pages on disk, ``page_store``).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import secrets
from collections.abc import Callable, Iterator

TOKEN = secrets.token_hex(8)
HTML, LISTING = "html", "listing"

MARKERS = {
    phase: (f"<!--jsite:{phase}:{TOKEN}-->", f"<!--/jsite:{phase}:{TOKEN}-->") for phase in (HTML, LISTING)
}
_MARKED = re.compile(rf"<!--jsite:(html|listing):{TOKEN}-->\n(.*?)\n<!--/jsite:\1:{TOKEN}-->", re.DOTALL)
_PLACEHOLDER = {
    phase: re.compile(rf'<div data-jsite-{phase}="{TOKEN}-([0-9a-z]+)"></div>') for phase in (HTML, LISTING)
}
# In Markdown a placeholder is a word alone in its paragraph: Python-Markdown passes it through as one
# cheap paragraph, where a raw HTML block costs its HTML parser a pass (a fifth of converting a page).
# (Alone in a paragraph, the paragraph goes with it; anywhere else, only the word is replaced.)
_WORD = re.compile(rf"<p>jsite{TOKEN}(html|listing)([0-9a-z]+)</p>|jsite{TOKEN}(html|listing)([0-9a-z]+)")

Content = str | Callable[[], str]


def _div(phase: str, key: str) -> str:
    return f'<div data-jsite-{phase}="{TOKEN}-{key}"></div>'


def _as_html(found: re.Match[str]) -> str:
    return _div(*(found.group(1, 2) if found.group(1) else found.group(3, 4)))


class Stash:
    """The HTML behind each placeholder of a build, until its phase puts it back."""

    def __init__(self) -> None:
        self._items: dict[str, Content] = {}
        self._made: dict[str, str] = {}  # what each callable gave when it was put back
        self._ready: dict[str, Callable[[], bool]] = {}  # whether a callable can give its content now
        self._keys = itertools.count()

    def put(
        self,
        phase: str,
        content: Content,
        identity: str | None = None,
        ready: Callable[[], bool] | None = None,
    ) -> str:
        """A placeholder for ``content`` (or for what a callable returns when it is put back: a diagram
        that ``dot`` may still be drawing). Its key is a hash of the text, or of ``identity`` (everything
        a callable's result depends on); a callable without one gets a key of its own, used once.
        ``ready``: whether the callable can give its content without waiting (``makeable``)."""
        key = self._hold(phase, content, identity)
        if ready is not None:
            self._ready[key] = ready
        return _div(phase, key)

    def _hold(self, phase: str, content: Content, identity: str | None = None) -> str:
        """Keep ``content`` under its key (``put``); the key."""
        if isinstance(content, str) or identity is not None:
            source = content if isinstance(content, str) else f"\0callable\0{identity}"
            # (a listing holds a diagram's placeholder; a lone surrogate is in no text read from a file)
            source = source.replace(TOKEN, "\udcff")
            key = hashlib.blake2b(
                f"{phase}\0{source}".encode("utf-8", "surrogatepass"), digest_size=12
            ).hexdigest()
        else:
            key = f"n{next(self._keys)}"
        self._items[key] = content
        return key

    def stash_marked(self, markdown: str) -> str:
        """Markdown with every block ``markup.block`` marked replaced by a placeholder of its phase, in
        the form Markdown passes through cheaply (``from_markdown`` turns it back into HTML's form); a
        blank line before it too, so that it never ends the paragraph before."""
        return _MARKED.sub(
            lambda m: f"\njsite{TOKEN}{m.group(1)}{self._hold(m.group(1), m.group(2))}\n", markdown
        )

    @staticmethod
    def from_markdown(html: str) -> str:
        """The HTML Markdown made of ``stash_marked``'s Markdown, each placeholder in HTML's form again
        (the paragraph Markdown gave it dropped), ready for ``restore``."""
        if f"jsite{TOKEN}" not in html:
            return html
        return _WORD.sub(_as_html, html)

    def restore(self, phase: str, html: str) -> str:
        """The HTML with each placeholder of ``phase`` replaced by its content (placeholders inside a
        content too: a diagram inside a listing)."""
        if f"data-jsite-{phase}=" not in html:
            return html
        return _PLACEHOLDER[phase].sub(lambda m: self.restore(phase, self._take(m.group(1))), html)

    def contents(
        self, phase: str, html: str, shared: frozenset[str] = frozenset(), made: bool = False
    ) -> dict[str, str] | None:
        """What each placeholder of ``phase`` in ``html`` stands for, those inside them too (key ->
        content); None when one is still to be made (a diagram), so that it cannot be kept as text.
        ``shared``: keys the stash a page is handed back to has already (a forked copy of the build hands
        its pages to the parent, whose stash had these before the fork): those are left out, not unknown.
        ``made``: a callable already put back counts as what it gave (a page once it is rendered)."""
        out: dict[str, str] = {}
        for key, content in self._reachable(phase, html, made):
            if not isinstance(content, str):
                if key in shared:
                    continue
                return None
            out[key] = content
        return out

    def makeable(self, phase: str, html: str) -> bool:
        """Whether every placeholder of ``phase`` in ``html`` (and inside them) can be put back without
        waiting: a text, or a callable that gave its content already or is ``ready`` (a diagram drawn)."""
        for key, content in self._reachable(phase, html, made=True):
            if not isinstance(content, str) and not ((ready := self._ready.get(key)) and ready()):
                return False
        return True

    def _reachable(self, phase: str, html: str, made: bool) -> Iterator[tuple[str, Content]]:
        """Each placeholder of ``phase`` in ``html`` and in the texts it stands for, once: its key and
        content (with ``made``, what a callable gave once put back; a callable's own are not walked)."""
        seen: set[str] = set()
        pending = [html]
        while pending:
            for key in _PLACEHOLDER[phase].findall(pending.pop()):
                if key in seen:
                    continue
                seen.add(key)
                content = self._items.get(key, "")
                if callable(content) and made and key in self._made:
                    content = self._made[key]
                yield key, content
                if isinstance(content, str):
                    pending.append(content)

    def keys(self) -> frozenset[str]:
        return frozenset(self._items)

    def adopt(self, contents: dict[str, str]) -> None:
        """Take placeholders' contents an earlier build of this page found (``contents``): their keys
        are hashes of the contents, the same in every build."""
        self._items.update(contents)

    def _take(self, key: str) -> str:
        content = self._items.get(key, "")  # the same content can stand in several pages
        if callable(content):
            if key not in self._made:  # (a figure: the same identity and drawing give the same one)
                self._made[key] = content()
            return self._made[key]
        return content
