"""Smoke tests for bench/: the generated handbook stays valid and the benchmark still runs end to end.

No timing is asserted here: speed is measured by bench/run.py, never by timed tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent


def generate(n: int, out: Path) -> Path:
    subprocess.run([sys.executable, str(BENCH / "gen.py"), str(n), str(out)], check=True, timeout=120)
    return out


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(50, tmp_path_factory.mktemp("bench") / "n50")


def test_generated_handbook_passes_strict_check_without_any_diagnostic(handbook: Path) -> None:
    result = subprocess.run(
        [str(BIN / "journeysite"), "check", "--strict", "--format", "json", "-f", "mkdocs.yml"],
        cwd=handbook, capture_output=True, text=True, timeout=120,
    )
    data = json.loads(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert data["counts"] == {"error": 0, "warning": 0, "info": 0}, data["diagnostics"]
    assert data["entities"]["mission"] == 1 and data["entities"]["segment"] == 4
    assert sum(data["entities"].values()) == 50
    assert data["entities"]["playbook"] > 50 / 3  # playbooks are the largest kind


def test_generated_handbook_has_both_configs_and_realistic_bodies(handbook: Path) -> None:
    plain = (handbook / "mkdocs-plain.yml").read_text()
    assert "journeysite" not in plain and "nav:" not in plain and "features" not in plain  # material's defaults
    pruned = (handbook / "mkdocs-plain-pruned.yml").read_text()
    assert "journeysite" not in pruned and "navigation.prune" in pruned
    ours = (handbook / "mkdocs.yml").read_text()
    assert "- journeysite" in ours and "features" not in ours  # the plugin turns navigation.prune on itself
    playbook = next((handbook / "docs" / "playbooks").glob("*.md")).read_text()
    body = playbook.split("\n---\n", 1)[1]
    assert "## " in body and "|---|" in body and "!!! tip" in body and "[[" in body
    assert 250 <= len(body.split()) <= 700


def test_generation_is_deterministic(handbook: Path, tmp_path: Path) -> None:
    again = generate(50, tmp_path / "again")
    first = {p.relative_to(handbook): p.read_bytes() for p in (handbook / "docs").rglob("*.md")}
    second = {p.relative_to(again): p.read_bytes() for p in (again / "docs").rglob("*.md")}
    assert first == second


def test_benchmark_runs_end_to_end_in_a_tiny_mode(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    run = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "50", "--check-sizes", "50", "--repeat", "1",
         "--rounds", "2", "--edits", "1", "--out", str(tmp_path / "out"), "--results", str(results)],
        capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "| target | measured | verdict |" in run.stdout
    text = results.read_text()
    for section in ("## Targets", "## (a)", "## (b)", "## (c)", "## (d)", "## (e)", "## (f)"):
        assert section in text
    assert "| 50 | plain |" in text and "| 50 | pruned |" in text and "| 50 | warm |" in text
    assert "(medians of 2 interleaved rounds: " in text, "the cold build against pruned, every round shown"
    assert (tmp_path / "out" / "n50" / "docs" / "index.md").is_file()  # handbooks go under --out
    assert "## Failures" not in text
    assert_serve_measured(text, tmp_path / "out")


def assert_serve_measured(text: str, out: Path) -> None:
    """(f): the serve sessions (`make serve`'s, without --dirty, plain) have a number for each kind of save,
    and left nothing behind."""
    section = text.split("## (f)", 1)[1].split("\n## ", 1)[0]
    starts = ("| 50 | journeysite |", "| 50 | journeysite, no --dirty |", "| 50 | plain |")
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith(starts)]
    assert len(rows) == 3, text
    for cells in rows:
        for cell in cells[2:5] + [cells[6], cells[9]]:  # first build (both), body, title, unchanged-save medians
            assert float(cell) > 0, cells
        assert cells[10] == "1 1 1", cells  # one rebuild per save
    assert "`mkdocs serve`, a body edit at 50 entities" in text and "a file saved unchanged" in text
    data = json.loads((out / "results.json").read_text())
    serves = {s["variant"]: s for s in data["serves"]}
    assert set(serves) == {"journeysite", "journeysite, no --dirty", "plain"}
    assert [e["kind"] for e in serves["journeysite"]["edits"]] == ["body", "title", "touch"]
    assert serves["journeysite"]["edits"][1]["neighbour_fresh"] is True  # the stage page shows the new title
    assert not list(out.glob("serve-tmp-*"))  # each serve's temporary site is gone: it was stopped
    fresh = out.parent / "fresh"
    generate(50, fresh)  # the edited playbook is back as generated
    assert {p.relative_to(fresh): p.read_bytes() for p in (fresh / "docs").rglob("*.md")} == {
        p.relative_to(out / "n50"): p.read_bytes() for p in (out / "n50" / "docs").rglob("*.md")}


def test_benchmark_title_edit_keeps_the_front_matter_valid() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import run as bench_run  # bench/run.py
    finally:
        sys.path.remove(str(BENCH))
    original = "---\nkind: playbook\ntitle: 'After renewal: \"the\" plan'\nowner: sales\n---\n\n# Body\n"
    text = bench_run.edited(original, "tok1", "tok2")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front == {"kind": "playbook", "title": 'After renewal: "the" plan tok1', "owner": "sales"}
    assert text.endswith("# Body\n\nEdited by the benchmark: tok2.\n")
    assert bench_run.edited(original, "", "") == original
