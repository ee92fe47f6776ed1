"""The service's metrics, rendered by `prometheus_client` for `GET /metrics`.

One `CollectorRegistry` per app (never the process-wide one), so two apps in one process (tests, the
demo) count apart. The library writes the exposition format, label values escaped. Every label value
comes from a fixed set: an event name Ladder does not subscribe to is counted as `other`, so a sender
cannot grow the label space or write its own lines. The queue's, the outbox's and the import's numbers
are read from the database at scrape time; the background services' own in-memory lines
(`metrics_lines()`: of this process when it is the active worker, else from the active worker's
heartbeat) are parsed and served through the same registry, so the page is one valid exposition.
Rendering reads the database: the web side runs it off its event loop, with a bounded wait.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.parser import text_string_to_metric_families

from app import __version__
from app.handlers import EVENTS
from app.store import backfill as backfill_rows
from app.store import deliveries
from app.store import outbox as outbox_rows
from app.store.database import Database

log = logging.getLogger("ladder.metrics")

# app.yml's events, and those that reach every App without subscribing.
KNOWN_EVENTS = frozenset(EVENTS) | {"installation", "installation_repositories", "ping"}
METHODS = frozenset({"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"})
RATE_LIMIT_RESOURCES = frozenset(
    {
        "core",
        "graphql",
        "search",
        "code_search",
        "integration_manifest",
        "source_import",
        "code_scanning_upload",
        "code_scanning_autofix",
        "actions_runner_registration",
        "scim",
        "dependency_snapshots",
        "dependency_sbom",
        "audit_log",
        "audit_log_streaming",
    }
)
# Seconds: answering is meant to take milliseconds; processing can wait on GitHub for seconds.
RESPONSE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
PROCESSING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


def event_label(event: str | None) -> str:
    return event if event in KNOWN_EVENTS else "other"


class Metrics:
    """The web side's counters in `registry`; the processing side's (deliveries processed, time spent,
    GitHub's answers) in `work_registry`, which is exported through the active worker's lines — whichever
    process that is — so a page never holds the same family twice."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.work_registry = CollectorRegistry(auto_describe=True)
        r, w = self.registry, self.work_registry
        self._received = Counter(
            "ladder_deliveries_received",
            "Deliveries accepted by the webhook endpoint, by event and outcome (queued, duplicate).",
            ["event", "outcome"],
            registry=r,
        )
        self._rejected = Counter(
            "ladder_deliveries_rejected", "Requests refused by the webhook endpoint, by reason.", ["reason"], registry=r
        )
        self._processed = Counter(
            "ladder_deliveries_processed",
            "Processing attempts by the worker, by event and outcome (done, retry, failed).",
            ["event", "outcome"],
            registry=w,
        )
        self._response_seconds = Histogram(
            "ladder_delivery_response_seconds",
            "Time from a delivery's request to its 202 (stored durably).",
            buckets=RESPONSE_BUCKETS,
            registry=r,
        )
        self._processing_seconds = Histogram(
            "ladder_delivery_processing_seconds",
            "Time the worker spent on one processing attempt, by event.",
            ["event"],
            buckets=PROCESSING_BUCKETS,
            registry=w,
        )
        self._github_requests = Counter(
            "ladder_github_requests",
            "HTTP requests to GitHub's API, by method and answer status (error: no answer, e.g. a timeout).",
            ["method", "status"],
            registry=w,
        )
        self._rate_limit_remaining = Gauge(
            "ladder_github_rate_limit_remaining",
            "Requests left in the rate-limit window, as GitHub's last answer for each resource said.",
            ["resource"],
            registry=w,
        )
        Info("ladder_build", "The running Ladder.", registry=r).info({"version": __version__})
        self._db: Database | None = None
        self._lines: Callable[[], Iterable[str]] = tuple
        r.register(_StoredCollector(self))

    def watch(self, db: Database, lines: Callable[[], Iterable[str]]) -> None:
        """Read the stored numbers from `db` and the services' own lines from `lines()` at each scrape."""
        self._db, self._lines = db, lines

    # --- what the webhook endpoint and the worker report ---------------------------------------------
    def received(self, event: str, outcome: str) -> None:
        self._received.labels(event_label(event), outcome).inc()

    def rejected(self, reason: str) -> None:
        self._rejected.labels(reason).inc()

    def answered(self, seconds: float) -> None:
        self._response_seconds.observe(seconds)

    def processed(self, event: str, outcome: str, seconds: float) -> None:
        self._processed.labels(event_label(event), outcome).inc()
        self._processing_seconds.labels(event_label(event)).observe(seconds)

    def github_response(self, method: str, status: int | None, headers: Mapping[str, str] | None) -> None:
        """One exchange with GitHub (app/github/client.py calls this); `status` None: no answer."""
        method = method.upper() if method.upper() in METHODS else "other"
        label = "error" if status is None else (str(status) if 100 <= status <= 599 else "other")
        self._github_requests.labels(method, label).inc()
        remaining = (headers or {}).get("x-ratelimit-remaining")
        if remaining is not None and remaining.isdigit():
            resource = (headers or {}).get("x-ratelimit-resource")
            resource = "unknown" if resource is None else (resource if resource in RATE_LIMIT_RESOURCES else "other")
            self._rate_limit_remaining.labels(resource).set(int(remaining))

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def work_lines(self) -> list[str]:
        """The processing side's families as exposition lines (for the heartbeat and /metrics)."""
        return generate_latest(self.work_registry).decode().splitlines()


class _StoredCollector:
    """What is read at scrape time: the queue in the database, and the background services' lines."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def describe(self):
        return []  # the families depend on the services running; nothing to check at registration

    def collect(self):
        db = self.metrics._db
        lines: list[str] = []
        if db is not None:
            up = GaugeMetricFamily("ladder_database_up", "1 when the database answered this scrape.")
            try:
                queue = deliveries.stats(db)
                effects = outbox_rows.stats(db)
                history = backfill_rows.summary(db)
                lines = list(self.metrics._lines())
            except Exception as error:  # a scrape must still answer, and say the database did not
                log.warning("metrics: the database did not answer: %s", type(error).__name__)
                up.add_metric([], 0)
                yield up
                return
            up.add_metric([], 1)
            yield up
            yield _gauge("ladder_queue_depth", "Deliveries stored and not yet processed.", queue.pending)
            yield _gauge("ladder_queue_failed", "Deliveries kept as failed after their last attempt.", queue.failed)
            yield _gauge(
                "ladder_queue_oldest_pending_seconds",
                "Age of the oldest delivery still waiting.",
                round(queue.oldest_pending_age or 0.0, 3),
            )
            by_status = GaugeMetricFamily(
                "ladder_outbox_effects", "Effects in the outbox by status.", labels=["status"]
            )
            for status, n in sorted(effects.counts.items()):
                by_status.add_metric([status], n)
            yield by_status
            yield _gauge(
                "ladder_outbox_oldest_pending_seconds",
                "Age of the oldest pending effect.",
                round(effects.oldest_pending_age or 0.0, 3),
            )
            repositories = GaugeMetricFamily(
                "ladder_backfill_repositories", "Repositories by history import status.", labels=["status"]
            )
            for status, n in history["repositories"].items():
                repositories.add_metric([status], n)
            yield repositories
            yield _gauge(
                "ladder_backfill_pull_requests",
                "Pull requests stored by the current or last import of each repository, summed.",
                history["pull_requests"],
            )
        try:
            families = list(text_string_to_metric_families("\n".join(lines) + "\n"))
        except Exception as error:  # a bad line must not take the whole page down
            log.warning("metrics: the services' lines could not be read: %s", error)
            return
        yield from families


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation)
    family.add_metric([], value)
    return family
