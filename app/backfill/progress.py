"""The command line's view of an import: a progress line on stderr, then a summary.

On a terminal the line is redrawn in place; elsewhere (CI logs, pipes) one plain line is written per
repository finished. The ETA counts finished repositories plus how far back the current one has got
between now and its `since`.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from typing import Callable, TextIO

from app.backfill.budget import Budget
from app.backfill.repository import PageReport

WIDTH = 24


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class Progress:
    """Counts pages as the importer reports them and draws the progress line."""

    def __init__(
        self,
        repositories: int,
        budgets: dict[int, Budget],
        *,
        stream: TextIO | None = None,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.total = repositories
        self.budgets = budgets
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.clock = clock
        self.wall = wall
        self.started = clock()
        self.done = 0
        self.pull_requests = 0
        self.current_fraction = 0.0
        self._drawn = False

    def on_page(self, page: PageReport) -> None:
        self.pull_requests += page.pull_requests
        if page.finished:
            self.done += 1
            self.current_fraction = 0.0
            if not self.tty:
                self.stream.write(f"{page.full_name}: done · {self.line()}\n")
                self.stream.flush()
        elif page.oldest_seen:
            now, since = self.wall(), _epoch(page.since)
            span = max(now - since, 1.0)
            self.current_fraction = min(max((now - _epoch(page.oldest_seen)) / span, 0.0), 1.0)
        if self.tty:
            self.stream.write("\r" + self.line() + "\033[K")
            self.stream.flush()
            self._drawn = True

    def fraction(self) -> float:
        if self.total == 0:
            return 1.0
        return min((self.done + self.current_fraction) / self.total, 1.0)

    def points(self) -> tuple[int, int | None]:
        used = sum(b.used for b in self.budgets.values())
        left = [b.remaining for b in self.budgets.values() if b.remaining is not None]
        return used, (min(left) if left else None)

    def eta(self) -> str:
        f = self.fraction()
        elapsed = self.clock() - self.started
        if f <= 0:
            return "ETA --"
        if f >= 1:
            return "done"
        return "ETA " + duration(elapsed * (1 - f) / f)

    def line(self) -> str:
        f = self.fraction()
        filled = int(f * WIDTH)
        used, left = self.points()
        left_text = "?" if left is None else f"{left:,}"
        return (
            f"[{'#' * filled}{'.' * (WIDTH - filled)}] {self.done}/{self.total} repositories · "
            f"{self.pull_requests:,} PRs · {used:,} points used, {left_text} left · {self.eta()}"
        )

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()


def summary(
    *,
    repositories: int,
    pull_requests: int,
    points: int,
    seconds: float,
    pauses: int,
    paused_seconds: float,
    failed: list[tuple[str, str]],
) -> str:
    """The closing report of `ladder backfill`."""
    per_thousand = f"{points * 1000 / pull_requests:.1f}" if pull_requests else "-"
    rate = f"{pull_requests / seconds:,.0f}" if seconds > 0 else "-"
    lines = [
        f"Imported {pull_requests:,} pull requests from {repositories} repositories in {duration(seconds)}"
        f" ({rate} per second).",
        f"GraphQL points used: {points:,} ({per_thousand} per 1,000 pull requests).",
    ]
    if pauses:
        lines.append(f"Paused {pauses} time(s) for the rate limit, {duration(paused_seconds)} in all.")
    for name, error in failed:
        lines.append(f"Failed: {name}: {error}")
    return "\n".join(lines)
