"""POST $WEBHOOK_PATH as GitHub sends it: signature, malformed requests, dedupe, durable queue."""

from __future__ import annotations

import json

from app.server.signature import expected_signature, signature_valid
from tests.conftest import SECRET
from tests.payloads import load


def test_signature_matches_githubs_test_vector():
    # GitHub's documented example (validating webhook deliveries).
    assert expected_signature("It's a Secret to Everybody", b"Hello, World!") == (
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )
    assert signature_valid(
        SECRET, b"Hello, World!", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )
    assert not signature_valid(SECRET, b"Hello, World!", None)
    assert not signature_valid(SECRET, b"Hello, World!", "sha256=" + "0" * 64)
    assert not signature_valid(SECRET, b"Hello, World!", "sha1=757107ea0eb2509fc211221cce984b8a37570b6d")


async def test_signed_delivery_is_stored_then_answered_202(service):
    resp = await service.deliver("pull_request", load("pull_request/opened"), delivery_id="d-1")
    assert resp.status == 202
    assert await resp.json() == {"delivery": "d-1", "status": "queued"}
    await service.settle()
    assert service.db.execute("SELECT status, attempts FROM deliveries WHERE id = 'd-1'").fetchone() == ("done", 1)
    assert service.count("pull_requests") == 1


async def test_wrong_signature_is_401_and_nothing_is_stored(service):
    payload = load("pull_request/opened")
    resp = await service.deliver("pull_request", payload, secret="not the secret")
    assert resp.status == 401
    resp = await service.deliver("pull_request", payload, secret=None)  # header missing
    assert resp.status == 401
    body = json.dumps(payload).encode()
    tampered = body.replace(b"Codertocat", b"Codertocas", 1)
    resp = await service.deliver(
        "pull_request", tampered, headers={"X-Hub-Signature-256": expected_signature(SECRET, body)}
    )
    assert resp.status == 401
    assert service.count("deliveries") == 0
    assert service.count("pull_requests") == 0


async def test_error_bodies_never_echo_the_secret_or_the_signature(service):
    async with service.session.post(
        service.url("/api/github/webhooks"), data=b"{}", headers={"X-Hub-Signature-256": "sha256=abc"}
    ) as resp:
        text = await resp.text()
    assert resp.status == 401
    assert SECRET not in text and "abc" not in text


async def test_malformed_requests(service):
    payload = load("pull_request/opened")
    assert (await service.deliver("pull_request", payload, headers={"X-GitHub-Event": None})).status == 400
    assert (await service.deliver("pull_request", payload, headers={"X-GitHub-Delivery": None})).status == 400
    assert (await service.deliver("pull_request", b"not json {")).status == 400
    assert (await service.deliver("pull_request", b"[1, 2]")).status == 400
    form = await service.deliver(
        "pull_request", b"payload=%7B%7D", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert form.status == 415
    assert service.count("deliveries") == 0


async def test_payload_over_25_mb_is_413(service):
    big = b'{"padding": "' + b"x" * (25 * 1024 * 1024) + b'"}'
    resp = await service.deliver("pull_request", big)
    assert resp.status == 413
    assert service.count("deliveries") == 0


async def test_redelivery_with_the_same_guid_is_200_and_changes_nothing(service):
    payload = load("pull_request_review/submitted")
    first = await service.deliver("pull_request_review", payload, delivery_id="same-guid")
    await service.settle()
    before = service.db.execute("SELECT * FROM deliveries").fetchall()
    second = await service.deliver("pull_request_review", payload, delivery_id="same-guid")
    await service.settle()
    assert (first.status, second.status) == (202, 200)
    assert (await second.json())["status"] == "already received"
    assert service.db.execute("SELECT * FROM deliveries").fetchall() == before
    assert service.count("reviews") == 1


async def test_same_fact_in_two_deliveries_is_stored_once(service):
    payload = load("pull_request_review/submitted")
    await service.deliver("pull_request_review", payload, delivery_id="a")
    await service.deliver("pull_request_review", payload, delivery_id="b")  # e.g. a later backfill
    await service.settle()
    assert service.count("deliveries", "status = 'done'") == 2
    assert service.count("reviews") == 1
    assert service.count("people") == 1


async def test_ping_healthz_and_metrics(service):
    async with service.session.get(service.url("/ping")) as resp:
        assert (resp.status, await resp.text()) == (200, "PONG")
    await service.deliver("pull_request", load("pull_request/opened"))
    await service.deliver("pull_request", b"{}", secret="wrong")
    await service.settle()
    async with service.session.get(service.url("/healthz")) as resp:
        health = await resp.json()
    assert health["database"] == "ok"
    assert health["queue_depth"] == 0
    assert health["oldest_pending_age_seconds"] is None
    assert health["processed_deliveries"] == 1
    async with service.session.get(service.url("/metrics")) as resp:
        metrics = await resp.text()
    assert 'ladder_deliveries_received_total{event="pull_request",outcome="queued"} 1' in metrics
    assert 'ladder_deliveries_rejected_total{reason="signature"} 1' in metrics
    assert "ladder_queue_depth 0" in metrics
    assert SECRET not in metrics
