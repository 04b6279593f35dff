"""Every error code of SPEC §3 on a small handbook of its own: code, severity, file, line, entity and message."""

from __future__ import annotations

import re

from conftest import codes, errors, the_error
from small_handbook import ONBOARDING

CS_TEAM = """
---
kind: team
title: Customer Success
---
"""

SALES_TEAM = """
---
kind: team
title: Sales
---
"""


def with_teams(project, *extra: tuple[str, str]):
    """A handbook with the customer-success team, plus the given (path, text) pages."""
    hb = project()
    hb.write("teams/customer-success.md", CS_TEAM)
    for path, text in extra:
        hb.write(path, text)
    return hb


# --- schema: missing required fields, per kind ---------------------------------------------------


def test_stage_without_order_is_a_schema_error_naming_the_field(project):
    hb = with_teams(project, ("stages/onboarding.md", """
        ---
        kind: stage
        title: Onboarding
        owner: customer-success
        ---
        """))
    status, data = hb.check_json()
    d = the_error(data)
    assert status == 1
    assert (d["code"], d["severity"], d["file"], d["line"], d["entity"]) == (
        "schema", "error", "stages/onboarding.md", 1, "stage:onboarding")
    assert d["message"].startswith("`order` is missing")
    assert "Add `order:`" in d["message"]


def test_playbook_without_trigger_is_a_schema_error(project):
    hb = with_teams(
        project,
        ("stages/onboarding.md", "---\nkind: stage\ntitle: Onboarding\nowner: customer-success\norder: 1\n---\n"),
        ("playbooks/welcome.md", """
        ---
        kind: playbook
        title: Welcome
        owner: customer-success
        type: lifecycle
        stages: [onboarding]
        ---
        """),
    )
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"], d["entity"]) == ("schema", "playbooks/welcome.md", 1, "playbook:welcome")
    assert d["message"].startswith("`trigger` is missing")
    assert "Add `trigger:`" in d["message"]


def test_missing_field_message_has_no_sentence_cut_off_at_eg(project):
    """The field's help is quoted in full sentences, not cut after "e.g." before the fix ("Add ...")."""
    hb = with_teams(project, ("metrics/nps.md", """
        ---
        kind: metric
        title: NPS
        definition: Net promoter score.
        ---
        """))
    _, data = hb.check_json()
    d = the_error(data)
    assert d["message"].startswith("`owner` is missing")
    assert not re.search(r"e\.g\.\s*Add", d["message"]), d["message"]
    assert not re.search(r"; [A-Z]", d["message"]), d["message"]


def test_handoff_with_neither_stages_nor_milestone_is_a_schema_error(project):
    hb = with_teams(project, ("handoffs/to-cs.md", """
        ---
        kind: handoff
        title: To CS
        owner: customer-success
        from: customer-success
        to: customer-success
        artifacts: [success plan]
        ---
        """))
    status, data = hb.check_json()
    d = the_error(data)
    assert status == 1
    assert (d["code"], d["file"], d["entity"]) == ("schema", "handoffs/to-cs.md", "handoff:to-cs")
    assert d["line"] == 2
    for name in ("from_stage", "to_stage", "milestone"):
        assert name in d["message"]


def test_handoff_with_both_stages_and_milestone_is_a_schema_error(project):
    hb = with_teams(
        project,
        ("stages/purchase.md", "---\nkind: stage\ntitle: Purchase\nowner: customer-success\norder: 1\n---\n"),
        ("stages/onboarding.md", "---\nkind: stage\ntitle: Onboarding\nowner: customer-success\norder: 2\n---\n"),
        ("milestones/signed.md",
         "---\nkind: milestone\ntitle: Signed\nowner: customer-success\nstage: purchase\norder: 1\n---\n"),
        ("handoffs/to-cs.md", """
        ---
        kind: handoff
        title: To CS
        owner: customer-success
        from: customer-success
        to: customer-success
        from_stage: purchase
        to_stage: onboarding
        milestone: signed
        artifacts: [success plan]
        ---
        """),
    )
    _, data = hb.check_json()
    d = the_error(data)
    # located at the form written second (`milestone`, line 9), naming the fields that clash
    assert (d["code"], d["file"], d["line"], d["entity"]) == ("schema", "handoffs/to-cs.md", 9, "handoff:to-cs")
    assert "not both" in d["message"]
    assert "from_stage" in d["message"] and "milestone" in d["message"]


def test_a_page_with_only_kind_reports_every_missing_field(project):
    hb = with_teams(project, ("stages/adoption.md", "---\nkind: stage\n---\n"))
    _, data = hb.check_json()
    missing = sorted(d["message"].split("`")[1] for d in errors(data))
    assert missing == ["order", "owner", "title"]
    assert {(d["code"], d["file"], d["line"], d["entity"]) for d in errors(data)} == {
        ("schema", "stages/adoption.md", 1, "stage:adoption")}


# --- schema: wrong values ------------------------------------------------------------------------


def test_order_written_as_a_word_is_a_type_error(project):
    hb = with_teams(project, ("stages/onboarding.md", """
        ---
        kind: stage
        title: Onboarding
        owner: customer-success
        order: first
        ---
        """))
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["severity"], d["file"], d["line"], d["entity"]) == (
        "schema", "error", "stages/onboarding.md", 5, "stage:onboarding")
    assert "`order` must be a whole number" in d["message"]
    assert "`first`" in d["message"]


def test_enum_typo_suggests_the_right_value(project):
    hb = with_teams(
        project,
        ("stages/onboarding.md", "---\nkind: stage\ntitle: Onboarding\nowner: customer-success\norder: 1\n---\n"),
        ("playbooks/welcome.md", """
        ---
        kind: playbook
        title: Welcome
        owner: customer-success
        type: lifecyle
        stages: [onboarding]
        trigger: {manual: CSM decides}
        ---
        """),
    )
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"], d["entity"]) == ("schema", "playbooks/welcome.md", 5, "playbook:welcome")
    assert "`type`" in d["message"]
    assert "lifecycle, risk, expansion" in d["message"]
    assert "Did you mean `lifecycle`?" in d["message"]


def test_unknown_top_level_key_suggests_the_field_meant(project):
    hb = with_teams(project, ("metrics/nps.md", """
        ---
        kind: metric
        title: NPS
        owner: customer-success
        definition: Net promoter score.
        directon: up
        ---
        """))
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"], d["entity"]) == ("schema", "metrics/nps.md", 6, "metric:nps")
    assert "unknown field `directon`" in d["message"]
    assert "Did you mean `direction`?" in d["message"]


def test_raci_accountable_is_an_unknown_nested_key_explained(project):
    hb = with_teams(project, ("metrics/nps.md", """
        ---
        kind: metric
        title: NPS
        owner: customer-success
        definition: Net promoter score.
        raci:
          accountable: [customer-success]
        ---
        """))
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"], d["entity"]) == ("schema", "metrics/nps.md", 7, "metric:nps")
    assert "`raci.accountable`" in d["message"]
    assert "responsible, consulted, informed" in d["message"]
    assert "owner is the Accountable" in d["message"]


def test_trigger_with_two_keys_is_a_schema_error(project):
    hb = with_teams(
        project,
        ("stages/onboarding.md", "---\nkind: stage\ntitle: Onboarding\nowner: customer-success\norder: 1\n---\n"),
        ("playbooks/check-in.md", """
        ---
        kind: playbook
        title: Check-in
        owner: customer-success
        type: lifecycle
        stages: [onboarding]
        trigger:
          schedule: every 90 days
          manual: CSM decides
        ---
        """),
    )
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"], d["entity"]) == ("schema", "playbooks/check-in.md", 7, "playbook:check-in")
    assert "`trigger`" in d["message"]
    assert "exactly one of" in d["message"]


def test_step_without_do_names_the_step(project):
    hb = with_teams(
        project,
        ("stages/onboarding.md", "---\nkind: stage\ntitle: Onboarding\nowner: customer-success\norder: 1\n---\n"),
        ("playbooks/welcome.md", """
        ---
        kind: playbook
        title: Welcome
        owner: customer-success
        type: lifecycle
        stages: [onboarding]
        trigger: {manual: CSM decides}
        steps:
          - do: Send the welcome email
          - when: day 2
            channel: call
        ---
        """),
    )
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"], d["entity"]) == ("schema", "playbooks/welcome.md", 10, "playbook:welcome")
    assert d["message"].startswith("`steps[1].do` is missing")
    assert "Add `do:` to this item" in d["message"]


def test_a_date_that_does_not_exist_is_refused(project):
    hb = with_teams(project, ("metrics/nps.md", """
        ---
        kind: metric
        title: NPS
        owner: customer-success
        definition: Net promoter score.
        reviewed: 2026-02-30
        ---
        """))
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"], d["entity"]) == ("schema", "metrics/nps.md", 6, "metric:nps")
    assert "`reviewed`" in d["message"] and "2026-02-30" in d["message"]
    assert "not a real calendar date" in d["message"]


def test_a_real_date_is_accepted(project):
    hb = with_teams(project, ("metrics/nps.md", """
        ---
        kind: metric
        title: NPS
        owner: customer-success
        definition: Net promoter score.
        reviewed: 2024-02-29
        review_every: quarterly
        ---
        """))
    status, data = hb.check_json()
    assert errors(data) == []
    assert status == 0


def test_a_duration_in_capitals_is_refused_with_examples(project):
    hb = with_teams(project, ("metrics/nps.md", """
        ---
        kind: metric
        title: NPS
        owner: customer-success
        definition: Net promoter score.
        review_every: 6 Months
        ---
        """))
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"], d["entity"]) == ("schema", "metrics/nps.md", 6, "metric:nps")
    assert "`review_every`" in d["message"] and "`6 Months`" in d["message"]
    assert "6 months" in d["message"] and "quarterly" in d["message"]


def test_an_id_that_is_not_a_slug_is_refused(project):
    hb = with_teams(project, ("teams/sales.md", """
        ---
        kind: team
        id: Sales_Team
        title: Sales
        ---
        """))
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"]) == ("schema", "teams/sales.md", 3)
    assert "`id`" in d["message"] and "`Sales_Team`" in d["message"]
    assert "lower-case letters and digits" in d["message"]


def test_a_file_name_that_is_not_a_slug_needs_an_id(project):
    hb = with_teams(project, ("teams/Account Management.md", """
        ---
        kind: team
        title: Account Management
        ---
        """))
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"]) == ("schema", "teams/Account Management.md", 2)
    assert "`Account Management`" in d["message"]
    assert "`account-management.md`" in d["message"]
    assert "`id: account-management`" in d["message"]


def test_a_file_name_that_is_not_a_slug_is_fine_with_an_id(project):
    hb = with_teams(project, ("teams/Account Management.md", """
        ---
        kind: team
        id: account-management
        title: Account Management
        ---
        """))
    status, data = hb.check_json()
    assert errors(data) == []
    assert data["entities"]["team"] == 2
    assert status == 0


def test_a_key_given_twice_names_both_lines(project):
    hb = with_teams(project, ("teams/sales.md", """
        ---
        kind: team
        title: Sales
        lead: Ana
        title: Sales team
        ---
        """))
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"], d["entity"]) == ("schema", "teams/sales.md", 5, "team:sales")
    assert "`title` is given twice" in d["message"]
    assert "lines 3 and 5" in d["message"]


def test_a_nested_key_given_twice_names_its_path(project):
    hb = with_teams(
        project,
        ("teams/sales.md", SALES_TEAM),
        ("metrics/nps.md", """
        ---
        kind: metric
        title: NPS
        owner: customer-success
        definition: Net promoter score.
        raci:
          informed: [sales]
          informed: [sales]
        ---
        """),
    )
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["line"]) == ("schema", 8)
    assert "`raci.informed` is given twice (lines 7 and 8)" in d["message"]


def test_yes_where_text_is_expected_explains_quoting(project):
    hb = with_teams(project, ("metrics/nps.md", """
        ---
        kind: metric
        title: NPS
        owner: customer-success
        definition: yes
        ---
        """))
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"], d["entity"]) == ("schema", "metrics/nps.md", 5, "metric:nps")
    assert "`definition` must be text" in d["message"]
    assert "quotes" in d["message"]


# --- unknown-kind --------------------------------------------------------------------------------


def test_kind_typo_is_unknown_kind_with_suggestion(project):
    hb = with_teams(project, ("stages/onboarding.md", """
        ---
        title: Onboarding
        kind: stgae
        owner: customer-success
        order: 1
        ---
        """))
    status, data = hb.check_json()
    d = the_error(data)
    assert status == 1
    assert (d["code"], d["severity"], d["file"], d["line"], d["entity"]) == (
        "unknown-kind", "error", "stages/onboarding.md", 3, None)
    assert "`stgae`" in d["message"]
    assert "Did you mean `stage`?" in d["message"]
    assert "mission, team, segment, stage, milestone, playbook, handoff, metric" in d["message"]


# --- unknown-ref ---------------------------------------------------------------------------------


def test_owner_typo_is_unknown_ref_with_suggestion_and_choices(project):
    hb = with_teams(
        project,
        ("teams/sales.md", SALES_TEAM),
        ("stages/onboarding.md", """
        ---
        kind: stage
        title: Onboarding
        owner: customer-sucess
        order: 1
        ---
        """),
    )
    status, data = hb.check_json()
    d = the_error(data)
    assert status == 1
    assert (d["code"], d["severity"], d["file"], d["line"], d["entity"]) == (
        "unknown-ref", "error", "stages/onboarding.md", 4, "stage:onboarding")
    assert "`owner` names the team `customer-sucess`" in d["message"]
    assert "Did you mean `customer-success`?" in d["message"]
    assert "It must be the id of a team page: customer-success, sales." in d["message"]


def test_unknown_ref_to_a_kind_with_no_pages_says_so(project):
    hb = with_teams(project, ("stages/onboarding.md", """
        ---
        kind: stage
        title: Onboarding
        owner: customer-success
        order: 1
        metrics: [time-to-value]
        ---
        """))
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"], d["entity"]) == ("unknown-ref", "stages/onboarding.md", 6, "stage:onboarding")
    assert "`metrics[0]` names the metric `time-to-value`" in d["message"]
    assert "no metric pages yet" in d["message"]


def test_body_link_to_unknown_entity_is_unknown_ref_on_its_line(project):
    hb = with_teams(project, ("guide.md", """
        # Guide

        Talk to [[team:customer-success]] first.

        Then read [[team:custmer-success]].
        """))
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"], d["entity"]) == ("unknown-ref", "guide.md", 5, None)
    assert "`[[team:custmer-success]]`" in d["message"]
    assert "Did you mean `customer-success`?" in d["message"]


def test_body_link_with_unknown_kind_lists_the_kinds(project):
    hb = with_teams(project, ("guide.md", "# Guide\n\nSee [[stge:onboarding]].\n"))
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"]) == ("unknown-ref", "guide.md", 3)
    assert "Did you mean `stage`?" in d["message"]
    assert "mission, team, segment, stage, milestone, playbook, handoff, metric" in d["message"]


# --- duplicate-id, duplicate-order, multiple-missions --------------------------------------------


def test_duplicate_id_names_both_files(project):
    hb = with_teams(project, ("teams/cs.md", """
        ---
        kind: team
        id: customer-success
        title: Customer Success (old)
        ---
        """))
    status, data = hb.check_json()
    d = the_error(data)
    assert status == 1
    assert (d["code"], d["severity"], d["entity"]) == ("duplicate-id", "error", "team:customer-success")
    files = {"teams/cs.md", "teams/customer-success.md"}
    assert d["file"] in files
    (other,) = files - {d["file"]}
    assert other in d["message"]
    assert d["line"] == (3 if d["file"] == "teams/cs.md" else 1)
    assert "`customer-success`" in d["message"]


def test_same_id_in_two_kinds_is_fine(project):
    hb = with_teams(project, ("stages/customer-success.md", """
        ---
        kind: stage
        title: Customer success
        owner: customer-success
        order: 1
        ---
        """))
    _, data = hb.check_json()
    assert "duplicate-id" not in codes(data)
    assert errors(data) == []


def test_two_stages_with_one_order_are_duplicate_order(project):
    hb = with_teams(
        project,
        ("stages/adoption.md", "---\nkind: stage\ntitle: Adoption\nowner: customer-success\norder: 2\n---\n"),
        ("stages/onboarding.md", "---\nkind: stage\ntitle: Onboarding\nowner: customer-success\norder: 2\n---\n"),
    )
    status, data = hb.check_json()
    d = the_error(data)
    assert status == 1
    assert (d["code"], d["severity"], d["file"], d["line"], d["entity"]) == (
        "duplicate-order", "error", "stages/onboarding.md", 5, "stage:onboarding")
    assert "`order: 2`" in d["message"]
    assert "stages/adoption.md" in d["message"]


def test_two_milestones_of_one_stage_with_one_order_are_duplicate_order(project):
    milestone = "---\nkind: milestone\ntitle: {title}\nowner: customer-success\nstage: {stage}\norder: 1\n---\n"
    hb = with_teams(
        project,
        ("stages/onboarding.md", "---\nkind: stage\ntitle: Onboarding\nowner: customer-success\norder: 1\n---\n"),
        ("stages/adoption.md", "---\nkind: stage\ntitle: Adoption\nowner: customer-success\norder: 2\n---\n"),
        ("milestones/kickoff.md", milestone.format(title="Kickoff", stage="onboarding")),
        ("milestones/live.md", milestone.format(title="Live", stage="onboarding")),
        ("milestones/first-value.md", milestone.format(title="First value", stage="adoption")),
    )
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"], d["entity"]) == (
        "duplicate-order", "milestones/live.md", 6, "milestone:live")
    assert "stage `onboarding`" in d["message"]
    assert "milestones/kickoff.md" in d["message"]


def test_two_missions_are_multiple_missions(project):
    mission = "---\nkind: mission\ntitle: {title}\nowner: customer-success\nstatement: Customers succeed.\n---\n"
    hb = with_teams(
        project,
        ("about/our-mission.md", mission.format(title="Our mission")),
        ("mission.md", mission.format(title="Mission")),
    )
    status, data = hb.check_json()
    d = the_error(data)
    assert status == 1
    assert (d["code"], d["severity"], d["file"], d["line"], d["entity"]) == (
        "multiple-missions", "error", "mission.md", 2, "mission:mission")
    assert "about/our-mission.md" in d["message"]


def test_a_number_or_yes_used_as_a_key_is_an_unknown_field_not_a_crash(project):
    hb = project()
    hb.write("teams/cs.md", "---\nkind: team\ntitle: CS\n1: a\nraci:\n  yes: [cs]\n---\n")
    code, data = hb.check_json()
    assert code == 1
    errors = [d for d in data["diagnostics"] if d["severity"] == "error"]
    assert [(d["code"], d["line"]) for d in errors] == [("schema", 4), ("schema", 6)]
    assert "unknown field `1`" in errors[0]["message"]
    assert "unknown field `raci.True`" in errors[1]["message"]


def test_a_page_with_broken_yaml_is_reported_once_not_also_as_every_link_to_it(project):
    hb = project()
    hb.write("teams/cs.md", "---\nkind: team\ntitle: CS\n---\nSee [[playbook:plan]].\n")
    hb.write("playbooks/plan.md", "---\nkind: playbook\ntitle: [half written\n---\n")
    code, data = hb.check_json()
    assert code == 1
    assert [(d["code"], d["file"]) for d in data["diagnostics"] if d["severity"] == "error"] == [
        ("yaml-syntax", "playbooks/plan.md")
    ]


# --- YAML that reads differently than it looks ---------------------------------------------------

PLAYBOOK_HEAD = """\
---
kind: playbook
title: Renewal call
owner: customer-success
type: lifecycle
stages: [onboarding]
"""
ONBOARDING_STAGE = ("stages/onboarding.md", ONBOARDING)


def test_a_value_starting_with_hash_is_explained_once_with_the_quoted_value(project):
    hb = with_teams(project, ONBOARDING_STAGE, ("playbooks/renewal.md", PLAYBOOK_HEAD + """\
trigger: {manual: when asked}
summary: #1 renewal play
steps:
  - do: Call
    channel: #cs-team
---
"""))
    _, data = hb.check_json()
    found = {d["line"]: d["message"] for d in errors(data)}
    assert sorted(found) == [8, 11], found  # one message per value, not one per rule it breaks
    assert found[8].startswith("`summary` is empty because YAML reads `#1 renewal play` as a comment")
    assert 'summary: "#1 renewal play"' in found[8]
    # a value with fixed options: say what it may be rather than quoting the comment
    assert "`steps[0].channel` is empty" in found[11] and "one of: email, call" in found[11]
    assert "Did you mean" not in found[11]


def test_a_comma_inside_braces_on_one_line_is_explained(project):
    hb = with_teams(project, ONBOARDING_STAGE, ("playbooks/renewal.md", PLAYBOOK_HEAD + """\
trigger: {schedule: twice a year, in March}
---
"""))
    _, data = hb.check_json()
    unknown = [d for d in errors(data) if "in March" in d["message"]]
    assert len(unknown) == 1 and unknown[0]["line"] == 7
    assert 'schedule: "twice a year, in March"' in unknown[0]["message"]
    assert "a comma starts a new field" in unknown[0]["message"]


def test_a_hash_inside_a_list_on_one_line_is_explained(project):
    hb = with_teams(project, ONBOARDING_STAGE, ("playbooks/renewal.md", PLAYBOOK_HEAD + """\
trigger: {manual: when asked}
tags: [renewal, Slack #cs-team]
summary: Call before the renewal date.
---
"""))
    _, data = hb.check_json()
    d = the_error(data)
    assert d["code"] == "yaml-syntax"
    assert "as a comment" in d["message"] and "in quotes" in d["message"], d["message"]


def test_a_trailing_comment_is_not_blamed_for_a_broken_list(project):
    hb = with_teams(project, ONBOARDING_STAGE, ("playbooks/renewal.md", PLAYBOOK_HEAD + """\
trigger: {manual: when asked}
tags: [renewal, "Sales"force]  # our tools
---
"""))
    _, data = hb.check_json()
    d = the_error(data)
    assert d["code"] == "yaml-syntax" and "as a comment" not in d["message"], d["message"]


def test_a_key_that_is_not_text_is_still_judged_by_the_schema():
    """Valid front matter is asked about first, without the copy that makes every key text; a key the
    validator cannot read (``1:``) still gets the schema's answer, not an exception."""
    from journeysite.core import schema

    errors = schema.schema_errors("team", {"kind": "team", "title": "Support", 1: "one"})
    assert [(e.validator, e.instance) for e in errors] == [
        ("additionalProperties", {"kind": "team", "title": "Support", "1": "one"})
    ]
    assert schema.schema_errors("team", {"kind": "team", "title": "Support"}) == []
