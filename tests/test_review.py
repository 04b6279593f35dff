"""``journeysite review``: which pages are due for review, by owner team, as CS operations and a CI job see it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import CheckRun, invoke_cli

from journeysite.core.analysis.dates import Duration, parse_duration

TODAY = "2026-06-15"

CS = """\
---
kind: team
title: Customer Success
github: ["@acme/cs", "@alice"]
reviewed: 2026-06-01
---
"""
SUPPORT = """\
---
kind: team
title: Support
github: ["@acme/support"]
reviewed: 2026-06-01
---
"""
FINANCE = "---\nkind: team\ntitle: Finance\nreviewed: 2026-06-01\n---\n"


def stage(title: str, order: int, owner: str = "cs", extra: str = "") -> str:
    return f"---\nkind: stage\ntitle: {title}\nowner: {owner}\norder: {order}\n{extra}---\n\nBody.\n"


def invoke(root: Path, *args: str) -> CheckRun:
    """Run ``journeysite review …`` in-process from ``root``, as a person at a terminal would."""
    result = invoke_cli(root, "review", *args)
    return CheckRun(result.exit_code, result.stdout, result.stderr)


def review_json(root: Path, *args: str) -> dict:
    run = invoke(root, "--format", "json", *args)
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def statuses(data: dict) -> dict[str, str]:
    return {p["file"]: p["status"] for p in data["pages"]}


@pytest.fixture(autouse=True)
def _no_git_above(outside_git):
    """Pages in these tests were never committed (see conftest.outside_git)."""


@pytest.fixture
def handbook(project):
    """One page in every review state on 2026-06-15, plus pages review must leave out."""
    hb = project()
    hb.write("teams/cs.md", CS)
    hb.write("teams/support.md", SUPPORT)
    # 6 months (the default) after 2025-12-01 is 2026-06-01: 14 days overdue
    hb.write("stages/onboarding.md", stage("Onboarding", 1, extra="reviewed: 2025-12-01\n"))
    # due 2026-07-01: in 16 days
    hb.write("stages/adoption.md", stage("Adoption", 2, extra="reviewed: 2026-01-01\n"))
    # due 2026-09-01: up to date, not listed
    hb.write("stages/renewal.md", stage("Renewal", 3, owner="support", extra="reviewed: 2026-03-01\n"))
    # no `reviewed` and no git: never reviewed
    hb.write("stages/expansion.md", stage("Expansion", 4, owner="support"))
    # drafts and retired pages are not reviewed
    hb.write("stages/pilot.md", stage("Pilot", 5, extra="status: draft\nreviewed: 2020-01-01\n"))
    hb.write("stages/legacy.md", stage("Legacy", 6, extra="status: retired\nreviewed: 2020-01-01\n"))
    # a plain page that sets `owner` is reviewed; 2 months overdue
    hb.write("guides/escalation.md", "---\ntitle: Escalation guide\nowner: support\nreviewed: 2025-10-15\n---\n")
    # a plain page without `owner` is left alone
    hb.write("guides/glossary.md", "---\ntitle: Glossary\n---\n")
    return hb


# ---- statuses, grouping and the text report ---------------------------------------------------------------


def test_each_status_is_listed_and_up_to_date_drafts_retired_and_plain_pages_are_not(handbook):
    data = review_json(handbook.root, "--today", TODAY)
    assert statuses(data) == {
        "guides/escalation.md": "overdue",
        "stages/onboarding.md": "overdue",
        "stages/expansion.md": "never",
        "stages/adoption.md": "due-soon",
    }


def test_json_is_exactly_the_documented_shape_most_overdue_first_then_never_then_due_soon(handbook):
    data = review_json(handbook.root, "--today", TODAY)
    assert data == {
        "today": "2026-06-15",
        "pages": [
            {"file": "guides/escalation.md", "title": "Escalation guide", "entity": None, "owner": "support",
             "reviewed": "2025-10-15", "reviewed_by": None, "due": "2026-04-15", "status": "overdue", "days": 61},
            {"file": "stages/onboarding.md", "title": "Onboarding", "entity": "stage:onboarding", "owner": "cs",
             "reviewed": "2025-12-01", "reviewed_by": None, "due": "2026-06-01", "status": "overdue", "days": 14},
            {"file": "stages/expansion.md", "title": "Expansion", "entity": "stage:expansion",
             "owner": "support", "reviewed": None, "reviewed_by": None, "due": None, "status": "never", "days": None},
            {"file": "stages/adoption.md", "title": "Adoption", "entity": "stage:adoption", "owner": "cs",
             "reviewed": "2026-01-01", "reviewed_by": None, "due": "2026-07-01", "status": "due-soon", "days": -16},
        ],
    }


def test_due_soon_pages_are_sorted_by_due_date(project):
    hb = project()
    hb.write("teams/cs.md", CS)
    hb.write("stages/a.md", stage("A", 1, extra="reviewed: 2026-01-10\n"))  # due 2026-07-10
    hb.write("stages/b.md", stage("B", 2, extra="reviewed: 2026-01-02\n"))  # due 2026-07-02
    hb.write("stages/c.md", stage("C", 3, extra="reviewed: 2026-01-05\n"))  # due 2026-07-05
    data = review_json(hb.root, "--today", TODAY)
    assert [(p["file"], p["days"]) for p in data["pages"]] == [
        ("stages/b.md", -17), ("stages/c.md", -20), ("stages/a.md", -25),
    ]


def test_text_groups_pages_by_owner_team_with_its_github_handles(handbook):
    run = invoke(handbook.root, "--today", TODAY)
    assert run.exit_code == 0
    blocks = run.stdout.strip().split("\n\n")
    assert blocks[0].splitlines() == [
        "Customer Success (@acme/cs @alice)",
        "  docs/stages/onboarding.md  overdue   2025-12-01 → 2026-06-01  (14 days overdue)",
        "  docs/stages/adoption.md    due-soon  2026-01-01 → 2026-07-01  (due in 16 days)",
    ]
    assert blocks[1].splitlines() == [
        "Support (@acme/support)",
        "  docs/guides/escalation.md  overdue   2025-10-15 → 2026-04-15  (61 days overdue)",
        "  docs/stages/expansion.md   never     never → —",
    ]
    assert blocks[2] == "4 of 7 pages to review as of 2026-06-15: 2 overdue, 1 never reviewed, 1 due within 30 days."


def test_text_paths_are_relative_to_the_current_folder(handbook):
    elsewhere = handbook.root / "ci"
    elsewhere.mkdir()
    run = invoke(elsewhere, "-f", "../mkdocs.yml", "--today", TODAY)
    assert run.exit_code == 0
    assert "  ../docs/stages/onboarding.md " in run.stdout


def test_pages_whose_owner_is_not_a_team_are_listed_last(project):
    hb = project()
    hb.write("teams/cs.md", CS)
    hb.write("stages/a.md", stage("A", 1, owner="nobody", extra="reviewed: 2025-01-01\n"))
    hb.write("stages/b.md", stage("B", 2, extra="reviewed: 2025-01-01\n"))
    run = invoke(hb.root, "--today", TODAY)
    headings = [line for line in run.stdout.splitlines() if line and not line.startswith(" ")]
    assert headings[:2] == ["Customer Success (@acme/cs @alice)", "nobody (no team has this id) (no GitHub handles)"]


def test_nothing_to_review(project):
    hb = project()
    hb.write("teams/cs.md", CS)
    run = invoke(hb.root, "--today", TODAY)
    assert run.exit_code == 0
    assert run.stdout == "Nothing to review as of 2026-06-15: all 1 page are up to date.\n"
    assert review_json(hb.root, "--today", TODAY) == {"today": "2026-06-15", "pages": []}


def test_without_today_the_review_is_as_of_today(handbook):
    assert review_json(handbook.root)["today"] == date.today().isoformat()


# ---- --within ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("within", "adoption"),
    [("16", "due-soon"), ("15", None), ("0", None), ("200", "due-soon")],
)
def test_within_sets_how_far_ahead_due_soon_looks(handbook, within, adoption):
    found = statuses(review_json(handbook.root, "--today", TODAY, "--within", within))
    assert found.get("stages/adoption.md") == adoption
    assert found["stages/onboarding.md"] == "overdue"  # overdue pages are listed whatever the window
    assert ("stages/renewal.md" in found) == (int(within) >= 78)  # due 2026-09-01


def test_a_page_due_today_is_due_soon_even_with_within_0(project):
    hb = project()
    hb.write("teams/cs.md", CS)
    hb.write("stages/a.md", stage("A", 1, extra="reviewed: 2025-12-15\n"))
    data = review_json(hb.root, "--today", TODAY, "--within", "0")
    assert [(p["status"], p["days"]) for p in data["pages"]] == [("due-soon", 0)]
    assert "(due today)" in invoke(hb.root, "--today", TODAY).stdout


# ---- calendar arithmetic ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("every", "start", "due"),
    [
        ("3 months", "2026-08-31", "2026-11-30"),
        ("1 year", "2024-02-29", "2025-02-28"),
        ("4 years", "2024-02-29", "2028-02-29"),
        ("1 month", "2025-01-31", "2025-02-28"),
        ("1 month", "2024-01-31", "2024-02-29"),
        ("monthly", "2026-03-31", "2026-04-30"),
        ("quarterly", "2026-11-30", "2027-02-28"),
        ("quarterly", "2026-01-15", "2026-04-15"),
        ("yearly", "2026-12-31", "2027-12-31"),
        ("6 months", "2026-12-31", "2027-06-30"),
        ("13 months", "2026-01-31", "2027-02-28"),
        ("2 weeks", "2026-12-25", "2027-01-08"),
        ("1 week", "2024-02-26", "2024-03-04"),
        ("10 days", "2026-02-25", "2026-03-07"),
        ("1 day", "2026-12-31", "2027-01-01"),
    ],
)
def test_duration_after_counts_on_the_calendar(every, start, due):
    duration = parse_duration(every)
    assert duration is not None
    assert duration.after(date.fromisoformat(start)) == date.fromisoformat(due)


def test_duration_after_does_not_overflow_at_the_end_of_time():
    assert Duration(5, "year").after(date(9998, 6, 1)) == date.max
    assert Duration(10, "day").after(date(9999, 12, 25)) == date.max


@pytest.mark.parametrize(
    ("every", "reviewed", "due"),
    [
        ("3 months", "2026-08-31", "2026-11-30"),
        ("1 year", "2024-02-29", "2025-02-28"),
        ("1 month", "2026-01-31", "2026-02-28"),
        ("quarterly", "2026-11-30", "2027-02-28"),
        ("monthly", "2026-05-31", "2026-06-30"),
        ("yearly", "2025-06-30", "2026-06-30"),
        ("3 weeks", "2026-06-01", "2026-06-22"),
        ("45 days", "2026-05-01", "2026-06-15"),
    ],
)
def test_the_command_counts_review_every_on_the_calendar(project, every, reviewed, due):
    hb = project()
    hb.write("teams/cs.md", CS)
    hb.write("stages/a.md", stage("A", 1, extra=f"reviewed: {reviewed}\nreview_every: {every}\n"))
    on_due = review_json(hb.root, "--today", due, "--within", "0")["pages"]
    assert [(p["due"], p["status"], p["days"]) for p in on_due if p["file"] == "stages/a.md"] == [
        (due, "due-soon", 0)
    ]
    day_after = date.fromordinal(date.fromisoformat(due).toordinal() + 1).isoformat()
    after = review_json(hb.root, "--today", day_after)["pages"]
    assert [(p["due"], p["status"], p["days"]) for p in after if p["file"] == "stages/a.md"] == [
        (due, "overdue", 1)
    ]


def test_the_plugin_review_every_setting_is_the_default_cadence(project):
    hb = project(options="review_every: 1 year")
    hb.write("teams/cs.md", CS)
    hb.write("stages/a.md", stage("A", 1, extra="reviewed: 2025-08-31\n"))
    hb.write("stages/b.md", stage("B", 2, extra="reviewed: 2025-08-31\nreview_every: 3 months\n"))
    data = review_json(hb.root, "--today", TODAY)
    assert {p["file"]: p["due"] for p in data["pages"]} == {"stages/b.md": "2025-11-30"}
    assert review_json(hb.root, "--today", "2026-08-31")["pages"][1]["due"] == "2026-08-31"


# ---- the git fallback --------------------------------------------------------------------------------------------


def git(repo: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com"}
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{when}T12:00:00+00:00"
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_page_without_reviewed_counts_from_its_last_commit_and_is_never_reviewed_outside_git(project, tmp_path):
    hb = project()
    hb.write("teams/cs.md", CS)
    hb.write("stages/a.md", stage("A", 1))
    hb.write("stages/b.md", stage("B", 2))
    hb.write("stages/c.md", stage("C", 3, extra="reviewed: 2026-05-01\n"))
    git(hb.root, "init", "-q")
    git(hb.root, "add", ".")
    git(hb.root, "commit", "-q", "-m", "first", when="2025-10-01")
    (hb.docs / "stages/a.md").write_text(stage("A", 1).replace("Body.", "New body."), encoding="utf-8")
    (hb.docs / "stages/c.md").write_text(stage("C", 3, extra="reviewed: 2026-05-01\n") + "More.\n")
    git(hb.root, "commit", "-q", "-am", "edit", when="2026-01-10")
    hb.write("stages/d.md", stage("D", 4))  # not committed yet

    data = review_json(hb.root, "--today", TODAY)
    assert [(p["file"], p["reviewed"], p["due"], p["status"]) for p in data["pages"]] == [
        ("stages/b.md", "2025-10-01", "2026-04-01", "overdue"),  # its only commit
        ("stages/d.md", None, None, "never"),
        ("stages/a.md", "2026-01-10", "2026-07-10", "due-soon"),  # its last commit, not its first
    ]  # c's own `reviewed` wins over its commit
    text = invoke(hb.root, "--today", TODAY).stdout
    assert "docs/stages/b.md  overdue   2025-10-01 (last commit) → 2026-04-01  (75 days overdue)" in text

    copy = tmp_path / "exported"
    shutil.copytree(hb.root, copy, ignore=shutil.ignore_patterns(".git"))
    outside = review_json(copy, "--today", TODAY)
    assert statuses(outside) == {"stages/a.md": "never", "stages/b.md": "never", "stages/d.md": "never"}
    assert all(p["days"] is None and p["reviewed"] is None for p in outside["pages"])


# ---- markdown: the issue body for scheduled CI ---------------------------------------------------------------------


SITE = """\
site_name: Test handbook
site_url: https://handbook.example.com/cs/
repo_url: https://github.com/acme/handbook
use_directory_urls: {directory_urls}
docs_dir: docs
plugins:
  - journeysite
"""


def test_markdown_is_an_issue_body_with_a_table_per_owner_team(handbook):
    run = invoke(handbook.root, "--today", TODAY, "--format", "markdown")
    assert run.exit_code == 0
    body = run.stdout
    assert body.startswith("## ")
    assert "As of 2026-06-15, 4 pages of 7 need review: 2 overdue, 1 never reviewed, 1 due within 30 days." in body
    cs = body.index("### Customer Success (@acme/cs @alice)")
    support = body.index("### Support (@acme/support)")
    assert cs < support
    section = body[cs:support]
    assert "| Page | Status | Last reviewed | Due |\n|---|---|---|---|\n" in section
    assert "| [Onboarding](docs/stages/onboarding.md) | 14 days overdue | 2025-12-01 | 2026-06-01 |" in section
    assert "| [Adoption](docs/stages/adoption.md) | Due in 16 days | 2026-01-01 | 2026-07-01 |" in section
    assert "| [Expansion](docs/stages/expansion.md) | Never reviewed | never | — |" in body[support:]
    assert "journeysite review --mark" in body and "`reviewed: 2026-06-15`" in body


@pytest.mark.parametrize(
    ("directory_urls", "onboarding", "index"),
    [
        ("true", "https://handbook.example.com/cs/stages/onboarding/", "https://handbook.example.com/cs/guides/"),
        ("false", "https://handbook.example.com/cs/stages/onboarding.html",
         "https://handbook.example.com/cs/guides/index.html"),
    ],
)
def test_markdown_links_to_the_published_pages_when_site_url_is_set(project, directory_urls, onboarding, index):
    hb = project(config=SITE.format(directory_urls=directory_urls))
    hb.write("teams/cs.md", CS)
    hb.write("stages/onboarding.md", stage("Onboarding", 1, extra="reviewed: 2025-01-01\n"))
    hb.write("guides/index.md", "---\ntitle: Guides\nowner: cs\n---\n")
    body = invoke(hb.root, "--today", TODAY, "--format", "markdown").stdout
    assert f"[Onboarding]({onboarding})" in body
    assert f"[Guides]({index})" in body


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_markdown_links_to_the_file_in_the_repository_without_site_url(project, tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    hb = project(config=SITE.replace("site_url: https://handbook.example.com/cs/\n", "").format(
        directory_urls="true"))
    hb.write("teams/cs.md", CS)
    hb.write("stages/onboarding.md", stage("Onboarding", 1, extra="reviewed: 2025-01-01\n"))
    body = invoke(hb.root, "--today", TODAY, "--format", "markdown").stdout
    # outside git the repository root is the folder of mkdocs.yml
    assert "[Onboarding](https://github.com/acme/handbook/blob/HEAD/docs/stages/onboarding.md)" in body

    git(tmp_path, "init", "-q")  # a repository holding the project in its `handbook/` folder
    body = invoke(hb.root, "--today", TODAY, "--format", "markdown").stdout
    assert "[Onboarding](https://github.com/acme/handbook/blob/HEAD/handbook/docs/stages/onboarding.md)" in body


def test_markdown_without_site_url_or_repo_url_links_to_a_relative_path(handbook):
    body = invoke(handbook.root, "--today", TODAY, "--format", "markdown").stdout
    assert "[Escalation guide](docs/guides/escalation.md)" in body


def test_markdown_when_nothing_is_due(project):
    hb = project()
    hb.write("teams/cs.md", CS)
    run = invoke(hb.root, "--today", TODAY, "--format", "markdown")
    assert run.exit_code == 0
    assert "nothing is due" in run.stdout
    assert "###" not in run.stdout and "|" not in run.stdout


def test_markdown_escapes_titles_so_a_table_and_mentions_stay_intact(project):
    hb = project()
    hb.write("teams/cs.md", CS)
    hb.write("stages/a.md", stage('"Plan | execute [fast] @ceo"', 1, extra="reviewed: 2025-01-01\n"))
    body = invoke(hb.root, "--today", TODAY, "--format", "markdown").stdout
    row = next(line for line in body.splitlines() if "stages/a.md" in line)
    assert row.startswith("| [Plan \\| execute \\[fast\\] @\u200bceo](docs/stages/a.md) | ")
    assert row.count(" | ") == 3


# ---- exit status ------------------------------------------------------------------------------------------------------


def test_fail_on_overdue_exits_1_only_when_a_page_is_overdue(handbook):
    assert invoke(handbook.root, "--today", TODAY).exit_code == 0
    assert invoke(handbook.root, "--today", TODAY, "--fail-on-overdue").exit_code == 1
    assert invoke(handbook.root, "--today", TODAY, "--fail-on-overdue", "--format", "markdown").exit_code == 1
    # before anything falls due: the never-reviewed and due-soon pages do not fail the job
    assert invoke(handbook.root, "--today", "2026-03-01", "--fail-on-overdue").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--today", "2026-02-30"], "'2026-02-30' is not a date"),
        (["--today", "15/06/2026"], "YYYY-MM-DD"),
        (["--within", "-1"], "--within"),
        (["--within", "soon"], "--within"),
        (["--format", "html"], "--format"),
        (["docs/stages/onboarding.md"], "only for --mark"),
        (["-f", "missing.yml"], "no missing.yml"),
    ],
)
def test_usage_errors_exit_2(handbook, args, message):
    run = invoke(handbook.root, *args)
    assert run.exit_code == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_an_unreadable_config_exits_2(handbook):
    (handbook.root / "mkdocs.yml").write_text("site_name: [unclosed\n", encoding="utf-8")
    run = invoke(handbook.root)
    assert run.exit_code == 2
    assert "not valid YAML" in run.stderr


# ---- a handbook with errors -----------------------------------------------------------------------------------------


def test_validation_errors_do_not_stop_the_review(handbook):
    handbook.write("stages/typo.md", stage("Typo", 7, extra="reviewd: 2026-01-01\n"))  # unknown key
    handbook.write("stages/no-owner.md", "---\nkind: stage\ntitle: No owner\norder: 8\n---\n")
    handbook.write("stages/broken.md", "---\nkind: stage\ntitle: [unclosed\n---\n")
    run = invoke(handbook.root, "--today", TODAY, "--format", "json")
    assert run.exit_code == 0
    found = statuses(json.loads(run.stdout))
    assert found["stages/typo.md"] == "never"
    assert found["stages/no-owner.md"] == "never"
    assert "stages/broken.md" not in found
    assert "docs/stages/broken.md:4: skipped, its front matter cannot be read" in run.stderr
    assert "journeysite check" in run.stderr
    text = invoke(handbook.root, "--today", TODAY).stdout
    assert "No owner team (no GitHub handles)\n  docs/stages/no-owner.md" in text


def test_the_installed_command_as_a_scheduled_ci_job_runs_it(handbook):
    run = handbook.run("journeysite", "review", "--today", TODAY, "--format", "markdown", "--fail-on-overdue")
    assert run.returncode == 1
    assert "### Customer Success (@acme/cs @alice)" in run.stdout
    assert run.stderr == ""


def test_the_review_names_each_teams_lead_in_the_terminal_the_issue_and_the_page(project):
    """A handle is not a person: the owner team's named lead is the one to ask."""
    hb = project()
    hb.write("teams/success.md", "---\nkind: team\ntitle: Success\nlead: Ana Ruiz\ngithub: ['@acme/success']\n"
             "reviewed: 2026-01-02\n---\n")
    text = invoke_cli(hb.root, "review", "--today", "2026-11-22").stdout
    assert "Success (@acme/success, lead: Ana Ruiz)" in text, text
    issue = invoke_cli(hb.root, "review", "--today", "2026-11-22", "--format", "markdown").stdout
    assert "Team lead: Ana Ruiz" in issue, issue
    done = hb.build()
    assert done.returncode == 0, done.stderr
    page = (hb.root / "site" / "journey" / "review" / "index.html").read_text(encoding="utf-8")
    assert "Lead: Ana Ruiz" in page
