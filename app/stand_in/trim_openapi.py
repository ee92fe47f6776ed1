"""Cut GitHub's REST description down to the operations Ladder uses, plus their `$ref` closure.

The full description (npm @octokit/openapi 23.0.2, MIT; 13 MB, 1,223 operations) is too slow to load in
every test. The stand-in validates requests against the subset this script writes. Run it again after
adding an operation to USED_OPERATIONS:

    python -m app.stand_in.trim_openapi /work/shared/github/rest-openapi.json

Examples are dropped (they are only samples and make up most of the size); nothing else is edited.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).with_name("rest-openapi.subset.json")

# (method, path) of every REST call the app (and the stand-in's callers) may make.
USED_OPERATIONS: tuple[tuple[str, str], ...] = (
    ("get", "/app"),
    ("get", "/app/installations"),
    ("get", "/app/installations/{installation_id}"),
    ("post", "/app/installations/{installation_id}/access_tokens"),
    ("get", "/installation/repositories"),
    ("get", "/rate_limit"),
    ("get", "/repos/{owner}/{repo}/installation"),
    ("get", "/orgs/{org}/installation"),
    ("get", "/users/{username}"),
    ("get", "/user/{account_id}"),
    ("get", "/orgs/{org}/members"),
    ("get", "/orgs/{org}/members/{username}"),
    ("get", "/orgs/{org}/repos"),
    ("get", "/repos/{owner}/{repo}"),
    ("get", "/repos/{owner}/{repo}/contents/{path}"),
    ("put", "/repos/{owner}/{repo}/contents/{path}"),
    ("get", "/repos/{owner}/{repo}/git/ref/{ref}"),
    ("post", "/repos/{owner}/{repo}/git/refs"),
    ("patch", "/repos/{owner}/{repo}/git/refs/{ref}"),
    ("delete", "/repos/{owner}/{repo}/git/refs/{ref}"),
    ("get", "/repos/{owner}/{repo}/git/trees/{tree_sha}"),
    ("get", "/repos/{owner}/{repo}/commits"),
    ("get", "/repos/{owner}/{repo}/commits/{ref}"),
    ("get", "/repos/{owner}/{repo}/issues"),
    ("post", "/repos/{owner}/{repo}/issues"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}"),
    ("patch", "/repos/{owner}/{repo}/issues/{issue_number}"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/labels"),
    ("get", "/repos/{owner}/{repo}/issues/comments"),
    ("get", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    ("patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    ("get", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"),
    ("post", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"),
    ("get", "/repos/{owner}/{repo}/pulls"),
    ("post", "/repos/{owner}/{repo}/pulls"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("patch", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/files"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/comments"),
    ("get", "/search/issues"),
    # The dashboard's sign-in, with the visitor's user access token
    ("get", "/user"),
    ("get", "/user/memberships/orgs"),
)


def _refs(node: Any, found: set[str]) -> None:
    """Collect every local `$ref` target under `node`."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            found.add(ref)
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def _drop_examples(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _drop_examples(v) for k, v in node.items() if k not in ("examples", "example")}
    if isinstance(node, list):
        return [_drop_examples(v) for v in node]
    return node


def _lookup(doc: dict, ref: str) -> Any:
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def trim(doc: dict) -> dict:
    """Return the subset of `doc` holding USED_OPERATIONS and everything they reference."""
    paths: dict[str, dict] = {}
    for method, path in USED_OPERATIONS:
        item = doc["paths"][path]
        target = paths.setdefault(path, {k: v for k, v in item.items() if k == "parameters"})
        target[method] = _drop_examples(item[method])
    components: dict[str, dict] = {}
    pending: set[str] = set()
    _refs(paths, pending)
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, section, name = ref[2:].split("/", 2)
        value = _drop_examples(_lookup(doc, ref))
        components.setdefault(section, {})[name] = value
        _refs(value, pending)
    info = dict(doc["info"])
    info["x-ladder-provenance"] = (
        "Trimmed by app/stand_in/trim_openapi.py from npm @octokit/openapi "
        f"{doc['info'].get('version')} (MIT): {len(USED_OPERATIONS)} operations plus their $ref closure; "
        "examples removed."
    )
    return {
        "openapi": doc["openapi"],
        "info": info,
        "paths": paths,
        "components": {section: dict(sorted(items.items())) for section, items in sorted(components.items())},
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0] if args else "/work/shared/github/rest-openapi.json")
    subset = trim(json.loads(source.read_text(encoding="utf-8")))
    OUTPUT.write_text(json.dumps(subset, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(subset['paths'])} paths, {OUTPUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
