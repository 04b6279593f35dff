"""``text-cut-by-comment``: a ` #` after plain text starts a YAML comment, and the page shows less than was
written (`- do: Declare the escalation in #escalated_customers` is published as "Declare the escalation in").

The tables of cases run under both loaders (libyaml's, which the build uses, and PyYAML's own)."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import ROOT, codes
from small_handbook import clean

ESCALATION = """\
---
kind: playbook
title: Escalation
owner: customer-success
type: risk
stages: [onboarding]
trigger: {{signal: churn risk}}
{fields}
---
"""
LINE = "- do: Declare the escalation in #escalated_customers and page the on-call"
FIX = '- do: "Declare the escalation in #escalated_customers and page the on-call"'


def cuts(data: dict) -> list[dict]:
    return [d for d in data["diagnostics"] if d["code"] == "text-cut-by-comment"]


def escalation(project, fields: str, **options):
    """The clean handbook plus a risk playbook whose front matter ends with ``fields`` (from line 8)."""
    hb = clean(project, **options)
    hb.write("playbooks/escalation.md", ESCALATION.format(fields=fields))
    return hb


def test_a_step_cut_by_a_comment_is_a_warning_quoting_the_line_and_the_fix(project, yaml_loader):
    hb = escalation(project, f"steps:\n  {LINE}\n  - do: Agree a plan with the sponsor")
    status, data = hb.check_json()
    assert status == 0  # a warning: the build goes on, `--strict` stops
    assert codes(data) == ["text-cut-by-comment"]
    (d,) = data["diagnostics"]
    assert (d["severity"], d["file"], d["line"], d["entity"], d["segments"]) == (
        "warning", "playbooks/escalation.md", 9, "playbook:escalation", []
    )
    message = d["message"]
    assert f"`{LINE}`" in message  # the whole line, as written
    assert "`steps[0].do` is only `Declare the escalation in`" in message  # what the page shows
    assert f"`{FIX}`" in message  # the quoted fix, ready to paste
    assert "if `#escalated_customers and page the on-call` is a comment, move it to a line of its own" in message
    assert hb.check_json("--strict")[0] == 1


def test_following_the_advice_publishes_the_whole_text(project):
    hb = escalation(project, f"steps:\n  {LINE}")
    cut = hb.build("--strict")
    assert cut.returncode != 0
    assert "playbooks/escalation.md:9:" in cut.stderr and "[text-cut-by-comment]" in cut.stderr
    assert "Traceback" not in cut.stdout + cut.stderr

    hb.write("playbooks/escalation.md", ESCALATION.format(fields=f"steps:\n  {FIX}"))
    assert cuts(hb.check_json()[1]) == []
    done = hb.build("--strict")
    assert done.returncode == 0, done.stderr
    page = (hb.root / "site" / "playbooks" / "escalation" / "index.html").read_text(encoding="utf-8")
    assert "Declare the escalation in #escalated_customers and page the on-call" in page


@pytest.mark.parametrize(
    ("fields", "line", "field", "shown", "fix"),
    [
        pytest.param("summary: Runs when a customer escalates # TODO link the policy", 8, "summary",
                     "Runs when a customer escalates", 'summary: "Runs when a customer escalates # TODO link the policy"',
                     id="a-note-after-a-summary"),
        pytest.param("steps:\n  - do: Escalate\n    when: day 3 # after kickoff", 10, "steps[0].when", "day 3",
                     'when: "day 3 # after kickoff"', id="free-text-when"),
        pytest.param("steps:\n  - do: Call the sponsor and\n      agree a plan # then log it", 10, "steps[0].do",
                     "Call the sponsor and agree a plan", '- do: "Call the sponsor and agree a plan # then log it"',
                     id="text-over-two-lines"),
        pytest.param("tags:\n  - Slack #cs-escalations", 9, "tags[0]", "Slack", '- "Slack #cs-escalations"',
                     id="list-item"),
        pytest.param('outcome: The "red" account is green again # or churned', 8, "outcome",
                     'The "red" account is green again',
                     """outcome: 'The "red" account is green again # or churned'""", id="text-holding-quotes"),
        pytest.param("steps:\n  - do: &first Call the sponsor # today", 9, "steps[0].do", "Call the sponsor",
                     '- do: &first "Call the sponsor # today"', id="anchored"),
    ],
)
def test_text_cut_by_a_comment(project, yaml_loader, fields, line, field, shown, fix):
    hb = escalation(project, fields)
    _, data = hb.check_json()
    assert [(d["code"], d["line"]) for d in data["diagnostics"]] == [("text-cut-by-comment", line)]
    message = data["diagnostics"][0]["message"]
    assert f"`{field}` is only `{shown}`" in message
    assert f"`{fix}`" in message, message
    # The fix, pasted in, reads back as the whole text.
    pasted = yaml.safe_load(fix.removeprefix("- "))
    whole = pasted if isinstance(pasted, str) else next(iter(pasted.values()))
    assert whole.startswith(shown.split(" ")[0]) and " #" in whole


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param("# Owned by the escalation desk\nsteps:\n  # first, tell everyone\n  - do: Tell everyone",
                     id="comment-only-lines"),
        pytest.param('steps:\n  - do: "Post in #cs-escalations"\n  - do: \'Post in #cs-leads\'', id="quoted"),
        pytest.param("steps:\n  - do: Write the C# SDK ticket, see issue#12", id="hash-without-a-space"),
        pytest.param("steps:\n  - do: |\n      Post in #cs # here\n  - do: >\n      Post in #cs # there",
                     id="block-text"),
        pytest.param("tags: [renewal, risk] # the usual two\nsteps: [{do: Call}] # one step", id="after-a-flow-list"),
    ],
)
def test_comments_that_cut_nothing_are_not_findings(project, yaml_loader, fields):
    hb = escalation(project, fields)
    status, data = hb.check_json("--strict")
    assert cuts(data) == [], cuts(data)


def test_a_comment_after_a_value_that_is_not_text_is_not_a_finding(project, yaml_loader):
    """What a department lead writes to explain a number, an id, a date or a setting is a comment."""
    hb = clean(project)
    hb.write("stages/onboarding.md", """
        ---
        kind: stage
        title: Onboarding
        owner: customer-success  # since the May reorganisation
        order: 1 # after purchase
        status: active # until we split it
        reviewed: 2026-09-15 # with legal
        review_every: 6 months # legal asks
        segments:
          - enterprise # the big ones
        ---
        """)
    hb.write("segments/enterprise.md", "---\nkind: segment\ntitle: Enterprise\nowner: customer-success\n---\n")
    _, data = hb.check_json()
    assert cuts(data) == []


def test_the_first_edition_handbook_has_no_cut_text(project):
    """It writes its `#` channels in quotes (the shipped handbook is checked with --strict elsewhere)."""
    config = ROOT / "tests" / "fixtures" / "first-edition" / "mkdocs.yml"
    if not config.exists():
        pytest.skip("no first-edition fixture")
    run = project().check("--format", "json", "-f", str(config))
    assert cuts(json.loads(run.stdout)) == []


def test_an_empty_value_is_still_the_one_schema_error(project, yaml_loader):
    """`channel: #cs-team` leaves nothing to publish: a schema error says so, and no warning repeats it."""
    hb = escalation(project, "steps:\n  - do: Post the news\n    channel: #cs-team")
    status, data = hb.check_json()
    assert status == 1
    assert codes(data) == ["schema"]


def test_a_plain_page_title_cut_by_a_comment(project, yaml_loader):
    hb = clean(project)
    hb.write("notes.md", "---\ntitle: Release notes # draft\n---\n\n# Notes\n")
    _, data = hb.check_json()
    (d,) = cuts(data)
    assert (d["file"], d["line"], d["entity"]) == ("notes.md", 2, None)
    assert '`title: "Release notes # draft"`' in d["message"]


def test_gaps_off_does_not_silence_it(project):
    """It is a reading warning, not a gap finding: the `gaps` setting does not change it."""
    hb = escalation(project, f"steps:\n  {LINE}", options="gaps: off")
    _, data = hb.check_json()
    assert [(d["code"], d["severity"]) for d in data["diagnostics"]] == [("text-cut-by-comment", "warning")]


def test_what_is_quoted_is_neutralised(project):
    """The line is quoted as other messages quote text: a bidi override is shown, not obeyed."""
    hb = escalation(project, "steps:\n  - do: Post in\u202e #cs-escalations")
    _, data = hb.check_json()
    (d,) = cuts(data)
    assert "\u202e" not in d["message"] and "`- do: Post in\\u202e #cs-escalations`" in d["message"]


def test_an_item_that_goes_on_after_its_quotes_gets_a_fix_that_works(project, yaml_loader):
    """`- "Date CP Use Case Turned Green" stamped in the CRM` is a syntax error; the hint's fix reads back."""
    hb = clean(project)
    page = "---\nkind: team\ntitle: Customer Success\nroles:\n  {item}\n---\n"
    hb.write("teams/customer-success.md", page.format(item='- "Date CP Use Case Turned Green" stamped in the CRM'))
    _, data = hb.check_json()
    (d,) = data["diagnostics"]
    assert (d["code"], d["line"]) == ("yaml-syntax", 5)
    fix = d["message"].split("e.g. `")[1].split("`,")[0]
    assert fix == """- '"Date CP Use Case Turned Green" stamped in the CRM'"""

    hb.write("teams/customer-success.md", page.format(item=fix))
    status, data = hb.check_json("--strict")
    assert (status, data["diagnostics"]) == (0, [])
