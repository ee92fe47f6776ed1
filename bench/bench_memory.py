"""Memory benchmark: the worker's indexes over 1,000,000 activity rows read from the database, measured
from outside the process.

The parent writes bench_evaluate's synthetic org (10,000 people; 250,000 pull requests and 750,000 review
signals: reviews, review comments, `/lgtm` and `/approve` comments) into a fresh SQLite file with Ladder's
schema, then starts a child that does what `ladder serve`'s worker does for an organisation: the
`Evaluator` reads the ledger (app/store/facts.py) and builds the index, evaluates everyone once (the full
re-evaluation), then applies incremental updates (one pull request gains a `/lgtm` in the database,
`refresh_pull_request` + re-evaluating the people it touches). The parent reads the child's VmRSS and
VmHWM from /proc/PID/status while the index is held. Goals: RSS <= 300 MB, update median <= 5 ms, full
re-evaluation <= 5 s.

    python bench/bench_memory.py [--people 10000] [--rows 1000000]
    python bench/bench_memory.py --quick
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

ORG = "bench"


def iso(value) -> str | None:
    return None if value is None else value.isoformat()


def write_database(path: Path, people: int, rows: int) -> int:
    """bench_evaluate's facts, as ledger rows; returns the number of activity rows written."""
    from bench_evaluate import generate

    from app.store.database import open_database
    from ladder_rules.facts import APPROVE, LGTM, REVIEW, REVIEW_COMMENT

    facts = generate(people, rows, 1)
    db = open_database(path, durable=False)
    repo_ids = {name: i + 1 for i, name in enumerate(facts.repositories)}
    written = 0
    with db.transaction():
        db.executemany(
            "INSERT INTO repositories (id, installation_id, full_name, owner, name, created_at)"
            " VALUES (?, 1, ?, ?, ?, ?)",
            [(i, n, ORG, n.split("/")[1], iso(facts.repositories[n].created_at)) for n, i in repo_ids.items()],
        )
        db.executemany(
            "INSERT INTO people (id, login, type, company) VALUES (?, ?, 'User', ?)",
            [(p.id, p.login, p.company) for p in facts.people.values()],
        )
        prs, files, reviews, review_comments, comments = [], [], [], [], []
        for pr in facts.pull_requests.values():
            repo = repo_ids[pr.repo]
            prs.append(
                (
                    pr.id + 1,
                    repo,
                    pr.number,
                    pr.author_id,
                    pr.url,
                    iso(pr.created_at),
                    iso(pr.merged_at),
                    pr.additions,
                    pr.deletions,
                )
            )
            files.extend((pr.id + 1, p) for p in pr.paths or ())
            for s in pr.signals:
                if s.kind == REVIEW:
                    reviews.append((repo, pr.number, s.person_id, s.state, iso(s.at), s.url))
                elif s.kind == REVIEW_COMMENT:
                    review_comments.append((repo, pr.number, s.person_id, iso(s.at), s.url))
                else:
                    comments.append(
                        (repo, pr.number, s.person_id, iso(s.at), s.url, int(s.kind == LGTM), int(s.kind == APPROVE))
                    )
        db.executemany(
            "INSERT INTO pull_requests (id, repo_id, number, author_id, html_url, created_at, merged_at, additions,"
            " deletions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            prs,
        )
        db.executemany("INSERT INTO pull_request_files (pr_id, path) VALUES (?, ?)", files)
        db.executemany(
            "INSERT INTO reviews (repo_id, pr_number, reviewer_id, state, submitted_at, html_url)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            reviews,
        )
        db.executemany(
            "INSERT INTO review_comments (repo_id, pr_number, author_id, created_at, html_url) VALUES (?, ?, ?, ?, ?)",
            review_comments,
        )
        db.executemany(
            "INSERT INTO issue_comments (repo_id, issue_number, is_pull_request, author_id, created_at, html_url,"
            " lgtm, approve) VALUES (?, ?, 1, ?, ?, ?, ?, ?)",
            comments,
        )
        written = len(prs) + len(reviews) + len(review_comments) + len(comments)
    db.close()
    return written


CHILD = """
import gc, json, random, statistics, sys, time
from datetime import UTC, datetime
sys.path.insert(0, sys.argv[2])
from app.evaluations import Evaluator
from app.store.database import open_database
from ladder_rules.builtin import builtin_ladder
from ladder_rules.definitions import Definitions
from ladder_rules.evaluate import evaluate_all
from ladder_rules.facts import Scope
db = open_database(sys.argv[1], durable=False)
ladder, definitions, scope = builtin_ladder("kubernetes"), Definitions(), Scope("bench")
now = datetime(2026, 1, 1, tzinfo=UTC)
evaluator = Evaluator(db)
t0 = time.perf_counter()
index = evaluator.index("bench", ladder, definitions)
t1 = time.perf_counter()
results = evaluate_all(index, ladder, scope, now)
t2 = time.perf_counter()
del results
gc.collect()
gc.freeze()  # what a long-running worker should do after loading: the index out of the collector's sight
built = {"phase": "built", "load_build": t1 - t0, "evaluate_all": t2 - t1, "people": len(index.people)}
print(json.dumps(built), flush=True)
sys.stdin.readline()  # the parent reads RSS now
rnd = random.Random(2)
prs = db.query("SELECT repo_id, number FROM pull_requests")
people = [row[0] for row in db.query("SELECT id FROM people")]
times = []
for i in range(int(sys.argv[3])):
    repo_id, number = rnd.choice(prs)
    db.execute(
        "INSERT INTO issue_comments (repo_id, issue_number, is_pull_request, author_id, created_at, html_url, lgtm)"
        " VALUES (?, ?, 1, ?, ?, ?, 1)",
        [repo_id, number, rnd.choice(people), "2025-12-31T00:00:00+00:00", f"https://example/{i}"],
    )
    s = time.perf_counter()
    affected = evaluator.refresh_pull_request("bench", repo_id, number)
    for pid in affected:
        if pid in index.people:
            evaluate_all(index, ladder, scope, now, people=[pid])
    times.append(time.perf_counter() - s)
updated = {"phase": "updated", "median_ms": 1000 * statistics.median(times), "max_ms": 1000 * max(times)}
print(json.dumps(updated), flush=True)
sys.stdin.readline()
"""


def status(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, value = line.split(":", 1)
            out[name] = int(value.split()[0]) / 1024
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (the tests use it)")
    args = parser.parse_args(argv)
    if args.quick:
        args.people, args.rows, args.updates = 100, 2_000, 10
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "memory.db"
        t = time.perf_counter()
        written = write_database(path, args.people, args.rows)
        print(
            f"database: {written:,} activity rows, {args.people:,} people ({time.perf_counter() - t:.1f} s to write,"
            f" {path.stat().st_size / 2**20:.0f} MB)"
        )
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(ROOT), str(args.updates)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            built = json.loads(child.stdout.readline())
            held = status(child.pid)
            child.stdin.write("\n")
            child.stdin.flush()
            updated = json.loads(child.stdout.readline())
            after = status(child.pid)
            child.stdin.write("\n")
            child.stdin.flush()
        finally:
            child.wait(60)
    full = built["load_build"] + built["evaluate_all"]
    print(
        f"full re-evaluation: read the ledger + build_index {built['load_build']:.2f} s + evaluate_all"
        f" {built['evaluate_all']:.2f} s = {full:.2f} s for {built['people']:,} people (goal 5 s, ratio {full / 5:.2f})"
    )
    print(
        f"incremental update (a /lgtm stored, refresh_pull_request + re-evaluate), {args.updates} runs: median"
        f" {updated['median_ms']:.2f} ms, max {updated['max_ms']:.1f} ms"
        f" (goal 5 ms, ratio {updated['median_ms'] / 5:.2f})"
    )
    rss, hwm = max(held["VmRSS"], after["VmRSS"]), max(held["VmHWM"], after["VmHWM"])
    print(f"RSS from outside, index held: VmRSS {rss:.0f} MB, VmHWM {hwm:.0f} MB (goal 300 MB, ratio {rss / 300:.2f})")


if __name__ == "__main__":
    main()
