"""Issue 13, matching on the read side: `ladder cohort plan NAME` on the demo's database (read only), the
same plan in the cohort report and on the dashboard, and the sign-ups and waitlist shown there."""

from __future__ import annotations

import json

from app.cli import main
from app.demo import mentoring_sample, sample
from app.store import open_database
from reports.cohort import cohort_report
from reports.dashboard import dashboard_html
from tests.stores import cli_args


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err.strip()


def test_cohort_plan_prints_a_mentor_per_mentee_with_reasons(capsys, demo_database, monkeypatch):
    code, out, err = run(capsys, "cohort", "plan", mentoring_sample.COHORT, *cli_args(demo_database, monkeypatch))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith(
        f"Proposed mentors for cohort {mentoring_sample.COHORT} ({sample.ORG}): at most 1 mentee per mentor"
    )
    # dev-wen took dev-priya's place; omar reviews where dev-tomas works, sam has no activity to share.
    assert lines[2].startswith("  dev-tomas → omar (score ")
    assert lines[3].startswith(f"      {sample.ORG}/widgets/pkg/controller: omar reviewed ")
    assert "  dev-wen → sam (score 0)" in lines
    assert lines[-1] == "    mentees: [dev-tomas, dev-wen]   # dev-tomas: omar; dev-wen: sam"
    assert "Hungarian method" in out

    code, out, _ = run(
        capsys, "cohort", "plan", sample.COHORT, "--format", "json", *cli_args(demo_database, monkeypatch)
    )
    plan = json.loads(out)
    assert [(p["mentee"], p["mentor"]) for p in plan["pairings"]] == [
        ("alice", "omar"),
        ("bob", "lena"),
        ("carol", "omar"),
    ]
    assert plan["mentees_per_mentor"] == 3 and plan["total_score"] == sum(p["score"] for p in plan["pairings"])

    code, out, err = run(capsys, "cohort", "plan", "nobody-here", *cli_args(demo_database, monkeypatch))
    assert (code, out, err) == (2, "", "ladder: no cohort called 'nobody-here' in the stored configurations")


def test_the_report_and_the_dashboard_show_sign_ups_the_waitlist_and_the_plan(demo_database):
    db = open_database(demo_database, read_only=True)
    try:
        report = cohort_report(db, mentoring_sample.COHORT)
        page = dashboard_html(db, web="https://github.com")
    finally:
        db.close()
    assert [m["login"] for m in report.data["mentees"]] == ["dev-tomas", "dev-wen"]
    assert report.data["cohort"]["waitlist"] == ["mallory"]
    assert dict(report.summary)["Sign-up"].endswith("2 enrolled, 2 of 2 places taken, waitlist: mallory")
    assert [(p["mentee"], p["mentor"]) for p in report.data["mentor_plan"]["pairings"]] == [
        ("dev-tomas", "omar"),
        ("dev-wen", "sam"),
    ]
    assert [t.title.split(" (")[0] for t in report.tables] == ["Mentees", "Proposed mentors"]
    assert '<li data-login="dev-tomas">@dev-tomas → omar: ' in page
    assert "Waitlist: 1. @mallory" in page
