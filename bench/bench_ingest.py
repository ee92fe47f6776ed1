"""Ingest benchmark: a burst of 1,000 signed deliveries against `ladder serve`.

Prints, for Ladder and for a baseline run in the same script on the same machine with the same client:
deliveries acknowledged per second, p50 and p99 time to the answer, and (for Ladder) the time until every
delivery is processed. The baseline is the least a Python receiver can do: an aiohttp handler that only
checks the signature and answers (no storage, no processing). `--with-probot` adds the smallest Probot app
(shared/peers/probot, needs node and npm) as a third peer.

    python bench/bench_ingest.py [--deliveries 1000] [--concurrency 16] [--with-probot]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.server.signature import expected_signature  # noqa: E402

SECRET = "bench-secret"
PAYLOAD = ROOT / "tests" / "fixtures" / "webhooks" / "pull_request" / "opened.json"

BASELINE = textwrap.dedent(
    """
    import hashlib, hmac, os
    from aiohttp import web
    SECRET = os.environ["WEBHOOK_SECRET"].encode()
    async def hook(request):
        body = await request.read()
        good = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(good, request.headers.get("X-Hub-Signature-256", "")):
            return web.Response(status=401)
        return web.Response(status=202)
    async def ping(request):
        return web.Response(text="PONG")
    app = web.Application(client_max_size=25 * 1024 * 1024)
    app.router.add_post("/api/github/webhooks", hook)
    app.router.add_get("/ping", ping)
    web.run_app(app, host="127.0.0.1", port=int(os.environ["PORT"]), access_log=None, print=None)
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bodies(count: int) -> list[tuple[str, bytes]]:
    template = json.loads(PAYLOAD.read_text())
    out = []
    for i in range(count):
        template["pull_request"]["id"] = 10_000_000 + i
        template["pull_request"]["number"] = i + 1
        template["number"] = i + 1
        out.append((f"bench-{i}", json.dumps(template).encode()))
    return out


async def wait_up(session: aiohttp.ClientSession, base: str, path: str = "/ping") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            async with session.get(base + path) as resp:
                if resp.status < 500:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.05)
    raise RuntimeError(f"{base} did not start")


async def burst(base: str, payloads: list[tuple[str, bytes]], concurrency: int) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue: asyncio.Queue = asyncio.Queue()
    for item in payloads:
        queue.put_nowait(item)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        await wait_up(session, base)

        async def sender() -> None:
            while not queue.empty():
                delivery_id, body = queue.get_nowait()
                headers = {
                    "Content-Type": "application/json",
                    "X-GitHub-Event": "pull_request",
                    "X-GitHub-Delivery": delivery_id,
                    "User-Agent": "GitHub-Hookshot/bench",
                    "X-Hub-Signature-256": expected_signature(SECRET, body),
                }
                started = time.perf_counter()
                async with session.post(base + "/api/github/webhooks", data=body, headers=headers) as resp:
                    await resp.read()
                    statuses[resp.status] = statuses.get(resp.status, 0) + 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "elapsed": elapsed,
        "per_second": len(payloads) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "statuses": statuses,
        "finished": time.perf_counter(),
    }


async def drained_after(base: str, finished: float) -> float:
    async with aiohttp.ClientSession() as session:
        while True:
            async with session.get(base + "/healthz") as resp:
                health = await resp.json()
            if health["queue_depth"] == 0:
                return time.perf_counter() - finished
            await asyncio.sleep(0.02)


def start(cmd: list[str], env: dict, cwd: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        cmd, env={**os.environ, **env}, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def run_peer(name: str, cmd: list[str], env: dict, payloads, concurrency, *, cwd=None, drain=False) -> dict:
    port = free_port()
    proc = start(cmd, {**env, "PORT": str(port), "WEBHOOK_SECRET": SECRET}, cwd)
    base = f"http://127.0.0.1:{port}"
    try:
        result = asyncio.run(burst(base, payloads, concurrency))
        if drain:
            result["drain_s"] = asyncio.run(drained_after(base, result["finished"]))
            result["total_s"] = result["elapsed"] + result["drain_s"]
    finally:
        proc.terminate()
        proc.wait(10)
    result["name"] = name
    return result


def probot_peer(workdir: Path) -> tuple[list[str], dict, Path] | None:
    peer = ROOT.parent / "shared" / "peers" / "probot"
    if not peer.exists() or shutil.which("npm") is None:
        print("probot peer skipped: shared/peers/probot or npm not found")
        return None
    target = workdir / "probot"
    shutil.copytree(peer, target)
    for folder, _, files in os.walk(target):  # shared/ is read-only; npm writes into the copy
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=target, check=True)
    key = target / "key.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    cmd = ["node", "node_modules/probot/bin/probot.js", "run", "./index.mjs"]
    return cmd, {"APP_ID": "1", "PRIVATE_KEY_PATH": str(key), "LOG_LEVEL": "warn", "NODE_ENV": "production"}, target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--with-probot", action="store_true")
    args = parser.parse_args()
    payloads = bodies(args.deliveries)
    size = len(payloads[0][1])
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        results.append(
            run_peer(
                "baseline: aiohttp, signature only", [sys.executable, "-c", BASELINE], {}, payloads, args.concurrency
            )
        )
        env = {"DATABASE_PATH": str(workdir / "bench.db"), "HOST": "127.0.0.1", "LOG_LEVEL": "warning", "APP_ID": ""}
        results.append(
            run_peer(
                "ladder serve (store, 202, process)",
                [sys.executable, "-m", "app", "serve"],
                env,
                payloads,
                args.concurrency,
                cwd=ROOT,
                drain=True,
            )
        )
        if args.with_probot and (peer := probot_peer(workdir)):
            cmd, env, cwd = peer
            results.append(run_peer("probot (minimal app)", cmd, env, payloads, args.concurrency, cwd=cwd))

    base = results[0]["per_second"]
    print(
        f"{args.deliveries} signed pull_request deliveries of {size:,} bytes, {args.concurrency} concurrent,"
        f" on {os.cpu_count()} cores"
    )
    print(f"{'peer':<38} {'acks/s':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'all processed':>14}")
    for r in results:
        processed = f"{r['total_s']:.2f} s" if "total_s" in r else "-"
        print(
            f"{r['name']:<38} {r['per_second']:>8.0f} {r['per_second'] / base:>6.2f} {r['p50_ms']:>7.1f}"
            f" {r['p99_ms']:>7.1f} {processed:>14}"
        )
        bad = {k: v for k, v in r["statuses"].items() if k not in (200, 202)}
        if bad:
            print(f"  unexpected answers: {bad}")


if __name__ == "__main__":
    main()
