"""Importing one repository's pull requests, page by page, each page stored with its cursor.

Pages come most recently updated first, so the import stops at the first pull request older than the
job's `since`. Each page's facts and the job's new cursor are written in one transaction: a run stopped
at any point continues after the last stored page, and a page read twice is stored once (upserts by id).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable

import sqlite_utils

from app.backfill import jobs, queries
from app.backfill.budget import Budget
from app.backfill.importer import ImportStats, write_page
from app.backfill.queries import MAX_PAGE, ReviewSlice

log = logging.getLogger("ladder.backfill")

ONE_POINT = 149  # the most requests a query can ask for and still cost one point


class RepositoryNotFound(Exception):
    pass


@dataclass
class PageReport:
    """What the progress display hears after every stored page."""

    full_name: str
    pull_requests: int
    oldest_seen: str | None
    since: str
    finished: bool


@dataclass
class Importer:
    """Imports jobs for one installation's GitHub API with one budget."""

    db: sqlite_utils.Database
    gh: Any
    budget: Budget
    page_size: int | None = None
    stats: ImportStats = field(default_factory=ImportStats)
    on_page: Callable[[PageReport], None] | None = None
    now: Callable[[], str] = jobs.now_iso

    async def run(self, job: jobs.Job) -> int:
        """Import one job to its end; the number of pull requests stored."""
        jobs.mark_started(self.db, job.repo_id, self.now())
        document = queries.pull_requests_query(job.paths)
        first = self.page_size or queries.best_page_size(queries.inner_connections(job.paths))
        after, stored = job.cursor, 0
        while True:
            spent_before = self.budget.used
            data = await self._query(document, job, first=first, after=after)
            repository = data.get("repository")
            if repository is None:
                raise RepositoryNotFound(f"{job.full_name} is not visible to installation {job.installation_id}")
            connection = repository["pullRequests"]
            nodes = [n for n in connection["nodes"] if n is not None]
            in_range = [n for n in nodes if (n.get("updatedAt") or "") >= job.since]
            finished = len(in_range) < len(nodes) or not connection["pageInfo"]["hasNextPage"]
            paths = await self._complete(job, in_range)
            now = self.now()
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                write_page(conn, in_range, job.repo_id, now=now, paths=paths, stats=self.stats)
                jobs.record_page(
                    conn, job.repo_id, cursor=connection["pageInfo"]["endCursor"] or after,
                    pull_requests=len(in_range), points=self.budget.used - spent_before,
                    oldest_seen=in_range[-1]["updatedAt"] if in_range else None, finished=finished, now=now,
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            stored += len(in_range)
            after = connection["pageInfo"]["endCursor"] or after
            if self.on_page is not None:
                self.on_page(PageReport(job.full_name, len(in_range),
                                        in_range[-1]["updatedAt"] if in_range else None, job.since, finished))
            if finished:
                return stored

    async def _query(self, document: str, job: jobs.Job, **variables: Any) -> dict:
        return await self.budget.query(self.gh, document, owner=job.owner, name=job.name, **variables)

    # ------------------------------------------------------------------ follow-ups
    async def _complete(self, job: jobs.Job, nodes: list[dict]) -> dict[int, list[str]] | None:
        """Fetch what the page left out: inner connections beyond their first page, and review comments."""
        for node in nodes:
            for name, document in (("labels", queries.MORE_LABELS), ("comments", queries.MORE_COMMENTS)):
                await self._rest_of(job, node, name, document)
            if job.paths:
                await self._rest_of(job, node, "files", queries.MORE_FILES)
        await self._reviews_with_comments(job, [n for n in nodes if (n["reviews"].get("totalCount") or 0) > 0])
        if not job.paths:
            return None
        return {int(n["databaseId"]): [f["path"] for f in n["files"]["nodes"]] for n in nodes}

    async def _rest_of(self, job: jobs.Job, node: dict, name: str, document: str) -> None:
        connection = node[name]
        while connection["pageInfo"]["hasNextPage"]:
            data = await self._query(document, job, number=node["number"], after=connection["pageInfo"]["endCursor"])
            more = data["repository"]["pullRequest"][name]
            connection["nodes"].extend(more["nodes"])
            connection["pageInfo"] = more["pageInfo"]

    async def _reviews_with_comments(self, job: jobs.Job, nodes: list[dict]) -> None:
        """Replace each node's reviews with all its reviews and their inline comments.

        Asked for in batches of pull requests, each with its own review count as the page size, packed
        so that a batch costs one point."""
        by_number = {int(n["number"]): n for n in nodes}
        collected: dict[int, list[dict]] = {number: [] for number in by_number}
        pending = [ReviewSlice(number, min(n["reviews"]["totalCount"], MAX_PAGE)) for number, n in by_number.items()]
        while pending:
            batch, pending = _pack(pending)
            data = await self._query(queries.review_comments_query(len(batch)), job,
                                     **queries.review_comments_variables(batch))
            repository = data["repository"]
            for i, piece in enumerate(batch):
                pull = repository.get(f"p{i}")
                if pull is None:
                    continue
                reviews = pull["reviews"]
                before = piece.after
                for edge in reviews["edges"]:
                    review = edge["node"]
                    await self._rest_of_review(job, piece.number, review, before)
                    collected[piece.number].append(review)
                    before = edge["cursor"]
                if reviews["pageInfo"]["hasNextPage"]:
                    left = by_number[piece.number]["reviews"]["totalCount"] - len(collected[piece.number])
                    pending.append(ReviewSlice(piece.number, max(1, min(left, MAX_PAGE)),
                                               reviews["pageInfo"]["endCursor"]))
        for number, reviews in collected.items():
            by_number[number]["reviews"] = {"totalCount": len(reviews), "nodes": reviews,
                                            "pageInfo": {"hasNextPage": False, "endCursor": None}}

    async def _rest_of_review(self, job: jobs.Job, number: int, review: dict, before: str | None) -> None:
        comments = review["comments"]
        while comments["pageInfo"]["hasNextPage"]:
            data = await self._query(queries.MORE_REVIEW_COMMENTS, job, number=number, before=before,
                                     after=comments["pageInfo"]["endCursor"])
            found = data["repository"]["pullRequest"]["reviews"]["nodes"]
            if not found or found[0]["databaseId"] != review["databaseId"]:
                log.warning("%s#%d: review %s moved while its comments were read; the rest is left to the next pass",
                            job.full_name, number, review["databaseId"])
                return
            more = found[0]["comments"]
            comments["nodes"].extend(more["nodes"])
            comments["pageInfo"] = more["pageInfo"]


def _pack(slices: list[ReviewSlice]) -> tuple[list[ReviewSlice], list[ReviewSlice]]:
    """The longest prefix that costs one point (at least one slice), and the rest."""
    total, cut = 0, 0
    for piece in slices:
        cost = 1 + piece.first
        if cut and total + cost > ONE_POINT:
            break
        total += cost
        cut += 1
    return slices[:cut], slices[cut:]
