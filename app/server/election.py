"""Which process is the active worker: of every process that can process on one database (each
`ladder serve`, each `ladder work`), exactly one at a time.

A thread of its own (with its own connection) takes part, so a busy event loop never delays it:
every `every` seconds it tries to become the leader (standing by) or confirms that it still is, and
writes this process's heartbeat — with the services' health when it is active (app/store/workers.py has
the SQL). PostgreSQL: a session-level advisory lock on a dedicated connection, held for the worker's life
and released by the server when the process dies. SQLite: a lease row renewed every `every` seconds and
running out `ttl` seconds after the last renewal.

The guarantees, and how:
- Never two at work. A leader may start work only until `ttl - every` seconds after the start of its last
  successful renewal (`may_work()`), while a SQLite lease runs out only `ttl` after it. On PostgreSQL the
  lock of a leader whose connection died is free at once, so a new leader waits until the last active
  worker's heartbeat is `ttl` old before it starts. Either way, a worker known to be dead (the same host,
  its process gone) is not waited for. And a delivery's `done` mark names the worker that leased it.
- A takeover within 30 s of the active worker dying: standbys try every `every` (2 s) seconds and the
  wait is at most `ttl` (10 s).
- The services' in-memory state (the evaluation indexes) belongs to one term of leadership: `term`
  changes whenever leadership was not held without a break, and the processing side then starts afresh.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.runtime.polling import describe
from app.store import open_database, workers
from app.store.database import Database

log = logging.getLogger("ladder.election")

TTL = 10.0  # seconds a renewal keeps the leadership
EVERY = 2.0  # seconds between renewals (and between a standby's tries)
SILENT_ROWS = 3600.0  # heartbeats older than this are removed


@dataclass(frozen=True)
class Identity:
    """This process, as the election and the queue's leases name it."""

    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)
    token: str = field(default_factory=lambda: secrets.token_hex(4))
    started_at: float = field(default_factory=time.time)

    @property
    def id(self) -> str:
        return f"{self.host}:{self.pid}:{self.token}"

    def dead(self, other: str) -> bool:
        """True when `other` (an id) is a process on this host that no longer runs. A pid reused by
        another process looks alive: then the lease simply runs out."""
        host, _, rest = other.partition(":")
        pid_text, _, token = rest.partition(":")
        if host != self.host or not pid_text.isdigit() or other == self.id:
            return False
        pid = int(pid_text)
        if pid == self.pid:
            return True  # an earlier process with our pid (a restarted container's pid 1)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False  # it exists (another user's)
        return False


class Election:
    def __init__(
        self,
        database: str | Path,
        identity: Identity | None = None,
        *,
        ttl: float = TTL,
        every: float = EVERY,
        snapshot: Callable[[], dict | None] = lambda: None,
        on_change: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.database = database
        self.identity = identity or Identity()
        self.ttl = ttl
        self.every = every
        self.snapshot = snapshot  # the services' health, for the active worker's heartbeat
        self.on_change = on_change  # leadership or term changed (called from the election's thread)
        self.clock = clock
        self.leader = False
        self.term = 0
        self.active_since: float | None = None
        self.last_error: str | None = None
        self._valid_until = 0.0
        self._cleaned_at = 0.0
        self._db: Database | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- what the processing side asks ----------------------------------------------------------------------
    def may_work(self) -> bool:
        """This process is the active worker, and its leadership was confirmed recently enough."""
        return self.leader and self.clock() < self._valid_until

    @property
    def paused(self) -> bool:
        """Leader, but its renewal is overdue (the database does not answer): no new work is started."""
        return self.leader and not self.may_work()

    def start(self) -> None:
        """The first try now (blocking: a process alone is active when this returns), then the thread."""
        self.round()
        self._thread = threading.Thread(target=self._run, name="ladder-election", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop taking part (blocking): a leader lets go at once, so a standby takes over at its next try."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        db, self._db = self._db, None
        if db is None:
            return
        try:
            workers.leave(db, self.identity.id)
            if self.leader and not db.dialect.session_locks:
                workers.drop_lease(db, self.identity.id)
        except Exception as error:  # the lease runs out by itself
            log.warning("could not step down cleanly: %s", describe(error))
        finally:
            db.close()  # PostgreSQL: closing the session releases the advisory lock
            if self.leader:
                log.info("this process stopped being the worker (%s)", self.identity.id)
            self.leader = False
            self.active_since = None

    # --- the thread -------------------------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.round()

    def round(self) -> None:
        """One try (or renewal), and this process's heartbeat."""
        began = self.clock()
        try:
            if self._db is None:
                self._db = open_database(self.database, migrate_schema=False, durable=False, dedicated=True)
            db = self._db
            if db.dialect.session_locks:
                held, kept = workers.hold_lock(db)
                # Holding the lock, it waits for an active worker that may not know yet that it lost it.
                active = held and self._predecessor_gone(db, began)
                continuous = active and kept and self.leader
            else:
                held, kept = workers.hold_lease(db, self.identity.id, now=began, ttl=self.ttl, dead=self.identity.dead)
                active = held
                continuous = held and kept and self.leader
            if active and not continuous:
                self.active_since = began
            workers.beat(
                db,
                self.identity.id,
                host=self.identity.host,
                pid=self.identity.pid,
                started_at=self.identity.started_at,
                now=began,
                active_since=self.active_since if active else None,
                services=self._snapshot() if active else None,
            )
            if active and began - self._cleaned_at > SILENT_ROWS / 6:  # now and then, not every round
                workers.forget_silent(db, before=began - SILENT_ROWS)
                self._cleaned_at = began
        except Exception as error:
            self._failed(error)
            if self._db is not None and self._db.dialect.session_locks:
                # The session may be gone, and the lock with it: let go, and try afresh next round.
                self._close_quietly()
                self._set(False, new_term=False)
            return  # SQLite: the lease is still ours until it runs out; `may_work` lapses before that
        if self.last_error is not None:
            log.warning("the worker election works again")
            self.last_error = None
        if active:
            self._valid_until = began + self.ttl - self.every
        self._set(active, new_term=active and not continuous)

    def _predecessor_gone(self, db: Database, now: float) -> bool:
        last = workers.active(db)
        if last is None or last.id == self.identity.id or self.identity.dead(last.id):
            return True
        return now - last.beat_at >= self.ttl

    def _snapshot(self) -> dict | None:
        try:
            return self.snapshot()
        except Exception as error:  # the heartbeat still goes out, without the services' details
            log.warning("could not read the services' health: %s", describe(error))
            return None

    def _set(self, leader: bool, *, new_term: bool) -> None:
        changed = leader != self.leader or new_term
        if leader and not self.leader:
            log.info("this process is the active worker (%s)", self.identity.id)
        elif self.leader and not leader:
            log.warning("this process is no longer the active worker (%s)", self.identity.id)
            self.active_since = None
        if new_term:
            self.term += 1
        self.leader = leader
        if changed:
            try:
                self.on_change()
            except Exception:
                log.exception("reacting to the election failed")

    def _failed(self, error: Exception) -> None:
        text = describe(error)
        if text != self.last_error:
            log.error("the worker election failed: %s; trying again every %.0f s", text, self.every)
        self.last_error = text

    def _close_quietly(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            try:
                db.close()
            except Exception:
                pass
