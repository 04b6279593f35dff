"""The command line as a department lead meets it (issue #17, items 2, 10, 11): placeholders that keep an
unfinished page from being published, who reviewed a page (``review --mark --by``), and ``diff`` that
shows every value whole, as plain text in a terminal."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess

import pytest
from browser_support import article
from conftest import BIN, invoke_cli

from journeysite.core import placeholders
from journeysite.core.reading import frontmatter

TODAY = "2026-06-15"
TEAMS = {
    "teams/customer-success.md": "---\nkind: team\ntitle: Customer Success\nlead: Dana Whitfield\n---\n",
    "teams/sales.md": "---\nkind: team\ntitle: Sales\n---\n",
}
ONBOARDING = "---\nkind: stage\ntitle: Onboarding\nowner: customer-success\norder: 1\nreviewed: 2025-11-03\n---\n"


def data_of(path) -> dict:
    source, _, _ = frontmatter.split(path.read_text(encoding="utf-8"))
    return frontmatter.parse(source).data


@pytest.fixture
def hb(project, tmp_path, monkeypatch):
    """A small handbook outside any git repository and any git configuration of the machine."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    hb = project()
    for file, text in TEAMS.items():
        hb.write(file, text)
    hb.write("stages/onboarding.md", ONBOARDING)
    assert hb.check().exit_code == 0
    return hb


def git(folder, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True).stdout


def review(hb, *args: str):
    return invoke_cli(hb.root, "review", *args)


# ---- placeholders: an unfinished page is never published --------------------------------------------------


def test_a_scaffolded_page_fails_the_build_naming_each_placeholder_and_its_line(hb):
    run = invoke_cli(hb.root, "new", "playbook", "renewal-prep", "--owner", "customer-success")
    assert run.exit_code == 0, run.output
    page = hb.docs / "playbooks" / "renewal-prep.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    built = hb.build()
    assert built.returncode != 0, "a page of TODOs must not be published"
    log = built.stdout + built.stderr
    written = {"type": "type: 'TODO", "stages[0]": "stages: [TODO", "trigger": "trigger: 'TODO",
               "steps[0].do": "  - do: 'TODO"}
    for field, start in written.items():
        line = next(n for n, text in enumerate(lines, 1) if text.startswith(start))
        assert f"playbooks/renewal-prep.md:{line}" in log, (field, log)
        assert f"`{field}` is still the placeholder" in log, field
    assert not (hb.root / "site" / "playbooks" / "renewal-prep" / "index.html").exists()


def test_once_filled_in_the_scaffold_is_published_as_a_draft_not_as_verified(hb):
    run = invoke_cli(hb.root, "new", "playbook", "renewal-prep", "--owner", "customer-success")
    page = hb.root / run.stdout.strip()
    text = page.read_text(encoding="utf-8")
    for placeholder, answer in {
        "'TODO: lifecycle, risk or expansion'": "lifecycle",
        "[TODO-stage]": "[onboarding]",
        text.split("trigger: ", 1)[1].split("\n", 1)[0]: "{manual: The CSM decides}",
        "'TODO: the first thing to do, e.g. Send the kickoff agenda'": "Send the renewal summary",
    }.items():
        assert placeholder in text
        text = text.replace(placeholder, answer)
    page.write_text(text, encoding="utf-8")
    assert hb.check().exit_code == 0, hb.check().stdout
    built = hb.build()
    assert built.returncode == 0, built.stdout + built.stderr
    site = hb.root / "site"
    cell = next(
        li for li in article(site, "journey/grid/index.html").find_all("li")
        if any(a.attrs.get("href", "").endswith("playbooks/renewal-prep/") for a in li.find_all("a"))
    )
    assert "Draft" in cell.text()
    content = article(site, "playbooks/renewal-prep/index.html").text()
    assert "draft" in content.lower() and "verified" not in content.lower()


def test_a_todo_someone_typed_is_reported_too_and_words_that_merely_start_so_are_not(hb):
    hb.write("stages/adoption.md", "---\nkind: stage\ntitle: Adoption\nowner: customer-success\norder: 2\n"
             "summary: TODO write the summary\ngoal: Todos and TODOS are fine\nentry: [TODO]\n---\n")
    status, data = hb.check_json()
    assert status == 1
    found = [(d["code"], d["line"], d["message"].split("`")[1]) for d in data["diagnostics"] if d["severity"] == "error"]
    assert found == [("placeholder", 6, "summary"), ("placeholder", 8, "entry[0]")]
    assert placeholders.is_placeholder("TODO-team") and placeholders.is_placeholder("TODO: say what")
    assert not placeholders.is_placeholder("TODOS") and not placeholders.is_placeholder("Todo")


def test_a_placeholder_is_one_error_not_also_a_schema_error(hb):
    """`TODO-stage` breaks the id pattern and `TODO: …` the list of types: the placeholder is the one
    message, with the choices in it, not a second "not in the expected form"."""
    hb.write("playbooks/x.md", "---\nkind: playbook\ntitle: X\nowner: customer-success\n"
             "type: 'TODO: lifecycle, risk or expansion'\nstages: [TODO-stage]\ntrigger: {manual: The CSM decides}\n---\n")
    _, data = hb.check_json()
    assert [(d["code"], d["line"]) for d in data["diagnostics"]] == [("placeholder", 5), ("placeholder", 6)]
    assert data["diagnostics"][0]["message"].endswith("one of: lifecycle, risk, expansion.")
    assert data["diagnostics"][1]["message"].endswith("the id of a stage page: onboarding.")


# ---- review --mark --by: who reviewed --------------------------------------------------------------------------


def test_mark_by_records_the_reviewer_just_after_reviewed_and_changes_nothing_else(hb):
    page = hb.docs / "stages" / "onboarding.md"
    run = review(hb, "--mark", "docs/stages/onboarding.md", "--today", TODAY, "--by", "Dana Whitfield")
    assert run.exit_code == 0, run.output
    assert run.stdout == "docs/stages/onboarding.md: reviewed 2026-06-15 by Dana Whitfield (was 2025-11-03)\n"
    assert page.read_text(encoding="utf-8") == ONBOARDING.replace(
        "reviewed: 2025-11-03\n", "reviewed: 2026-06-15\nreviewed_by: Dana Whitfield\n"
    )
    assert hb.check().exit_code == 0


def test_marking_again_replaces_the_reviewer_in_place_keeping_its_comment(hb):
    page = hb.write("stages/adoption.md", "---\nkind: stage\ntitle: Adoption\nowner: customer-success\norder: 2\n"
                    "reviewed_by: 'Sam'   # the CSM lead\nreviewed: 2025-01-02\n---\nBody.\n")
    run = review(hb, "--mark", "docs/stages/adoption.md", "--today", TODAY, "--by", "Ana Souza")
    assert run.exit_code == 0, run.output
    assert run.stdout.endswith("reviewed 2026-06-15 by Ana Souza (was 2025-01-02 by Sam)\n")
    assert page.read_text(encoding="utf-8") == (
        "---\nkind: stage\ntitle: Adoption\nowner: customer-success\norder: 2\n"
        "reviewed_by: Ana Souza   # the CSM lead\nreviewed: 2026-06-15\n---\nBody.\n"
    )


@pytest.mark.parametrize(
    "name",
    ["O'Brien: #1", 'Dana "DW" Whitfield', "yes", "2026-01-01", "@dana", "- Dana", "Zoë Ähm", "[Dana]", "Dana # CS"],
)
def test_a_name_yaml_would_misread_is_quoted_and_reads_back_exactly(hb, name):
    page = hb.docs / "stages" / "onboarding.md"
    _, before = hb.check_json()
    run = review(hb, "--mark", "docs/stages/onboarding.md", "--today", TODAY, "--by", name)
    assert run.exit_code == 0, run.output
    assert data_of(page)["reviewed_by"] == name
    status, checked = hb.check_json()
    assert status == 0 and checked == before  # no text cut by a comment, no schema error
    listed = json.loads(review(hb, "--format", "json", "--today", "2026-12-20").stdout)["pages"]
    assert [p["reviewed_by"] for p in listed if p["file"] == "stages/onboarding.md"] == [name]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Dana\nWhitfield", "cannot hold a line break"),
        ("Dana\x1b[31m", "holds a control character"),
        ("   ", "give the reviewer's name"),
        ("x" * 201, "is not a name"),
    ],
)
def test_a_name_that_cannot_be_one_line_of_yaml_is_refused_and_nothing_is_written(hb, name, words):
    page = hb.docs / "stages" / "onboarding.md"
    run = review(hb, "--mark", "docs/stages/onboarding.md", "--today", TODAY, "--by", name)
    assert run.exit_code == 2
    assert words in run.stderr and "--by" in run.stderr
    assert "\x1b" not in run.stderr
    assert page.read_text(encoding="utf-8") == ONBOARDING


def test_without_by_the_git_user_name_is_recorded_and_said(hb):
    git(hb.root, "init", "-q")
    git(hb.root, "config", "user.name", "Ana Souza")
    run = review(hb, "--mark", "docs/stages/onboarding.md", "--today", TODAY)
    assert run.exit_code == 0, run.output
    assert "recording Ana Souza (your git user.name) as the reviewer" in run.stderr
    assert data_of(hb.docs / "stages" / "onboarding.md")["reviewed_by"] == "Ana Souza"


def test_without_by_or_git_no_name_is_recorded_and_an_earlier_reviewer_is_not_left_on_a_new_date(hb):
    run = review(hb, "--mark", "docs/stages/onboarding.md", "--today", TODAY)
    assert run.exit_code == 0, run.output
    assert "reviewed_by" not in (hb.docs / "stages" / "onboarding.md").read_text(encoding="utf-8")
    signed = hb.write("stages/adoption.md", "---\nkind: stage\ntitle: Adoption\nowner: customer-success\norder: 2\n"
                      "reviewed: 2025-01-02\nreviewed_by: Sam\n---\n")
    before = signed.read_bytes()
    run = review(hb, "--mark", "docs/stages/adoption.md", "--today", TODAY)
    assert run.exit_code == 1
    assert "names `reviewed_by: Sam` from an earlier review" in run.stderr and "--by NAME" in run.stderr
    assert signed.read_bytes() == before


def test_by_belongs_to_mark(hb):
    run = review(hb, "--by", "Dana")
    assert run.exit_code == 2 and "--by goes with --mark" in run.stderr


def test_review_shows_who_reviewed_in_text_markdown_and_json(hb):
    hb.write("stages/adoption.md", "---\nkind: stage\ntitle: Adoption\nowner: customer-success\norder: 2\n"
             "reviewed: 2025-11-03\nreviewed_by: 'Sam *the* [CSM](x)'\n---\n")
    args = ("--today", TODAY, "--within", "0")
    text = review(hb, *args).stdout
    assert "2025-11-03 by Sam *the* [CSM](x) → 2026-05-03" in text  # plain text in a terminal
    assert "Customer Success (no GitHub handles, lead: Dana Whitfield)" in text
    markdown = review(hb, "--format", "markdown", *args).stdout
    assert "| 2025-11-03 by Sam \\*the\\* \\[CSM\\]\\(x\\) | 2026-05-03 |" in markdown
    assert "`--by NAME`" in markdown
    pages = json.loads(review(hb, "--format", "json", *args).stdout)["pages"]
    by = {p["file"]: p["reviewed_by"] for p in pages}
    assert (by["stages/adoption.md"], by["stages/onboarding.md"]) == ("Sam *the* [CSM](x)", None)


# ---- diff: every value whole, plain text in a terminal ---------------------------------------------------------


@pytest.fixture
def repo(hb):
    """The handbook committed to a fresh repository; ``commit()`` commits whatever changed."""
    git(hb.root, "init", "-q")

    def commit(message: str = "change") -> None:
        git(hb.root, "add", "-A")
        git(hb.root, "-c", "user.name=Test", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
            "commit", "-q", "--allow-empty", "-m", message)

    hb.commit = commit  # type: ignore[attr-defined]
    hb.write("milestones/signed.md", "---\nkind: milestone\ntitle: Signed\nowner: sales\nstage: onboarding\n"
             "order: 1\n---\n")
    hb.write("handoffs/sales-to-cs.md", HANDOFF.format(sla="Kickoff within 2 business days"))
    commit("base")
    return hb


HANDOFF = (
    "---\nkind: handoff\ntitle: Sales to CS\nowner: sales\nfrom: sales\nto: customer-success\n"
    "milestone: signed\nartifacts: [Order form]\nsla: {sla}\n---\n"
)
LONG_SLA = (
    "Kickoff within 3 business days of the *signed* order_form, with the sponsor, the champion and the "
    "technical owner named in the CRM; the CSM confirms the success criteria in writing before day 10"
)


def diff(hb, *args: str):
    return invoke_cli(hb.root, "diff", *args)


def test_diff_in_text_shows_a_long_value_whole_with_no_markdown_escapes(repo):
    repo.write("handoffs/sales-to-cs.md", HANDOFF.format(sla=f'"{LONG_SLA}"'))
    repo.commit()
    run = diff(repo, "--format", "text", "HEAD~1")
    assert run.exit_code == 0, run.output
    out = run.stdout
    assert out.startswith("Journey model changes, HEAD~1 (")
    assert "<!--" not in out and "**" not in out and "\\" not in out and "###" not in out
    lines = out.splitlines()
    assert "  - Sales to CS (handoff:sales-to-cs)" in lines
    start = lines.index("    - sla:")
    assert lines[start + 1] == "        was: Kickoff within 2 business days"
    now = [lines[start + 2]] + [line for line in lines[start + 3:] if line.startswith(" " * 13)]
    assert now[0].startswith("        now: Kickoff within 3 business days of the *signed* order_form")
    assert all(len(line) <= 100 for line in now)  # wrapped for a terminal, under itself…
    assert " ".join(line.strip() for line in now) == f"now: {LONG_SLA}"  # …and not one word cut


def test_diff_as_markdown_keeps_the_comment_and_shows_the_value_whole(repo):
    repo.write("handoffs/sales-to-cs.md", HANDOFF.format(sla=f'"{LONG_SLA}"'))
    repo.commit()
    out = diff(repo, "--format", "markdown", "HEAD~1").stdout
    assert out.startswith("<!-- journeysite-diff -->\n## Journey model changes")
    (line,) = [line for line in out.splitlines() if line.startswith("  - `sla`:")]
    assert line.endswith("before day 10") and "…" not in line
    assert "\\*signed\\* order\\_form" in line  # Markdown escapes, as the pull-request comment needs
    # Written to a file or a pipe (as the workflow does), the default is the comment.
    assert diff(repo, "HEAD~1").stdout == out


def test_diff_in_text_neutralises_what_a_terminal_or_a_ci_log_would_obey(repo):
    repo.write("handoffs/sales-to-cs.md", HANDOFF.format(sla='"::error::pwned @team #1"').replace(
        "title: Sales to CS", 'title: "Sales ::warning:: to CS"'))
    repo.commit()
    out = diff(repo, "--format", "text", "HEAD~1").stdout
    assert "::" not in out
    assert ":\u200b:error:\u200b:pwned @team #1" in out  # shown, not run; no Markdown escaping in a terminal


@pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) to give the command a terminal")
def test_diff_at_a_terminal_prints_plain_text_by_default(repo):
    repo.write("handoffs/sales-to-cs.md", HANDOFF.format(sla=f'"{LONG_SLA}"'))
    repo.commit()
    command = f"{shlex.quote(str(BIN / 'journeysite'))} diff HEAD~1"
    done = subprocess.run(["script", "-qec", command, os.devnull], cwd=repo.root, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout.replace("\r\n", "\n")
    assert out.startswith("Journey model changes, HEAD~1 (") and "<!--" not in out and "\\*" not in out
    assert "*signed* order_form" in out
