"""The outbox sender: a background service that brings GitHub to each planned effect's desired state.

For each due effect it looks on GitHub for the effect's marker before creating anything (a restart, a
redelivery, a second process or a write whose answer was lost then finds what is already there), writes
what differs, and stores the ids of what it wrote so the next edit goes straight to it. Writes wait on
the `Pacer`; failures are retried per GitHub's advice and kept as `failed` when the tries run out.
Without a GitHub client (dry-run) due effects are recorded as `planned` with their requests.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import logging
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import gidgethub

from app.github import GitHubRetryLater, retry_advice
from app.runtime.polling import PollingService, cancel, describe
from app.store.database import Database

from . import store
from .effects import add_section, count_sections, has_marker, pull_body, with_marker
from .pacing import Pacer, RetryTiming
from .store import Entry

log = logging.getLogger("ladder.outbox")

FileEditor = Callable[[str, dict[str, Any]], str]
_EDITORS: dict[str, FileEditor] = {}


def register_file_editor(name: str, editor: FileEditor) -> None:
    """Make `editor(text, edit) -> new_text` available to FileChange effects naming `name`.

    It gets the file's current text on the app's branch ("" when the file does not exist there) and the
    effect's `edit`; it must return the same text when the change is already made."""
    _EDITORS[name] = editor


class PermanentFailure(Exception):
    """Trying again cannot help (no editor, the editor refused the file)."""


_SECRETS = re.compile(r"\b(gh[pousr]_[A-Za-z0-9_]{10,}|eyJ[\w-]+\.[\w-]+\.[\w-]+|(?:token|bearer)\s+\S+)", re.I)


def describe_error(exc: BaseException) -> str:
    """A one-line error for the effect row, logs and /healthz, with anything token-like removed."""
    if isinstance(exc, GitHubRetryLater):
        path = urlsplit(exc.url).path
        code = f" ({exc.status})" if exc.status else ""
        text = f"{exc.method} {path}: {exc.reason}{code}"
    elif isinstance(exc, gidgethub.HTTPException):
        text = f"GitHub answered {int(exc.status_code)}: {exc}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    text = text.replace("\n", " ")
    return _SECRETS.sub("[redacted]", text)[:2000]


def _status(exc: BaseException) -> int | None:
    code = getattr(exc, "status_code", None) or getattr(exc, "status", None)
    return int(code) if code else None


class OutboxSender(PollingService):
    """A supervised polling service (app/server/polling.py). `drain()` sends everything due, in order,
    for the CLI and tests; the running service sends for several installations at once but for each
    installation one effect at a time (keeping its effects in order and its pace)."""

    name = "outbox"

    def __init__(
        self,
        db: Database,
        github: Any,
        settings: Any = None,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        pacer: Pacer | None = None,
        max_attempts: int = 12,
        retry: RetryTiming | None = None,
        concurrency: int = 4,
        idle_wait: float = 1.0,
        bot_login: str | None = None,
    ) -> None:
        super().__init__(idle_wait=idle_wait)
        self.db = db
        self.github = github
        self.settings = settings
        self.clock = clock
        self.pacer = pacer or Pacer(clock=clock, sleep=sleep)
        self.max_attempts = max_attempts
        self.retry = retry or RetryTiming()
        self.concurrency = concurrency
        self.bot_login = bot_login
        self.outcomes: Counter[tuple[str, str]] = Counter()  # (kind, done|retry|failed|planned) -> count
        self._busy: dict[int, asyncio.Task] = {}

    @property
    def dry_run(self) -> bool:
        return self.github is None

    # ------------------------------------------------------------------ service
    async def prepare(self) -> None:
        released = store.release_leases(self.db)
        if released:
            log.info("outbox: resuming %d effects left in progress by an earlier run", released)

    async def cleanup(self) -> None:
        for task in list(self._busy.values()):
            await cancel(task)
        self._busy.clear()

    def details(self) -> dict:
        return {"dry_run": self.dry_run}

    def metrics_lines(self) -> list[str]:
        lines = [
            "# HELP ladder_outbox_attempts_total Send attempts by effect kind and outcome.",
            "# TYPE ladder_outbox_attempts_total counter",
        ]
        lines += [
            f'ladder_outbox_attempts_total{{kind="{k}",outcome="{o}"}} {n}'
            for (k, o), n in sorted(dict(self.outcomes).items())
        ]
        lines += [
            "# HELP ladder_outbox_pacing_seconds_total Seconds writes waited to stay within GitHub's limits.",
            "# TYPE ladder_outbox_pacing_seconds_total counter",
            f"ladder_outbox_pacing_seconds_total {round(self.pacer.waited, 3)}",
        ]
        return lines

    async def step(self) -> bool:
        started = False
        while len(self._busy) < self.concurrency:
            entry = store.lease_next(self.db, now=self.clock(), skip_installations=self._busy)
            if entry is None:
                break
            slot = entry.installation_id if entry.installation_id is not None else -1
            task = asyncio.create_task(self._send_logged(entry), name=f"ladder-outbox-{entry.id}")
            self._busy[slot] = task
            task.add_done_callback(lambda _t, slot=slot: (self._busy.pop(slot, None), self.wakeup.set()))
            started = True
        return started

    async def _send_logged(self, entry: Entry) -> None:
        try:
            await self.send(entry)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the store itself failed: the lease runs out and the effect is tried again
            log.error("outbox: could not record the attempt at %s: %s", entry.key, describe(error))

    def seconds_until_due(self) -> float:
        due = store.next_due(self.db)
        if due is None:
            return self.idle_wait
        return min(self.idle_wait, max(0.01, due - self.clock()))

    async def drain(self) -> int:
        """Send every effect that is due now, one at a time; return how many were attempted."""
        handled = 0
        while (entry := store.lease_next(self.db, now=self.clock())) is not None:
            await self.send(entry)
            handled += 1
        return handled

    # ------------------------------------------------------------------ one effect
    async def send(self, entry: Entry) -> str:
        """One attempt at one leased effect; returns its status afterwards."""
        if self.dry_run:
            store.mark_planned(self.db, entry, now=self.clock())
            self.outcomes[(entry.kind, "planned")] += 1
            return store.PLANNED
        try:
            result = await self._apply(entry)
        except asyncio.CancelledError:
            raise
        except PermanentFailure as exc:
            return self._fail(entry, describe_error(exc))
        except Exception as exc:
            retryable, delay = self._retry_advice(exc, entry.attempts)
            error = describe_error(exc)
            if not retryable:
                return self._fail(entry, error)
            status = store.mark_retry(self.db, entry, error, delay, max_attempts=self.max_attempts, now=self.clock())
            self.outcomes[(entry.kind, "failed" if status == store.FAILED else "retry")] += 1
            if status == store.FAILED:
                log.error("outbox: %s failed after %d attempts: %s", entry.key, entry.attempts, error)
            else:
                log.warning(
                    "outbox: %s attempt %d failed (%s); next in %.0f s", entry.key, entry.attempts, error, delay
                )
            return status
        if store.mark_done(self.db, entry, result, now=self.clock()):
            self.outcomes[(entry.kind, "done")] += 1
            return store.DONE
        return store.PENDING  # newer content arrived while sending; it goes out next

    def _fail(self, entry: Entry, error: str) -> str:
        store.mark_failed(self.db, entry, error, now=self.clock())
        self.outcomes[(entry.kind, "failed")] += 1
        log.error("outbox: %s failed: %s", entry.key, error)
        return store.FAILED

    def _retry_advice(self, exc: BaseException, attempts: int) -> tuple[bool, float]:
        """(worth another try, seconds to wait). A rate limit waits what GitHub asked (retry-after, else
        the reset, else a back-off from a minute); a passing fault (5xx, a timeout, a dropped connection,
        a moved branch) comes back after a few seconds, growing (RetryTiming); 404, 422 … fail at once."""
        status = _status(exc)
        transient = self.retry.transient(attempts)
        if isinstance(exc, GitHubRetryLater):
            # The client computed a rate limit's wait from GitHub's headers; a 5xx or timeout is a passing fault.
            return True, exc.retry_after if status in (403, 429) else transient
        if isinstance(exc, (asyncio.TimeoutError, aiohttp.ClientError)):
            return True, transient
        advice = retry_advice(exc)
        if advice.retryable:
            if status in (403, 429):
                return True, advice.delay if advice.delay is not None else self.retry.rate_limited(attempts)
            return True, transient
        if status == 409:  # the branch moved under us: read it again
            return True, transient
        if isinstance(exc, gidgethub.HTTPException):
            return False, 0.0  # 404, 422, ...: GitHub will say the same again
        return True, transient  # anything else (a bug, a closed connection): try again, then fail

    async def _apply(self, entry: Entry) -> dict[str, Any]:
        installation_id = entry.installation_id or await self._installation_for(entry.repo)
        gh = await self.github.for_installation(installation_id)
        session = _Session(gh, installation_id, self.pacer)
        kind = entry.kind
        if kind in ("comment", "reply"):
            return await self._comment(session, entry)
        if kind == "reaction":
            return await self._reaction(session, entry)
        if kind == "issue":
            return await self._issue(session, entry)
        if kind == "pull_request":
            return await self._pull_request(session, entry)
        raise PermanentFailure(f"unknown effect kind {kind!r}")

    async def _installation_for(self, repo: str) -> int:
        """The installation on the repository's owner (an App has at most one per account)."""
        owner = repo.split("/", 1)[0].lower()
        async for item in self.github.app_api().getiter("/app/installations{?per_page}", {"per_page": 100}):
            if ((item.get("account") or {}).get("login") or "").lower() == owner:
                store.set_installation(self.db, repo, item["id"])
                return int(item["id"])
        raise PermanentFailure(f"the App is not installed on {owner}")

    async def _bot(self) -> str:
        """The App's bot login (`<slug>[bot]`): what it writes is authored by it."""
        if self.bot_login is None:
            app = await self.github.app_api().getitem("/app")
            self.bot_login = f"{app['slug']}[bot]"
        return self.bot_login

    def _mine(self, item: dict, bot: str) -> bool:
        return ((item.get("user") or {}).get("login") or "").lower() == bot.lower()

    # ------------------------------------------------------------------ comments and replies
    async def _comment(self, s: "_Session", entry: Entry) -> dict[str, Any]:
        c, key = entry.content, entry.key
        repo, number = c["repo"], c["number"]
        body = with_marker(c["body"], key)
        found = None
        known = (entry.result or {}).get("comment_id")
        if known:
            found = await s.get_or_none("/repos/{+repo}/issues/comments/{id}", {"repo": repo, "id": known})
        if found is None:
            bot = await self._bot()
            async for item in s.pages(
                "/repos/{+repo}/issues/{number}/comments{?per_page,page}", {"repo": repo, "number": number}
            ):
                if self._mine(item, bot) and has_marker(item.get("body"), key):
                    found = item
                    break
        if found is None:
            found = await s.write(
                "POST", "/repos/{+repo}/issues/{number}/comments", {"repo": repo, "number": number}, {"body": body}
            )
        elif found.get("body") != body and entry.kind == "comment":
            found = await s.write(
                "PATCH", "/repos/{+repo}/issues/comments/{id}", {"repo": repo, "id": found["id"]}, {"body": body}
            )
        return {"comment_id": found["id"], "url": found.get("html_url")}

    # ------------------------------------------------------------------ reactions
    async def _reaction(self, s: "_Session", entry: Entry) -> dict[str, Any]:
        c = entry.content
        found = await s.write(
            "POST",
            "/repos/{+repo}/issues/comments/{id}/reactions",
            {"repo": c["repo"], "id": c["comment_id"]},
            {"content": c["emoji"]},
        )  # 200 when the App's reaction is there already: nothing is added twice
        return {"reaction_id": found["id"]}

    # ------------------------------------------------------------------ issues
    async def _issue(self, s: "_Session", entry: Entry) -> dict[str, Any]:
        c, key = entry.content, entry.key
        repo = c["repo"]
        found = None
        known = (entry.result or {}).get("number")
        if known:
            found = await s.get_or_none("/repos/{+repo}/issues/{number}", {"repo": repo, "number": known})
        if found is None:
            bot = await self._bot()
            async for item in s.pages(
                "/repos/{+repo}/issues{?state,creator,sort,direction,per_page,page}",
                {"repo": repo, "state": "all", "creator": bot, "sort": "created", "direction": "asc"},
            ):
                if "pull_request" not in item and has_marker(item.get("body"), key):
                    found = item
                    break
        body = with_marker(c["body"], key)
        if found is None:
            if c["state"] == "closed":
                return {"number": None, "note": "nothing to close: the issue was never opened"}
            found = await s.write(
                "POST",
                "/repos/{+repo}/issues",
                {"repo": repo},
                {"title": c["title"], "body": body, "labels": c["labels"]},
            )
            store.save_result(
                self.db, entry, {"number": found["number"], "url": found.get("html_url")}, now=self.clock()
            )
        change: dict[str, Any] = {}
        if found.get("title") != c["title"]:
            change["title"] = c["title"]
        if found.get("body") != body:
            change["body"] = body
        have = [label["name"] if isinstance(label, dict) else label for label in found.get("labels") or []]
        if any(label not in have for label in c["labels"]):
            change["labels"] = have + [label for label in c["labels"] if label not in have]  # keep people's labels
        if found.get("state") != c["state"]:
            change["state"] = c["state"]
            if c.get("state_reason"):
                change["state_reason"] = c["state_reason"]
        if change:
            found = await s.write(
                "PATCH", "/repos/{+repo}/issues/{number}", {"repo": repo, "number": found["number"]}, change
            )
        return {"number": found["number"], "url": found.get("html_url")}

    # ------------------------------------------------------------------ the file-change pull request
    async def _pull_request(self, s: "_Session", entry: Entry) -> dict[str, Any]:
        c, key = entry.content, entry.key
        repo, path, branch = c["repo"], c["path"], c["branch"]
        owner = repo.split("/", 1)[0]
        editor = _EDITORS.get(c["editor"])
        if editor is None:
            raise PermanentFailure(f"no file editor registered as {c['editor']!r}")
        base = (await s.gh.getitem("/repos/{+repo}", {"repo": repo}))["default_branch"]
        base_sha = (await s.gh.getitem("/repos/{+repo}/git/ref/{+ref}", {"repo": repo, "ref": f"heads/{base}"}))[
            "object"
        ]["sha"]
        pull = await self._find_pull(s, repo, owner, branch, "open")
        ref = await s.get_or_none("/repos/{+repo}/git/ref/{+ref}", {"repo": repo, "ref": f"heads/{branch}"})
        if ref is None:
            await s.write(
                "POST",
                "/repos/{+repo}/git/refs",
                {"repo": repo},
                {"ref": f"refs/heads/{branch}", "sha": base_sha},
                ok={422},
            )  # 422: made meanwhile
            head_sha = base_sha
        else:
            head_sha = ref["object"]["sha"]
            if pull is None and head_sha != base_sha and await self._find_pull(s, repo, owner, branch, "closed"):
                # The branch is left from a merged or closed pull request: start again from the default branch.
                await s.write(
                    "PATCH",
                    "/repos/{+repo}/git/refs/{+ref}",
                    {"repo": repo, "ref": f"heads/{branch}"},
                    {"sha": base_sha, "force": True},
                )
                head_sha = base_sha

        current = await s.get_or_none(
            "/repos/{+repo}/contents/{+path}{?ref}", {"repo": repo, "path": path, "ref": branch}
        )
        if current is not None and (isinstance(current, list) or current.get("type") != "file"):
            raise PermanentFailure(f"{repo}:{path} is not a file")
        text = base64.b64decode(current["content"]).decode("utf-8") if current else ""
        try:
            new_text = editor(text, c["edit"])
        except Exception as exc:
            raise PermanentFailure(f"editor {c['editor']!r} could not change {repo}:{path}: {exc}") from exc
        result: dict[str, Any] = {"branch": branch}
        if new_text != text:
            data = {
                "message": c["commit_message"],
                "branch": branch,
                "content": base64.b64encode(new_text.encode("utf-8")).decode("ascii"),
            }
            if current:
                data["sha"] = current["sha"]
            written = await s.write("PUT", "/repos/{+repo}/contents/{+path}", {"repo": repo, "path": path}, data)
            result["commit"] = written["commit"]["sha"]
            head_sha = written["commit"]["sha"]

        if pull is None:
            if head_sha == base_sha:
                return result | {"number": None, "note": f"{path} already had this change on {base}"}
            pull = await s.write(
                "POST",
                "/repos/{+repo}/pulls",
                {"repo": repo},
                {"title": c["title"], "head": branch, "base": base, "body": pull_body([(key, c["body"])], branch)},
                ok={422},
            )
            if pull is None or "number" not in pull:  # 422: one exists already (made by another try)
                pull = await self._find_pull(s, repo, owner, branch, "open")
                if pull is None:
                    raise PermanentFailure(f"GitHub refused a pull request from {branch} into {base}")
        new_body = add_section(pull.get("body"), key, c["body"], branch)
        count = count_sections(new_body)
        title = c["title"] if count <= 1 else c["gathered_title"].format(count=count, path=path)
        change = {k: v for k, v in (("title", title), ("body", new_body)) if pull.get(k) != v}
        if change:
            pull = await s.write(
                "PATCH", "/repos/{+repo}/pulls/{number}", {"repo": repo, "number": pull["number"]}, change
            )
        return result | {"number": pull["number"], "url": pull.get("html_url")}

    async def _find_pull(self, s: "_Session", repo: str, owner: str, branch: str, state: str) -> dict | None:
        async for item in s.pages(
            "/repos/{+repo}/pulls{?state,head,per_page,page}",
            {"repo": repo, "state": state, "head": f"{owner}:{branch}"},
        ):
            if (item.get("head") or {}).get("ref") == branch:
                return item
        return None


class _Session:
    """One effect's conversation with GitHub: reads as they are, writes paced per installation."""

    def __init__(self, gh: Any, installation_id: int, pacer: Pacer) -> None:
        self.gh = gh
        self.installation_id = installation_id
        self.pacer = pacer

    async def pages(self, url: str, url_vars: dict, per_page: int = 100) -> AsyncIterator[dict]:
        """Every item of a list, asking for each page by number until a short page.

        Not gidgethub's `getiter`: it follows the `Link` header, and the ETag cache keeps that header
        with the page, so a first page that did not change (a 304) would come back with the old "no
        next page" and a marker on a newer page would be missed."""
        for page in itertools.count(1):
            items = await self.gh.getitem(url, {**url_vars, "per_page": per_page, "page": page})
            for item in items:
                yield item
            if len(items) < per_page:
                return

    async def get_or_none(self, url: str, url_vars: dict) -> Any:
        try:
            return await self.gh.getitem(url, url_vars)
        except gidgethub.BadRequest as exc:
            if _status(exc) in (404, 410):
                return None
            raise

    async def write(self, method: str, url: str, url_vars: dict, data: Any, *, ok: set[int] = frozenset()) -> Any:
        """Send one write after the pacer allows it. Statuses in `ok` return None instead of raising."""
        await self.pacer.wait(self.installation_id, method)
        send = {"POST": self.gh.post, "PATCH": self.gh.patch, "PUT": self.gh.put}[method]
        try:
            return await send(url, url_vars, data=data)
        except gidgethub.BadRequest as exc:
            if _status(exc) in ok:
                return None
            raise
