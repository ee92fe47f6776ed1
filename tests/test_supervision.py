"""Issue 8, item 1: a database error in a background service is logged once, backed off and retried, and
/healthz answers 503 naming the service until it runs again — through the real service over HTTP, with
the error injected into the store function the service calls (the function raises for a while)."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from app.backfill import jobs
from app.outbox import store as outbox_store
from app.store import deliveries
from tests.conftest import start_service, stop_service
from tests.payloads import load
from tests.service_health import health_until

ERROR = "OperationalError: disk I/O error"


@pytest.fixture
def fault(monkeypatch):
    """`fault(module, name)`: that function raises sqlite3.OperationalError until `fault.clear()`."""

    class Fault:
        on = True
        calls = 0

        def __call__(self, module, name: str, message: str = "disk I/O error") -> None:
            real = getattr(module, name)

            def failing(*args, **kwargs):
                if self.on:
                    self.calls += 1
                    raise sqlite3.OperationalError(message)
                return real(*args, **kwargs)

            monkeypatch.setattr(module, name, failing)

        def clear(self) -> None:
            self.on = False

    return Fault()


@pytest.mark.parametrize(
    "service, module, function",
    [("worker", deliveries, "lease_batch"), ("outbox", outbox_store, "lease_next"), ("backfill", jobs, "to_run")],
)
async def test_a_failing_service_is_retried_shown_in_healthz_and_recovers(
    tmp_path, stand_in, app_key, fault, caplog, service, module, function
):
    caplog.set_level(logging.INFO, logger="ladder.services")
    fault(module, function)
    app = {"app_id": app_key.app_id, "private_key": app_key.private_pem, "github_api_url": stand_in.url}
    svc = await start_service(tmp_path / "ladder.db", **app)
    base = svc.url("")
    try:
        assert (await svc.deliver("pull_request", load("pull_request/opened"), delivery_id="kept")).status == 202
        # Failing, retried (three tries or more), and said so.
        status, body = await health_until(
            svc.session, base, lambda s, b: s == 503 and b[service].get("failures", 0) >= 3
        )
        assert body["status"] == "failing"
        assert (body[service]["running"], body[service]["state"], body[service]["last_error"]) == (
            False,
            "failing",
            ERROR,
        )
        (problem,) = body["problems"]
        assert problem.startswith(f"{service} is failing since ") and problem.endswith(ERROR)
        others = {"worker", "outbox", "backfill"} - {service}
        assert all(body[name]["state"] == "running" for name in others)
        # Logged once for the spell, with the error's type and message, however many tries failed.
        said = [r.getMessage() for r in caplog.records if r.name == "ladder.services" and r.levelno >= logging.ERROR]
        assert len(said) == 1 and said[0].startswith(f"{service} is failing: {ERROR}; retrying in 0.5 s")
        assert fault.calls >= 3

        fault.clear()
        status, body = await health_until(svc.session, base, lambda s, b: s == 200)
        assert body["status"] == "ok" and body["problems"] == []
        assert (body[service]["running"], body[service]["state"]) == (True, "running")
        assert "last_error" not in body[service]
        recovered = [
            r.getMessage() for r in caplog.records if r.name == "ladder.services" and r.levelno == logging.WARNING
        ]
        assert len(recovered) == 1 and recovered[0].startswith(f"{service} is running again after ")
        await svc.settle()
        assert deliveries.get(svc.db, "kept").status == "done"  # nothing stored was lost meanwhile
    finally:
        await stop_service(svc)


async def test_the_error_shown_and_logged_holds_no_secret(tmp_path, fault, caplog):
    caplog.set_level(logging.INFO)
    secret_url = "postgresql://ladder:hunter2-secret@db.internal/ladder"
    token = "ghs_" + "a1B2c3D4e5" * 4
    fault(deliveries, "lease_batch", f"could not reach {secret_url} with token {token}")
    svc = await start_service(tmp_path / "ladder.db")
    try:
        status, body = await health_until(svc.session, svc.url(""), lambda s, b: s == 503)
        error = body["worker"]["last_error"]
        assert error.startswith("OperationalError: could not reach postgresql://ladder:***@db.internal/ladder")
        assert "hunter2" not in error and token not in error
        logged = "\n".join(r.getMessage() for r in caplog.records)
        assert "hunter2" not in logged and token not in logged
    finally:
        await stop_service(svc)
