"""A small hand-built database for the read side (`ladder status`, `ladder report`): one organisation,
a cohort of three mentees whose term ended in 2020 (so retention is known), and one of each outbox
status for bob. Every number the tests assert is written here."""

from __future__ import annotations

import json
from pathlib import Path

from app.config.schema import Cohort, OrgConfig
from app.outbox import Comment, Issue, plan
from tests.stores import insert_rows, open_test_database

ORG = "acme"
COHORT = {
    "name": "api-reviewers",
    "target": "reviewer",
    "scope": {"repo": "api"},
    "start": "2020-01-01",
    "end": "2020-03-31",
    "mentors": ["maya"],
    "mentees": ["alice", "bob", "dora"],
    "tracking_issue": 7,
    "checkin_day": "tuesday",
}
LATER_COHORT = {
    "name": "web-members",
    "target": "member",
    "start": "2099-01-01",
    "end": "2099-06-30",
    "mentors": ["maya"],
    "mentees": ["bob"],
}


def config_text(cohorts: list[dict], *, dry_run: bool = False, ladder: str = "kubernetes") -> str:
    """An organisation's configuration as the service stores it (`app.config.loader.store_config`)."""
    config = OrgConfig(ladder=ladder, dry_run=dry_run, cohorts=tuple(Cohort.from_dict(c) for c in cohorts))
    return json.dumps({"sources": [], "config": config.to_dict(), "errors": [], "warnings": [], "ladder_file": None})


def requirement(name, kind, description, have, need, met, met_on=None):
    return {
        "name": name,
        "kind": kind,
        "description": description,
        "have": have,
        "need": need,
        "met": met,
        "evidence": [],
        "met_on": met_on,
    }


def evaluation(person_id, login, level, scope, state, children, checklist=()):
    return {
        "person_id": person_id,
        "login": login,
        "ladder": "kubernetes",
        "level": level,
        "scope": scope,
        "evaluated_at": "2020-05-02T10:00:00+00:00",
        "state": state,
        "requirements": {
            "name": "all",
            "kind": "all",
            "description": f"{level} in {scope}",
            "have": 0,
            "need": len(children),
            "met": all(c["met"] for c in children),
            "evidence": [],
            "met_on": None,
            "children": list(children),
        },
        "checklist": [{"id": f"c{i}", "text": t} for i, t in enumerate(checklist)],
        "sponsors": [],
        "decision": None,
        "roster": None,
    }


def build(path: Path) -> Path:
    db = open_test_database(path)
    insert_rows(
        db,
        "people",
        [
            {"id": 1, "login": "alice", "type": "User"},
            {"id": 2, "login": "bob", "type": "User"},
            {"id": 3, "login": "dora", "type": "User"},
        ],
    )
    insert_rows(
        db,
        "org_configs",
        [
            {
                "org": ORG,
                "installation_id": 9,
                "source": "acme/.github:.github/ladder.yml",
                "text": config_text([COHORT, LATER_COHORT], dry_run=True),
                "loaded_at": "2020-05-01T00:00:00Z",
            }
        ],
    )
    insert_rows(
        db, "repositories", [{"id": 50, "installation_id": 9, "full_name": "acme/api", "owner": ORG, "name": "api"}]
    )
    alice_reviewer = evaluation(
        1,
        "alice",
        "reviewer",
        "acme/api",
        "ready",  # promoted: the readiness row says so (evaluations keep numbers)
        [requirement("prs", "count", "Reviewed at least 5 PRs to acme/api", 6, 5, True)],
    )
    alice_approver = evaluation(
        1,
        "alice",
        "approver",
        "acme/api",
        "working",
        [
            {
                **requirement("tenure", "tenure", "Reviewer for 3 months", 10, 92, False, "2020-07-22T00:00:00+00:00"),
                "since": "2020-04-21T00:00:00+00:00",
                "of_level": "reviewer",
                "span": "3 months",
            },
            requirement("prs", "count", "Primary reviewer for at least 10 PRs to acme/api", 4, 10, False),
        ],
        checklist=["Knowledgeable about the codebase"],
    )
    bob_reviewer = evaluation(
        2,
        "bob",
        "reviewer",
        "acme/api",
        "ready",
        [
            requirement("prs", "count", "Reviewed at least 5 PRs to acme/api", 5, 5, True),
            requirement("sponsors", "sponsors", "Sponsored by 1 approver", None, None, None),
        ],
    )
    for e in (alice_reviewer, alice_approver, bob_reviewer):
        insert_rows(
            db,
            "evaluations",
            [
                {
                    "person_id": e["person_id"],
                    "org": ORG,
                    "level": e["level"],
                    "scope": e["scope"],
                    "ladder": "kubernetes",
                    "state": e["state"],
                    "result": json.dumps(e),
                    "evaluated_at": e["evaluated_at"],
                }
            ],
        )
    insert_rows(
        db,
        "readiness",
        [
            {
                "person_id": 1,
                "login": "alice",
                "org": ORG,
                "level": "reviewer",
                "scope": "acme/api",
                "key": "readiness:1:reviewer:acme_api",
                "community_repo": "acme/community",
                "issue_number": 11,
                "status": "promoted",
                "opened_at": "2020-02-01T00:00:00Z",
                "approved_by": "maya",
                "pull_request_url": "https://github.com/acme/api/pull/40",
                "promoted_at": "2020-03-01T12:00:00Z",
            },
            {
                "person_id": 2,
                "login": "bob",
                "org": ORG,
                "level": "reviewer",
                "scope": "acme/api",
                "key": "readiness:2:reviewer:acme_api",
                "community_repo": "acme/community",
                "issue_number": None,
                "status": "open",
                "opened_at": "2020-05-02T10:00:00Z",
            },
        ],
    )
    # Activity: alice reviews until 2021-02-01 (active 3 and 6 months after 31 Mar 2020, not 12);
    # bob's last act is 2020-07-15 (active at 3 months only); dora did nothing.
    insert_rows(
        db,
        "reviews",
        [
            {
                "id": 901,
                "repo_id": 50,
                "pr_number": 1,
                "reviewer_id": 1,
                "state": "APPROVED",
                "submitted_at": "2021-02-01T09:00:00Z",
                "html_url": "https://github.com/acme/api/pull/1#r901",
            },
            {
                "id": 902,
                "repo_id": 50,
                "pr_number": 2,
                "reviewer_id": 2,
                "state": "COMMENTED",
                "submitted_at": "2020-07-15T09:00:00Z",
                "html_url": "https://github.com/acme/api/pull/2#r902",
            },
        ],
    )
    insert_rows(
        db,
        "pull_requests",
        [
            {
                "id": 700,
                "repo_id": 50,
                "number": 3,
                "author_id": 2,
                "title": "Fix",
                "created_at": "2020-02-10T00:00:00Z",
                "state": "open",
            },
            # the pull requests alice and bob reviewed (by an author who left no account behind)
            {
                "id": 701,
                "repo_id": 50,
                "number": 1,
                "title": "Docs",
                "created_at": "2021-01-20T00:00:00Z",
                "state": "open",
            },
            {
                "id": 702,
                "repo_id": 50,
                "number": 2,
                "title": "Docs",
                "created_at": "2020-07-01T00:00:00Z",
                "state": "open",
            },
        ],
    )
    insert_rows(
        db,
        "checkins",
        [
            {
                "comment_id": 1,
                "org": ORG,
                "cohort": "api-reviewers",
                "person_id": 2,
                "login": "bob",
                "at": "2020-02-04T00:00:00Z",
                "body": "did things",
                "url": "https://github.com/acme/community/issues/7#c1",
            },
            {
                "comment_id": 2,
                "org": ORG,
                "cohort": "api-reviewers",
                "person_id": 2,
                "login": "bob",
                "at": "2020-02-11T00:00:00Z",
                "body": "more",
                "url": "https://github.com/acme/community/issues/7#c2",
            },
            {
                "comment_id": 3,
                "org": ORG,
                "cohort": "api-reviewers",
                "person_id": 1,
                "login": "alice",
                "at": "2020-02-11T00:00:00Z",
                "body": "hi",
                "url": None,
            },
        ],
    )
    # bob's writes: one planned (dry-run), one pending, one done, one failed.
    plan(
        db,
        Comment(
            name="progress:acme:api-reviewers:2", repo="acme/community", number=7, body="progress", person_id=2, org=ORG
        ),
        dry_run=True,
        now=1000.0,
    )
    plan(
        db,
        Issue(
            name="readiness:2:reviewer:acme_api",
            repo="acme/community",
            title="bob is ready for reviewer in acme/api",
            body="evidence",
            person_id=2,
            org=ORG,
        ),
        now=1001.0,
    )
    plan(db, Comment(name="hello:2", repo="acme/api", number=3, body="hi", person_id=2, org=ORG), now=1002.0)
    plan(db, Comment(name="thanks:2", repo="acme/api", number=4, body="thanks", person_id=2, org=ORG), now=1003.0)
    db.execute(
        "UPDATE outbox SET status = 'done', result = ? WHERE key = 'hello:2'",
        [json.dumps({"comment_id": 5, "url": "https://github.com/acme/api/issues/3#issuecomment-5"})],
    )
    db.execute(
        "UPDATE outbox SET status = 'failed', attempts = 8, last_error = '404 Not Found: issue 4 is gone'"
        " WHERE key = 'thanks:2'"
    )
    db.execute("UPDATE outbox SET attempts = 2 WHERE key = 'readiness:2:reviewer:acme_api'")
    db.close()
    return path
