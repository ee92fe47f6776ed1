"""OWNERS benchmark: parsing the real fixture files, editing them, and asking who owns what.

Prints, per real fixture, the time to parse it and to add one login; then, for a generated repository
the size of kubernetes/kubernetes (1,500 OWNERS files, 300 alias groups, a mix of both forms and of
`no_parent_owners`), the time to parse every file, build the view, and answer `approvers_for` /
`reviewers_for` for 10,000 paths, and `roles_of` for one login.

    python bench/bench_owners.py [--files 1500] [--paths 10000]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ladder_rules.owners import RepoOwners, parse_aliases, parse_owners  # noqa: E402
from ladder_rules.owners_edit import add_to_alias, add_to_list  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "owners"


def timed(function, repeat: int = 1) -> float:
    """Best wall time of ``repeat`` runs, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def fixtures() -> None:
    print(f"{'fixture':<80} {'lines':>5} {'parse ms':>9} {'edit ms':>8}")
    for path in sorted(FIXTURES.glob("*.yaml")):
        text = path.read_text()
        if "ALIASES" in path.name:
            group = next(iter(parse_aliases(text)))
            parse = timed(lambda text=text: parse_aliases(text), 5)
            edit = timed(lambda text=text, group=group: add_to_alias(text, group, "bench-login"), 5)
        else:
            parse = timed(lambda text=text: parse_owners(text), 5)
            edit = timed(lambda text=text: add_to_list(text, "approvers", "bench-login"), 5)
        print(f"{path.name:<80} {text.count(chr(10)):>5} {parse:>9.2f} {edit:>8.2f}")


def generated_repository(files: int, seed: int = 7) -> tuple[dict[str, str], str, list[str]]:
    rng = random.Random(seed)
    people = [f"person{i}" for i in range(3000)]
    groups = {f"group{i}-reviewers": rng.sample(people, 8) for i in range(300)}
    aliases = "aliases:\n" + "".join(
        f"  {name}:\n" + "".join(f"    - {member}\n" for member in members) for name, members in groups.items()
    )
    folders = [""]
    while len(folders) < files:
        parent = rng.choice(folders)
        folders.append(f"{parent}/d{len(folders)}".lstrip("/"))
    texts = {}
    for folder in folders:
        approvers = rng.sample(people, 3) + [rng.choice(list(groups))]
        reviewers = rng.sample(people, 4)
        options = "options:\n  no_parent_owners: true\n" if rng.random() < 0.05 else ""
        if rng.random() < 0.3:
            body = (
                'filters:\n  ".*":\n    approvers:\n'
                + "".join(f"      - {a}\n" for a in approvers)
                + "    reviewers:\n"
                + "".join(f"      - {r}\n" for r in reviewers)
                + '  "\\\\.md$":\n    labels:\n      - kind/documentation\n'
            )
        else:
            body = (
                "approvers:\n"
                + "".join(f"- {a}\n" for a in approvers)
                + "reviewers:\n"
                + "".join(f"- {r}\n" for r in reviewers)
            )
        texts[f"{folder}/OWNERS".lstrip("/")] = "# See the OWNERS docs\n" + options + body
    paths = [f"{rng.choice(folders)}/file{i}.{rng.choice(['go', 'md', 'yaml'])}".lstrip("/") for i in range(20000)]
    return texts, aliases, paths


def repository(files: int, queries: int) -> None:
    texts, aliases_text, paths = generated_repository(files)
    paths = paths[:queries]
    start = time.perf_counter()
    parsed = {path: parse_owners(text, path) for path, text in texts.items()}
    aliases = parse_aliases(aliases_text)
    parse_s = time.perf_counter() - start
    start = time.perf_counter()
    owners = RepoOwners(parsed, aliases)
    build_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    for path in paths:
        owners.approvers_for(path)
        owners.reviewers_for(path)
    query_us = (time.perf_counter() - start) / (2 * len(paths)) * 1e6
    roles_ms = timed(lambda: owners.roles_of("person42"))
    lines = sum(text.count("\n") for text in texts.values())
    print(f"\ngenerated repository: {len(texts)} OWNERS files ({lines} lines), {len(aliases)} alias groups")
    print(f"  parse every file and the aliases: {parse_s:.2f} s")
    print(f"  build the view:                   {build_ms:.1f} ms")
    print(f"  approvers_for / reviewers_for:    {query_us:.1f} µs per path ({len(paths)} paths)")
    print(f"  roles_of one login:               {roles_ms:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1500)
    parser.add_argument("--paths", type=int, default=10000)
    args = parser.parse_args()
    fixtures()
    repository(args.files, args.paths)


if __name__ == "__main__":
    main()
