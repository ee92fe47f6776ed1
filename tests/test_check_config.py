"""`ladder check-config PATH`: what a user sees for good and bad ladder.yml and ladder files.

The configuration errors that misled (issue 8, item 16) are each driven through the real command,
`python -m app check-config PATH`, in a process of its own: every problem in one run, each at its true
line, in a sentence a maintainer understands."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.store.location import describe
from tests.stores import insert_rows, location, open_test_database

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = FIXTURES / "config" / "ladder.yml"
ROOT = Path(__file__).parent.parent
KUBERNETES = ROOT / "ladder_rules" / "ladders" / "kubernetes.yaml"


def run(capsys, path, *extra) -> tuple[int, list[str], str]:
    code = main(["check-config", str(path), *extra])
    out = capsys.readouterr()
    return code, out.out.splitlines(), out.err


def cli(path, *extra) -> tuple[int, list[str], str]:
    """`python -m app check-config PATH`, as a maintainer runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "app", "check-config", str(path), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout.splitlines(), done.stderr


def line_of(text: str, needle: str) -> int:
    """The 1-based line holding `needle` (exactly one)."""
    lines = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


def test_the_documented_example_is_ok(capsys):
    assert run(capsys, EXAMPLE) == (0, [f"{EXAMPLE}: OK (ladder kubernetes, 1 cohort, 3 mentees)"], "")


def test_a_ladder_file_is_recognised_by_its_levels(capsys):
    path = FIXTURES / "ladders" / "cilium.yaml"
    assert run(capsys, path) == (0, [f"{path}: OK (ladder cilium, 3 levels: member, reviewer, committer)"], "")


def test_errors_one_line_each_and_exit_1(tmp_path, capsys):
    path = tmp_path / "ladder.yml"
    path.write_text(
        EXAMPLE.read_text()
        .replace("dry_run: false", "dry_run: sometimes")
        .replace("target: reviewer", "target: reviewr")
    )
    assert run(capsys, path) == (
        1,
        [
            f"{path}:3: `dry_run` must be true or false, not 'sometimes'.",
            f"{path}:13: `target: reviewr` of cohort `apps-reviewers-2026` is not a level of the kubernetes ladder "
            f"(levels: member, reviewer, approver). Did you mean `reviewer`?",
        ],
        "",
    )


def test_warnings_do_not_fail(tmp_path, capsys):
    path = tmp_path / "ladder.yml"
    path.write_text(EXAMPLE.read_text().replace("    tracking_issue: 42 ", "    # no tracking issue "))
    assert run(capsys, path) == (
        0,
        [
            f"{path}:12: warning: Cohort `apps-reviewers-2026` has no `tracking_issue`: no progress comments or weekly "
            f"digests will be posted for it.",
            f"{path}: OK (ladder kubernetes, 1 cohort, 3 mentees)",
        ],
        "",
    )


def test_a_broken_ladder_file(tmp_path, capsys):
    path = tmp_path / "ours.yaml"
    path.write_text((FIXTURES / "ladders" / "cilium.yaml").read_text().replace("scope: org", "scope: galaxy", 1))
    code, lines, _ = run(capsys, path)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith(f"{path}:") and "galaxy" in lines[0]


def test_a_ladder_file_named_by_path_is_checked_from_the_checkout(tmp_path, capsys):
    repo = tmp_path / "repo"
    (repo / ".github" / "ladders").mkdir(parents=True)
    shutil.copy(FIXTURES / "ladders" / "cilium.yaml", repo / ".github" / "ladders" / "cilium.yaml")
    config = repo / ".github" / "ladder.yml"
    config.write_text(
        EXAMPLE.read_text()
        .replace("ladder: kubernetes", "ladder: .github/ladders/cilium.yaml")
        .replace("target: reviewer", "target: committer")
    )
    assert run(capsys, config) == (0, [f"{config}: OK (ladder .github/ladders/cilium.yaml, 1 cohort, 3 mentees)"], "")

    config.write_text(config.read_text().replace("target: committer", "target: maintainer"))
    assert run(capsys, config) == (
        1,
        [
            f"{config}:13: `target: maintainer` of cohort `apps-reviewers-2026` is not a level of the cilium ladder "
            f"(levels: member, reviewer, committer)."
        ],
        "",
    )

    (repo / ".github" / "ladders" / "cilium.yaml").unlink()
    assert run(capsys, config) == (
        0,
        [
            f"{config}:1: warning: The ladder file .github/ladders/cilium.yaml is not in this checkout, so cohort "
            f"targets were not checked against it.",
            f"{config}: OK (ladder .github/ladders/cilium.yaml, 1 cohort, 3 mentees)",
        ],
        "",
    )


@pytest.mark.parametrize("content", [b"\xff\xfe not utf-8", None])
def test_unreadable_files(tmp_path, capsys, content):
    path = tmp_path / "ladder.yml"
    if content is not None:
        path.write_bytes(content)
    code, lines, err = run(capsys, path)
    assert code == 1 and err == "" and len(lines) == 1
    assert lines[0].startswith(f"{path}:1: The file cannot be read: ")


def test_as_a_process(tmp_path):
    path = tmp_path / "ladder.yml"
    path.write_text("ladder: kubernetes\nowners_pr: always\n")
    assert cli(path) == (
        1,
        [f"{path}:2: `owners_pr` must be one of after_approval, when_ready, never, not 'always'."],
        "",
    )


# --- issue 8, item 16: configuration errors that misled ------------------------------------------------


def test_a_wrong_sponsor_level_is_reported_at_its_own_line(tmp_path):
    # was: reported at the line of the level's first key (30), not where `level: aprover` is written (41)
    text = KUBERNETES.read_text().replace(
        "      level: approver                   # a subproject approver\n", "      level: aprover\n"
    )
    path = tmp_path / "kubernetes.yaml"
    path.write_text(text)
    line = line_of(text, "level: aprover")
    assert cli(path) == (
        1,
        [
            f"{path}:{line}: `level` of a sponsor rule names level `aprover`, which this ladder does not have "
            f"(levels: member, reviewer, approver). Did you mean `approver`?"
        ],
        "",
    )


def test_a_second_error_is_reported_in_the_same_run(tmp_path):
    # was: a cohort with one error was dropped, so its `target: wizard` stayed hidden until the first was fixed
    path = tmp_path / "ladder.yml"
    path.write_text(
        EXAMPLE.read_text()
        .replace("mentees: [alice, bob, carol]", 'mentees: [alice, "@bob", carol]')
        .replace("target: reviewer", "target: wizard")
    )
    assert cli(path) == (
        1,
        [
            f"{path}:13: `target: wizard` of cohort `apps-reviewers-2026` is not a level of the kubernetes ladder "
            f"(levels: member, reviewer, approver).",
            f"{path}:18: `@bob` in `mentees` of cohort `apps-reviewers-2026`: write GitHub logins without the `@`.",
        ],
        "",
    )


def test_a_second_error_is_reported_when_the_ladder_is_a_file_of_the_checkout(tmp_path):
    # was: any error stopped the ladder file from being read, so targets were not checked against it
    repo = tmp_path / "repo"
    (repo / ".github" / "ladders").mkdir(parents=True)
    shutil.copy(FIXTURES / "ladders" / "cilium.yaml", repo / ".github" / "ladders" / "cilium.yaml")
    config = repo / ".github" / "ladder.yml"
    config.write_text(
        EXAMPLE.read_text()
        .replace("ladder: kubernetes", "ladder: .github/ladders/cilium.yaml")
        .replace("dry_run: false", "dry_run: maybe")
        .replace("target: reviewer", "target: wizard")
    )
    assert cli(config) == (
        1,
        [
            f"{config}:3: `dry_run` must be true or false, not 'maybe'.",
            f"{config}:13: `target: wizard` of cohort `apps-reviewers-2026` is not a level of the cilium ladder "
            f"(levels: member, reviewer, committer).",
        ],
        "",
    )


def test_a_file_that_only_extends_another_is_not_missing_its_ladder(tmp_path):
    # was: "`ladder` is required", although the extended file sets it
    path = tmp_path / "ladder.yml"
    path.write_text("_extends: acme/policies\n")
    assert cli(path) == (
        0,
        [
            f"{path}: OK (ladder from the extended file, 0 cohorts, 0 mentees, extends "
            f"acme/policies:.github/ladder.yml, not read here)"
        ],
        "",
    )
    # what the file holds is still checked
    path.write_text("_extends: policies:conf/ladder.yml\ndry_run: maybe\nowner_pr: never\n")
    assert cli(path) == (
        1,
        [
            f"{path}:2: `dry_run` must be true or false, not 'maybe'.",
            f"{path}:3: Unknown key `owner_pr` in `ladder.yml`. Did you mean `owners_pr`? Known keys: _extends, "
            f"ladder, community_repo, dry_run, owners_pr, nominate, nominate_limit, grace_period, review_acts_as_lgtm, "
            f"substantial, members_since, peribolos, definitions, cohorts.",
        ],
        "",
    )


def test_a_misspelt_ladder_gets_a_suggestion_and_no_contradiction(tmp_path):
    # was: the suggestion-less error plus "`ladder` is required" for the key that is right there
    path = tmp_path / "ladder.yml"
    path.write_text("ladder: kubernetez\n")
    assert cli(path) == (
        1,
        [
            f"{path}:1: `ladder` must be a built-in ladder (istio, kubeflow, kubernetes, opentelemetry, tekton) or "
            f"the path of a ladder file in the repository ending in .yaml, not 'kubernetez'. Did you mean `kubernetes`?"
        ],
        "",
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "ladder: kubernetes\ncohorts:\n  - name: a\n    target: reviewer\n   start: 2026-01-01\n",
            "5: Line 5 is indented differently from the lines above it (3 spaces where line 4 has 4); the keys of one "
            "mapping start in the same column.",
        ),
        (
            "ladder: kubernetes\ncohorts:\n  - name: a\n  target: reviewer\n",
            "4: Line 4 is indented differently from the lines above it (2 spaces where line 3 has 4); the keys of one "
            "mapping start in the same column.",
        ),
        ("ladder kubernetes\ndry_run: true\n", "1: A `:` is missing after the key on line 1 (`ladder kubernetes`)."),
        (
            "ladder: kubernetes\ndry_run true\nowners_pr: never\n",
            "2: A `:` is missing after the key on line 2 (`dry_run true`).",
        ),
        (
            "ladder: kubernetes\nsubstantial:\n\tmin_lines: 3\n",
            "3: Line 3 is indented with a tab; YAML indents with spaces only.",
        ),
        (
            "ladder: kubernetes\nreview_acts_as_lgtm: [test-infra\ndry_run: true\n",
            "2: The `[` opened on line 2 is not closed; close it with `]` on that line.",
        ),
        ("ladder: 'kubernetes\ndry_run: true\n", "1: The quote `'` opened on line 1 is never closed."),
        (
            "ladder: kubernetes\ncommunity_repo: people: here\n",
            "2: Line 2 has a second `: ` in one value; put the value in quotes if the colon belongs to it.",
        ),
        (
            "ladder: kubernetes\ncohorts:\n  - name: a\n    mentors: [@alice]\n",
            "4: Line 4: a value cannot start with `@` in YAML; write logins without it, or put the value in quotes.",
        ),
        (
            "ladder: kubernetes\n---\nladder: tekton\n",
            "2: Line 2 starts a second YAML document (`---` or `...`); a file of Ladder's holds one.",
        ),
    ],
)
def test_yaml_syntax_errors_are_sentences_at_their_line(tmp_path, text, expected):
    # was: the parser's words, e.g. "This is not valid YAML: expected <block end>, but found '<block mapping start>'."
    path = tmp_path / "ladder.yml"
    path.write_text(text)
    assert cli(path) == (1, [f"{path}:{expected}"], "")


def test_an_unknown_requirement_key_gets_a_suggestion(tmp_path):
    # was: "A requirement needs exactly one of a metric name, … (found none)." with no suggestion
    text = KUBERNETES.read_text().replace("      - primary_reviews: 5\n", "      - primary_review: 5\n")
    path = tmp_path / "kubernetes.yaml"
    path.write_text(text)
    assert cli(path) == (
        1,
        [
            f"{path}:{line_of(text, 'primary_review: 5')}: Unknown key `primary_review` in a requirement. Did you mean "
            f"`primary_reviews`? A requirement starts with a metric name, `tenure`, `all`, `any`, `at_least`/`of` "
            f"or `sponsors`."
        ],
        "",
    )


def test_every_problem_of_a_ladder_file_in_one_run_each_at_its_line(tmp_path):
    text = (
        KUBERNETES.read_text()
        .replace("      level: approver                   # a subproject approver\n", "      level: aprover\n")
        .replace(
            "      - reviewed_or_merged: 30          # … not the 30\n",
            "      - reviewed_or_merged: 30\n        windw: 12 months\n",
        )
        .replace("roster: {kind: owners, list: reviewers}", "roster: {kind: file, path: REVIEWERS}")
    )
    path = tmp_path / "kubernetes.yaml"
    path.write_text(text)
    code, lines, err = cli(path)
    assert (code, err) == (1, "")
    assert [line.split(": ", 1)[0] for line in lines] == [
        f"{path}:{line_of(text, 'kind: file')}",
        f"{path}:{line_of(text, 'level: aprover')}",
        f"{path}:{line_of(text, 'windw')}",
    ]
    assert "roster `kind: file` has no reader" in lines[0] and "Did you mean `window`?" in lines[2]


# --- cohort validation against the rosters stored in a database ---------------------------------------


def holdings_db(tmp_path, rows) -> str:
    """A migrated store (a SQLite file, or PostgreSQL with LADDER_TEST_DATABASE=postgres) holding `rows`;
    what `--database` takes to name it."""
    path = tmp_path / "ladder.db"
    db = open_test_database(path)
    insert_rows(
        db,
        "holdings",
        [
            {
                "login": login,
                "org": "kubernetes",
                "level": level,
                "scope": scope,
                "since": None,
                "source": "OWNERS",
                "updated_at": "2026-01-01T00:00:00Z",
            }
            for login, level, scope in rows
        ],
    )
    db.close()
    return str(location(path))


def test_mentors_and_mentees_are_checked_against_the_stored_rosters(tmp_path):
    database = holdings_db(
        tmp_path,
        [
            ("mentor-a", "approver", "kubernetes/kubernetes/pkg"),  # above the target, over a parent folder: fine
            ("mentor-b", "reviewer", "kubernetes/kubernetes/pkg/kubelet"),  # another folder: not in the scope
            ("carol", "reviewer", "kubernetes/kubernetes"),  # a mentee who already is a reviewer there
        ],
    )
    code, lines, err = cli(EXAMPLE, "--database", database)
    assert (code, err) == (0, "")
    assert lines == [
        f"{EXAMPLE}:17: warning: `mentor-b`, a mentor of cohort `apps-reviewers-2026`, does not hold `reviewer` (or a "
        f"higher level) in kubernetes/pkg/controller: a mentor should hold the level the mentees work toward.",
        f"{EXAMPLE}:18: warning: `carol`, a mentee of cohort `apps-reviewers-2026`, already holds `reviewer` (or a "
        f"higher level) in kubernetes/pkg/controller: there is nothing left to mentor them toward.",
        f"{EXAMPLE}: OK (ladder kubernetes, 1 cohort, 3 mentees)",
    ]
    # without the database, the file alone says nothing of the kind
    assert cli(EXAMPLE) == (0, [f"{EXAMPLE}: OK (ladder kubernetes, 1 cohort, 3 mentees)"], "")


def test_a_database_that_cannot_answer_is_said_so(tmp_path, capsys):
    assert run(capsys, EXAMPLE, "--database", str(tmp_path / "none.db")) == (
        2,
        [],
        f"ladder check-config: {tmp_path / 'none.db'} is not a file\n",
    )
    (tmp_path / "text.db").write_text("not sqlite")
    code, lines, err = run(capsys, EXAMPLE, "--database", str(tmp_path / "text.db"))
    assert (code, lines) == (2, []) and err.startswith(f"ladder check-config: {tmp_path / 'text.db'} cannot be ")
    database = holdings_db(tmp_path, [("a", "reviewer", "kubernetes/kubernetes")])
    assert run(capsys, EXAMPLE, "--database", database, "--org", "istio") == (
        2,
        [],
        f"ladder check-config: {describe(database)} holds no rosters of istio (it has: kubernetes)\n",
    )
