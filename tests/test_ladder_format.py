"""The ladder file format: valid files load, wrong ones get file, line and a sentence (never a traceback)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ladder_rules.evaluate import check_sponsors
from ladder_rules.facts import Person, Scope
from ladder_rules.format import (
    METRICS,
    Count,
    Group,
    LadderError,
    Sponsors,
    Tenure,
    Window,
    check_ladder_file,
    load_ladder,
)
from ladder_rules.located_yaml import line_count
from tests.ladder_builders import day

FIXTURES = Path(__file__).parent / "fixtures" / "ladders"
KUBERNETES = Path(__file__).parent.parent / "ladder_rules" / "ladders" / "kubernetes.yaml"

SMALL = """\
ladder: small
source: https://example.org/ladder.md
levels:
  member:
    requires:
      - merged_prs: 1
  reviewer:
    scope: path
    requires:
      - tenure: member
        at_least: 3 months
      - primary_reviews: 5
"""


def error_of(text: str) -> tuple[int, str]:
    with pytest.raises(LadderError) as info:
        load_ladder(text, "ladder.yaml")
    assert str(info.value) == f"ladder.yaml:{info.value.line}: {info.value.message}"
    return info.value.line, info.value.message


def test_a_small_ladder_loads():
    ladder = load_ladder(SMALL, "ladder.yaml")
    assert [lv.name for lv in ladder.levels] == ["member", "reviewer"]
    assert ladder.level("member").scope == "org" and ladder.level("reviewer").scope == "path"
    tenure, primary = ladder.level("reviewer").requires.children
    assert (tenure.level, tenure.at_least.months, tenure.line) == ("member", 3, 10)
    assert (primary.metric, primary.at_least, primary.window, primary.line) == ("primary_reviews", 5, Window(), 12)


@pytest.mark.parametrize(
    "old, new, line, message",
    [
        (
            "      - primary_reviews: 5\n",
            "      - primary_reviews: 5\n        windw: 12 months\n",
            13,
            "Unknown key `windw` in the `primary_reviews` requirement. Did you mean `window`? Known keys: "
            "primary_reviews, window, substantial, merged, scope, name.",
        ),
        (
            "primary_reviews: 5",
            "primary_reviews: five",
            12,
            "`primary_reviews` must be a whole number of at least 1, not 'five'.",
        ),
        (
            "primary_reviews: 5",
            "primary_review: 5",
            12,
            "Unknown key `primary_review` in a requirement. Did you mean `primary_reviews`? A requirement starts "
            "with a metric name, `tenure`, `all`, `any`, `at_least`/`of` or `sponsors`.",
        ),
        (
            "      - primary_reviews: 5\n",
            "      - primary_reviews: 5\n        window: fortnightly\n",
            13,
            '`window` must be "all time", "since promotion" or a span like "12 months", not \'fortnightly\'.',
        ),
        (
            "at_least: 3 months",
            "at_least: 3 moons",
            11,
            '`at_least` of `tenure` must be a duration such as "30 days", "2 weeks", "3 months" or "1 year", '
            "not '3 moons'.",
        ),
        (
            "tenure: member",
            "tenure: approver",
            10,
            "`tenure` names level `approver`, which this ladder does not have (levels: member, reviewer).",
        ),
        (
            "tenure: member",
            "tenure: membr",
            10,
            "`tenure` names level `membr`, which this ladder does not have (levels: member, reviewer). "
            "Did you mean `member`?",
        ),
        (
            "    scope: path\n",
            "    scope: folder\n",
            8,
            "`scope` of level `reviewer` must be one of org, repository, path, not 'folder'.",
        ),
        (
            "      - merged_prs: 1\n",
            "      - issues: 1\n        substantial: true\n",
            6,
            "`substantial` and `merged` qualify pull requests; `issues` counts no pull requests.",
        ),
        (
            "  member:\n",
            "  member:\n    roster: {kind: owners}\n",
            5,
            "`roster` of level `member` needs `list` (reviewers or approvers).",
        ),
        (
            "  member:\n",
            "  member:\n    roster: {kind: owners, list: reviewers, path: OWNERS}\n",
            5,
            "`path` does not apply to a roster of kind `owners` (its keys: kind, list).",
        ),
        (
            "  member:\n",
            "  member:\n    roster: {kind: file, path: ladder/members.yaml}\n",
            5,
            "roster `kind: file` has no reader: Ladder can neither read who holds the level from such a file nor add "
            "people to it. The kinds are org_members (a peribolos org.yaml, with `path`), owners, owners_alias and "
            "codeowners; without `roster`, people edit the roster by hand.",
        ),
        (
            "  member:\n",
            "  member:\n    roster: {kind: codeowner}\n",
            5,
            "roster `kind: codeowner` is not a roster kind Ladder reads. The kinds are org_members (a peribolos "
            "org.yaml, with `path`), owners, owners_alias and codeowners; without `roster`, people edit the roster "
            "by hand. Did you mean `codeowners`?",
        ),
        (
            "  member:\n",
            "  member:\n    sponsors: {count: 2, level: maintainer}\n",
            5,
            "`level` of a sponsor rule names level `maintainer`, which this ladder does not have "
            "(levels: member, reviewer).",
        ),
        ("source: https://example.org/ladder.md\n", "", 1, "The ladder needs `source`."),
        (
            "      - merged_prs: 1\n",
            "      - merged_prs: 1\n      - merged_prs: [1\n",
            7,
            "The `[` opened on line 7 is not closed; close it with `]` on that line.",
        ),
        ("  reviewer:\n", "  member:\n", 7, "`member` is given twice in the same mapping (first on line 4)."),
    ],
)
def test_errors_name_the_line_and_say_why(old, new, line, message):
    assert old in SMALL
    assert error_of(SMALL.replace(old, new, 1)) == (line, message)


def test_tenure_must_look_at_a_lower_level_and_at_least_of_must_be_possible():
    text = SMALL.replace("  reviewer:\n", "  reviewer:\n    title: Reviewer\n").replace(
        "tenure: member", "tenure: reviewer"
    )
    assert error_of(text) == (11, "`tenure` must name a level below `reviewer`.")
    text = SMALL.replace(
        "      - merged_prs: 1\n",
        "      - at_least: 3\n        of:\n          - merged_prs: 1\n          - issues: 2\n",
    )
    assert error_of(text) == (6, "`at_least: 3` asks for more than the 2 requirement(s) listed.")


def test_check_ladder_file_reports_every_error(tmp_path):
    path = tmp_path / "ladder.yml"
    path.write_text(SMALL.replace("merged_prs: 1", "merged_prs: 0").replace("3 months", "soon"))
    errors = check_ladder_file(path)
    assert [(e.filename, e.line) for e in errors] == [(str(path), 6), (str(path), 11)]
    assert check_ladder_file(tmp_path / "missing.yml")[0].message.startswith("The file cannot be read")
    assert check_ladder_file(KUBERNETES) == []


@pytest.mark.parametrize("name", ["scorecard", "argo", "cilium"])
def test_other_projects_ladders_can_be_written(name):
    assert check_ladder_file(FIXTURES / f"{name}.yaml") == []


def test_scorecard_sponsors_one_maintainer_or_two_triagers():
    ladder = load_ladder((FIXTURES / "scorecard.yaml").read_text(), "scorecard.yaml")
    org = Scope("ossf")
    cand = Person(1, "alice")
    t1 = Person(2, "t1", holdings=(_holding("triager", Scope("ossf", "scorecard")),))
    t2 = Person(3, "t2", holdings=(_holding("triager", Scope("ossf", "scorecard")),))
    m = Person(4, "m", holdings=(_holding("maintainer", Scope("ossf", "scorecard")),))
    assert not check_sponsors(ladder, cand, [t1], org, level="member").satisfied
    assert check_sponsors(ladder, cand, [t1, t2], org, level="member").satisfied
    assert check_sponsors(ladder, cand, [m], org, level="member").satisfied
    maintainer = ladder.level("maintainer").requires.children
    assert [(r.metric, r.at_least, r.substantial) for r in maintainer[1:]] == [
        ("reviewed_prs", 10, True),
        ("reviewed_or_merged", 30, False),
    ]


def test_cilium_uses_since_promotion_and_two_of_three():
    ladder = load_ladder((FIXTURES / "cilium.yaml").read_text(), "cilium.yaml")
    member = ladder.level("member").requires.children[0]
    assert isinstance(member, Group) and (member.mode, member.k, len(member.children)) == ("at_least", 2, 3)
    assert ladder.level("reviewer").requires.children[1].window == Window("since_promotion")
    assert {lv.name: (lv.inactivity.months, lv.inactivity.action) for lv in ladder.levels} == {
        "member": (12, "remove"),
        "reviewer": (6, "remove"),
        "committer": (6, "emeritus"),
    }
    assert [lv.roster for lv in ladder.levels] == [None, None, None]  # its own roster files have no reader


def _holding(level, scope):
    from ladder_rules.facts import Holding

    return Holding(level, scope, day(0))


# --- property-based ---------------------------------------------------------------------------------

level_names = st.lists(
    st.sampled_from(["member", "reviewer", "approver", "maintainer", "lead"]), min_size=1, max_size=4, unique=True
)
windows = st.sampled_from(["", "all time", "12 months", "last 6 months", "1 year", "since promotion"])


@st.composite
def ladder_documents(draw):
    """A valid ladder file and the requirement count of each level."""
    names = draw(level_names)
    lines = ["ladder: generated", "source: https://example.org/x.md", "levels:"]
    shapes = {}
    for i, name in enumerate(names):
        lines += [f"  {name}:", f"    scope: {draw(st.sampled_from(['org', 'repository', 'path']))}", "    requires:"]
        n = draw(st.integers(1, 3))
        for _ in range(n):
            metric = draw(st.sampled_from(METRICS))
            lines.append(f"      - {metric}: {draw(st.integers(1, 500))}")
            window = draw(windows)
            if window:
                lines.append(f"        window: {window}")
            if metric not in ("issues", "comments", "contributions") and draw(st.booleans()):
                lines.append("        substantial: true")
        if i:
            lines += [f"      - tenure: {names[i - 1]}", f"        at_least: {draw(st.integers(1, 24))} months"]
            n += 1
        shapes[name] = n
    return "\n".join(lines) + "\n", shapes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ladder_documents())
def test_generated_valid_ladders_load(doc):
    text, shapes = doc
    ladder = load_ladder(text, "gen.yaml")
    assert {lv.name: len(lv.requires.children) for lv in ladder.levels} == shapes


@st.composite
def mutations(draw):
    text = draw(st.sampled_from([SMALL, KUBERNETES.read_text()]))
    lines = text.splitlines(keepends=True)
    i = draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["delete", "duplicate", "char", "indent", "swap"]))
    if how == "delete":
        del lines[i]
    elif how == "duplicate":
        lines.insert(i, lines[i])
    elif how == "indent":
        lines[i] = " " * draw(st.integers(1, 3)) + lines[i]
    elif how == "swap" and i + 1 < len(lines):
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
    else:
        line = lines[i]
        j = draw(st.integers(0, max(0, len(line) - 1)))
        ch = draw(st.sampled_from(list(string.printable) + ["\x00", "\t", "é", "\ufeff"]))
        lines[i] = line[:j] + ch + line[j + 1 :]
    return "".join(lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
def test_a_mutated_ladder_loads_or_fails_with_a_line_inside_the_file(text):
    try:
        load_ladder(text, "mutated.yaml")
    except LadderError as exc:
        assert 1 <= exc.line <= line_count(text)
        assert exc.message and exc.message[-1] in ".)\"'?"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_loads_or_fails_with_a_ladder_error(text):
    try:
        load_ladder(text, "any.yaml")
    except LadderError as exc:
        assert 1 <= exc.line <= line_count(text)
