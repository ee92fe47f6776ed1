"""Property-based fuzzing of `POST $WEBHOOK_PATH` over a real socket (issue 8).

Whatever arrives (headers present, absent, garbage or not ASCII; bodies of random bytes, JSON of random
shape, deep nesting, wrong types in the fields the queue stores, other encodings and content types;
sizes up to the cap), the service answers with one of its documented statuses, never a 500, never
hangs, and stores a row in `deliveries` exactly when it answers 202.

The service runs on its own event loop in a thread, so hypothesis drives it with plain blocking sockets.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import socket
import threading
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.server.signature import expected_signature
from app.store import deliveries, open_database
from tests.conftest import SECRET, start_service, stop_service
from tests.payloads import load
from tests.stores import location

HOOK = "/api/github/webhooks"
CAP = 25 * 1024 * 1024
ANSWERS = {200, 202, 400, 401, 408, 413, 415, 503}
FIXTURES = [load(name) for name in ("pull_request/opened", "issue_comment/created", "installation/created")]
_ids = itertools.count()


@dataclass
class Request:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    signed: bool

    def __repr__(self) -> str:  # hypothesis prints failing examples: keep huge bodies short
        return f"Request(headers={self.headers!r}, body={self.body[:300]!r}... ({len(self.body)} bytes))"


class ThreadedService:
    def __init__(self, path) -> None:
        self.path = path
        where = location(path, keep=True)  # on PostgreSQL: a database for the module, not dropped after one test
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.service = self._run(start_service(path, app_options={"body_timeout": 5.0}))
        self.port = self.service.server.port
        # the test's own connection to the service's store, to count rows
        self.db = open_database(where, migrate_schema=False)

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def stored(self) -> int:
        stats = deliveries.stats(self.db)
        return stats.pending + stats.failed + stats.done

    def close(self) -> None:
        self.db.close()
        self._run(stop_service(self.service))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    service = ThreadedService(tmp_path_factory.mktemp("fuzz") / "ladder.db")
    yield service
    service.close()


def send(port: int, request: Request) -> int:
    """The status of the answer. The body is sent from another thread while the answer is read, as a
    client does that keeps sending after the server has refused; 30 s without an answer is a hang."""
    lines = [f"POST {HOOK} HTTP/1.1".encode(), b"Host: 127.0.0.1", b"Connection: close"]
    lines += [name + b": " + value for name, value in request.headers]
    lines.append(b"Content-Length: " + str(len(request.body)).encode())
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n")

        def body() -> None:
            try:
                sock.sendall(request.body)
            except OSError:
                pass  # refused and closed before it was all sent: that is allowed

        sender = threading.Thread(target=body, daemon=True)
        sender.start()
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)  # socket.timeout here fails the test: the service hung
            if not chunk:
                break
            answer += chunk
        sender.join(timeout=30)
    assert answer.startswith((b"HTTP/1.1 ", b"HTTP/1.0 ")), answer[:200]  # 1.0: aiohttp's own parser's 400
    return int(answer.split(b" ", 2)[1])


# ------------------------------------------------------------------------------------------ strategies
header_bytes = st.binary(max_size=40).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.characters(categories=["Cs"]),  # lone surrogates: json.dumps writes them as \udxxx
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=15,
)
STORED_FIELDS = ("action", "installation", "installation.id", "sender", "sender.login", "repository", "comment.user")


@st.composite
def wrong_types(draw) -> bytes:
    payload = copy.deepcopy(draw(st.sampled_from(FIXTURES)))
    *parents, last = draw(st.sampled_from(STORED_FIELDS)).split(".")
    target = payload
    for name in parents:
        target = target.setdefault(name, {}) if isinstance(target.get(name, {}), dict) else {}
    target[last] = draw(json_values)
    return json.dumps(payload).encode()


@st.composite
def encoded(draw) -> bytes:
    payload = copy.deepcopy(draw(st.sampled_from(FIXTURES)))
    payload["note"] = draw(st.text(max_size=30))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1"]))
    return json.dumps(payload, ensure_ascii=False).encode(encoding, errors="replace")


bodies = st.one_of(
    st.binary(max_size=2000),
    json_values.map(lambda v: json.dumps(v).encode()),
    wrong_types(),
    encoded(),
    st.integers(1, 3000).map(lambda d: b'{"action": "opened", "x": ' + b"[" * d + b"]" * d + b"}"),
    st.sampled_from(FIXTURES).map(lambda p: json.dumps(p).encode()),
)
events = st.one_of(
    st.sampled_from([b"pull_request", b"issue_comment", b"installation", b"ping", b"push", b"deployment"]),
    header_bytes,
    st.none(),
)
content_types = st.one_of(
    st.sampled_from(
        [
            b"application/json",
            b"application/json; charset=utf-8",
            b"Application/JSON",
            b"text/plain",
            b"application/x-www-form-urlencoded",
            b"multipart/form-data; boundary=x",
        ]
    ),
    header_bytes,
    st.none(),
)


@st.composite
def requests(draw) -> Request:
    body = draw(bodies)
    headers: list[tuple[bytes, bytes]] = []
    signature = draw(st.sampled_from(["good", "good", "good", "absent", "wrong", "garbage"]))
    if signature == "good":
        headers.append((b"X-Hub-Signature-256", expected_signature(SECRET, body).encode()))
    elif signature == "wrong":
        headers.append((b"X-Hub-Signature-256", b"sha256=" + draw(st.binary(min_size=32, max_size=32)).hex().encode()))
    elif signature == "garbage":
        headers.append((b"X-Hub-Signature-256", draw(header_bytes)))
    for name, values in (
        (b"X-GitHub-Event", events),
        (b"Content-Type", content_types),
    ):
        value = draw(values)
        if value is not None:
            headers.append((name, value))
    delivery = draw(st.sampled_from(["fresh", "fresh", "garbage", "absent"]))
    if delivery == "fresh":
        headers.append((b"X-GitHub-Delivery", f"fuzz-{next(_ids)}".encode()))
    elif delivery == "garbage":
        headers.append((b"X-GitHub-Delivery", draw(header_bytes)))
    if draw(st.booleans()):
        headers.append((b"User-Agent", b"GitHub-Hookshot/" + draw(header_bytes)))
    return Request(headers, body, signature == "good")


def _large(size: int, *, signed: bool) -> Request:
    prefix, suffix = b'{"action": "opened", "installation": {"id": 1}, "padding": "', b'"}'
    body = prefix + b"x" * (size - len(prefix) - len(suffix)) + suffix
    headers = [
        (b"Content-Type", b"application/json"),
        (b"X-GitHub-Event", b"ping"),
        (b"X-GitHub-Delivery", f"fuzz-large-{size}-{signed}".encode()),
    ]
    if signed:
        headers.append((b"X-Hub-Signature-256", expected_signature(SECRET, body).encode()))
    return Request(headers, body, signed)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=requests())
@example(request=_large(CAP, signed=True))  # exactly the cap: stored
@example(request=_large(CAP + 1, signed=True))  # one byte over: 413
@example(request=_large(20 * 1024 * 1024, signed=False))  # large and unsigned: 401 before it is read
def test_any_request_gets_a_documented_answer_and_only_a_202_stores_a_row(live, request):
    before = live.stored()
    status = send(live.port, request)
    assert status in ANSWERS, status
    after = live.stored()
    if status == 202:
        assert request.signed  # nothing unsigned is ever stored
        assert after == before + 1
    else:
        assert after == before
