"""Broken set-ups (SPEC §5): every way a project can be set up wrong gives a one-line explanation and the
documented exit status, never a traceback, from ``journeysite check``, ``journeysite review`` and a real
``mkdocs build``.

``journeysite`` runs in-process (Click's runner, exceptions not caught, so a traceback fails the test); the
``mkdocs build`` of every set-up runs as a real process, all of them at once, in one module fixture.
test_check_cli.py already covers ``check`` with no mkdocs.yml, a missing docs folder, a list for mkdocs.yml,
invalid YAML and MkDocs' own tags; test_serve.py covers a half-written page while ``mkdocs serve`` runs.
"""

from __future__ import annotations

import subprocess
import tempfile
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from browser_support import MKDOCS, build_env, config
from conftest import invoke_cli

PAGES = {  # a small handbook with no warning, so `mkdocs build --strict` passes on it
    "index.md": "# Home\n\nStart with [[stage:use]].\n",
    "teams/cs.md": "---\nkind: team\ntitle: Customer Success\nreviewed: 2026-10-01\n---\n",
    "stages/use.md": "---\nkind: stage\ntitle: Use\nowner: cs\norder: 1\nreviewed: 2026-10-01\n---\n",
    "milestones/live.md": "---\nkind: milestone\ntitle: Live\nowner: cs\nstage: use\norder: 1\nreviewed: 2026-10-01\n---\n",
    "playbooks/adopt.md": "---\nkind: playbook\ntitle: Adopt\nowner: cs\ntype: lifecycle\nstages: [use]\n"
                          "trigger: {milestone: live}\nreviewed: 2026-10-01\n---\n",
}
PLAIN = {
    "index.md": "# Home\n\nA handbook with no entity page yet.\n",
    "guide.md": "---\ntitle: Field guide\n---\n\n# Field guide\n\nSee the [home page](index.md).\n",
}
NOT_LISTED = "site_name: Handbook\ndocs_dir: docs\ntheme:\n  name: material\nplugins:\n  - search\n"
MATERIAL_TAGS = """\
site_name: !ENV [HANDBOOK_NAME, Handbook]
docs_dir: !ENV [HANDBOOK_DOCS, docs]
theme:
  name: material
markdown_extensions:
  - attr_list
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
plugins:
  - search
  - journeysite:
      gaps: !ENV [HANDBOOK_GAPS, warn]
"""


@dataclass(frozen=True)
class Expect:
    """An exit status and words the explanation must hold (on stderr for journeysite, in the log for MkDocs)."""

    status: int
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Setup:
    config: str | None  # mkdocs.yml; None: there is none
    pages: dict[str, str] | None  # under docs_dir; None: no docs folder at all
    check: Expect | None  # None: covered in test_check_cli.py
    review: Expect
    build: Expect
    build_args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    docs: str = "docs"
    extra_files: dict[str, str] = field(default_factory=dict)  # next to mkdocs.yml


NOTE = "does not list the journeysite plugin"
SETUPS: dict[str, Setup] = {
    "valid-handbook": Setup(  # the baseline: everything works
        config(), PAGES, check=Expect(0), review=Expect(0), build=Expect(0), build_args=("--strict",)),
    "no-mkdocs-yml": Setup(
        None, PAGES, check=None, review=Expect(2, ("mkdocs.yml", "-f")),
        build=Expect(1, ("mkdocs.yml", "does not exist"))),
    "docs-dir-missing": Setup(
        config().replace("docs_dir: docs", "docs_dir: handbook-pages"), None, check=None,
        review=Expect(2, ("handbook-pages", "does not exist")), build=Expect(1, ("handbook-pages",))),
    "docs-dir-is-a-file": Setup(
        config().replace("docs_dir: docs", "docs_dir: mkdocs.yml"), PAGES, check=Expect(2, ("mkdocs.yml",)),
        review=Expect(2, ("mkdocs.yml",)), build=Expect(1, ("docs_dir",))),
    "plugin-not-listed": Setup(
        NOT_LISTED, PAGES, check=Expect(0, (NOTE,)), review=Expect(0, (NOTE,)), build=Expect(0),
        build_args=("--strict",)),
    "unknown-setting": Setup(
        config(options="colour: blue"), PAGES, check=Expect(2, ("colour",)), review=Expect(2, ("colour",)),
        build=Expect(1, ("colour",))),
    "wrong-typed-setting": Setup(
        config(options="diagrams: maybe"), PAGES, check=Expect(2, ("diagrams", "true or false")),
        review=Expect(2, ("diagrams",)), build=Expect(1, ("diagrams",))),
    "settings-not-a-mapping": Setup(
        config(options="- gaps\n- warn"), PAGES, check=Expect(2, ("options", "mapping")),
        review=Expect(2, ("mapping",)), build=Expect(1, ("journeysite",))),
    "empty-handbook": Setup(
        config(), {}, check=Expect(0), review=Expect(0), build=Expect(0), build_args=("--strict",)),
    "plain-pages-only": Setup(
        config(), PLAIN, check=Expect(0), review=Expect(0), build=Expect(0), build_args=("--strict",)),
    "empty-mkdocs-yml": Setup(
        "", PAGES, check=Expect(0, (NOTE,)), review=Expect(0, (NOTE,)), build=Expect(1, ("site_name",))),
    "mkdocs-yml-a-list": Setup(
        "- search\n- journeysite\n", PAGES, check=None, review=Expect(2, ("mapping",)),
        build=Expect(1, ("mapping",))),
    "mkdocs-yml-a-scalar": Setup(
        "just some text\n", PAGES, check=Expect(2, ("mapping",)), review=Expect(2, ("mapping",)),
        build=Expect(1)),
    "env-and-python-tags": Setup(
        MATERIAL_TAGS, PAGES, check=Expect(0), review=Expect(0), build=Expect(0), build_args=("--strict",)),
    "env-chooses-the-docs-folder-and-a-setting": Setup(
        MATERIAL_TAGS, {**PAGES, "stages/use.md": PAGES["stages/use.md"].replace("owner: cs", "owner: nobody")},
        check=Expect(1), review=Expect(0), build=Expect(1, ("nobody",)),
        env={"HANDBOOK_DOCS": "handbook", "HANDBOOK_GAPS": "error"}, docs="handbook"),
    "env-sets-a-bad-setting": Setup(
        MATERIAL_TAGS, PAGES, check=Expect(2, ("gaps", "sometimes")), review=Expect(2, ("gaps",)),
        build=Expect(1, ("gaps",)), env={"HANDBOOK_GAPS": "sometimes"}),
    "inherited-settings": Setup(
        "INHERIT: base.yml\nsite_name: Inherited handbook\n",
        {k: v for k, v in PAGES.items() if not k.startswith("milestones/")} | {
            "playbooks/adopt.md": PAGES["playbooks/adopt.md"].replace("{milestone: live}", "{manual: CSM decides}")},
        check=Expect(1), review=Expect(0), build=Expect(1, ("stage-without-milestones",)), docs="content",
        extra_files={"base.yml": "docs_dir: content\ntheme:\n  name: material\nplugins:\n  - search\n"
                                 "  - journeysite:\n      gaps: error\n"}),
    "dangling-symlink-page": Setup(
        config(), {**PAGES, "teams/gone.md": "->/nonexistent/gone.md"}, check=Expect(1), review=Expect(0),
        build=Expect(1, ("gone.md",))),
}


def make(root: Path, setup: Setup) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if setup.config is not None:
        (root / "mkdocs.yml").write_text(setup.config, encoding="utf-8")
    for name, text in setup.extra_files.items():
        (root / name).write_text(text, encoding="utf-8")
    if setup.pages is not None:
        docs = root / setup.docs
        docs.mkdir(parents=True, exist_ok=True)
        for relative, text in setup.pages.items():
            path = docs / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if text.startswith("->"):
                path.symlink_to(text[2:])
            else:
                path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> Iterator[dict[str, tuple[int, str]]]:
    """``mkdocs build`` of every set-up, run at the same time: name → (exit status, log)."""
    base = tmp_path_factory.mktemp("broken-builds")
    running = {}
    for name, setup in SETUPS.items():
        root = make(base / name, setup)
        log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        process = subprocess.Popen([MKDOCS, "build", *setup.build_args], cwd=root, stdout=log,
                                   stderr=subprocess.STDOUT, text=True, env=build_env(**setup.env))
        running[name] = (process, log)
    results = {}
    try:
        for name, (process, log) in running.items():
            status = process.wait(timeout=300)
            log.seek(0)
            results[name] = (status, log.read())
    finally:
        for process, log in running.values():
            if process.poll() is None:
                process.kill()
                process.wait()
            log.close()
    yield results


def journeysite(root: Path, *args: str, env: dict[str, str] | None = None):
    """Run the journeysite command line in ``root``; an exception (a traceback) fails the test."""
    return invoke_cli(root, *args, env=env)


def assert_explained(run, expect: Expect) -> None:
    assert run.exit_code == expect.status, f"exit {run.exit_code}, expected {expect.status}:\n{run.stderr}"
    output = run.stdout + run.stderr
    assert "Traceback" not in output
    notes = run.stderr.strip().splitlines()
    if expect.status == 2:
        assert len(notes) == 1, f"not one line:\n{run.stderr}"
        assert notes[0].startswith("journeysite: "), notes[0]
        assert run.stdout == ""
    for words in expect.words:
        assert words in run.stderr, f"{words!r} is not in:\n{run.stderr}"


@pytest.mark.parametrize("name", [n for n, s in SETUPS.items() if s.check is not None])
def test_check(tmp_path, name):
    setup = SETUPS[name]
    root = make(tmp_path / name, setup)
    assert_explained(journeysite(root, "check", env=setup.env), setup.check)


@pytest.mark.parametrize("name", list(SETUPS))
def test_review(tmp_path, name):
    setup = SETUPS[name]
    root = make(tmp_path / name, setup)
    assert_explained(journeysite(root, "review", "--today", "2026-11-22", env=setup.env), setup.review)


@pytest.mark.parametrize("name", list(SETUPS))
def test_mkdocs_build(builds, name):
    status, log = builds[name]
    expect = SETUPS[name].build
    assert status == expect.status, f"mkdocs build exited {status}, expected {expect.status}:\n{log}"
    assert "Traceback" not in log, log
    for words in expect.words:
        assert words in log, f"{words!r} is not in the build's log:\n{log}"


# ---- what the set-up decides, checked in detail ---------------------------------------------------------

def test_check_reads_the_docs_folder_and_the_setting_an_environment_variable_names(tmp_path):
    setup = SETUPS["env-chooses-the-docs-folder-and-a-setting"]
    root = make(tmp_path / "env", setup)
    run = journeysite(root, "check", "--format", "json", env=setup.env)
    assert run.exit_code == 1
    assert '"unknown-ref"' in run.stdout and "stages/use.md" in run.stdout


def test_check_follows_inherit_as_mkdocs_does(tmp_path):
    """``INHERIT: base.yml`` gives mkdocs.yml the base's docs_dir and plugin settings: check must see them."""
    setup = SETUPS["inherited-settings"]
    root = make(tmp_path / "inherit", setup)
    run = journeysite(root, "check", "--format", "json")
    assert run.exit_code == 1, run.stderr
    assert '"stage-without-milestones"' in run.stdout and '"severity": "error"' in run.stdout


def test_an_empty_handbook_still_gets_its_generated_pages(builds, tmp_path_factory):
    status, log = builds["empty-handbook"]
    assert status == 0
    run = journeysite(make(tmp_path_factory.mktemp("empty") / "p", SETUPS["empty-handbook"]), "check")
    assert run.stdout.strip() == "No problems in 0 pages."


def test_a_config_file_option_naming_a_folder_is_a_usage_error(tmp_path):
    root = make(tmp_path / "p", SETUPS["plain-pages-only"])
    (root / "configs").mkdir()
    for command in (["check"], ["review"], ["codeowners"], ["new", "team", "ops"]):
        run = journeysite(root, *command, "-f", "configs")
        assert run.exit_code == 2, (command, run.stderr)
        assert "Traceback" not in run.stderr and "configs" in run.stderr


def test_new_in_a_docs_folder_it_cannot_write_to_explains_in_one_line(tmp_path, monkeypatch):
    """A read-only or full docs folder (simulated: root can write anywhere) is reported, not a traceback."""
    import journeysite.core.writing as writing

    root = make(tmp_path / "p", SETUPS["plain-pages-only"])

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied", str(root / "docs" / "teams"))

    monkeypatch.setattr(writing.tempfile, "mkstemp", refuse)
    run = journeysite(root, "new", "team", "ops")
    assert run.exit_code in (1, 2)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("journeysite: "), run.stderr
    assert "Permission denied" in lines[0]
    assert not (root / "docs" / "teams" / "ops.md").exists()


def test_mark_in_a_docs_folder_it_cannot_write_to_explains_in_one_line(tmp_path, monkeypatch):
    import journeysite.core.writing as writing

    root = make(tmp_path / "p", SETUPS["valid-handbook"])
    page = root / "docs" / "stages" / "use.md"
    before = page.read_bytes()

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied", str(page.parent))

    monkeypatch.setattr(writing.tempfile, "mkstemp", refuse)
    run = journeysite(root, "review", "--mark", "docs/stages/use.md", "--today", "2026-11-22")
    assert run.exit_code == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot be written" in lines[0] and "Permission denied" in lines[0], run.stderr
    assert page.read_bytes() == before
