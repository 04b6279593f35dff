"""A real handbook passes its own check: GitLab's public Customer Success handbook, converted into our
format (tests/fixtures/realworld-gitlab; SOURCE.md says which pages, and which findings are true).

With the first edition of the model it could not: the owner of a stage changes by segment, customers
move between segments, and some findings are right for GitLab and had no way to be acknowledged.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from browser_support import article, mkdocs_build
from conftest import ROOT, invoke_cli

FIXTURE = ROOT / "tests" / "fixtures" / "realworld-gitlab"

# The findings verified by hand against the source (SOURCE.md), each accepted on its page with the
# reason the source gives: (code, entity, segments).
ACCEPTED = {
    ("missing-handoff", "segment:digital", ()),  # the move to the CSE pool has no documented handoff
    ("missing-handoff", "stage:enable", ("digital",)),  # the AE keeps the account from the sale on
    ("missing-handoff", "milestone:technical-win", ("cse",)),  # SA and AE work the deal together
    ("missing-handoff", "milestone:csm-introduced", ("csm",)),  # the same paired work
    ("missing-handoff", "milestone:business-review-held", ("cse",)),  # AE → Renewals: not written down
    ("uncovered-cell", "stage:pre-sales-alignment", ("digital",)),  # no pre-sales play for digital
    ("uncovered-cell", "stage:expand", ("cse",)),  # accepted per segment, with two reasons
    ("uncovered-cell", "stage:expand", ("digital",)),
}


def copy(tmp_path: Path) -> Path:
    root = tmp_path / "realworld"
    shutil.copytree(FIXTURE, root)
    return root


def test_the_converted_handbook_checks_strict_with_its_real_exceptions_accepted(tmp_path):
    root = copy(tmp_path)
    run = invoke_cli(root, "check", "--strict")
    assert run.exit_code == 0, run.stdout
    assert run.stdout.strip().endswith(f"{len(ACCEPTED)} findings accepted on the pages (see the gaps report).")


def test_the_converted_handbook_builds_strict_and_lists_each_accepted_finding_with_its_reason(tmp_path):
    root = copy(tmp_path)
    done = mkdocs_build(root, "--strict")
    assert done.returncode == 0, done.stderr
    exported = json.loads((root / "site" / "journey.json").read_text(encoding="utf-8"))
    found = {(a["code"], a["entity"], tuple(a["segments"])) for a in exported["accepted"]}
    assert found == ACCEPTED
    assert all(a["reason"].strip() for a in exported["accepted"])
    report = article(root / "site", "journey/gaps/index.html").text()
    assert "Accepted" in report
    assert exported["counts"] == {"error": 0, "warning": 0, "info": 0}


def test_without_its_acceptances_the_handbook_reports_exactly_the_verified_findings(tmp_path):
    """The acceptances hide nothing else: removing every `accept` gives the verified findings and no
    other warning (the false positives of the first edition are gone, not silenced)."""
    root = copy(tmp_path)
    for page in (root / "docs").rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        if "\naccept:" not in text:
            continue
        head, _, rest = text.partition("\naccept:")
        # the accept list runs until the next top-level key or the end of the front matter
        lines = rest.split("\n")
        keep = next(i for i, line in enumerate(lines[1:], 1) if line and not line.startswith((" ", "-")))
        page.write_text(head + "\n" + "\n".join(lines[keep:]), encoding="utf-8")
    run = invoke_cli(root, "check", "--format", "json")
    data = json.loads(run.stdout)
    found = {(d["code"], d["entity"], tuple(d["segments"])) for d in data["diagnostics"]}
    merged = {(c, e, s) for c, e, s in ACCEPTED if e != "stage:expand"} | {
        ("uncovered-cell", "stage:expand", ("cse", "digital"))
    }
    assert found == merged, data["diagnostics"]
    assert data["counts"]["error"] == 0
