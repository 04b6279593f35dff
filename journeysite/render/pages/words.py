"""The words pages show people: every label a reader sees that is not their own text, in one place, so
the same thing is called the same everywhere. Renderers import their labels from here."""

from __future__ import annotations

# The words a segment's `touch` is shown in (the values are the schema's).
TOUCH = {"high": "High touch", "medium": "Medium touch", "low": "Low touch", "tech": "Tech touch"}


# A trigger in words, one table for every page: the card's label, the grid's short form, and the end of
# a sentence ("it starts when Go-live is reached").
TRIGGER_WORDS = {
    "milestone": ("When a milestone is reached", "Milestone reached: {}", "starts when {} is reached"),
    "schedule": ("On a schedule", "Schedule: {}", "runs on a schedule ({})"),
    "signal": ("On a signal", "Signal: {}", "starts on a signal ({})"),
    "manual": ("On judgement", "Judgement call: {}", "starts on judgement ({})"),
}
CARD, SHORT, PHRASE = 0, 1, 2


# ---- entity pages --------------------------------------------------------------------------------

# A step's channel as a playbook shows it; "other" tells a reader nothing, so it shows nothing.
CHANNELS = {
    "email": "Email",
    "call": "Call",
    "meeting": "Meeting",
    "in-app": "In-app",
    "onsite": "On site",
    "other": "",
}
# The labels of a step's details, in the order a step shows them; a step or milestone limited to some
# segments says so ("{}": those segments).
STEP_LABELS = {"owner": "Who", "when": "When", "channel": "Channel", "systems": "Systems", "effort": "Effort"}
STEP_ONLY = "{} only"

# A team's part in a stage, milestone or playbook, as the team's page says it (keys: the field naming it).
TEAM_PARTS = {
    "owner": "Owns",
    "segment_owners": "Owns in some segments",
    "raci.responsible": "Does the work",
    "steps.owner": "Runs steps",
    "raci.consulted": "Is consulted",
    "raci.informed": "Is kept informed",
}

# How the page that names this one relates to it ("Referenced by"), keyed by the field that names it.
BACKLINKS = {
    "owner": "owned by this team",
    "segment_owners": "owned by this team in some segments",
    "raci.responsible": "this team does the work",
    "raci.consulted": "consults this team",
    "raci.informed": "keeps this team informed",
    "steps.owner": "this team runs some of its steps",
    "segments": "applies to this segment",
    "steps.segments": "has steps for this segment",
    "accept.segments": "accepts a finding for this segment",
    "moves_to": "its customers can move to this segment",
    "metrics": "tracks this metric",
    "stage": "a milestone of this stage",
    "stages": "runs in this stage",
    "milestones": "works toward this milestone",
    "trigger.milestone": "starts when this is reached",
    "from": "handed over by this team",
    "to": "handed over to this team",
    "from_stage": "as customers leave this stage",
    "to_stage": "as customers enter this stage",
    "milestone": "after this milestone",
    "from_segment": "as customers leave this segment",
    "to_segment": "as customers join this segment",
    "body": "mentions it",
}
# The same fields naming a segment rather than a team.
BACKLINKS_TO_SEGMENT = {"segment_owners": "has another owner in this segment"}

# A milestone's moment of truth: how its success is celebrated (on its page and its stage's), and the
# marker lists show beside a milestone that is celebrated.
SUCCESS = "Success looks like"
CELEBRATE = "★ Celebrate"
CELEBRATED = "★ Celebrated"
# What a handoff carries: its checklist's title.
TRAVELS = "What travels"

# ---- the summary pages (handoffs, moments of truth, systems, metrics, who does what) -------------

# Whether a higher or a lower value of a metric is the good news.
DIRECTION = {"up": "Higher is better", "down": "Lower is better"}

# When a handoff happens, as the end of "This handoff happens …" (HTML with the links filled in).
HANDOFF_WHEN = {
    "milestone": "after {milestone}, in {stage}",
    "milestone-no-stage": "after {milestone}",
    "stages": "moving from {before} to {after}",
    "segments": "when a customer moves from {before} to {after}",
}

# The labels of a summary entry, in the order entries show them.
SUMMARY_LABELS = {
    "from-to": "Who",
    "when": "When",
    "sla": "Time allowed",
    "applies": "For",
    "travels": "What travels",
    "owner": "Owner",
    "due": "Due",
    "success": "Reached when",
    "celebrate": "How we celebrate",
    "definition": "What it measures",
    "formula": "How it is calculated",
    "target": "Target",
    "direction": "Which way is good",
    "used": "Used in",
}
# The short texts of the summary pages: a stage's heading, what a page shows where there is nothing yet.
SUMMARY_TEXTS = {
    "stage": "Stage {}:",
    "only-for": "Only for {}.",
    "no-milestone": "No milestone in this stage yet.",
    "no-celebration": "No celebration is written down for this moment yet.",
    "no-artifacts": "This handoff does not say yet what information travels with the customer.",
    "no-team": "No team has a part in this stage yet.",
    "no-stage-heading": "Milestones of no active stage",
    "no-stage-why": "Their stage is retired or missing, so they are in no journey until they move to another.",
    "no-user": "No stage or playbook names it yet.",
}

# A team's part in a stage, strongest first, and what it means: the "who does what" page names each so.
STAGE_ROLES = (
    ("lead", "Leads the stage", "accountable for the customer's outcome in the stage, and for its page"),
    ("owns", "Owns", "accountable for a milestone or a playbook, and keeps its page current"),
    ("steps", "Runs steps of", "runs some of a playbook's steps for the team that owns it"),
    ("responsible", "Does the work on", "does the work, with the owner accountable"),
    ("hands", "Hands over", "passes the customer on to the next team"),
    ("receives", "Receives", "takes the customer over from another team"),
    ("consulted", "Is consulted on", "gives input before decisions are made"),
    ("informed", "Is kept informed of", "is told what happened"),
)

ROLES_LEGEND = "What the roles mean"
# A part a team plays in some segments only, or in all but some ("{}": the segments' names).
SEGMENT_NOTES = {"only": "{} only", "except": "except in {}"}

# The systems page.
SYSTEM_WORDS = {
    "by-stage": "Systems in each stage",
    "none": "No system named",
    "stages": "Used in",
    "no-stage": "Used by playbooks of no active stage.",
    "whole": "(named by the playbook; no step says which)",
    "step": "Step {}",
    "playbooks": "{} playbook{}",
}

# Where a metric is used, by the kind of page that names it.
USED_IN = {"stage": "Stages", "playbook": "Playbooks"}

# The summary pages as the overview links them, in the order it lists them.
SUMMARIES_LEAD = "**In summary:**"
SUMMARY_PAGES = (
    ("page:moments", "Moments of truth"),
    ("page:handoffs", "Handoffs"),
    ("page:roles", "Who does what"),
    ("page:systems", "Systems"),
    ("page:metrics", "Metrics"),
)


# ---- The playbook grid (grid.py) -------------------------------------------------------------------
GRID_INTRO = (
    "The playbooks that run in each stage of the journey, by family, with what starts each one. Every stage "
    "needs a *lifecycle* playbook: the planned touches each customer gets. A stage without one is a hole, "
    "hatched and marked *No lifecycle playbook*, as in the {gaps}. *At risk* and *expansion* playbooks run "
    "only when a signal calls for them, so an empty cell there (—) is fine. Retired playbooks are not shown."
)
GRID_SEGMENT_CHOICE = (
    "Choose a segment to see its own journey: only the stages, and the playbooks, that apply to it."
)
GRID_HEADING = "Playbooks by stage"
GRID_CORNER = "Stage →"
GRID_SYSTEMS = "Systems"
GRID_HOLE = "No lifecycle playbook"
GRID_HOLE_WHY = "customers here get no planned touch"
GRID_HOLE_TIP = "No lifecycle playbook runs in {stage}{where}: customers here get no planned touch."
GRID_HOLE_FOR = "None for {segments}: a hole"
GRID_NOT_EXPECTED = "Not expected here"
GRID_NONE = "No {family} playbook in {stage}"  # the tooltip (and screen-reader text) of an empty cell
GRID_MORE_TRIGGERS = "(or {n} more)"
GRID_NO_HOLES = "No holes: every stage of {where} has a lifecycle playbook{accepted}."
GRID_NO_HOLES_ACCEPTED = ", or says on its page why it needs none"
GRID_HOLES = "{count} without a lifecycle playbook: {stages}. {they} hatched below and listed in the {gaps}."


# ---- The gaps report (gaps_report.py) -------------------------------------------------------------
# What to do about each kind of finding, in words: the exact front matter waits in "How to fix it in the page".
GAP_TODO = {
    "missing-handoff": "Write the handoff down: a handoff page that says who passes the customer to whom, and "
    "what information travels with them.",
    "handoff-owner-mismatch": "Make the handoff name the teams that really own the two sides of the move.",
    "handoff-without-artifacts": "List on the handoff page what travels with the customer: success criteria, "
    "stakeholders, notes, documents.",
    "stage-without-milestones": "Add a milestone to the stage: the moment that shows a customer has succeeded in it.",
    "raci-conflict": "Give the team one role on the page: the one that says what it really does.",
    "uncovered-cell": "Add a lifecycle playbook that runs in this stage, or, if customers need none here, say why "
    "on the stage page: the grid then shows the stage as not needing one.",
    "orphan-team": "Name the team on the pages it works on (as owner, in the roles, in a handoff or as the owner "
    "of a step), or retire its page.",
    "never-in-a-journey": "Make the page's segments match those of its stage or playbook, so that customers' "
    "journeys reach it.",
    "handoff-not-a-transition": "Point the handoff at a move customers really make: the next stage, or the "
    "segments whose customers go this way.",
    "step-outside-playbook": "Keep the step's segments, or the milestone's stage, within its playbook's.",
    "due-out-of-order": "Put the milestones in the order they are due, or correct one of the two dates.",
    "outside-stage-window": "Correct the date, widen the stage's time span, or move the item to the stage it falls in.",
    "segment-thresholds": "Make the segments' ranges meet: one starts where the other stops.",
    "capacity-exceeded": "Add people to the team, give some steps to another team, or make its steps lighter "
    "or less frequent.",
    "stale-accept": "Remove the explanation from the page, so the check reports the finding again if it comes back.",
}
GAP_TODO_HANDOFF = (
    "Write the handoff down: a handoff page from {giver} to {receiver} that says when the customer moves "
    "and what information travels with them."
)
GAP_TODO_LABEL = "What to do:"
GAP_FIX_SUMMARY = "How to fix it in the page"
GAP_FIX_WHERE = "In {file}, line {line}:"
GAP_FIX_ACCEPT = "If the finding is right for us, say why on the page instead, and it moves to “Accepted”:"
GAP_INTRO = (
    "Gap analysis walks every segment's journey, stage by stage and milestone by milestone, and looks for "
    "the places where a customer can fall through the cracks: a change of team nobody has written down, a "
    "stage with no planned touch, a team with no part in the journey. Each finding names the page to change "
    "and says what to do."
)
GAP_FOR_EDITORS = "For editors"
GAP_EDITOR_NOTE = (
    "<code>journeysite check</code> lists the same findings in seconds, before you open a pull request. "
    "Warnings fail the pull-request check (<code>mkdocs build --strict</code>); notes never do."
)
GAP_NONE_TITLE = "No gaps found"
GAP_NONE = (
    "Every change of owner along every journey is covered by a handoff that says what travels, every stage has "
    "milestones and a lifecycle playbook, and every team has a part in the journey."
)
GAP_NO_PROBLEMS_TITLE = "No problems to fix"
GAP_NO_PROBLEMS = (
    "Nothing here fails a check. The notes below are advice: worth a look when you next edit the pages."
)
GAP_NOTES_HEADING = "Notes worth a look"
GAP_NOTES_INTRO = (
    "Notes are advice, not problems: each may be right for us. Where one is, say why on the page and it moves "
    "to “Accepted”."
)
GAP_ACCEPTED_HEADING = "Accepted"
GAP_ACCEPTED_INTRO = (
    "These findings are known and accepted: each page says why. They are not counted as problems and never "
    "fail a check; if one stops being true, the check says so, so that the explanation can go."
)
GAP_HEADERS = ("Page to fix", "Finding", "Segments")
GAP_ACCEPTED_HEADERS = ("Page", "Finding, and why it is accepted", "Segments")
GAP_ACCEPTED_LABEL = "Accepted:"
GAP_WHY_LABEL = "Why it matters:"
# Each kind of finding: its heading, and why it matters to a customer.
GAP_LABELS = {
    "missing-handoff": "Missing handoffs",
    "handoff-owner-mismatch": "Handoffs between the wrong teams",
    "handoff-without-artifacts": "Handoffs that carry no information",
    "stage-without-milestones": "Stages without milestones",
    "raci-conflict": "Conflicting RACI roles",
    "uncovered-cell": "Stages without a lifecycle playbook",
    "orphan-team": "Teams with no part in the journey",
    "never-in-a-journey": "Pages no journey reaches",
    "handoff-not-a-transition": "Handoffs no customer makes",
    "step-outside-playbook": "Steps and milestones outside their playbook",
    "due-out-of-order": "Milestones due before the ones they follow",
    "outside-stage-window": "Dates outside their stage",
    "segment-thresholds": "Segment thresholds that do not line up",
    "capacity-exceeded": "Teams with more planned work than people",
    "stale-accept": "Accepted findings that no longer exist",
}
WHY_IT_MATTERS = {
    "missing-handoff": (
        "When the owner changes and nobody has written down how the customer moves across, the customer "
        "is the one who notices: goals are asked for twice, context is lost, and no one is sure who calls next."
    ),
    "handoff-owner-mismatch": (
        "A handoff between the wrong teams means the team that really owns the next moment never receives "
        "what the customer already told us."
    ),
    "handoff-without-artifacts": (
        "A handoff that does not say what travels (success criteria, stakeholders, notes) invites a cold "
        "email instead of a warm introduction."
    ),
    "stage-without-milestones": (
        "Without a milestone nobody can tell when a customer has succeeded in a stage, so progress goes "
        "unmeasured and uncelebrated."
    ),
    "raci-conflict": (
        "A team listed in roles that exclude each other blurs who does the work and who only needs to know, "
        "which is how moments end up owned by nobody."
    ),
    "uncovered-cell": (
        "A stage with no lifecycle playbook gives its customers no planned, proactive touch: the team only "
        "reacts once something has gone wrong."
    ),
    "orphan-team": (
        "A team that no page names has no visible part in the journey: either its work is missing from "
        "the handbook or the team page is out of date."
    ),
    "never-in-a-journey": (
        "A page limited to segments its stage or playbook never serves is published but reaches no customer: "
        "the people who follow the journey never see it."
    ),
    "handoff-not-a-transition": (
        "A handoff between stages that do not follow each other describes a move no customer makes, while "
        "the real move may have no handoff at all."
    ),
    "step-outside-playbook": (
        "A step or milestone outside its playbook's reach is never run where its author expected, so part of "
        "the playbook silently does not happen."
    ),
    "due-out-of-order": (
        "When a milestone is due before the one it follows, the timeline and the order disagree: a CSM "
        "planning from one will chase the customer for the other at the wrong time."
    ),
    "outside-stage-window": (
        "A date that falls outside its stage puts the moment in the wrong part of the journey: the stage's "
        "owner is not looking for it then, and the timeline shows it where nobody expects it."
    ),
    "segment-thresholds": (
        "When two segments' ranges overlap, an account fits both and two teams may think it is theirs; when "
        "they leave a hole, an account fits neither and nobody is sure how to serve it."
    ),
    "capacity-exceeded": (
        "A team whose playbook steps need more hours than its people have cannot run them all: steps get "
        "skipped without anyone deciding which, and the customers of the busiest segment notice first."
    ),
    "stale-accept": (
        "An accepted finding that no longer occurs hides the finding if it comes back: remove it so the "
        "check sees it again."
    ),
}
SEVERITY_LABELS = {"error": "Error", "warning": "Warning", "info": "Note"}
GAP_SEGMENTS_LABEL = "Segments:"


# ---- Review status (review_status.py) --------------------------------------------------------------
REVIEW_INTRO = (
    "Every page has an owner team that confirms, on a regular cadence, that the page is still true. As of "
    "{today}, {count} under review: {counts}. A page is *due soon* when its review falls within the next "
    "{within} days; a page with no review date counts from the last time it was changed."
)
REVIEW_HOW = (
    "**To review a page**, the owner team's lead (named under each team below) reads it with the team, "
    "corrects what is no longer true, and sets the page's *reviewed* date to today. The page then leaves "
    "this list until its next review is due."
)
REVIEW_FOR_EDITORS = "For editors: record a review from the command line"
REVIEW_EDITOR_NOTE = (
    "<code>journeysite review --mark PATH</code> (the page's Markdown file) sets its <code>reviewed</code> date "
    "to today and you as the reviewer (<code>--by NAME</code> for someone else), and changes nothing else in "
    "the file; commit the change in a pull request. <code>journeysite review</code> prints this list in a terminal."
)
REVIEW_LEAD = "Lead:"
REVIEW_NO_LEAD = "No lead named on the team page"
REVIEW_TEAM_PAGE = "Team page:"
REVIEW_HEADERS = ("Page", "Last reviewed", "Due", "Status")
REVIEW_LAST_CHANGE = "(last change)"
REVIEW_BY = "by {}"
REVIEW_NO_OWNER = "Pages without an owner team"
REVIEW_NO_OWNER_NOTE = (
    "These pages name no owner team (or a team with no page), so nobody is asked to review them: name one "
    "on each page."
)


# ---- Start here (start_here.py) ---------------------------------------------------------------------
# How a handoff the reader's team receives reaches it, by the handoff's form (``giver``: a team's title).
START_HANDOFF = {
    "stages": "{giver} hands the customer to you as they move from {before} to {after}.",
    "milestone": "{giver} hands the customer to you after {milestone}, in {stage}.",
    "milestone-no-stage": "{giver} hands the customer to you after {milestone}.",
    "segments": "{giver} hands the customer to you when they move from {before} to {after}{when}.",
    "plain": "{giver} hands the customer to you.",
}
START_ANOTHER_TEAM = "Another team"
START_LED_BY = "led by {owner}"
START_LED_BY_ALSO = "; for {segments}, by {owner}"
START_PER_CSM = "{} accounts per CSM"
