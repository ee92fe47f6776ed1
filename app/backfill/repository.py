"""Importing one repository's pull requests, page by page, each page stored with its cursor.

Pages come most recently updated first, so the import stops at the first pull request older than the
job's `since`. Each page's facts (with its review comments) and the job's new cursor are written in one
transaction: a run stopped at any point continues after the last stored page, and a page read twice is
stored once (upserts by id).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from app.backfill import jobs, queries
from app.backfill.budget import Budget
from app.backfill.importer import ImportStats, write_page
from app.store.database import Database

log = logging.getLogger("ladder.backfill")

ONE_POINT = 149  # the most requests (here: review threads) a query can ask for and still cost one point


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

    db: Database
    gh: Any
    budget: Budget
    page_size: int | None = None
    stats: ImportStats = field(default_factory=ImportStats)
    on_page: Callable[[PageReport], None] | None = None
    now: Callable[[], str] = jobs.now_iso

    async def run(self, job: jobs.Job) -> int:
        """Import one job to its end; the number of pull requests stored.

        A page is stored (with its cursor) only once the inline comments of all its review threads are
        read. Threads are read 149 to the point, so a page's threads may wait for the next page's: the
        pages wait with them, in order, and a run stopped meanwhile reads those pages again."""
        jobs.mark_started(self.db, job.repo_id, self.now())
        document = queries.pull_requests_query(job.paths)
        first = self.page_size or queries.best_page_size(queries.inner_connections(job.paths))
        after, stored = job.cursor, 0
        waiting: list[_Page] = []  # read, not yet stored, oldest first
        threads: list[tuple[_Page, dict, str]] = []  # (page, pull request node, thread id) still to read
        spent = self.budget.used
        while True:
            data = await self._query(document, job, first=first, after=after)
            repository = data.get("repository")
            if repository is None:
                raise RepositoryNotFound(f"{job.full_name} is not visible to installation {job.installation_id}")
            connection = repository["pullRequests"]
            nodes = [n for n in connection["nodes"] if n is not None]
            in_range = [n for n in nodes if (n.get("updatedAt") or "") >= job.since]
            finished = len(in_range) < len(nodes) or not connection["pageInfo"]["hasNextPage"]
            after = connection["pageInfo"]["endCursor"] or after
            page = _Page(in_range, after, finished, await self._complete(job, in_range))
            for node in in_range:
                for thread_id in node.pop("_threads"):
                    threads.append((page, node, thread_id))
                    page.open_threads += 1
            waiting.append(page)
            while len(threads) >= ONE_POINT or (finished and threads):
                batch, threads = threads[:ONE_POINT], threads[ONE_POINT:]
                await self._read_threads(job, batch)
            while waiting and waiting[0].open_threads == 0:
                page = waiting.pop(0)
                self._store(job, page, points=self.budget.used - spent)
                spent = self.budget.used
                stored += len(page.nodes)
                if self.on_page is not None:
                    self.on_page(
                        PageReport(
                            job.full_name,
                            len(page.nodes),
                            page.nodes[-1]["updatedAt"] if page.nodes else None,
                            job.since,
                            page.finished,
                        )
                    )
            if finished:
                return stored

    def _store(self, job: jobs.Job, page: "_Page", *, points: int) -> None:
        """Write one page's facts and the job's new cursor in one transaction."""
        now = self.now()
        with self.db.transaction():
            write_page(self.db, page.nodes, job.repo_id, now=now, paths=page.paths, stats=self.stats)
            jobs.record_page(
                self.db,
                job.repo_id,
                cursor=page.cursor,
                pull_requests=len(page.nodes),
                points=points,
                oldest_seen=page.nodes[-1]["updatedAt"] if page.nodes else None,
                finished=page.finished,
                now=now,
            )

    async def _query(self, document: str, job: jobs.Job, **variables: Any) -> dict:
        return await self.budget.query(self.gh, document, owner=job.owner, name=job.name, **variables)

    # ------------------------------------------------------------------ follow-ups
    async def _complete(self, job: jobs.Job, nodes: list[dict]) -> dict[int, list[str]] | None:
        """Fetch what the page left out (inner connections beyond their first page) and sort each
        timeline into `reviews`, `comments` and `_threads` (the ids whose inline comments are to read)."""
        for node in nodes:
            await self._rest_of(job, node, "labels", queries.MORE_LABELS)
            await self._rest_of(job, node, "timelineItems", queries.MORE_TIMELINE)
            if job.paths:
                await self._rest_of(job, node, "files", queries.MORE_FILES)
            _split_timeline(node)
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

    async def _read_threads(self, job: jobs.Job, batch: list[tuple["_Page", dict, str]]) -> None:
        """Read the inline comments of up to 149 threads (one point) and file each under its review."""
        data = await self.budget.query(
            self.gh,
            queries.thread_comments_query(len(batch)),
            **queries.thread_comments_variables([t for _, _, t in batch]),
        )
        for i, (page, node, thread_id) in enumerate(batch):
            thread = data.get(f"t{i}")
            if thread is not None:
                comments = thread["comments"]
                found = list(comments["nodes"])
                while comments["pageInfo"]["hasNextPage"]:
                    more = await self.budget.query(
                        self.gh, queries.MORE_THREAD_COMMENTS, thread=thread_id, after=comments["pageInfo"]["endCursor"]
                    )
                    comments = (more.get("node") or {}).get("comments") or {
                        "nodes": [],
                        "pageInfo": {"hasNextPage": False},
                    }
                    found.extend(comments["nodes"])
                _file_review_comments(node, found)
            else:
                log.warning(
                    "%s#%s: review thread %s is gone; its comments are left to the next pass",
                    job.full_name,
                    node["number"],
                    thread_id,
                )
            page.open_threads -= 1


@dataclass
class _Page:
    """A page of pull requests read and completed, waiting for its review threads before it is stored."""

    nodes: list[dict]
    cursor: str | None
    finished: bool
    paths: dict[int, list[str]] | None
    open_threads: int = 0


def _split_timeline(node: dict) -> None:
    """Sort a pull request's timeline into the `reviews` and `comments` lists the importer reads."""
    items = [i for i in node.pop("timelineItems")["nodes"] if i is not None]
    reviews = [dict(i, comments={"nodes": []}) for i in items if i["__typename"] == "PullRequestReview"]
    node["reviews"] = {"nodes": reviews}
    node["comments"] = {"nodes": [i for i in items if i["__typename"] == "IssueComment"]}
    node["_threads"] = [i["id"] for i in items if i["__typename"] == "PullRequestReviewThread"]


def _file_review_comments(node: dict, comments: list[dict]) -> None:
    """Put each inline comment under the review it was written in (a thread's replies are other reviews')."""
    reviews = {r["databaseId"]: r for r in node["reviews"]["nodes"]}
    for comment in comments:
        if comment is None:
            continue
        review = reviews.get((comment.get("pullRequestReview") or {}).get("databaseId"))
        if review is not None:  # a comment of a review not in the timeline (pending) is not counted
            review["comments"]["nodes"].append(comment)
