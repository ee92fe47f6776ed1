"""The service's metrics, rendered by `prometheus_client` for `GET /metrics`.

One `CollectorRegistry` per app (never the process-wide one), so two apps in one process (tests, the
demo) count apart. The library writes the exposition format, label values escaped. Every label value
comes from a fixed set: an event name Ladder does not subscribe to is counted as `other`, so a sender
cannot grow the label space or write its own lines. The queue's numbers are read from the database at
scrape time; the background services' own lines (`metrics_lines()`) are parsed and served through the
same registry, so the page is one valid exposition.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.parser import text_string_to_metric_families

from app import __version__
from app.handlers import EVENTS
from app.store import deliveries
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
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
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
            registry=r,
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
            registry=r,
        )
        self._github_requests = Counter(
            "ladder_github_requests",
            "HTTP requests to GitHub's API, by method and answer status (error: no answer, e.g. a timeout).",
            ["method", "status"],
            registry=r,
        )
        self._rate_limit_remaining = Gauge(
            "ladder_github_rate_limit_remaining",
            "Requests left in the rate-limit window, as GitHub's last answer for each resource said.",
            ["resource"],
            registry=r,
        )
        Info("ladder_build", "The running Ladder.", registry=r).info({"version": __version__})
        self._db: Database | None = None
        self._services: Callable[[], Iterable] = tuple
        r.register(_StoredCollector(self))

    def watch(self, db: Database, services: Callable[[], Iterable]) -> None:
        """Read the queue from `db` and the services' own lines from `services()` at each scrape."""
        self._db, self._services = db, services

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


class _StoredCollector:
    """What is read at scrape time: the queue in the database, and the background services' lines."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def describe(self):
        return []  # the families depend on the services running; nothing to check at registration

    def collect(self):
        db = self.metrics._db
        if db is not None:
            up = GaugeMetricFamily("ladder_database_up", "1 when the database answered this scrape.")
            try:
                queue = deliveries.stats(db)
            except Exception as error:  # a scrape must still answer, and say the database did not
                log.warning("metrics: the database did not answer: %s", type(error).__name__)
                up.add_metric([], 0)
                yield up
            else:
                up.add_metric([], 1)
                yield up
                yield _gauge("ladder_queue_depth", "Deliveries stored and not yet processed.", queue.pending)
                yield _gauge("ladder_queue_failed", "Deliveries kept as failed after their last attempt.", queue.failed)
                yield _gauge(
                    "ladder_queue_oldest_pending_seconds",
                    "Age of the oldest delivery still waiting.",
                    round(queue.oldest_pending_age or 0.0, 3),
                )
        for service in self.metrics._services():
            try:
                families = list(text_string_to_metric_families("\n".join(service.metrics_lines()) + "\n"))
            except Exception as error:  # one service's bad line must not take the whole page down
                log.warning("metrics: %s's lines could not be read: %s", service.name, error)
                continue
            yield from families


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation)
    family.add_metric([], value)
    return family
