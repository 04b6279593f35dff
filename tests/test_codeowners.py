"""``journeysite codeowners``: pull requests that touch a page ask its owner team for review (SPEC §5)."""

from __future__ import annotations

import os
import subprocess

import pytest
from conftest import invoke_cli

from journeysite.cli import codeowners

HEADER = codeowners.HEADER


@pytest.fixture(autouse=True)
def no_surrounding_repository(tmp_path, monkeypatch):
    """Keep git from finding a repository above the test's folder."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))


@pytest.fixture
def handbook(project):
    hb = project()
    hb.write("teams/customer-success.md",
             "---\nkind: team\ntitle: Customer Success\ngithub: ['@acme/cs', '@dana']\n---\n")
    hb.write("teams/sales.md", "---\nkind: team\ntitle: Sales\ngithub: ['@acme/sales']\n---\n")
    hb.write("teams/finance.md", "---\nkind: team\ntitle: Finance\n---\n")
    hb.write("teams/ops.md", "---\nkind: team\ntitle: Ops\nowner: sales\n---\n")  # kept current by Sales
    hb.write("stages/onboarding.md",
             "---\nkind: stage\ntitle: Onboarding\nowner: customer-success\norder: 1\n---\n")
    hb.write("milestones/go-live.md",
             "---\nkind: milestone\ntitle: Go-live\nowner: customer-success\nstage: onboarding\norder: 1\n---\n")
    hb.write("playbooks/deal-desk.md",
             "---\nkind: playbook\ntitle: Deal desk\nowner: sales\ntype: lifecycle\nstages: [onboarding]\n"
             "trigger: {manual: AE decides}\n---\n")
    hb.write("metrics/renewal-rate.md",
             "---\nkind: metric\ntitle: Renewal rate\nowner: finance\ndefinition: Renewed share.\n---\n")
    hb.write("guide.md", "---\ntitle: A plain page\nowner: sales\n---\n")  # not an entity
    hb.write("mission.md", "---\nkind: mission\ntitle: Mission\nowner: customer-success\nstatement: Help.\n---\n")
    return hb


def run(hb, *args: str):
    return invoke_cli(hb.root, "codeowners", *args)


EXPECTED = HEADER + """
* @acme/cs @dana
/docs/milestones/go-live.md @acme/cs @dana
/docs/mission.md @acme/cs @dana
/docs/playbooks/deal-desk.md @acme/sales
/docs/stages/onboarding.md @acme/cs @dana
/docs/teams/customer-success.md @acme/cs @dana
/docs/teams/ops.md @acme/sales
/docs/teams/sales.md @acme/sales
"""


def test_prints_each_entity_page_with_its_owner_teams_handles(handbook):
    result = run(handbook)
    assert result.exit_code == 0
    assert result.stdout == EXPECTED


def test_pages_of_teams_without_handles_are_named_on_stderr(handbook):
    result = run(handbook)
    assert "teams without handles: Finance (2 pages)" in result.stderr
    assert "finance" not in result.stdout


def test_pages_whose_owner_is_no_team_are_left_out_and_named(handbook):
    handbook.write("metrics/nps.md", "---\nkind: metric\ntitle: NPS\nowner: marketing\ndefinition: Score.\n---\n")
    result = run(handbook)
    assert result.exit_code == 0
    assert "docs/metrics/nps.md" in result.stderr
    assert "nps" not in result.stdout


def test_output_writes_the_file_and_check_accepts_it(handbook):
    assert run(handbook, "--output", ".github/CODEOWNERS").exit_code == 0
    target = handbook.root / ".github" / "CODEOWNERS"
    assert target.read_text(encoding="utf-8") == EXPECTED
    checked = run(handbook, "--check")
    assert checked.exit_code == 0, checked.output
    assert "up to date" in checked.stdout


def test_check_fails_when_the_file_is_missing(handbook):
    checked = run(handbook, "--check")
    assert checked.exit_code == 1
    message = checked.stderr.strip().splitlines()[-1]
    assert ".github/CODEOWNERS is missing" in message and "journeysite codeowners --output" in message


def test_check_fails_when_an_owner_changed(handbook):
    run(handbook, "--output", ".github/CODEOWNERS")
    handbook.write("playbooks/deal-desk.md",
                   "---\nkind: playbook\ntitle: Deal desk\nowner: customer-success\ntype: lifecycle\n"
                   "stages: [onboarding]\ntrigger: {manual: AE decides}\n---\n")
    checked = run(handbook, "--check")
    assert checked.exit_code == 1
    assert checked.stderr.strip().splitlines()[-1].endswith(
        ".github/CODEOWNERS is out of date: run `journeysite codeowners --output .github/CODEOWNERS`"
    )


def test_check_fails_on_a_hand_edit_and_ignores_line_endings(handbook):
    target = handbook.root / ".github" / "CODEOWNERS"
    target.parent.mkdir()
    target.write_bytes(EXPECTED.replace("\n", "\r\n").encode())
    assert run(handbook, "--check").exit_code == 0
    target.write_text(EXPECTED + "/docs/guide.md @someone\n", encoding="utf-8")
    assert run(handbook, "--check").exit_code == 1


def test_check_compares_with_the_output_path(handbook):
    (handbook.root / "CODEOWNERS").write_text(EXPECTED, encoding="utf-8")
    assert run(handbook, "--check", "--output", "CODEOWNERS").exit_code == 0
    assert run(handbook, "--check").exit_code == 1  # the default path holds nothing


def test_paths_start_at_the_git_top_level(handbook, tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = run(handbook)
    assert "/handbook/docs/stages/onboarding.md @acme/cs @dana" in result.stdout.splitlines()
    # --check looks for .github/CODEOWNERS at the top level of the repository.
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "CODEOWNERS").write_text(result.stdout, encoding="utf-8")
    assert run(handbook, "--check").exit_code == 0


def test_order_is_by_path_whatever_the_kind(handbook):
    lines = [line for line in run(handbook).stdout.splitlines() if line.startswith("/")]
    assert lines == sorted(lines)


def test_special_characters_in_paths_are_escaped():
    assert codeowners.pattern("docs/my pages/x.md") == "/docs/my\\ pages/x.md"
    assert codeowners.pattern("docs/#1 [draft]*.md") == "/docs/\\#1\\ \\[draft\\]\\*.md"


def test_a_handbook_without_teams_gives_only_the_header_and_check_says_paths_lack_an_owner(project):
    hb = project()
    result = run(hb)
    assert result.exit_code == 0
    assert result.stdout == HEADER + "\n"
    run(hb, "--output", ".github/CODEOWNERS")
    checked = run(hb, "--check")
    assert checked.exit_code == 1
    assert "needs an owner" in checked.stderr and "codeowners_default" in checked.stderr


# ---- every path has an owner, and nothing from a page can add a rule (issue: trust) --------------------


def test_every_other_path_is_owned_by_the_missions_owner(handbook):
    """Workflows, mkdocs.yml and plain pages must not change without an owner's review: `*` comes first,
    and CODEOWNERS' last matching line wins, so each page's own line overrides it."""
    lines = [line for line in run(handbook).stdout.splitlines() if line and not line.startswith("#")]
    assert lines[0] == "* @acme/cs @dana"
    assert all(line.startswith("/docs/") for line in lines[1:])


def test_codeowners_default_names_the_fallback_team(project):
    hb = project("    codeowners_default: sales\n")
    hb.write("teams/sales.md", "---\nkind: team\ntitle: Sales\ngithub: ['@acme/sales']\n---\n")
    assert "* @acme/sales" in run(hb).stdout.splitlines()


def test_a_default_team_without_handles_fails_check(project):
    hb = project("    codeowners_default: finance\n")
    hb.write("teams/finance.md", "---\nkind: team\ntitle: Finance\n---\n")
    run(hb, "--output", ".github/CODEOWNERS")
    checked = run(hb, "--check")
    assert checked.exit_code == 1
    assert "the team `finance`" in checked.stderr


def test_a_handle_that_injects_rules_is_not_written(handbook):
    """A handle holding line breaks would add `* @attacker` and `/.github/ @attacker` rules: only handles of
    GitHub's own syntax are written, and check reports the rest as a schema error."""
    handbook.write("teams/sales.md", "---\nkind: team\ntitle: Sales\n"
                   'github: ["@acme/sales\\n* @attacker\\n/.github/ @attacker", "@acme/sales"]\n---\n')
    result = run(handbook)
    assert result.exit_code == 0
    assert "@attacker" not in result.stdout
    assert "/docs/playbooks/deal-desk.md @acme/sales" in result.stdout.splitlines()
    _, data = handbook.check_json()
    assert any(d["code"] == "schema" and d["file"] == "teams/sales.md" for d in data["diagnostics"])


def test_output_is_written_with_the_usual_file_mode(handbook):
    run(handbook, "--output", ".github/CODEOWNERS")
    mode = (handbook.root / ".github" / "CODEOWNERS").stat().st_mode & 0o777
    assert mode == 0o666 & ~current_umask()


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
