"""Benchmark: backfill a generated organisation (20 repositories, 20,000 pull requests with reviews,
review comments and comments) from the GitHub stand-in into a fresh SQLite file.

    python bench/bench_backfill.py [--repos 20] [--prs 20000] [--paths]

Prints pull requests per second overall (stand-in, HTTP and import together), the import itself
(normalising and writing, not the network or the stand-in), GraphQL points per 1,000 pull requests (in
all and per kind of query), and the REST calls the import made (other than the installation token).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

from app.backfill import jobs  # noqa: E402
from app.backfill.runner import Options, run_jobs  # noqa: E402
from app.github import GitHubClient  # noqa: E402
from app.stand_in import start_stand_in  # noqa: E402
from app.stand_in.graphql_api import parse_and_validate, query_cost  # noqa: E402
from app.store import open_database  # noqa: E402

INSTALLATION = 1


def generate(state, repos: int, prs: int, seed: int = 7) -> dict[str, int]:
    """A year of history: each pull request has 0-3 reviews (some with inline comments) and 0-4 comments."""
    rng = random.Random(seed)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    people = [f"dev{i}" for i in range(300)]
    state.add_installation(INSTALLATION, "bench-org")
    counts = {"reviews": 0, "review_comments": 0, "comments": 0}
    per_repo = prs // repos
    for r in range(repos):
        name = f"bench-org/repo{r:02d}"
        state.add_repo(name)
        for i in range(per_repo):
            created = now - timedelta(days=360 * (per_repo - i) / per_repo, minutes=rng.randrange(600))
            author = rng.choice(people)
            merged = created + timedelta(hours=rng.randrange(1, 200)) if rng.random() < 0.8 else None
            pr = state.add_pull_request(
                name,
                author=author,
                created_at=created,
                merged_at=merged,
                additions=rng.randrange(1, 400),
                deletions=rng.randrange(0, 100),
                labels=rng.sample(["kind/bug", "kind/feature", "size/M", "lgtm"], rng.randrange(3)),
                files=[f"pkg/m{rng.randrange(20)}/f{j}.go" for j in range(rng.randrange(1, 6))],
            )
            at = created + timedelta(minutes=30)
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                inline = [(f"pkg/f{j}.go", "nit") for j in range(rng.choice((0, 0, 1, 2)))]
                state.add_review(
                    name,
                    pr.number,
                    author=rng.choice(people),
                    at=at,
                    state=rng.choice(("APPROVED", "COMMENTED", "CHANGES_REQUESTED")),
                    comments=inline,
                )
                counts["reviews"] += 1
                counts["review_comments"] += len(inline)
            for _ in range(rng.randrange(5)):
                state.add_comment(
                    name,
                    pr.number,
                    author=rng.choice(people),
                    at=at,
                    body=rng.choice(("/lgtm", "/approve", "Thanks!", "/lgtm\n/approve", "ping")),
                )
                counts["comments"] += 1
    return counts


async def main(args: argparse.Namespace) -> None:
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
    stand_in.state.graphql_limit = 12_500
    started = time.perf_counter()
    counts = generate(stand_in.state, args.repos, args.prs)
    print(
        f"generated {args.prs:,} pull requests in {args.repos} repositories, {counts['reviews']:,} reviews, "
        f"{counts['review_comments']:,} review comments, {counts['comments']:,} comments "
        f"({time.perf_counter() - started:.1f} s)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "ladder.db")
        since = jobs.iso(datetime.now(timezone.utc) - timedelta(days=365))
        repos = [(r.id, r.full_name, INSTALLATION) for r in stand_in.state.repos.values()]
        jobs.schedule(db, repos, since=since, reason="cli", paths=args.paths)
        async with aiohttp.ClientSession() as session:
            github = GitHubClient(session, app_id=1, private_key=private, api_url=stand_in.url)
            budgets: dict = {}
            options = Options()
            started = time.perf_counter()
            report = await run_jobs(db, github, options=options, budgets=budgets)
            elapsed = time.perf_counter() - started
        stored = db.execute("SELECT count(*) FROM pull_requests").fetchone()[0]
        stored_rc = db.execute("SELECT count(*) FROM review_comments").fetchone()[0]
        db.close()
    by_kind: dict[str, list[int]] = {}
    rest_calls = 0
    for request in stand_in.requests:
        if request.path != "/graphql":
            rest_calls += "/access_tokens" not in request.path  # the installation token is not history
            continue
        parsed, _ = parse_and_validate(request.body["query"])
        name = request.body["query"].split("(")[0].split()[-1]
        by_kind.setdefault(name, []).append(query_cost(parsed, None, request.body.get("variables") or {})[0])
    await stand_in.close()
    points = sum(b.used for b in budgets.values())
    queries = sum(b.queries for b in budgets.values())
    stats = options.stats
    assert stored == args.prs and report.failed == [], (stored, report.failed)
    assert stored_rc == counts["review_comments"], (stored_rc, counts["review_comments"])
    print(
        f"backfilled {report.pull_requests:,} pull requests in {elapsed:.1f} s: "
        f"{report.pull_requests / elapsed:,.0f} PRs/s overall"
    )
    print(
        f"import itself (normalise + ledger write): {stats.pull_requests / stats.seconds:,.0f} PRs/s "
        f"({stats.seconds:.2f} s)"
    )
    print(
        f"GraphQL: {queries:,} queries, {points:,} points = {points * 1000 / report.pull_requests:.1f} points "
        f"per 1,000 pull requests"
    )
    for name, costs in sorted(by_kind.items()):
        print(
            f"  {name}: {len(costs):,} queries, {sum(costs):,} points = "
            f"{sum(costs) * 1000 / report.pull_requests:.1f} per 1,000 pull requests"
        )
    print(f"REST calls for history: {rest_calls}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=20)
    parser.add_argument("--prs", type=int, default=20_000)
    parser.add_argument("--paths", action="store_true", help="also import changed paths")
    asyncio.run(main(parser.parse_args()))
