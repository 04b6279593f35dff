"""``mkdocs serve`` rebuilds only the pages an edit can change (#18), and the site it serves is the site a
clean build of the same files gives, byte for byte.

A real ``mkdocs serve --livereload`` runs on a synthetic handbook from ``bench/gen.py``. For each kind of
entity the test edits one page three ways (its body, a front-matter field, its title), waits for the
rebuild, downloads every file of the site over HTTP, and compares each with a clean ``mkdocs build`` of
the same files. It runs twice: as ``mkdocs serve`` (MkDocs empties the site folder and writes every page
each time) and as ``mkdocs serve --dirty``, what ``make serve`` runs (journeysite tells MkDocs which pages
to build, and the others stay in the folder as written): there a deleted and a renamed page are
checked too, as they must not be served any more. One thing is normalised, because MkDocs' server adds it to every HTML response and it
is no part of the site: the live-reload ``<script>`` before ``</body>`` (its epoch differs per request).
The build date needs no normalising: both use the same ``SOURCE_DATE_EPOCH`` (``build_env``), and the
clean build is given the server's ``site_url``, which ``mkdocs serve`` sets to its own address.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from browser_support import mkdocs_build
from test_serve import Server, mkdocs_serve

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("mission", "team", "segment", "stage", "milestone", "playbook", "handoff", "metric")
LIVERELOAD = re.compile(rb"<script>\s*var livereload = function\(epoch, requestId\).*?</script>(?=</body>)", re.S)
REBUILT = re.compile(r"journeysite: rebuilt (\d+) of (\d+) pages")


def handbook(tmp_path: Path, entities: int = 60) -> Path:
    root = tmp_path / "handbook"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen.py"), str(entities), str(root)], check=True,
                   capture_output=True)
    return root


def page_of_kind(docs: Path, kind: str) -> Path:
    return next(p for p in sorted(docs.rglob("*.md")) if re.search(rf"(?m)^kind: {kind}$", p.read_text("utf-8")))


def edit(path: Path, how: str, n: int) -> None:
    text = path.read_text("utf-8")
    if how == "body":
        text += f"\n\nA paragraph added in edit {n}.\n"
    elif how == "front matter":
        text, count = re.subn(r"(?m)^summary: .*$", f"summary: A summary rewritten in edit {n}.", text, count=1)
        assert count == 1, path
    else:
        text, count = re.subn(r"(?m)^title: .*$", f'title: "A title rewritten in edit {n}"', text, count=1)
        assert count == 1, path
    path.write_text(text, "utf-8")


def reloaded(server: Server, offset: int) -> None:
    """Wait until the server has finished a build after ``offset`` in its log."""
    # (MkDocs logs "Documentation built in …" only once per wording: it filters repeated messages)
    server.wait_for("the rebuild", lambda: "Reloading browsers" in server.log()[offset:], timeout=120)


def wait_for_rebuild(server: Server, offset: int) -> tuple[int, int]:
    """Wait until the server has finished the build the edit started; (pages rebuilt, pages)."""
    reloaded(server, offset)
    found = REBUILT.findall(server.log()[offset:])
    assert len(found) == 1, f"expected one rebuild, got {len(found)}:\n{server.log()[offset:]}"
    return int(found[0][0]), int(found[0][1])


def served(server: Server, path: str) -> bytes:
    with urllib.request.urlopen(server.url + path, timeout=30) as response:
        body = response.read()
    return LIVERELOAD.sub(b"", body) if path.endswith(".html") else body


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def differences(server: Server, root: Path, site: Path, drafts: str = "") -> list[str]:
    """Every file of a clean build of ``root`` that the server serves differently, and every file the
    server's site folder has that the clean build has not (but for the drafts, which only serve shows)."""
    config = root / "mkdocs-check.yml"  # the server watches mkdocs.yml and docs/ only
    config.write_text((root / "mkdocs.yml").read_text("utf-8") + f"\nsite_url: {server.url}\n", "utf-8")
    result = mkdocs_build(root, "-f", str(config), "--site-dir", str(site))
    assert result.returncode == 0, result.stderr
    out = []
    for file in sorted(p for p in site.rglob("*") if p.is_file()):
        path = file.relative_to(site).as_posix()
        if served(server, path) != file.read_bytes():
            out.append(path)
    folder = server.site()
    assert folder is not None, "no site folder of the server found"
    out += [f"{path} (only served)" for path in sorted(files_in(folder) - files_in(site))
            if not (drafts and path.startswith(drafts))]
    return out


def unreferenced(docs: Path, folder: str) -> list[Path]:
    """The pages of ``folder`` no other page names (deleting one leaves no broken reference)."""
    texts = {p: p.read_text("utf-8") for p in docs.rglob("*.md")}
    return [
        page for page in sorted((docs / folder).glob("*.md"))
        if not any(page.stem in text for other, text in texts.items() if other != page)
    ]


def status(server: Server, path: str) -> int:
    return server.get(path, timeout=30)[0]


@pytest.mark.parametrize("options", [(), ("--dirty",)], ids=["serve", "serve --dirty"])
def test_every_served_page_equals_a_clean_build_after_each_kind_of_edit(tmp_path, options):
    root = handbook(tmp_path)
    docs = root / "docs"
    image = docs / "img" / "logo.png"
    image.parent.mkdir()
    image.write_bytes(b"\x89PNG a picture")
    failures: list[str] = []
    with mkdocs_serve(root, *options) as server:
        assert not differences(server, root, tmp_path / "clean-0"), "the first build differs from a clean one"
        n = 0
        for kind in KINDS:
            page = page_of_kind(docs, kind)
            for how in ("body", "front matter", "title"):
                n += 1
                offset = len(server.log())
                edit(page, how, n)
                rebuilt, total = wait_for_rebuild(server, offset)
                if how == "body":
                    assert rebuilt <= 2, f"a body edit of {page.name} rebuilt {rebuilt} of {total} pages"
                if how == "title":
                    assert rebuilt == total, f"a title edit of {page.name} rebuilt {rebuilt} of {total} pages"
                for path in differences(server, root, tmp_path / f"clean-{n}"):
                    failures.append(f"after the {how} edit of the {kind} {page.name}: {path} differs")
        # A link written in a playbook's body: the team it names lists the playbook among its backlinks.
        team, playbook = page_of_kind(docs, "team"), page_of_kind(docs, "playbook")
        offset = len(server.log())
        playbook.write_text(playbook.read_text("utf-8") + f"\n\nAsk [[team:{team.stem}]].\n", "utf-8")
        wait_for_rebuild(server, offset)
        failures += [f"after a link to {team.name} was written in {playbook.name}: {path} differs"
                     for path in differences(server, root, tmp_path / "clean-body-link")]
        assert "A 'dirty' build is being performed" not in server.log()  # (MkDocs': not so with journeysite)
        if options:  # a page deleted, one renamed: nothing of them is served, the rest as a clean build
            gone, moved = unreferenced(docs, "playbooks")[:2]
            assert status(server, f"playbooks/{gone.stem}/") == 200
            for change in ("delete", "rename"):
                offset = len(server.log())
                if change == "delete":
                    gone.unlink()
                else:
                    shutil.move(moved, moved.with_name(f"renamed-{moved.name}"))
                wait_for_rebuild(server, offset)
                for path in differences(server, root, tmp_path / f"clean-{change}"):
                    failures.append(f"after a playbook was {change}d: {path} differs")
            assert status(server, f"playbooks/{gone.stem}/") == 404
            assert status(server, f"playbooks/{moved.stem}/") == 404
            assert status(server, f"playbooks/renamed-{moved.stem}/") == 200
            # An image replaced by another, older file (as `cp -p` or unpacking an archive leaves it).
            offset = len(server.log())
            newer = image.with_name("new.png")
            newer.write_bytes(b"\x89PNG another picture")
            os.utime(newer, (978307200, 978307200))  # 2001
            newer.replace(image)
            wait_for_rebuild(server, offset)
            failures += [f"after the image was replaced: {path} differs" for path in
                         differences(server, root, tmp_path / "clean-image")]
            # A plugin taken out of mkdocs.yml: nothing it wrote stays (the search index).
            config = root / "mkdocs.yml"
            offset = len(server.log())
            config.write_text(config.read_text("utf-8").replace("  - search\n", ""), "utf-8")
            wait_for_rebuild(server, offset)
            failures += [f"without the search plugin: {path} differs" for path in
                         differences(server, root, tmp_path / "clean-no-search")]
            # journeysite turned off for one build (MkDocs' own dirty build), then on again.
            for enabled in ("false", "true"):
                offset = len(server.log())
                text = re.sub(r"  - journeysite(:\n      enabled: \w+)?\n", f"  - journeysite:\n      enabled: {enabled}\n",
                              config.read_text("utf-8"), count=1)
                config.write_text(text, "utf-8")
                reloaded(server, offset)
            failures += [f"after journeysite was turned off and on: {path} differs" for path in
                         differences(server, root, tmp_path / "clean-on-again")]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("options", [(), ("--dirty",)], ids=["serve", "serve --dirty"])
def test_a_rebuild_with_nothing_changed_renders_no_page_again(tmp_path, options):
    root = handbook(tmp_path, 40)
    with mkdocs_serve(root, *options) as server:
        offset = len(server.log())
        (root / "mkdocs.yml").touch()  # a save with no change
        rebuilt, total = wait_for_rebuild(server, offset)
        assert rebuilt == 0 and total > 40
        assert not differences(server, root, tmp_path / "clean")


def test_serve_dirty_says_once_when_journeysite_cannot_tell_what_an_edit_changes(tmp_path):
    root = handbook(tmp_path, 40)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("plugins:\n", "plugins:\n  - tags\n", 1), "utf-8")
    with mkdocs_serve(root, "--dirty") as server:
        offset = len(server.log())
        edit(page_of_kind(root / "docs", "playbook"), "body", 1)
        reloaded(server, offset)
        log = server.log()
    ours = "`mkdocs serve --dirty` rebuilds only the pages you edit, because the plugin material/tags may change"
    assert log.count(ours) == 1, log  # (at the first build, not again)
    assert "serve without --dirty" in log
    assert "A 'dirty' build is being performed" in log  # MkDocs' own warning stands (it logs a repeated one once)


def test_serve_dirty_after_a_failed_rebuild_serves_a_clean_build_again(tmp_path):
    root = handbook(tmp_path, 40)
    page = page_of_kind(root / "docs", "playbook")
    good = page.read_text("utf-8")
    with mkdocs_serve(root, "--dirty") as server:
        offset = len(server.log())
        page.write_text("---\nkind: playbook\ntitle: [Half written\n---\n\nHalf written.\n", "utf-8")
        server.wait_for("the error", lambda: "[yaml-syntax]" in server.log()[offset:], timeout=120)
        offset = len(server.log())
        page.write_text(good, "utf-8")  # fixed: the build after a failed one makes every page again
        rebuilt, total = wait_for_rebuild(server, offset)
        assert rebuilt == total
        assert not differences(server, root, tmp_path / "clean")
        offset = len(server.log())
        edit(page, "title", 1)
        wait_for_rebuild(server, offset)
        assert not differences(server, root, tmp_path / "clean-after-title")


def test_serve_dirty_rebuilds_drafts_as_serve_does(tmp_path):
    """A draft (``draft_docs``) is built by serve only, so no clean build shows it: after an edit, the one
    `serve --dirty` shows is the one a fresh `mkdocs serve` of the same files shows."""
    root = handbook(tmp_path, 40)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "draft_docs: |\n  drafts/\n", "utf-8")
    playbook = page_of_kind(root / "docs", "playbook")
    (root / "docs" / "drafts").mkdir()
    (root / "docs" / "drafts" / "idea.md").write_text(f"# An idea\n\nSee [[playbook:{playbook.stem}]].\n", "utf-8")
    with mkdocs_serve(root, "--dirty") as server:
        offset = len(server.log())
        edit(playbook, "title", 1)
        rebuilt, total = wait_for_rebuild(server, offset)
        assert rebuilt == total
        dirty = served(server, "drafts/idea/index.html").replace(server.url.encode(), b"SERVER/")
    assert b"A title rewritten in edit 1" in dirty
    with mkdocs_serve(root) as server:  # (each server has its port in its links)
        assert served(server, "drafts/idea/index.html").replace(server.url.encode(), b"SERVER/") == dirty


def test_pages_whose_diagrams_ran_out_of_time_keep_their_listings_after_an_edit(tmp_path):
    """A `dot` slower than the build's Graphviz deadline: the pages with a diagram show its source, and
    after a body edit elsewhere they still list what they listed (their listings were never recorded,
    so they must not be taken from the last build)."""
    root = handbook(tmp_path, 40)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("  - journeysite\n", "  - journeysite:\n      dot_deadline: 1\n"),
                      "utf-8")
    slow = tmp_path / "slow-dot"
    slow.mkdir()
    dot = shutil.which("dot")
    assert dot is not None
    (slow / "dot").write_text(f'#!/bin/sh\ncase "$1" in -V) ;; *) sleep 3 ;; esac\nexec {dot} "$@"\n', "utf-8")
    (slow / "dot").chmod(0o755)
    team = "teams/" + page_of_kind(root / "docs", "team").stem + "/index.html"
    with mkdocs_serve(root, PATH=f"{slow}{os.pathsep}{os.environ['PATH']}") as server:
        before = served(server, team)
        assert b"jsite-diagram-source" in before and b"jsite-list" in before
        offset = len(server.log())
        edit(page_of_kind(root / "docs", "playbook"), "body", 1)
        wait_for_rebuild(server, offset)
        after = served(server, team)
    assert after.count(b"jsite-list") == before.count(b"jsite-list")
