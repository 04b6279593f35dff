"""Shared fixtures: small handbooks written as files in tmp_path, and ways to run the real tools on them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from browser_support import CHROMIUM, cli_runner, mkdocs_in_process, require_chromium, write_tree

from journeysite.cli import main as cli_main
from journeysite.core.reading import frontmatter

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # mkdocs-material's end-of-life notice (FACTS.md)


def installed_tool(name: str, package: str) -> str:
    """A program the test extra installs into the venv (actionlint, zizmor): its path. Missing, the test
    fails in CI and is skipped elsewhere, saying what to install."""
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        message = f"{name} is not installed (pip install {package})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def invoke_cli(folder: Path, *args: str, env: dict[str, str] | None = None):
    """Run ``journeysite ARGS…`` in-process (Click's runner) from ``folder``, as a person at a terminal
    would (``env``: variables to set for the run); an exception (a traceback) fails the test."""
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return cli_runner(env=env).invoke(cli_main, list(args), catch_exceptions=False)
    finally:
        os.chdir(cwd)


@dataclass
class Project:
    """A handbook project in a temporary folder: mkdocs.yml and docs/."""

    root: Path

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def write(self, relative: str, text: str) -> Path:
        """Write a page under docs/ (text is dedented; a leading newline is dropped)."""
        write_tree(self.docs, {relative: text})
        return self.docs / relative

    def check(self, *args: str) -> CheckRun:
        """Run ``journeysite check`` in-process (Click's runner) from the project folder."""
        result = invoke_cli(self.root, "check", *args)
        return CheckRun(result.exit_code, result.stdout, result.stderr)

    def check_json(self, *args: str) -> tuple[int, dict]:
        run = self.check("--format", "json", *args)
        return run.exit_code, json.loads(run.stdout)

    def run(self, *command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run a real program from the venv (``mkdocs``, ``journeysite``) in the project folder."""
        executable = str(BIN / command[0]) if (BIN / command[0]).exists() else command[0]
        return subprocess.run(
            [executable, *command[1:]], cwd=self.root, capture_output=True, text=True, timeout=timeout,
        )

    def build(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A real ``mkdocs build`` into site/, run in-process through MkDocs' own command line (its
        logging, ``--strict`` and exit codes as in a terminal); ``run("mkdocs", …)`` where the process
        boundary is the point."""
        return mkdocs_in_process(self.root, "build", *args)



@dataclass
class CheckRun:
    exit_code: int
    stdout: str
    stderr: str


DEFAULT_CONFIG = """\
site_name: Test handbook
docs_dir: docs
theme:
  name: material
plugins:
  - search
  - journeysite{options}
"""


@pytest.fixture
def project(tmp_path: Path):
    """A factory: ``project(options="...")`` makes mkdocs.yml (plugin options as YAML) and an empty docs/."""

    def make(options: str = "", config: str | None = None) -> Project:
        root = tmp_path / "handbook"
        (root / "docs").mkdir(parents=True, exist_ok=True)
        text = config if config is not None else DEFAULT_CONFIG.format(
            options=(":\n" + textwrap.indent(textwrap.dedent(options).strip(), "      ")) if options else ""
        )
        (root / "mkdocs.yml").write_text(text, encoding="utf-8")
        (root / "docs" / "index.md").write_text("# Test handbook\n", encoding="utf-8")
        return Project(root)

    return make


def errors(data: dict) -> list[dict]:
    """The errors of a ``check --format json`` result."""
    return [d for d in data["diagnostics"] if d["severity"] == "error"]


def the_error(data: dict) -> dict:
    """The one error of a ``check --format json`` result (fails when there are more, or none)."""
    found = errors(data)
    assert len(found) == 1, found
    return found[0]


def codes(data: dict) -> list[str]:
    """The codes of a ``check --format json`` result, in order."""
    return [d["code"] for d in data["diagnostics"]]


@pytest.fixture(scope="module")
def browser():
    """The system's Chromium driven by Playwright, one per test module (browser tests only)."""
    require_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # the test extra is not installed
        if os.environ.get("CI"):
            pytest.fail(f"Playwright is not installed: {exc}")
        pytest.skip(f"Playwright is not installed: {exc}")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def outside_git(tmp_path, monkeypatch):
    """Keep git from finding a repository above the test's folder: pages there were never committed."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


@pytest.fixture(params=["libyaml", "pure-python"])
def yaml_loader(request, monkeypatch):
    """Run the test under each loader journeysite can use: libyaml's (the usual one) and PyYAML's own."""
    if request.param == "pure-python":
        monkeypatch.setattr(frontmatter, "LOADER", frontmatter.PURE_PYTHON_LOADER)
    else:
        assert frontmatter.LOADER.__mro__[1] is yaml.CSafeLoader, "PyYAML was installed without libyaml"
    return request.param
