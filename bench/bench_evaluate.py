"""Benchmark: index and evaluate 10,000 people over 1,000,000 activity rows (pull requests + signals).

Prints the time of `build_index` + a full `evaluate_all`, the time of one incremental update
(`update_pull_request` + re-evaluating the people it affects), and peak memory. Goals (2-core machine):
full <= 5 s, incremental <= 5 ms, peak <= 300 MB.

    python bench/bench_evaluate.py [--people 10000] [--rows 1000000] [--seed 1]
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import time
import tracemalloc
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from ladder_rules.builtin import builtin_ladder
from ladder_rules.definitions import Definitions
from ladder_rules.evaluate import evaluate_all
from ladder_rules.facts import (
    APPROVE,
    COMMENT,
    LGTM,
    REVIEW,
    REVIEW_COMMENT,
    Facts,
    Holding,
    Person,
    PullRequestFacts,
    PullRequestSignal,
    Repository,
    Scope,
)
from ladder_rules.metrics import build_index

ORG = "bench"
START = datetime(2024, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 1, 1, tzinfo=UTC)
KINDS = (REVIEW, REVIEW_COMMENT, LGTM, APPROVE, COMMENT)
STATES = ("APPROVED", "COMMENTED", "CHANGES_REQUESTED")


def generate(people: int, rows: int, seed: int) -> Facts:
    """A synthetic org: 50 repositories, a quarter of the rows are PRs and the rest review signals;
    activity is skewed (a few people do most of it), as in real projects."""
    rnd = random.Random(seed)
    facts = Facts()
    repos = [f"{ORG}/repo-{i}" for i in range(50)]
    for i, name in enumerate(repos):
        facts.repositories[name] = Repository(name, START - timedelta(days=30 * i), review_acts_as_lgtm=i % 5 == 0)
    folders = [f"pkg/area{i}" for i in range(20)]
    org = Scope(ORG)
    for pid in range(1, people + 1):
        holdings = []
        if pid % 3 == 0:
            holdings.append(Holding("member", org, START + timedelta(days=rnd.randrange(600))))
        if pid % 20 == 0:
            holdings.append(Holding("reviewer", Scope(ORG, rnd.choice(repos)[len(ORG) + 1 :]), START))
        facts.people[pid] = Person(pid, f"user{pid}", rnd.choice(("Acme", "Globex", None)), tuple(holdings))
    span = (NOW - START).total_seconds()
    # skewed activity; cumulative weights computed once (`choices` would redo it on every call)
    cum_weights = list(accumulate(1 / (i + 1) ** 0.8 for i in range(people)))
    prs = rows // 4
    signals_left = rows - prs
    authors = rnd.choices(range(1, people + 1), cum_weights=cum_weights, k=prs)
    for n in range(prs):
        repo = repos[n % 50]
        created = START + timedelta(seconds=span * n / prs)
        merged = created + timedelta(hours=rnd.randrange(1, 200)) if rnd.random() < 0.8 else None
        k = min(signals_left, 3 if n < prs - 1 else signals_left)
        signals_left -= k
        reviewers = rnd.choices(range(1, people + 1), cum_weights=cum_weights, k=k)
        url = f"https://github.com/{repo}/pull/{n}"
        sigs = tuple(
            PullRequestSignal(
                p,
                created + timedelta(minutes=10 * (j + 1)),
                kind,
                f"{url}#s{j}",
                rnd.choice(STATES) if kind == REVIEW else None,
            )
            for j, (p, kind) in enumerate(zip(reviewers, rnd.choices(KINDS, k=k)))
        )
        paths = tuple(f"{rnd.choice(folders)}/f{j}.go" for j in range(rnd.randrange(1, 4)))
        facts.pull_requests[n] = PullRequestFacts(
            n, repo, n, url, authors[n], created, merged, rnd.randrange(0, 300), rnd.randrange(0, 100), (), paths, sigs
        )
    return facts


def size_arguments(parser: argparse.ArgumentParser) -> None:
    """The generated organisation's size, shared by the benchmarks built on `generate`."""
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--updates", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (the tests use it)")


def sizes(args: argparse.Namespace) -> argparse.Namespace:
    if args.quick:
        args.people, args.rows, args.updates = 100, 2_000, 10
    return args


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size_arguments(parser)
    args = sizes(parser.parse_args())

    t = time.perf_counter()
    facts = generate(args.people, args.rows, args.seed)
    n_signals = sum(len(pr.signals) for pr in facts.pull_requests.values())
    print(
        f"facts: {len(facts.people):,} people, {len(facts.pull_requests):,} PRs + {n_signals:,} signals "
        f"= {len(facts.pull_requests) + n_signals:,} rows (generated in {time.perf_counter() - t:.1f} s)"
    )
    rss_facts = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # As a long-running service should after loading its facts: move them out of the collector's sight,
    # so a full collection during an update does not walk a million rows (it cost up to 1 s otherwise).
    gc.freeze()

    ladder = builtin_ladder("kubernetes")
    scope = Scope(ORG)  # org-wide: every row is in scope, the heaviest case for evidence
    t0 = time.perf_counter()
    index = build_index(facts, Definitions())
    t1 = time.perf_counter()
    results = evaluate_all(index, ladder, scope, NOW)
    t2 = time.perf_counter()
    states = {}
    for ev in results.values():
        states[ev.state.value] = states.get(ev.state.value, 0) + 1
    print(
        f"full re-evaluation: build_index {t1 - t0:.2f} s + evaluate_all {t2 - t1:.2f} s "
        f"= {t2 - t0:.2f} s (goal 5 s, ratio {(t2 - t0) / 5:.2f}); {len(results):,} evaluations {states}"
    )

    # incremental: one PR gains a review signal; re-evaluate the people it touches
    rnd = random.Random(args.seed + 1)
    ids = list(facts.pull_requests)
    times = []
    for _ in range(args.updates):
        pr = facts.pull_requests[rnd.choice(ids)]
        reviewer = rnd.randrange(1, args.people + 1)
        at = pr.signals[-1].at + timedelta(minutes=5) if pr.signals else pr.created_at
        new = replace(pr, signals=pr.signals + (PullRequestSignal(reviewer, at, LGTM, pr.url + "#new"),))
        facts.pull_requests[pr.id] = new
        s = time.perf_counter()
        affected = index.update_pull_request(new)
        for pid in affected:
            person = index.people.get(pid)
            if person is not None:
                evaluate_all(index, ladder, scope, NOW, people=[pid])
        times.append(time.perf_counter() - s)
    med, worst = statistics.median(times) * 1000, max(times) * 1000
    print(
        f"incremental update (update_pull_request + re-evaluate affected people), {args.updates} runs: "
        f"median {med:.2f} ms, max {worst:.2f} ms (goal 5 ms, ratio {med / 5:.2f})"
    )

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss:.0f} MB for the whole process (facts alone: {rss_facts:.0f} MB)")

    # memory of the index + a full evaluation alone, traced separately (tracemalloc slows things down)
    del results, index
    tracemalloc.start()
    index = build_index(facts, Definitions())
    evaluate_all(index, ladder, scope, NOW)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"peak traced memory of build_index + evaluate_all: {peak / 2**20:.0f} MB "
        f"(goal 300 MB, ratio {peak / 2**20 / 300:.2f})"
    )


if __name__ == "__main__":
    main()
