"""Front matter as people really write it: lines of nested keys and body links, and hostile input.

Every hostile page must give a diagnostic on its own line, never a traceback, and never hide the
problems of the other pages.
"""

from __future__ import annotations

import pytest
from conftest import codes, errors, the_error
from small_handbook import CS_TEAM, ONBOARDING

SALES_TEAM = "---\nkind: team\ntitle: Sales\n---\n"




def handbook(project, pages: dict[str, str | bytes]):
    """A handbook with the customer-success and sales teams plus ``pages`` (bytes written as they are)."""
    hb = project()
    hb.write("teams/customer-success.md", CS_TEAM)
    hb.write("teams/sales.md", SALES_TEAM)
    for path, text in pages.items():
        if isinstance(text, bytes):
            target = hb.docs / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text)
        else:
            hb.write(path, text)
    return hb


def located(data: dict) -> set[tuple[str, str, int, str]]:
    """(code, file, line, first backticked word of the message) of every error."""
    return {(d["code"], d["file"], d["line"], d["message"].split("`")[1]) for d in errors(data)}


# --- line mapping --------------------------------------------------------------------------------


def test_nested_keys_and_list_items_are_reported_on_their_own_lines(project):
    hb = handbook(project, {
        "stages/onboarding.md": ONBOARDING,
        "playbooks/welcome.md": """
        ---
        kind: playbook
        title: Welcome
        owner: customer-success
        type: lifecycle
        stages:
          - onboarding
        trigger:
          milestone: go-liv
        steps:
          - do: Send the welcome email
          - do: Book the kickoff
            owner: sales
          - do: Hold the kickoff
            when: week 1
            owner: sale
        raci:
          responsible: [sales]
          informed:
            - customer-success-ops
        ---
        """,
    })
    _, data = hb.check_json()
    assert located(data) == {
        ("unknown-ref", "playbooks/welcome.md", 9, "trigger.milestone"),
        ("unknown-ref", "playbooks/welcome.md", 16, "steps[2].owner"),
        ("unknown-ref", "playbooks/welcome.md", 20, "raci.informed[0]"),
    }


def test_flow_list_items_point_at_their_line(project):
    hb = handbook(project, {
        "stages/onboarding.md": ONBOARDING,
        "metrics/nps.md": """
        ---
        kind: metric
        title: NPS
        owner: customer-success
        definition: Net promoter score.
        raci:
          consulted: [sales]
          informed: [sales, suport]
        ---
        """,
    })
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["line"]) == ("unknown-ref", 8)
    assert "`raci.informed[1]` names the team `suport`" in d["message"]


def test_front_matter_after_a_byte_order_mark_keeps_its_lines(project):
    text = "\ufeff---\nkind: team\ntitle: Support\ncolour: blue\n---\n\nSee [[team:custmer-success]].\n"
    hb = handbook(project, {"teams/support.md": text.encode("utf-8")})
    _, data = hb.check_json()
    assert located(data) == {
        ("schema", "teams/support.md", 4, "colour"),
        ("unknown-ref", "teams/support.md", 7, "[[team:custmer-success]]"),
    }


def test_crlf_line_endings_keep_their_lines(project):
    text = (
        "---\r\nkind: team\r\ntitle: Support\r\nraci:\r\n  informed: [sales, nobody]\r\n---\r\n"
        "\r\nBody\r\nSee [[stage:nowhere]].\r\n"
    )
    hb = handbook(project, {"teams/support.md": text.encode("utf-8")})
    _, data = hb.check_json()
    assert located(data) == {
        ("unknown-ref", "teams/support.md", 5, "raci.informed[1]"),
        ("unknown-ref", "teams/support.md", 9, "[[stage:nowhere]]"),
    }


def test_body_links_are_reported_on_their_lines(project):
    hb = handbook(project, {
        "stages/onboarding.md": """
        ---
        kind: stage
        title: Onboarding
        owner: customer-success
        order: 1
        ---


        # Onboarding

        Owned by [[team:customer-success]], helped by [[team:sales]] and [[team:suport]].

        Next: [[stage:adoption]].
        """,
    })
    _, data = hb.check_json()
    assert located(data) == {
        ("unknown-ref", "stages/onboarding.md", 11, "[[team:suport]]"),
        ("unknown-ref", "stages/onboarding.md", 13, "[[stage:adoption]]"),
    }
    assert {d["entity"] for d in errors(data)} == {"stage:onboarding"}


def test_links_in_code_are_not_links(project):
    hb = handbook(project, {
        "writing-guide.md": """
        # Writing guide

        Link a stage with `[[stage:onboarding]]` or ``[[stage:`x`]]``.

        ```markdown
        See [[stage:example-in-a-fence]].
        ```

        ~~~
        [[team:example-in-a-tilde-fence]]
        ~~~

        ````text
        ```
        [[team:example-in-a-long-fence]]
        ```
        ````

        But this one is real: [[stage:adoption]].
        """,
    })
    _, data = hb.check_json()
    assert located(data) == {("unknown-ref", "writing-guide.md", 19, "[[stage:adoption]]")}


def test_links_in_a_fenced_block_inside_a_list_item_are_not_links(project):
    hb = handbook(project, {
        "writing-guide.md": """
        # Writing guide

        1. Link the stage:

            ```markdown
            See [[stage:example-in-a-list]].
            ```

        2. Build the site.
        """,
    })
    _, data = hb.check_json()
    assert errors(data) == []


def test_yaml_syntax_error_reports_line_and_column_in_the_file(project):
    hb = handbook(project, {"stages/onboarding.md": """
        ---
        kind: stage
        title: Onboarding: the first 90 days
        owner: customer-success
        order: 1
        ---
        """})
    status, data = hb.check_json()
    d = the_error(data)
    assert status == 1
    assert (d["code"], d["severity"], d["file"], d["line"], d["entity"]) == (
        "yaml-syntax", "error", "stages/onboarding.md", 3, None)
    assert "line 3, column 18" in d["message"]


def test_colon_in_a_value_suggests_quotes(project):
    """The commonest YAML mistake; PyYAML's "mapping values are not allowed" means nothing to a lead."""
    hb = handbook(project, {"stages/onboarding.md": """
        ---
        kind: stage
        title: Onboarding: the first 90 days
        owner: customer-success
        order: 1
        ---
        """})
    _, data = hb.check_json()
    d = the_error(data)
    assert "quote" in d["message"].lower(), d["message"]


def test_yaml_syntax_error_after_a_byte_order_mark_and_crlf(project):
    text = "\ufeff---\r\nkind: team\r\ntitle: Support\r\nlead: [Ana\r\n---\r\n"
    hb = handbook(project, {"teams/support.md": text.encode("utf-8")})
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"]) == ("yaml-syntax", "teams/support.md", 5)
    assert "starts on line 4" in d["message"]


# --- hostile input -------------------------------------------------------------------------------


def test_a_file_that_is_not_utf8(project):
    text = "---\nkind: team\ntitle: Caf\xe9 Support\n---\n".encode("latin-1")
    hb = handbook(project, {"teams/cafe.md": text})
    status, data = hb.check_json()
    d = the_error(data)
    assert status == 1
    assert (d["code"], d["file"], d["line"]) == ("yaml-syntax", "teams/cafe.md", 3)
    assert "UTF-8" in d["message"]


def test_an_empty_file_is_a_plain_page(project):
    hb = handbook(project, {"notes/empty.md": b""})
    status, data = hb.check_json()
    assert errors(data) == []
    assert status == 0


def test_empty_front_matter_is_a_plain_page(project):
    hb = handbook(project, {"notes/draft.md": "---\n---\n\n# Draft\n"})
    status, data = hb.check_json()
    assert [d for d in data["diagnostics"] if d["file"] == "notes/draft.md"] == []
    assert status == 0


def test_front_matter_that_is_a_list(project):
    hb = handbook(project, {"teams/support.md": "---\n- kind: team\n- title: Support\n---\n"})
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"]) == ("schema", "teams/support.md", 2)
    assert "a list" in d["message"] and "`key: value`" in d["message"]


def test_front_matter_that_is_a_scalar(project):
    hb = handbook(project, {"teams/support.md": "---\nSupport team page\n---\n"})
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"]) == ("schema", "teams/support.md", 2)
    assert "`key: value`" in d["message"]


def test_unclosed_front_matter(project):
    hb = handbook(project, {"teams/support.md": "---\nkind: team\ntitle: Support\n\n# Support\n\nWe help.\n"})
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"]) == ("yaml-syntax", "teams/support.md", 1)
    assert "never closed" in d["message"] and "`---`" in d["message"]


@pytest.mark.parametrize(
    ("yaml_text", "line", "hint"),
    [
        pytest.param("raci:\n\tinformed: [sales]", 5, "indent with spaces, not tabs", id="tab-indented-key"),
        pytest.param("lead: Ana\n\tcontact: x", 5, "indent with spaces, not tabs", id="tab-after-a-value"),
        pytest.param("roles:\n-\tCSM", 5, "indent with spaces, not tabs", id="tab-after-a-dash"),
        pytest.param("github: @lumen/support", 4, "a value that starts with @, ` or * must be in quotes", id="at"),
        pytest.param("lead: `Ana`", 4, "a value that starts with @, ` or * must be in quotes", id="backtick"),
        pytest.param("lead: *Ana", 4, "a value that starts with @, ` or * must be in quotes", id="asterisk"),
        pytest.param("summary: Support: the desk", 4, 'must be in quotes, e.g. title: "Onboarding: the first 90 days"',
                     id="colon-in-value"),
        pytest.param("roles: [CSM, Slack #cs-team]", 5, "that cut this list short before its `]`", id="comment-cuts-list"),
        pytest.param('roles:\n  - "Date CP Use Case Turned Green" stamped in the CRM', 5,
                     "the quotes close before the text ends (`stamped in the CRM` follows them): put the whole text in "
                     """quotes, e.g. `- '"Date CP Use Case Turned Green" stamped in the CRM'`, or drop the quotes""",
                     id="list-item-goes-on-after-its-quotes"),
        pytest.param("lead: 'Ana' from Sales", 4, """e.g. `lead: "'Ana' from Sales"`, or drop the quotes""",
                     id="value-goes-on-after-its-quotes"),
    ],
)
def test_yaml_mistakes_people_make_get_a_hint_under_either_loader(project, yaml_loader, yaml_text, line, hint):
    """The hint comes from where the parser stopped, not from its wording: libyaml (which the build uses)
    and the pure-Python loader word these mistakes differently, and the lead gets the same advice."""
    hb = handbook(project, {"teams/support.md": f"---\nkind: team\ntitle: Support\n{yaml_text}\n---\n"})
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"]) == ("yaml-syntax", "teams/support.md", line)
    assert d["message"].startswith("the front matter is not valid YAML: ")
    assert hint in d["message"]


def test_a_yaml_mistake_without_a_known_cause_gets_no_wrong_hint(project, yaml_loader):
    hb = handbook(project, {"teams/support.md": "---\nkind: team\ntitle: Support\nroles: [CSM\n---\n"})
    _, data = hb.check_json()
    d = the_error(data)
    assert d["code"] == "yaml-syntax"
    assert " — " not in d["message"], d["message"]


def test_python_object_tags_are_refused_not_run(project, tmp_path):
    marker = tmp_path / "pwned"
    hb = handbook(project, {
        "teams/support.md": f"---\nkind: team\ntitle: !!python/object/apply:os.system ['touch {marker}']\n---\n",
    })
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"]) == ("yaml-syntax", "teams/support.md", 3)
    assert not marker.exists()


def test_an_alias_bomb_is_refused(project):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    hb = handbook(project, {"teams/support.md": "---\nkind: team\ntitle: Support\n" + "\n".join(lines) + "\n---\n"})
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"]) == ("yaml-syntax", "teams/support.md")
    assert 4 <= d["line"] <= 12
    assert "alias" in d["message"]


def test_very_deep_nesting_is_refused(project):
    hb = handbook(project, {
        "teams/support.md": "---\nkind: team\ntitle: Support\nlead: " + "[" * 3000 + "]" * 3000 + "\n---\n",
    })
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"]) == ("yaml-syntax", "teams/support.md", 4)
    assert d["message"] == "the front matter is nested more than 48 levels deep: flatten it"


def test_kind_given_as_a_number(project):
    hb = handbook(project, {"teams/support.md": "---\nkind: 42\ntitle: Support\n---\n"})
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"], d["entity"]) == ("unknown-kind", "teams/support.md", 2, None)
    assert "`42`" in d["message"]


def test_kind_left_empty(project):
    hb = handbook(project, {"teams/support.md": "---\ntitle: Support\nkind:\n---\n"})
    _, data = hb.check_json()
    d = the_error(data)
    assert (d["code"], d["file"], d["line"]) == ("unknown-kind", "teams/support.md", 3)
    assert "empty" in d["message"]


def test_every_problem_in_every_file_is_reported_in_one_run(project):
    hb = handbook(project, {
        "stages/onboarding.md": "---\nkind: stage\ntitle: Onboarding\nowner: customer-sucess\norder: first\n---\n",
        "teams/support.md": "---\nkind: team\ntitle: Support: tier 1\n---\n",
        "teams/legacy.md": b"---\nkind: team\ntitle: Legacy\nlead: Jos\xe9\n---\n",
        "metrics/nps.md": "---\nkind: metric\ntitle: NPS\nowner: customer-success\ndefinition: Promoters.\ncolour: red\n---\n",
        "guide.md": "# Guide\n\nSee [[stage:onbording]].\n",
        "list.md": "---\n- a\n---\n",
        "weird.md": "---\nkind: stgae\n---\n",
        "open.md": "---\nkind: team\n",
    })
    status, data = hb.check_json()
    assert status == 1
    assert {(d["code"], d["file"], d["line"]) for d in errors(data)} == {
        ("unknown-ref", "stages/onboarding.md", 4),
        ("schema", "stages/onboarding.md", 5),
        ("yaml-syntax", "teams/support.md", 3),
        ("yaml-syntax", "teams/legacy.md", 4),
        ("schema", "metrics/nps.md", 6),
        ("unknown-ref", "guide.md", 3),
        ("schema", "list.md", 2),
        ("unknown-kind", "weird.md", 2),
        ("yaml-syntax", "open.md", 1),
    }
    assert data["counts"]["error"] == 9
    assert "yaml-syntax" in codes(data)
