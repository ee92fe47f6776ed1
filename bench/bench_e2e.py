"""End-to-end benchmark: a realistic mix of deliveries at a fixed offered rate, processed by `ladder serve`.

The mix is made from the real webhook payloads in tests/fixtures/webhooks, with unique ids and numbers:
pull requests opened/labeled/closed, reviews, review comments, issue comments of which half are `/lgtm`,
and pushes, across a few repositories of one installation. An open-loop sender offers `--rate`
deliveries a second for `--seconds` to `ladder serve` (dry-run, fresh SQLite file: stored, recorded in
the ledger, evaluated where a ladder applies, effects planned, nothing written to GitHub); a monitor reads
`/healthz` every second: the queue depth, the age of the oldest pending delivery (the lag) and how many
are processed. RSS is read from outside the process (/proc/PID/status VmRSS and VmHWM).

    python bench/bench_e2e.py [--rate 1000] [--seconds 60]
    python bench/bench_e2e.py --peak-day        # the assumed busiest day of the Kubernetes orgs, at 10x
    python bench/bench_e2e.py --quick

Peak day (an assumption, stated in docs/benchmarks.md): 60,000 deliveries on the busiest day of the
Kubernetes GitHub organisations, a peak hour of 3x the day's mean (2.1 a second) with bursts of 20x the
mean for 10 s (a re-test storm); replayed at 10x that: 21 a second with 10 s bursts at 139 a second.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import HOOK, SECRET, free_port, headers_for, start, stop, wait_up  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "webhooks"
# (event, fixture, weight): PR events a quarter, reviews a fifth, comments a third, pushes a tenth.
MIX = (
    ("pull_request", "opened", 10),
    ("pull_request", "labeled", 8),
    ("pull_request", "closed", 7),
    ("pull_request_review", "submitted", 20),
    ("pull_request_review_comment", "created", 12),
    ("issue_comment", "created", 33),
    ("push", "default", 10),
)
REPOS = 8
PEAK_DAY = {"deliveries_per_day": 60_000, "peak_hour_factor": 3.0, "burst_factor": 20.0, "burst_seconds": 10}


def mix(count: int, seed: int = 1) -> list[tuple[str, bytes, str]]:
    """`count` (delivery id, body, event), drawn from MIX, each with its own ids."""
    rnd = random.Random(seed)
    templates = {(e, f): json.loads((FIXTURES / e / f"{f}.json").read_text()) for e, f, _ in MIX}
    choices = rnd.choices([(e, f) for e, f, _ in MIX], weights=[w for *_, w in MIX], k=count)
    out = []
    for i, key in enumerate(choices):
        event = key[0]
        data = copy.deepcopy(templates[key])
        repo = i % REPOS
        data["repository"]["id"] = 5_000_000 + repo
        data["repository"]["name"] = f"repo-{repo}"
        data["repository"]["full_name"] = f"bench-org/repo-{repo}"
        data["repository"]["owner"]["login"] = "bench-org"
        data["installation"] = {"id": 4242}
        number = 1 + (i // 7) % 500  # a pull request gets several events
        login = f"user{rnd.randrange(300)}"
        data.setdefault("sender", {})["login"] = login
        data["sender"]["id"] = 9_000_000 + int(login[4:])
        if "pull_request" in data:
            data["pull_request"]["number"] = number
            data["pull_request"]["id"] = 70_000_000 + repo * 10_000 + number
            data["number"] = number
        if "review" in data:
            data["review"]["id"] = 80_000_000 + i
            data["review"]["user"]["login"] = login
            data["review"]["user"]["id"] = data["sender"]["id"]
        if "comment" in data:
            data["comment"]["id"] = 90_000_000 + i
            data["comment"]["user"]["login"] = login
            data["comment"]["user"]["id"] = data["sender"]["id"]
            if event == "issue_comment":
                data["comment"]["body"] = "/lgtm" if i % 2 else "Looks reasonable, one question inline."
                data["issue"]["number"] = number
                data["issue"]["id"] = 60_000_000 + repo * 10_000 + number
        out.append((f"e2e-{seed}-{i}", json.dumps(data).encode(), event))
    return out


def rss(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB, read from outside the process."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, value = line.split(":", 1)
            fields[name] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def schedule(args) -> list[float]:
    """Send times (seconds from the start) of every delivery."""
    if not args.peak_day:
        return [i / args.rate for i in range(int(args.rate * args.seconds))]
    mean = PEAK_DAY["deliveries_per_day"] / 86_400 * 10  # at 10x
    peak, burst = mean * PEAK_DAY["peak_hour_factor"], mean * PEAK_DAY["burst_factor"]
    times, t = [], 0.0
    while t < args.seconds:
        in_burst = (t % 60) < PEAK_DAY["burst_seconds"]  # a burst at the start of every minute
        times.append(t)
        t += 1 / (burst if in_burst else peak)
    return times


async def run(base: str, pid: int, payloads, times, drain_limit: float) -> dict:
    samples = []
    answered: dict[int, int] = {}
    lat: list[float] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await wait_up(session, base)
        start_at = time.perf_counter() + 0.1
        done_sending = asyncio.Event()

        async def monitor() -> None:
            while True:
                async with session.get(base + "/healthz") as resp:
                    health = await resp.json()
                now = time.perf_counter() - start_at
                samples.append(
                    (
                        now,
                        health["queue_depth"],
                        health["oldest_pending_age_seconds"] or 0.0,
                        health["processed_deliveries"],
                        health["failed_deliveries"],
                        *rss(pid),
                    )
                )
                if done_sending.is_set() and health["queue_depth"] == 0:
                    return
                if done_sending.is_set() and now > times[-1] + drain_limit:
                    return
                await asyncio.sleep(0.1 if done_sending.is_set() else 1.0)

        async def send(at: float, delivery_id: str, body: bytes, event: str) -> None:
            async with session.post(base + HOOK, data=body, headers=headers_for(delivery_id, body, event)) as resp:
                await resp.read()
                answered[resp.status] = answered.get(resp.status, 0) + 1
            lat.append(time.perf_counter() - at)

        watcher = asyncio.ensure_future(monitor())
        tasks = []
        for at, (delivery_id, body, event) in zip(times, payloads):
            when = start_at + at
            delay = when - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(send(when, delivery_id, body, event)))
        await asyncio.gather(*tasks)
        sent_for = time.perf_counter() - start_at
        done_sending.set()
        await watcher
        drained = time.perf_counter() - start_at
    lat.sort()
    return {
        "samples": samples,
        "answered": answered,
        "sent_for": sent_for,
        "drained": drained,
        "p99_ms": 1000 * lat[int(0.99 * (len(lat) - 1))],
        "p50_ms": 1000 * statistics.median(lat),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=1000.0, help="deliveries offered per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--peak-day", action="store_true", help="the assumed Kubernetes busiest day at 10x")
    parser.add_argument("--drain-limit", type=float, default=120.0, help="seconds to wait for the queue after sending")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (the tests use it)")
    args = parser.parse_args(argv)
    if args.quick:
        args.rate, args.seconds, args.drain_limit = min(args.rate, 50.0), 1.0, 60.0
        if args.peak_day:
            args.seconds = 2.0
    times = schedule(args)
    payloads = mix(len(times))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "e2e.db"
        port = free_port()
        env = {
            "DATABASE_PATH": str(db),
            "HOST": "127.0.0.1",
            "LOG_LEVEL": "warning",
            "APP_ID": "",
            "PORT": str(port),
            "WEBHOOK_SECRET": SECRET,
        }
        proc = start([sys.executable, "-m", "app", "serve"], env, ROOT)
        try:
            result = asyncio.run(run(f"http://127.0.0.1:{port}", proc.pid, payloads, times, args.drain_limit))
        finally:
            stop(proc)
        with sqlite3.connect(db) as conn:
            statuses = dict(conn.execute("SELECT status, count(*) FROM deliveries GROUP BY status").fetchall())
            activity = {
                t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("pull_requests", "reviews", "issue_comments")
                if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [t]).fetchone()
            }
    samples = result["samples"]
    n = len(payloads)
    what = (
        f"peak day at 10x: {PEAK_DAY['deliveries_per_day']:,} deliveries/day assumed, x10, peak hour"
        f" x{PEAK_DAY['peak_hour_factor']:g} with {PEAK_DAY['burst_seconds']} s bursts x{PEAK_DAY['burst_factor']:g}"
        if args.peak_day
        else f"{args.rate:g} deliveries/s offered"
    )
    print(
        f"end to end: {what}, for {args.seconds:g} s: {n:,} deliveries"
        f" (mix: {', '.join(f'{e}.{f} {w}%' for e, f, w in MIX)})"
    )
    print("   t s  queue  lag s  processed  failed  RSS MB  HWM MB")
    step = max(1, len(samples) // 20)
    for s in samples[::step] + ([samples[-1]] if (len(samples) - 1) % step else []):
        print(f"{s[0]:>6.1f} {s[1]:>6} {s[2]:>6.2f} {s[3]:>10} {s[4]:>7} {s[5]:>7.0f} {s[6]:>7.0f}")
    processed = statuses.get("done", 0) + statuses.get("failed", 0)
    print(
        f"answers {dict(sorted(result['answered'].items()))}; p50 {result['p50_ms']:.1f} ms,"
        f" p99 {result['p99_ms']:.1f} ms to the answer;"
        f" offered for {result['sent_for']:.1f} s, all processed at {result['drained']:.1f} s"
    )
    print(
        f"processed {processed:,} of {n:,} ({statuses}):"
        f" {processed / result['drained']:.0f} deliveries/s fully processed;"
        f" max queue depth {max(s[1] for s in samples)}, max lag {max(s[2] for s in samples):.2f} s;"
        f" RSS max {max(s[5] for s in samples):.0f} MB, HWM {max(s[6] for s in samples):.0f} MB; ledger {activity}"
    )


if __name__ == "__main__":
    main()
