"""`ladder status LOGIN`: exact lines for a hand-built database, the errors, and a demo database."""

from __future__ import annotations

import pytest

from app.cli import main
from tests.read_side_db import build
from tests.stores import cli_args, cli_database


@pytest.fixture
def database(tmp_path, monkeypatch) -> list[str]:
    """The hand-built database, as `ladder` arguments (--database PATH, or DATABASE_URL set)."""
    return cli_database(build(tmp_path / "ladder.db"), monkeypatch)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.strip()


def test_status_lists_requirements_and_every_kind_of_effect(capsys, database):
    code, lines, err = run(capsys, "status", "@bob", *database)
    assert (code, err) == (0, "")
    assert lines == [
        "@bob",
        "Cohort api-reviewers (acme): target reviewer, 1 Jan 2020 to 31 Mar 2020",
        "Cohort web-members (acme): target member, 1 Jan 2099 to 30 Jun 2099",
        "",
        "Reviewer in acme/api (kubernetes ladder): ready",
        "  [x] Reviewed at least 5 PRs to acme/api  5/5  [####################]",
        "  [?] Sponsored by 1 approver                   for people to confirm",
        "  Readiness issue: not opened on GitHub yet (open)",
        "  Evaluated 2 May 2020",
        "",
        "On GitHub (4 writes; planned = dry-run, recorded but not sent):",
        "  failed   comment on acme/api#4                                            error: 404 Not Found: issue 4 is gone",
        "  done     comment on acme/api#3                                            https://github.com/acme/api/issues/3#issuecomment-5",
        '  pending  issue "bob is ready for reviewer in acme/api" in acme/community  waiting to be sent (tried 2 times)',
        "  planned  comment on acme/community#7                                      dry-run: recorded, not sent",
    ]


def test_status_shows_tenure_date_checklist_and_promotion(capsys, database):
    code, lines, _ = run(capsys, "status", "ALICE", "--org", "ACME", *database)
    assert code == 0
    assert lines[0] == "@alice in acme"
    assert lines[3:9] == [
        "Approver in acme/api (kubernetes ladder): working",
        "  [ ] Reviewer for 3 months                                   [##------------------] reviewer since 21 Apr 2020 · will be met on 22 Jul 2020",
        "  [ ] Primary reviewer for at least 10 PRs to acme/api  4/10  [########------------]",
        "  For mentors to confirm: Knowledgeable about the codebase",
        "  Evaluated 2 May 2020",
        "",
    ]
    assert (
        "Reviewer in acme/api (kubernetes ladder): promoted on 1 Mar 2020 (https://github.com/acme/api/pull/40)"
        in lines
    )
    assert lines[-2:] == ["On GitHub (0 writes; planned = dry-run, recorded but not sent):", "  nothing yet"]


def test_status_level_filter(capsys, database):
    code, lines, _ = run(capsys, "status", "alice", "--level", "reviewer", *database)
    assert code == 0
    assert [line for line in lines if "kubernetes ladder" in line] == [
        "Reviewer in acme/api (kubernetes ladder): promoted on 1 Mar 2020 (https://github.com/acme/api/pull/40)"
    ]
    code, lines, _ = run(capsys, "status", "dora", "--level", "approver", *database)
    assert code == 0 and "No progress stored yet toward approver." in lines


@pytest.mark.parametrize(
    "argv, message",
    [
        (["status", "zed"], "ladder: no one with the login 'zed' is known to Ladder"),
        (["status", "bob", "--org", "globex"], "ladder: no organisation called 'globex' is known to Ladder"),
        (["status", "bob", "--level", "reveiwer"], "ladder: no level called 'reveiwer' in the ladders Ladder knows"),
    ],
)
def test_unknown_names_are_one_line_and_exit_2(capsys, database, argv, message):
    code, lines, err = run(capsys, *argv, *database)
    assert (code, lines, err) == (2, [], message)


def test_missing_database(capsys, tmp_path):
    code, _, err = run(capsys, "status", "bob", "--database", str(tmp_path / "none.db"))
    assert code == 2
    assert err == f"ladder: no database at {tmp_path / 'none.db'} (set DATABASE_PATH or pass --database)"


def test_status_on_the_demo(capsys, demo_database, monkeypatch):
    code, lines, _ = run(capsys, "status", "bob", *cli_args(demo_database, monkeypatch))
    assert code == 0
    assert lines[3] == "Reviewer in sample-org/widgets/pkg/controller (kubernetes ladder): working"
    assert any(line.startswith("  [ ] Member for 3 months") and "will be met on" in line for line in lines)
    # his progress comment, and the 👍 on each of his two check-ins (the demo's scene 45)
    assert lines[-4] == "On GitHub (3 writes; planned = dry-run, recorded but not sent):"
    assert lines[-3].startswith(
        "  done  comment on sample-org/community#1  https://github.com/sample-org/community/issues/1#issuecomment-"
    )
    assert [line.split() for line in lines[-2:]] == [["done", "reaction", "in", "sample-org/community", "done"]] * 2
    code, lines, _ = run(capsys, "status", "carol", *cli_args(demo_database, monkeypatch))
    # the demo's scene 25 completes carol's member promotion: the issue is closed, she works toward reviewer
    assert any(line.startswith("Member in sample-org (kubernetes ladder): promoted on ") for line in lines)
    assert any(
        line.startswith('  done  issue "carol is ready for member in sample-org" in sample-org/community (closed)')
        for line in lines
    )
    assert "Reviewer in sample-org/widgets/pkg/controller (kubernetes ladder): working" in lines


def test_status_of_someone_with_nothing_stored_is_computed_and_writes_nothing(capsys, demo_database, tmp_path):
    """mallory has counted activity in the demo; with her stored evaluations gone (an organisation whose
    evaluation pass has not reached her yet), `ladder status` evaluates her from the ledger and stores
    nothing: the database file is byte for byte the same."""
    import shutil
    import sqlite3
    from pathlib import Path

    if not isinstance(demo_database, Path):
        pytest.skip("copies the demo's SQLite file (the PostgreSQL run reads the demo in place)")
    copy = tmp_path / "ladder.db"
    shutil.copy(demo_database, copy)
    with sqlite3.connect(copy) as conn:
        pid = conn.execute("SELECT id FROM people WHERE lower(login) = 'mallory'").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM evaluations WHERE person_id = ?", [pid]).fetchone()[0] > 0
        conn.execute("DELETE FROM evaluations WHERE person_id = ?", [pid])
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = copy.read_bytes()
    code, lines, err = run(capsys, "status", "mallory", "--database", str(copy))
    assert (code, err) == (0, "")
    assert lines[:2] == ["@mallory", ""]
    assert lines[2] == "Nothing stored yet: evaluated now from the ledger."
    assert any(line.endswith("(kubernetes ladder): working") or line.endswith("(kubernetes ladder): ready")
               for line in lines[3:6])  # fmt: skip
    assert copy.read_bytes() == before
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT count(*) FROM evaluations WHERE person_id = ?", [pid]).fetchone()[0] == 0
    conn.close()
    # a bot: told so, whether Ladder ever saw it or not
    code, lines, _ = run(capsys, "status", "dependabot[bot]", "--database", str(copy))
    assert (code, lines) == (
        0,
        ["@dependabot[bot] is a bot: Ladder does not evaluate bots, so it has no progress to show."],
    )
