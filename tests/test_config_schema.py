"""The `ladder.yml` format: the documented example, defaults, every check with its line, and random
mutations of a valid document (hypothesis)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config.schema import (
    Cohort,
    CohortScope,
    ConfigError,
    OrgConfig,
    Substantial,
    build_config,
    check_config_text,
    merge_parts,
    parse_config,
    read_parts,
)
from ladder_rules.format import load_ladder
from ladder_rules.located_yaml import line_count

EXAMPLE = (Path(__file__).parent / "fixtures" / "config" / "ladder.yml").read_text()


def problems(text: str) -> list[str]:
    return [str(p) for p in check_config_text(text, "ladder.yml")]


def test_the_documented_example_reads_exactly():
    config = parse_config(EXAMPLE, "ladder.yml")
    assert config == OrgConfig(
        ladder="kubernetes",
        community_repo="community",
        dry_run=False,
        owners_pr="after_approval",
        review_acts_as_lgtm=("test-infra",),
        substantial=Substantial(30, ("kind/cleanup",)),
        members_since={"alice": date(2026, 5, 4)},
        peribolos=None,
        definitions={},
        cohorts=(
            Cohort(
                "apps-reviewers-2026",
                "reviewer",
                CohortScope("kubernetes", "pkg/controller"),
                date(2026, 9, 1),
                date(2026, 11, 30),
                ("mentor-a", "mentor-b"),
                ("alice", "bob", "carol"),
                42,
                "tuesday",
            ),
        ),
    )
    assert config.warnings == ()
    assert check_config_text(EXAMPLE, "ladder.yml") == []
    assert OrgConfig.from_dict(config.to_dict()) == config


def test_defaults():
    config = parse_config("ladder: tekton\n", "ladder.yml")
    assert (config.community_repo, config.dry_run, config.owners_pr) == ("community", False, "after_approval")
    assert config.substantial == Substantial(30, ())
    assert (config.cohorts, config.review_acts_as_lgtm, dict(config.members_since)) == ((), (), {})
    definitions = config.rule_definitions("tektoncd")
    assert definitions.substantial_min_lines == 30 and definitions.review_acts_as_lgtm_repos == frozenset()


def test_values_reach_the_rule_definitions():
    config = parse_config(
        "ladder: kubernetes\nreview_acts_as_lgtm: [test-infra, other/repo]\n"
        "substantial: {min_lines: 10}\ndefinitions:\n  reviewed_requires_merged: false\n",
        "ladder.yml",
    )
    d = config.rule_definitions("kubernetes")
    assert d.review_acts_as_lgtm_repos == frozenset({"kubernetes/test-infra", "other/repo"})
    assert d.substantial_min_lines == 10 and d.reviewed_requires_merged is False


def test_dates_as_yaml_dates_or_iso_texts_and_weekday_abbreviations():
    text = EXAMPLE.replace("start: 2026-09-01", 'start: "2026-09-01"').replace(
        "checkin_day: tuesday", "checkin_day: Tue"
    )
    cohort = parse_config(text, "ladder.yml").cohorts[0]
    assert (cohort.start, cohort.checkin_day) == (date(2026, 9, 1), "tuesday")


def test_org_wide_scope_and_ladder_path_and_peribolos():
    config = parse_config(
        "ladder: .github/ladders/ours.yaml\n"
        "peribolos: {repo: org, path: config/acme/org.yaml}\n"
        "cohorts:\n"
        "  - {name: m, target: member, scope: org, start: 2026-01-01, end: 2026-02-01, mentors: [x], mentees: [y],\n"
        "     tracking_issue: 1}\n",
        "ladder.yml",
    )
    assert config.ladder == ".github/ladders/ours.yaml" and not config.ladder_is_builtin
    assert config.peribolos.repo == "org" and config.peribolos.path == "config/acme/org.yaml"
    assert config.cohorts[0].scope == CohortScope() and str(config.cohorts[0].scope) == "the organisation"
    assert (
        parse_config(
            "ladder: kubernetes\nperibolos: kubernetes/org:config/kubernetes/org.yaml\n", "l.yml"
        ).peribolos.repo
        == "kubernetes/org"
    )


BAD = """\
ladder: kubernetes
dry_run: yes
owners_pr: sometimes
comunity_repo: people
review_acts_as_lgtm: 3
substantial:
  min_lines: -1
  exclude: [x]
members_since:
  alice: 2026-13-01
  '@bob': 2026-01-01
definitions:
  reviewed_requires_merged: 3
  first_review_wins: true
cohorts:
  - name: a
    target: approver
    scope: {repo: kubernetes/kubernetes}
    start: 2026-09-01
    end: 2026-08-01
    mentors: [m1]
    mentees: [a1, a2, m1, a1, "@a3"]
    tracking_issue: 0
    checkin_day: someday
  - name: a
    target: reviewer
    start: 2026-09-01
    end: 2026-10-01
    mentors: [m2]
    mentees: [b1]
    tracking_issue: 2
  - target: approver
"""


def test_every_problem_is_reported_with_its_line():
    assert problems(BAD) == [
        "ladder.yml:2: `dry_run` must be true or false, not 'yes'.",
        "ladder.yml:3: `owners_pr` must be one of after_approval, when_ready, never, not 'sometimes'.",
        "ladder.yml:4: Unknown key `comunity_repo` in `ladder.yml`. Did you mean `community_repo`? Known keys: "
        "_extends, ladder, community_repo, dry_run, owners_pr, nominate, nominate_limit, grace_period, "
        "review_acts_as_lgtm, substantial, members_since, peribolos, definitions, cohorts.",
        "ladder.yml:5: `review_acts_as_lgtm` must be a list of repositories, not 3.",
        "ladder.yml:7: `substantial.min_lines` must be a whole number of at least 0, not -1.",
        "ladder.yml:8: Unknown key `exclude` in `substantial`. Did you mean `exclude_labels`? Known keys: min_lines, "
        "exclude_labels.",
        "ladder.yml:10: The date for `alice` in `members_since` must be a date written YYYY-MM-DD (e.g. 2026-09-01), "
        "not 2026-13-01.",
        "ladder.yml:11: `@bob` in `members_since` is not a GitHub login (write logins without the `@`).",
        "ladder.yml:13: `definitions.reviewed_requires_merged` must be true or false.",
        "ladder.yml:14: Unknown key `first_review_wins` in `definitions`. Known keys: reviewed_requires_merged, "
        "approved_review_counts_as_approve, count_prs_with_unknown_paths.",
        "ladder.yml:18: `scope.repo` of cohort `a` names a repository of this organisation: write `kubernetes` "
        "without the owner.",
        "ladder.yml:20: `end` of cohort `a` (2026-08-01) must come after its `start` (2026-09-01).",
        "ladder.yml:22: `a1` is listed twice in `mentees` of cohort `a`.",
        "ladder.yml:22: `@a3` in `mentees` of cohort `a`: write GitHub logins without the `@`.",
        "ladder.yml:22: `m1` is both a mentor and a mentee of cohort `a`.",
        "ladder.yml:23: `tracking_issue` of cohort `a` must be a whole number of at least 1, not 0.",
        "ladder.yml:24: `checkin_day` of cohort `a` must be a day of the week (monday … sunday), not 'someday'.",
        "ladder.yml:25: Two cohorts are named `a` (the other on line 16); names must be unique.",
        "ladder.yml:32: The cohort needs `name`, `start`, `end`, `mentors` and `mentees`.",
        "ladder.yml:32: warning: The cohort has no `tracking_issue`: no progress comments or weekly digests will "
        "be posted for it.",
    ]
    with pytest.raises(ConfigError) as raised:
        parse_config(BAD, "ladder.yml")
    assert (raised.value.line, raised.value.message) == (2, "`dry_run` must be true or false, not 'yes'.")


def test_cohort_target_must_be_a_level_of_the_ladder():
    text = EXAMPLE.replace("target: reviewer", "target: maintainer")
    assert problems(text) == [
        "ladder.yml:13: `target: maintainer` of cohort `apps-reviewers-2026` is not a level of the kubernetes "
        "ladder (levels: member, reviewer, approver)."
    ]
    # the same file against a ladder that has a maintainer level
    tekton = EXAMPLE.replace("ladder: kubernetes", "ladder: tekton").replace("target: reviewer", "target: maintainer")
    assert problems(tekton) == []


def test_target_is_checked_against_a_given_ladder_file():
    ladder = load_ladder(
        "ladder: ours\nsource: x\nlevels:\n  member:\n    scope: org\n    requires:\n      - merged_prs: 1\n",
        "ours.yaml",
    )
    text = EXAMPLE.replace("ladder: kubernetes", "ladder: ladders/ours.yaml")
    assert problems(text) == []  # without the ladder, targets cannot be checked
    assert [str(e) for e in check_config_text(text, "ladder.yml", ladder)] == [
        "ladder.yml:13: `target: reviewer` of cohort `apps-reviewers-2026` is not a level of the ours ladder "
        "(levels: member)."
    ]


def test_more_than_four_mentees_per_mentor_is_a_warning_only():
    text = EXAMPLE.replace("mentors: [mentor-a, mentor-b]", "mentors: [mentor-a]").replace(
        "mentees: [alice, bob, carol]", "mentees: [alice, bob, carol, dave, erin]"
    )
    assert problems(text) == [
        "ladder.yml:18: warning: Cohort `apps-reviewers-2026` has 5 mentees for 1 mentor: more than 4 per mentor "
        "(`mentees_per_mentor` is 3, and one more is tolerated)."
    ]
    config = parse_config(text, "ladder.yml")
    assert [w.line for w in config.warnings] == [18]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "",
            "ladder.yml:1: `ladder` is required: a built-in ladder (istio, kubeflow, kubernetes, opentelemetry, "
            "tekton) or the path of a ladder file.",
        ),
        (
            "ladder: Kubernetes\n",
            "ladder.yml:1: `ladder: Kubernetes`: built-in ladder names are lower-case; write `kubernetes`.",
        ),
        (
            "ladder: k8s\n",
            "ladder.yml:1: `ladder` must be a built-in ladder (istio, kubeflow, kubernetes, "
            "opentelemetry, tekton) or the path of a ladder file in the repository ending in .yaml, "
            "not 'k8s'.",
        ),
        (
            "ladder: kubernetes\ncohorts:\n  - name: a\n    target: [\n",
            "ladder.yml:4: The `[` opened on line 4 is never closed.",
        ),
        (
            "- ladder: kubernetes\n",
            "ladder.yml:1: `ladder.yml` must be a mapping of keys (ladder, cohorts, ...), not a list.",
        ),
        (
            "ladder: kubernetes\n_extends: 'a/b/c'\n",
            "ladder.yml:2: `_extends` must be `repo`, `owner/repo` or `owner/repo:path.yml`, not 'a/b/c'.",
        ),
        (
            "ladder: kubernetes\ncommunity_repo: !!binary aGk=\n",
            "ladder.yml:2: The YAML tag `tag:yaml.org,2002:binary` is not understood here; remove it.",
        ),
    ],
)
def test_one_problem(text, expected):
    assert problems(text)[0] == expected


def test_duplicate_key_names_the_first_line():
    assert problems("ladder: kubernetes\ndry_run: true\ndry_run: false\n") == [
        "ladder.yml:3: `dry_run` is given twice in the same mapping (first on line 2)."
    ]


def test_merge_keeps_each_error_in_its_own_file():
    base, base_problems = read_parts(
        "ladder: kubernetes\nsubstantial: {min_lines: 5}\nmembers_since: {a: 2020-01-01}\n", "base.yml"
    )
    top, top_problems = read_parts(
        "substantial: {exclude_labels: [x]}\nmembers_since: {b: 2021-01-01}\n"
        "cohorts:\n  - {name: c, target: boss, start: 2026-01-01, end: 2026-02-01, "
        "mentors: [m], mentees: [n], tracking_issue: 1}\n",
        "top.yml",
    )
    assert base_problems == top_problems == []
    merged = merge_parts(base, top)
    config, found = build_config(merged, "top.yml")
    assert config is None
    assert [str(p) for p in found] == [
        "top.yml:4: `target: boss` of cohort `c` is not a level of the kubernetes "
        "ladder (levels: member, reviewer, approver)."
    ]
    merged.values["cohorts"], merged.targets = (), ()
    config, found = build_config(merged, "top.yml")
    assert config.substantial == Substantial(5, ("x",))
    assert dict(config.members_since) == {"a": date(2020, 1, 1), "b": date(2021, 1, 1)}


# --- property-based: random mutations of the valid example never raise, and lines stay in the file -----

LINES = EXAMPLE.splitlines(keepends=True)
NOISE = st.sampled_from(
    [
        "",
        ":",
        "- ",
        "  ",
        "{",
        "}",
        "[",
        "]",
        "'",
        '"',
        "#",
        "&a ",
        "*a",
        "!!str ",
        "\t",
        "2026-02-30",
        "-1",
        "yes",
        "~",
        "?",
        "|",
        ">",
        "%",
        "@",
        "\x00",
        "é",
        "0x10",
        ": :",
    ]
)


@st.composite
def mutated(draw) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "replace_value", "indent", "swap"]))
        line = lines[i]
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, line)
        elif action == "insert":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(NOISE) + line[at:]
        elif action == "replace_value" and ":" in line:
            key = line.split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.one_of(NOISE, st.text(max_size=12)))}\n"
        elif action == "indent":
            lines[i] = draw(st.sampled_from(["  ", "", "    ", " "])) + line.lstrip(" ")
        elif action == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        if not lines:
            lines = [""]
    return "".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_give_located_errors_never_exceptions(text):
    found = check_config_text(text, "ladder.yml")
    last = line_count(text)
    for problem in found:
        assert isinstance(problem, ConfigError)
        assert problem.filename == "ladder.yml"
        assert 1 <= problem.line <= last, (problem, text)
        assert problem.message.strip() and "\n" not in problem.message
    if not any(not p.warning for p in found):
        assert isinstance(parse_config(text, "ladder.yml"), OrgConfig)
    else:
        with pytest.raises(ConfigError):
            parse_config(text, "ladder.yml")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_located_errors_never_exceptions(text):
    last = line_count(text)  # "\r\n", "\n" and a lone "\r" each end a line, as in an editor
    for problem in check_config_text(text, "x.yml"):
        assert 1 <= problem.line <= last
