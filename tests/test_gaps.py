"""Gap analysis (SPEC §3): every finding with its code, severity, entity, file, line and segments; the
tricky journeys; messages that say how to close the gap; and the ``gaps: warn|error|off`` setting as
``journeysite check`` and a real ``mkdocs build`` honour it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import codes

GAP_CODES = {
    "missing-handoff",
    "handoff-owner-mismatch",
    "handoff-without-artifacts",
    "stage-without-milestones",
    "raci-conflict",
    "uncovered-cell",
    "orphan-team",
}


# --- writing small handbooks -------------------------------------------------------------------------


def entity(project, kind: str, name: str, **fields) -> Path:
    """Write docs/<kind>s/<name>.md from front-matter fields (a trailing ``_`` is dropped: ``from_``)."""
    front = {"kind": kind, "title": name.replace("-", " ").capitalize()}
    front.update({key.rstrip("_"): value for key, value in fields.items()})
    return project.write(f"{kind}s/{name}.md", "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n")


def team(project, name: str, **fields) -> Path:
    return entity(project, "team", name, **fields)


def segment(project, name: str, **fields) -> Path:
    return entity(project, "segment", name, **{"owner": "success", "touch": "high", **fields})


def stage(project, name: str, order: int, owner: str, **fields) -> Path:
    return entity(project, "stage", name, owner=owner, order=order, **fields)


def milestone(project, name: str, stage: str, order: int, owner: str, **fields) -> Path:
    return entity(project, "milestone", name, owner=owner, stage=stage, order=order, **fields)


def playbook(project, name: str, stages: list[str], owner: str | None = None, **fields) -> Path:
    defaults = {
        "owner": owner or "success",
        "type": "lifecycle",
        "stages": stages,
        "trigger": {"manual": "Account team decides"},
    }
    return entity(project, "playbook", name, **{**defaults, **fields})


def handoff(project, name: str, giver: str, receiver: str, **fields) -> Path:
    defaults = {"owner": giver, "from_": giver, "to": receiver, "artifacts": ["account notes"]}
    return entity(project, "handoff", name, **{**defaults, **fields})


def handbook(project, *segments: str, options: str = ""):
    """A three-stage handbook in which every change of owner is covered: it has no findings at all.

    purchase (sales) -> onboarding (onboarding) -> adoption (success), one lifecycle playbook per stage,
    a handoff between each pair of stages, and the given segments.
    """
    p = project(options=options)
    for name in ("sales", "onboarding", "success"):
        team(p, name)
    for name in segments:
        segment(p, name)
    stage(p, "purchase", 1, "sales")
    stage(p, "onboarding", 2, "onboarding")
    stage(p, "adoption", 3, "success")
    milestone(p, "contract-signed", "purchase", 1, "sales")
    milestone(p, "kickoff", "onboarding", 1, "onboarding")
    milestone(p, "go-live", "onboarding", 2, "onboarding")
    milestone(p, "first-value", "adoption", 1, "success")
    playbook(p, "close", ["purchase"], "sales")
    playbook(p, "launch", ["onboarding"], "onboarding")
    playbook(p, "grow", ["adoption"], "success")
    handoff(p, "purchase-to-onboarding", "sales", "onboarding", from_stage="purchase", to_stage="onboarding")
    handoff(
        p, "onboarding-to-adoption", "onboarding", "success", from_stage="onboarding", to_stage="adoption"
    )
    return p


def findings(project, *wanted: str) -> list[dict]:
    """The diagnostics of ``journeysite check --format json`` (only the given codes, if any); no errors allowed."""
    _, data = project.check_json()
    assert data["counts"]["error"] == 0, data["diagnostics"]
    return [d for d in data["diagnostics"] if not wanted or d["code"] in wanted]


def line_of(path: Path, start: str) -> int:
    """The 1-based line of the first line of ``path`` that starts with ``start``."""
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text.startswith(start):
            return number
    raise AssertionError(f"no line starting with {start!r} in {path}")


def remove(project, relative: str) -> None:
    (project.docs / relative).unlink()


# --- the fixture handbook itself ----------------------------------------------------------------------


@pytest.mark.parametrize("segments", [(), ("enterprise", "scale")], ids=["no-segments", "two-segments"])
def test_a_handbook_whose_handoffs_cover_every_change_of_owner_has_no_findings(project, segments):
    p = handbook(project, *segments)

    run = p.check("--strict")

    assert findings(p) == []
    assert run.exit_code == 0, run.stdout


# --- missing-handoff -----------------------------------------------------------------------------------


def test_missing_handoff_between_stages_names_the_earlier_stage_and_the_front_matter_to_add(project):
    p = handbook(project)
    remove(p, "handoffs/purchase-to-onboarding.md")

    [found] = findings(p, *GAP_CODES)

    assert {k: v for k, v in found.items() if k != "message"} == {
        "code": "missing-handoff",
        "severity": "warning",
        "file": "stages/purchase.md",
        "line": line_of(p.docs / "stages/purchase.md", "owner:"),
        "entity": "stage:purchase",
        "segments": [],
    }
    for front_matter in ("from: sales", "to: onboarding", "from_stage: purchase", "to_stage: onboarding"):
        assert front_matter in found["message"]


def test_consecutive_stages_with_the_same_owner_need_no_handoff(project):
    p = handbook(project)
    stage(p, "adoption", 3, "onboarding")
    remove(p, "handoffs/onboarding-to-adoption.md")

    assert findings(p, "missing-handoff") == []


def test_missing_handoff_between_milestones_names_the_earlier_milestone_and_the_front_matter_to_add(project):
    p = handbook(project)
    milestone(p, "go-live", "onboarding", 2, "success")

    [found] = findings(p, *GAP_CODES)

    assert {k: v for k, v in found.items() if k != "message"} == {
        "code": "missing-handoff",
        "severity": "warning",
        "file": "milestones/kickoff.md",
        "line": line_of(p.docs / "milestones/kickoff.md", "owner:"),
        "entity": "milestone:kickoff",
        "segments": [],
    }
    for front_matter in ("from: onboarding", "to: success", "milestone: kickoff"):
        assert front_matter in found["message"]


def test_a_handoff_after_a_milestone_covers_the_change_of_owner_inside_the_stage(project):
    p = handbook(project)
    milestone(p, "go-live", "onboarding", 2, "success")
    handoff(p, "kickoff-to-go-live", "onboarding", "success", milestone="kickoff")

    assert findings(p) == []


def test_a_stage_handoff_does_not_cover_a_change_of_owner_between_milestones(project):
    p = handbook(project)
    milestone(p, "go-live", "onboarding", 2, "success")
    handoff(
        p, "onboarding-to-adoption", "onboarding", "success", from_stage="onboarding", to_stage="adoption"
    )

    assert [d["entity"] for d in findings(p, "missing-handoff")] == ["milestone:kickoff"]


@pytest.mark.parametrize(("status", "expected"), [("retired", ["stage:purchase"]), ("draft", [])])
def test_a_retired_handoff_does_not_cover_a_transition_and_a_draft_one_does(project, status, expected):
    p = handbook(project)
    handoff(
        p,
        "purchase-to-onboarding",
        "sales",
        "onboarding",
        from_stage="purchase",
        to_stage="onboarding",
        status=status,
    )

    assert [d["entity"] for d in findings(p, "missing-handoff")] == expected


# --- handoff-owner-mismatch ----------------------------------------------------------------------------

STAGE_HANDOFF = """\
---
kind: handoff
title: Purchase to onboarding
owner: sales
from: {giver}
to: {receiver}
from_stage: purchase
to_stage: onboarding
artifacts: [order form]
---
"""


@pytest.mark.parametrize(
    ("giver", "receiver", "expected"),
    [
        ("support", "onboarding", [(5, "from: sales")]),
        ("sales", "support", [(6, "to: onboarding")]),
        ("support", "support", [(5, "from: sales"), (6, "to: onboarding")]),
    ],
    ids=["wrong-from", "wrong-to", "both-wrong"],
)
def test_a_handoff_between_the_right_stages_but_the_wrong_teams_is_a_mismatch_on_that_key(
    project, giver, receiver, expected
):
    p = handbook(project)
    team(p, "support")
    p.write("handoffs/purchase-to-onboarding.md", STAGE_HANDOFF.format(giver=giver, receiver=receiver))

    found = findings(p, *GAP_CODES)

    # It still covers the transition it names: the only findings are the mismatches.
    assert [(d["code"], d["severity"], d["file"], d["line"], d["entity"], d["segments"]) for d in found] == [
        (
            "handoff-owner-mismatch",
            "warning",
            "handoffs/purchase-to-onboarding.md",
            line,
            "handoff:purchase-to-onboarding",
            [],
        )
        for line, _ in expected
    ]
    for d, (_, fix) in zip(found, expected, strict=True):
        assert fix in d["message"]


def test_a_milestone_handoff_to_a_team_that_does_not_own_the_next_milestone_is_a_mismatch(project):
    p = handbook(project)
    team(p, "support")
    milestone(p, "go-live", "onboarding", 2, "success")
    p.write(
        "handoffs/kickoff-to-go-live.md",
        """\
        ---
        kind: handoff
        title: Kickoff to go-live
        owner: onboarding
        from: onboarding
        to: support
        milestone: kickoff
        artifacts: [project plan]
        ---
        """,
    )

    found = findings(p, *GAP_CODES)

    assert [(d["code"], d["severity"], d["file"], d["line"], d["entity"], d["segments"]) for d in found] == [
        (
            "handoff-owner-mismatch",
            "warning",
            "handoffs/kickoff-to-go-live.md",
            6,
            "handoff:kickoff-to-go-live",
            [],
        ),
    ]
    assert "to: success" in found[0]["message"]


# --- handoff-without-artifacts -------------------------------------------------------------------------

HANDOFF_WITHOUT_ARTIFACTS = """\
---
kind: handoff
title: Purchase to onboarding
owner: sales
from: sales
to: onboarding
from_stage: purchase
to_stage: onboarding
{artifacts}---
"""


@pytest.mark.parametrize(
    ("artifacts", "line"),
    [("", 1), ("artifacts: []\n", 9)],
    ids=["absent", "empty-list"],
)
def test_a_handoff_that_says_nothing_about_what_travels_is_without_artifacts(project, artifacts, line):
    p = handbook(project)
    p.write("handoffs/purchase-to-onboarding.md", HANDOFF_WITHOUT_ARTIFACTS.format(artifacts=artifacts))

    found = findings(p, *GAP_CODES)

    assert [(d["code"], d["severity"], d["file"], d["line"], d["entity"], d["segments"]) for d in found] == [
        (
            "handoff-without-artifacts",
            "warning",
            "handoffs/purchase-to-onboarding.md",
            line,
            "handoff:purchase-to-onboarding",
            [],
        ),
    ]


def test_a_handoff_whose_artifacts_are_blank_says_nothing_about_what_travels(project):
    p = handbook(project)
    p.write(
        "handoffs/purchase-to-onboarding.md",
        HANDOFF_WITHOUT_ARTIFACTS.format(artifacts="artifacts: ['', ' ']\n"),
    )

    found = findings(p, *GAP_CODES)

    assert [(d["code"], d["line"], d["entity"]) for d in found] == [
        ("handoff-without-artifacts", 9, "handoff:purchase-to-onboarding"),
    ]


# --- stage-without-milestones --------------------------------------------------------------------------


def test_a_stage_whose_only_milestone_is_retired_is_a_stage_without_milestones(project):
    p = handbook(project)
    milestone(p, "first-value", "adoption", 1, "success", status="retired")

    found = findings(p, *GAP_CODES)

    assert [(d["code"], d["severity"], d["file"], d["line"], d["entity"], d["segments"]) for d in found] == [
        ("stage-without-milestones", "warning", "stages/adoption.md", 1, "stage:adoption", []),
    ]


def test_a_stage_without_milestones_in_one_segment_journey_names_only_that_segment(project):
    p = handbook(project, "enterprise", "scale")
    milestone(p, "first-value", "adoption", 1, "success", segments=["enterprise"])

    found = findings(p, "stage-without-milestones")

    assert [(d["entity"], d["segments"]) for d in found] == [("stage:adoption", ["scale"])]


# --- raci-conflict -------------------------------------------------------------------------------------

RACI_STAGE = """\
---
kind: stage
title: Adoption
owner: success
order: 3
raci:
  responsible:
    - {responsible}
  consulted:
    - {consulted}
  informed:
    - {informed}
---
"""


@pytest.mark.parametrize(
    ("responsible", "consulted", "informed", "line", "role"),
    [
        ("sales", "success", "finance", 10, "consulted"),
        ("sales", "finance", "success", 12, "informed"),
        ("support", "support", "finance", 10, "consulted"),
        ("support", "finance", "support", 12, "informed"),
    ],
    ids=[
        "owner-consulted",
        "owner-informed",
        "responsible-consulted",
        "responsible-informed",
    ],
)
def test_a_team_holding_two_roles_that_exclude_each_other_is_a_raci_conflict(
    project, responsible, consulted, informed, line, role
):
    p = handbook(project)
    team(p, "support")
    team(p, "finance")
    p.write(
        "stages/adoption.md",
        RACI_STAGE.format(responsible=responsible, consulted=consulted, informed=informed),
    )

    found = findings(p, "raci-conflict")

    assert [(d["code"], d["severity"], d["file"], d["line"], d["entity"], d["segments"]) for d in found] == [
        ("raci-conflict", "warning", "stages/adoption.md", line, "stage:adoption", []),
    ]
    assert f"raci.{role}" in found[0]["message"]


def test_consulted_and_informed_together_is_no_conflict(project):
    """Real matrices write "C,I" on purpose: consulted before the work, informed after (SPEC §3)."""
    p = handbook(project)
    team(p, "support")
    team(p, "finance")
    p.write("stages/adoption.md", RACI_STAGE.format(responsible="sales", consulted="support", informed="support"))

    assert findings(p, "raci-conflict") == []


def test_the_owner_may_also_be_responsible(project):
    p = handbook(project)
    team(p, "support")
    team(p, "finance")
    p.write(
        "stages/adoption.md",
        RACI_STAGE.format(responsible="success", consulted="support", informed="finance"),
    )

    assert findings(p, "raci-conflict") == []


# --- uncovered-cell ------------------------------------------------------------------------------------


def test_a_stage_without_a_lifecycle_playbook_for_a_segment_is_an_uncovered_cell_for_that_segment(project):
    p = handbook(project, "enterprise", "mid-market", "scale")
    playbook(p, "grow", ["adoption"], "success", segments=["enterprise"])

    found = findings(p, *GAP_CODES)

    assert [(d["code"], d["severity"], d["file"], d["line"], d["entity"], d["segments"]) for d in found] == [
        ("uncovered-cell", "info", "stages/adoption.md", 1, "stage:adoption", ["mid-market", "scale"]),
    ]


@pytest.mark.parametrize(
    ("fields", "uncovered"),
    [({"type": "risk"}, True), ({"status": "retired"}, True), ({"status": "draft"}, False)],
    ids=["risk-playbook", "retired-playbook", "draft-playbook"],
)
def test_only_an_active_lifecycle_playbook_covers_a_stage(project, fields, uncovered):
    p = handbook(project)
    playbook(p, "grow", ["adoption"], "success", **fields)

    found = findings(p, "uncovered-cell")

    assert [(d["entity"], d["segments"]) for d in found] == ([("stage:adoption", [])] if uncovered else [])


# --- orphan-team ---------------------------------------------------------------------------------------


def test_a_team_no_page_names_is_an_orphan(project):
    p = handbook(project)
    team(p, "finance")

    found = findings(p, *GAP_CODES)

    assert [(d["code"], d["severity"], d["file"], d["line"], d["entity"], d["segments"]) for d in found] == [
        ("orphan-team", "info", "teams/finance.md", 1, "team:finance", []),
    ]


def test_a_team_named_only_by_a_retired_page_is_an_orphan(project):
    p = handbook(project)
    team(p, "finance")
    playbook(p, "invoice", ["purchase"], "finance", status="retired", raci={"informed": ["finance"]})

    assert [d["entity"] for d in findings(p, "orphan-team")] == ["team:finance"]


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("playbook", {"owner": "finance", "status": "draft"}),
        ("playbook", {"raci": {"informed": ["finance"]}}),
        ("playbook", {"steps": [{"do": "Send the first invoice", "owner": "finance"}]}),
        ("handoff", {"from_": "success", "to": "finance", "milestone": "first-value"}),
    ],
    ids=["owner-of-a-draft", "raci", "step-owner", "handoff"],
)
def test_a_team_named_by_an_active_page_is_not_an_orphan(project, kind, fields):
    p = handbook(project)
    team(p, "finance")
    if kind == "playbook":
        playbook(p, "invoice", ["purchase"], **{"owner": "sales", **fields})
    else:
        handoff(p, "invoice", "success", "finance", **fields)

    assert findings(p, "orphan-team") == []


# --- segments: journeys that differ ---------------------------------------------------------------------


def test_a_stage_only_some_segments_go_through_leaves_a_transition_for_the_others_only(project):
    p = handbook(project, "enterprise", "scale")
    stage(p, "onboarding", 2, "onboarding", segments=["enterprise"])

    found = findings(p, *GAP_CODES)

    # Scale goes from purchase straight to adoption, and no handoff covers that.
    assert [(d["code"], d["entity"], d["segments"]) for d in found] == [
        ("missing-handoff", "stage:purchase", ["scale"]),
    ]
    for front_matter in ("from: sales", "to: success", "from_stage: purchase", "to_stage: adoption"):
        assert front_matter in found[0]["message"]


def test_a_handoff_limited_to_one_segment_leaves_the_other_segments_uncovered(project):
    p = handbook(project, "enterprise", "mid-market", "scale")
    handoff(
        p,
        "purchase-to-onboarding",
        "sales",
        "onboarding",
        from_stage="purchase",
        to_stage="onboarding",
        segments=["enterprise"],
    )

    found = findings(p, *GAP_CODES)

    assert [(d["code"], d["entity"], d["segments"]) for d in found] == [
        ("missing-handoff", "stage:purchase", ["mid-market", "scale"]),
    ]
    assert "purchase-to-onboarding" in found[0]["message"]


def test_a_retired_milestone_is_skipped_so_the_milestones_around_it_become_consecutive(project):
    p = handbook(project)
    milestone(p, "configured", "onboarding", 2, "onboarding", status="retired")
    milestone(p, "go-live", "onboarding", 3, "success")

    found = findings(p, *GAP_CODES)

    assert [(d["code"], d["entity"]) for d in found] == [("missing-handoff", "milestone:kickoff")]
    assert "milestone: kickoff" in found[0]["message"]


def test_a_milestone_of_another_segment_does_not_stand_between_two_milestones(project):
    p = handbook(project, "enterprise", "scale")
    milestone(p, "configured", "onboarding", 2, "onboarding", segments=["enterprise"])
    milestone(p, "go-live", "onboarding", 3, "success")
    handoff(p, "configured-to-go-live", "onboarding", "success", milestone="configured")

    found = findings(p, *GAP_CODES)

    # Enterprise goes kickoff -> configured -> go-live (covered); scale goes kickoff -> go-live (not).
    assert [(d["code"], d["entity"], d["segments"]) for d in found] == [
        ("missing-handoff", "milestone:kickoff", ["scale"]),
    ]


def test_without_segments_no_finding_names_a_segment(project):
    p = handbook(project)
    remove(p, "handoffs/purchase-to-onboarding.md")
    milestone(p, "first-value", "adoption", 1, "success", status="retired")
    remove(p, "playbooks/grow.md")

    found = findings(p, *GAP_CODES)

    assert sorted((d["code"], d["entity"]) for d in found) == [
        ("missing-handoff", "stage:purchase"),
        ("stage-without-milestones", "stage:adoption"),
        ("uncovered-cell", "stage:adoption"),
    ]
    assert [d["segments"] for d in found] == [[], [], []]


def test_a_gap_in_several_segment_journeys_is_one_finding_naming_them_all_sorted(project):
    p = handbook(project)
    # File order (b, c, a) is not id order, so the sorted segments cannot come from the files.
    segment(p, "b", id="scale")
    segment(p, "c", id="enterprise")
    segment(p, "a", id="mid-market")
    remove(p, "handoffs/purchase-to-onboarding.md")
    milestone(p, "first-value", "adoption", 1, "success", status="retired")
    remove(p, "playbooks/grow.md")

    found = findings(p, *GAP_CODES)

    everyone = ["enterprise", "mid-market", "scale"]
    assert sorted((d["code"], d["entity"], tuple(d["segments"])) for d in found) == [
        ("missing-handoff", "stage:purchase", tuple(everyone)),
        ("stage-without-milestones", "stage:adoption", tuple(everyone)),
        ("uncovered-cell", "stage:adoption", tuple(everyone)),
    ]


# --- check --format json --------------------------------------------------------------------------------


def test_check_json_prints_each_finding_once_and_fails_only_with_strict(project):
    p = handbook(project, "enterprise", "mid-market", "scale")
    team(p, "finance")
    remove(p, "handoffs/purchase-to-onboarding.md")
    milestone(p, "go-live", "onboarding", 2, "success")
    milestone(p, "first-value", "adoption", 1, "success", segments=["enterprise"])

    exit_code, data = p.check_json()
    strict_exit_code, strict_data = p.check_json("--strict")

    assert exit_code == 0
    assert strict_exit_code == 1
    assert strict_data == data
    shown = [json.dumps(d, sort_keys=True) for d in data["diagnostics"]]
    assert len(shown) == len(set(shown)), "a finding is printed more than once"
    assert sorted(codes(data)) == [
        "missing-handoff",
        "missing-handoff",
        "orphan-team",
        "stage-without-milestones",
    ]
    assert data["counts"] == {"error": 0, "warning": 3, "info": 1}


# --- the gaps setting: journeysite check ----------------------------------------------------------------


@pytest.mark.parametrize("options", ["", "gaps: warn"], ids=["default", "warn"])
def test_gaps_warn_reports_gaps_as_warnings_that_fail_only_strict_checks(project, options):
    p = handbook(project, options=options)
    remove(p, "handoffs/purchase-to-onboarding.md")
    team(p, "finance")

    exit_code, data = p.check_json()

    assert exit_code == 0
    assert sorted((d["code"], d["severity"]) for d in data["diagnostics"]) == [
        ("missing-handoff", "warning"),
        ("orphan-team", "info"),
    ]
    assert p.check("--strict").exit_code == 1


def test_gaps_error_makes_gap_warnings_errors_and_leaves_infos_alone(project):
    p = handbook(project, options="gaps: error")
    remove(p, "handoffs/purchase-to-onboarding.md")
    team(p, "finance")

    exit_code, data = p.check_json()

    assert exit_code == 1
    assert sorted((d["code"], d["severity"]) for d in data["diagnostics"]) == [
        ("missing-handoff", "error"),
        ("orphan-team", "info"),
    ]


def test_gaps_error_passes_a_handbook_whose_only_findings_are_infos(project):
    p = handbook(project, options="gaps: error")
    team(p, "finance")

    exit_code, data = p.check_json()

    assert exit_code == 0
    assert [(d["code"], d["severity"]) for d in data["diagnostics"]] == [("orphan-team", "info")]


# `gaps: off` is written unquoted, as SPEC §6 writes it (YAML 1.1 reads a bare `off` as false).


def test_gaps_off_reports_no_gap_findings(project):
    p = handbook(project, options="gaps: off")
    remove(p, "handoffs/purchase-to-onboarding.md")
    remove(p, "playbooks/grow.md")
    team(p, "finance")

    run = p.check("--format", "json", "--strict")

    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["diagnostics"] == []


def test_gaps_off_still_reports_errors(project):
    p = handbook(project, options="gaps: off")
    remove(p, "handoffs/purchase-to-onboarding.md")
    p.write("handoffs/onboarding-to-adoption.md", STAGE_HANDOFF.format(giver="sales", receiver="nobody"))

    run = p.check("--format", "json")

    assert run.exit_code == 1, run.stderr
    assert codes(json.loads(run.stdout)) == ["unknown-ref"]


# --- the gaps setting: a real mkdocs build ----------------------------------------------------------------


def test_build_with_gaps_warn_passes_and_fails_with_strict(project):
    p = handbook(project)
    remove(p, "handoffs/purchase-to-onboarding.md")

    built = p.build()
    strict = p.build("--strict")

    assert built.returncode == 0, built.stderr
    assert "WARNING" in built.stderr and "[missing-handoff]" in built.stderr, built.stderr
    assert strict.returncode == 1, strict.stderr
    assert "[missing-handoff]" in strict.stderr


def test_build_with_gaps_error_fails(project):
    p = handbook(project, options="gaps: error")
    remove(p, "handoffs/purchase-to-onboarding.md")

    built = p.build()

    assert built.returncode == 1, built.stderr
    assert "stages/purchase.md" in built.stderr and "[missing-handoff]" in built.stderr, built.stderr


def test_build_with_gaps_off_passes_strict(project):
    p = handbook(project, options="gaps: off")
    remove(p, "handoffs/purchase-to-onboarding.md")

    built = p.build("--strict")

    assert built.returncode == 0, built.stderr
    assert "missing-handoff" not in built.stderr


def test_build_logs_info_findings_as_info_which_strict_does_not_fail_on(project):
    p = handbook(project)
    team(p, "finance")

    built = p.build("--strict")

    assert built.returncode == 0, built.stderr
    [logged] = [line for line in built.stderr.splitlines() if "[orphan-team]" in line]
    assert logged.startswith("INFO") and "teams/finance.md" in logged
