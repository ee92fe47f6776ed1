"""Ingest benchmark: signed deliveries against `ladder serve`, the bare aiohttp handler and Probot, interleaved.

Every peer is started fresh for each round, and the rounds alternate (baseline, ladder, probot, baseline,
ladder, probot, ...), so a machine shared with other work slows all of them alike; the figures printed are
the median of the rounds, and every goal is a ratio against a peer measured in the same run.

Two modes:
- burst (default): `--deliveries` signed 24 KB `pull_request` deliveries sent `--concurrency` at a time
  (closed loop): acknowledgements per second, p50/p99 time to the answer, and for Ladder the time until
  every delivery is processed (`/healthz` queue empty).
- `--rate R --seconds S`: an open-loop sender offers R deliveries a second for S seconds, each sent at its
  scheduled time whatever the answers before it did; the latency of each is from its scheduled time to its
  answer (so a stall is counted for everything it held up, not hidden by a sender that waited).

Peers: `baseline` (an aiohttp handler that only checks the signature), `ladder` (`ladder serve`, dry-run,
fresh SQLite file: signature, delivery committed with synchronous=FULL, 202, processed on its thread;
`ladder-asyncio`: the same on asyncio's loop instead of uvloop; `ladder-ingest`: `--web-only` with no worker
running, the durable ingest path alone),
`ladder-web` (`ladder serve --web-only` beside a `ladder work` process), `probot` (shared/peers/probot,
needs node and npm; skipped with a reason when absent). `LADDER_EVENT_LOOP=asyncio` turns uvloop off.

    python bench/bench_ingest.py [--rounds 3] [--peers baseline,ladder,probot] [--deliveries 1000]
    python bench/bench_ingest.py --rate 500 --seconds 10
    python bench/bench_ingest.py --quick
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
HOOK = "/api/github/webhooks"

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

NAMES = {
    "baseline": "baseline: aiohttp, signature only",
    "ladder": "ladder serve (store, 202, process)",
    "ladder-web": "ladder serve --web-only + ladder work",
    "ladder-asyncio": "ladder serve, asyncio loop (no uvloop)",
    "ladder-ingest": "ladder serve --web-only, no worker",
    "probot": "probot (minimal app)",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bodies(count: int, offset: int = 0) -> list[tuple[str, bytes]]:
    template = json.loads(PAYLOAD.read_text())
    out = []
    for i in range(offset, offset + count):
        template["pull_request"]["id"] = 10_000_000 + i
        template["pull_request"]["number"] = i + 1
        template["number"] = i + 1
        out.append((f"bench-{i}", json.dumps(template).encode()))
    return out


def headers_for(delivery_id: str, body: bytes, event: str = "pull_request") -> dict:
    return {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery_id,
        "User-Agent": "GitHub-Hookshot/bench",
        "X-Hub-Signature-256": expected_signature(SECRET, body),
    }


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


def _summary(latencies: list[float], statuses: dict, elapsed: float, count: int) -> dict:
    latencies.sort()
    return {
        "elapsed": elapsed,
        "per_second": count / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "max_ms": 1000 * latencies[-1],
        "statuses": statuses,
        "finished": time.perf_counter(),
    }


async def burst(base: str, payloads: list[tuple[str, bytes]], concurrency: int) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    prepared = [(body, headers_for(delivery_id, body)) for delivery_id, body in payloads]
    queue: asyncio.Queue = asyncio.Queue()
    for item in prepared:
        queue.put_nowait(item)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        await wait_up(session, base)

        async def sender() -> None:
            while not queue.empty():
                body, headers = queue.get_nowait()
                started = time.perf_counter()
                async with session.post(base + HOOK, data=body, headers=headers) as resp:
                    await resp.read()
                    statuses[resp.status] = statuses.get(resp.status, 0) + 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return _summary(latencies, statuses, elapsed, len(payloads))


async def open_loop(base: str, payloads: list[tuple[str, bytes, str]], rate: float) -> dict:
    """Send payload i at start + i/rate, whatever happened to the ones before; latency from that time."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    prepared = [(body, headers_for(delivery_id, body, event)) for delivery_id, body, event in payloads]
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        await wait_up(session, base)

        async def send(at: float, body: bytes, headers: dict) -> None:
            async with session.post(base + HOOK, data=body, headers=headers) as resp:
                await resp.read()
                statuses[resp.status] = statuses.get(resp.status, 0) + 1
            latencies.append(time.perf_counter() - at)

        tasks = []
        start = time.perf_counter() + 0.05
        for i, (body, headers) in enumerate(prepared):
            at = start + i / rate
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(send(at, body, headers)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    result = _summary(latencies, statuses, elapsed, len(payloads))
    result["offered"] = rate
    return result


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


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def ladder_env(workdir: Path, round_no: int) -> dict:
    db = workdir / f"ladder-{round_no}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return {"DATABASE_PATH": str(db), "HOST": "127.0.0.1", "LOG_LEVEL": "warning", "APP_ID": ""}


def probot_peer(workdir: Path) -> tuple[list[str], dict, Path] | str:
    """The command to run the Probot peer from a copy in `workdir`, or why it cannot run."""
    candidates = [Path(os.environ["LADDER_PROBOT_PEER"])] if os.environ.get("LADDER_PROBOT_PEER") else []
    candidates += [ROOT.parent / "shared" / "peers" / "probot", Path("/work/shared/peers/probot")]
    peer = next((p for p in candidates if (p / "package.json").exists()), None)
    if peer is None:
        return "shared/peers/probot not found"
    if shutil.which("npm") is None or shutil.which("node") is None:
        return "node and npm are not installed"
    target = workdir / "probot"
    if not (target / "node_modules").exists():
        shutil.copytree(peer, target, dirs_exist_ok=True)
        for folder, _, files in os.walk(target):  # shared/ is read-only; npm writes into the copy
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o644)
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=target, capture_output=True
        )
        if done.returncode != 0:
            return f"npm install failed: {done.stderr.decode(errors='replace').strip()[:200]}"
        key = target / "key.pem"
        subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    cmd = ["node", "node_modules/probot/bin/probot.js", "run", "./index.mjs"]
    env = {"APP_ID": "1", "PRIVATE_KEY_PATH": str(target / "key.pem"), "LOG_LEVEL": "warn", "NODE_ENV": "production"}
    return cmd, env, target


def run_peer(peer: str, workdir: Path, round_no: int, measure, *, probot=None) -> dict:
    port = free_port()
    common = {"PORT": str(port), "WEBHOOK_SECRET": SECRET}
    procs = []
    drain = False
    if peer == "baseline":
        procs.append(start([sys.executable, "-c", BASELINE], common))
    elif peer in ("ladder", "ladder-web", "ladder-asyncio", "ladder-ingest"):
        env = {**common, **ladder_env(workdir, round_no)}
        if peer == "ladder-asyncio":
            env["LADDER_EVENT_LOOP"] = "asyncio"
        serve = [sys.executable, "-m", "app", "serve"] + (
            ["--web-only"] if peer in ("ladder-web", "ladder-ingest") else []
        )
        procs.append(start(serve, env, ROOT))
        if peer == "ladder-web":
            procs.append(start([sys.executable, "-m", "app", "work"], env, ROOT))
        drain = peer != "ladder-ingest"
    elif peer == "probot":
        cmd, env, cwd = probot
        procs.append(start(cmd, {**env, **common}, cwd))
    base = f"http://127.0.0.1:{port}"
    try:
        result = asyncio.run(measure(base))
        if drain:
            result["drain_s"] = asyncio.run(drained_after(base, result["finished"]))
            result["total_s"] = result["elapsed"] + result["drain_s"]
    finally:
        for proc in procs:
            stop(proc)
    result["peer"] = peer
    return result


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--peers", default="baseline,ladder,probot", help="comma-separated, in round order")
    parser.add_argument("--rate", type=float, help="open loop: deliveries offered per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="open loop: how long to offer --rate")
    parser.add_argument("--with-probot", action="store_true", help="(kept for old commands: probot is a default peer)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round (the tests use it)")
    args = parser.parse_args(argv)
    if args.quick:
        args.deliveries, args.rounds, args.seconds = 40, 1, 0.2
        if args.rate:
            args.rate = min(args.rate, 100)
    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    for peer in peers:
        if peer not in NAMES:
            parser.error(f"unknown peer {peer!r}: one of {', '.join(NAMES)}")

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        probot = None
        if "probot" in peers:
            probot = probot_peer(workdir)
            if isinstance(probot, str):
                print(f"probot peer skipped: {probot}")
                peers.remove("probot")
        runs: dict[str, list[dict]] = {p: [] for p in peers}
        for round_no in range(args.rounds):
            if args.rate:
                count = max(1, int(args.rate * args.seconds))
                payloads = [(i, b, "pull_request") for i, b in bodies(count, offset=round_no * count)]

                def measure(base, payloads=payloads):
                    return open_loop(base, payloads, args.rate)
            else:
                payloads = bodies(args.deliveries, offset=round_no * args.deliveries)

                def measure(base, payloads=payloads):
                    return burst(base, payloads, args.concurrency)

            for peer in peers:
                result = run_peer(peer, workdir, round_no, measure, probot=probot)
                runs[peer].append(result)
                processed = f", all processed {result['total_s']:.2f} s" if "total_s" in result else ""
                print(
                    f"round {round_no + 1} {peer:<10} {result['per_second']:>7.0f}/s  p50 {result['p50_ms']:.1f}"
                    f" p99 {result['p99_ms']:.1f} max {result['max_ms']:.1f} ms{processed}"
                    f"  answers {dict(sorted(result['statuses'].items()))}",
                    flush=True,
                )

    size = len(bodies(1)[0][1])
    if args.rate:
        print(
            f"open loop: {args.rate:g} signed pull_request deliveries/s of {size:,} bytes offered for"
            f" {args.seconds:g} s, {args.rounds} rounds interleaved, on {os.cpu_count()} cores (medians)"
        )
    else:
        print(
            f"burst: {args.deliveries} signed pull_request deliveries of {size:,} bytes, {args.concurrency}"
            f" concurrent, {args.rounds} rounds interleaved, on {os.cpu_count()} cores (medians)"
        )
    first = peers[0]
    print(
        f"{'peer':<40} {'acks/s':>8} {'vs ' + first:>14} {'vs probot':>10} {'p50 ms':>7} {'p99 ms':>7}"
        f" {'all processed':>14}"
    )
    for peer in peers:
        rs = runs[peer]
        ratio = statistics.median(r["per_second"] / b["per_second"] for r, b in zip(rs, runs[first]))
        vs_probot = (
            f"{statistics.median(r['per_second'] / b['per_second'] for r, b in zip(rs, runs['probot'])):.2f}"
            if "probot" in runs
            else "-"
        )
        processed = f"{median_of(rs, 'total_s'):.2f} s" if "total_s" in rs[0] else "-"
        print(
            f"{NAMES[peer]:<40} {median_of(rs, 'per_second'):>8.0f} {ratio:>14.2f} {vs_probot:>10}"
            f" {median_of(rs, 'p50_ms'):>7.1f} {median_of(rs, 'p99_ms'):>7.1f} {processed:>14}"
        )
        bad = {k: v for r in rs for k, v in r["statuses"].items() if k not in (200, 202)}
        if bad:
            print(f"  unexpected answers: {bad}")


if __name__ == "__main__":
    main()
