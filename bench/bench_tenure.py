"""Benchmark: how many GitHub requests dating a roster entry costs, by the length of the file's history.

    python bench/bench_tenure.py [--commits 10 100 200 1000] [--people 20]

For each history length, an OWNERS file gains one reviewer per commit (the stand-in serves it over real
HTTP). Prints, for dating one person alone: list calls and content reads (worst over the people tried),
beside log2(n); and for dating `--people` people through one shared history: total reads. Also the wall
time per search, which is mostly the local stand-in.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

from app.github import GitHubClient  # noqa: E402
from app.rosters.tenure import FileHistory, OwnersList, find_entry  # noqa: E402
from app.stand_in import start_stand_in  # noqa: E402

INSTALLATION = 1
BASE = datetime(2018, 1, 1, tzinfo=timezone.utc)


def owners_text(k: int) -> str:
    return (
        "# See the OWNERS docs at https://go.k8s.io/owners\n\nreviewers:\n"
        + "".join(f"  - dev{i}\n" for i in range(k))
        + "approvers:\n  - lead\n"
    )


async def run(lengths: list[int], people: int) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    stand_in = await start_stand_in(app_id=1, public_key=public)
    state = stand_in.state
    state.add_installation(INSTALLATION, "bench")
    print(
        f"{'commits':>8} {'log2':>5} {'list':>5} {'reads(max)':>10} {'shared reads/' + str(people):>16} "
        f"{'ms/search':>9}"
    )
    try:
        async with aiohttp.ClientSession() as session:
            gh = await GitHubClient(session, app_id=1, private_key=private, api_url=stand_in.url).for_installation(
                INSTALLATION
            )
            for n in lengths:
                repo = f"bench/r{n}"
                state.add_repo(repo, files={"OWNERS": owners_text(1)}, at=BASE)
                for k in range(2, n + 1):
                    state.commit(repo, "main", {"OWNERS": owners_text(k)}, at=BASE + timedelta(hours=k))
                tried = [int(i * (n - 1) / max(people - 1, 1)) for i in range(people)]
                worst_list = worst_reads = 0
                started = time.perf_counter()
                for i in tried:
                    history = FileHistory(gh, repo, "OWNERS")
                    entry = await find_entry(history, f"dev{i}", OwnersList("reviewers"))
                    # dev{i} arrives with revision i + 1, committed i + 1 hours in (the first at BASE)
                    expected = BASE if i == 0 else BASE + timedelta(hours=i + 1)
                    assert entry is not None and entry.at == expected, (n, i, entry)
                    worst_list = max(worst_list, history.calls.list_calls)
                    worst_reads = max(worst_reads, history.calls.content_calls)
                per_search = (time.perf_counter() - started) / len(tried) * 1000
                shared = FileHistory(gh, repo, "OWNERS")
                for i in tried:
                    await find_entry(shared, f"dev{i}", OwnersList("reviewers"), assume_present=True)
                print(
                    f"{n:>8} {math.log2(n):>5.1f} {worst_list:>5} {worst_reads:>10} "
                    f"{shared.calls.content_calls:>16} {per_search:>9.1f}"
                )
    finally:
        await stand_in.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, nargs="+", default=[10, 100, 200, 1000])
    parser.add_argument("--people", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(run(args.commits, args.people))


if __name__ == "__main__":
    main()
