"""Reading the ledger into `ladder_rules.facts.Facts`: the evaluator's whole input, for one organisation.

Reviews and comments join their pull request on (repository, number), so a review stored before its pull
request counts as soon as the pull request is known. Bots are never people here.

The facts of a large ledger stay in memory for as long as the worker is active, so text that repeats
from row to row — repository names, review states, changed paths — is interned: every row read refers
to one string instead of its own copy (for a million rows, tens of MB; docs/benchmarks.md).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from sys import intern

from app.store import people
from app.store.database import Database
from app.store.holdings import by_login as holdings_by_login
from app.store.holdings import parse_time
from ladder_rules import facts as f
from ladder_rules.facts import (
    Contribution,
    Facts,
    Holding,
    Person,
    PullRequestFacts,
    PullRequestSignal,
    Repository,
)

_ORG_REPOS = "repo_id IN (SELECT id FROM repositories WHERE lower(owner) = lower(?))"


def _signals(
    db: Database, where: str, params: list, number_column: str = "pr_number"
) -> dict[tuple[int, int], list[PullRequestSignal]]:
    """Review signals of the pull requests `where` selects (a condition on repo_id and the PR number)."""
    by_pr: dict[tuple[int, int], list[PullRequestSignal]] = defaultdict(list)
    for repo_id, number, person, at, state, url in db.query(
        f"SELECT repo_id, pr_number, reviewer_id, submitted_at, state, html_url FROM reviews"
        f" WHERE {where.format(number='pr_number')} AND reviewer_id IS NOT NULL AND submitted_at IS NOT NULL",
        params,
    ):
        by_pr[(repo_id, number)].append(
            PullRequestSignal(person, parse_time(at), f.REVIEW, url or "", state and intern(state))
        )
    for repo_id, number, person, at, url in db.query(
        f"SELECT repo_id, pr_number, author_id, created_at, html_url FROM review_comments"
        f" WHERE {where.format(number='pr_number')} AND author_id IS NOT NULL AND deleted_at IS NULL",
        params,
    ):
        by_pr[(repo_id, number)].append(PullRequestSignal(person, parse_time(at), f.REVIEW_COMMENT, url or ""))
    for repo_id, number, person, at, url, lgtm, approve in db.query(
        f"SELECT repo_id, issue_number, author_id, created_at, html_url, lgtm, approve FROM issue_comments"
        f" WHERE {where.format(number='issue_number')} AND is_pull_request = 1 AND author_id IS NOT NULL",
        params,
    ):
        at_time, url = parse_time(at), url or ""
        if lgtm:
            by_pr[(repo_id, number)].append(
                PullRequestSignal(person, at_time, f.LGTM if lgtm > 0 else f.LGTM_CANCEL, url)
            )
        if approve:
            by_pr[(repo_id, number)].append(
                PullRequestSignal(person, at_time, f.APPROVE if approve > 0 else f.APPROVE_CANCEL, url)
            )
        if not lgtm and not approve:
            by_pr[(repo_id, number)].append(PullRequestSignal(person, at_time, f.COMMENT, url))
    for signals in by_pr.values():
        signals.sort(key=lambda s: s.at)
    return by_pr


_PR_COLUMNS = (
    "p.id, p.repo_id, r.full_name, p.number, p.html_url, p.author_id, p.created_at, p.merged_at,"
    " p.additions, p.deletions, p.labels"
)


def _pull_request(row, paths: list[str] | None, signals: list[PullRequestSignal]) -> PullRequestFacts:
    pr_id, _, full_name, number, url, author, created, merged, additions, deletions, labels = row
    return PullRequestFacts(
        id=pr_id,
        repo=intern(full_name),
        number=number,
        url=url or "",
        author_id=author,
        created_at=parse_time(created),
        merged_at=parse_time(merged),
        additions=additions or 0,
        deletions=deletions or 0,
        labels=tuple(json.loads(labels)) if labels else (),
        paths=tuple(sorted(paths)) if paths is not None else None,
        signals=tuple(signals),
    )


def load_pull_request(db: Database, repo_id: int, number: int) -> PullRequestFacts | None:
    """One pull request with its signals, as `load_facts` would read it (for incremental updates)."""
    row = db.one(
        f"SELECT {_PR_COLUMNS} FROM pull_requests p JOIN repositories r ON r.id = p.repo_id"
        " WHERE p.repo_id = ? AND p.number = ? AND p.created_at IS NOT NULL",
        [repo_id, number],
    )
    if row is None:
        return None
    paths = [path for (path,) in db.query("SELECT path FROM pull_request_files WHERE pr_id = ?", [row[0]])]
    signals = _signals(db, "repo_id = ? AND {number} = ?", [repo_id, number])
    return _pull_request(row, paths or None, signals.get((repo_id, number), []))


def load_facts(
    db: Database,
    org: str,
    *,
    member_level: str | None = "member",
    review_acts_as_lgtm: frozenset[str] = frozenset(),
) -> Facts:
    """Everything the ledger knows about one organisation.

    `member_level` names the ladder level that organisation membership is (None: membership is not a level).
    """
    facts = Facts()
    repos = {
        repo_id: (full_name, created)
        for repo_id, full_name, created in db.query(
            "SELECT id, full_name, created_at FROM repositories WHERE lower(owner) = lower(?)", [org]
        )
    }
    for full_name, created in repos.values():
        facts.repositories[full_name.lower()] = Repository(
            full_name, parse_time(created), full_name.lower() in review_acts_as_lgtm
        )

    files: dict[int, list[str]] = defaultdict(list)
    for pr_id, path in db.query(
        "SELECT pr_id, path FROM pull_request_files WHERE pr_id IN (SELECT p.id FROM pull_requests p"
        " JOIN repositories r ON r.id = p.repo_id WHERE lower(r.owner) = lower(?))",
        [org],
    ):
        files[pr_id].append(intern(path))

    signals = _signals(db, _ORG_REPOS, [org])
    for row in db.query(
        f"SELECT {_PR_COLUMNS} FROM pull_requests p JOIN repositories r ON r.id = p.repo_id"
        " WHERE lower(r.owner) = lower(?) AND p.created_at IS NOT NULL",
        [org],
    ):
        pr_id, repo_id, number = row[0], row[1], row[3]
        facts.pull_requests[pr_id] = _pull_request(row, files.get(pr_id), signals.get((repo_id, number), []))

    issues = _contributions(db, org, repos, _ISSUES)
    comments = _contributions(db, org, repos, _COMMENTS)

    ids = people.ids_by_login(db)
    holdings: dict[int, list[Holding]] = {}
    for key, (_, held) in holdings_by_login(db, org, member_level=member_level).items():
        if key in ids:
            holdings[ids[key]] = held

    active: set[int] = set()
    for pr in facts.pull_requests.values():
        if pr.author_id is not None:
            active.add(pr.author_id)
        active.update(s.person_id for s in pr.signals)
    known = active | holdings.keys() | issues.keys() | comments.keys()
    for person_id, login, company in db.query(
        "SELECT id, login, company FROM people WHERE coalesce(type, 'User') != 'Bot'"
    ):
        if person_id in known:
            facts.people[person_id] = Person(
                id=person_id,
                login=login,
                company=company,
                holdings=tuple(holdings.get(person_id, ())),
                issues=tuple(issues.get(person_id, ())),
                comments=tuple(comments.get(person_id, ())),
            )
    return facts


_ISSUES = (
    "SELECT author_id, repo_id, number, created_at, html_url FROM issues"
    " WHERE is_pull_request = 0 AND created_at IS NOT NULL"
)
_COMMENTS = (
    "SELECT author_id, repo_id, issue_number, created_at, html_url"
    " FROM issue_comments WHERE is_pull_request = 0 AND deleted_at IS NULL"
)


def _contributions(
    db: Database, org: str, repos: dict, select: str, author_id: int | None = None
) -> dict[int, list[Contribution]]:
    """Issues or comments of the organisation by author (or of `author_id` alone); `select` yields
    (author, repo, number, at, url)."""
    out: dict[int, list[Contribution]] = defaultdict(list)
    one, params = ("", [org]) if author_id is None else (" AND author_id = ?", [org, author_id])
    for author, repo_id, number, created, url in db.query(
        f"{select} AND author_id IS NOT NULL AND {_ORG_REPOS}{one}", params
    ):
        out[author].append(Contribution(repos[repo_id][0], number, parse_time(created), url or ""))
    return out


def load_person(db: Database, org: str, person_id: int, *, member_level: str | None = "member") -> Person | None:
    """One person's record as `load_facts` reads it — login, company, holdings, issues and comments in the
    organisation — to bring a cached index up to date when they are new or their issues or comments changed.
    None for a bot or an account the ledger does not know."""
    found = list(
        db.query("SELECT login, company FROM people WHERE id = ? AND coalesce(type, 'User') != 'Bot'", [person_id])
    )
    if not found:
        return None
    login, company = found[0]
    repos = {
        repo_id: (full_name, None)
        for repo_id, full_name in db.query(
            "SELECT id, full_name FROM repositories WHERE lower(owner) = lower(?)", [org]
        )
    }
    _, held = holdings_by_login(db, org, member_level=member_level, login=login).get(login.lower(), ("", []))
    return Person(
        id=person_id,
        login=login,
        company=company,
        holdings=tuple(held),
        issues=tuple(_contributions(db, org, repos, _ISSUES, person_id).get(person_id, ())),
        comments=tuple(_contributions(db, org, repos, _COMMENTS, person_id).get(person_id, ())),
    )


# --- open pull requests, for "what to review next" ------------------------------------------------------


@dataclass(frozen=True)
class OpenPullRequest:
    facts: PullRequestFacts
    title: str  # user text: escape before writing it anywhere


def open_pull_requests(db: Database, org: str) -> list[OpenPullRequest]:
    """The organisation's open, non-draft pull requests the ledger knows (deliveries and history import),
    with their signals: no call to GitHub."""
    rows = db.query(
        f"SELECT {_PR_COLUMNS}, p.title FROM pull_requests p JOIN repositories r ON r.id = p.repo_id"
        " WHERE lower(r.owner) = lower(?) AND p.created_at IS NOT NULL AND p.state = 'open'"
        " AND p.merged_at IS NULL AND p.closed_at IS NULL AND coalesce(p.draft, 0) = 0",
        [org],
    )
    if not rows:
        return []
    files: dict[int, list[str]] = defaultdict(list)
    for pr_id, path in db.query(
        "SELECT f.pr_id, f.path FROM pull_request_files f JOIN pull_requests p ON p.id = f.pr_id"
        " JOIN repositories r ON r.id = p.repo_id WHERE lower(r.owner) = lower(?) AND p.state = 'open'",
        [org],
    ):
        files[pr_id].append(intern(path))
    # Signals of pull requests whose number is open in some repository of the organisation; the pairs are
    # matched below (a number open in one repository may be closed in another).
    signals = _signals(
        db,
        _ORG_REPOS + " AND {number} IN (SELECT number FROM pull_requests WHERE state = 'open')",
        [org],
    )
    out = []
    for row in rows:
        pr_id, repo_id, number = row[0], row[1], row[3]
        out.append(
            OpenPullRequest(
                _pull_request(row[:-1], files.get(pr_id), signals.get((repo_id, number), [])), row[-1] or ""
            )
        )
    return out


@dataclass(frozen=True)
class Item:
    """A pull request or issue as the ledger knows it (for a mentor's pin)."""

    repo: str
    number: int
    title: str  # user text
    url: str
    is_pull_request: bool
    open: bool


def item(db: Database, repo: str, number: int) -> Item | None:
    """The pull request or issue `repo#number`, or None when the ledger has not seen it."""
    row = db.one(
        "SELECT r.full_name, p.number, p.title, p.html_url, p.state, p.merged_at FROM pull_requests p"
        " JOIN repositories r ON r.id = p.repo_id WHERE lower(r.full_name) = lower(?) AND p.number = ?",
        [repo, number],
    )
    if row is not None:
        full, n, title, url, state, merged = row
        return Item(full, n, title or "", url or "", True, state == "open" and not merged)
    row = db.one(
        "SELECT r.full_name, i.number, i.title, i.html_url, i.state, i.is_pull_request FROM issues i"
        " JOIN repositories r ON r.id = i.repo_id WHERE lower(r.full_name) = lower(?) AND i.number = ?",
        [repo, number],
    )
    if row is None:
        return None
    full, n, title, url, state, is_pr = row
    return Item(full, n, title or "", url or "", bool(is_pr), state == "open")
