"""Every script in bench/ runs in its quick mode and prints its figures in the documented form.

No timing is asserted (a test checks behaviour; bench/ measures): each test checks that the script ran
to the end, that the service answered every delivery it was sent, and that each figure docs/benchmarks.md
quotes is printed with its unit.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NUMBER = r"[\d,]+(?:\.\d+)?"


def run(script: str, *args: str, timeout: float = 240) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_ingest_burst_prints_each_peer_with_its_ratios():
    out = run("bench_ingest.py", "--quick", "--peers", "baseline,ladder,ladder-web")
    assert "burst: 40 signed pull_request deliveries of 24,575 bytes, 16 concurrent, 1 rounds interleaved" in out
    for name in (
        "baseline: aiohttp, signature only",
        "ladder serve (store, 202, process)",
        "ladder serve --web-only + ladder work",
    ):
        line = next(line for line in out.splitlines() if line.startswith(name))
        assert re.search(rf"{NUMBER}\s+{NUMBER}\s+-\s+{NUMBER}\s+{NUMBER}", line), line
    assert re.search(r"round 1 ladder .* all processed \d+\.\d\d s  answers \{202: 40\}", out)
    assert "unexpected answers" not in out


def test_ingest_open_loop_prints_the_offered_rate():
    out = run("bench_ingest.py", "--quick", "--peers", "baseline,ladder", "--rate", "500")
    assert "open loop: 100 signed pull_request deliveries/s of 24,575 bytes offered for 0.2 s" in out
    assert re.search(r"round 1 ladder .*answers \{202: 20\}", out)


@pytest.mark.skipif(shutil.which("node") is None or shutil.which("npm") is None, reason="node and npm not installed")
def test_ingest_against_probot_prints_the_ratio_to_it():
    out = run("bench_ingest.py", "--quick", "--peers", "probot,ladder")
    if "probot peer skipped" in out:
        pytest.skip(out.splitlines()[0])
    line = next(line for line in out.splitlines() if line.startswith("ladder serve (store, 202, process)"))
    assert re.search(rf"{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}", line), line


def test_e2e_processes_every_delivery_of_the_mix():
    out = run("bench_e2e.py", "--quick")
    assert "end to end: 50 deliveries/s offered, for 1 s: 50 deliveries (mix: pull_request.opened 10%" in out
    assert "answers {202: 50};" in out
    assert re.search(
        r"processed 50 of 50 \(\{'done': 50\}\): \d+ deliveries/s fully processed; max queue depth \d+,"
        r" max lag \d+\.\d\d s; RSS max \d+ MB, HWM \d+ MB",
        out,
    ), out


def test_e2e_peak_day_states_its_assumption():
    out = run("bench_e2e.py", "--quick", "--peak-day")
    assert "peak day at 10x: 60,000 deliveries/day assumed, x10, peak hour x3 with 10 s bursts x20" in out
    assert re.search(r"processed (\d+) of \1 ", out), out


def test_memory_prints_rss_from_outside_and_both_timings():
    out = run("bench_memory.py", "--quick")
    assert re.search(r"database: 2,000 activity rows, 100 people", out), out
    assert re.search(r"full re-evaluation: .* = \d+\.\d\d s for \d+ people \(goal 5 s, ratio \d\.\d\d\)", out)
    assert re.search(r"incremental update .* 10 runs: median \d+\.\d\d ms, .*\(goal 5 ms, ratio \d+\.\d\d\)", out)
    assert re.search(r"VmRSS \d+ MB, VmHWM \d+ MB \(goal 300 MB, ratio \d\.\d\d\)", out)


def test_evaluate_prints_full_incremental_and_memory():
    out = run("bench_evaluate.py", "--quick")
    assert "full re-evaluation: build_index" in out and "(goal 5 s, ratio" in out
    assert re.search(r"incremental update .*, 10 runs: median \d+\.\d\d ms", out)
    assert re.search(r"peak traced memory of build_index \+ evaluate_all: \d+ MB", out)


def test_everyone_prints_full_pass_incremental_and_memory_for_everyone():
    out = run("bench_everyone.py", "--quick")
    assert "facts: 100 people, 500 PRs + 1,500 signals = 2,000 rows, 300 OWNERS folders" in out
    full = re.search(
        r"full pass: build_index \d+\.\d\d s \+ evaluate_everyone \d+\.\d\d s = \d+\.\d\d s \(goal 10 s, ratio"
        r" \d+\.\d\d\); (\d+) of (\d+) people evaluated, (\d+) at an OWNERS folder below a repository's root;"
        r" levels \{'approver': (\d+), 'member': (\d+), 'reviewer': (\d+)\}",
        out,
    )
    assert full, out
    evaluated, people, _, approver, member, reviewer = map(int, full.groups())
    # nobody in the generated org is a bot or at the top: all 100 evaluated, each for exactly one level
    assert (evaluated, people) == (100, 100) and approver + member + reviewer == 100
    # the generator's holdings: every 20th person is a reviewer (next: approver), every 3rd a member (next:
    # reviewer); the rest hold nothing (next: member)
    assert approver == 5
    assert member == sum(1 for pid in range(1, 101) if pid % 3 and pid % 20)
    assert reviewer == 100 - 5 - member
    assert re.search(
        r"incremental update .*, 10 runs: median \d+\.\d\d ms, max \d+\.\d\d ms, \d+\.\d people a delivery"
        r" \(goal 5 ms, ratio \d+\.\d\d\)",
        out,
    ), out
    assert re.search(r"peak RSS \(ru_maxrss, whole process\): \d+ MB", out), out
    assert re.search(r"peak traced memory \(tracemalloc\) of build_index \+ evaluate_everyone: \d+ MB", out), out
