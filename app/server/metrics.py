"""Counters the service keeps, rendered in Prometheus' text format for `GET /metrics`."""

from __future__ import annotations

from collections import Counter

from app.store import deliveries
from app.store.database import Database


class Metrics:
    def __init__(self) -> None:
        self.received: Counter[tuple[str, str]] = Counter()  # (event, outcome)
        self.processed: Counter[tuple[str, str]] = Counter()  # (event, outcome)
        self.rejected: Counter[str] = Counter()  # reason
        self.processing_seconds = 0.0

    def render(self, db: Database) -> str:
        queue = deliveries.stats(db)
        lines = [
            "# HELP ladder_deliveries_received_total Deliveries accepted by the webhook endpoint.",
            "# TYPE ladder_deliveries_received_total counter",
        ]
        for (event, outcome), count in sorted(self.received.items()):
            lines.append(f'ladder_deliveries_received_total{{event="{event}",outcome="{outcome}"}} {count}')
        lines += [
            "# HELP ladder_deliveries_rejected_total Requests refused by the webhook endpoint, by reason.",
            "# TYPE ladder_deliveries_rejected_total counter",
        ]
        for reason, count in sorted(self.rejected.items()):
            lines.append(f'ladder_deliveries_rejected_total{{reason="{reason}"}} {count}')
        lines += [
            "# HELP ladder_deliveries_processed_total Processing attempts by the worker, by outcome.",
            "# TYPE ladder_deliveries_processed_total counter",
        ]
        for (event, outcome), count in sorted(self.processed.items()):
            lines.append(f'ladder_deliveries_processed_total{{event="{event}",outcome="{outcome}"}} {count}')
        lines += [
            "# HELP ladder_delivery_processing_seconds_total Time the worker spent processing deliveries.",
            "# TYPE ladder_delivery_processing_seconds_total counter",
            f"ladder_delivery_processing_seconds_total {self.processing_seconds:.6f}",
            "# HELP ladder_queue_depth Deliveries stored and not yet processed.",
            "# TYPE ladder_queue_depth gauge",
            f"ladder_queue_depth {queue.pending}",
            "# HELP ladder_queue_failed Deliveries kept as failed after their last attempt.",
            "# TYPE ladder_queue_failed gauge",
            f"ladder_queue_failed {queue.failed}",
            "# HELP ladder_queue_oldest_pending_seconds Age of the oldest delivery still waiting.",
            "# TYPE ladder_queue_oldest_pending_seconds gauge",
            f"ladder_queue_oldest_pending_seconds {queue.oldest_pending_age or 0:.3f}",
        ]
        return "\n".join(lines) + "\n"
