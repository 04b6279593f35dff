"""Segment thresholds (SPEC §7.6): ``criteria`` items ``{measure, min?, max?, unit?}``, read as ranges
that hold their ``min`` and stop just below their ``max``.

Each mistake a department lead can make is made on purpose and its diagnostic read for code, file,
line, field and fix; a small handbook is built with ``--strict`` and its segment page, overview and
``journey.json`` read as a reader and another tool see them.
"""

from __future__ import annotations

import json

import pytest
from browser_support import article, section_node
from conftest import ROOT

from journeysite.core import pipeline
from journeysite.core.model import Threshold, read_threshold

TEAM = "---\nkind: team\ntitle: Customer Success\n---\n"


def segment(title: str, order: int, *criteria: str, extra: str = "") -> str:
    """A segment page whose ``criteria`` lists the given YAML items (the first is on line 8)."""
    items = "".join(f"  - {c}\n" for c in criteria)
    return (
        f"---\nkind: segment\ntitle: {title}\nowner: cs\ntouch: medium\norder: {order}\ncriteria:\n{items}"
        f"{extra}---\n"
    )


def handbook(project, **segments: str):
    """A project with the CS team and the given segments (file stem → page text)."""
    hb = project()
    hb.write("teams/cs.md", TEAM)
    for stem, text in segments.items():
        hb.write(f"segments/{stem}.md", text)
    return hb


def findings(hb) -> list[dict]:
    exit_code, data = hb.check_json()
    assert exit_code == 0, data
    return [d for d in data["diagnostics"] if d["code"] == "segment-thresholds"]


def schema_errors(hb) -> list[dict]:
    exit_code, data = hb.check_json()
    assert exit_code == 1, data
    return [d for d in data["diagnostics"] if d["severity"] == "error"]


SCALE = segment("Scale", 1, "Bought through checkout", "{measure: ARR, max: 20000, unit: USD}")
MID = segment("Mid-Market", 2, "{measure: ARR, min: 20000, max: 100000, unit: USD}")


# ---- the model ------------------------------------------------------------------------------------


def test_a_threshold_reads_in_plain_words_with_thousands_separators():
    assert str(Threshold("ARR", 20000, 100000, "USD")) == "ARR from 20,000 to 100,000 USD"
    assert Threshold("ARR", None, 20000, "USD").words() == "below 20,000 USD"
    assert Threshold("Seats", 50, None, "seats").words() == "50 seats or more"
    assert Threshold("NPS", 7.5, 10.0).words() == "from 7.5 to 10"


@pytest.mark.parametrize(
    "item",
    [{"measure": "ARR"}, {"min": 3}, {"measure": " ", "min": 3}, {"measure": "ARR", "min": True}, "text"],
)
def test_only_a_measure_with_a_number_is_a_threshold(item):
    assert read_threshold(item) is None


def test_criteria_sentences_read_as_before_beside_the_thresholds(project):
    hb = handbook(project, scale=SCALE)
    result = pipeline.run(hb.docs)
    scale = result.handbook.get("segment", "scale")
    assert scale is not None
    assert scale.texts("criteria") == ("Bought through checkout",)
    assert scale.thresholds == (Threshold("ARR", None, 20000, "USD", 1),)


# ---- the finding: overlaps and holes --------------------------------------------------------------


def test_ranges_that_overlap_are_one_info_on_the_later_segment_naming_both(project):
    hb = handbook(
        project,
        scale=SCALE,
        mid=segment("Mid-Market", 2, "Sold by an AE", "{measure: ARR, min: 15000, max: 100000, unit: USD}"),
    )
    (found,) = findings(hb)
    assert (found["severity"], found["file"], found["line"], found["entity"], found["segments"]) == (
        "info",
        "segments/mid.md",
        9,
        "segment:mid",
        ["mid", "scale"],
    )
    assert found["message"] == (
        "ARR from 15,000 to 100,000 USD (this segment) overlaps ARR below 20,000 USD (Scale): an account with "
        "ARR from 15,000 to 20,000 USD would be in both segments. Make one range start where the other stops, "
        "e.g. max: 15000 on Scale or min: 20000 here."
    )


def test_a_range_inside_another_is_an_overlap(project):
    hb = handbook(
        project,
        wide=segment("Wide", 1, "{measure: Seats, min: 0, max: 1000}"),
        narrow=segment("Narrow", 2, "{measure: Seats, min: 100, max: 200}"),
    )
    (found,) = findings(hb)
    assert found["entity"] == "segment:narrow"
    assert "Seats from 100 to 200 (this segment) overlaps Seats from 0 to 1,000 (Wide)" in found["message"]
    assert "max: 100 on Wide" in found["message"]


def test_two_segments_with_the_same_range_are_told_to_split_it(project):
    hb = handbook(project, mid=MID, copy=MID.replace("order: 2", "order: 3").replace("Mid-Market", "Copy"))
    (found,) = findings(hb)
    assert found["entity"] == "segment:copy"
    assert found["message"].endswith(
        "would be in both segments. The two give the same range: change one so that it starts where the other stops."
    )


def test_ranges_that_leave_a_hole_name_the_hole_and_the_fix(project):
    """The classic: an inclusive habit (max 99999, min 100000) leaves the values in between unserved."""
    hb = handbook(
        project,
        mid=MID.replace("max: 100000", "max: 99999"),
        enterprise=segment("Enterprise", 3, "{measure: arr, min: 100000, unit: usd}"),
    )
    (found,) = findings(hb)
    assert (found["file"], found["line"], found["entity"], found["segments"]) == (
        "segments/enterprise.md",
        8,
        "segment:enterprise",
        ["enterprise", "mid"],
    )
    assert found["message"] == (
        "ARR from 20,000 to 99,999 USD (Mid-Market) and arr 100,000 usd or more (this segment) leave a hole: "
        "no segment takes an account with arr from 99,999 to 100,000 usd. Make one range start where the other "
        "stops, e.g. max: 100000 on Mid-Market or min: 99999 here (a range holds its `min` and stops just below "
        "its `max`, so max: 100000 and min: 100000 meet exactly)."
    )


def test_the_entity_is_the_later_segment_by_order_whichever_range_is_higher(project):
    hb = handbook(
        project,
        enterprise=segment("Enterprise", 1, "{measure: ARR, min: 200000, unit: USD}"),
        mid=MID.replace("order: 2", "order: 5"),
    )
    (found,) = findings(hb)
    assert (found["entity"], found["line"]) == ("segment:mid", 8)
    assert "(this segment) and ARR 200,000 USD or more (Enterprise)" in found["message"]
    assert "max: 200000 here or min: 100000 on Enterprise" in found["message"]


def test_touching_ranges_are_no_finding_and_pass_strict(project):
    """``max: 20000`` and ``min: 20000`` meet: 20,000 is Mid-Market's, nothing is in both or neither."""
    hb = handbook(
        project,
        scale=SCALE,
        mid=MID,
        enterprise=segment("Enterprise", 3, "{measure: Arr, min: 100000, unit: Usd}"),
    )
    assert findings(hb) == []
    done = hb.build("--strict")
    assert done.returncode == 0, done.stdout + done.stderr


def test_different_measures_are_not_compared(project):
    hb = handbook(
        project,
        scale=SCALE,
        seats=segment("Seats", 2, "{measure: Licensed seats, min: 10, max: 100}"),
        also=segment("Also", 3, "{measure: NPS, min: 0}"),
    )
    assert findings(hb) == []


def test_one_measure_in_two_units_is_not_compared_and_is_said(project):
    hb = handbook(
        project, scale=SCALE, mid=MID.replace("unit: USD", "unit: EUR").replace("min: 20000", "min: 1")
    )
    (found,) = findings(hb)
    assert (found["entity"], found["line"], found["segments"]) == ("segment:mid", 8, ["mid", "scale"])
    assert found["message"] == (
        "this segment measures ARR in EUR and Scale in USD, so their ranges are not compared: give ARR the same "
        "unit in every segment, or name the measure apart where the unit differs (e.g. measure: ARR in EUR)."
    )


def test_a_retired_segment_takes_no_part(project):
    retired = segment("Old", 3, "{measure: ARR, min: 0, unit: USD}", extra="status: retired\n")
    hb = handbook(project, scale=SCALE, mid=MID, old=retired)
    assert findings(hb) == []


def test_the_finding_can_be_accepted_on_the_later_segment(project):
    accept = "accept:\n  - {code: segment-thresholds, reason: Partners overlap with Scale on purpose.}\n"
    partners = segment("Partners", 2, "{measure: ARR, min: 0, max: 50000, unit: USD}", extra=accept)
    hb = handbook(project, scale=SCALE, partners=partners)
    exit_code, data = hb.check_json("--strict")
    assert (exit_code, data["diagnostics"]) == (0, [])
    (accepted,) = pipeline.run(hb.docs).accepted
    assert (accepted.diagnostic.code, accepted.diagnostic.entity) == (
        "segment-thresholds",
        "segment:partners",
    )


# ---- mistakes in a threshold: schema errors with file, line, field and fix ------------------------


def test_min_above_max_is_a_schema_error_at_the_item_with_the_swap(project):
    hb = handbook(
        project, mid=segment("Mid-Market", 2, "Sold by an AE", "{measure: ARR, min: 100000, max: 20000}")
    )
    (error,) = schema_errors(hb)
    assert (error["code"], error["file"], error["line"], error["entity"]) == (
        "schema",
        "segments/mid.md",
        9,
        "segment:mid",
    )
    assert error["message"] == (
        "`criteria[1]` (ARR) goes from 100,000 down to 20,000: `min` is the lower end and `max` the upper one. "
        "Swap them: min: 20000, max: 100000."
    )


def test_min_equal_to_max_holds_nothing_and_is_a_schema_error(project):
    hb = handbook(project, mid=segment("Mid-Market", 2, "measure: Seats\n    min: 50\n    max: 50"))
    (error,) = schema_errors(hb)
    assert (error["line"], error["entity"]) == (9, "segment:mid")
    assert error["message"].startswith(
        "`criteria[0]` (Seats) starts and stops at 50, so no account falls in it"
    )
    assert "leave `max` out for 50 or more" in error["message"]


def test_min_above_max_leaves_the_segment_out_of_the_comparison(project):
    """One mistake, one diagnostic: the inverted range is not also reported as overlapping."""
    hb = handbook(
        project, scale=SCALE, mid=segment("Mid-Market", 2, "{measure: ARR, min: 100000, max: 10000}")
    )
    assert [d["code"] for d in hb.check_json()[1]["diagnostics"]] == ["schema"]


@pytest.mark.parametrize(
    ("item", "line", "words"),
    [
        (
            "{measure: ARR, unit: USD}",
            8,
            ["`criteria[0]` is not written as expected", "at least one of min and max"],
        ),
        ("{min: 20000}", 8, ["`criteria[0].measure` is missing", "Add `measure:`"]),
        (
            "measure: ARR\n    min: 20,000",
            9,
            ["`criteria[0].min` must be a number, but it is `20,000`", "without separators, e.g. min: 20000"],
        ),
        (
            "{measure: ARR, min: 20,000}",
            8,
            ["unknown field `criteria[0].0`", "a number with a thousands separator reads as two"],
        ),
        ("{measure: ARR, minimum: 20000}", 8, ["unknown field `criteria[0].minimum`", "Did you mean `min`?"]),
        (
            "12",
            8,
            ["`criteria[0]` must be a sentence or a threshold such as {measure: ARR, min: 20000, unit: USD}"],
        ),
    ],
)
def test_a_threshold_written_wrong_is_one_schema_error_saying_how_to_write_it(project, item, line, words):
    hb = handbook(project, mid=segment("Mid-Market", 2, item))
    (error,) = schema_errors(hb)
    assert (error["code"], error["file"], error["line"]) == ("schema", "segments/mid.md", line)
    for word in words:
        assert word in error["message"]


# ---- what a reader sees ---------------------------------------------------------------------------


@pytest.fixture
def site(project):
    hb = handbook(
        project,
        scale=SCALE.replace("touch: medium", "touch: tech").replace(
            "criteria:\n", "accounts_per_csm: 600\ncriteria:\n  - {measure: Seats, max: 50, unit: seats}\n"
        ),
        mid=MID.replace("criteria:\n", "accounts_per_csm: 6-8\ncriteria:\n"),
        enterprise=segment(
            "Enterprise <b>big</b>",
            3,
            "{measure: ARR, min: 100000, unit: USD}",
            "{measure: Seats, min: 50}",
            '{measure: "<i>NPS</i>", min: 9, unit: "<u>points</u>"}',
        ),
    )
    done = hb.build("--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    return hb.root / "site"


def cells(table) -> list[list[str]]:
    return [
        [cell.text() for cell in row.find_all(where=lambda e: e.tag in ("th", "td"))]
        for row in table.find_all("tr")
    ]


def test_a_segment_page_shows_its_thresholds_as_a_table(site):
    content = article(site, "segments/mid/index.html")
    table = section_node(content, "Thresholds").find("table", "jsite-thresholds")
    assert table is not None
    assert cells(table) == [["Measure", "Range"], ["ARR", "from 20,000 to 100,000 USD"]]
    assert "stops just below its upper one" in section_node(content, "Thresholds").text()


def test_a_segment_page_keeps_the_sentences_of_its_criteria_in_the_card(site):
    card = article(site, "segments/scale/index.html").find("div", "jsite-card")
    assert card is not None and "Bought through checkout" in card.text()


def test_threshold_text_is_escaped(site):
    content = article(site, "segments/enterprise/index.html")
    table = section_node(content, "Thresholds").find("table")
    assert table is not None and table.find("i") is None
    assert table.find("u") is None
    assert cells(table)[2:] == [["Seats", "50 or more"], ["<i>NPS</i>", "9 <u>points</u> or more"]]


def test_the_overview_shows_the_segments_at_a_glance(site):
    content = article(site, "journey/index.html")
    table = section_node(content, "Segments at a glance").find("table", "jsite-segments-glance")
    assert table is not None
    assert cells(table) == [
        ["Segment", "Seats (seats)", "ARR", "Seats (no unit)", "<i>NPS</i>", "Touch", "Accounts per CSM"],
        ["Scale", "below 50 seats", "below 20,000 USD", "—", "—", "Tech touch", "600"],
        ["Mid-Market", "—", "from 20,000 to 100,000 USD", "—", "—", "Medium touch", "6\u20138"],
        [
            "Enterprise <b>big</b>",
            "—",
            "100,000 USD or more",
            "50 or more",
            "9 <u>points</u> or more",
            "Medium touch",
            "—",
        ],
    ]
    links = [a.attrs["href"] for a in table.find_all("a")]
    assert links == ["../segments/scale/", "../segments/mid/", "../segments/enterprise/"]
    assert table.find("b") is None and table.find("i") is None and table.find("u") is None


def test_journey_json_gives_thresholds_as_read(site):
    data = json.loads((site / "journey.json").read_text(encoding="utf-8"))
    mid = next(e for e in data["entities"]["segment"] if e["id"] == "mid")
    assert mid["thresholds"] == [{"measure": "ARR", "min": 20000, "max": 100000, "unit": "USD"}]
    scale = next(e for e in data["entities"]["segment"] if e["id"] == "scale")
    assert scale["thresholds"][0] == {"measure": "Seats", "min": None, "max": 50, "unit": "seats"}
    assert scale["fields"]["criteria"][0] == {"measure": "Seats", "max": 50, "unit": "seats"}


def test_the_gaps_report_explains_the_finding(project):
    hb = handbook(project, scale=SCALE, mid=MID.replace("min: 20000", "min: 30000"))
    done = hb.build()
    assert done.returncode == 0, done.stdout + done.stderr
    report = article(hb.root / "site", "journey/gaps/index.html")
    group = section_node(report, "Segment thresholds that do not line up")
    assert "an account fits neither" in group.text()
    assert "no segment takes an account with ARR from 20,000 to 30,000 USD" in group.text()


# ---- the shipped handbook ---------------------------------------------------------------------------


def test_the_shipped_segments_have_thresholds_that_meet():
    result = pipeline.run(ROOT / "content")
    assert [d for d in result.diagnostics if d.code == "segment-thresholds"] == []
    value = {s.id: [str(t) for t in s.thresholds] for s in result.handbook.segments}
    assert value == {
        "scale": ["Annual contract value below 20,000 USD", "Licensed seats below 50 seats"],
        "mid-market": [
            "Annual contract value from 20,000 to 120,000 USD",
            "Licensed seats from 50 to 500 seats",
        ],
        "enterprise": ["Annual contract value 120,000 USD or more", "Licensed seats 500 seats or more"],
    }
