"""``mkdocs serve`` (SPEC §4): editing an entity page updates every generated page on reload, the server does
not rebuild in a loop, the docs folder is left alone, and a half-written page is reported without killing
the server, which recovers once the page is fixed.

Each test starts the real ``mkdocs serve --livereload`` on a free port of 127.0.0.1 with the small handbook
from ``browser_support`` in ``tmp_path``, and always stops it.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from browser_support import MKDOCS, build_env, parse_html, tree_hashes, write_handbook

PLAYBOOK = "playbooks/onboarding-plan.md"
OLD_TITLE = "Onboarding plan"
NEW_TITLE = "Onboarding plan, second edition"
GRID = "journey/grid/"
STAGE = "stages/onboarding/"
# The playbook is triggered by Contract signed, a Purchase milestone: the Purchase stage diagram draws it.
DIAGRAM_STAGE = "stages/purchase/"
# MkDocs' watcher polls every 0.5 s and builds 0.1 s after the last change it sees (mkdocs/livereload):
# a build that wrote into a watched folder has started another one well within two polls and the delay.
WATCHER_WINDOW = 2 * 0.5 + 0.1 + 0.4


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running ``mkdocs serve``: its process, base URL and log file."""

    process: subprocess.Popen
    url: str
    log_path: Path
    temporary: Path | None = None  # where serve makes its site folder (its TMPDIR)

    def site(self) -> Path | None:
        """The folder serve writes the site to, once it has one (``mkdocs_*`` in its TMPDIR)."""
        found = sorted(self.temporary.glob("mkdocs_*")) if self.temporary else []
        return found[0] if len(found) == 1 else None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def get(self, path: str, timeout: float = 10) -> tuple[int, str]:
        """(status, body) of a page; (0, reason) when the server does not answer in time."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            return 0, str(exc)

    def builds_since(self, offset: int) -> int:
        return self.log()[offset:].count("Building documentation")

    def stays_quiet(self, what: str, offset: int, window: float = WATCHER_WINDOW) -> None:
        """Watch the log for one watcher window: no change may be detected after ``offset`` (fails at
        once when one is)."""
        deadline = time.monotonic() + window
        while time.monotonic() < deadline:
            assert self.alive(), f"mkdocs serve died while {what}:\n{self.log()}"
            later = self.log()[offset:]
            assert "Detected file changes" not in later, f"the server rebuilt while {what}:\n{later}"
            time.sleep(0.1)

    def wait_for(self, what: str, check: Callable[[], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.alive(), f"mkdocs serve died while waiting for {what}:\n{self.log()}"
            if check():
                return
            time.sleep(0.3)
        raise AssertionError(f"timed out after {timeout:g} s waiting for {what}; the server's log:\n{self.log()}")


@contextlib.contextmanager
def mkdocs_serve(root: Path, *options: str, **env: str) -> Iterator[Server]:
    """Start ``mkdocs serve --livereload`` (and ``options``; ``env``: variables to set) in ``root``, wait
    until it answers, and always stop it."""
    port = free_port()
    log_path = root.parent / "serve.log"
    temporary = root.parent / f"serve-tmp-{port}"
    temporary.mkdir()
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [MKDOCS, "serve", "--livereload", *options, "-a", f"127.0.0.1:{port}"], cwd=root, stdout=log,
            stderr=subprocess.STDOUT, env=build_env(TMPDIR=str(temporary), **env), text=True,
        )
        server = Server(process, f"http://127.0.0.1:{port}/", log_path, temporary)
        try:
            server.wait_for("the first build", lambda: server.get("", timeout=2)[0] == 200, timeout=90)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def article_text(body: str) -> str:
    content = parse_html(body).find("article", "md-content__inner")
    return content.text() if content else ""


def diagram_text(body: str) -> str:
    """The texts drawn in the diagrams of a page."""
    document = parse_html(body)
    return " ".join(t.text() for figure in document.find_all("figure", "jsite-diagram")
                    for t in figure.find_all("text"))


def shows(server: Server, path: str, title: str, where: Callable[[str], str] = article_text) -> bool:
    status, body = server.get(path, timeout=5)
    return status == 200 and title in where(body)


def test_editing_an_entity_page_updates_the_generated_pages_without_a_rebuild_loop(tmp_path):
    root = write_handbook(tmp_path / "handbook")
    docs = root / "docs"
    with mkdocs_serve(root) as server:
        for path in (GRID, STAGE):
            status, body = server.get(path)
            assert status == 200, f"{path}: HTTP {status}"
            assert OLD_TITLE in article_text(body), f"{path} does not show {OLD_TITLE!r}"
        assert OLD_TITLE in diagram_text(server.get(DIAGRAM_STAGE)[1]), "the Purchase stage diagram draws the playbook"

        # Idle: the first build must not make the server rebuild (by writing into the docs folder, say).
        server.stays_quiet("nothing was edited", 0)
        before = tree_hashes(docs)

        offset = len(server.log())
        edited = docs / PLAYBOOK
        edited.write_text(edited.read_text(encoding="utf-8").replace(f"title: {OLD_TITLE}", f"title: {NEW_TITLE}"),
                          encoding="utf-8")
        server.wait_for("the grid page to show the new title", lambda: shows(server, GRID, NEW_TITLE))
        server.wait_for("the stage page to show the new title", lambda: shows(server, STAGE, NEW_TITLE))
        server.wait_for("the Purchase stage diagram to show the new title",
                        lambda: shows(server, DIAGRAM_STAGE, NEW_TITLE, diagram_text))
        for path in (GRID, STAGE):
            assert OLD_TITLE + "<" not in server.get(path)[1] and f">{OLD_TITLE}<" not in server.get(path)[1]

        server.wait_for("the build to finish", lambda: "Reloading browsers" in server.log()[offset:])
        # A server that rebuilds in a loop starts its next build within one watcher window.
        server.stays_quiet("nothing more was edited", len(server.log()))
        builds = server.builds_since(offset)
        assert 1 <= builds <= 2, f"{builds} builds after one edit:\n{server.log()[offset:]}"
        assert server.alive()

        after = tree_hashes(docs)
        changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
        assert changed == {PLAYBOOK}, f"the build changed files in the docs folder: {sorted(changed - {PLAYBOOK})}"
    assert "Traceback" not in server.log()


def test_a_half_written_page_is_reported_and_the_server_recovers(tmp_path):
    root = write_handbook(tmp_path / "handbook")
    edited = root / "docs" / PLAYBOOK
    good = edited.read_text(encoding="utf-8")
    with mkdocs_serve(root) as server:
        assert shows(server, GRID, OLD_TITLE)
        offset = len(server.log())
        # An editor's autosave in the middle of typing: the front matter is opened and its YAML is broken.
        edited.write_text("---\nkind: playbook\ntitle: [Onboarding plan\nowner: onboarding\n---\n\nHalf written.\n",
                          encoding="utf-8")
        server.wait_for("the yaml-syntax error in the log", lambda: "[yaml-syntax]" in server.log()[offset:])
        log = server.log()[offset:]
        error = next(line for line in log.splitlines() if "[yaml-syntax]" in line)
        assert PLAYBOOK in error, error
        assert server.alive(), "a broken page stopped mkdocs serve"
        # MkDocs keeps the last good site or answers with an error (its pages wait for a good build):
        # either way the server must not crash and must not serve a page built from the broken file.
        status, body = server.get(GRID, timeout=3)
        assert status in (0, 200, 404, 500), status
        if status == 200:
            assert "Half written" not in body
        assert server.alive()

        offset = len(server.log())
        edited.write_text(good.replace(f"title: {OLD_TITLE}", f"title: {NEW_TITLE}"), encoding="utf-8")
        server.wait_for("the fixed page to be served", lambda: shows(server, GRID, NEW_TITLE), timeout=45)
        assert shows(server, STAGE, NEW_TITLE)
        assert "[yaml-syntax]" not in server.log()[offset:]
        assert server.alive()
    assert "Traceback" not in server.log(), "a user's mistake is reported, never as a traceback"
