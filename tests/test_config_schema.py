"""The `ladder.yml` format: the documented example, defaults, every check with its line, and random
mutations of a valid document (hypothesis)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config.cohort_checks import cohort_role_problems
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
from ladder_rules.builtin import builtin_ladder
from ladder_rules.format import load_ladder
from ladder_rules.located_yaml import Duration, line_count

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


# --- the keys of this stage: nomination, the way down, the cohort's rhythm (PRODUCT.md §5) --------------

STAGE_TWO = """\
ladder: kubernetes
nominate: cohorts
nominate_limit: 0
grace_period: 2 weeks
peribolos: {repo: org, path: config/kubernetes/org.yaml}
cohorts:
  - name: apps-reviewers-2026
    target: reviewer
    scope: {repo: kubernetes, path: pkg/controller}
    start: 2026-09-01
    end: 2026-11-30
    mentors: [mentor-a, mentor-b]
    mentees: [alice, bob, carol]
    tracking_issue: 42
    checkin_day: tuesday
    timezone: Europe/Berlin
    signup_issue: 57
    capacity: 8
    mentees_per_mentor: 2
"""


def test_the_new_keys_are_read_and_survive_the_cache():
    config = parse_config(STAGE_TWO, "ladder.yml")
    assert (config.nominate, config.nominate_limit, config.grace_period) == ("cohorts", 0, Duration(days=14))
    (cohort,) = config.cohorts
    assert (cohort.timezone, cohort.signup_issue, cohort.capacity, cohort.mentees_per_mentor) == (
        "Europe/Berlin",
        57,
        8,
        2,
    )
    again = OrgConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert again == config
    # where the cohort was written survives too: the service reports roster problems at those lines
    (cached,) = again.cohorts
    assert (cached.source, cached.line, cached.target_line, cached.mentor_lines, cached.mentee_lines) == (
        "ladder.yml",
        7,
        8,
        (12, 12),
        (13, 13, 13),
    )


def test_the_new_keys_default_as_documented():
    config = parse_config("ladder: kubernetes\n" + EXAMPLE.split("\n", 1)[1], "ladder.yml")
    assert (config.nominate, config.nominate_limit, config.grace_period) == ("everyone", 10, Duration(days=30))
    (cohort,) = config.cohorts
    assert (cohort.timezone, cohort.signup_issue, cohort.capacity, cohort.mentees_per_mentor) == ("UTC", None, 10, 3)
    # a cache written before these keys existed reads with the defaults
    old = config.to_dict()
    for key in ("nominate", "nominate_limit", "grace_period"):
        del old[key]
    for key in ("timezone", "signup_issue", "capacity", "mentees_per_mentor", "written"):
        del old["cohorts"][0][key]
    assert OrgConfig.from_dict(old) == config


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "nominate: cohorts",
            "nominate: cohort",
            "ladder.yml:2: `nominate` must be one of everyone, cohorts, nobody, not 'cohort'. Did you mean `cohorts`?",
        ),
        (
            "nominate_limit: 0",
            "nominate_limit: -1",
            "ladder.yml:3: `nominate_limit` must be a whole number of at least 0, not -1.",
        ),
        (
            "nominate_limit: 0",
            "nominate_limit: lots",
            "ladder.yml:3: `nominate_limit` must be a whole number of at least 0, not 'lots'.",
        ),
        (
            "grace_period: 2 weeks",
            "grace_period: 30",
            "ladder.yml:4: `grace_period` must be a duration such as "
            '"30 days", "2 weeks", "3 months" or "1 year", not 30.',
        ),
        (
            "grace_period: 2 weeks",
            "grace_priod: 2 weeks",
            "ladder.yml:4: Unknown key `grace_priod` in `ladder.yml`. "
            "Did you mean `grace_period`? Known keys: _extends, ladder, community_repo, dry_run, owners_pr, nominate, "
            "nominate_limit, grace_period, review_acts_as_lgtm, substantial, members_since, peribolos, definitions, "
            "cohorts.",
        ),
        (
            "timezone: Europe/Berlin",
            "timezone: Berlin",
            "ladder.yml:16: `timezone` of cohort `apps-reviewers-2026` "
            "must be an IANA time zone name such as Europe/Berlin or UTC, not 'Berlin'. Did you mean `Europe/Berlin`?",
        ),
        (
            "timezone: Europe/Berlin",
            "timezone: europe/berlin",
            "ladder.yml:16: `timezone` of cohort "
            "`apps-reviewers-2026` must be an IANA time zone name such as Europe/Berlin or UTC, not 'europe/berlin'. "
            "Did you mean `Europe/Berlin`?",
        ),
        (
            "timezone: Europe/Berlin",
            "timezone: Mars/Olympus",
            "ladder.yml:16: `timezone` of cohort "
            "`apps-reviewers-2026` must be an IANA time zone name such as Europe/Berlin or UTC, not 'Mars/Olympus'.",
        ),
        (
            "timezone: Europe/Berlin",
            "timezone: ../../etc/passwd",
            "ladder.yml:16: `timezone` of cohort "
            "`apps-reviewers-2026` must be an IANA time zone name such as Europe/Berlin or UTC, not '../../etc/passwd'.",
        ),
        (
            "signup_issue: 57",
            "signup_issue: '#57'",
            "ladder.yml:17: `signup_issue` of cohort `apps-reviewers-2026` "
            "must be a whole number of at least 1, not '#57'.",
        ),
        (
            "capacity: 8",
            "capacity: 0",
            "ladder.yml:18: `capacity` of cohort `apps-reviewers-2026` must be a whole number of at least 1, not 0.",
        ),
        (
            "mentees_per_mentor: 2",
            "mentees_per_mentor: 0",
            "ladder.yml:19: `mentees_per_mentor` of cohort "
            "`apps-reviewers-2026` must be a whole number of at least 1, not 0.",
        ),
        (
            "mentees_per_mentor: 2",
            "mentees_per_mentors: 2",
            "ladder.yml:19: Unknown key `mentees_per_mentors` in "
            "cohort `apps-reviewers-2026`. Did you mean `mentees_per_mentor`? Known keys: name, target, scope, start, "
            "end, mentors, mentees, tracking_issue, checkin_day, timezone, signup_issue, capacity, mentees_per_mentor.",
        ),
    ],
)
def test_the_new_keys_are_checked_at_their_line(old, new, expected):
    assert old in STAGE_TWO
    assert problems(STAGE_TWO.replace(old, new)) == [expected]


# --- cohort validation (PRODUCT.md §5): reported with the cohort's lines, warnings that do not stop it ----


def cohort_text(
    mentors="[mentor-a, mentor-b]", mentees="[alice, bob, carol]", start="2026-09-01", end="2026-11-30", extra=""
):
    return (
        "ladder: kubernetes\ncohorts:\n  - name: c\n    target: reviewer\n"
        f"    start: {start}\n    end: {end}\n    mentors: {mentors}\n    mentees: {mentees}\n"
        f"    tracking_issue: 1\n{extra}"
    )


ELEVEN = "[" + ", ".join(f"m{i}" for i in range(11)) + "]"


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            cohort_text(mentors="[a, b, c]", mentees=ELEVEN),
            [
                "ladder.yml:8: warning: Cohort `c` has 11 mentees: more than 10, the most one group-mentoring cohort "
                "holds; split it in two.",
            ],
        ),
        (cohort_text(mentors="[a, b]", mentees="[m0, m1, m2, m3, m4, m5, m6, m7]"), []),  # 4 a mentor: tolerated
        (
            cohort_text(mentors="[a, b]", mentees="[m0, m1, m2, m3, m4, m5, m6, m7, m8]"),
            [
                "ladder.yml:8: warning: Cohort `c` has 9 mentees for 2 mentors: more than 4 per mentor "
                "(`mentees_per_mentor` is 3, and one more is tolerated).",
            ],
        ),
        (
            cohort_text(mentors="[a]", mentees="[m0, m1, m2]", extra="    mentees_per_mentor: 1\n"),
            [
                "ladder.yml:8: warning: Cohort `c` has 3 mentees for 1 mentor: more than 2 per mentor "
                "(`mentees_per_mentor` is 1, and one more is tolerated).",
            ],
        ),
        (cohort_text(start="2026-09-01", end="2026-10-01"), []),  # exactly one month
        (
            cohort_text(start="2026-09-01", end="2026-09-30"),
            [
                "ladder.yml:6: warning: Cohort `c` runs 29 days (2026-09-01 to 2026-09-30): shorter than 1 month, too "
                "short to reach a level (the programs run 2-3 months).",
            ],
        ),
        (cohort_text(start="2026-09-01", end="2027-03-01"), []),  # exactly six months
        (
            cohort_text(start="2026-09-01", end="2027-03-02"),
            [
                "ladder.yml:6: warning: Cohort `c` runs from 2026-09-01 to 2027-03-02: longer than 6 months (the "
                "programs run 2-3 months, or one release cycle).",
            ],
        ),
        (
            cohort_text(extra="    capacity: 12\n"),
            [
                "ladder.yml:10: warning: `capacity` of cohort `c` is 12: sign-ups could take it past 10 mentees, the "
                "most one group-mentoring cohort holds.",
            ],
        ),
        (
            cohort_text(extra="    capacity: 2\n"),
            [
                "ladder.yml:10: warning: Cohort `c` already lists 3 mentees, more than its `capacity` of 2: every "
                "`/ladder enroll` will go to the waitlist.",
            ],
        ),
    ],
)
def test_cohort_validation(text, expected):
    assert problems(text) == expected
    config = parse_config(text, "ladder.yml")  # warnings never stop the cohort
    assert [str(w) for w in config.warnings] == expected


def test_roles_are_checked_against_the_rosters_given():
    config = parse_config(STAGE_TWO, "ladder.yml")
    held = {("mentor-a", "approver"), ("carol", "reviewer")}
    asked = []

    def holds(login, level, scope):
        asked.append((login, level, str(scope)))
        return (login, level) in held

    found = cohort_role_problems(config, builtin_ladder("kubernetes"), holds)
    assert [str(p) for p in found] == [
        "ladder.yml:12: warning: `mentor-b`, a mentor of cohort `apps-reviewers-2026`, does not hold `reviewer` (or a "
        "higher level) in kubernetes/pkg/controller: a mentor should hold the level the mentees work toward.",
        "ladder.yml:13: warning: `carol`, a mentee of cohort `apps-reviewers-2026`, already holds `reviewer` (or a "
        "higher level) in kubernetes/pkg/controller: there is nothing left to mentor them toward.",
    ]
    # the target level and those above it, never the member level below
    assert {level for _, level, _ in asked} == {"reviewer", "approver"}
    assert {scope for _, _, scope in asked} == {"kubernetes/pkg/controller"}
