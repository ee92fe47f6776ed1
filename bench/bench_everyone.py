"""Benchmark: evaluate EVERYONE of a generated organisation — 10,000 people, 1,000,000 activity rows, 300
OWNERS folders — each for their next level at the folder ladder_rules/everyone.py chooses.

The facts are bench_evaluate's generator (50 repositories, 20 folders each, skewed activity); the OWNERS
folders are each repository's root and `pkg/area0` … `pkg/area4` (50 × 6 = 300), and the holdings are the
generator's (a third are members, one in twenty a reviewer of a repository). What is timed is the pure
path `Evaluator.evaluate_everyone` runs: `build_index` + `evaluate_everyone` over every person (the store
writes are not counted), then one delivery's incremental update — a pull request gains a `/lgtm`:
`update_pull_request`, `Folders.forget`, `evaluate_everyone(people=affected)` — the median of many.
Memory: the process's peak RSS (`ru_maxrss`, facts included) and, traced separately, tracemalloc's peak
of the index + every evaluation. Goals: full pass <= 10 s, incremental <= 5 ms median.

    python bench/bench_everyone.py [--people 10000] [--rows 1000000] [--updates 200]
    python bench/bench_everyone.py --quick
    python bench/bench_everyone.py --profile    # cProfile of the full pass, top functions
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import random
import resource
import statistics
import sys
import time
import tracemalloc
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_evaluate import NOW, ORG, generate, size_arguments, sizes  # noqa: E402

from ladder_rules.builtin import builtin_ladder  # noqa: E402
from ladder_rules.definitions import Definitions  # noqa: E402
from ladder_rules.everyone import Folders, evaluate_everyone  # noqa: E402
from ladder_rules.facts import LGTM, PullRequestSignal  # noqa: E402
from ladder_rules.metrics import build_index  # noqa: E402

OWNERS_PER_REPO = ("", "pkg/area0", "pkg/area1", "pkg/area2", "pkg/area3", "pkg/area4")


def owners_folders(facts) -> dict[str, list[str]]:
    """Every repository's root and five of its folders hold an OWNERS file (300 for 50 repositories)."""
    return {name.lower(): list(OWNERS_PER_REPO) for name in facts.repositories}


def full_pass(facts, ladder, by_repo):
    index = build_index(facts, Definitions())
    folders = Folders(ORG, by_repo)
    return index, folders, evaluate_everyone(index, ladder, folders, NOW)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size_arguments(parser)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions of the full pass")
    args = sizes(parser.parse_args())

    t = time.perf_counter()
    facts = generate(args.people, args.rows, args.seed)
    by_repo = owners_folders(facts)
    n_signals = sum(len(pr.signals) for pr in facts.pull_requests.values())
    n_folders = sum(len(f) for f in by_repo.values())
    print(
        f"facts: {len(facts.people):,} people, {len(facts.pull_requests):,} PRs + {n_signals:,} signals "
        f"= {len(facts.pull_requests) + n_signals:,} rows, {n_folders:,} OWNERS folders "
        f"(generated in {time.perf_counter() - t:.1f} s)"
    )
    rss_facts = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    gc.freeze()  # as a service does after loading its facts (see docs/benchmarks-evaluate.md)
    ladder = builtin_ladder("kubernetes")

    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        full_pass(facts, ladder, by_repo)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        return

    t0 = time.perf_counter()
    index = build_index(facts, Definitions())
    t1 = time.perf_counter()
    folders = Folders(ORG, by_repo)
    results = evaluate_everyone(index, ladder, folders, NOW)
    t2 = time.perf_counter()
    levels: dict[str, int] = {}
    states: dict[str, int] = {}
    in_folder = 0
    for ev in results.values():
        levels[ev.level] = levels.get(ev.level, 0) + 1
        states[ev.state.value] = states.get(ev.state.value, 0) + 1
        in_folder += ev.scope.path is not None
    print(
        f"full pass: build_index {t1 - t0:.2f} s + evaluate_everyone {t2 - t1:.2f} s = {t2 - t0:.2f} s "
        f"(goal 10 s, ratio {(t2 - t0) / 10:.2f}); {len(results):,} of {len(index.people):,} people evaluated, "
        f"{in_folder:,} at an OWNERS folder below a repository's root; levels {dict(sorted(levels.items()))}, "
        f"states {dict(sorted(states.items()))}"
    )

    # incremental: one delivery (a /lgtm on a PR); re-evaluate everyone it touches where everyone.py says
    rnd = random.Random(args.seed + 1)
    ids = list(facts.pull_requests)
    times = []
    touched = []
    for _ in range(args.updates):
        pr = facts.pull_requests[rnd.choice(ids)]
        reviewer = rnd.randrange(1, args.people + 1)
        at = pr.signals[-1].at + timedelta(minutes=5) if pr.signals else pr.created_at
        new = replace(pr, signals=pr.signals + (PullRequestSignal(reviewer, at, LGTM, pr.url + "#new"),))
        facts.pull_requests[pr.id] = new
        s = time.perf_counter()
        affected = index.update_pull_request(new)
        folders.forget(index.pr_index[new.id])
        evaluate_everyone(index, ladder, folders, NOW, people=[p for p in affected if p in index.people])
        times.append(time.perf_counter() - s)
        touched.append(len(affected))
    med, worst = statistics.median(times) * 1000, max(times) * 1000
    print(
        f"incremental update (update_pull_request + re-evaluate the people it touches), {args.updates} runs: "
        f"median {med:.2f} ms, max {worst:.2f} ms, {statistics.mean(touched):.1f} people a delivery "
        f"(goal 5 ms, ratio {med / 5:.2f})"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS (ru_maxrss, whole process): {rss:.0f} MB (after generating the facts: {rss_facts:.0f} MB)")

    del results, index, folders
    gc.collect()
    tracemalloc.start()
    full_pass(facts, ladder, by_repo)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak traced memory (tracemalloc) of build_index + evaluate_everyone: {peak / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
