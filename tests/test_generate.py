"""``journeysite generate``: the handbook as a standalone tree, proven on the real builders.

The shipped handbook (plus an image, so that a file besides pages is copied and linked) is built once by
the plugin (``mkdocs build``, the reference), and generated once per target: the mkdocs tree is built
with ``mkdocs build --strict`` and ``properdocs build --strict``, the zensical tree with ``zensical build
--strict``. Every built site has every internal ``href``/``src`` (HTML and inlined SVG) resolving, no
``[[`` left, the reference's set of pages and, page by page, the reference's search-visible text. Hostile
page bodies reach none of the three sites; usage mistakes exit 2, handbook errors 1.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from browser_support import MKDOCS, build_env
from conftest import BIN, ROOT, invoke_cli

from journeysite.render.generate import MARKER

PROPERDOCS = str(BIN / "properdocs") if (BIN / "properdocs").exists() else "properdocs"
ZENSICAL = str(BIN / "zensical") if (BIN / "zensical").exists() else "zensical"
BUILDERS = ("mkdocs", "properdocs", "zensical")
TARGET_OF = {"mkdocs": "mkdocs", "properdocs": "mkdocs", "zensical": "zensical"}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf"
    "c0000003010100c9fe92ef0000000049454e44ae426082"
)
TIMES: dict[str, float] = {}


def run(*command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), cwd=cwd, capture_output=True, text=True, timeout=600, env=build_env()
    )


def built(done: subprocess.CompletedProcess[str], what: str) -> None:
    assert done.returncode == 0, f"{what} failed:\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr


def handbook_copy(root: Path) -> Path:
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "content" / "images").mkdir()
    (root / "content" / "images" / "pixel.png").write_bytes(PNG)
    index = root / "content" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n![A pixel](images/pixel.png)\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return handbook_copy(tmp_path_factory.mktemp("generate") / "handbook")


@pytest.fixture(scope="module")
def reference(project) -> Path:
    """The plugin's own build of the handbook."""
    start = time.perf_counter()
    built(run(MKDOCS, "build", "-f", "mkdocs.yml", "--site-dir", "site-plugin", cwd=project), "the plugin's build")
    TIMES["plugin"] = time.perf_counter() - start
    return project / "site-plugin"


@pytest.fixture(scope="module")
def trees(project) -> dict[str, Path]:
    out = {}
    for target in ("mkdocs", "zensical"):
        start = time.perf_counter()
        done = run(str(BIN / "journeysite"), "generate", "--target", target, cwd=project)
        TIMES[f"generate {target}"] = time.perf_counter() - start
        built(done, f"generate --target {target}")
        out[target] = project / "generated" / target
    return out


@pytest.fixture(scope="module")
def sites(trees) -> dict[str, Path]:
    commands = {
        "mkdocs": [MKDOCS, "build", "--strict", "-f", "mkdocs.yml", "--site-dir", "site-mkdocs"],
        "properdocs": [PROPERDOCS, "build", "--strict", "-f", "mkdocs.yml", "--site-dir", "site-properdocs"],
        "zensical": [ZENSICAL, "build", "--strict", "-f", "mkdocs.yml"],  # into site/, next to the config
    }
    out = {}
    for builder, command in commands.items():
        tree = trees[TARGET_OF[builder]]
        start = time.perf_counter()
        built(run(*command, cwd=tree), f"{builder} build --strict of the generated tree")
        TIMES[builder] = time.perf_counter() - start
        out[builder] = tree / ("site" if builder == "zensical" else f"site-{builder}")
    return out


# ---- reading a built site ----------------------------------------------------------------------------


def html_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links.extend(value for name, value in attrs if value and name in ("href", "src", "xlink:href"))

    handle_startendtag = handle_starttag


def internal_links(site: Path) -> tuple[int, list[tuple[str, str]]]:
    """How many internal links the site's pages have (HTML and inlined SVG), and those that resolve to no
    file: each taken relative to its page, without query or fragment."""
    count, broken = 0, []
    for page in sorted(html_pages(site)):
        parser = _Links()
        parser.feed((site / page).read_text(encoding="utf-8"))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # external, mailto:, data:, a fragment of the page itself
            count += 1
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
            path = site / target
            if target.startswith("..") or not (path.is_file() or (path / "index.html").is_file()):
                broken.append((page, link))
    return count, broken


def _text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).replace("¶", " ").split())


def search_text(site: Path) -> dict[str, str]:
    """Each page's search-visible text (its entries' titles and texts, tags stripped, whitespace
    normalised), by page URL: MkDocs' and ProperDocs' ``search/search_index.json`` (``docs``),
    Zensical's ``search.json`` (``items``)."""
    index = site / "search" / "search_index.json"
    if index.is_file():
        entries = json.loads(index.read_text(encoding="utf-8"))["docs"]
    else:
        entries = json.loads((site / "search.json").read_text(encoding="utf-8"))["items"]
    pages: dict[str, list[str]] = {}
    for entry in entries:
        page = entry["location"].split("#")[0]
        pages.setdefault(page, []).extend([_text(entry.get("title", "")), _text(entry.get("text", ""))])
    return {page: " ".join(" ".join(parts).split()) for page, parts in pages.items()}


# ---- the shipped handbook on three builders ------------------------------------------------------


@pytest.mark.parametrize("builder", BUILDERS)
def test_every_internal_link_resolves(sites, builder):
    count, broken = internal_links(sites[builder])
    assert count > 3000  # the handbook's cross-links, diagrams' node links, theme assets
    assert broken == []


def test_the_plugins_own_build_links_the_same_way(reference):
    count, broken = internal_links(reference)
    assert count > 3000 and broken == []


@pytest.mark.parametrize("builder", BUILDERS)
def test_no_body_reference_is_left(sites, builder):
    left = [p for p in html_pages(sites[builder]) if "[[" in (sites[builder] / p).read_text(encoding="utf-8")]
    assert left == []


@pytest.mark.parametrize("builder", BUILDERS)
def test_the_same_pages_as_the_plugins_build(sites, reference, builder):
    pages = html_pages(sites[builder])
    assert "journey/index.html" in pages and "stages/onboarding/index.html" in pages
    assert pages == html_pages(reference)


@pytest.mark.parametrize("builder", BUILDERS)
def test_the_same_search_text_as_the_plugins_build(sites, reference, builder):
    expected, found = search_text(reference), search_text(sites[builder])
    assert set(found) == set(expected)
    assert [page for page in sorted(expected) if found[page] != expected[page]] == []


@pytest.mark.parametrize("builder", BUILDERS)
def test_generated_parts_diagrams_and_export_are_there(sites, reference, builder):
    site = sites[builder]
    stage = (site / "stages" / "onboarding" / "index.html").read_text(encoding="utf-8")
    assert 'class="jsite-card' in stage and "Referenced by" in stage
    overview = (site / "journey" / "index.html").read_text(encoding="utf-8")
    assert '<figure class="jsite-diagram"' in overview and "<svg" in overview
    assert "jsite-diagram-source" not in overview  # drawn by dot, not shown as source
    assert (site / "assets" / "journeysite" / "journeysite.css").is_file()
    assert (site / "images" / "pixel.png").read_bytes() == PNG
    assert json.loads((site / "journey.json").read_text(encoding="utf-8")) == json.loads(
        (reference / "journey.json").read_text(encoding="utf-8")
    )


def test_links_in_raw_html_take_the_form_each_target_resolves(trees):
    mkdocs_page = (trees["mkdocs"] / "docs" / "stages" / "onboarding.md").read_text(encoding="utf-8")
    zensical_page = (trees["zensical"] / "docs" / "stages" / "onboarding.md").read_text(encoding="utf-8")
    assert 'href="../../teams/onboarding/"' in mkdocs_page  # a URL: MkDocs leaves raw HTML alone
    assert 'href="../teams/onboarding.md"' in zensical_page  # a source path: Zensical rewrites it
    assert '<a href="../milestones/go-live.md" xlink:title=' in zensical_page  # a diagram's node link, too
    assert '<a href="../../milestones/go-live/" xlink:title=' in mkdocs_page


def test_the_written_config_stands_alone(trees, project):
    for target, tree in trees.items():
        config = yaml.load((tree / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        assert config["docs_dir"] == "docs" and config["site_dir"] == "site"
        assert "journeysite" not in json.dumps(config["plugins"]), target
        assert config["edit_uri"] == "edit/main/content/"  # the real docs folder, not the tree's
        assert "assets/journeysite/journeysite.css" in config["extra_css"]
        assert "navigation.prune" in config["theme"]["features"]
        assert config["nav"][:3] == ["index.md", "start-here.md", {"Journey": config["nav"][2]["Journey"]}]
        assert (tree / MARKER).is_file()
        # no tree-to-source path leaks: every nav entry is a page of the tree
        paths = re.findall(r"[\w/-]+\.md", json.dumps(config["nav"]))
        assert paths and all((tree / "docs" / p).is_file() for p in paths)


@pytest.mark.parametrize("builder", ["mkdocs", "zensical"])
def test_generated_pages_show_no_edit_button_and_pages_people_wrote_do(sites, browser, builder):
    """The tree's config has edit_uri, so the builder gives every page an "edit this page" button; the
    plugin's build gives the pages journeysite makes none (they have no file). Checked in Chromium: the
    theme reads no per-page setting for it, so journeysite.css hides it where the page's marker is."""
    from browser_support import serve

    shown = {}
    with serve(sites[builder]) as base:
        tab = browser.new_page(viewport={"width": 1440, "height": 900})
        for path in ("journey/", "journey/grid/", "start-here/", "stages/onboarding/", ""):
            tab.goto(base + path)
            button = tab.query_selector('article.md-content__inner > a.md-content__button[rel="edit"]')
            shown[path] = button is not None and button.is_visible()
        tab.goto(base + "journey/")
        labels = tab.evaluate(
            "[...document.querySelectorAll('.jsite-diagram svg a')].map(a => getComputedStyle(a).textDecorationLine)"
        )
        tab.close()
    assert shown == {"journey/": False, "journey/grid/": False, "start-here/": False,
                     "stages/onboarding/": True, "": True}  # fmt: skip
    assert labels and set(labels) == {"none"}  # node labels are not underlined (Zensical's theme would)


def test_the_config_leads_back_to_the_projects_theme_overrides_and_hooks(small):
    (small / "overrides").mkdir()
    (small / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block announce %}jsite-overridden{% endblock %}\n', encoding="utf-8"
    )
    (small / "hooks.py").write_text("def on_page_markdown(markdown, **kwargs):\n    return markdown\n", "utf-8")
    (small / "mkdocs.yml").write_text(
        "site_name: Small\ndocs_dir: docs\nrepo_url: https://git.example.com/cs/handbook\n"
        "theme:\n  name: material\n  custom_dir: overrides\nhooks: [hooks.py]\nplugins:\n  - journeysite\n",
        encoding="utf-8",
    )
    for target, command in (("mkdocs", [MKDOCS, "build", "--strict"]), ("zensical", [ZENSICAL, "build", "--strict"])):
        assert invoke_cli(small, "generate", "--target", target).exit_code == 0
        tree = small / "generated" / target
        config = yaml.load((tree / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        assert config["theme"]["custom_dir"] == "../../overrides" and config["hooks"] == ["../../hooks.py"]
        assert "edit_uri" not in config  # MkDocs gives a host it does not know no edit link: neither do we
        built(run(*command, "-f", "mkdocs.yml", cwd=tree), f"{target} build of a tree with overrides")
        assert "jsite-overridden" in (tree / "site" / "index.html").read_text(encoding="utf-8")


def test_build_times_are_reported(sites, reference, trees):
    """Not a limit: the figures the report quotes (printed with -s)."""
    print({name: f"{seconds:.1f} s" for name, seconds in TIMES.items()})
    assert set(TIMES) >= {"plugin", "mkdocs", "properdocs", "zensical"}


# ---- what a pull request writes reaches none of the three sites ------------------------------------------

HOSTILE_STAGE = """\
---
kind: stage
title: Onboarding "<img src=x onerror=jsite_pwned()>"
owner: cs
order: 1
---
<script>window.jsite_pwned = 1</script>

<img src="x.png" onerror="window.jsite_pwned=1">

[click](javascript:window.jsite_pwned=1)

<a href="javascript:jsite_pwned()">raw</a>

## Heading {onclick="window.jsite_pwned=1"}

A paragraph
{: onmouseover="window.jsite_pwned=1" }

<div markdown="1" onclick="jsite_pwned()">
**inside** <iframe src="javascript:jsite_pwned()"></iframe>
</div>

<svg><script>jsite_pwned()</script><a xlink:href="javascript:jsite_pwned()"><text>x</text></a></svg>

<style>body{background:url(javascript:jsite_pwned())}</style>

<details open ontoggle="jsite_pwned()"><summary>s</summary>x</details>

`<script>jsite_code_shown</script>`
"""
HOSTILE_TEAM = """\
---
kind: team
title: CS <script>window.jsite_pwned=1</script>
---
Team body <img src=x onerror="window.jsite_pwned=1"> with [[stage:onboarding]].
"""
HOSTILE_CONFIG = """\
site_name: Hostile
docs_dir: docs
theme:
  name: material
markdown_extensions:
  - attr_list
  - md_in_html
  - admonition
plugins:
  - search
  - journeysite:
      gaps: off
"""


class _Hostile(HTMLParser):
    """What would run: an on* handler, a javascript: URL, script or style text from the page, a frame."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.inside: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("iframe", "object", "embed", "foreignobject"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") and "jsite_pwned" in (value or ""):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src", "xlink:href", "action") and "javascript:" in (value or "").lower():
                self.found.append(f"<{tag} {name}={value}>")
        if tag in ("script", "style"):
            self.inside = tag

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == self.inside:
            self.inside = None

    def handle_data(self, data: str) -> None:
        if self.inside and "jsite_pwned" in data:
            self.found.append(f"<{self.inside}>{data[:40]}")


def test_hostile_bodies_reach_none_of_the_three_sites(tmp_path):
    root = tmp_path / "hostile"
    (root / "docs" / "stages").mkdir(parents=True)
    (root / "docs" / "teams").mkdir()
    (root / "mkdocs.yml").write_text(HOSTILE_CONFIG, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Home\n\nSee [[stage:onboarding]].\n", encoding="utf-8")
    (root / "docs" / "stages" / "onboarding.md").write_text(HOSTILE_STAGE, encoding="utf-8")
    (root / "docs" / "teams" / "cs.md").write_text(HOSTILE_TEAM, encoding="utf-8")
    for target in ("mkdocs", "zensical"):
        built(run(str(BIN / "journeysite"), "generate", "--target", target, cwd=root), f"generate {target}")
    mkdocs_tree, zensical_tree = root / "generated" / "mkdocs", root / "generated" / "zensical"
    built(run(MKDOCS, "build", "--strict", "-f", "mkdocs.yml", "--site-dir", "s1", cwd=mkdocs_tree), "mkdocs")
    built(run(PROPERDOCS, "build", "--strict", "-f", "mkdocs.yml", "--site-dir", "s2", cwd=mkdocs_tree), "pd")
    built(run(ZENSICAL, "build", "--strict", "-f", "mkdocs.yml", cwd=zensical_tree), "zensical")
    for site in (mkdocs_tree / "s1", mkdocs_tree / "s2", zensical_tree / "site"):
        pages = html_pages(site)
        assert "stages/onboarding/index.html" in pages
        for page in pages:
            parser = _Hostile()
            parser.feed((site / page).read_text(encoding="utf-8"))
            assert parser.found == [], f"{site.parent.name}/{site.name}/{page}"
        stage = (site / "stages" / "onboarding" / "index.html").read_text(encoding="utf-8")
        assert "&lt;script&gt;jsite_code_shown&lt;/script&gt;" in stage  # code is shown as written
        assert "<strong>inside</strong>" in stage  # what is harmless stays


# ---- the command line ------------------------------------------------------------------------------------


@pytest.fixture
def small(tmp_path) -> Path:
    root = tmp_path / "small"
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: Small\ndocs_dir: docs\nplugins:\n  - journeysite\n", encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Small\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "args, says",
    [
        ([], "Missing option '--target'"),
        (["--target", "hugo"], "'hugo' is not one of"),
        (["--target", "mkdocs", "-d", "docs"], "inside the docs folder"),
        (["--target", "mkdocs", "-d", "docs/sub"], "inside the docs folder"),
        (["--target", "mkdocs", "-d", "."], "holds the project itself"),
        (["--target", "mkdocs", "-d", "keep"], "not empty and was not written by journeysite generate"),
    ],
)
def test_usage_mistakes_exit_2_and_lose_nothing(small, args, says):
    (small / "keep").mkdir()
    (small / "keep" / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = invoke_cli(small, "generate", *args)
    assert result.exit_code == 2, result.output
    assert says in result.stderr
    assert (small / "keep" / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert not (small / "docs" / "sub").exists()


def test_a_tree_generate_wrote_is_replaced_whole(small):
    assert invoke_cli(small, "generate", "--target", "zensical").exit_code == 0
    tree = small / "generated" / "zensical"
    (tree / "docs" / "stale.md").write_text("# left from before\n", encoding="utf-8")
    assert invoke_cli(small, "generate", "--target", "zensical").exit_code == 0
    assert not (tree / "docs" / "stale.md").exists()
    assert (tree / "docs" / "index.md").is_file() and (tree / MARKER).is_file()
    assert [p.name for p in small.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_an_output_reached_through_a_link_in_the_project_is_refused(small, tmp_path):
    """A pull request can commit `generated` as a link to a folder outside the checkout."""
    (tmp_path / "elsewhere").mkdir()
    (small / "generated").symlink_to(tmp_path / "elsewhere")
    result = invoke_cli(small, "generate", "--target", "zensical")
    assert result.exit_code == 2 and "leads out of the project through a symbolic link" in result.stderr
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_an_output_holding_the_docs_folder_is_refused(tmp_path):
    """docs_dir outside the project's folder: a folder holding it is no place for a tree either."""
    (tmp_path / "shared" / "docs").mkdir(parents=True)
    (tmp_path / "shared" / "docs" / "index.md").write_text("# Shared\n", encoding="utf-8")
    (tmp_path / "shared" / MARKER).write_text("", encoding="utf-8")  # even one that looks like a tree
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "mkdocs.yml").write_text(
        "site_name: S\ndocs_dir: ../shared/docs\nplugins:\n  - journeysite\n", encoding="utf-8"
    )
    result = invoke_cli(tmp_path / "project", "generate", "--target", "mkdocs", "-d", "../shared")
    assert result.exit_code == 2 and "holds the project itself" in result.stderr
    assert (tmp_path / "shared" / "docs" / "index.md").is_file()


def test_handbook_errors_exit_1_with_the_diagnostics_and_write_nothing(small):
    (small / "docs" / "bad.md").write_text("---\nkind: stage\ntitle: [unclosed\n---\n", encoding="utf-8")
    result = invoke_cli(small, "generate", "--target", "mkdocs")
    assert result.exit_code == 1
    assert "docs/bad.md:4: error:" in result.stdout and "[yaml-syntax]" in result.stdout
    assert "nothing was written" in result.stderr
    assert not (small / "generated").exists()


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_symbolic_link_in_the_docs_is_never_copied(small, tmp_path):
    (tmp_path / "secret.txt").write_text("secret\n", encoding="utf-8")
    (small / "docs" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    result = invoke_cli(small, "generate", "--target", "mkdocs")
    assert result.exit_code == 1 and "[unsafe-file]" in result.stdout
    assert not list(small.rglob("generated/**/leak.txt"))


def test_check_warns_that_zensical_would_build_without_journeysite(small):
    assert invoke_cli(small, "check", "--strict").exit_code == 0
    (small / "zensical.toml").write_text('[project]\nsite_name = "Small"\n', encoding="utf-8")
    result = invoke_cli(small, "check", "--format", "json")
    found = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "zensical-drops-plugin"]
    assert found and found[0]["severity"] == "warning" and found[0]["file"] == "../zensical.toml"
    assert "journeysite generate --target zensical" in found[0]["message"]
    assert invoke_cli(small, "check", "--strict").exit_code == 1


def test_a_plain_page_in_an_entity_folder_joins_that_section_in_the_written_nav(tmp_path):
    """As in the plugin's navigation (``tests/test_site_nav.py``): an introduction to the stages comes
    first in the Stages section, and no page is listed twice."""
    from browser_support import SMALL_HANDBOOK, write_handbook

    files = {**SMALL_HANDBOOK, "stages/index.md": "# About our stages\n\nHow we cut the journey.\n"}
    root = write_handbook(tmp_path / "handbook", files)
    assert invoke_cli(root, "generate", "--target", "zensical").exit_code == 0
    config = yaml.load((root / "generated" / "zensical" / "mkdocs.yml").read_text(encoding="utf-8"),
                       Loader=yaml.SafeLoader)
    stages = [entry["Stages"] for entry in config["nav"] if isinstance(entry, dict) and "Stages" in entry]
    assert len(stages) == 1 and stages[0][0] == "stages/index.md", config["nav"]
    paths = re.findall(r"[\w/-]+\.md", json.dumps(config["nav"]))
    assert len(paths) == len(set(paths)), "every page once"
