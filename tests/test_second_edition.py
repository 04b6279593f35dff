"""SPEC §7.1–§7.4 as a department lead meets them: segment owners, moves between segments, accepted findings,
the `gaps` levels, the new diagnostics and one mistake one diagnostic; each finding read for code, severity,
file, line, entity, segments and the fix its message names, and the pages built with a real ``mkdocs build``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from browser_support import article, mkdocs_build, section_node
from conftest import codes, invoke_cli
from test_gaps import GAP_CODES, handbook, handoff, line_of, milestone, playbook, remove, segment, stage, team

from journeysite.core import pipeline
from journeysite.core.settings import read_config

ROOT = Path(__file__).resolve().parent.parent
FIRST_EDITION = Path(__file__).parent / "fixtures" / "first-edition"
NEW_CODES = {"never-in-a-journey", "handoff-not-a-transition", "step-outside-playbook", "text-cut-by-comment"}


def found(hb, *wanted: str, args: tuple[str, ...] = ()) -> list[dict]:
    """The diagnostics of ``journeysite check --format json`` (only the given codes, if any)."""
    _, data = hb.check_json(*args)
    return [d for d in data["diagnostics"] if not wanted or d["code"] in wanted]


def where(d: dict) -> tuple:
    return d["code"], d["severity"], d["file"], d["line"], d["entity"], d["segments"]


def result_of(hb) -> pipeline.Result:
    return pipeline.run_project(read_config(hb.root / "mkdocs.yml"))


def built(hb, *args: str) -> Path:
    done = hb.build(*args)
    assert done.returncode == 0, done.stderr
    return hb.root / "site"


def exported(hb) -> dict:
    return json.loads((hb.root / "site" / "journey.json").read_text(encoding="utf-8"))


# --- §7.1 who owns a stage depends on the segment -------------------------------------------------


def owned_by_segment(project, options: str = ""):
    """Onboarding then adoption, both owned by Success, except that Scaled owns adoption for the scale
    segment (listed first by its ``order``). Scaled is named nowhere else."""
    hb = project(options=options)
    team(hb, "success")
    team(hb, "scaled")
    segment(hb, "enterprise", order=2)
    segment(hb, "scale", order=1)
    stage(hb, "onboarding", 1, "success")
    stage(hb, "adoption", 2, "success", segment_owners={"scale": "scaled"})
    milestone(hb, "kickoff", "onboarding", 1, "success")
    milestone(hb, "first-value", "adoption", 1, "success")
    playbook(hb, "launch", ["onboarding"], "success")
    playbook(hb, "grow", ["adoption"], "success")
    return hb


def scale_handoff(hb, giver="success", receiver="scaled", segments=("scale",)):
    limit = {"segments": list(segments)} if segments else {}
    return handoff(hb, "onboarding-to-adoption", giver, receiver, from_stage="onboarding", to_stage="adoption",
                   **limit)


def test_a_segment_owner_needs_a_handoff_in_that_segments_journey_only(project):
    hb = owned_by_segment(project)

    [gap] = found(hb)  # and no orphan-team: Scaled is only a segment owner

    assert where(gap) == ("missing-handoff", "warning", "stages/onboarding.md",
                          line_of(hb.docs / "stages/onboarding.md", "owner:"), "stage:onboarding", ["scale"])
    for fix in ("from: success", "to: scaled", "from_stage: onboarding", "to_stage: adoption"):
        assert fix in gap["message"]
    scale_handoff(hb)
    assert found(hb) == []
    assert hb.check("--strict").exit_code == 0


def test_a_gap_whose_teams_differ_by_segment_tells_each_segment_its_own_teams(project):
    hb = owned_by_segment(project)
    team(hb, "sales")
    stage(hb, "adoption", 2, "sales", segment_owners={"scale": "scaled"})

    gaps = found(hb, "missing-handoff")

    by_segment = {s: d["message"] for d in gaps for s in d["segments"]}
    assert sorted(by_segment) == ["enterprise", "scale"]
    assert "`to: sales`" in by_segment["enterprise"], by_segment
    assert "`to: scaled`" in by_segment["scale"], by_segment


@pytest.mark.parametrize(("owners", "key", "typo", "named"), [
    ("  scale: scaeld\n", "  scale:", "scaeld", "Did you mean `scaled`?"),
    ("  scal: scaled\n", "  scal:", "scal", "Did you mean `scale`?"),
], ids=["unknown-team", "unknown-segment"])
def test_segment_owners_naming_nothing_is_an_unknown_ref_at_its_line(project, owners, key, typo, named):
    hb = owned_by_segment(project)
    path = hb.write("stages/adoption.md", "---\nkind: stage\ntitle: Adoption\nowner: success\norder: 2\n"
                    f"segment_owners:\n{owners}---\n")

    [problem, *others] = sorted(found(hb), key=lambda d: d["severity"] != "error")

    assert where(problem) == ("unknown-ref", "error", "stages/adoption.md", line_of(path, key), "stage:adoption", [])
    assert f"`{typo}`" in problem["message"] and named in problem["message"]
    # one mistake, one diagnostic: no finding builds on the typo (a handoff `to: scaeld` cannot be written)
    assert [d for d in others if f"{typo}`" in d["message"] or d["severity"] == "error"] == []


def test_the_grid_and_journey_json_show_each_segments_owner(project):
    hb = owned_by_segment(project)
    scale_handoff(hb)
    site = built(hb, "--strict")

    grid = article(site, "journey/grid/index.html").find("div", "jsite-grid-tabs")
    labels = [label.text() for label in grid.find("div", "tabbed-labels").find_all("label")]
    headers = {
        label: {th.find("a").text(): th.text() for th in block.find("thead").find_all("th")[1:]}
        for label, block in zip(labels, grid.find_all("div", "tabbed-block"), strict=True)
    }
    assert labels == ["All segments", "Scale", "Enterprise"]
    assert "Scaled" in headers["Scale"]["Adoption"] and "Success" not in headers["Scale"]["Adoption"]
    assert "Success" in headers["All segments"]["Adoption"]
    assert "owner varies by segment" in headers["All segments"]["Adoption"]
    assert "Scaled" not in headers["All segments"]["Adoption"]
    assert "varies" not in headers["All segments"]["Onboarding"]
    journeys = {j["segment"]: {s["stage"]: s["owner"] for s in j["stages"]} for j in exported(hb)["journeys"]}
    assert list(journeys) == ["scale", "enterprise"]
    assert journeys == {"scale": {"onboarding": "success", "adoption": "scaled"},
                        "enterprise": {"onboarding": "success", "adoption": "success"}}


def test_the_raci_matrix_has_a_view_per_segment_with_its_owner_accountable(project):
    hb = owned_by_segment(project)
    scale_handoff(hb)
    site = built(hb, "--strict")

    views = []
    for table in article(site, "journey/raci/index.html").find_all("table"):
        teams = [th.text() for th in table.find("tr").find_all("th")]
        rows = {tr.find("th").text(): [c.text() for c in tr.find_all("td")] for tr in table.find_all("tr")[1:]}
        views.append({row: dict(zip(teams[1:], cells, strict=False)) for row, cells in rows.items()})

    adoption = [next(v for k, v in view.items() if k.startswith("Adoption")) for view in views]
    assert any("A" in row.get("Success", "") and "A" not in row.get("Scaled", "") for row in adoption)
    assert any("A" in row.get("Scaled", "") and "A" not in row.get("Success", "") for row in adoption), adoption


# --- §7.2 customers move between segments -----------------------------------------------------------


def moving(project):
    """Self-serve (Scaled) → mid-market (Success) → enterprise (Success), in that ``order`` (not by id)."""
    hb = project()
    team(hb, "success")
    team(hb, "scaled")
    segment(hb, "self-serve", owner="scaled", order=1, moves_to=["mid-market"])
    segment(hb, "mid-market", order=2, moves_to=["enterprise"])
    segment(hb, "enterprise", order=3)
    stage(hb, "onboarding", 1, "success")
    milestone(hb, "kickoff", "onboarding", 1, "success")
    playbook(hb, "launch", ["onboarding"], "success")
    return hb


def move_handoff(hb, giver="scaled", receiver="success", **fields):
    return handoff(hb, "self-serve-to-mid-market", giver, receiver, from_segment="self-serve",
                   to_segment="mid-market", when="Annual spend passes $20k", **fields)


def test_a_move_between_segments_with_different_owners_needs_a_segment_handoff_with_when(project):
    hb = moving(project)

    [gap] = found(hb)  # mid-market → enterprise keeps its owner: no finding

    path = hb.docs / "segments/self-serve.md"
    assert where(gap)[:5] == ("missing-handoff", "warning", "segments/self-serve.md", line_of(path, "- mid-market"),
                              "segment:self-serve")
    for fix in ("from: scaled", "to: success", "from_segment: self-serve", "to_segment: mid-market", "when"):
        assert fix in gap["message"]
    move_handoff(hb)  # a segment handoff, with `when`, covers the move
    assert found(hb) == [] and hb.check("--strict").exit_code == 0


@pytest.mark.parametrize(("giver", "receiver", "key", "fix"), [
    ("success", "success", "from:", "`from: scaled`"),
    ("scaled", "scaled", "to:", "`to: success`"),
], ids=["wrong-from", "wrong-to"])
def test_a_segment_handoff_between_the_wrong_teams_is_a_mismatch(project, giver, receiver, key, fix):
    hb = moving(project)
    path = move_handoff(hb, giver, receiver)

    [mismatch] = found(hb, *GAP_CODES)

    assert where(mismatch)[:5] == ("handoff-owner-mismatch", "warning", "handoffs/self-serve-to-mid-market.md",
                                   line_of(path, key), "handoff:self-serve-to-mid-market")
    assert fix in mismatch["message"]


def test_a_handoff_mixing_the_stage_and_segment_forms_is_a_schema_error_at_one_of_those_keys(project):
    hb = moving(project)
    path = move_handoff(hb, from_stage="onboarding", to_stage="onboarding")

    [problem] = [d for d in found(hb) if d["file"] == "handoffs/self-serve-to-mid-market.md"]

    assert where(problem)[:3] == ("schema", "error", "handoffs/self-serve-to-mid-market.md")
    assert problem["line"] in (line_of(path, "from_stage:"), line_of(path, "from_segment:")), problem
    assert "from_segment" in problem["message"] and "from_stage" in problem["message"]


def test_the_overview_shows_the_moves_with_their_handoffs_linked(project):
    hb = moving(project)
    move_handoff(hb)
    site = built(hb, "--strict")

    moves = section_node(article(site, "journey/index.html"), "Moving between segments")

    text = moves.text()
    assert "Self serve → Mid market" in text and "Annual spend passes $20k" in text
    assert any(a.attrs.get("href", "").endswith("handoffs/self-serve-to-mid-market/") for a in moves.find_all("a"))
    assert "Mid market → Enterprise" in text
    data = exported(hb)
    assert [j["segment"] for j in data["journeys"]] == ["self-serve", "mid-market", "enterprise"]
    assert data["moves"] == [
        {"from": "self-serve", "to": "mid-market", "handoffs": ["self-serve-to-mid-market"]},
        {"from": "mid-market", "to": "enterprise", "handoffs": []},
    ]


# --- handoff-owner-mismatch in each journey (§7.2) ---------------------------------------------------


def test_a_stage_handoff_is_compared_with_the_owners_of_each_journey_it_applies_to(project):
    hb = owned_by_segment(project)
    path = scale_handoff(hb, "success", "success")

    [mismatch] = found(hb, *GAP_CODES)

    assert where(mismatch) == ("handoff-owner-mismatch", "warning", "handoffs/onboarding-to-adoption.md",
                               line_of(path, "to:"), "handoff:onboarding-to-adoption", ["scale"])
    assert "`to: scaled`" in mismatch["message"]


@pytest.mark.parametrize(("giver", "receiver", "segments"), [
    ("scaled", "success", ["scale"]),  # both sides the wrong way round in the scale journey
    ("success", "scaled", None),  # right for scale, but enterprise's journey keeps Success on both sides
], ids=["reversed", "right-in-one-segment"])
def test_a_mismatch_never_suggests_a_team_handing_to_itself(project, giver, receiver, segments):
    hb = owned_by_segment(project)
    path = scale_handoff(hb, giver, receiver, segments=segments)

    mismatches = found(hb, "handoff-owner-mismatch")

    assert mismatches
    for d in mismatches:
        assert f"`to: {giver}`" not in d["message"] and f"`from: {receiver}`" not in d["message"], d["message"]
    if segments is None:
        [d] = mismatches
        assert (d["line"], d["segments"]) == (line_of(path, "to:"), ["enterprise"])
        assert "segments" in d["message"], d["message"]  # the fix: limit the handoff to scale


# --- §7.3 accepting a finding -----------------------------------------------------------------------

REASON = "Adoption is run by the account team's own rhythm, not a playbook"


def uncovered(project, *segments: str, accept: list | None = None, options: str = ""):
    """The covered three-stage handbook of test_gaps without its adoption playbook: an uncovered-cell on
    stage:adoption (in each segment), accepted by ``accept``."""
    hb = handbook(project, *segments, options=options)
    remove(hb, "playbooks/grow.md")
    if accept is not None:
        stage(hb, "adoption", 3, "success", accept=accept)
    return hb


def test_an_accepted_finding_is_no_diagnostic_and_is_listed_under_accepted_with_its_reason(project):
    hb = uncovered(project, accept=[{"code": "uncovered-cell", "reason": REASON}])
    site = built(hb, "--strict")

    [accepted] = result_of(hb).accepted
    listed = section_node(article(site, "journey/gaps/index.html"), "Accepted")

    assert (accepted.diagnostic.code, accepted.diagnostic.entity, accepted.reason) == (
        "uncovered-cell", "stage:adoption", REASON)
    assert result_of(hb).diagnostics == [] and hb.check("--strict").exit_code == 0
    assert REASON in listed.text() and "Adoption" in listed.text()
    assert [(a["code"], a["entity"], a["reason"]) for a in exported(hb)["accepted"]] == [
        ("uncovered-cell", "stage:adoption", REASON)]
    assert exported(hb)["diagnostics"] == []


def test_accept_with_segments_accepts_only_those_segments(project):
    hb = uncovered(project, "enterprise", "scale",
                   accept=[{"code": "uncovered-cell", "segments": ["scale"], "reason": REASON}])

    [left] = found(hb)
    [accepted] = result_of(hb).accepted

    assert where(left) == ("uncovered-cell", "info", "stages/adoption.md", 1, "stage:adoption", ["enterprise"])
    assert accepted.diagnostic.segments == ("scale",)


@pytest.mark.parametrize(("code", "hint"), [
    ("missing-handoff", "remove the item"),
    ("uncoverd-cell", "Did you mean `uncovered-cell`?"),
], ids=["matches-no-finding", "misspelt-code"])
def test_an_accept_that_matches_nothing_is_a_stale_accept_at_its_item(project, code, hint):
    hb = uncovered(project, accept=[{"code": "raci-conflict", "reason": "kept"}, {"code": code, "reason": REASON}])
    path = hb.docs / "stages/adoption.md"
    item = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text == f"- code: {code}"][0]

    stale = found(hb, "stale-accept")

    assert [where(d) for d in stale] == [
        ("stale-accept", "warning", "stages/adoption.md", line_of(path, "- code: raci-conflict"), "stage:adoption", []),
        ("stale-accept", "warning", "stages/adoption.md", item, "stage:adoption", []),
    ]
    assert hint in stale[1]["message"]
    assert hb.check("--strict").exit_code == 1


def test_an_accept_without_a_reason_is_a_schema_error(project):
    hb = uncovered(project, accept=[{"code": "uncovered-cell"}])

    [problem] = found(hb)

    assert where(problem)[:3] == ("schema", "error", "stages/adoption.md")
    assert problem["line"] == line_of(hb.docs / "stages/adoption.md", "- code: uncovered-cell")
    assert "accept[0].reason" in problem["message"]


def test_an_accept_for_a_code_that_is_turned_off_is_not_stale(project):
    hb = uncovered(project, accept=[{"code": "uncovered-cell", "reason": REASON}],
                   options="gaps: {uncovered-cell: off}")

    assert found(hb) == []


@pytest.mark.parametrize(("owner", "code", "options"), [
    ("nobody", "unknown-ref", ""),
], ids=["an-error"])
def test_errors_cannot_be_accepted(project, owner, code, options):
    hb = uncovered(project, options=options)
    stage(hb, "adoption", 3, owner, accept=[{"code": code, "reason": REASON}])

    exit_code, data = hb.check_json()

    assert exit_code == 1
    assert (code, "error", "stages/adoption.md") in [where(d)[:3] for d in data["diagnostics"]]
    assert result_of(hb).accepted == ()


def test_a_finding_raised_to_an_error_is_still_accepted_where_a_page_explains_it(project):
    """Accepted as found (a warning or info), then levelled: `error` fails the build on the findings
    nobody accepted, not on the ones a page explains."""
    hb = uncovered(project, options="gaps: {uncovered-cell: error}")
    stage(hb, "adoption", 3, "success", accept=[{"code": "uncovered-cell", "reason": REASON}])

    exit_code, data = hb.check_json()

    assert exit_code == 0, data["diagnostics"]
    assert [a.diagnostic.code for a in result_of(hb).accepted] == ["uncovered-cell"]


# --- §7.3 how hard each rule bites: the mapping form of `gaps` --------------------------------------

LEVELS = "gaps: {default: warn, raci-conflict: off, uncovered-cell: warn, missing-handoff: error}"


def every_kind_of_gap(project, options: str = LEVELS):
    """A missing handoff, an uncovered cell, a RACI conflict and a handoff without artifacts."""
    hb = uncovered(project, options=options)
    remove(hb, "handoffs/purchase-to-onboarding.md")
    stage(hb, "onboarding", 2, "onboarding", raci={"consulted": ["onboarding"]})
    handoff(hb, "onboarding-to-adoption", "onboarding", "success", from_stage="onboarding", to_stage="adoption",
            artifacts=[])
    return hb


def test_the_gaps_mapping_sets_each_codes_level(project):
    hb = every_kind_of_gap(project)

    exit_code, data = hb.check_json()

    assert exit_code == 1  # an error, without --strict
    assert sorted((d["code"], d["severity"]) for d in data["diagnostics"]) == [
        ("handoff-without-artifacts", "warning"), ("missing-handoff", "error"), ("uncovered-cell", "warning")]
    failed = hb.build()
    assert failed.returncode == 1 and "[missing-handoff]" in failed.stderr, failed.stderr
    assert "raci-conflict" not in failed.stderr


def test_a_code_that_is_off_is_absent_from_the_gaps_report_and_the_export(project):
    hb = every_kind_of_gap(project, "gaps: {raci-conflict: off, uncovered-cell: info}")
    site = built(hb)

    report = article(site, "journey/gaps/index.html")

    assert report.find(where=lambda n: n.attrs.get("id") == "gap-raci-conflict") is None
    assert report.find(where=lambda n: n.attrs.get("id") == "gap-missing-handoff") is not None
    assert "raci-conflict" not in {d["code"] for d in exported(hb)["diagnostics"]}


@pytest.mark.parametrize(("options", "expected"), [
    ("gaps: off", []),
    ("gaps: {default: off}", []),
    ("gaps: {default: info}", ["info"] * 4),
], ids=["off", "default-off", "default-info"])
def test_the_default_level_applies_to_every_gap_code(project, options, expected):
    hb = every_kind_of_gap(project, options)

    gaps = found(hb, *GAP_CODES, args=("--strict",))

    assert [d["severity"] for d in gaps] == expected, gaps
    assert hb.check("--strict").exit_code == 0


def test_with_gaps_off_the_gaps_report_still_lists_the_other_findings(project):
    hb = limited(project, options="gaps: off")
    milestone(hb, "first-value", "adoption", 1, "success", segments=["scale"])
    site = built(hb)

    report = article(site, "journey/gaps/index.html")

    assert [d["code"] for d in found(hb)] == ["never-in-a-journey"]
    assert report.find(where=lambda n: n.attrs.get("id") == "gap-never-in-a-journey") is not None, report.text()


@pytest.mark.parametrize(("options", "named"), [
    ("gaps: {raci-conflicts: off}", "Did you mean `raci-conflict`?"),
    ("gaps: {raci-conflict: loud}", "'loud'"),
], ids=["unknown-code", "bad-level"])
def test_a_bad_gaps_mapping_is_a_configuration_error(project, options, named):
    hb = handbook(project, options=options)

    run = hb.check()
    build = hb.build()

    assert run.exit_code == 2 and "`gaps`" in run.stderr and named in run.stderr, run.stderr
    assert build.returncode != 0 and "`gaps`" in build.stderr and named in build.stderr, build.stderr


# --- §7.4 problems that used to pass in silence ---------------------------------------------------


def limited(project, options: str = ""):
    """The covered handbook with two segments, adoption only for enterprise."""
    hb = handbook(project, "enterprise", "scale", options=options)
    stage(hb, "adoption", 3, "success", segments=["enterprise"])
    return hb


@pytest.mark.parametrize(("kind", "fix"), [("milestone", "remove `segments`"), ("playbook", "`stages`")])
def test_a_page_none_of_whose_segments_its_stages_have_is_never_in_a_journey(project, kind, fix):
    hb = limited(project)
    if kind == "milestone":
        path = milestone(hb, "first-value", "adoption", 1, "success", segments=["scale"])
    else:
        path = playbook(hb, "grow", ["adoption"], "success", segments=["scale"])

    [d] = found(hb, "never-in-a-journey")

    assert where(d) == ("never-in-a-journey", "warning", path.relative_to(hb.docs).as_posix(),
                        line_of(path, "segments:"), f"{kind}:{path.stem}", [])
    assert "`segments`" in d["message"] and fix in d["message"]


STEPS = "---\nkind: playbook\ntitle: Grow\nowner: success\ntype: lifecycle\nstages: [adoption]\n" \
        "trigger: {manual: CSM decides}\nsegments: [enterprise]\nsteps:\n  - do: Plan\n  - do: Meet\n" \
        "    segments: [{segments}]\n---\n"


@pytest.mark.parametrize(("segments", "code"), [
    ("scale", "never-in-a-journey"), ("enterprise, scale", "step-outside-playbook")], ids=["entirely", "partly"])
def test_a_step_outside_its_playbooks_segments(project, segments, code):
    hb = handbook(project, "enterprise", "scale")
    path = hb.write("playbooks/grow.md", STEPS.replace("{segments}", segments))

    [d] = found(hb, "never-in-a-journey", "step-outside-playbook")

    assert where(d) == (code, "warning", "playbooks/grow.md", line_of(path, "    segments:"), "playbook:grow", [])
    assert "step 2" in d["message"] and "`segments`" in d["message"] and "Scale" in d["message"]


def test_a_playbooks_milestone_outside_its_stages_is_step_outside_playbook(project):
    hb = handbook(project)
    path = playbook(hb, "launch", ["onboarding"], "onboarding", milestones=["go-live", "first-value"])

    [d] = found(hb, "step-outside-playbook")

    assert where(d) == ("step-outside-playbook", "warning", "playbooks/launch.md", line_of(path, "- first-value"),
                        "playbook:launch", [])
    assert "`stages`" in d["message"] and "`milestones`" in d["message"] and "adoption" in d["message"]


@pytest.mark.parametrize(("fields", "key"), [
    ({"from_stage": "purchase", "to_stage": "adoption", "segments": ["enterprise"]}, "to_stage:"),
    ({"from_stage": "purchase", "to_stage": "onboarding", "segments": ["scale"]}, "to_stage:"),
    ({"milestone": "go-live"}, "milestone:"),
], ids=["not-consecutive", "consecutive-only-in-other-segments", "after-the-last-milestone"])
def test_a_handoff_that_is_no_transition_of_any_journey_it_applies_to(project, fields, key):
    hb = handbook(project, "enterprise", "scale")
    stage(hb, "onboarding", 2, "onboarding", segments=["enterprise"])
    path = handoff(hb, "extra", "sales", "success", **fields)

    [d] = found(hb, "handoff-not-a-transition")

    assert where(d) == ("handoff-not-a-transition", "warning", "handoffs/extra.md", line_of(path, key),
                        "handoff:extra", [])
    assert f"`{key[:-1]}`" in d["message"]


# --- §7.4 one mistake, one diagnostic ---------------------------------------------------------------


@pytest.mark.parametrize(("line", "code", "hint"), [
    ("sla: [2 days\n", "yaml-syntax", "not valid YAML"), ("artefacts: [order form]\n", "schema", "`artifacts`?"),
], ids=["yaml-syntax", "misspelt-field"])
def test_a_broken_handoff_gives_its_error_only_not_the_gap_it_was_meant_to_close(project, line, code, hint):
    hb = handbook(project)
    path = hb.write("handoffs/purchase-to-onboarding.md", "---\nkind: handoff\ntitle: Purchase to onboarding\n"
                    f"owner: sales\nfrom: sales\n{line}to: onboarding\nfrom_stage: purchase\nto_stage: onboarding\n---\n")

    [d] = found(hb)  # no missing-handoff, no handoff-without-artifacts

    assert where(d)[:3] == (code, "error", "handoffs/purchase-to-onboarding.md")
    assert hint in d["message"]
    if code == "schema":
        assert d["line"] == line_of(path, "artefacts:")


def test_a_page_that_cannot_be_read_makes_no_accept_elsewhere_stale(project):
    hb = uncovered(project, accept=[{"code": "uncovered-cell", "reason": REASON}])
    hb.write("playbooks/grow.md", "---\nkind: playbook\ntitle: [Grow\n---\n")  # the playbook, broken

    assert [(d["code"], d["file"]) for d in found(hb)] == [("yaml-syntax", "playbooks/grow.md")]


def test_a_stage_whose_order_is_misspelt_gives_no_finding_on_the_handoffs_around_it(project):
    hb = handbook(project)
    hb.write("stages/adoption.md", "---\nkind: stage\ntitle: Adoption\nowner: success\nordr: 3\n---\n")

    assert {(d["code"], d["file"]) for d in found(hb)} == {("schema", "stages/adoption.md")}


@pytest.mark.parametrize("kind", ["milestone", "step"])
def test_a_misspelt_segment_is_an_unknown_ref_and_nothing_else(project, kind):
    hb = limited(project)
    if kind == "milestone":
        path = milestone(hb, "first-value", "adoption", 1, "success", segments=["enterprse"])
    else:
        path = hb.write("playbooks/grow.md", STEPS.replace("{segments}", "enterprse"))

    diagnostics = [d for d in found(hb) if d["file"] == path.relative_to(hb.docs).as_posix()]

    assert [d["code"] for d in diagnostics] == ["unknown-ref"], diagnostics
    assert "Did you mean `enterprise`?" in diagnostics[0]["message"]


# --- raci ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raci", "conflict"), [
    ({"consulted": ["sales"], "informed": ["sales"]}, False),
    ({"consulted": ["success"]}, True),
], ids=["consulted-and-informed", "owner-and-consulted"])
def test_only_roles_that_exclude_each_other_are_a_raci_conflict(project, raci, conflict):
    hb = handbook(project)
    path = stage(hb, "adoption", 3, "success", raci=raci)

    conflicts = found(hb, "raci-conflict")

    if not conflict:
        assert conflicts == []
        return
    [d] = conflicts
    assert where(d) == ("raci-conflict", "warning", "stages/adoption.md", line_of(path, "  - success"),
                        "stage:adoption", [])
    assert "raci.consulted" in d["message"]


# --- start_here_team ----------------------------------------------------------------------------------


def test_a_start_here_team_that_names_no_team_stops_check_and_build(project):
    hb = handbook(project, options="start_here_team: onbording")

    run = hb.check()
    build = hb.build()

    assert run.exit_code == 2, run.stdout
    for output in (run.stderr, build.stderr):
        assert "start_here_team" in output and "Did you mean `onboarding`?" in output, output
    assert build.returncode != 0
    assert not (hb.root / "site" / "index.html").exists()


def test_the_default_start_here_team_may_be_absent(project):
    hb = handbook(project)  # its teams: sales, onboarding, success — no customer-success

    assert hb.check("--strict").exit_code == 0
    assert built(hb, "--strict").is_dir()


# --- the first edition keeps working; the shipped handbook uses the second ---------------------------


def test_the_first_edition_checks_with_only_the_new_diagnostics():
    result = invoke_cli(FIRST_EDITION, "check", "--format", "json")

    data = json.loads(result.stdout)

    assert set(codes(data)) <= NEW_CODES, data["diagnostics"]
    assert result.exit_code == 0


def test_the_first_edition_builds_strict_failing_only_on_the_new_diagnostics(tmp_path):
    copy = shutil.copytree(FIRST_EDITION, tmp_path / "first-edition")

    done = mkdocs_build(copy, "--strict")

    flagged = [line for line in done.stderr.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert all(any(f"[{code}]" in line for code in NEW_CODES) for line in flagged), flagged
    assert (done.returncode == 0) == (flagged == []), done.stderr


def test_the_shipped_handbook_checks_clean_and_uses_the_second_edition():
    result = pipeline.run_project(read_config(ROOT / "mkdocs.yml"))
    everything = result.handbook.all()

    assert [d.as_dict() for d in result.diagnostics if d.severity != "info"] == []
    assert result.accepted and all(a.reason for a in result.accepted)
    assert any(e.kind == "stage" and e.segment_owners for e in everything)
    segment_handoffs = {(h.text("from_segment"), h.text("to_segment")) for h in result.handbook.of_kind("handoff")}
    moves = {(s.id, target) for s in result.handbook.segments for target in s.texts("moves_to")}
    assert moves & segment_handoffs
    assert any(e.kind == "playbook" and isinstance(e.get("trigger"), list) and len(e.triggers) > 1
               for e in everything)


@pytest.mark.parametrize(("path", "text", "line", "words"), [
    ("stages/onboarding.md",
     "---\nkind: stage\ntitle: Onboarding\nowner: success\norder: 1\nsegment_owners: [scaled]\n---\n",
     6, "must be a mapping"),
    ("segments/solo.md",
     "---\nkind: segment\ntitle: Solo\nowner: success\ntouch: high\nmoves_to: [solo]\n---\n",
     6, "names this segment, `solo`, itself"),
    ("handoffs/nowhere.md",
     "---\nkind: handoff\ntitle: Nowhere\nowner: success\nfrom: success\nto: success\n"
     "from_segment: solo\nto_segment: solo\nartifacts: [notes]\n---\n",
     8, "the segment the customer leaves"),
], ids=["segment-owners-as-a-list", "a-move-to-itself", "a-handoff-to-the-same-segment"])
def test_a_move_or_owner_written_wrong_is_one_schema_error_at_its_line(project, path, text, line, words):
    hb = project()
    hb.write("teams/success.md", "---\nkind: team\ntitle: Success\n---\n")
    hb.write("segments/solo.md", "---\nkind: segment\ntitle: Solo\nowner: success\ntouch: high\n---\n")
    hb.write(path, text)

    _, data = hb.check_json()

    assert [(d["code"], d["file"], d["line"]) for d in data["diagnostics"]] == [("schema", path, line)], data
    assert words in data["diagnostics"][0]["message"]


def test_a_handoff_page_shows_what_travels_as_a_checklist(project):
    """The sender works through what travels: one checkbox per artifact, in the order written."""
    hb = moving(project)
    move_handoff(hb, artifacts=["Usage history", "Open tickets", "The renewal date"])
    site = built(hb, "--strict")

    content = article(site, "handoffs/self-serve-to-mid-market/index.html")
    checklist = content.find("ul", cls="task-list")
    assert checklist is not None, content
    items = checklist.find_all("li", cls="task-list-item")
    assert [i.text() for i in items] == ["Usage history", "Open tickets", "The renewal date"]
    assert all(i.find("input") is not None for i in items)
