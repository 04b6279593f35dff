"""``journeysite review --mark``: recording a review changes ``reviewed:`` and not one other byte of the page."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from conftest import CheckRun, invoke_cli

TODAY = "2026-06-15"
TEAM = "---\nkind: team\ntitle: Customer Success\ngithub: [\"@acme/cs\"]\nreviewed: 2026-06-01\n---\n"


def invoke(root: Path, *args: str) -> CheckRun:
    """Run ``journeysite review …`` in-process from ``root``."""
    result = invoke_cli(root, "review", *args)
    return CheckRun(result.exit_code, result.stdout, result.stderr)


def mark(root: Path, *paths: str, today: str = TODAY) -> CheckRun:
    return invoke(root, "--mark", *paths, "--today", today)


@pytest.fixture(autouse=True)
def _no_git_above(outside_git):
    """Pages in these tests were never committed (see conftest.outside_git)."""


@pytest.fixture
def hb(project):
    hb = project()
    hb.write("teams/cs.md", TEAM)
    return hb


def put(hb, relative: str, data: bytes) -> Path:
    """Write a page byte for byte (no dedenting, no line-ending translation)."""
    path = hb.docs / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# ---- byte for byte ------------------------------------------------------------------------------------------------

COMMENTED = b"""\
---
# Owned by CS; ask in #cs-ops before changing the order.
title: Onboarding   # shown on cards
kind: stage
order: 1
reviewed: 2025-11-03   # confirmed with Dana
owner: cs
summary: 'Quoted: yes'
---

Body with reviewed: 2025-11-03 in it, untouched.
"""


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            COMMENTED,
            COMMENTED.replace(b"reviewed: 2025-11-03   # confirmed", b"reviewed: 2026-06-15   # confirmed"),
            id="comments-key-order-and-a-trailing-comment",
        ),
        pytest.param(
            b'---\nkind: stage\ntitle: Onboarding\nowner: cs\norder: 1\nreviewed: "2025-11-03" # quoted\n---\n',
            b'---\nkind: stage\ntitle: Onboarding\nowner: cs\norder: 1\nreviewed: "2026-06-15" # quoted\n---\n',
            id="double-quoted",
        ),
        pytest.param(
            b"---\nkind: stage\ntitle: Onboarding\nowner: cs\norder: 1\nreviewed: '2025-11-03'\n---\nText\n",
            b"---\nkind: stage\ntitle: Onboarding\nowner: cs\norder: 1\nreviewed: '2026-06-15'\n---\nText\n",
            id="single-quoted",
        ),
        pytest.param(
            b"---\nkind: stage\nreviewed: 2025-11-03\ntitle: Onboarding\nowner: cs\norder: 1\n---\n",
            b"---\nkind: stage\nreviewed: 2026-06-15\ntitle: Onboarding\nowner: cs\norder: 1\n---\n",
            id="reviewed-not-last",
        ),
        pytest.param(
            b"---\nkind: stage\ntitle: Onboarding\nowner: cs\norder: 1\n# the end\n---\n\n# Onboarding\n",
            b"---\nkind: stage\ntitle: Onboarding\nowner: cs\norder: 1\n# the end\nreviewed: 2026-06-15\n---\n"
            b"\n# Onboarding\n",
            id="no-reviewed-inserted-before-the-closing-line",
        ),
        pytest.param(
            b"---\r\nkind: stage\r\ntitle: Onboarding\r\nowner: cs\r\norder: 1\r\nreviewed: 2025-11-03 # c\r\n"
            b"---\r\nBody\r\n",
            b"---\r\nkind: stage\r\ntitle: Onboarding\r\nowner: cs\r\norder: 1\r\nreviewed: 2026-06-15 # c\r\n"
            b"---\r\nBody\r\n",
            id="crlf",
        ),
        pytest.param(
            b"---\r\nkind: stage\r\ntitle: Onboarding\r\nowner: cs\r\norder: 1\r\n---\r\nBody\r\n",
            b"---\r\nkind: stage\r\ntitle: Onboarding\r\nowner: cs\r\norder: 1\r\nreviewed: 2026-06-15\r\n"
            b"---\r\nBody\r\n",
            id="crlf-no-reviewed",
        ),
        pytest.param(
            b"\xef\xbb\xbf---\nkind: stage\ntitle: \xc3\x89tape\nowner: cs\norder: 1\nreviewed: 2025-11-03\n---\n",
            b"\xef\xbb\xbf---\nkind: stage\ntitle: \xc3\x89tape\nowner: cs\norder: 1\nreviewed: 2026-06-15\n---\n",
            id="bom",
        ),
        pytest.param(
            b"\xef\xbb\xbf---\r\nkind: stage\r\ntitle: Onboarding\r\nowner: cs\r\norder: 1\r\n---\r\n",
            b"\xef\xbb\xbf---\r\nkind: stage\r\ntitle: Onboarding\r\nowner: cs\r\norder: 1\r\n"
            b"reviewed: 2026-06-15\r\n---\r\n",
            id="bom-crlf-no-reviewed",
        ),
        pytest.param(
            b"---\nkind: stage\ntitle: Onboarding\nowner: cs\norder: 1\nreviewed:    # fill in\n---\n",
            b"---\nkind: stage\ntitle: Onboarding\nowner: cs\norder: 1\nreviewed: 2026-06-15    # fill in\n---\n",
            id="empty-reviewed",
        ),
        pytest.param(
            b"---\nkind: stage\ntitle: Onboarding\nowner: cs\norder: 1\nsteps_note: |\n  reviewed: 2020-01-01\n"
            b"...\n",
            b"---\nkind: stage\ntitle: Onboarding\nowner: cs\norder: 1\nsteps_note: |\n  reviewed: 2020-01-01\n"
            b"reviewed: 2026-06-15\n...\n",
            id="a-nested-lookalike-is-not-the-field",
        ),
        pytest.param(
            b"---\nkind: stage\ntitle: Onboarding\nowner: cs\norder: 1\nreviewed: 2026-06-15\n---\n",
            b"---\nkind: stage\ntitle: Onboarding\nowner: cs\norder: 1\nreviewed: 2026-06-15\n---\n",
            id="already-today",
        ),
    ],
)
def test_mark_changes_only_the_reviewed_value(hb, before, after):
    page = put(hb, "stages/onboarding.md", before)
    run = mark(hb.root, "docs/stages/onboarding.md")
    assert run.exit_code == 0, run.stderr
    assert page.read_bytes() == after
    assert run.stdout.startswith("docs/stages/onboarding.md: reviewed 2026-06-15 (")


def test_mark_prints_one_line_per_page_with_the_previous_value(hb):
    put(hb, "stages/a.md", b"---\nkind: stage\ntitle: A\nowner: cs\norder: 1\nreviewed: 2025-01-02\n---\n")
    put(hb, "stages/b.md", b"---\nkind: stage\ntitle: B\nowner: cs\norder: 2\n---\n")
    run = mark(hb.root, "docs/stages/a.md", "docs/stages/b.md")
    assert run.exit_code == 0
    assert run.stdout.splitlines() == [
        "docs/stages/a.md: reviewed 2026-06-15 (was 2025-01-02)",
        "docs/stages/b.md: reviewed 2026-06-15 (added `reviewed:`)",
    ]


def test_mark_keeps_permissions_and_leaves_no_temporary_file(hb):
    page = put(hb, "stages/a.md", b"---\nkind: stage\ntitle: A\nowner: cs\norder: 1\n---\n")
    page.chmod(0o640)
    assert mark(hb.root, "docs/stages/a.md").exit_code == 0
    assert stat.S_IMODE(page.stat().st_mode) == 0o640
    assert sorted(p.name for p in page.parent.iterdir()) == ["a.md"]


def test_mark_without_today_uses_todays_date(hb):
    from datetime import date

    page = put(hb, "stages/a.md", b"---\nkind: stage\ntitle: A\nowner: cs\norder: 1\n---\n")
    run = invoke(hb.root, "--mark", "docs/stages/a.md")
    assert run.exit_code == 0
    assert f"reviewed: {date.today().isoformat()}\n---\n".encode() in page.read_bytes()


def test_paths_are_relative_to_the_current_folder(hb):
    page = put(hb, "stages/a.md", b"---\nkind: stage\ntitle: A\nowner: cs\norder: 1\n---\n")
    run = invoke(hb.docs / "stages", "-f", "../../mkdocs.yml", "--mark", "a.md", "--today", TODAY)
    assert run.exit_code == 0, run.stderr
    assert run.stdout == "a.md: reviewed 2026-06-15 (added `reviewed:`)\n"
    assert page.read_bytes().endswith(b"reviewed: 2026-06-15\n---\n")


def test_a_symlink_inside_the_docs_folder_marks_its_target_and_stays_a_link(hb):
    page = put(hb, "stages/a.md", b"---\nkind: stage\ntitle: A\nowner: cs\norder: 1\n---\n")
    link = hb.docs / "a-link.md"
    link.symlink_to(page)
    assert mark(hb.root, "docs/a-link.md").exit_code == 0
    assert link.is_symlink()
    assert page.read_bytes().endswith(b"reviewed: 2026-06-15\n---\n")


# ---- what the marked page means to the rest of journeysite -------------------------------------------------------


def test_a_marked_page_passes_check_and_leaves_the_review_list(hb):
    put(hb, "stages/a.md", COMMENTED.replace(b"reviewed: 2025-11-03   # confirmed with Dana\n", b""))
    put(hb, "stages/b.md", COMMENTED.replace(b"order: 1", b"order: 2"))
    before = json.loads(invoke(hb.root, "--format", "json", "--today", TODAY).stdout)
    assert {p["file"]: p["status"] for p in before["pages"]} == {"stages/a.md": "never", "stages/b.md": "overdue"}
    _, checked_before = hb.check_json()

    assert mark(hb.root, "docs/stages/a.md", "docs/stages/b.md").exit_code == 0

    code, checked_after = hb.check_json()
    assert code == 0
    assert checked_after["counts"]["error"] == 0
    assert checked_after == checked_before  # not one new finding
    after = json.loads(invoke(hb.root, "--format", "json", "--today", TODAY).stdout)
    assert after["pages"] == []


# ---- refusals -------------------------------------------------------------------------------------------------------


def test_paths_that_are_not_entity_pages_are_refused_and_the_others_still_marked(hb, tmp_path):
    good = put(hb, "stages/a.md", b"---\nkind: stage\ntitle: A\nowner: cs\norder: 1\n---\n")
    other = put(hb, "stages/b.md", b"---\nkind: stage\ntitle: B\nowner: cs\norder: 2\n---\n")
    plain = put(hb, "guides/plain.md", b"---\ntitle: Plain\nowner: cs\n---\n")
    no_front = put(hb, "guides/notes.md", b"# Notes\n")
    broken = put(hb, "stages/broken.md", b"---\nkind: stage\ntitle: [oops\n---\n")
    text_file = put(hb, "stages/data.txt", b"---\nkind: stage\n---\n")
    outside = hb.root / "README.md"
    outside.write_bytes(b"---\nkind: stage\ntitle: Outside\n---\n")
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_bytes(b"---\nkind: stage\ntitle: Elsewhere\nowner: cs\norder: 9\n---\n")
    (hb.docs / "stages/escape.md").symlink_to(elsewhere)
    refused = {plain: plain.read_bytes(), no_front: no_front.read_bytes(), broken: broken.read_bytes(),
               text_file: text_file.read_bytes(), outside: outside.read_bytes(), elsewhere: elsewhere.read_bytes()}

    run = mark(
        hb.root,
        "docs/guides/plain.md",
        "docs/stages/a.md",
        "docs/stages/missing.md",
        "docs/guides/notes.md",
        "docs/stages/broken.md",
        "docs/stages/data.txt",
        "README.md",
        "docs/stages/escape.md",
        "docs/stages/b.md",
    )
    assert run.exit_code == 1
    assert run.stdout.splitlines() == [
        "docs/stages/a.md: reviewed 2026-06-15 (added `reviewed:`)",
        "docs/stages/b.md: reviewed 2026-06-15 (added `reviewed:`)",
    ]
    errors = run.stderr.splitlines()
    assert len(errors) == 7
    assert errors[0].startswith("journeysite: docs/guides/plain.md: is not an entity page")
    assert "`reviewed: 2026-06-15`" in errors[0]  # how to record its review instead
    assert errors[1] == "journeysite: docs/stages/missing.md: does not exist"
    assert errors[2].startswith("journeysite: docs/guides/notes.md: is not an entity page")
    assert errors[3].startswith("journeysite: docs/stages/broken.md: has front matter that is not valid YAML")
    assert errors[4].startswith("journeysite: docs/stages/data.txt: is not a Markdown page")
    assert errors[5].startswith("journeysite: README.md: is outside the docs folder")
    assert errors[6].startswith("journeysite: docs/stages/escape.md: is a symbolic link to")
    assert "outside the docs folder" in errors[6]
    for path, data in refused.items():
        assert path.read_bytes() == data
    assert good.read_bytes().endswith(b"reviewed: 2026-06-15\n---\n")
    assert other.read_bytes().endswith(b"reviewed: 2026-06-15\n---\n")


def test_front_matter_it_cannot_edit_safely_is_left_alone(hb):
    flow = b"---\n{kind: stage, title: A, owner: cs, order: 1}\n---\n"
    twice = b"---\nkind: stage\ntitle: B\nowner: cs\norder: 2\nreviewed: 2025-01-01\nreviewed: 2025-02-01\n---\n"
    put(hb, "stages/a.md", flow)
    put(hb, "stages/b.md", twice)
    run = mark(hb.root, "docs/stages/a.md", "docs/stages/b.md")
    assert run.exit_code == 1
    assert "by hand" in run.stderr and "more than once" in run.stderr
    assert (hb.docs / "stages/a.md").read_bytes() == flow
    assert (hb.docs / "stages/b.md").read_bytes() == twice


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mark"], "needs the path of at least one page"),
        (["--mark", "docs/x.md", "--format", "json"], "--format"),
        (["--mark", "docs/x.md", "--within", "10"], "--within"),
        (["--mark", "docs/x.md", "--fail-on-overdue"], "--fail-on-overdue"),
        (["--mark", "docs/x.md", "--today", "2026-6-1"], "YYYY-MM-DD"),
    ],
)
def test_mark_usage_errors_exit_2(hb, args, message):
    run = invoke(hb.root, *args)
    assert run.exit_code == 2
    assert message in run.stderr
