"""``journeysite generate``: the handbook written out as a standalone source tree that a builder running
no MkDocs plugin (Zensical), or MkDocs and ProperDocs without ours, builds into the same site.

The tree is made by the plugin's own renderer: the same pipeline run and ``assemble``, the same
``authored.markdown`` for every page, the same diagrams (drawn by ``dot``, inlined), the same navigation
plan. What the plugin does inside MkDocs' events is done here on files: the generated HTML goes back into
the Markdown as raw HTML blocks, listings wrapped in ``data-search-exclude`` so that search indexes them
no more than the plugin lets it, and the pages people wrote are converted and sanitised here
(``convert``), since the builder will not sanitise them. Links in raw HTML take the form the target
resolves: URLs for MkDocs (which leaves raw HTML alone), ``.md`` paths for Zensical (which rewrites them).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from journeysite.core import pipeline
from journeysite.core.analysis.dates import build_date
from journeysite.core.diagnostics import Diagnostic
from journeysite.core.reading.loading import all_files
from journeysite.core.settings import Project
from journeysite.core.writing import read_regular
from journeysite.render import authored, site
from journeysite.render.assemble import assemble
from journeysite.render.diagrams.job import DiagramJob
from journeysite.render.generate import config as written_config
from journeysite.render.generate.convert import Converter, extensions, raw_markdown
from journeysite.render.stash import HTML, LISTING, MARKERS, Stash

TARGETS = ("mkdocs", "zensical")
MARKER = ".journeysite-generated"  # in every tree generate writes: only such a tree is ever replaced
CONFIG = "mkdocs.yml"
# At the end of each page journeysite makes: it has no source file, and journeysite.css hides the theme's
# "edit this page" button on a page holding this (neither theme reads a per-page setting for it).
GENERATED_PAGE = '\n\n<div class="jsite-generated-page" hidden></div>\n'
_LARGEST_FILE = 1 << 30  # an attachment above 1 GiB is not copied (and is reported)
_MARKED = {
    phase: re.compile(re.escape(opening) + r"\n(.*?)\n" + re.escape(closing), re.DOTALL)
    for phase, (opening, closing) in MARKERS.items()
}


class OutputRefused(Exception):
    """The output folder cannot be used: nothing is written (a usage error)."""


@dataclass
class Generated:
    """What generate did: the diagnostics (with errors, nothing was written), and what it wrote."""

    diagnostics: list[Diagnostic]
    pages: int = 0  # the handbook's pages, for the report
    out: Path | None = None
    written_pages: int = 0
    copied: int = 0
    warnings: list[str] = field(default_factory=list)  # diagrams, files not copied


def default_output(project: Project, target: str) -> Path:
    return project.config_file.parent / "generated" / target


def check_output(project: Project, out: Path) -> Path:
    """The output folder, resolved; OutputRefused when it would overwrite what generate did not write or
    hold the project's own files."""
    if out.is_symlink():
        raise OutputRefused(f"{out} is a symbolic link: give a real folder")
    resolved = out.resolve()
    docs, root = project.docs_dir.resolve(), project.config_file.parent.resolve()
    if resolved == root or resolved in root.parents or resolved in docs.parents:
        raise OutputRefused(f"{out} holds the project itself: give a folder of its own, e.g. generated/")
    inside = Path(os.path.abspath(out)).is_relative_to(os.path.abspath(project.config_file.parent))
    if inside and not resolved.is_relative_to(root):  # a link the project holds (a pull request's?)
        raise OutputRefused(
            f"{out} leads out of the project through a symbolic link ({resolved}): give a real folder"
        )
    if resolved == docs or docs in resolved.parents:
        raise OutputRefused(
            f"{out} is inside the docs folder {docs}: the builder would publish it; give a folder outside it"
        )
    if resolved.exists() and not resolved.is_dir():
        raise OutputRefused(f"{out} is a file, not a folder")
    if resolved.is_dir() and any(resolved.iterdir()) and not (resolved / MARKER).is_file():
        raise OutputRefused(
            f"{out} is not empty and was not written by journeysite generate (it has no {MARKER}): "
            "nothing in it is replaced; give an empty or new folder"
        )
    return resolved


def generate(project: Project, target: str, out: Path, strict: bool = False) -> Generated:
    """Write the handbook of ``project`` for ``target`` into ``out`` (checked by ``check_output``): its
    pages with their generated sections, the generated pages, CSS, script, ``journey.json``, the other
    files of the docs folder, and a config with an explicit ``nav``. Nothing is written when the handbook
    has errors (or, with ``strict``, warnings); an earlier tree of generate is replaced whole at the end."""
    result = pipeline.run(
        project.docs_dir,
        project.settings,
        today=build_date(),
        exclude_docs=project.exclude_docs,
        git_dates=True,
        root=project.config_file.parent,
        docs_as_written=project.docs_as_written,
    )
    outcome = Generated(result.diagnostics, len(result.handbook.pages))
    failing = {"error", "warning"} if strict else {"error"}
    if any(d.severity in failing for d in result.diagnostics):
        return outcome
    data = written_config.read(project.config_file)
    plain = written_config.plain(data)
    stash = Stash()
    drawing = DiagramJob(
        project.config_file.parent / ".cache" / "plugin" / "journeysite", project.settings.dot_deadline
    )
    if project.settings.diagrams:
        outcome.warnings.extend(drawing.warnings_at_start)
    pages = {page.file: page for page in result.handbook.pages}
    present = [f for f in all_files(project.docs_dir, project.exclude_docs) if f not in result.refused]
    built = assemble(
        result,
        use_directory_urls=project.use_directory_urls,
        site_url=project.site_url,
        authored=set(present),
        diagrams=lambda context: drawing.start(context, stash),
        link_form="source" if target == "zensical" else "url",
    )
    for displaced in built.displaced:
        outcome.warnings.append(
            f"{displaced.src_uri} already exists in the docs folder, so journeysite does not generate its "
            f"{displaced.title} page there: rename or remove that file"
        )
    texts: dict[str, str | bytes] = {}
    names, options = extensions(plain.get("markdown_extensions"))
    converter = Converter(names, options, project.use_directory_urls)

    def restore(html: str) -> str:
        return stash.restore(LISTING, stash.restore(HTML, html))

    try:
        for file, page in pages.items():
            context = built.context.at(file)
            text = authored.markdown(context, page.body, context.handbook.entity_of(file))
            if project.settings.allow_raw_html:  # the handbook trusts what people write
                body = _as_raw(text, restore)
            else:
                marked = stash.stash_marked(_listings_excluded(text))
                html = converter.html(marked, file, rewrite=target != "zensical")
                body = converter.markdown(html, restore)
            texts[file] = _front_matter(page.meta) + body
        for src_uri, text in built.files.items():
            if src_uri.endswith(".md"):
                texts[src_uri] = _as_raw(text, restore) + GENERATED_PAGE
            else:
                texts[src_uri] = text
    finally:
        outcome.warnings.extend(drawing.finish())
    for file in present:
        if file.endswith(".md") or file in texts:
            continue
        read = read_regular(project.docs_dir / file, _LARGEST_FILE)
        if read is None:
            outcome.warnings.append(f"{file} is not a regular file of at most 1 GiB, so it was not copied")
            continue
        texts[file] = read[0]
        outcome.copied += 1
    generated: list[site.NavItem] = [
        (p.title, p.src_uri) for p in site.GENERATED if p.name in built.context.linker.src_of
    ]
    nav = written_config.navigation(
        result.handbook,
        built.context.relations,
        [f for f in texts if f.endswith(".md")],
        generated,
        data.get("nav"),
    )
    config_text = written_config.written(
        data,
        nav,
        target=target,
        docs_in_repo=written_config.docs_folder_in_repo(project.config_file.parent, project.docs_dir),
        prune=written_config.page_count(nav) > site.PRUNE_ABOVE,
        project_from_tree=Path(os.path.relpath(project.config_file.parent.resolve(), out)).as_posix(),
    )
    _write_tree(out, texts, config_text)
    outcome.out = out
    outcome.written_pages = sum(1 for f in texts if f.endswith(".md"))
    return outcome


def _listings_excluded(markdown: str) -> str:
    """Each marked listing as a marked HTML block inside ``data-search-exclude``: the plugin puts a
    listing back only after the search plugin indexed the page; in a written tree, both search
    implementations (mkdocs-material's, Zensical's) leave out what this attribute marks. A ``<section>``,
    not a ``<div>``: mkdocs-material's search parser tells elements apart by tag name only, so the first
    ``</div>`` inside an excluded ``<div>`` would end the exclusion (and break its parse)."""
    opening, closing = MARKERS[HTML]

    def excluded(match: re.Match[str]) -> str:
        return f'{opening}\n<section class="jsite-listing" data-search-exclude>\n{match.group(1)}\n</section>\n{closing}'

    return _MARKED[LISTING].sub(excluded, markdown)


def _as_raw(markdown: str, restore: Callable[[str], str]) -> str:
    """Markdown with each marked block of generated HTML put back as raw HTML no Markdown parser looks
    into (``raw_markdown``), its diagrams drawn in."""
    return _MARKED[HTML].sub(lambda m: raw_markdown(restore(m.group(1))), _listings_excluded(markdown))


def _front_matter(meta: dict) -> str:
    """The page's front matter, every text escaped as the plugin escapes it for the theme's templates."""
    if not meta:
        return ""
    escaped = authored.escaped_meta(meta)
    return "---\n" + yaml.safe_dump(escaped, sort_keys=False, allow_unicode=True, width=4096) + "---\n\n"


def _write_tree(out: Path, texts: dict[str, str | bytes], config_text: str) -> None:
    """Every file into a new folder beside ``out``, which then takes its place: a tree is never left
    half written, and only a tree generate wrote (it has the marker) is replaced."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fresh = out.parent / f".{out.name}.{secrets.token_hex(4)}.tmp"
    fresh.mkdir()
    try:
        docs = fresh / written_config.DOCS
        for relative, content in sorted(texts.items()):
            path = docs / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        (fresh / CONFIG).write_text(config_text, encoding="utf-8")
        (fresh / MARKER).write_text(
            "This folder is written by `journeysite generate`, which replaces it whole: do not edit it.\n",
            encoding="utf-8",
        )
        if out.exists():
            _remove_generated(out)
        os.replace(fresh, out)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def _remove_generated(out: Path) -> None:
    if not (out / MARKER).is_file():  # emptied meanwhile, or never ours: an empty folder only
        out.rmdir()
        return
    shutil.rmtree(out)
