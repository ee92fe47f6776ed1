"""The webhook endpoint's edge over raw sockets: what is refused before the body is read, how bodies are
read (cap, time limit, budget across requests), payloads the queue cannot store, and the headers and
metrics every page carries (issue 8 items 6, 9, 10, 12)."""

from __future__ import annotations

import asyncio
import json
import re

import gidgethub
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app import __version__
from app.outbox import store as outbox
from app.outbox.effects import Comment
from app.server.signature import expected_signature
from app.server.web import BODIES
from tests.conftest import SECRET, start_service, stop_service
from tests.payloads import load
from tests.stores import open_test_database

HOOK = "/api/github/webhooks"


def head(headers: dict[str, str | bytes], *, path: str = HOOK) -> bytes:
    lines = [f"POST {path} HTTP/1.1".encode(), b"Host: 127.0.0.1", b"Connection: close"]
    for name, value in headers.items():
        lines.append(name.encode() + b": " + (value if isinstance(value, bytes) else value.encode()))
    return b"\r\n".join(lines) + b"\r\n\r\n"


def signed_headers(body: bytes, **extra) -> dict[str, str | bytes]:
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": "pull_request",
        "X-GitHub-Delivery": "raw-1",
        "X-Hub-Signature-256": expected_signature(SECRET, body),
        "Content-Length": str(len(body)),
    }
    headers.update(extra)
    return {k: v for k, v in headers.items() if v is not None}


async def read_status(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """The status and body of the answer; waits at most 10 s, so a server that waits for a body the client
    never sends fails the test instead of hanging it."""

    async def answer() -> tuple[int, bytes]:
        status_line, *header_lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in header_lines if line)
        return int(status_line.split()[1]), await reader.readexactly(int(headers.get("Content-Length", 0)))

    return await asyncio.wait_for(answer(), timeout=10)


async def exchange(service, headers: dict, body: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", service.server.port)
    try:
        writer.write(head(headers) + body)
        await writer.drain()
        return await read_status(reader)
    finally:
        writer.close()


# ---------------------------------------------------------------------------- item 6: before the body
@pytest.mark.parametrize(
    "signature",
    [
        b"sha256=\xff\xfe" + b"0" * 62,  # not UTF-8: UnicodeEncodeError and a 500 before
        "sha256=" + "0" * 63,
        "sha256=" + "g" * 64,
        "sha1=" + "0" * 40,
        "",
    ],
)
async def test_a_malformed_signature_header_is_401_and_nothing_is_stored(service, signature):
    body = json.dumps(load("pull_request/opened")).encode()
    status, answer = await exchange(service, signed_headers(body, **{"X-Hub-Signature-256": signature}), body)
    assert status == 401
    assert json.loads(answer) == {"error": "missing or wrong X-Hub-Signature-256"}
    assert service.count("deliveries") == 0


async def test_an_unsigned_request_is_answered_before_its_body_is_sent(service):
    # It announces 25 MB and sends one kilobyte: the answer must come without waiting for the rest.
    headers = signed_headers(b"", **{"X-Hub-Signature-256": None, "Content-Length": str(25 * 1024 * 1024)})
    status, _ = await exchange(service, headers, b'{"padding": "' + b"x" * 1024)
    assert status == 401
    assert service.count("deliveries") == 0


async def test_a_body_that_does_not_arrive_in_time_is_408(tmp_path):
    service = await start_service(tmp_path / "ladder.db", app_options={"body_timeout": 0.3})
    try:
        body = json.dumps(load("pull_request/opened")).encode()
        status, answer = await exchange(service, signed_headers(body), body[:100])  # and then nothing
        assert status == 408
        assert json.loads(answer) == {"error": "the body did not arrive in time"}
        assert service.count("deliveries") == 0
    finally:
        await stop_service(service)


async def test_bodies_held_at_once_are_capped_across_requests(tmp_path):
    service = await start_service(tmp_path / "ladder.db", app_options={"max_bodies_in_flight": 1_000_000})
    try:
        payload = load("pull_request/opened")
        payload["padding"] = "x" * 700_000
        body = json.dumps(payload).encode()
        # The first request is still being received: it holds its 700 KB.
        reader, writer = await asyncio.open_connection("127.0.0.1", service.server.port)
        writer.write(head(signed_headers(body, **{"X-GitHub-Delivery": "big-1"})) + body[:1000])
        await writer.drain()
        for _ in range(1000):
            if service.app[BODIES].in_use == len(body):
                break
            await asyncio.sleep(0.01)
        assert service.app[BODIES].in_use == len(body)
        # A second one would take the total past the cap: refused at once, before its body.
        second_headers = signed_headers(body, **{"X-GitHub-Delivery": "big-2"})
        status, answer = await exchange(service, second_headers, b"")
        assert status == 503
        assert json.loads(answer) == {"error": "too many large deliveries are being received at once; try again"}
        # The first completes and gives its share back; the second, sent again, is taken.
        writer.write(body[1000:])
        await writer.drain()
        assert (await read_status(reader))[0] == 202
        writer.close()
        assert service.app[BODIES].in_use == 0
        assert (await exchange(service, second_headers, body))[0] == 202
        assert service.count("deliveries") == 2
    finally:
        await stop_service(service)


async def test_a_chunked_body_is_read_piece_by_piece_and_stored_exactly(service):
    payload = load("pull_request/opened")
    payload["padding"] = "é" * 1_500_000
    body = json.dumps(payload, ensure_ascii=False).encode()

    async def pieces():
        for start in range(0, len(body), 65_536):
            yield body[start : start + 65_536]

    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": "pull_request",
        "X-GitHub-Delivery": "chunked-1",
        "X-Hub-Signature-256": expected_signature(SECRET, body),
    }
    async with service.session.post(service.url(HOOK), data=pieces(), headers=headers) as resp:
        assert resp.status == 202
        assert resp.request_info.headers.get("Transfer-Encoding") == "chunked"
    assert service.db.execute("SELECT body FROM deliveries WHERE id = 'chunked-1'").fetchone()[0] == body


async def test_a_chunked_body_over_25_mb_is_413(service):
    async def pieces():
        yield b'{"padding": "'
        for _ in range(26):
            yield b"x" * (1024 * 1024)
        yield b'"}'

    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": "pull_request",
        "X-GitHub-Delivery": "huge",
        "X-Hub-Signature-256": "sha256=" + "0" * 64,
    }
    async with service.session.post(service.url(HOOK), data=pieces(), headers=headers) as resp:
        assert resp.status == 413
    assert service.count("deliveries") == 0


# ------------------------------------------------------------------ item 9: what the queue cannot store
def _deep(depth: int) -> bytes:
    return b'{"action": "opened", "x": ' + b"[" * depth + b"]" * depth + b"}"


def _with(**changes) -> bytes:
    payload = load("pull_request/opened")
    for path, value in changes.items():
        target = payload
        *parents, last = path.split("__")
        for name in parents:
            target = target[name]
        target[last] = value
    return json.dumps(payload).encode()


@pytest.mark.parametrize(
    "body, error",
    [
        (_deep(5000), "body is nested too deeply"),
        (_with(action=["opened"]), "`action` must be a string"),
        (_with(action={"a": 1}), "`action` must be a string"),
        (_with(installation__id={"id": 1}), "`installation.id` must be a whole number"),
        (_with(installation__id=2**70), "`installation.id` must be a whole number"),
        (_with(installation__id=True), "`installation.id` must be a whole number"),
        (_with(installation__id="1"), "`installation.id` must be a whole number"),
        (_with(installation="1"), "`installation` must be an object"),
        (
            _with(action="opened").replace(b'"opened"', b'"\\ud800"', 1),
            "body has a \\u escape that is not a Unicode character (a lone surrogate)",
        ),
        (
            _with(pull_request__title="\udfff".encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")),
            "body has a \\u escape that is not a Unicode character (a lone surrogate)",
        ),
    ],
)
async def test_a_signed_payload_the_queue_cannot_store_is_400_with_its_reason(service, body, error):
    resp = await service.deliver("pull_request", body)
    assert resp.status == 400
    assert await resp.json() == {"error": error}
    assert service.count("deliveries") == 0


async def test_a_surrogate_pair_is_text_and_is_stored(service):
    body = _with(pull_request__title="ok").replace(b'"ok"', b'"\\ud83d\\ude00 ok"', 1)  # an emoji, escaped
    assert (await service.deliver("pull_request", body)).status == 202
    assert service.count("deliveries") == 1


# ---------------------------------------------------------------------------- item 12: headers
@pytest.fixture
async def public_service(tmp_path):
    """The service with its dashboard shown to everyone (DASHBOARD_PUBLIC=true)."""
    svc = await start_service(tmp_path / "ladder.db", dashboard_public=True)
    yield svc
    await stop_service(svc)


async def test_every_page_says_nosniff_and_html_pages_carry_a_content_security_policy(public_service):
    service = public_service
    async with service.session.get(service.url("/")) as resp:
        assert resp.content_type == "text/html"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Content-Security-Policy"] == (
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
        assert "<script" not in await resp.text()  # so the policy allows none
    for path in ("/ping", "/healthz", "/metrics", "/no-such-page"):
        async with service.session.get(service.url(path)) as resp:
            assert resp.headers["X-Content-Type-Options"] == "nosniff", path
    resp = await service.deliver("pull_request", b"{}", secret="wrong")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


async def test_a_stored_link_that_is_not_a_web_address_is_shown_as_text(tmp_path):
    path = tmp_path / "ladder.db"
    db = open_test_database(path)
    for number, url in ((1, "javascript:alert(document.domain)"), (2, "https://github.com/acme/community/issues/2")):
        outbox.plan(db, Comment(repo="acme/community", name=f"c{number}", number=number, body="hello"))
        outbox.mark_done(db, outbox.lease_next(db), {"url": url})
    db.close()
    service = await start_service(path, dashboard_public=True)
    try:
        async with service.session.get(service.url("/")) as resp:
            page = await resp.text()
    finally:
        await stop_service(service)
    # shown as the text of its table cell, never as a link target
    assert re.search(r"<td[^>]*>javascript:alert\(document\.domain\)</td>", page)
    assert page.count("javascript:") == 1
    assert '<a href="https://github.com/acme/community/issues/2">acme/community/issues/2</a>' in page


# ---------------------------------------------------------------------------- item 10 and issue 9: metrics
def samples(text: str) -> dict[tuple[str, tuple], float]:
    """Every sample of an exposition, parsed as Prometheus would (a bad line raises)."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_an_event_name_cannot_write_its_own_metric_line(service):
    forged = 'pull_request",outcome="queued"}1000000#'  # no spaces: a header word
    assert (await service.deliver(forged, load("pull_request/opened"))).status == 202
    assert (await service.deliver("deployment_status", load("pull_request/opened"))).status == 202
    await service.settle()
    async with service.session.get(service.url("/metrics")) as resp:
        text = await resp.text()
    found = samples(text)
    received = {k: v for k, v in found.items() if k[0] == "ladder_deliveries_received_total"}
    assert received == {("ladder_deliveries_received_total", (("event", "other"), ("outcome", "queued"))): 2.0}
    assert 1000000 not in found.values()
    assert forged not in text


async def test_metrics_for_operators(service):
    async with service.session.get(service.url("/healthz")) as resp:
        assert (await resp.json())["version"] == __version__
    assert (await service.deliver("pull_request", load("pull_request/opened"))).status == 202
    assert (await service.deliver("pull_request", b"[]")).status == 400
    await service.settle()
    async with service.session.get(service.url("/metrics")) as resp:
        found = samples(await resp.text())
    assert found[("ladder_build_info", (("version", __version__),))] == 1.0
    assert found[("ladder_delivery_response_seconds_count", ())] == 1.0
    assert found[("ladder_delivery_processing_seconds_count", (("event", "pull_request"),))] == 1.0
    assert found[("ladder_deliveries_processed_total", (("event", "pull_request"), ("outcome", "done")))] == 1.0
    assert found[("ladder_deliveries_rejected_total", (("reason", "not_json"),))] == 1.0
    assert found[("ladder_queue_depth", ())] == 0.0
    assert found[("ladder_queue_failed", ())] == 0.0
    assert found[("ladder_queue_oldest_pending_seconds", ())] == 0.0
    assert found[("ladder_database_up", ())] == 1.0
    # The outbox's own numbers come through the same registry.
    assert found[("ladder_outbox_effects", (("status", "failed"),))] == 0.0
    assert ("ladder_outbox_oldest_pending_seconds", ()) in found


async def test_github_requests_are_counted_by_status_with_the_rate_limit_left(tmp_path, stand_in, github_client):
    from tests.test_backfill import INSTALLATION, seed

    seed(stand_in)
    service = await start_service(tmp_path / "ladder.db", app_options={"github": github_client})
    try:
        gh = await github_client.for_installation(INSTALLATION)
        await gh.getitem("/repos/acme/widgets")
        with pytest.raises(gidgethub.BadRequest):  # a 404
            await gh.getitem("/repos/acme/no-such-repository")
        async with service.session.get(service.url("/metrics")) as resp:
            found = samples(await resp.text())
    finally:
        await stop_service(service)
    requests = {k[1]: v for k, v in found.items() if k[0] == "ladder_github_requests_total"}
    assert requests == {
        (("method", "POST"), ("status", "201")): 1.0,  # the installation's access token
        (("method", "GET"), ("status", "200")): 1.0,
        (("method", "GET"), ("status", "404")): 1.0,
    }
    budget = stand_in.state.budget("rest", INSTALLATION)  # what the stand-in said in its last answer
    assert found[("ladder_github_rate_limit_remaining", (("resource", "core"),))] == budget.limit - budget.used
