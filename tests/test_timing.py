"""Time checks (SPEC §7.6) as a department lead meets them: milestones due before the ones they follow
(`due-out-of-order`) and dues or playbook steps outside their stage's `duration` (`outside-stage-window`),
each read for code, file, line, entity, segments and a message that quotes both values and the fix; and
the texts journeysite cannot read, which are never findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeysite.core.settings import LEVELLED_CODES
from journeysite.render.pages.gaps_report import GAP_LABELS, WHY_IT_MATTERS

TIME_CODES = ("due-out-of-order", "outside-stage-window")
ROOT = Path(__file__).resolve().parent.parent


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of ``path`` that contains ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def stage(hb, name: str, order: int, duration: str | None = None, extra: str = "") -> Path:
    field = f"duration: {duration}\n" if duration else ""
    return hb.write(
        f"stages/{name}.md",
        f"---\nkind: stage\ntitle: {name.capitalize()}\nowner: success\norder: {order}\n{field}{extra}---\n",
    )


def milestone(hb, name: str, stage_id: str, order: int, due: str | None = None, extra: str = "") -> Path:
    field = f"due: {due}\n" if due else ""
    title = name.replace("-", " ").capitalize()
    return hb.write(
        f"milestones/{name}.md",
        f"---\nkind: milestone\ntitle: {title}\nowner: success\nstage: {stage_id}\norder: {order}\n{field}{extra}---\n",
    )


def playbook(hb, name: str, stages: str, trigger: str, *whens: str) -> Path:
    steps = "".join(f"  - do: Step {i}\n    when: {when}\n" for i, when in enumerate(whens, 1))
    return hb.write(
        f"playbooks/{name}.md",
        f"---\nkind: playbook\ntitle: {name.capitalize()}\nowner: success\ntype: lifecycle\n"
        f"stages: {stages}\ntrigger: {trigger}\nsteps:\n{steps}---\n",
    )


def handbook(project, options: str = ""):
    """One team, an onboarding stage of the first 90 days and an adoption stage of days 60 to 180."""
    hb = project(options=options)
    hb.write("teams/success.md", "---\nkind: team\ntitle: Success\n---\n")
    stage(hb, "onboarding", 1, "first 90 days")
    stage(hb, "adoption", 2, "day 60 to 180")
    return hb


def timing(hb, *args: str) -> list[dict]:
    _, data = hb.check_json(*args)
    return [d for d in data["diagnostics"] if d["code"] in TIME_CODES]


# --- due-out-of-order ---------------------------------------------------------------------------------


def test_a_milestone_due_before_the_one_it_follows_names_both_dues_and_the_fix(project):
    hb = handbook(project)
    milestone(hb, "kickoff", "onboarding", 1, "day 30")
    page = milestone(hb, "go-live", "onboarding", 2, "day 14")

    [finding] = timing(hb)

    assert (finding["code"], finding["severity"], finding["file"], finding["line"], finding["entity"]) == (
        "due-out-of-order", "warning", "milestones/go-live.md", line_of(page, "due:"), "milestone:go-live")
    assert finding["segments"] == []
    message = finding["message"]
    assert '"day 14"' in message and '"day 30"' in message
    assert "Go live" in message and "Kickoff" in message and "Onboarding" in message
    assert "`order`" in message and "`due`" in message


def test_a_due_relative_to_another_milestone_is_resolved_and_shown_in_days(project):
    hb = handbook(project)
    milestone(hb, "kickoff", "onboarding", 1, "Within 5 business days of signature")
    milestone(hb, "go-live", "onboarding", 2, "day 60")
    milestone(hb, "admins-trained", "onboarding", 3, "One week before go-live")

    [finding] = timing(hb)

    assert finding["entity"] == "milestone:admins-trained"
    assert '"One week before go-live" (day 53)' in finding["message"]
    assert '"day 60"' in finding["message"]


def test_the_finding_names_the_nearest_earlier_milestone_it_contradicts(project):
    hb = handbook(project)
    milestone(hb, "kickoff", "onboarding", 1, "day 5")
    milestone(hb, "data-connected", "onboarding", 2, "day 40")
    milestone(hb, "go-live", "onboarding", 3, "day 60")
    milestone(hb, "admins-trained", "onboarding", 4, "day 30")

    [finding] = timing(hb)

    assert finding["entity"] == "milestone:admins-trained"
    assert "Go live" in finding["message"] and "Data connected" not in finding["message"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("day 14 to 30", "day 20"),  # overlapping: not strictly before
        ("day 30", "day 30"),
        ("day 10", "day 30"),
        ("at the next check-in", "day 3"),  # not read: stays text
        ("day 30", "when the customer is ready"),
        ("3 weeks after nowhere", "day 1"),  # no such milestone
    ],
)
def test_dues_that_agree_with_their_order_or_cannot_be_read_are_no_finding(project, first, second):
    hb = handbook(project)
    milestone(hb, "kickoff", "onboarding", 1, first)
    milestone(hb, "go-live", "onboarding", 2, second)

    assert timing(hb) == []


def test_dues_of_milestones_in_different_stages_are_not_compared(project):
    hb = handbook(project)
    milestone(hb, "go-live", "onboarding", 1, "day 70")
    milestone(hb, "first-value", "adoption", 1, "day 65")

    assert timing(hb) == []


def test_dues_that_follow_each_other_in_a_cycle_are_left_alone(project):
    hb = handbook(project)
    milestone(hb, "kickoff", "onboarding", 1, "1 week after go-live")
    milestone(hb, "go-live", "onboarding", 2, "1 week after kickoff")

    assert timing(hb) == []


def test_milestones_of_different_segments_are_compared_in_the_journeys_they_share(project):
    hb = handbook(project)
    for name, order in (("enterprise", 1), ("scale", 2), ("mid-market", 3)):
        hb.write(f"segments/{name}.md", f"---\nkind: segment\ntitle: {name}\nowner: success\ntouch: high\norder: {order}\n---\n")
    milestone(hb, "kickoff", "onboarding", 1, "day 20", "segments: [enterprise, mid-market]\n")
    milestone(hb, "trial-ended", "onboarding", 2, "day 14", "segments: [scale]\n")
    milestone(hb, "go-live", "onboarding", 3, "day 10")

    found = timing(hb)

    assert {d["entity"] for d in found} == {"milestone:go-live"}
    after_kickoff, after_trial = sorted(found, key=lambda d: "Trial ended" in d["message"])
    assert "Kickoff" in after_kickoff["message"] and after_kickoff["segments"] == ["enterprise", "mid-market"]
    assert "Trial ended" in after_trial["message"] and after_trial["segments"] == ["scale"]


# --- outside-stage-window -----------------------------------------------------------------------------


def test_a_milestone_due_outside_its_stage_quotes_the_due_and_the_duration(project):
    hb = handbook(project)
    page = milestone(hb, "first-value", "adoption", 1, "day 30")

    [finding] = timing(hb)

    assert (finding["code"], finding["severity"], finding["file"], finding["line"], finding["entity"]) == (
        "outside-stage-window", "warning", "milestones/first-value.md", line_of(page, "due:"),
        "milestone:first-value")
    message = finding["message"]
    assert '"day 30"' in message and '"day 60 to 180" (days 60\u2013180)' in message
    assert "Adoption" in message and "`due`" in message and "`duration`" in message


def test_a_due_relative_to_the_renewal_is_placed_a_year_after_signature(project):
    hb = handbook(project)
    milestone(hb, "renewal-plan", "adoption", 1, "60 days before renewal")

    [finding] = timing(hb)

    assert '"60 days before renewal" (day 305)' in finding["message"]


@pytest.mark.parametrize(
    ("duration", "due"),
    [
        ("first 90 days", "day 90"),  # on the edge is inside
        ("first 90 days", "day 80 to 120"),  # overlapping
        ("Ongoing", "day 400"),  # duration not read
        ("first 90 days", "whenever it suits"),  # due not read
        ("the last 120 days before renewal", "2 to 3 weeks before renewal"),
    ],
)
def test_a_due_inside_or_overlapping_its_stage_or_not_read_is_no_finding(project, duration, due):
    hb = project()
    hb.write("teams/success.md", "---\nkind: team\ntitle: Success\n---\n")
    stage(hb, "onboarding", 1, duration)
    milestone(hb, "go-live", "onboarding", 1, due)

    assert timing(hb) == []


def test_a_step_outside_every_stage_of_its_playbook_names_the_step_and_the_stages(project):
    hb = handbook(project)
    milestone(hb, "go-live", "onboarding", 1, "day 60")
    page = playbook(hb, "launch", "[onboarding]", "{milestone: go-live}", "at go-live", "10 weeks after go-live")

    [finding] = timing(hb)

    assert (finding["code"], finding["file"], finding["line"], finding["entity"]) == (
        "outside-stage-window", "playbooks/launch.md", line_of(page, "10 weeks after go-live"), "playbook:launch")
    message = finding["message"]
    assert "step 2" in message and '"10 weeks after go-live" (day 130)' in message
    assert '"first 90 days"' in message and "`when`" in message and "`stages`" in message


def test_a_step_inside_any_one_of_its_playbooks_stages_is_no_finding(project):
    hb = handbook(project)
    milestone(hb, "go-live", "onboarding", 1, "day 60")
    playbook(hb, "launch", "[onboarding, adoption]", "{milestone: go-live}", "10 weeks after go-live")

    assert timing(hb) == []


def test_a_bare_day_in_a_step_counts_from_the_milestone_that_starts_the_playbook(project):
    hb = handbook(project)
    milestone(hb, "go-live", "onboarding", 1, "day 60")
    playbook(hb, "launch", "[onboarding]", "{milestone: go-live}", "day 7", "day 40")

    [finding] = timing(hb)

    assert finding["line"] == line_of(hb.docs / "playbooks/launch.md", "day 40")
    assert '"day 40" (day 100)' in finding["message"]


@pytest.mark.parametrize(
    "trigger", ["{signal: Health score drops}", "{manual: The CSM decides}", "{schedule: every 90 days}"]
)
def test_a_bare_day_in_a_playbook_with_no_place_on_the_journey_is_no_finding(project, trigger):
    hb = handbook(project)
    playbook(hb, "rescue", "[adoption]", trigger, "day 0", "at signature", "week 2")

    assert timing(hb) == []


def test_a_step_in_a_playbook_whose_stage_duration_cannot_be_read_is_no_finding(project):
    hb = handbook(project)
    stage(hb, "retention", 3, "Ongoing")
    milestone(hb, "go-live", "onboarding", 1, "day 60")
    playbook(hb, "launch", "[onboarding, retention]", "{milestone: go-live}", "10 weeks after go-live")

    assert timing(hb) == []


# --- levels, acceptance, the report -------------------------------------------------------------------


def test_the_gaps_setting_sets_the_level_of_the_time_checks(project):
    hb = handbook(project, options="gaps: {due-out-of-order: error, outside-stage-window: off}")
    milestone(hb, "kickoff", "onboarding", 1, "day 30")
    milestone(hb, "go-live", "onboarding", 2, "day 14")
    milestone(hb, "first-value", "adoption", 1, "day 30")

    code, data = hb.check_json()

    assert code != 0
    assert [(d["code"], d["severity"]) for d in data["diagnostics"] if d["code"] in TIME_CODES] == [
        ("due-out-of-order", "error")]


def test_an_accepted_time_finding_is_not_a_warning(project):
    hb = handbook(project)
    milestone(
        hb, "first-value", "adoption", 1, "day 30",
        "accept:\n  - code: outside-stage-window\n    reason: Some customers reach value before go-live.\n",
    )

    code, data = hb.check_json()

    assert code == 0
    assert [d for d in data["diagnostics"] if d["code"] in TIME_CODES] == []


def test_the_time_codes_are_levelled_and_explained_in_the_gaps_report():
    for code in TIME_CODES:
        assert code in LEVELLED_CODES and code in GAP_LABELS and WHY_IT_MATTERS[code]


@pytest.mark.parametrize(
    "config",
    [
        "mkdocs.yml",
        "tests/fixtures/realworld-gitlab/mkdocs.yml",
        "tests/fixtures/first-edition/mkdocs.yml",
    ],
)
def test_the_shipped_and_real_world_handbooks_have_no_time_findings(config):
    from journeysite.core import pipeline
    from journeysite.core.settings import read_config

    result = pipeline.run_project(read_config(ROOT / config))

    assert [d for d in result.diagnostics if d.code in TIME_CODES] == []
    assert [a for a in result.accepted if a.diagnostic.code in TIME_CODES] == []
