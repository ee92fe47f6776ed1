"""`ladder report`: the cohort numbers (graduation, time to graduate, retention, check-ins) on a
hand-built database, each format's exact content, the errors, and a demo database."""

from __future__ import annotations

import calendar
import csv
import io
import json
import re
from datetime import date, datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.cli import main
from reports.cohort import add_months, cohort_report
from tests.read_side_db import build
from tests.stores import cli_args, cli_database


@pytest.fixture
def database(tmp_path, monkeypatch) -> list[str]:
    """The hand-built database, as `ladder` arguments (--database PATH, or DATABASE_URL set)."""
    return cli_database(build(tmp_path / "ladder.db"), monkeypatch)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err.strip()


def test_cohort_markdown(capsys, database):
    code, out, err = run(capsys, "report", "cohort", "api-reviewers", *database)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:14] == [
        "# Cohort api-reviewers",
        "",
        "- **Organisation:** acme",
        "- **Target:** reviewer in acme/api",
        "- **Term:** 1 Jan 2020 to 31 Mar 2020",
        "- **Mentors:** maya",
        "- **Mentees:** 3",
        "- **Graduation rate:** 1 of 3 (33%)",
        "- **Time to graduate:** 60 days (median; alice 60 days)",
        "- **Active 3 months after the term (30 Jun 2020):** 2 of 3 (67%)",
        "- **Active 6 months after the term (30 Sep 2020):** 1 of 3 (33%)",
        "- **Active 12 months after the term (31 Mar 2021):** 0 of 3 (0%)",
        "- **Check-ins:** 3",
        "",
    ]
    assert lines[-3:] == [
        "| alice | approver | working | 0/2 | 1 Mar 2020 | 60 | 1 | 1 Feb 2021 | yes | yes | no |",
        "| bob | reviewer | ready | 1/1 | no |  | 2 | 15 Jul 2020 | yes | no | no |",
        "| dora | no activity seen yet |  |  | no |  | 0 | none | no | no | no |",
    ]


def test_cohort_csv_file_from_the_extension(capsys, database, tmp_path):
    target = tmp_path / "cohort.csv"
    code, out, err = run(capsys, "report", "cohort", "API-Reviewers", "-o", str(target), *database)
    assert (code, out) == (0, "")
    assert err == f"wrote Cohort api-reviewers (csv) to {target}"
    rows = list(csv.reader(io.StringIO(target.read_text())))
    assert rows[0][:5] == ["Mentee", "Working toward", "State", "Requirements met", "Graduated"]
    assert rows[1:] == [
        ["alice", "approver", "working", "0/2", "1 Mar 2020", "60", "1", "1 Feb 2021", "yes", "yes", "no"],
        ["bob", "reviewer", "ready", "1/1", "no", "", "2", "15 Jul 2020", "yes", "no", "no"],
        ["dora", "no activity seen yet", "", "", "no", "", "0", "none", "no", "no", "no"],
    ]


def test_cohort_json_and_future_term(capsys, database):
    code, out, _ = run(capsys, "report", "cohort", "web-members", "--format", "json", *database)
    data = json.loads(out)
    assert code == 0
    assert (data["graduated"], data["graduation_rate"], data["days_to_graduate_median"]) == (0, 0.0, None)
    assert data["retention"]["3"] == {"date": "2099-09-30", "known": False, "active": None, "rate": None}
    assert [m["active_after"] for m in data["mentees"]] == [{"3": None, "6": None, "12": None}]
    code, out, _ = run(capsys, "report", "cohort", "web-members", *database)
    assert "- **Active 3 months after the term (30 Sep 2099):** not yet known" in out.splitlines()
    assert "- **Time to graduate:** nobody has graduated yet" in out.splitlines()


def test_cohort_html_has_bars(capsys, database):
    code, out, _ = run(capsys, "report", "cohort", "api-reviewers", "--format", "html", *database)
    assert code == 0
    assert out.startswith("<!doctype html>")
    assert out.count('role="progressbar" aria-valuenow="1" aria-valuemin="0" aria-valuemax="1"') == 1
    assert "<dt>Graduation rate</dt><dd>1 of 3 (33%)</dd>" in out
    # the cohort page's charts: the funnel, cumulative activity over the term (bob's PR of 10 Feb 2020; the
    # reviews after the term are not drawn), each mentee's progress per requirement
    assert re.findall(r'<svg class="chart (\w+)"', out) == ["funnel", "activity", "progress", "progress"]
    assert re.findall(r'data-stage="(\w+)" data-count="(\d+)"', out) == [
        ("working", "3"),
        ("ready", "2"),
        ("promoted", "1"),
    ]
    assert re.findall(r'<g class="series" data-label="(\w+)" data-total="(\d+)" data-points="([^"]*)">', out) == [
        ("alice", "0", ""),
        ("bob", "1", "2020-02-10:1"),
        ("dora", "0", ""),
    ]
    assert re.findall(r'<g class="requirement" data-label="[^"]*" data-have="(\d+)" data-need="(\d+)"', out) == [
        ("10", "92"),
        ("4", "10"),
        ("5", "5"),
    ]


def test_person_report(capsys, database):
    code, out, _ = run(capsys, "report", "person", "bob", *database)
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "# @&#8203;bob"  # a login is shown, never a mention: the report may be pasted on GitHub
    assert "- **Activity:** 1 pull requests opened, 1 reviews, 0 review comments, 0 comments, 0 issues opened" in lines
    assert (
        "| reviewer | acme/api | ready | Sponsored by 1 approver |  | people decide | for people to confirm |" in lines
    )
    assert "| 4 Feb 2020 | api-reviewers | [comment](https://github.com/acme/community/issues/7#c1) |" in lines
    assert "| planned | comment on acme/community#7 | dry-run: recorded, not sent |" in lines
    assert "| failed | comment on acme/api#4 | error: 404 Not Found: issue 4 is gone |" in lines
    code, out, _ = run(capsys, "report", "person", "bob", "--format", "json", *database)
    data = json.loads(out)
    assert sorted(e["status"] for e in data["effects"]) == ["done", "failed", "pending", "planned"]
    assert len(data["checkins"]) == 2


def test_org_report(capsys, database):
    code, out, _ = run(capsys, "report", "org", "ACME", *database)
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "# acme"
    assert "- **Evaluations:** 1 working, 1 ready, 0 approved, 1 promoted" in lines
    assert "- **Writes to GitHub:** 1 done, 1 pending, 1 planned, 1 failed" in lines
    assert (
        "| api-reviewers | reviewer in acme/api | 1 Jan 2020 to 31 Mar 2020 | 3 | 1 of 3 (33%) | "
        "60 days (median; alice 60 days) |"
    ) in lines
    assert (
        "| alice | reviewer | acme/api | promoted | [acme/community#11](https://github.com/acme/community/issues/11)"
        " | 1 Feb 2020 | 1 Mar 2020 |"
    ) in lines
    code, out, _ = run(capsys, "report", "org", "acme", "--format", "csv", *database)
    assert out.splitlines() == [
        "Person,Level,Scope,State,Requirements met,Evaluated",
        "alice,approver,acme/api,working,0/2,2 May 2020",
        "alice,reviewer,acme/api,promoted,1/1,2 May 2020",
        "bob,reviewer,acme/api,ready,1/1,2 May 2020",
    ]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["report", "cohort", "nope"], "ladder: no cohort called 'nope' in the stored configurations"),
        (["report", "person", "zed"], "ladder: no one with the login 'zed' is known to Ladder"),
        (["report", "org", "globex"], "ladder: no organisation called 'globex' is known to Ladder"),
    ],
)
def test_unknown_names_are_one_line_and_exit_2(capsys, database, argv, message):
    code, out, err = run(capsys, *argv, *database)
    assert (code, out, err) == (2, "", message)


def test_missing_database(capsys, tmp_path):
    code, _, err = run(capsys, "report", "org", "acme", "--database", str(tmp_path / "none.db"))
    assert (code, err) == (2, f"ladder: no database at {tmp_path / 'none.db'} (set DATABASE_PATH or pass --database)")


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31)), st.integers(min_value=0, max_value=48))
def test_add_months_lands_in_the_right_month(start, months):
    later = add_months(start, months)
    assert (later.year * 12 + later.month) - (start.year * 12 + start.month) == months
    assert later.day == min(start.day, calendar.monthrange(later.year, later.month)[1])


def test_reports_on_the_demo(capsys, demo_database, monkeypatch):
    from app.store import open_database

    db = open_database(demo_database, read_only=True)
    try:
        report = cohort_report(db, "widgets-controller-reviewers", now=datetime(2028, 1, 1, tzinfo=timezone.utc))
    finally:
        db.close()
    assert report.data["graduated"] == 1 and report.data["mentees"][0]["login"] == "alice"
    # The demo's history ends weeks before the term does: nobody is active after it.
    assert report.data["retention"]["3"]["active"] == 0
    for kind, name in (("cohort", "widgets-controller-reviewers"), ("person", "alice"), ("org", "sample-org")):
        for fmt in ("md", "html", "csv", "json"):
            code, out, err = run(capsys, "report", kind, name, "--format", fmt, *cli_args(demo_database, monkeypatch))
            assert (code, err) == (0, ""), (kind, fmt)
            assert out.strip()
    code, out, _ = run(
        capsys, "report", "cohort", "widgets-controller-reviewers", *cli_args(demo_database, monkeypatch)
    )
    assert "- **Graduation rate:** 1 of 3 (33%)" in out.splitlines()


def hand_promotions(path) -> None:
    """On the hand-built database: dora added by hand to acme/api's OWNERS as a reviewer on 20 Apr 2020
    (after the term: it counts), alice's OWNERS entry from Ladder's own promotion (the same day as its
    readiness row: counted once, as Ladder's), and bob made a reviewer of another repository (outside the
    cohort's scope: not a graduation)."""
    from tests.stores import insert_rows, open_test_database

    db = open_test_database(path)
    entry = {"org": "acme", "level": "reviewer", "updated_at": "2020-05-01T00:00:00Z"}
    insert_rows(
        db,
        "holdings",
        [
            {**entry, "login": "dora", "person_id": 3, "scope": "acme/api", "since": "2020-04-20T10:00:00Z",
             "source": "OWNERS acme/api:OWNERS"},
            {**entry, "login": "alice", "person_id": 1, "scope": "acme/api", "since": "2020-03-01T11:58:00Z",
             "source": "OWNERS acme/api:OWNERS"},
            {**entry, "login": "bob", "person_id": 2, "scope": "acme/web", "since": "2020-02-20T00:00:00Z",
             "source": "OWNERS acme/web:OWNERS"},
        ],
    )  # fmt: skip


def test_outcomes_count_a_promotion_made_by_hand(capsys, tmp_path, monkeypatch):
    path = build(tmp_path / "ladder.db")
    hand_promotions(path)
    database = cli_database(path, monkeypatch)
    code, out, err = run(capsys, "report", "cohort", "api-reviewers", *database)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[7:9] == [
        "- **Graduation rate:** 2 of 3 (67%), 1 promoted by hand",
        "- **Time to graduate:** 85 days (median; alice 60 days, dora 110 days by hand)",
    ]
    assert lines[9:12] == [  # retention is as before: counted activity after the term
        "- **Active 3 months after the term (30 Jun 2020):** 2 of 3 (67%)",
        "- **Active 6 months after the term (30 Sep 2020):** 1 of 3 (33%)",
        "- **Active 12 months after the term (31 Mar 2021):** 0 of 3 (0%)",
    ]
    assert lines[-3:] == [
        "| alice | approver | working | 0/2 | 1 Mar 2020 | 60 | 1 | 1 Feb 2021 | yes | yes | no |",
        "| bob | reviewer | ready | 1/1 | no |  | 2 | 15 Jul 2020 | yes | no | no |",
        "| dora | no activity seen yet |  |  | 20 Apr 2020 (by hand) | 110 | 0 | none | no | no | no |",
    ]
    code, out, _ = run(capsys, "report", "cohort", "api-reviewers", "--format", "json", *database)
    data = json.loads(out)
    assert (data["graduated"], data["graduated_by_hand"], data["days_to_graduate_median"]) == (2, 1, 85)
    assert [(m["login"], m["promoted_how"], m["days_to_graduate"]) for m in data["mentees"]] == [
        ("alice", "ladder", 60),
        ("bob", None, None),
        ("dora", "by hand", 110),
    ]
    code, out, _ = run(capsys, "report", "cohort", "api-reviewers", "--format", "html", *database)
    assert re.findall(r'data-stage="(\w+)" data-count="(\d+)"', out) == [
        ("working", "3"),
        ("ready", "3"),
        ("promoted", "2"),
    ]


def test_a_hand_promotion_still_counts_after_the_entry_ended(capsys, tmp_path, monkeypatch):
    """dora was added to acme/api's OWNERS by hand after the term, then taken off again (made emeritus):
    she graduated all the same, by hand, 110 days after the start."""
    from tests.stores import insert_rows, open_test_database

    path = build(tmp_path / "ladder.db")
    hand_promotions(path)
    db = open_test_database(path)
    db.execute("DELETE FROM holdings WHERE login = 'dora'")
    insert_rows(
        db,
        "holding_ends",
        [{"org": "acme", "login": "dora", "person_id": 3, "level": "reviewer", "scope": "acme/api",
          "since": "2020-04-20T10:00:00Z", "source": "OWNERS acme/api:OWNERS", "ended_at": "2020-09-01T00:00:00Z"}],
    )  # fmt: skip
    code, out, err = run(capsys, "report", "cohort", "api-reviewers", *cli_database(path, monkeypatch))
    assert (code, err) == (0, "")
    assert out.splitlines()[7:9] == [
        "- **Graduation rate:** 2 of 3 (67%), 1 promoted by hand",
        "- **Time to graduate:** 85 days (median; alice 60 days, dora 110 days by hand)",
    ]
