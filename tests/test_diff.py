"""``journeysite diff BASE [HEAD]``: what a pull request changes in the journey model, as a PR comment."""

from __future__ import annotations

import os
import subprocess

import pytest
from conftest import invoke_cli

from journeysite.core.gitrepo import git_toplevel

TEAMS = {
    "teams/customer-success.md": "---\nkind: team\ntitle: Customer Success\n---\n",
    "teams/sales.md": "---\nkind: team\ntitle: Sales\n---\n",
    "teams/finance.md": "---\nkind: team\ntitle: Finance\n---\n",
}
PURCHASE = "---\nkind: stage\ntitle: Purchase\nowner: sales\norder: 1\n---\n"
ONBOARDING = "---\nkind: stage\ntitle: Onboarding\nowner: customer-success\norder: 2\n---\n"
SIGNED = "---\nkind: milestone\ntitle: Contract signed\nowner: sales\nstage: purchase\norder: 1\n---\n"
GO_LIVE = "---\nkind: milestone\ntitle: Go-live\nowner: customer-success\nstage: onboarding\norder: 1\n---\n"
HANDOFF = (
    "---\nkind: handoff\ntitle: Sales to CS\nowner: sales\nfrom: sales\nto: customer-success\n"
    "from_stage: purchase\nto_stage: onboarding\nartifacts: [order form]\n---\n"
)
WELCOME = """\
---
kind: playbook
title: Welcome
owner: customer-success
raci:
  responsible: [sales]
  informed: [finance]
type: lifecycle
stages: [onboarding]
trigger: {milestone: go-live}
steps:
  - do: Send the welcome email
    when: day 0
  - do: Book the kickoff
---

Welcome the customer.
"""
DEAL_DESK = (
    "---\nkind: playbook\ntitle: Deal desk\nowner: sales\ntype: lifecycle\nstages: [purchase]\n"
    "trigger: {manual: The AE decides}\n---\n"
)


@pytest.fixture
def repo(project, tmp_path, monkeypatch):
    """A handbook committed to a fresh git repository; ``repo.commit()`` commits whatever changed."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    hb = project()
    for file, text in {
        **TEAMS,
        "stages/purchase.md": PURCHASE,
        "stages/onboarding.md": ONBOARDING,
        "milestones/contract-signed.md": SIGNED,
        "milestones/go-live.md": GO_LIVE,
        "handoffs/sales-to-cs.md": HANDOFF,
        "playbooks/welcome.md": WELCOME,
        "playbooks/deal-desk.md": DEAL_DESK,
    }.items():
        hb.write(file, text)
    git(hb, "init", "-q")
    hb.commit = lambda message="change": commit(hb, message)  # type: ignore[attr-defined]
    hb.commit("base")
    return hb


def git(hb, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=hb.root, capture_output=True, text=True, check=True)
    return done.stdout


def commit(hb, message: str) -> None:
    git(hb, "add", "-A")
    git(hb, "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false",
        "commit", "-q", "--allow-empty", "-m", message)


def diff(hb, *args: str):
    return invoke_cli(hb.root, "diff", *args)


def section(text: str, title: str) -> str:
    """The lines of one ``### title`` section ('' when absent)."""
    lines = text.splitlines()
    if f"### {title}" not in lines:
        return ""
    start = lines.index(f"### {title}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("### ")), len(lines))
    return "\n".join(lines[start:end]).strip()


# --- the comment -----------------------------------------------------------------------------------


def test_comment_starts_with_the_marker_and_a_heading(repo):
    repo.write("metrics/nps.md", "---\nkind: metric\ntitle: NPS\nowner: sales\ndefinition: Score.\n---\n")
    repo.commit()
    result = diff(repo, "HEAD~1")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "<!-- journeysite-diff -->"
    assert lines[1].startswith("## ")
    assert "`HEAD~1`" in result.stdout and "`HEAD`" in result.stdout


def test_entity_added(repo):
    repo.write("metrics/nps.md", "---\nkind: metric\ntitle: NPS\nowner: sales\ndefinition: Score.\n---\n")
    repo.commit()
    out = diff(repo, "HEAD~1", "HEAD").stdout
    assert "**1 added · 0 removed · 0 changed · 0 gaps opened · 0 gaps closed**" in out
    assert section(out, "Added") == "- Metric: **NPS** (`metric:nps`)"
    for absent in ("Removed", "Changed", "Owner / Accountable changes", "RACI changes", "Errors in HEAD"):
        assert section(out, absent) == ""


def test_entity_removed(repo):
    (repo.docs / "playbooks" / "deal-desk.md").unlink()
    repo.commit()
    out = diff(repo, "HEAD~1").stdout
    assert section(out, "Removed") == "- Playbook: **Deal desk** (`playbook:deal-desk`)"
    assert "1 removed" in out


def test_fields_changed(repo):
    repo.write("playbooks/welcome.md", WELCOME.replace("type: lifecycle", "type: risk")
               .replace("stages: [onboarding]", "stages: [onboarding, purchase]")
               .replace("trigger: {milestone: go-live}", "trigger: {signal: Usage drops}")
               .replace("    when: day 0", "    when: day 1")
               .replace("  - do: Book the kickoff\n", "  - do: Book the kickoff\n  - do: Send a survey\n"))
    repo.commit()
    out = diff(repo, "HEAD~1").stdout
    changed = section(out, "Changed")
    assert changed.splitlines()[0] == "- **Welcome** (`playbook:welcome`)"
    assert "  - `type`: lifecycle → risk" in changed
    assert "  - `stages`: added purchase" in changed
    assert "  - `trigger`:" in changed and "Usage drops" in changed
    assert "added step “Send a survey”" in changed
    assert "step “Send the welcome email”: `when` day 0 → day 1" in changed
    assert "1 changed" in out


def test_a_long_text_is_shown_whole_in_the_comment(repo):
    long_text = " ".join(f"word{n}" for n in range(120)) + " the very end"
    repo.write("metrics/nps.md", "---\nkind: metric\ntitle: NPS\nowner: sales\ndefinition: Short.\n---\n")
    repo.commit()
    repo.write("metrics/nps.md", f"---\nkind: metric\ntitle: NPS\nowner: sales\ndefinition: {long_text}\n---\n")
    repo.commit()
    line = next(line for line in diff(repo, "HEAD~1").stdout.splitlines() if "`definition`" in line)
    assert line.endswith("word119 the very end") and "…" not in line, line  # every word, none cut
    assert "Short\\. →" in line  # Markdown-escaped, as the pull-request comment shows it


def test_owner_change_is_called_out_with_team_titles(repo):
    repo.write("milestones/go-live.md", GO_LIVE.replace("owner: customer-success", "owner: finance"))
    repo.commit()
    out = diff(repo, "HEAD~1").stdout
    assert section(out, "Owner / Accountable changes") == (
        "- **Go\\-live** (`milestone:go-live`): owner Customer Success → Finance"
    )
    assert "owner" not in section(out, "Changed")


def test_raci_changes(repo):
    repo.write("playbooks/welcome.md", WELCOME.replace("  responsible: [sales]\n", "")
               .replace("informed: [finance]", "informed: [finance]\n  consulted: [sales]"))
    repo.commit()
    out = diff(repo, "HEAD~1").stdout
    assert section(out, "RACI changes") == (
        "- **Welcome** (`playbook:welcome`): Sales removed from responsible; Sales added to consulted"
    )
    assert section(out, "Changed") == ""


def test_removing_a_handoff_opens_a_missing_handoff_gap(repo):
    (repo.docs / "handoffs" / "sales-to-cs.md").unlink()
    repo.commit()
    out = diff(repo, "HEAD~1").stdout
    opened = section(out, "Gaps opened")
    assert opened.startswith("- `missing-handoff` **Purchase** (`stage:purchase`): Sales owns Purchase")
    assert "`from_stage: purchase`" in opened  # the message's code spans survive
    assert section(out, "Gaps closed") == ""
    assert "1 gap opened · 0 gaps closed" in out


def test_adding_the_handoff_back_closes_the_gap(repo):
    (repo.docs / "handoffs" / "sales-to-cs.md").unlink()
    repo.commit("remove")
    repo.write("handoffs/sales-to-cs.md", HANDOFF)
    repo.commit("restore")
    out = diff(repo, "HEAD~1").stdout
    assert section(out, "Added") == "- Handoff: **Sales to CS** (`handoff:sales-to-cs`)"
    assert section(out, "Gaps closed").startswith("- `missing-handoff` **Purchase** (`stage:purchase`)")
    assert section(out, "Gaps opened") == ""


def test_no_change_says_so_in_one_line(repo):
    repo.write("playbooks/welcome.md", WELCOME + "\nMore words in the body, not the model.\n")
    repo.commit()
    result = diff(repo, "HEAD~1")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "No change to the journey model." in lines
    assert not any(line.startswith("### ") for line in lines)
    assert diff(repo, "HEAD", "HEAD").stdout.count("No change to the journey model.") == 1


def test_head_defaults_to_the_head_commit_not_the_working_tree(repo):
    repo.write("metrics/nps.md", "---\nkind: metric\ntitle: NPS\nowner: sales\ndefinition: Score.\n---\n")
    out = diff(repo, "HEAD").stdout  # uncommitted: not part of HEAD
    assert "No change to the journey model." in out


def test_errors_in_head_are_listed_with_their_repository_path(repo):
    repo.write("milestones/go-live.md", GO_LIVE.replace("stage: onboarding", "stage: onbording"))
    repo.commit()
    out = diff(repo, "HEAD~1").stdout
    errors = section(out, "Errors in HEAD")
    assert errors.startswith("- `docs/milestones/go-live.md:5` `unknown-ref`:")
    assert "errors in HEAD" in out or "error in HEAD" in out


def test_front_matter_text_cannot_inject_html_or_markdown(repo):
    title = "<script>alert(1)</script> *bold* [x](http://evil) ~strike~"
    repo.write("metrics/nps.md", f"---\nkind: metric\ntitle: '{title}'\nowner: sales\ndefinition: Score.\n---\n")
    repo.write("teams/finance.md", "---\nkind: team\ntitle: 'Finance <img src=x onerror=alert(1)>'\n---\n")
    repo.commit()
    out = diff(repo, "HEAD~1").stdout
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out and "\\*bold\\*" in out and "\\[x\\]\\(http://evil\\)" in out
    assert "\\~strike\\~" in out


def test_moved_page_shows_its_new_file(repo):
    git(repo, "mv", "docs/playbooks/deal-desk.md", "docs/deal-desk.md")
    repo.commit()
    changed = section(diff(repo, "HEAD~1").stdout, "Changed")
    assert "`file`: `playbooks/deal-desk.md` → `deal-desk.md`" in changed


def test_docs_folder_missing_at_base_means_everything_is_added(repo):
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    git(repo, "checkout", "-q", "--orphan", "empty")
    git(repo, "rm", "-rq", "--cached", "docs")
    git(repo, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-q", "--allow-empty", "-m", "empty")
    result = diff(repo, "empty", first)
    assert result.exit_code == 0
    assert "10 added" in result.stdout  # 3 teams, 2 stages, 2 milestones, 1 handoff, 2 playbooks


# --- failures -------------------------------------------------------------------------------------


def test_bad_revision_exits_2_with_one_line(repo):
    result = diff(repo, "no-such-branch")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "`no-such-branch` is not a commit" in result.stderr
    assert diff(repo, "HEAD", "HEAD~5").exit_code == 2


def test_option_like_revision_is_refused(repo):
    result = diff(repo, "--", "--output=/tmp/x")
    assert result.exit_code == 2


def test_outside_git_exits_2(project, tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    hb = project()
    result = diff(hb, "HEAD")
    assert result.exit_code == 2
    assert "not inside a git repository" in result.stderr


def test_compare_is_symmetric_for_added_and_removed(repo):
    root = git_toplevel(repo.root)
    assert root is not None
    (repo.docs / "playbooks" / "deal-desk.md").unlink()
    repo.commit()
    forward = diff(repo, "HEAD~1", "HEAD").stdout
    backward = diff(repo, "HEAD", "HEAD~1").stdout
    assert section(forward, "Removed") == section(backward, "Added").replace("Added", "Removed")


def test_odd_front_matter_does_not_break_the_diff(repo):
    repo.write("metrics/nps.md", "---\nkind: metric\ntitle: NPS\nowner: [sales]\ndefinition: Score.\ncolour: blue\n---\n")
    repo.commit()
    repo.write("metrics/nps.md", "---\nkind: metric\ntitle: NPS\nowner: sales\ndefinition: 42\nzz-extra: two\n---\n")
    repo.commit()
    result = diff(repo, "HEAD~1")
    assert result.exit_code == 0, result.output
    assert "owner *(none)* → Sales" in section(result.stdout, "Owner / Accountable changes")
    assert "`definition`: Score\\. → 42" in section(result.stdout, "Changed")
