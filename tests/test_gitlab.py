"""GitLab as a first-class forge (#19): the Code Quality report, GitLab's CODEOWNERS, review reminders that
mention GitLab groups, and the example `.gitlab-ci.yml` — as a handbook on GitLab uses them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

import pytest
import yaml
from conftest import BIN, ROOT, invoke_cli
from jsonschema import Draft7Validator, Draft202012Validator
from small_handbook import AFTER_GO_LIVE, clean

from journeysite.cli import main, report
from journeysite.core.diagnostics import Diagnostic

TODAY = "2026-06-15"

# GitLab's documented Code Quality fields (docs.gitlab.com/ci/testing/code_quality/, "Code Quality report
# format"): a single JSON array; each object has description, check_name, fingerprint, severity (info,
# minor, major, critical or blocker), location.path (relative to the repository) and location.lines.begin.
CODE_QUALITY_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1, "not": {"pattern": "^(/|\\./|\\.\\./)"}},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}

CS = "---\nkind: team\ntitle: Customer Success\nhandles: ['@acme/cs/emea', '@jane.doe']\n---\n"
ONBOARDING = "---\nkind: stage\ntitle: Onboarding\nowner: cs\norder: 1\nreviewed: 2025-01-01\n---\n"
# Three real mistakes: a team id mistyped twice, and two step texts cut by ` #`.
KICKOFF = """\
---
kind: playbook
title: Kickoff
owner: cs
type: lifecycle
stages: [onboarding]
trigger: {manual: The CSM decides}
steps:
  - do: Post in #cs-escalations
    owner: cs-ops
  - do: Post in #cs-kickoffs
    owner: cs-ops
---
"""


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A git repository whose handbook lives in its `handbook/` folder, as in a monorepo."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    return tmp_path


@pytest.fixture
def handbook(project, repo):
    hb = project(config="site_name: H\nrepo_url: https://gitlab.com/acme/handbook\ndocs_dir: docs\n"
                        "plugins:\n  - journeysite\n")
    hb.write("teams/cs.md", CS)
    hb.write("stages/onboarding.md", ONBOARDING)
    hb.write("mission.md", "---\nkind: mission\ntitle: Mission\nowner: cs\nstatement: Help.\n---\n")
    return hb


def code_quality(hb, *args: str):
    result = invoke_cli(hb.root, "check", "--format", "gitlab", *args)
    return result.exit_code, result.stdout, json.loads(result.stdout)


# ---- check --format gitlab: a Code Quality report ------------------------------------------------------------


def test_the_report_holds_every_problem_in_gitlabs_documented_fields(handbook, repo):
    handbook.write("playbooks/kickoff.md", KICKOFF)
    status, raw, issues = code_quality(handbook)
    assert status == 1  # errors: the job fails, like the other formats
    Draft202012Validator(CODE_QUALITY_SCHEMA).validate(issues)
    assert raw.startswith("[")  # GitLab's parser refuses a byte order mark
    found = sorted((i["check_name"], i["severity"], i["location"]["lines"]["begin"]) for i in issues)
    assert found == [("text-cut-by-comment", "minor", 9), ("text-cut-by-comment", "minor", 11),
                     ("unknown-ref", "major", 10), ("unknown-ref", "major", 12)]
    assert "names the team `cs-ops`, but there is no such team" in issues[1]["description"]


def test_paths_are_relative_to_the_repository_root_and_name_real_files(handbook, repo):
    handbook.write("playbooks/kickoff.md", KICKOFF)
    elsewhere = handbook.root / "ci"
    elsewhere.mkdir()
    result = invoke_cli(elsewhere, "check", "-f", "../mkdocs.yml", "--format", "gitlab")
    issues = json.loads(result.stdout)
    assert {i["location"]["path"] for i in issues} == {"handbook/docs/playbooks/kickoff.md"}
    assert all((repo / i["location"]["path"]).is_file() for i in issues)


def test_fingerprints_differ_for_each_finding_and_stay_the_same_run_after_run(handbook):
    handbook.write("playbooks/kickoff.md", KICKOFF)
    _, first, issues = code_quality(handbook)
    _, second, _ = code_quality(handbook)
    assert first == second
    prints = [i["fingerprint"] for i in issues]
    assert len(set(prints)) == len(prints) == 4
    # An unrelated edit moves every line down; the findings are the same ones, so are their fingerprints.
    page = handbook.docs / "playbooks" / "kickoff.md"
    page.write_text(KICKOFF.replace("kind: playbook\n", "kind: playbook\nsummary: How we start.\n"))
    _, _, moved = code_quality(handbook)
    assert [i["location"]["lines"]["begin"] for i in moved] == [i["location"]["lines"]["begin"] + 1 for i in issues]
    assert [i["fingerprint"] for i in moved] == prints


def test_the_same_finding_twice_in_a_file_gets_two_fingerprints(tmp_path):
    twice = [Diagnostic("unknown-ref", "error", "a.md", line, "`owner` names no team.") for line in (3, 9)]
    issues = json.loads(report.gitlab(twice, tmp_path / "docs", tmp_path))
    assert issues[0]["fingerprint"] != issues[1]["fingerprint"]
    assert [i["location"] for i in issues] == [{"path": "docs/a.md", "lines": {"begin": n}} for n in (3, 9)]


def test_exit_status_is_the_other_formats(project, repo):
    hb = clean(project)
    status, _, issues = code_quality(hb)
    assert (status, issues) == (0, [])  # a clean handbook: an empty report, which GitLab reads as no problem
    hb.write("handoffs/after-go-live.md", AFTER_GO_LIVE)
    status, _, issues = code_quality(hb)
    assert status == 0 and [(i["check_name"], i["severity"]) for i in issues] == [("handoff-without-artifacts", "minor")]
    assert code_quality(hb, "--strict")[0] == 1


def test_text_from_a_page_cannot_reorder_or_hide_what_the_widget_shows(handbook):
    """A right-to-left override or an escape in a value the message quotes is shown, not obeyed."""
    handbook.write("stages/adoption.md", '---\nkind: stage\ntitle: Adoption\norder: 2\n'
                   'owner: "cs\\u202e\\x1b[2Jevil"\n---\n')
    _, _, issues = code_quality(handbook)
    text = " ".join(i["description"] for i in issues)
    assert issues and "\u202e" not in text and "\x1b" not in text
    assert "\\u202e" in text or "\\x1b" in text


# ---- codeowners --format gitlab ----------------------------------------------------------------------------------

# GitLab's section heading, as its SectionParser reads it: ^[name][approvals] @default @owners
SECTION = re.compile(r"^(\^)?\[(?P<name>.*?)\](?:\[(?P<approvals>\d*?)\])?(?P<owners>\s+[@\w_.\-/\s+]*)?$")


def sections(text: str) -> dict[str, tuple[list[str], list[str]]]:
    """The CODEOWNERS file as GitLab reads it: section name -> (default owners, paths); '' before the first."""
    found: dict[str, tuple[list[str], list[str]]] = {"": ([], [])}
    current = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        heading = SECTION.match(line)
        if heading:
            current = heading.group("name")
            assert current.lower() not in {k.lower() for k in found}, f"GitLab would merge {current!r}"
            found[current] = ((heading.group("owners") or "").split(), [])
            continue
        path, *owners = re.split(r"(?<!\\)\s+", line)
        found[current][1].append(path)
        found[current][0].extend(owners)  # an owner on the line itself (only the catch-all has one)
    return found


@pytest.fixture
def owners(handbook):
    handbook.write("teams/support.md", "---\nkind: team\ntitle: Support\nhandles: ['@acme/support', '@all']\n---\n")
    handbook.write("teams/finance.md", "---\nkind: team\ntitle: Finance\n---\n")
    handbook.write("teams/help.md", "---\nkind: team\ntitle: SUPPORT\nowner: help\nhandles: ['@acme/help']\n---\n")
    handbook.write("teams/odd.md", "---\nkind: team\ntitle: \"Ops ]  [EMEA] @x\"\nhandles: ['@acme/ops']\n---\n")
    handbook.write("my pages/#1 go live [v2].md",
                   "---\nkind: stage\nid: go-live\ntitle: Go live\nowner: support\norder: 2\n---\n")
    handbook.write("metrics/nps.md", "---\nkind: metric\ntitle: NPS\nowner: finance\ndefinition: Score.\n---\n")
    return handbook


def codeowners(hb, *args: str):
    return invoke_cli(hb.root, "codeowners", "--format", "gitlab", *args)


def test_gitlab_codeowners_has_the_default_owner_then_a_section_per_owner_team(owners):
    result = codeowners(owners)
    assert result.exit_code == 0, result.stderr
    found = sections(result.stdout)
    # every path, before the sections, except the pages a section lists: GitLab enforces this unnamed
    # section too, and no section overrides it, so without `!` the default team would approve every page
    assert found[""] == (
        ["@acme/cs/emea", "@jane.doe"],
        ["*", "!/handbook/docs/mission.md", "!/handbook/docs/my\\ pages/\\#1\\ go\\ live\\ \\[v2\\].md",
         "!/handbook/docs/stages/onboarding.md", "!/handbook/docs/teams/cs.md", "!/handbook/docs/teams/help.md",
         "!/handbook/docs/teams/odd.md", "!/handbook/docs/teams/support.md"],
    )
    excluded = {p[1:] for p in found[""][1][1:]}
    assert excluded == {p for name, (_, paths) in found.items() if name for p in paths}
    assert found["Customer Success"] == (
        ["@acme/cs/emea", "@jane.doe"],
        ["/handbook/docs/mission.md", "/handbook/docs/stages/onboarding.md", "/handbook/docs/teams/cs.md"],
    )
    # GitLab merges sections whose names differ only in case: the second team's gets its id.
    assert found["SUPPORT"] == (["@acme/help"], ["/handbook/docs/teams/help.md"])
    assert found["Support (support)"] == (
        ["@acme/support"],  # `@all` would ask every member of the project: left out, and said so
        ["/handbook/docs/my\\ pages/\\#1\\ go\\ live\\ \\[v2\\].md", "/handbook/docs/teams/support.md"],
    )
    assert found["Ops ) (EMEA) @x"] == (["@acme/ops"], ["/handbook/docs/teams/odd.md"])
    assert "nps" not in result.stdout  # Finance has no handles: its pages fall to the default owner
    assert "left out, not GitLab handles: Support: @all" in result.stderr
    assert "teams without handles: Finance (2 pages)" in result.stderr and "add `handles:`" in result.stderr
    assert "GitHub" not in result.stderr + result.stdout


def test_gitlab_codeowners_check_defaults_to_dot_gitlab(owners, repo):
    checked = codeowners(owners, "--check")
    assert checked.exit_code == 1
    assert checked.stderr.strip().splitlines()[-1].endswith(
        ".gitlab/CODEOWNERS is missing: run `journeysite codeowners --format gitlab --output ../.gitlab/CODEOWNERS`"
    )
    (repo / ".gitlab").mkdir()
    (repo / ".gitlab" / "CODEOWNERS").write_text(codeowners(owners).stdout, encoding="utf-8")
    assert codeowners(owners, "--check").exit_code == 0
    assert invoke_cli(owners.root, "codeowners", "--check").exit_code == 1  # GitHub's file is another one


def test_github_codeowners_keep_only_githubs_handles(owners):
    result = invoke_cli(owners.root, "codeowners")
    assert result.exit_code == 0
    assert "@acme/cs/emea" not in result.stdout and "@jane.doe" not in result.stdout
    assert "/handbook/docs/teams/support.md @acme/support @all" in result.stdout.splitlines()
    assert "left out, not GitHub handles: Customer Success: @acme/cs/emea, @jane.doe" in result.stderr


# ---- review --format markdown on GitLab ---------------------------------------------------------------------------


def review(hb, *args: str):
    return invoke_cli(hb.root, "review", "--today", TODAY, *args)


def test_review_on_gitlab_mentions_groups_and_subgroups_and_says_merge_request(handbook):
    body = review(handbook, "--format", "markdown").stdout  # repo_url is on gitlab.com
    assert "### Customer Success (@acme/cs/emea @jane.doe)" in body
    assert "[Onboarding](https://gitlab.com/acme/handbook/-/blob/HEAD/handbook/docs/stages/onboarding.md)" in body
    assert "open a merge request" in body and "pull request" not in body
    assert body == review(handbook, "--format", "markdown", "--forge", "gitlab").stdout


def test_review_shows_a_handle_that_is_not_the_forges_as_code_never_as_a_mention(handbook):
    body = review(handbook, "--format", "markdown", "--forge", "github").stdout
    assert "### Customer Success (`@\u200bacme/cs/emea` `@\u200bjane.doe`)" in body
    assert "open a pull request" in body
    # the files are still on gitlab.com: their links take GitLab's form whichever forge's mentions apply
    assert "https://gitlab.com/acme/handbook/-/blob/HEAD/handbook/docs/stages/onboarding.md" in body


@pytest.mark.parametrize(
    ("repo_url", "page"),
    [
        ("https://github.com/acme/handbook", "https://github.com/acme/handbook/blob/HEAD/"),
        ("https://code.acme.example/cs/handbook", "https://code.acme.example/cs/handbook/-/blob/HEAD/"),
    ],
)
def test_file_links_follow_the_host_of_repo_url_then_the_forge(handbook, repo_url, page):
    """GitLab mentions for a handbook on github.com must not turn its links into GitLab's `-/blob/` (a 404
    there); a self-hosted GitLab whose name does not say so is known by `--forge gitlab`."""
    config = handbook.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("https://gitlab.com/acme/handbook", repo_url),
                      encoding="utf-8")
    body = review(handbook, "--format", "markdown", "--forge", "gitlab").stdout
    assert f"[Onboarding]({page}handbook/docs/stages/onboarding.md)" in body
    assert "### Customer Success (@acme/cs/emea @jane.doe)" in body


@pytest.mark.parametrize(
    ("handle", "shown"),
    [
        ("@acme/cs team", "`@\u200bacme/cs team`"),
        ("@x`y", "``@\u200bx`y``"),
        ("<img src=x onerror=alert(1)>", "`<img src=x onerror=alert(1)>`"),
        ("@all", "`@\u200ball`"),  # on GitLab, every member of the project
        ("@acme/cs\n\n# Injected @acme/everyone", "`@\u200bacme/cs\\n\\n# Injected @\u200bacme/everyone`"),
    ],
)
def test_a_malformed_handle_is_shown_as_code(handbook, handle, shown):
    handbook.write("teams/cs.md", f"---\nkind: team\ntitle: Customer Success\nhandles: {json.dumps([handle, '@acme/cs'])}\n---\n")
    body = review(handbook, "--format", "markdown").stdout
    heading = next(line for line in body.splitlines() if line.startswith("### Customer Success"))
    assert heading == f"### Customer Success ({shown} @acme/cs)"
    assert not any(line.startswith("# ") for line in body.splitlines())


def test_review_text_says_which_forges_handles_a_team_lacks(handbook):
    handbook.write("teams/ops.md", "---\nkind: team\ntitle: Ops\n---\n")
    handbook.write("stages/adoption.md", ONBOARDING.replace("Onboarding", "Adoption").replace("cs\n", "ops\n")
                   .replace("order: 1", "order: 2"))
    text = review(handbook).stdout
    assert "Customer Success (@acme/cs/emea @jane.doe)" in text
    assert "Ops (no GitLab handles)" in text
    assert "Ops (no GitHub handles)" in review(handbook, "--forge", "github").stdout


def test_forge_goes_with_the_listing_not_with_mark(handbook):
    run = review(handbook, "--mark", "docs/stages/onboarding.md", "--forge", "gitlab")
    assert run.exit_code == 2 and "--forge" in run.stderr
    run = review(handbook, "--forge", "gitea")
    assert run.exit_code == 2 and "Traceback" not in run.stderr


def test_a_subgroup_handle_is_valid_in_handles_but_not_in_github(project, repo):
    hb = project()
    hb.write("teams/cs.md", "---\nkind: team\ntitle: CS\nhandles: ['@acme/cs/emea', '@jane.doe']\n---\n")
    hb.write("teams/ops.md", "---\nkind: team\ntitle: Ops\ngithub: ['@acme/ops/emea']\n---\n")
    _, data = hb.check_json()
    schema_errors = [(d["file"], d["message"]) for d in data["diagnostics"] if d["code"] == "schema"]
    assert [file for file, _ in schema_errors] == ["teams/ops.md"], schema_errors


# ---- the example .gitlab-ci.yml ------------------------------------------------------------------------------------

CI_FILE = ROOT / ".gitlab-ci.yml"


def gitlab_ci_schema() -> dict:
    """GitLab's CI JSON schema, as check-jsonschema vendors it (from gitlab-org/gitlab's ci.json)."""
    vendor = resources.files("check_jsonschema") / "builtin_schemas" / "vendor" / "gitlab-ci.json"
    return json.loads(vendor.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ci() -> dict:
    return yaml.safe_load(CI_FILE.read_text(encoding="utf-8"))


def test_gitlab_ci_is_valid_against_gitlabs_schema(ci):
    errors = sorted(Draft7Validator(gitlab_ci_schema()).iter_errors(ci), key=lambda e: list(e.path))
    assert [f"{list(e.path)}: {e.message[:200]}" for e in errors] == []


def test_the_schema_check_is_real(ci):
    broken = json.loads(json.dumps(ci))
    broken["handbook-check"]["artifacts"]["whenn"] = "always"
    broken["pages"]["rules"][0]["iff"] = broken["pages"]["rules"][0].pop("if")
    assert len(list(Draft7Validator(gitlab_ci_schema()).iter_errors(broken))) >= 2


def jobs(ci: dict) -> dict[str, dict]:
    return {name: job for name, job in ci.items() if isinstance(job, dict) and "script" in job}


def sources(job: dict) -> list[tuple[str, str | None]]:
    return [(rule.get("if", ""), rule.get("when")) for rule in job["rules"]]


def test_the_merge_request_job_uploads_the_code_quality_report_even_when_the_check_fails(ci):
    job = ci["handbook-check"]
    assert sources(job) == [('$CI_PIPELINE_SOURCE == "merge_request_event"', None)]
    assert "journeysite check --format gitlab > gl-code-quality-report.json" in job["script"]
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert job["artifacts"]["when"] == "always"
    diff = ci["handbook-diff"]
    assert any("journeysite diff --format markdown" in line for line in diff["script"])
    assert diff["artifacts"]["paths"] == ["journeysite-diff.md"] and diff["artifacts"]["when"] == "always"
    assert any(line.strip() == "mkdocs build --strict" for line in ci["handbook-build"]["script"])


def test_the_reminder_runs_only_on_a_schedule_and_pages_only_on_the_default_branch(ci):
    assert sources(ci["handbook-review-reminder"]) == [('$CI_PIPELINE_SOURCE == "schedule"', None)]
    assert sources(ci["pages"]) == [('$CI_PIPELINE_SOURCE == "schedule"', "never"),
                                    ("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", None)]
    assert ci["pages"]["script"] == ["mkdocs build --strict -d public"]
    assert ci["pages"]["artifacts"]["paths"] == ["public"]
    for name, job in jobs(ci).items():
        if name not in ("pages", "handbook-review-reminder"):
            assert sources(job) == [('$CI_PIPELINE_SOURCE == "merge_request_event"', None)], name


def test_the_token_comes_from_a_ci_variable_and_only_the_reminder_uses_it(ci):
    text = CI_FILE.read_text(encoding="utf-8")
    assert not re.search(r"glpat-|PRIVATE-TOKEN: [A-Za-z0-9]", text)
    for name, job in jobs(ci).items():
        uses = "HANDBOOK_BOT_TOKEN" in json.dumps(job)
        assert uses == (name == "handbook-review-reminder"), name
    assert "HANDBOOK_BOT_TOKEN" not in json.dumps(ci.get("variables", {}))


def test_the_install_steps_are_the_github_workflows(ci):
    github = yaml.safe_load((ROOT / ".github" / "workflows" / "check.yml").read_text(encoding="utf-8"))
    step = next(s for s in github["jobs"]["check"]["steps"] if s.get("name", "").startswith("Install"))
    wanted = [line.strip() for line in step["run"].splitlines() if "pip install" in line or "grep" in line]
    ours = [line.strip() for line in ci[".install"]["before_script"][-1].splitlines()]
    assert all(line in ours for line in wanted)
    assert all(job.get("extends") == ".install" for job in jobs(ci).values())


def test_the_ci_calls_journeysite_commands_that_exist(ci):
    calls = []
    for job in jobs(ci).values():
        for item in job["script"]:
            for line in item.replace("\\\n", " ").splitlines():
                match = re.match(r"\s*journeysite (\S+)((?:\s+(?:--\S+(?: [a-z]+)?))*)", line)
                if match:
                    calls.append([match.group(1), *match.group(2).split()])
    assert {c[0] for c in calls} == {"check", "diff", "review"}
    for words in calls:
        command = main.get_command(None, words[0])  # type: ignore[arg-type]
        assert command is not None
        args = words[1:] + (["BASE"] if words[0] == "diff" else [])
        command.make_context(words[0], args)  # raises on an unknown option or a bad choice


HOSTILE_BODY = (
    '## Pages "due" for \'review\'\n\n'
    "`$(touch pwned)` and $(touch pwned) and `rm -rf /` ${HOME} $HOME \\n \\\" \\\\ \n"
    "| a | b |\nline with a tab\tand a NUL-free end\u2028and unicode é ✓\n"
)


def reminder_script(ci: dict) -> str:
    return "\n".join(ci["handbook-review-reminder"]["script"])


@pytest.mark.skipif(shutil.which("jq") is None or shutil.which("bash") is None, reason="needs jq and bash")
def test_the_issue_body_reaches_the_api_json_intact(ci, tmp_path):
    """The JSON the reminder sends is built by jq from the file: quotes, backticks, `$(…)` and line breaks
    in the review arrive as written, and nothing in them runs."""
    [line] = [line for line in reminder_script(ci).splitlines() if line.strip().startswith("jq -n")]
    (tmp_path / "review.md").write_text(HOSTILE_BODY, encoding="utf-8")
    env = {"PATH": os.environ["PATH"], "dir": str(tmp_path), **ci["handbook-review-reminder"]["variables"]}
    subprocess.run(["bash", "-euc", line], cwd=tmp_path, env=env, check=True)
    sent = json.loads((tmp_path / "issue.json").read_text(encoding="utf-8"))
    assert sent == {"title": "Handbook pages due for review", "labels": "handbook-review",
                    "description": HOSTILE_BODY}
    assert not (tmp_path / "pwned").exists()


class FakeGitLab(BaseHTTPRequestHandler):
    """GitLab's REST API for one project, as much as the reminder uses: the token's user, the issue list,
    creating, updating and commenting on an issue. Every request is recorded."""

    issues: list[dict]
    requests: list[tuple[str, str, dict | None, str | None]]

    def _reply(self, status: int, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self) -> dict | None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        self.requests.append((self.command, self.path, body, self.headers.get("PRIVATE-TOKEN")))
        return body

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self._record()
        if self.path == "/api/v4/user":
            return self._reply(200, {"id": 7, "username": "handbook-bot"})
        if self.path.startswith("/api/v4/projects/42/issues?"):
            query = self.path.split("?", 1)[1]
            assert "labels=handbook-review" in query and "state=opened" in query and "author_id=7" in query
            return self._reply(200, [i for i in self.issues if i["state"] == "opened"][:1])
        return self._reply(404, {"message": "404 Not found"})

    def do_POST(self) -> None:  # noqa: N802
        body = self._record() or {}
        if self.path == "/api/v4/projects/42/issues":
            self.issues.append({"iid": len(self.issues) + 1, "state": "opened", **body})
            return self._reply(201, self.issues[-1])
        if re.fullmatch(r"/api/v4/projects/42/issues/\d+/notes", self.path):
            return self._reply(201, {"id": 1, **body})
        return self._reply(404, {"message": "404 Not found"})

    def do_PUT(self) -> None:  # noqa: N802
        body = self._record() or {}
        match = re.fullmatch(r"/api/v4/projects/42/issues/(\d+)", self.path)
        if match:
            issue = self.issues[int(match.group(1)) - 1]
            issue.update({k: v for k, v in body.items() if k != "state_event"})
            if body.get("state_event") == "close":
                issue["state"] = "closed"
            return self._reply(200, issue)
        return self._reply(404, {"message": "404 Not found"})

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.skipif(not all(shutil.which(p) for p in ("jq", "bash", "curl")), reason="needs jq, bash and curl")
def test_the_reminder_opens_one_issue_updates_it_and_closes_it_when_nothing_is_due(ci, handbook, monkeypatch):
    """The whole script, against a GitLab API on localhost: the first run opens the issue, the next updates
    that same issue, and once every page is reviewed the issue is closed with a note."""
    FakeGitLab.issues, FakeGitLab.requests = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitLab)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(handbook.root),
            "GIT_CEILING_DIRECTORIES": os.environ["GIT_CEILING_DIRECTORIES"],
            "CI_API_V4_URL": f"http://127.0.0.1:{server.server_address[1]}/api/v4",
            "CI_PROJECT_ID": "42",
            "HANDBOOK_BOT_TOKEN": "test-token",
            **ci["handbook-review-reminder"]["variables"],
        }

        def remind() -> str:
            run = subprocess.run(["bash", "-c", reminder_script(ci)], cwd=handbook.root, env=env,
                                 capture_output=True, text=True, timeout=120)
            assert run.returncode == 0, run.stdout + run.stderr
            return run.stdout

        assert "Opened the reminder issue." in remind()
        assert "Updated issue #1." in remind()
        [issue] = FakeGitLab.issues
        assert issue["state"] == "opened" and issue["labels"] == "handbook-review"
        assert issue["description"].startswith("## Handbook pages due for review")
        assert "### Customer Success (@acme/cs/emea @jane.doe)" in issue["description"]
        assert {token for *_, token in FakeGitLab.requests} == {"test-token"}

        for page in handbook.docs.rglob("*.md"):
            text = page.read_text(encoding="utf-8")
            text = re.sub(r"\nreviewed: .*\n", "\n", text)
            page.write_text(text.replace("---\nkind:", f"---\nreviewed: {date.today().isoformat()}\nkind:", 1))
        assert "Closed issue #1: nothing is due." in remind()
        assert FakeGitLab.issues[0]["state"] == "closed" and len(FakeGitLab.issues) == 1
        assert "Nothing is due, and no reminder issue is open." in remind()
    finally:
        server.shutdown()


def test_without_the_token_the_reminder_says_what_to_set(ci, handbook):
    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    env = {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    run = subprocess.run(["bash", "-c", reminder_script(ci)], cwd=handbook.root, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 1 and "HANDBOOK_BOT_TOKEN" in run.stderr
