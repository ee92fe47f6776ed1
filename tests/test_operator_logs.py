"""Operator signals (issue 9): `ladder serve` with LOG_FORMAT=json writes one JSON object a line, and one
line per delivery for each thing that happens to it: accepted, duplicate, rejected with its reason,
processed with its duration, failed with its reason. Never a secret."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime

from app.server.signature import expected_signature
from tests.conftest import SECRET
from tests.payloads import load
from tests.test_cli_edges import ROOT, environment, free_port


def post(port: int, delivery_id: str, payload: dict, *, secret: str | None = SECRET) -> int:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "X-GitHub-Event": "pull_request", "X-GitHub-Delivery": delivery_id}
    if secret:
        headers["X-Hub-Signature-256"] = expected_signature(secret, body)
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/github/webhooks", body, headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as error:
        return error.code


def get_json(port: int, path: str) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
        return json.loads(resp.read())


def test_one_json_line_per_delivery_event(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve"],
        cwd=ROOT,
        env=environment(
            PORT=str(port),
            HOST="127.0.0.1",
            DATABASE_PATH=str(tmp_path / "l.db"),
            WEBHOOK_SECRET=SECRET,
            LOG_FORMAT="json",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(300):
            try:
                get_json(port, "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        good = load("pull_request/opened")
        bad = load("pull_request/opened")
        bad["pull_request"] = "not an object"
        assert post(port, "log-1", good) == 202
        assert post(port, "log-1", good) == 200
        assert post(port, "log-unsigned", good, secret=None) == 401
        assert post(port, "log-bad", bad) == 202
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:  # not even HTTP
            sock.sendall(b"POST /api/github/webhooks HTTP/1.1\r\nX-GitHub-Event: \x00\r\n\r\n")
            assert sock.recv(100).startswith(b"HTTP/1.0 400")
        for _ in range(300):
            health = get_json(port, "/healthz")
            if health["processed_deliveries"] + health["failed_deliveries"] == 2:
                break
            time.sleep(0.1)
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)

    assert SECRET not in err
    assert "Traceback" not in err
    lines = [json.loads(line) for line in err.splitlines()]  # every line is one JSON object
    for line in lines:
        assert {"time", "level", "message", "logger"} <= line.keys()
        datetime.fromisoformat(line["time"])

    def about(logger: str) -> list[dict]:
        return [
            {k: v for k, v in line.items() if k not in ("time", "logger")}
            for line in lines
            if line["logger"] == logger and "delivery_id" in line
        ]

    fields = {"event": "pull_request", "installation": good["installation"]["id"]}
    assert about("ladder.server") == [
        {"level": "info", "message": "delivery accepted (pull_request.opened)", "delivery_id": "log-1", **fields},
        {"level": "info", "message": "delivery already received; nothing changes", "delivery_id": "log-1", **fields},
        {
            "level": "warning",
            "message": "delivery rejected (401 signature): missing or wrong X-Hub-Signature-256",
            "delivery_id": "log-unsigned",
            "event": "pull_request",
        },
        {"level": "info", "message": "delivery accepted (pull_request.opened)", "delivery_id": "log-bad", **fields},
    ]
    (malformed,) = [line for line in lines if line["logger"] == "aiohttp.server"]
    assert malformed["level"] == "warning" and malformed["message"].startswith("malformed HTTP request: ")
    processed, failed = about("ladder.worker")
    assert re.fullmatch(r"delivery processed in \d+\.\d{3} s", processed.pop("message"))
    assert processed == {"level": "info", "delivery_id": "log-1", **fields}
    assert re.fullmatch(
        r"delivery failed on attempt 1 after \d+\.\d{3} s \(kept as failed: its payload is at fault\): "
        r"AttributeError: 'str' object has no attribute 'get'",
        failed.pop("message"),
    )
    assert failed == {"level": "error", "delivery_id": "log-bad", **fields}
