"""The MkDocs side of ``mkdocs serve`` rebuilding only what changed (the decisions are in
``journeysite.render.rebuild``): the signatures read from MkDocs' configuration, files and navigation, a
page's HTML taken from and given back to a ``Page``, the template that writes a kept page, and the log
watch that makes a page which logged anything build again."""

from __future__ import annotations

import atexit
import gc
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from journeysite.core.analysis.dates import build_date
from journeysite.core.signing import in_ci, secret_key
from journeysite.render.assemble import SiteFiles
from journeysite.render.diagrams.inline import FIGURE
from journeysite.render.diagrams.job import DiagramJob
from journeysite.render.page_store import PageStore
from journeysite.render.rebuild import (
    PageHTML,
    Rebuild,
    digest,
    files_signature,
    merged_search_index,
    plain,
    tree_stamps,
)
from journeysite.render.stash import LISTING, Stash

# Plugins known to change pages only through what journeysite fingerprints (the search plugin reads
# every page's HTML, which is kept exactly): with any other, every page is built every time.
SEARCH_PLUGINS = frozenset({"search", "material/search", "mkdocs/search"})
KNOWN_PLUGINS = SEARCH_PLUGINS | {"journeysite"}
# Markdown extensions that read other files into a page: journeysite cannot see what they read.
FILE_READING_EXTENSIONS = ("snippets", "include")
KEPT_TEMPLATE = "journeysite-kept-output.html"
# What mkdocs-material's navigation shows of each page's front matter (partials/nav-item.html); with
# another theme the navigation's signature holds all of it.
MATERIAL_NAV_META = ("icon", "subtitle", "status")
SEARCH_INDEX = "search/search_index.json"


@dataclass
class KeptSite:
    """What journeysite generated in the last build, with the stash and drawings its Markdown refers to:
    a build whose model has the same signature (``rebuild.model_signature``) uses it as it is."""

    model: str
    built: SiteFiles
    stash: Stash
    drawing: DiagramJob | None


class Sources:
    """Each page's text, Markdown and front matter as MkDocs read them in the last build. MkDocs reads
    every page again on each ``mkdocs serve`` rebuild and parses its front matter with PyYAML's
    pure-Python loader (a second at 3,000 pages); a page whose text is the same gets what MkDocs made of
    it then. (MkDocs offers no event that replaces its reading: ``on_page_read_source`` gives the text,
    which MkDocs parses still; so the page's ``read_source`` is replaced for this build, and only while
    no plugin journeysite does not know takes part: ``why_not``.)"""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str, str, dict[str, Any]]] = {}
        # From the page store (`mkdocs build`): each page's text's digest, where its Markdown starts in
        # it, and its front matter, as MkDocs read them in the last build.
        self.known: dict[str, tuple[str, int, dict[str, Any]]] = {}

    def record(self, src_uri: str) -> tuple[str, int, dict[str, Any]] | None:
        """What the page store keeps of the page's reading (``known``), when MkDocs read it this build."""
        seen = self.seen.get(src_uri)
        if seen is None or not seen[0].endswith(seen[1]):
            return None
        return digest(seen[0]), len(seen[0]) - len(seen[1]), dict(seen[2])

    def read_once(self, page: Page) -> None:
        read = page.read_source
        src_uri = page.file.src_uri

        def read_source(config: MkDocsConfig) -> None:
            text = page.file.content_string
            seen, known = self.seen.get(src_uri), self.known.get(src_uri)
            if seen is not None and seen[0] == text:
                page.markdown, page.meta = seen[1], dict(seen[2])  # journeysite escapes it into a copy
                return
            if known is not None and known[1] <= len(text) and known[0] == digest(text):
                page.markdown, page.meta = text[known[1] :], dict(known[2])
            else:
                read(config)
            if page.markdown is not None:
                self.seen[src_uri] = (text, page.markdown, dict(page.meta))

        page.read_source = read_source  # type: ignore[method-assign]


def skip_conversion(page: Page) -> None:
    """Have MkDocs not convert a page whose HTML is kept (``on_page_content`` gives it back): MkDocs
    would set up a Markdown converter for its empty text, a third of a millisecond a page."""

    def render(config: MkDocsConfig, files: Files) -> None:
        page.content = ""

    page.render = render  # type: ignore[method-assign]


def why_not(config: MkDocsConfig) -> str | None:
    """Why this build must convert and render every page, or None when it can keep what did not change."""
    others = sorted(set(config.plugins) - KNOWN_PLUGINS)
    if others:
        return f"the plugin {', '.join(others)} may change pages in ways journeysite cannot see"
    readers = [
        str(e) for e in config.markdown_extensions if any(w in str(e) for w in FILE_READING_EXTENSIONS)
    ]
    if readers:
        return f"the Markdown extension {', '.join(readers)} reads other files into pages"
    return None


def build_signature(config: MkDocsConfig, files: Files) -> str:
    """Everything every page depends on but its own text and the navigation: the configuration (its file
    and the values loaded from it), the theme's templates and the site's files with their URLs."""
    source = Path(config.config_file_path).read_bytes() if config.config_file_path else b""
    # (the first build of `mkdocs serve` names the configuration file as given, later ones in full)
    # (where the site is written is no part of any page: `mkdocs build -d elsewhere` keeps them too)
    skip = ("plugins", "theme", "config_file_path", "site_dir")
    values = {key: plain(value) for key, value in config.items() if key not in skip}
    theme = {"name": config.theme.name, "dirs": config.theme.dirs, **plain(dict(config.theme))}
    # (the plugins' options as this build loaded them: the file may have been saved again since)
    plugins = {name: plain(dict(plugin.config)) for name, plugin in config.plugins.items()}
    return digest(
        source.hex(),
        json.dumps([values, theme, plugins], sort_keys=True, default=repr),
        _stats(config.theme.dirs),
        files_signature((f.src_uri, f.url, str(f.inclusion)) for f in files),
    )


def _stats(dirs: list[str]) -> str:
    """Each theme file's path, size and modification time (the icons MkDocs-material installs, thousands
    of files that never change while serving, are left out)."""
    return "\n".join(
        stamp
        for top in dirs
        for stamp in tree_stamps(top, lambda root, folder: folder == ".icons" and "site-packages" in root)
    )


def nav_signature(nav: Navigation, config: MkDocsConfig) -> str:
    """Everything of the navigation that the theme prints in every page: each item's kind, title, URL
    and front matter (material shows icons, subtitles and status from it), in order."""
    out: list[str] = []
    shown = MATERIAL_NAV_META if config.theme.name == "material" else None

    def meta(page: Page) -> dict[str, Any]:
        return dict(page.meta) if shown is None else {k: page.meta[k] for k in shown if k in page.meta}

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, Section):
                out.append(f"{depth} S {item.title!r}")
                walk(item.children, depth + 1)
            elif isinstance(item, Page):
                out.append(f"{depth} P {item.title!r} {item.url!r} {item.file.src_uri!r} {meta(item)!r}")
            elif isinstance(item, Link):
                out.append(f"{depth} L {item.title!r} {item.url!r}")
            else:
                out.append(f"{depth} ? {item!r}")

    walk(nav.items, 0)
    return digest(*out)


def snapshot(page: Page, key: str) -> PageHTML:
    """What Markdown made of ``page`` in this build, to give to the next one."""
    links = page.links_to_anchors
    return PageHTML(
        key=key,
        content=page.content or "",
        toc=page.toc,
        title=page.title,
        meta=dict(page.meta),
        anchors=set(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
        links_to_anchors={f.src_uri: dict(v) for f, v in links.items()} if links is not None else None,
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic collector off while the build makes what lives as long as it (the model, the
    pages kept), and that left out of its later collections (``gc.freeze``, until ``collector_back``):
    each collection of a growing heap walks all of it, 2-3 s of a 3,000-page build kept from the store.
    Reference counting still frees everything else."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_on:
            gc.enable()


def collector_back() -> None:
    """The end of a build: what ``collector_paused`` froze may be collected again (``mkdocs serve``)."""
    gc.unfreeze()


def no_collection_at_exit() -> None:
    """Leave the heap out of the collections Python runs while it exits (``gc.freeze`` at exit): the
    process is ending, so collecting its cycles frees nothing anyone sees, yet walking a 3,000-page
    build's heap took 1.5 s after `mkdocs build` had finished (2.3 s after a cold one). Registered once
    per process, and only at exit, so a process that runs many builds still collects between them."""
    global _exit_registered
    if not _exit_registered:
        _exit_registered = True
        atexit.register(gc.freeze)


_exit_registered = False


def settle(kept: PageHTML, output: str, stash: Stash, drawing: DiagramJob | None) -> None:
    """What a page rendered in this build shows that its HTML could not tell before (its diagrams were
    drawing): its listings, and which drawing of each diagram its figures hold. (A page a copy of the
    build converted has listings without its figures, which only this build's stash has: all of them.)"""
    figure = FIGURE in output
    if kept.listings is None or figure:
        kept.listings = stash.contents(LISTING, kept.content, made=True)
    if figure:
        kept.figures = drawing.figures(output) if drawing is not None else None


def restore(page: Page, kept: PageHTML, files: Files) -> str:
    """Give ``page`` what Markdown made of it in the last build; returns its HTML."""
    page.content = kept.content
    page.toc = kept.toc
    page.meta = dict(kept.meta)
    if kept.title is not None:
        page.title = kept.title
    page.present_anchor_ids = set(kept.anchors) if kept.anchors is not None else None
    if kept.links_to_anchors is not None:
        found = {uri: files.get_file_from_path(uri) for uri in kept.links_to_anchors}
        page.links_to_anchors = {f: dict(kept.links_to_anchors[uri]) for uri, f in found.items() if f}
    return kept.content


def install_kept_template(env: jinja2.Environment, rebuild: Rebuild) -> None:
    """A template that writes a kept page's last output as it was (a page gets it through its
    ``template`` front matter, set only by ``keep_output``)."""
    if not isinstance(env.loader, jinja2.ChoiceLoader) or KEPT_TEMPLATE not in env.loader.list_templates():
        loader = jinja2.DictLoader({KEPT_TEMPLATE: "{{ journeysite_kept_output(page) }}"})
        env.loader = jinja2.ChoiceLoader([loader, env.loader] if env.loader else [loader])

    @jinja2.pass_context
    def kept_output(context: jinja2.runtime.Context, page: Page) -> Markup:
        if page.file.src_uri in rebuild.kept_output:
            return Markup(rebuild.output(page.file.src_uri))
        # A page the second core was to render but did not (``parallel``): rendered here, as MkDocs would.
        name = page.meta.get("template", "main.html")
        template = context.environment.get_template(name if name != KEPT_TEMPLATE else "main.html")
        return Markup(template.render(context.get_all()))

    env.globals["journeysite_kept_output"] = kept_output


def keep_output(page: Page) -> None:
    page.meta = {**page.meta, "template": KEPT_TEMPLATE}


BUILDER_LOGGERS = ("mkdocs", "properdocs")  # ProperDocs logs under its own name


class LogWatch(logging.Handler):
    """Counts what the builder logs: a warning from anywhere, any message about a page's links. A page
    during whose conversion or rendering the count moved is built again next time, so the message is
    too (and a page a second core made is made again by MkDocs: ``parallel``)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0
        # The thread that builds (``watch_this_thread``): `mkdocs serve`'s server thread logs a warning
        # for every request of a missing file, whatever page is being built meanwhile.
        self.thread: int | None = None
        # In a forked copy of the build (``parallel``), which prints nothing: every record counts, but the
        # one MkDocs logs for each page the copy hands back instead of writing it.
        self.in_copy = False

    def watch_this_thread(self) -> None:
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if self.thread is not None and record.thread != self.thread:
            return
        if self.in_copy:
            if not record.getMessage().startswith("Page skipped: "):
                self.count += 1
        elif record.levelno >= logging.WARNING or record.name.startswith(
            ("mkdocs.structure", "properdocs.structure")
        ):
            self.count += 1

    def attach(self) -> None:
        for name in BUILDER_LOGGERS:
            if self not in logging.getLogger(name).handlers:
                logging.getLogger(name).addHandler(self)

    def detach(self) -> None:
        for name in BUILDER_LOGGERS:
            logging.getLogger(name).removeHandler(self)


def indexed_by_material(config: MkDocsConfig) -> bool:
    """Whether mkdocs-material's search plugin writes the search index: then a kept page's entries are put
    back from the last build instead of having the plugin parse its HTML again."""
    return any(
        type(plugin).__module__.startswith("material.plugins.search")
        and getattr(plugin.config, "enabled", True)
        for plugin in config.plugins.values()
    )


def search_entries(config: MkDocsConfig) -> list[dict[str, Any]] | None:
    """The entries mkdocs-material's search plugin has indexed so far in this build (it appends each
    page's), or None when its index is not such a list: then pages a second core renders are indexed
    again by the plugin of the parent (``parallel``)."""
    for plugin in config.plugins.values():
        if type(plugin).__module__.startswith("material.plugins.search"):
            entries = getattr(getattr(plugin, "search_index", None), "entries", None)
            return entries if isinstance(entries, list) else None
    return None


def merge_search_index(
    config: MkDocsConfig,
    rebuild: Rebuild,
    order: list[tuple[str, str]],
    kept: dict[str, list[dict[str, Any]]],
    fresh: list[dict[str, Any]] | None = None,
) -> None:
    """Put the kept pages' entries (``kept``, by src_uri) back into the search index the plugin just
    wrote, and remember every page's entries for the next build. ``fresh``: the entries the plugin
    indexed in this build, when the index it wrote holds the last build's too (its dirty builds merge
    them in)."""
    path = Path(config.site_dir) / SEARCH_INDEX
    try:
        merged = merged_search_index(
            path.read_text(encoding="utf-8"), order, kept, fresh, rebuild.search_json
        )
    except OSError:
        merged = None
    if merged is None:
        if kept or fresh is not None:
            raise PluginError(
                f"journeysite: {path} is not the search index it expected; the next build redoes every page"
            )
        return
    text, entries = merged
    if kept or fresh is not None:
        path.write_bytes(text.encode("utf-8"))
    for src_uri, found in entries.items():
        if (page := rebuild.pages.get(src_uri)) is not None:
            page.search = found


class TemplateCache(jinja2.BytecodeCache):
    """The theme's templates compiled once per ``mkdocs serve``, not once per rebuild (MkDocs makes a new
    Jinja environment each build). Jinja checks each entry against its template's source."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (code := self.codes.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


def toc_out(toc: Any) -> list[Any]:
    """A page's table of contents as plain data (for the disk store); ValueError for anything but MkDocs'
    own, as Markdown makes it."""
    if not isinstance(toc, TableOfContents):
        raise ValueError("not a table of contents journeysite stores")

    def item(link: Any) -> dict[str, Any]:
        if type(link) is not AnchorLink or set(vars(link)) - {"title", "id", "level", "children", "active"}:
            raise ValueError("not a table of contents journeysite stores")
        out = {
            "title": link.title,
            "id": link.id,
            "level": link.level,
            "children": [item(c) for c in link.children],
        }
        if "active" in vars(link):
            out["active"] = link.active  # type: ignore[attr-defined]
        return out

    return [item(link) for link in toc.items]


def toc_in(data: Any) -> TableOfContents:
    """The table of contents ``toc_out`` gave (ValueError when it is not such data)."""

    def item(value: Any) -> AnchorLink:
        if not isinstance(value, dict) or set(value) - {"title", "id", "level", "children", "active"}:
            raise ValueError("not a stored table of contents")
        title, id_, level, children = value["title"], value["id"], value["level"], value["children"]
        if not (
            isinstance(title, str)
            and isinstance(id_, str)
            and type(level) is int
            and isinstance(children, list)
        ):
            raise ValueError("not a stored table of contents")
        link = AnchorLink(title, id_, level)
        link.children = [item(c) for c in children]
        if "active" in value:
            link.active = bool(value["active"])  # type: ignore[attr-defined]
        return link

    if not isinstance(data, list):
        raise ValueError("not a stored table of contents")
    return TableOfContents([item(v) for v in data])


def page_store(config: MkDocsConfig, cache: Path) -> PageStore | None:
    """The disk store of the pages ``mkdocs build`` keeps for the next one: None without this user's key,
    when this build cannot keep pages at all, or in CI (the ``CI`` variable set, as GitHub's and GitLab's
    runners set it): each run starts on a fresh machine with a new key, so storing would only cost time
    and memory."""
    if in_ci():
        return None
    if why_not(config) is not None:
        return None
    project = (
        Path(config.config_file_path).parent if config.config_file_path else Path(config.docs_dir).parent
    )
    key = secret_key(project)
    if key is None:
        return None
    # (the day too: what a page shows of "today" is in its Markdown, but a theme could print it as well)
    return PageStore(cache / "pages", key, toc_out, toc_in, build_date().isoformat())
