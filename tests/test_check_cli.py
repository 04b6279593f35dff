"""``journeysite check`` and ``journeysite schema`` as a department lead and a CI job use them (SPEC §5)."""

from __future__ import annotations

import json
import re
import sys

from conftest import ROOT, codes, invoke_cli
from jsonschema import Draft202012Validator
from small_handbook import AFTER_GO_LIVE, clean

# An owner typo on a metric page: one error, and no gap finding.
BROKEN_METRIC = "---\nkind: metric\ntitle: NPS\nowner: customer-sucess\ndefinition: Promoters minus detractors.\n---\n"


def with_warning(project):
    hb = clean(project)
    hb.write("handoffs/after-go-live.md", AFTER_GO_LIVE)
    return hb


def with_error(project):
    hb = clean(project)
    hb.write("metrics/nps.md", BROKEN_METRIC)
    return hb


def check_in(folder, *args: str):
    """Run ``journeysite check`` from another folder than the project's."""
    return invoke_cli(folder, "check", *args)


# --- exit statuses -------------------------------------------------------------------------------


def test_clean_handbook_exits_0_and_says_so(project):
    run = clean(project).check()
    assert run.exit_code == 0, run.stdout
    assert run.stdout.strip() == "No problems in 5 pages."


def test_errors_exit_1(project):
    run = with_error(project).check()
    assert run.exit_code == 1
    assert "[unknown-ref]" in run.stdout


def test_warnings_alone_exit_0(project):
    status, data = with_warning(project).check_json()
    assert codes(data) == ["handoff-without-artifacts"]
    assert data["diagnostics"][0]["severity"] == "warning"
    assert status == 0


def test_warnings_with_strict_exit_1(project):
    status, data = with_warning(project).check_json("--strict")
    assert codes(data) == ["handoff-without-artifacts"]
    assert status == 1


def test_info_alone_with_strict_exits_0(project):
    hb = clean(project)
    hb.write("teams/finance.md", "---\nkind: team\ntitle: Finance\n---\n")
    status, data = hb.check_json("--strict")
    assert codes(data) == ["orphan-team"]
    assert status == 0


def test_missing_mkdocs_yml_exits_2(tmp_path, monkeypatch):
    run = check_in(tmp_path)
    assert run.exit_code == 2
    assert "mkdocs.yml" in run.stderr
    assert "-f" in run.stderr
    assert "Traceback" not in run.stderr


def test_missing_config_file_message_names_it_cleanly(tmp_path, monkeypatch):
    run = check_in(tmp_path, "-f", "nope.yml")
    assert run.exit_code == 2
    assert "nope.yml" in run.stderr
    assert " :" not in run.stderr, run.stderr


def test_invalid_mkdocs_yml_exits_2_with_its_line(project):
    hb = clean(project)
    (hb.root / "mkdocs.yml").write_text("site_name: Handbook\nplugins: [search\n", encoding="utf-8")
    run = hb.check()
    assert run.exit_code == 2
    assert "mkdocs.yml" in run.stderr and "not valid YAML" in run.stderr
    assert run.stdout == ""


def test_unreadable_mkdocs_yml_exits_2(project):
    hb = clean(project)
    (hb.root / "mkdocs.yml").write_bytes(b"site_name: Caf\xe9\n")
    run = hb.check()
    assert run.exit_code == 2
    assert "mkdocs.yml" in run.stderr and "cannot be read" in run.stderr


def test_mkdocs_yml_that_is_not_a_mapping_exits_2(project):
    hb = clean(project)
    (hb.root / "mkdocs.yml").write_text("- search\n- journeysite\n", encoding="utf-8")
    run = hb.check()
    assert run.exit_code == 2
    assert "mkdocs.yml" in run.stderr


def test_unknown_plugin_option_exits_2_naming_it(project):
    run = clean(project, options="gap: warn").check()
    assert run.exit_code == 2
    assert "gap" in run.stderr and "gaps" in run.stderr


def test_bad_plugin_option_value_exits_2(project):
    run = clean(project, options="review_every: sometimes").check()
    assert run.exit_code == 2
    assert "review_every" in run.stderr


def test_docs_dir_that_does_not_exist_exits_2(project):
    hb = project(config="site_name: Handbook\ndocs_dir: handbook-pages\nplugins:\n  - journeysite\n")
    run = hb.check()
    assert run.exit_code == 2
    assert "handbook-pages" in run.stderr and "does not exist" in run.stderr


def test_bad_format_exits_2(project):
    run = clean(project).check("--format", "xml")
    assert run.exit_code == 2
    assert "xml" in run.stderr


def test_mkdocs_only_tags_in_mkdocs_yml_are_tolerated(project):
    hb = clean(project)
    (hb.root / "mkdocs.yml").write_text(
        "site_name: !ENV [SITE_NAME, Handbook]\ndocs_dir: docs\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n  - journeysite\n",
        encoding="utf-8",
    )
    run = hb.check()
    assert run.exit_code == 0, run.stderr


def test_config_file_from_another_folder(project, tmp_path, monkeypatch):
    hb = with_error(project)
    run = check_in(tmp_path, "-f", str(hb.root / "mkdocs.yml"), "--format", "json")
    assert run.exit_code == 1
    data = json.loads(run.stdout)
    assert [(d["code"], d["file"], d["line"]) for d in data["diagnostics"] if d["severity"] == "error"] == [
        ("unknown-ref", "metrics/nps.md", 4)
    ]


def test_config_file_relative_to_the_current_folder(project, monkeypatch):
    hb = with_error(project)
    run = check_in(hb.docs / "metrics", "-f", "../../mkdocs.yml")
    assert run.exit_code == 1
    assert "nps.md:4:" in run.stdout


# --- output formats ------------------------------------------------------------------------------


def test_json_format_has_the_shape_of_the_spec(project):
    hb = with_error(project)
    hb.write("handoffs/after-go-live.md", AFTER_GO_LIVE)
    status, data = hb.check_json()
    assert status == 1
    assert set(data) == {"diagnostics", "counts", "entities"}
    for d in data["diagnostics"]:
        assert set(d) == {"code", "severity", "file", "line", "message", "entity", "segments"}
        assert isinstance(d["line"], int) and d["line"] >= 1
        assert isinstance(d["segments"], list)
    assert data["counts"] == {"error": 1, "warning": 1, "info": 0}
    assert data["entities"] == {
        "mission": 0, "team": 1, "segment": 0, "stage": 1, "milestone": 1,
        "playbook": 1, "handoff": 1, "metric": 1,
    }
    by_code = {d["code"]: d for d in data["diagnostics"]}
    assert by_code["unknown-ref"] == {
        "code": "unknown-ref",
        "severity": "error",
        "file": "metrics/nps.md",
        "line": 4,
        "message": by_code["unknown-ref"]["message"],
        "entity": "metric:nps",
        "segments": [],
    }
    assert by_code["handoff-without-artifacts"]["entity"] == "handoff:after-go-live"


def test_json_format_names_the_segments_of_a_finding(project):
    hb = clean(project)
    for segment in ("enterprise", "scale"):
        hb.write(f"segments/{segment}.md",
                 f"---\nkind: segment\ntitle: {segment.title()}\nowner: customer-success\ntouch: high\n---\n")
    hb.write("stages/adoption.md", "---\nkind: stage\ntitle: Adoption\nowner: customer-success\norder: 2\n---\n")
    _, data = hb.check_json()
    found = [d for d in data["diagnostics"] if d["code"] == "stage-without-milestones"]
    assert len(found) == 1
    assert found[0]["segments"] == ["enterprise", "scale"]


def test_github_format_annotates_paths_from_the_current_folder(project):
    hb = with_error(project)
    hb.write("handoffs/after-go-live.md", AFTER_GO_LIVE)
    run = hb.check("--format", "github")
    assert run.exit_code == 1
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("::warning file=docs/handoffs/after-go-live.md,line=1")
    assert lines[1].startswith("::error file=docs/metrics/nps.md,line=4,")
    assert "journeysite unknown-ref" in lines[1]
    assert re.match(r"::error [^:]*::`owner` names the team `customer-sucess`", lines[1])


def test_github_format_from_outside_the_project(project, tmp_path, monkeypatch):
    with_error(project)  # in tmp_path/handbook
    run = check_in(tmp_path, "-f", "handbook/mkdocs.yml", "--format", "github")
    assert run.exit_code == 1
    assert run.stdout.startswith("::error file=handbook/docs/metrics/nps.md,line=4,")


def test_text_format_groups_by_file_and_ends_with_counts(project):
    hb = with_error(project)
    hb.write("metrics/nps.md", "---\nkind: metric\ntitle: NPS\nowner: customer-sucess\ndefinition: Promoters.\ndirection: upward\n---\n")
    hb.write("handoffs/after-go-live.md", AFTER_GO_LIVE)
    run = hb.check()
    assert run.exit_code == 1
    lines = run.stdout.rstrip("\n").splitlines()
    assert lines.count("docs/metrics/nps.md") == 1
    assert lines.count("docs/handoffs/after-go-live.md") == 1
    header = lines.index("docs/metrics/nps.md")
    assert lines[header + 1].strip().startswith("docs/metrics/nps.md:4: error: ")
    assert lines[header + 1].endswith("[unknown-ref]")
    assert lines[header + 2].strip().startswith("docs/metrics/nps.md:6: error: ")
    assert lines[header + 2].endswith("[schema]")
    assert any(line.strip().startswith("docs/handoffs/after-go-live.md:1: warning: ") for line in lines)
    assert lines[-1] == "2 errors, 1 warning, 0 info in 2 files (7 pages checked)."


def test_console_script(project):
    hb = with_error(project)
    done = hb.run("journeysite", "check")
    assert done.returncode == 1
    assert "docs/metrics/nps.md:4: error:" in done.stdout
    assert "Traceback" not in done.stderr


def test_python_dash_m(project):
    hb = clean(project)
    done = hb.run(sys.executable, "-m", "journeysite", "check", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["counts"] == {"error": 0, "warning": 0, "info": 0}


# --- schema --------------------------------------------------------------------------------------


def schema_output(*args: str) -> dict:
    result = invoke_cli(ROOT, "schema", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def refs_in(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in refs_in(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs_in(v)]
    return []


GOOD_STAGE = {"kind": "stage", "title": "Onboarding", "owner": "customer-success", "order": 1,
              "raci": {"informed": ["finance"]}, "reviewed": "2026-01-31", "review_every": "quarterly"}


def test_schema_of_a_kind_is_a_self_contained_json_schema():
    document = schema_output("stage")
    Draft202012Validator.check_schema(document)
    assert refs_in(document) and all(ref.startswith("#/") for ref in refs_in(document))
    validator = Draft202012Validator(document, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(GOOD_STAGE)) == []
    assert [e.validator for e in validator.iter_errors({**GOOD_STAGE, "colour": "blue"})] == ["additionalProperties"]
    assert list(validator.iter_errors({**GOOD_STAGE, "raci": {"accountable": ["cs"]}}))
    assert list(validator.iter_errors({**GOOD_STAGE, "reviewed": "2026-02-30"}))
    assert list(validator.iter_errors({k: v for k, v in GOOD_STAGE.items() if k != "order"}))


def test_schema_of_every_kind_chooses_by_kind():
    document = schema_output()
    Draft202012Validator.check_schema(document)
    assert all(ref.startswith("#/") for ref in refs_in(document))
    validator = Draft202012Validator(document, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(GOOD_STAGE)) == []
    assert list(validator.iter_errors({**GOOD_STAGE, "colour": "blue"}))
    assert list(validator.iter_errors({**GOOD_STAGE, "kind": "stgae"}))
    team = {"kind": "team", "title": "Sales", "github": ["@acme/sales"]}
    assert list(validator.iter_errors(team)) == []
    assert list(validator.iter_errors({**team, "order": 1}))


def test_schema_of_an_unknown_kind_is_a_usage_error():
    result = invoke_cli(ROOT, "schema", "stgae")
    assert result.exit_code == 2


# --- the shipped handbook ------------------------------------------------------------------------


def test_shipped_handbook_checks_clean(project):
    run = project().check("--strict", "--format", "json", "-f", str(ROOT / "mkdocs.yml"))
    data = json.loads(run.stdout)
    not_info = [f"{d['file']}:{d['line']}: {d['message']} [{d['code']}]"
                for d in data["diagnostics"] if d["severity"] != "info"]
    assert not_info == []
    assert run.exit_code == 0
    entities = data["entities"]
    assert entities["team"] >= 8
    assert entities["segment"] == 3
    assert entities["stage"] == 6
    assert entities["playbook"] >= 15
    assert entities["metric"] >= 8
    assert entities["mission"] == 1
