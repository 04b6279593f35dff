"""mkdocs-material's navigation is drawn once per item and folder (``journeysite.plugin.nav_memo``): every
page comes out byte for byte as material draws it for that page alone, in every navigation layout a
handbook can choose, and a theme override of the navigation is drawn page by page as written.

Each test builds a handbook from ``bench/gen.py`` twice with the real ``mkdocs build`` in this process:
once as shipped, once with the memo left out, and compares every file the two builds wrote.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from browser_support import mkdocs_in_process, write_tree
from conftest import ROOT

from journeysite.plugin import nav_memo


def handbook(tmp_path: Path) -> Path:
    root = tmp_path / "handbook"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen.py"), "40", str(root)], check=True,
                   capture_output=True)
    # Pages in a folder with its own page (`notes/` and `notes/more/`), and one at the top.
    write_tree(root / "docs", {
        "notes/index.md": "# Notes\n\nWhat we learnt.\n",
        "notes/more.md": "# More notes\n\nAnd more.\n",
        "notes/deeper/last.md": "# Last notes\n\nThe end.\n",
        "glossary.md": "# Glossary\n\nWords we use.\n",
    })
    return root


def built(root: Path, site: str) -> dict[str, bytes]:
    run = mkdocs_in_process(root, "build", "-q", "-d", site, env={"CI": "true", "NO_MKDOCS_2_WARNING": "1"})
    assert run.returncode == 0, run.stderr
    return {p.relative_to(root / site).as_posix(): p.read_bytes()
            for p in sorted((root / site).rglob("*")) if p.is_file()}


def kept_items(monkeypatch) -> list[int]:
    """Count the navigation items the memo gave from another page (so a test sees the memo at work)."""
    given = [0]
    original = nav_memo.NavMemo.item

    def item(self, nav_item, path, level, parent, page, render):
        before = len(self.kept)
        found = original(self, nav_item, path, level, parent, page, render)
        if len(self.kept) == before and self._folder(nav_item, page) is not None:
            given[0] += 1
        return found

    monkeypatch.setattr(nav_memo.NavMemo, "item", item)
    return given


LAYOUTS = {
    "default": "",
    "file URLs": "use_directory_urls: false\n",
    "indexes, sections and tabs": "theme:\n  name: material\n  features:\n    - navigation.indexes\n"
                                  "    - navigation.sections\n    - navigation.tabs\n",
    "expanded": "theme:\n  name: material\n  features:\n    - navigation.expand\n",
    # A page listed twice: MkDocs makes one of its sections its parent, so the other is not active
    # yet draws the page as the current one.
    "file URLs, a page listed twice": "use_directory_urls: false\nnav:\n  - index.md\n"
                                      "  - Favourites: [STAGE, notes/more.md]\n  - Again: [STAGE, glossary.md]\n",
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_page_is_what_material_draws_for_it_alone(tmp_path, monkeypatch, layout):
    root = handbook(tmp_path)
    stage = sorted((root / "docs" / "stages").glob("*.md"))[0].relative_to(root / "docs").as_posix()
    extra = LAYOUTS[layout].replace("STAGE", stage)
    if extra.startswith("theme:"):  # (replacing the generated file's own theme section)
        text = (root / "mkdocs.yml").read_text("utf-8").replace("theme:\n  name: material\n", "")
        (root / "mkdocs.yml").write_text(text + extra, "utf-8")
    else:
        (root / "mkdocs.yml").write_text((root / "mkdocs.yml").read_text("utf-8") + extra, "utf-8")
    given = kept_items(monkeypatch)
    with_memo = built(root, "with")
    assert given[0] > 100, given  # most items of most pages came from the memo
    monkeypatch.setattr(nav_memo, "install", lambda env, nav: None)
    without = built(root, "without")
    assert with_memo.keys() == without.keys()
    differ = [name for name in with_memo if with_memo[name] != without[name]]
    assert not differ, differ[:5]


def test_a_theme_override_of_the_navigation_is_drawn_page_by_page(tmp_path, monkeypatch):
    """A ``custom_dir`` that overrides ``partials/nav-item.html`` may draw an item differently on each
    page: here every item says which page it is drawn on. The memo leaves such a template alone."""
    import material

    root = handbook(tmp_path)
    shipped = Path(material.__file__).parent / "templates" / "partials" / "nav-item.html"
    override = root / "overrides" / "partials" / "nav-item.html"
    override.parent.mkdir(parents=True)
    override.write_text(shipped.read_text("utf-8").replace(
        '<a href="{{ nav_item.url | url }}" class="md-nav__link">',
        '<a href="{{ nav_item.url | url }}" class="md-nav__link" data-on="{{ page.url }}">'), "utf-8")
    text = (root / "mkdocs.yml").read_text("utf-8")
    (root / "mkdocs.yml").write_text(text.replace("theme:\n  name: material\n",
                                                  "theme:\n  name: material\n  custom_dir: overrides\n"), "utf-8")
    files = built(root, "site")
    pages = [name for name in files if name.endswith("index.html") and name != "index.html"]
    assert len(pages) > 40
    for name in pages:
        url = name.removesuffix("index.html")
        html = files[name].decode("utf-8")
        marks = html.count('data-on="')
        assert marks > 0 and marks == html.count(f'data-on="{url}"'), name
