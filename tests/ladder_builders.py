"""Hand-built facts for the ladder tests: people, pull requests and their review signals, on exact dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ladder_rules.facts import (
    Contribution,
    Facts,
    Holding,
    Person,
    PullRequestFacts,
    PullRequestSignal,
    Repository,
    Scope,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def day(n: float) -> datetime:
    """`n` days after 2026-01-01 00:00 UTC."""
    return T0 + timedelta(days=n)


class FactsBuilder:
    def __init__(self) -> None:
        self.facts = Facts()
        self._next_pr = 1000

    def repo(self, full_name: str, created_at: datetime | None = None, review_acts_as_lgtm: bool = False) -> None:
        self.facts.repositories[full_name.lower()] = Repository(full_name, created_at, review_acts_as_lgtm)

    def person(
        self,
        pid: int,
        login: str,
        company: str | None = None,
        holdings: tuple[tuple[str, Scope, datetime | None], ...] = (),
        issues: tuple[tuple[str, datetime], ...] = (),
        comments: tuple[tuple[str, datetime], ...] = (),
    ) -> Person:
        person = Person(
            pid,
            login,
            company,
            tuple(Holding(level, scope, since) for level, scope, since in holdings),
            tuple(
                Contribution(repo, 100 + i, at, f"https://github.com/{repo}/issues/{100 + i}")
                for i, (repo, at) in enumerate(issues)
            ),
            tuple(
                Contribution(repo, 200 + i, at, f"https://github.com/{repo}/issues/{200 + i}#issuecomment-{pid}{i}")
                for i, (repo, at) in enumerate(comments)
            ),
        )
        self.facts.people[pid] = person
        return person

    def pr(
        self,
        author: int | None,
        created: datetime,
        merged: datetime | None = None,
        repo: str = "kubernetes/kubernetes",
        lines: int = 100,
        paths: tuple[str, ...] | None = ("pkg/controller/job.go",),
        labels: tuple[str, ...] = (),
        signals: tuple[tuple, ...] = (),
    ) -> PullRequestFacts:
        """`signals` are (person id, kind, at[, review state])."""
        self._next_pr += 1
        number = self._next_pr
        url = f"https://github.com/{repo}/pull/{number}"
        sigs = tuple(
            PullRequestSignal(s[0], s[2], s[1], f"{url}#{s[1]}-{s[0]}-{i}", s[3] if len(s) > 3 else None)
            for i, s in enumerate(sorted(signals, key=lambda s: s[2]))
        )
        pr = PullRequestFacts(number, repo, number, url, author, created, merged, lines, 0, labels, paths, sigs)
        self.facts.pull_requests[pr.id] = pr
        return pr
