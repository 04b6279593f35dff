"""A real ``mkdocs build``: errors fail it and are all listed, gap warnings fail only ``--strict``."""

from __future__ import annotations

import re

from small_handbook import AFTER_GO_LIVE, clean


def output(done) -> str:
    return done.stdout + done.stderr


def test_build_fails_listing_every_error_of_every_file(project):
    hb = clean(project)
    hb.write("stages/adoption.md", "---\nkind: stage\ntitle: Adoption\nowner: customer-sucess\norder: first\n---\n")
    hb.write("teams/support.md", "---\nkind: team\ntitle: Support: tier 1\n---\n")
    hb.write("metrics/nps.md", "---\nkind: metric\ntitle: NPS\nowner: customer-success\ndefinition: d\ncolour: red\n---\n")
    hb.write("guide.md", "# Guide\n\nStart with [[stage:onbording]].\n")
    (hb.docs / "teams" / "legacy.md").write_bytes(b"---\nkind: team\ntitle: Jos\xe9's team\n---\n")
    done = hb.build()
    log = output(done)
    assert done.returncode != 0
    assert "Traceback" not in log
    expected = [
        ("stages/adoption.md", 4, "unknown-ref"),
        ("stages/adoption.md", 5, "schema"),
        ("teams/support.md", 3, "yaml-syntax"),
        ("metrics/nps.md", 6, "schema"),
        ("guide.md", 3, "unknown-ref"),
        ("teams/legacy.md", 3, "yaml-syntax"),
    ]
    for file, line, code in expected:
        pattern = rf"^.*{re.escape(file)}:{line}: .*\[{re.escape(code)}\]$"
        assert re.search(pattern, log, re.MULTILINE), f"{file}:{line} [{code}] not in:\n{log}"
    assert "6 error(s)" in log
    assert not (hb.root / "site" / "index.html").exists()


def test_clean_handbook_builds_with_strict(project):
    hb = clean(project)
    done = hb.build("--strict")
    assert done.returncode == 0, output(done)
    assert (hb.root / "site" / "stages" / "onboarding" / "index.html").exists()
    assert [line for line in output(done).splitlines() if line.startswith(("WARNING", "ERROR"))] == []


def test_gap_warning_passes_a_build_but_fails_strict(project):
    hb = clean(project)
    hb.write("handoffs/after-go-live.md", AFTER_GO_LIVE)

    done = hb.build()
    assert done.returncode == 0, output(done)
    warnings = [line for line in output(done).splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1, warnings
    assert "handoffs/after-go-live.md:1:" in warnings[0]
    assert warnings[0].endswith("[handoff-without-artifacts]")

    strict = hb.build("--strict")
    assert strict.returncode != 0
    assert "[handoff-without-artifacts]" in output(strict)
    assert "Traceback" not in output(strict)
