"""A second builder: ProperDocs, the maintained continuation of MkDocs 1.6, runs the plugin unchanged.

The shipped handbook (plus one handoff that draws two warnings, so there are diagnostics to compare) is
built once with ``mkdocs build`` and once with ``properdocs build`` from the same ``mkdocs.yml``: the
same pages come out, ``journey.json`` (the model and every diagnostic) is byte for byte the same, the
same journeysite warnings reach each builder's log, and ``--strict`` fails on them under both.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from browser_support import MKDOCS, build_env
from conftest import BIN, ROOT

PROPERDOCS = str(BIN / "properdocs") if (BIN / "properdocs").exists() else "properdocs"

WARNING_HANDOFF = """\
---
kind: handoff
title: Sales to Customer Success (test)
owner: sales
from: sales
to: customer-success
from_stage: purchase
to_stage: onboarding
---
"""


def builder_run(program: str, root: Path, site: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [program, "build", "-f", "mkdocs.yml", "--site-dir", site, *args],
        cwd=root, capture_output=True, text=True, timeout=300, env=build_env(),
    )


def journeysite_lines(log: str) -> list[str]:
    """What journeysite said in a build log, without the builder's own lines (and without how many pages
    the second core made, which depends on timing)."""
    return sorted(
        re.sub(r"a second core converted \d+ and rendered \d+", "a second core converted N and rendered M",
               re.sub(r"^\S+\s+-\s+", "", line))
        for line in log.splitlines() if "journeysite: " in line
    )


def site_files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("properdocs") / "handbook"
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "content" / "handoffs" / "test-warning.md").write_text(WARNING_HANDOFF, encoding="utf-8")
    out = {}
    for name, program in (("mkdocs", MKDOCS), ("properdocs", PROPERDOCS)):
        done = builder_run(program, root, f"site-{name}")
        assert done.returncode == 0, f"{name} build failed:\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr
        out[name] = {"root": root, "site": root / f"site-{name}", "log": done.stdout + done.stderr}
    return out


def test_properdocs_builds_the_same_pages(builds):
    mkdocs_files, properdocs_files = site_files(builds["mkdocs"]["site"]), site_files(builds["properdocs"]["site"])
    assert "journey/index.html" in mkdocs_files and "stages/onboarding/index.html" in mkdocs_files
    assert properdocs_files == mkdocs_files


def test_properdocs_writes_the_same_model_and_diagnostics(builds):
    mkdocs_json = (builds["mkdocs"]["site"] / "journey.json").read_bytes()
    assert b'"handoff-owner-mismatch"' in mkdocs_json
    assert (builds["properdocs"]["site"] / "journey.json").read_bytes() == mkdocs_json


def test_properdocs_logs_the_same_warnings(builds):
    said = journeysite_lines(builds["mkdocs"]["log"])
    assert any("[handoff-without-artifacts]" in line for line in said), said
    assert journeysite_lines(builds["properdocs"]["log"]) == said


def test_properdocs_strict_fails_on_the_warnings_as_mkdocs_does(builds):
    root = builds["mkdocs"]["root"]
    for program in (MKDOCS, PROPERDOCS):
        done = builder_run(program, root, "site-strict", "--strict")
        assert done.returncode == 1, f"{program} --strict passed:\n{done.stderr}"
        assert "Aborted with 2 warnings in strict mode" in done.stdout + done.stderr
