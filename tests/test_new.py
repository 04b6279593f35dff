"""``journeysite new KIND ID``: a department lead scaffolds a page that passes ``check`` once filled in (SPEC §5)."""

from __future__ import annotations

import pytest
import yaml
from conftest import invoke_cli

from journeysite.cli import new as scaffold
from journeysite.core import placeholders, schema
from journeysite.core.reading import frontmatter

TEAMS = {
    "teams/customer-success.md": "---\nkind: team\ntitle: Customer Success\ngithub: ['@acme/cs']\n---\n",
    "teams/sales.md": "---\nkind: team\ntitle: Sales\n---\n",
}
PAGES = {
    "stages/purchase.md": "---\nkind: stage\ntitle: Purchase\nowner: sales\norder: 1\n---\n",
    "stages/onboarding.md": "---\nkind: stage\ntitle: Onboarding\nowner: customer-success\norder: 2\n---\n",
    "milestones/contract-signed.md": (
        "---\nkind: milestone\ntitle: Contract signed\nowner: sales\nstage: purchase\norder: 1\n---\n"
    ),
    "milestones/go-live.md": (
        "---\nkind: milestone\ntitle: Go-live\nowner: customer-success\nstage: onboarding\norder: 4\n---\n"
    ),
    "handoffs/sales-to-cs.md": (
        "---\nkind: handoff\ntitle: Sales to CS\nowner: sales\nfrom: sales\nto: customer-success\n"
        "from_stage: purchase\nto_stage: onboarding\nartifacts: [order form]\n---\n"
    ),
    "playbooks/welcome.md": (
        "---\nkind: playbook\ntitle: Welcome\nowner: customer-success\ntype: lifecycle\n"
        "stages: [onboarding]\ntrigger: {milestone: go-live}\n---\n"
    ),
    "playbooks/deal-desk.md": (
        "---\nkind: playbook\ntitle: Deal desk\nowner: sales\ntype: lifecycle\n"
        "stages: [purchase]\ntrigger: {manual: The AE decides}\n---\n"
    ),
}


@pytest.fixture
def handbook(project):
    """Teams, stages, milestones, a handoff and playbooks: a handbook with no error."""
    hb = project()
    for file, text in {**TEAMS, **PAGES}.items():
        hb.write(file, text)
    assert hb.check().exit_code == 0
    return hb


def new(hb, *args: str):
    """Run ``journeysite new`` in the project folder."""
    return invoke_cli(hb.root, "new", *args)


def front(path) -> dict:
    source, _, _ = frontmatter.split(path.read_text(encoding="utf-8"))
    return frontmatter.parse(source).data


def tree(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- every kind ------------------------------------------------------------------------------------

# What a department lead writes in place of each placeholder, by field (SPEC §5: `new` guesses none).
ANSWERS = {
    "owner": "customer-success",
    "lead": "Dana Whitfield",
    "statement": "Every customer reaches value.",
    "touch": "high",
    "stage": "onboarding",
    "type": "lifecycle",
    "stages[0]": "onboarding",
    "trigger": {"milestone": "go-live"},
    "steps[0].do": "Send the welcome email",
    "from": "sales",
    "to": "customer-success",
    "from_stage": "purchase",
    "to_stage": "onboarding",
    "definition": "Days from signature to first value.",
}


def fill(path, answers=ANSWERS) -> None:
    """Replace every placeholder in the page's front matter as its author would, by field."""
    source, _, body = frontmatter.split(path.read_text(encoding="utf-8"))
    data = frontmatter.parse(source).data
    for field_path, _ in placeholders.paths(data):
        *parents, last = field_path
        holder = data
        for part in parents:
            holder = holder[part]
        holder[last] = answers[schema.field_name(field_path)]
    path.write_text(f"---\n{yaml.safe_dump(data, sort_keys=False, allow_unicode=True)}---\n{body}", encoding="utf-8")


def placeholder_errors(hb) -> list[dict]:
    _, data = hb.check_json()
    return [d for d in data["diagnostics"] if d["code"] == "placeholder"]


@pytest.mark.parametrize("kind", schema.KINDS)
def test_new_page_of_every_kind_fails_check_once_per_placeholder_until_each_is_replaced(handbook, kind):
    run = new(handbook, kind, "first-value", "--owner", "customer-success")
    assert run.exit_code == 0, run.output
    written = handbook.root / run.stdout.strip()
    assert written.is_file() and written.name == "first-value.md"
    assert written.resolve().is_relative_to(handbook.docs.resolve())
    data = front(written)
    assert data["kind"] == kind and data["title"] == "First value"
    assert data.get("owner") == ("customer-success" if kind != "team" or "owner" in data else None)
    # A draft, never "reviewed" on the day it was scaffolded: the page does not claim to be verified.
    assert data["status"] == "draft" and "reviewed" not in data
    assert "remove `status: draft`" in run.stderr
    assert set(schema.raw(kind)["required"]) <= set(data)
    fields = [schema.field_name(path) for path, _ in placeholders.paths(data)]
    if kind == "stage":  # its owner was given and its order follows the last stage: nothing to guess
        assert fields == [] and "TODO" not in run.stderr
        assert handbook.check().exit_code == 0
        return
    assert f"marked TODO ({', '.join(fields)})" in run.stderr

    # `check` fails with one error per placeholder, on its line, saying what to replace it with.
    status, checked = handbook.check_json()
    assert status == 1
    errors = [d for d in checked["diagnostics"] if d["severity"] == "error"]
    file = written.relative_to(handbook.docs).as_posix()
    assert [(d["code"], d["file"]) for d in errors] == [("placeholder", file)] * len(fields)
    text = written.read_text(encoding="utf-8").splitlines()
    for error, name in zip(errors, fields, strict=True):
        assert error["message"].startswith(f"`{name}` is still the placeholder `TODO")
        assert "replace the placeholder with" in error["message"]
        assert "TODO" in text[error["line"] - 1], (error, text[error["line"] - 1])

    fill(written)
    assert handbook.check().exit_code == 0, handbook.check().stdout


@pytest.mark.parametrize("kind", [k for k in schema.KINDS if k != "team"])
def test_an_owner_that_is_not_a_team_yet_is_the_one_error_once_the_placeholders_are_filled(handbook, kind):
    run = new(handbook, kind, "first-value", "--owner", "operations")
    assert run.exit_code == 0, run.output
    assert "no team `operations` yet" in run.stderr
    written = handbook.root / run.stdout.strip()
    fill(written, {**ANSWERS, "owner": "operations"})
    checked = handbook.check("--format", "json")
    errors = [d for d in yaml.safe_load(checked.stdout)["diagnostics"] if d["severity"] == "error"]
    assert [(d["code"], d["file"]) for d in errors] == [("unknown-ref", written.relative_to(handbook.docs).as_posix())]
    assert "`owner`" in errors[0]["message"] and "operations" in errors[0]["message"]

    team = handbook.root / new(handbook, "team", "operations").stdout.strip()
    fill(team)
    assert handbook.check().exit_code == 0, handbook.check().stdout


@pytest.mark.parametrize("kind", schema.KINDS)
def test_new_page_without_owner_has_a_placeholder_check_reports_with_the_teams_to_choose(handbook, kind):
    run = new(handbook, kind, "first-value")
    assert run.exit_code == 0, run.output
    written = handbook.root / run.stdout.strip()
    if kind == "team":
        assert "owner" not in front(written)  # a team owns itself
        return
    assert front(written)["owner"] == scaffold.OWNER_PLACEHOLDER == "TODO-team"
    (owner,) = [d for d in placeholder_errors(handbook) if d["message"].startswith("`owner`")]
    assert owner["line"] == front_line(written, "owner:")
    assert owner["message"] == (
        "`owner` is still the placeholder `TODO-team`: replace the placeholder with the id of the team that "
        "owns this page and keeps it current: customer-success, sales."
    )


def front_line(path, start: str) -> int:
    """The 1-based line of the page that starts with ``start``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def test_a_new_playbook_guesses_nothing_only_its_author_knows(handbook):
    """The owner leads `onboarding`, but the playbook may run anywhere: no stage, type or trigger is
    picked for it (once, the first ids found were: `stages: [onboarding]`, `type: lifecycle`)."""
    run = new(handbook, "playbook", "go-live-celebration", "--owner", "customer-success")
    assert run.exit_code == 0, run.output
    path = handbook.docs / "playbooks" / "go-live-celebration.md"
    text = path.read_text(encoding="utf-8")
    data = front(path)
    assert data["title"] == "Go live celebration"
    assert data["stages"] == ["TODO-stage"]
    assert data["type"] == "TODO: lifecycle, risk or expansion"
    assert isinstance(data["trigger"], str) and data["trigger"].startswith("TODO")
    assert [list(step) for step in data["steps"]] == [["do"]] and data["steps"][0]["do"].startswith("TODO")
    ids = {e for kind in ("stage", "milestone", "segment", "metric") for e in handbook_ids(handbook, kind)}
    assert not ids & set(map(str, flatten(data))), "a real id was written as a value"
    # Optional fields are comments, each with the schema's own description; the step's are under it.
    for name in ("summary", "raci", "segments", "milestones", "metrics", "outcome", "systems"):
        assert f"\n# {name}:" in text, name
        assert name not in data
    for name in ("owner", "when", "channel", "systems", "effort"):
        assert f"\n    # {name}:" in text, name
    described = " ".join(line.lstrip("# ") for line in text.splitlines() if line.startswith("#"))
    assert schema.property_help(schema.raw("playbook"), "outcome") in described
    assert schema.property_help(schema.raw("playbook"), "type").split(".")[0] in described
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Purpose", "## When to run it", "## Steps in detail", "## What good looks like"]
    # What check will say about the trigger: the forms, with the milestones that could start it.
    (trigger,) = [d for d in placeholder_errors(handbook) if d["message"].startswith("`trigger`")]
    assert "`{milestone: ID}` when a milestone is reached (contract-signed, go-live)" in trigger["message"]
    assert "`{schedule: every 90 days}`" in trigger["message"]
    (stages,) = [d for d in placeholder_errors(handbook) if d["message"].startswith("`stages[0]`")]
    assert stages["message"].endswith("the id of a stage page: purchase, onboarding.")  # journey order


def handbook_ids(hb, kind: str) -> set[str]:
    return {p.stem for p in (hb.docs / f"{kind}s").glob("*.md")} if (hb.docs / f"{kind}s").is_dir() else set()


def flatten(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from flatten(item)
    elif isinstance(value, list):
        for item in value:
            yield from flatten(item)
    else:
        yield value


def test_uncommenting_the_optional_fields_still_passes_check(handbook):
    """The commented examples are valid values, so a lead can uncomment them one by one."""
    run = new(handbook, "playbook", "nurture", "--owner", "customer-success")
    path = handbook.root / run.stdout.strip()
    text = path.read_text(encoding="utf-8")
    names = set(schema.raw("playbook")["properties"])
    step_names = set(schema.raw("common")["$defs"]["step"]["properties"])
    uncommented = "\n".join(
        line[2:] if line.startswith("# ") and (
            line[2:].split(":")[0] in names or line[2:].startswith(("- ", "  "))
        ) else "    " + line[6:] if line.startswith("    # ") and line[6:].split(":")[0] in step_names
        else line
        for line in text.splitlines()
    )
    path.write_text(uncommented + "\n", encoding="utf-8")
    fill(path)
    data = front(path)
    assert {"summary", "milestones", "systems", "outcome"} <= set(data)
    assert {"owner", "when", "channel", "systems", "effort"} <= set(data["steps"][0])
    handbook.write("segments/enterprise.md", "---\nkind: segment\ntitle: Enterprise\nowner: sales\ntouch: high\n---\n")
    handbook.write(
        "metrics/time-to-value.md", "---\nkind: metric\ntitle: TTV\nowner: sales\ndefinition: Days to value.\n---\n"
    )
    checked = handbook.check()
    assert checked.exit_code == 0, checked.stdout


def test_stage_order_is_one_more_than_the_highest(handbook):
    new(handbook, "stage", "renewal", "--owner", "customer-success")
    assert front(handbook.docs / "stages" / "renewal.md")["order"] == 3


def test_a_milestones_stage_is_a_placeholder_not_the_owners_stage(handbook):
    new(handbook, "milestone", "first-value", "--owner", "customer-success")
    data = front(handbook.docs / "milestones" / "first-value.md")
    assert (data["stage"], data["order"]) == ("TODO-stage", 1)
    (error,) = placeholder_errors(handbook)
    assert "the id of the stage this milestone belongs to" in error["message"]
    assert "then give `order` a number no other milestone of that stage has" in error["message"]


def test_a_new_handoff_names_the_uncovered_change_of_owner_but_fills_in_nothing(handbook):
    handbook.write("stages/adoption.md", "---\nkind: stage\ntitle: Adoption\nowner: sales\norder: 3\n---\n")
    run = new(handbook, "handoff", "onboarding-to-sales", "--owner", "customer-success")
    data = front(handbook.root / run.stdout.strip())
    assert (data["from"], data["to"], data["from_stage"], data["to_stage"]) == (
        "TODO-team", "TODO-team", "TODO-stage", "TODO-stage"
    )
    assert "no handoff covers yet: onboarding → adoption (customer-success to sales)" in run.stderr
    assert [d["message"].split("`")[1] for d in placeholder_errors(handbook)] == [
        "from", "to", "from_stage", "to_stage"
    ]
    # While a placeholder is left, gap findings that may only exist because of it wait (one mistake, one
    # diagnostic); once filled, the new handoff closes the gap.
    fill(handbook.root / run.stdout.strip(), {**ANSWERS, "from": "customer-success", "to": "sales",
                                              "from_stage": "onboarding", "to_stage": "adoption"})
    status, after = handbook.check_json()
    assert status == 0
    assert "missing-handoff" not in [d["code"] for d in after["diagnostics"]]


def test_title_and_values_are_quoted_for_yaml(handbook):
    run = new(handbook, "metric", "nps", "--title", "NPS: the #1 'score' [beta]", "--owner", "sales")
    assert run.exit_code == 0, run.output
    assert front(handbook.docs / "metrics" / "nps.md")["title"] == "NPS: the #1 'score' [beta]"
    fill(handbook.docs / "metrics" / "nps.md")
    assert handbook.check().exit_code == 0


def test_segment_and_metric_and_mission_placeholders(handbook):
    new(handbook, "segment", "enterprise", "--owner", "sales")
    new(handbook, "metric", "nps", "--owner", "sales")
    new(handbook, "mission", "our-mission", "--owner", "sales")
    assert front(handbook.docs / "segments" / "enterprise.md")["touch"] == "TODO: high, medium, low or tech"
    assert front(handbook.docs / "metrics" / "nps.md")["definition"].startswith("TODO:")
    assert front(handbook.docs / "our-mission.md")["statement"].startswith("TODO:")
    messages = {d["message"].split("`")[1]: d["message"] for d in placeholder_errors(handbook)}
    assert set(messages) == {"touch", "definition", "statement"}
    assert messages["touch"].endswith("replace the placeholder with one of: high, medium, low, tech.")
    assert messages["definition"].endswith("your own words (the placeholder says what to write).")


# --- where pages go -------------------------------------------------------------------------------


def test_page_goes_to_the_folder_holding_most_pages_of_its_kind(handbook):
    for name in ("health-check", "renewal-prep"):
        handbook.write(
            f"guides/cs/{name}.md",
            f"---\nkind: playbook\ntitle: {name}\nowner: sales\ntype: risk\nstages: [purchase]\n"
            "trigger: {signal: Health drops}\n---\n",
        )
    handbook.write(
        "guides/cs/extra.md",
        "---\nkind: playbook\ntitle: Extra\nowner: sales\ntype: risk\nstages: [purchase]\ntrigger: {signal: x}\n---\n",
    )
    run = new(handbook, "playbook", "code-red", "--owner", "sales")
    assert run.exit_code == 0
    assert run.stdout.strip() == "docs/guides/cs/code-red.md"


def test_kind_without_pages_goes_to_its_default_folder(handbook):
    run = new(handbook, "metric", "health-score", "--owner", "sales")
    assert run.stdout.strip() == "docs/metrics/health-score.md"
    run = new(handbook, "segment", "scale", "--owner", "sales")
    assert run.stdout.strip() == "docs/segments/scale.md"


def test_mission_goes_where_the_mission_lives_or_at_the_top(handbook):
    run = new(handbook, "mission", "mission", "--owner", "sales")
    assert run.stdout.strip() == "docs/mission.md"


def test_folder_choice_is_stable_on_a_tie(handbook):
    handbook.write(
        "zz/extra.md",
        "---\nkind: playbook\ntitle: Extra\nowner: sales\ntype: risk\nstages: [purchase]\ntrigger: {signal: x}\n---\n",
    )
    handbook.write(
        "aa/extra-two.md",
        "---\nkind: playbook\ntitle: Extra\nowner: sales\ntype: risk\nstages: [purchase]\ntrigger: {signal: x}\n---\n",
    )
    handbook.write(
        "aa/extra-three.md",
        "---\nkind: playbook\ntitle: Extra\nowner: sales\ntype: risk\nstages: [purchase]\ntrigger: {signal: x}\n---\n",
    )
    # playbooks/ and aa/ both hold two: the alphabetical first wins.
    assert new(handbook, "playbook", "tie", "--owner", "sales").stdout.strip() == "docs/aa/tie.md"


def test_config_file_option_from_another_folder(handbook, tmp_path):
    run = invoke_cli(tmp_path, "new", "metric", "nps", "--owner", "sales", "-f", str(handbook.root / "mkdocs.yml"))
    assert run.exit_code == 0, run.output
    assert (handbook.docs / "metrics" / "nps.md").is_file()
    assert run.stdout.strip() == "handbook/docs/metrics/nps.md"


# --- refusals ---------------------------------------------------------------------------------------


def test_refuses_to_overwrite_an_existing_file(handbook):
    path = handbook.write("playbooks/notes.md", "# Notes, not an entity\n")
    before = tree(handbook.docs)
    run = new(handbook, "playbook", "notes", "--owner", "sales")
    assert run.exit_code == 1
    assert "already exists" in run.stderr and "never overwrites" in run.stderr
    assert run.stdout == ""
    assert tree(handbook.docs) == before
    assert path.read_bytes() == b"# Notes, not an entity\n"


def test_refuses_an_id_that_its_kind_already_has_elsewhere(handbook):
    handbook.write(
        "archive/code-red.md",
        "---\nkind: playbook\ntitle: Code red\nowner: sales\ntype: risk\nstages: [purchase]\ntrigger: {signal: x}\n---\n",
    )
    before = tree(handbook.docs)
    run = new(handbook, "playbook", "code-red", "--owner", "sales")
    assert run.exit_code == 1
    assert "already a playbook `code-red`" in run.stderr and "archive/code-red.md" in run.stderr
    assert tree(handbook.docs) == before


def test_the_same_id_in_another_kind_is_fine(handbook):
    run = new(handbook, "metric", "go-live", "--owner", "sales")
    assert run.exit_code == 0
    fill(handbook.docs / "metrics" / "go-live.md")
    assert handbook.check().exit_code == 0


def test_refuses_a_second_mission(handbook):
    handbook.write("mission.md", "---\nkind: mission\ntitle: Mission\nowner: sales\nstatement: We help.\n---\n")
    before = tree(handbook.docs)
    run = new(handbook, "mission", "another", "--owner", "sales")
    assert run.exit_code == 1 and "already has a mission" in run.stderr
    assert tree(handbook.docs) == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["playbok", "x"], "Did you mean `playbook`?"),
        (["Playbook", "x"], "not a kind of page"),
        (["playbook", "Code_Red"], "cannot be an id"),
        (["playbook", "code--red"], "cannot be an id"),
        (["playbook", "code-red", "--owner", "Customer Success"], "must be the id of a team page"),
        (["playbook", "code-red", "--title", "   "], "must not be empty"),
    ],
)
def test_bad_arguments_exit_2_and_write_nothing(handbook, args, words):
    before = tree(handbook.docs)
    run = new(handbook, *args)
    assert run.exit_code == 2
    assert words in run.stderr
    assert "Traceback" not in run.output
    assert tree(handbook.docs) == before


def test_missing_config_exits_2(tmp_path):
    run = invoke_cli(tmp_path, "new", "playbook", "x")
    assert run.exit_code == 2 and "mkdocs.yml" in run.stderr


def test_refuses_a_folder_that_leads_outside_the_docs_folder(handbook, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (handbook.docs / "metrics").symlink_to(outside, target_is_directory=True)
    run = new(handbook, "metric", "nps", "--owner", "sales")
    assert run.exit_code == 1
    assert "outside the docs folder" in run.stderr
    assert list(outside.iterdir()) == []


def test_writes_atomically_and_leaves_no_temporary_file(handbook):
    new(handbook, "playbook", "code-red", "--owner", "sales")
    assert sorted(p.name for p in (handbook.docs / "playbooks").iterdir()) == [
        "code-red.md", "deal-desk.md", "welcome.md"
    ]


def test_write_new_never_replaces_a_file_that_appears_meanwhile(handbook):
    page = scaffold.NewPage("playbooks/race.md", "---\nkind: playbook\n---\n")
    target = handbook.docs / "playbooks" / "race.md"
    target.write_text("theirs\n", encoding="utf-8")
    with pytest.raises(scaffold.ScaffoldError) as caught:
        scaffold.write_new(handbook.docs, page)
    assert caught.value.status == scaffold.EXISTS
    assert target.read_text(encoding="utf-8") == "theirs\n"


def test_humanise():
    assert scaffold.humanise("go-live") == "Go live"
    assert scaffold.humanise("nps") == "Nps"
    assert scaffold.humanise("90-day-review") == "90 day review"
