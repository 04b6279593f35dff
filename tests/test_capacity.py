"""Capacity (SPEC §7.6): the hours a month each team's playbook steps take, against the hours its people have.

A small handbook whose numbers are worked out by hand below, the `capacity-exceeded` warning as a team lead
reads it, the mistakes a department lead makes in the new fields, the page, `journeysite capacity` and
`journey.json`, and the shipped handbook's Onboarding team computed by hand (the issue's "done when").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_support import article, links, nav_tree, page, section_node
from conftest import ROOT, codes, invoke_cli

from journeysite.core.settings import ConfigError, Settings

PER_PERSON = 100  # hours_per_person_month in the small handbook
MONTH = 30.4  # days in a month, as journeysite counts a period

# ---- the small handbook ------------------------------------------------------------------------------
#
# Teams: Success (2 people: 200 hours a month), Implementation (1 person: 100), Sales (no headcount).
# Segments: Big (12 customers, 3 to 4 per CSM), Small (216 customers, 80 per CSM).
# Playbooks:
#   kickoff-plan (Implementation; milestone trigger: once a customer a year = 1/12 a month)
#     1. Hold the kickoff            2 hours     every segment        Implementation
#     2. Train the admins on site    1 day = 8 h Big only             Implementation
#     3. Send the welcome pack       30 minutes  every segment        Success (the step's owner)
#     4. Book the first call         no effort   (listed as unknown)  Implementation
#   check-in (Success; triggers every 60 days, quarterly and a signal: the most frequent, 30.4 / 60 a month)
#     1. Prepare the call            15 minutes  Big only
#     2. Hold the call               1-2 hours (its middle: 1.5 h), every segment
#   renewal (Sales; Big only; schedule "90 days before renewal" is no period: once a year, an assumption)
#     1. Agree the renewal           1 hour
#   old-visit (Success; retired: counts nothing although it runs weekly for a day)

TEAMS = {
    "teams/success.md": "---\nkind: team\ntitle: Success\nheadcount: 2\n---\n",
    "teams/impl.md": "---\nkind: team\ntitle: Implementation\nheadcount: 1\n---\n",
    "teams/sales.md": "---\nkind: team\ntitle: Sales\n---\n",
}
BIG = """\
---
kind: segment
title: Big
owner: success
touch: high
order: 1
accounts_per_csm: {{min: 3, max: 4}}
accounts: {accounts}
---
"""
SMALL = """\
---
kind: segment
title: Small
owner: success
touch: low
order: 2
accounts_per_csm: 80
accounts: {accounts}
---
"""
JOURNEY = {
    "stages/onboarding.md": "---\nkind: stage\ntitle: Onboarding\nowner: impl\norder: 1\n---\n",
    "stages/adoption.md": "---\nkind: stage\ntitle: Adoption\nowner: success\norder: 2\n---\n",
    "milestones/live.md": "---\nkind: milestone\ntitle: Live\nowner: impl\nstage: onboarding\norder: 1\n---\n",
    "milestones/value.md": "---\nkind: milestone\ntitle: Value\nowner: success\nstage: adoption\norder: 1\n---\n",
    "handoffs/impl-to-success.md": """\
        ---
        kind: handoff
        title: Implementation to Success
        owner: impl
        from: impl
        to: success
        from_stage: onboarding
        to_stage: adoption
        artifacts: [Goals, Contacts]
        ---
        """,
    "playbooks/kickoff-plan.md": """\
        ---
        kind: playbook
        title: Kickoff plan
        owner: impl
        type: lifecycle
        stages: [onboarding]
        trigger: {milestone: live}
        steps:
          - do: Hold the kickoff
            effort: 2 hours
          - do: Train the admins on site
            effort: 1 day
            segments: [big]
          - do: Send the welcome pack
            owner: success
            effort: 30 minutes
          - do: Book the first call
        ---
        """,
    "playbooks/check-in.md": """\
        ---
        kind: playbook
        title: Check-in
        owner: success
        type: lifecycle
        stages: [adoption]
        trigger:
          - {schedule: quarterly}
          - {schedule: every 60 days}
          - {signal: Usage drops by half}
        steps:
          - do: Prepare the call
            effort: 15 minutes
            segments: [big]
          - do: Hold the call
            effort: 1-2 hours
        ---
        """,
    "playbooks/renewal.md": """\
        ---
        kind: playbook
        title: Renewal
        owner: sales
        segments: [big]
        type: lifecycle
        stages: [adoption]
        trigger: {schedule: 90 days before renewal}
        steps:
          - do: Agree the renewal
            effort: 1 hour
        ---
        """,
    "playbooks/old-visit.md": """\
        ---
        kind: playbook
        title: Old visit
        owner: success
        status: retired
        type: lifecycle
        stages: [adoption]
        trigger: {schedule: weekly}
        steps:
          - do: Visit every customer
            effort: 1 day
        ---
        """,
}

# The arithmetic, written out: hours a month = effort × runs a month per customer × customers.
YEARLY = 1 / 12
CHECK_IN = MONTH / 60  # every 60 days beats quarterly (91.3 days); the signal names no period


def by_hand(big: int = 12, small: int = 216) -> dict:
    kickoff = {"big": 2 * YEARLY * big, "small": 2 * YEARLY * small}
    training = {"big": 8 * YEARLY * big, "small": 0.0}
    welcome = {"big": 0.5 * YEARLY * big, "small": 0.5 * YEARLY * small}
    prepare = {"big": 0.25 * CHECK_IN * big, "small": 0.0}
    call = {"big": 1.5 * CHECK_IN * big, "small": 1.5 * CHECK_IN * small}
    renewal = {"big": 1 * YEARLY * big, "small": 0.0}
    success = {s: welcome[s] + prepare[s] + call[s] for s in ("big", "small")}
    impl = {s: kickoff[s] + training[s] for s in ("big", "small")}
    return {
        "success": success,
        "impl": impl,
        "sales": renewal,
        "steps": {("check-in", 2): call, ("kickoff-plan", 1): kickoff, ("kickoff-plan", 3): welcome,
                  ("kickoff-plan", 2): training, ("check-in", 1): prepare, ("renewal", 1): renewal},
    }


def handbook(project, big: int = 12, small: int = 216, options: str = f"hours_per_person_month: {PER_PERSON}"):
    hb = project(options=options)
    for path, text in {**TEAMS, **JOURNEY}.items():
        hb.write(path, text)
    hb.write("segments/big.md", BIG.format(accounts=big))
    hb.write("segments/small.md", SMALL.format(accounts=small))
    return hb


def capacity_json(folder: Path, *args: str) -> dict:
    run = invoke_cli(folder, "capacity", "--format", "json", *args)
    assert run.exit_code == 0, run.output
    return json.loads(run.stdout)


def team_of(data: dict, team: str) -> dict:
    return next(t for t in data["teams"] if t["team"] == team)


def line_of(path: Path, start: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(start))


# ---- the numbers -------------------------------------------------------------------------------------


def test_the_small_handbook_checks_clean_and_its_numbers_are_the_hand_computed_ones(project):
    hb = handbook(project)
    exit_code, data = hb.check_json("--strict")
    assert (exit_code, codes(data)) == (0, [])

    found = capacity_json(hb.root)
    expected = by_hand()

    assert found["hours_per_person_month"] == PER_PERSON
    success = team_of(found, "success")
    # welcome 0.5 + 9, prepare 1.52, call 9.12 + 164.16: 184.3 of 200 hours
    assert success["segments"] == pytest.approx(expected["success"], abs=0.01)
    assert success["planned"] == pytest.approx(0.5 + 9 + 1.52 + 9.12 + 164.16, abs=0.01)
    assert (success["headcount"], success["capacity"]) == (2, 2 * PER_PERSON)
    assert success["utilisation"] == pytest.approx(184.3 / 200, abs=1e-4)
    assert success["exceeded"] is False
    impl = team_of(found, "impl")
    assert impl["segments"] == pytest.approx({"big": 2 + 8, "small": 36}, abs=0.01)
    assert (impl["capacity"], impl["utilisation"]) == (100, pytest.approx(0.46, abs=1e-4))
    assert (impl["steps_with_effort"], impl["steps_without_effort"]) == (2, 1)
    sales = team_of(found, "sales")  # planned hours, but no headcount: no capacity and no warning
    assert (sales["planned"], sales["headcount"], sales["capacity"], sales["utilisation"]) == (1.0, None, None, None)
    # by share used, highest first; a team without headcount last
    assert [t["team"] for t in found["teams"]] == ["success", "impl", "sales"]


def test_the_costliest_steps_are_ranked_by_their_hours_over_every_segment(project):
    found = capacity_json(handbook(project).root)
    steps = by_hand()["steps"]
    ranked = sorted(steps, key=lambda key: -sum(steps[key].values()))

    assert [(s["playbook"], s["step"]) for s in found["costliest"]] == ranked
    call = found["costliest"][0]
    assert (call["effort"], call["effort_hours"], call["how_often"]) == ("1-2 hours", 1.5, "every 60 days")
    assert call["runs_per_month"] == pytest.approx(MONTH / 60, abs=1e-4)
    assert call["hours"] == pytest.approx(9.12 + 164.16, abs=0.01)
    assert call["segments"] == [{"segment": "big", "accounts": 12, "hours": 9.12},
                                {"segment": "small", "accounts": 216, "hours": 164.16}]
    # the retired playbook costs nothing and is not listed
    assert "old-visit" not in {s["playbook"] for s in found["costliest"] + found["unknown"]}
    assert "old-visit" not in {p["playbook"] for p in found["playbooks"]}


def test_segments_need_customers_over_accounts_per_csm_with_both_ends_of_a_range(project):
    found = capacity_json(handbook(project).root)
    by_segment = {s["segment"]: s for s in found["segments"]}

    assert by_segment["big"]["csms_needed"] == {"min": 3.0, "max": 4.0}  # 12 ÷ 4 to 12 ÷ 3
    assert by_segment["small"]["csms_needed"] == {"min": 2.7, "max": 2.7}  # 216 ÷ 80
    assert by_segment["big"]["planned"] == pytest.approx(10 + 11.14 + 1, abs=0.01)


def test_steps_without_effort_are_listed_and_unread_schedules_are_assumptions(project):
    found = capacity_json(handbook(project).root)

    assert found["unknown"] == [{"playbook": "kickoff-plan", "step": 4, "do": "Book the first call", "team": "impl"}]
    assert found["assumptions"] == [{"playbook": "renewal", "schedules": ["90 days before renewal"]}]
    how_often = {p["playbook"]: (p["how_often"], p["runs_per_month"]) for p in found["playbooks"]}
    assert how_often == {
        "check-in": ("every 60 days", round(MONTH / 60, 4)),
        "kickoff-plan": ("once a year", round(1 / 12, 4)),
        "renewal": ("once a year", round(1 / 12, 4)),
    }


def test_a_period_in_a_judgement_trigger_counts(project):
    """"Unless the trigger says otherwise": a manual trigger that names a period runs at that period."""
    hb = handbook(project)
    hb.write("playbooks/renewal.md", (hb.docs / "playbooks/renewal.md").read_text().replace(
        "trigger: {schedule: 90 days before renewal}", "trigger: {manual: monthly}"))

    found = capacity_json(hb.root)

    assert team_of(found, "sales")["planned"] == pytest.approx(1 * 1 * 12, abs=0.01)  # 1 hour × 1 a month × 12
    assert found["assumptions"] == []


# ---- capacity-exceeded ---------------------------------------------------------------------------------


def test_more_planned_work_than_people_is_a_warning_on_the_headcount_line(project):
    hb = handbook(project, small=240)
    planned = sum(by_hand(small=240)["success"].values())  # 0.5 + 10 + 1.52 + 9.12 + 182.4 = 203.54
    assert planned == pytest.approx(203.54, abs=0.01)

    exit_code, data = hb.check_json("--strict")

    assert exit_code == 1
    [warning] = data["diagnostics"]
    assert (warning["code"], warning["severity"], warning["file"], warning["line"], warning["entity"]) == (
        "capacity-exceeded", "warning", "teams/success.md", line_of(hb.docs / "teams/success.md", "headcount:"),
        "team:success")
    assert warning["message"] == (
        "Success's playbook steps need 204 hours a month, but its people have 200 (2 people × 100 hours), "
        "102% of its capacity: raise `headcount` if the team is larger, lower the `effort` of its steps "
        "(the costliest is step 2 of Check-in, 192 hours), or give steps to another team")  # 1.5 × 30.4/60 × 252
    assert hb.check().exit_code == 0  # a warning: only --strict fails


def test_a_team_of_nobody_with_planned_work_is_over_capacity(project):
    hb = handbook(project)
    hb.write("teams/impl.md", "---\nkind: team\ntitle: Implementation\nlead: Sam\nheadcount: 0\n---\n")

    _, data = hb.check_json()

    [warning] = data["diagnostics"]
    assert (warning["code"], warning["line"]) == ("capacity-exceeded", 5)
    assert "need 46 hours a month, but its people have none (its headcount is 0): raise `headcount`" in warning["message"]


def test_capacity_exceeded_can_be_accepted_or_levelled_like_the_gap_findings(project):
    hb = handbook(project, small=240)
    hb.write("teams/success.md", """\
        ---
        kind: team
        title: Success
        headcount: 2
        accept:
          - code: capacity-exceeded
            reason: Two contractors cover the extra hours until the next hire starts.
        ---
        """)
    assert hb.check("--strict").exit_code == 0

    levelled = handbook(project, small=240, options=f"hours_per_person_month: {PER_PERSON}\ngaps: {{capacity-exceeded: info}}")
    _, data = levelled.check_json()
    assert [(d["code"], d["severity"]) for d in data["diagnostics"]] == [("capacity-exceeded", "info")]


def test_the_build_fails_strict_on_capacity_exceeded_and_the_page_flags_the_team(project):
    hb = handbook(project, small=240)

    done = hb.build("--strict")

    assert done.returncode == 1
    assert "teams/success.md:4: Success's playbook steps need 204 hours a month" in done.stderr
    assert "[capacity-exceeded]" in done.stderr
    site = hb.root / "site"
    content = article(site, "journey/capacity/index.html")
    assert content.find("div", "warning").text().startswith("1 team over capacity")
    row = next(r for r in content.find("table", "jsite-capacity-teams").find_all("tr") if "Success" in r.text())
    assert row.find("span", "jsite-capacity-over").text() == "Over capacity"
    assert "102%" in row.text()
    gaps = article(site, "journey/gaps/index.html")
    assert "Teams with more planned work than people" in gaps.text()


# ---- the page ------------------------------------------------------------------------------------------


def test_the_capacity_page_shows_teams_segments_costliest_and_unknown_steps(project):
    hb = handbook(project)
    done = hb.build("--strict")
    assert done.returncode == 0, done.stderr
    site = hb.root / "site"
    content = article(site, "journey/capacity/index.html")

    assert content.find("h1").text().startswith("Team capacity")
    assert "A person counts for 100 hours a month" in content.text()
    assert "Close to the limit" in content.find("div", "admonition").text()
    rows = {r.find("td").text(): [c.text() for c in r.find_all("td")]
            for r in content.find("table", "jsite-capacity-teams").find_all("tr") if r.find("td")}
    # team, people, available, planned, share used, Big, Small, steps without an estimate
    assert rows["Success"] == ["Success", "2", "200", "184", "92% 92% Near the limit", "11", "173", "—"]
    assert rows["Implementation"] == ["Implementation", "1", "100", "46", "46% 46%", "10", "36", "1"]
    assert rows["Sales"] == ["Sales", "not given", "—", "1", "team size not given", "1", "—", "—"]
    near = content.find("span", "jsite-capacity-near")
    assert near is not None and near.text() == "Near the limit"
    segments = {r.find("td").text(): [c.text() for c in r.find_all("td")]
                for r in content.find("table", "jsite-capacity-segments").find_all("tr") if r.find("td")}
    assert segments["Big"] == ["Big", "12", "3–4", "3 to 4", "22"]
    assert segments["Small"] == ["Small", "216", "80", "2.7", "209"]

    costliest = section_node(content, "The steps that take the most time")
    first = costliest.find("tbody").find("tr")
    assert "Hold the call" in first.text() and "every 60 days" in first.text() and "173" in first.text()
    hrefs = dict((text, href) for href, text in links(costliest))
    assert hrefs["Check-in"] == "../../playbooks/check-in/"
    assert len(costliest.find("tbody").find_all("tr")) == 6  # every step with an effort: fewer than 10

    unknown = section_node(content, "Steps without a time estimate")
    assert "1 step has no time estimate" in unknown.text()
    assert "4. Book the first call (Implementation)" in unknown.text()
    method = section_node(content, "How the numbers are worked out")
    assert "Renewal: “90 days before renewal”" in method.text()


def test_the_page_is_in_the_navigation_and_playbook_pages_show_each_steps_effort(project):
    hb = handbook(project)
    assert hb.build().returncode == 0
    site = hb.root / "site"

    journey = next(e for e in nav_tree(page(site, "index.html")) if e.title == "Journey")
    assert "Team capacity" in [e.title for e in journey.children]
    steps = article(site, "playbooks/kickoff-plan/index.html").find("table", "jsite-steps")
    assert [th.text() for th in steps.find_all("th")][-1] == "Effort"
    assert [tr.find_all("td")[-1].text() for tr in steps.find("tbody").find_all("tr")] == [
        "2 hours", "1 day", "30 minutes", ""]
    card = article(site, "segments/small/index.html").text()
    assert "Customers216" in card  # the card's term and its value


def test_a_handbook_without_customer_numbers_says_so(project):
    hb = handbook(project)
    for name in ("big", "small"):
        path = hb.docs / f"segments/{name}.md"
        path.write_text("".join(line for line in path.read_text().splitlines(True) if not line.startswith("accounts:")))

    found = capacity_json(hb.root)
    assert all(t["planned"] == 0 for t in found["teams"])
    text = invoke_cli(hb.root, "capacity").stdout
    assert "No segment gives its number of customers (`accounts`), so no hours are planned yet." in text
    assert hb.build("--strict").returncode == 0
    content = article(hb.root / "site", "journey/capacity/index.html")
    assert "No customer numbers yet" in content.text()


# ---- journeysite capacity and journey.json --------------------------------------------------------------


def test_the_text_report_gives_the_same_numbers_for_people(project):
    hb = handbook(project)

    run = invoke_cli(hb.root, "capacity")

    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert "  Success         184 planned of 200 available (2 people), 92%  near the limit" in lines
    assert "  Sales           1 planned, headcount not given" in lines
    assert "  Big: 12 customers, 3–4 per CSM: 3 to 4 CSMs needed" in lines
    assert any(line.startswith("   1.    173 h  Check-in, step 2 (Success; 1-2 hours per customer, every 60 days)")
               for line in lines), lines
    assert "  Renewal: 90 days before renewal" in lines
    assert "  Kickoff plan, step 4 (Implementation): Book the first call" in lines


def test_journey_json_carries_the_same_capacity(project):
    hb = handbook(project)
    assert hb.build().returncode == 0

    exported = json.loads((hb.root / "site" / "journey.json").read_text(encoding="utf-8"))

    assert exported["capacity"] == capacity_json(hb.root)


# ---- mistakes, as a department lead makes them ----------------------------------------------------------


@pytest.mark.parametrize(("written", "message"), [
    ("effort: a couple of hours",
     "`steps[0].effort` is `a couple of hours`, which is not an amount of work: write a number and a unit, "
     "e.g. effort: 30 minutes, effort: 2 hours or effort: 1 day (a day counts 8 hours); a range such as "
     "1-2 hours counts as its middle."),
    ("effort: -2 hours", "`steps[0].effort` is `-2 hours`, which is not an amount of work"),
    ("effort: 2",
     "`steps[0].effort` must be an amount of work written as text, e.g. 2 hours, but it is the number `2`. "
     "Write the work one run of the step takes for one customer, e.g. effort: 30 minutes, effort: 2 hours "
     "or effort: 1 day."),
], ids=["words", "negative", "a-bare-number"])
def test_an_effort_that_is_no_amount_of_work_is_a_schema_error_on_its_line(project, written, message):
    hb = handbook(project)
    path = hb.write("playbooks/renewal.md", (hb.docs / "playbooks/renewal.md").read_text().replace(
        "effort: 1 hour", written))

    exit_code, data = hb.check_json()

    assert exit_code == 1
    [problem] = data["diagnostics"]  # and no capacity finding built on it
    assert (problem["code"], problem["file"], problem["line"]) == (
        "schema", "playbooks/renewal.md", line_of(path, "    effort:"))
    assert problem["message"].startswith(message)


@pytest.mark.parametrize(("written", "message"), [
    ("accounts: -60",
     "`accounts` must be at least 0, but it is the number `-60`. Write how many customers the segment has "
     "as a whole number without separators, e.g. accounts: 400."),
    ("accounts: 3,000", "`accounts` must be a whole number, but it is `3,000`."),
    ("accounts: 12.5", "`accounts` must be a whole number, but it is the number `12.5`."),
], ids=["negative", "thousands-separator", "a-fraction"])
def test_accounts_written_wrong_is_a_schema_error_on_its_line(project, written, message):
    hb = handbook(project)
    path = hb.write("segments/big.md", BIG.format(accounts=12).replace("accounts: 12", written))

    _, data = hb.check_json()

    [problem] = data["diagnostics"]
    assert (problem["code"], problem["file"], problem["line"]) == ("schema", "segments/big.md", line_of(path, "accounts:"))
    assert problem["message"].startswith(message)


@pytest.mark.parametrize("value", ["0", "-8", "lots", "true"])
def test_hours_per_person_month_must_be_a_number_above_zero(project, value):
    hb = handbook(project, options=f"hours_per_person_month: {value}")

    run = invoke_cli(hb.root, "capacity")
    assert run.exit_code == 2
    assert "journeysite option `hours_per_person_month` must be a number above 0, e.g. hours_per_person_month: 120" in run.stderr

    done = hb.build()
    assert done.returncode == 1 and "must be a number above 0" in done.stderr


def test_hours_per_person_month_takes_any_positive_number():
    assert Settings.from_mapping({"hours_per_person_month": 7.5}).hours_per_person_month == 7.5
    assert Settings().hours_per_person_month == 120
    with pytest.raises(ConfigError):
        Settings.from_mapping({"hours_per_person_month": float("nan")})


def test_the_schema_of_a_segment_offers_accounts_and_a_step_effort(project):
    run = invoke_cli(ROOT, "schema", "segment")
    assert json.loads(run.stdout)["properties"]["accounts"]["minimum"] == 0
    playbook = json.loads(invoke_cli(ROOT, "schema", "playbook").stdout)
    assert "effort" in playbook["$defs"]["step"]["properties"]


# ---- the shipped handbook (the "done when") ----------------------------------------------------


def test_the_shipped_onboarding_team_matches_a_hand_computation():
    """Onboarding & Implementation: 6 people × 120 hours = 720 a month. Its steps, each once a customer a
    year (started by the milestone contract-signed or go-live), over Enterprise 60, Mid-Market 400 and
    Scale 3,000 customers."""
    found = capacity_json(ROOT, "-f", "mkdocs.yml")
    enterprise, mid_market, scale = 60, 400, 3000
    everyone, named_csm = enterprise + mid_market + scale, enterprise + mid_market
    yearly = 1 / 12
    steps = [  # (hours of one run, customers it runs for)
        (10 / 60, everyone),  # onboarding-and-training 1: read the handoff package
        (2, named_csm),  # 2: kickoff meeting
        (10 / 60, scale),  # 3: setup wizard walkthrough
        (4, named_csm),  # 4: connect data sources
        (8, enterprise),  # 6: admin training on site, 1 day
        (2, mid_market),  # 7: remote admin training
        (5 / 60, scale),  # 8: assign the Admin Essentials course
        (2, named_csm),  # 9: weekly status, over the whole onboarding
        (15 / 60, everyone),  # 10: confirm go-live
        (30 / 60, named_csm),  # closed-won-welcome 5: accept the handoff and book the kickoff
        (1, named_csm),  # go-live-celebration 1: the go-live meeting
    ]
    planned = sum(hours * yearly * customers for hours, customers in steps)  # 7,841.67 / 12 = 653.47

    onboarding = team_of(found, "onboarding")
    assert onboarding["planned"] == pytest.approx(planned, abs=0.01)
    assert onboarding["planned"] == pytest.approx(653.47, abs=0.01)
    assert (onboarding["headcount"], onboarding["capacity"]) == (6, 720)
    assert onboarding["utilisation"] == pytest.approx(planned / 720, abs=1e-4)  # 91%: near the limit
    assert onboarding["steps_with_effort"] == len(steps)
    assert not any(t["exceeded"] for t in found["teams"])
    assert [t["team"] for t in found["teams"]][0] == "onboarding"


def test_a_stage_limited_to_one_segment_charges_its_playbooks_to_that_segment_only(project):
    """A playbook with no `segments` of its own runs only where its stages are in the journey: Adoption
    limited to Big means its check-in costs the Small segment nothing (SPEC §7.6: steps that apply)."""
    hb = handbook(project)
    hb.write("stages/adoption.md", "---\nkind: stage\ntitle: Adoption\nowner: success\norder: 2\nsegments: [big]\n---\n")
    hb.write("milestones/value.md", "---\nkind: milestone\ntitle: Value\nowner: success\nstage: adoption\norder: 1\nsegments: [big]\n---\n")

    data = capacity_json(hb.root)

    steps = {(s["playbook"], s["step"]): s for s in data["costliest"]}
    call = steps[("check-in", 2)]
    assert {s["segment"] for s in call["segments"]} == {"big"}, call
    assert call["hours"] == pytest.approx(1.5 * CHECK_IN * 12, abs=0.01)  # Small's 216 customers: none
