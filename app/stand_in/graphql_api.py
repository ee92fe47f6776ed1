"""The stand-in's GraphQL endpoint: checked against GitHub's schema, answered from `State`.

Each query is parsed and validated against GitHub's published schema (a failure is a violation, and
gets GitHub's HTTP 200 + `errors` answer); pagination arguments are checked like GitHub does (`first`
or `last` required to list nodes, at most 100); the cost is computed with GitHub's formula (for every
connection, the number of requests needed to fill it assuming each parent connection is full; the sum
divided by 100, rounded, at least 1) and charged to the installation's hourly budget. A query over
budget, or one met by `state.graphql_rate_limited_next()`, gets HTTP 200 and an error of type
RATE_LIMITED. Execution walks plain dicts built from the state; asking for a field the stand-in does
not model is a violation too, so a backfill never silently reads nulls.

Modelled: `repository(owner, name)` with `pullRequests(first, after, last, before, states, orderBy,
labels, baseRefName, headRefName)`, `pullRequest(number)` and, on each pull request, `author`, `labels`,
`files`, `reviews`
(with their `comments`), `comments`, `reviewThreads`, `timelineItems` (comments, reviews and review
threads only) and the usual scalars; `organization(login)` with `repositories`; `user(login)`;
`node(id)` for review threads; `rateLimit`.
"""

from __future__ import annotations

import base64
import gzip
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import graphql
from cachetools import LRUCache
from graphql import GraphQLError
from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode, OperationDefinitionNode
from graphql.utilities import value_from_ast_untyped

from .state import Installation, Issue, IssueComment, Repo, Review, ReviewComment, State, iso, node_id, utc

SCHEMA_FILE = Path(__file__).with_name("graphql-schema.json.gz")
MAX_PAGE = 100


@lru_cache(maxsize=1)
def schema() -> graphql.GraphQLSchema:
    """GitHub's schema, built once per process (about 0.3 s)."""
    with gzip.open(SCHEMA_FILE, "rt", encoding="utf-8") as f:
        return graphql.build_client_schema(json.load(f), assume_valid=True)


@lru_cache(maxsize=256)
def parse_and_validate(query: str) -> tuple[graphql.DocumentNode | None, tuple[str, ...]]:
    """The parsed query and GitHub's validation errors (cached: clients resend the same text)."""
    try:
        document = graphql.parse(query)
    except GraphQLError as exc:
        return None, (exc.message,)
    errors = graphql.validate(schema(), document)
    return document, tuple(e.message for e in errors)


@dataclass
class Result:
    status: int
    payload: dict
    headers: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # violations to record
    fault: bool = False


# ---------------------------------------------------------------------------------------------- cost
def query_cost(document: graphql.DocumentNode, operation_name: str | None, variables: dict) -> tuple[int, list[str]]:
    """GitHub's cost of a query and what is wrong with its pagination arguments."""
    s = schema()
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, graphql.FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    op = next((o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)), None)
    if op is None:
        return 1, ["no operation to run"]
    values = dict(variables)
    for definition in op.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    problems: list[str] = []

    def walk(selection_set, parent, multiplier: int) -> int:
        requests = 0
        for sel in selection_set.selections or ():
            if isinstance(sel, FieldNode):
                name = sel.name.value
                fields = getattr(parent, "fields", {})
                if name.startswith("__") or name not in fields:
                    continue
                return_type = graphql.get_named_type(fields[name].type)
                child = multiplier
                if return_type.name.endswith("Connection"):
                    args = {a.name.value: value_from_ast_untyped(a.value, values) for a in sel.arguments or ()}
                    size = args.get("first") if args.get("first") is not None else args.get("last")
                    lists_nodes = sel.selection_set is not None and any(
                        isinstance(c, FieldNode) and c.name.value in ("nodes", "edges")
                        for c in sel.selection_set.selections or ()
                    )
                    if size is None and lists_nodes:
                        problems.append(
                            f"You must provide a `first` or `last` value to properly paginate the `{name}` connection."
                        )
                    elif size is not None and size > MAX_PAGE:
                        problems.append(
                            f"Requesting {size} records on the `{name}` connection exceeds the `first` limit"
                            f" of {MAX_PAGE} records."
                        )
                    requests += multiplier
                    child = multiplier * (size or 0)
                if sel.selection_set is not None:
                    requests += walk(sel.selection_set, return_type, child)
            elif isinstance(sel, InlineFragmentNode):
                target = s.get_type(sel.type_condition.name.value) if sel.type_condition else parent
                requests += walk(sel.selection_set, target, multiplier)
            elif isinstance(sel, FragmentSpreadNode):
                frag = fragments.get(sel.name.value)
                if frag is not None:
                    requests += walk(frag.selection_set, s.get_type(frag.type_condition.name.value), multiplier)
        return requests

    root = s.mutation_type if op.operation == graphql.OperationType.MUTATION else s.query_type
    requests = walk(op.selection_set, root, 1)
    return max(1, int(requests / 100 + 0.5)), problems


# ---------------------------------------------------------------------------------------------- shapes
def _cursor(index: int) -> str:
    return base64.b64encode(f"cursor:{index}".encode()).decode()


def _index(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        return int(base64.b64decode(cursor).decode().split(":", 1)[1])
    except (ValueError, IndexError):
        raise GraphQLError(f"`{cursor}` does not appear to be a valid cursor.") from None


def connection(items: list, args: dict, make_node: Callable[[Any], dict]) -> dict:
    """A GitHub-style connection over `items` with opaque cursors (positions in `items`)."""
    lo, hi = 0, len(items)
    after, before = _index(args.get("after")), _index(args.get("before"))
    if after is not None:
        lo = max(lo, after + 1)
    if before is not None:
        hi = min(hi, before)
    if args.get("first") is not None:
        hi = min(hi, lo + args["first"])
    elif args.get("last") is not None:
        lo = max(lo, hi - args["last"])
    hi = max(hi, lo)
    window = items[lo:hi]
    return {
        "totalCount": len(items),
        "pageInfo": {
            "hasNextPage": hi < len(items),
            "hasPreviousPage": lo > 0,
            "startCursor": _cursor(lo) if window else None,
            "endCursor": _cursor(hi - 1) if window else None,
        },
        "nodes": lambda info: [make_node(x) for x in window],
        "edges": lambda info: [{"cursor": _cursor(lo + i), "node": make_node(x)} for i, x in enumerate(window)],
    }


class Shapes:
    """Builds GraphQL objects (dicts) from the state for one query."""

    def __init__(self, state: State, installation: Installation) -> None:
        self.state = state
        self.installation = installation

    def actor(self, user_id: int | None) -> dict | None:
        user = self.state.users.get(user_id) if user_id is not None else None
        if user is None or user.deleted:
            return None  # GitHub: the author of a deleted account is null
        kind = "Bot" if user.type == "Bot" else "Organization" if user.type == "Organization" else "User"
        login = user.login.removesuffix("[bot]") if kind == "Bot" else user.login
        return {
            "__typename": kind,
            "login": login,
            "databaseId": user.id,
            "id": node_id(kind, user.id),
            "url": f"{self.state.html_url}/{login}",
            "avatarUrl": f"https://avatars.githubusercontent.com/u/{user.id}",
            "name": user.name,
            "company": user.company,
            "resourcePath": f"/{login}",
        }

    def user(self, info, login: str) -> dict | None:
        user = self.state.user(login)
        if user is None:
            raise GraphQLError(
                f"Could not resolve to a User with the login of '{login}'.", extensions={"type": "NOT_FOUND"}
            )
        return self.actor(user.id)

    def repository(self, info, owner: str, name: str, followRenames: bool = True) -> dict:
        repo = self.state.find_repo(owner, name)
        if repo is None or not self.installation.covers(repo):
            raise GraphQLError(
                f"Could not resolve to a Repository with the name '{owner}/{name}'.", extensions={"type": "NOT_FOUND"}
            )
        return self.repo(repo)

    def organization(self, info, login: str) -> dict:
        org = self.state.user(login)
        if org is None or org.type != "Organization":
            raise GraphQLError(
                f"Could not resolve to an Organization with the login of '{login}'.", extensions={"type": "NOT_FOUND"}
            )
        repos = sorted(
            (r for r in self.state.repos.values() if r.owner.lower() == login.lower() and self.installation.covers(r)),
            key=lambda r: r.name.lower(),
        )
        return {
            "__typename": "Organization",
            "login": org.login,
            "databaseId": org.id,
            "id": node_id("Organization", org.id),
            "name": org.name,
            "url": f"{self.state.html_url}/{org.login}",
            "repositories": lambda info, **a: connection(repos, a, self.repo),
        }

    def repo(self, repo: Repo) -> dict:
        return {
            "__typename": "Repository",
            "id": node_id("Repository", repo.id),
            "databaseId": repo.id,
            "name": repo.name,
            "nameWithOwner": repo.full_name,
            "url": f"{self.state.html_url}/{repo.full_name}",
            "isPrivate": repo.private,
            "isArchived": False,
            "isFork": False,
            "owner": {
                "__typename": "Organization",
                "login": repo.owner,
                "id": node_id("Organization", 0),
                "url": f"{self.state.html_url}/{repo.owner}",
            },
            "defaultBranchRef": {"name": repo.default_branch, "id": node_id("Ref", repo.id), "prefix": "refs/heads/"},
            "pullRequests": lambda info, **a: connection(self.sorted_pulls(repo, a), a, lambda pr: self.pull(repo, pr)),
            "pullRequest": lambda info, number: self.pull_by_number(repo, number),
        }

    def pull_by_number(self, repo: Repo, number: int) -> dict:
        pr = repo.issues.get(number)
        if pr is None or pr.pull is None:
            raise GraphQLError(
                f"Could not resolve to a PullRequest with the number of {number}.", extensions={"type": "NOT_FOUND"}
            )
        return self.pull(repo, pr)

    def sorted_pulls(self, repo: Repo, args: dict) -> list[Issue]:
        order = args.get("orderBy") or {"field": "CREATED_AT", "direction": "ASC"}
        states = tuple(sorted(args.get("states") or ()))
        key = (
            repo.id,
            repo.version,
            order["field"],
            order["direction"],
            states,
            tuple(args.get("labels") or ()),
            args.get("baseRefName"),
            args.get("headRefName"),
        )
        # Per state: repository ids and versions repeat across stand-ins (each counts ids from 100001).
        cache = self.state.__dict__.setdefault("_sorted_pulls", LRUCache(maxsize=256))
        cached = cache.get(key)
        if cached is not None:
            return cached
        pulls = [p for p in repo.issues.values() if p.pull is not None]
        if states:
            pulls = [p for p in pulls if _pr_state(p) in states]
        if args.get("labels"):
            pulls = [p for p in pulls if set(args["labels"]) & set(p.labels)]
        if args.get("baseRefName"):
            pulls = [p for p in pulls if p.pull.base_ref == args["baseRefName"]]
        if args.get("headRefName"):
            pulls = [p for p in pulls if p.pull.head_ref == args["headRefName"]]
        attr = "updated_at" if order["field"] == "UPDATED_AT" else "created_at"
        pulls.sort(key=lambda p: (getattr(p, attr), p.number), reverse=order["direction"] == "DESC")
        cache[key] = pulls
        return pulls

    def pull(self, repo: Repo, pr: Issue) -> dict:
        info = pr.pull
        html = f"{self.state.html_url}/{repo.full_name}/pull/{pr.number}"
        files = lambda: self.state.pull_files(repo, pr)  # noqa: E731 - computed only when asked for
        return {
            "__typename": "PullRequest",
            "id": node_id("PullRequest", pr.pull_id),
            "databaseId": pr.pull_id,
            "number": pr.number,
            "url": html,
            "permalink": html,
            "resourcePath": f"/{repo.full_name}/pull/{pr.number}",
            "title": pr.title,
            "body": pr.body or "",
            "author": self.actor(pr.user_id),
            "createdAt": iso(pr.created_at),
            "updatedAt": iso(pr.updated_at),
            "closedAt": iso(pr.closed_at),
            "mergedAt": iso(info.merged_at),
            "merged": info.merged_at is not None,
            "closed": pr.state == "closed",
            "state": _pr_state(pr),
            "isDraft": info.draft,
            "headRefName": info.head_ref,
            "baseRefName": info.base_ref,
            "mergedBy": self.actor(info.merged_by_id),
            "additions": info.additions or sum(f.additions for f in files()) if info.files is None else info.additions,
            "deletions": info.deletions or sum(f.deletions for f in files()) if info.files is None else info.deletions,
            "changedFiles": lambda info_: len(files()),
            "repository": lambda info_: self.repo(repo),
            "labels": lambda info_, **a: connection(
                pr.labels,
                a,
                lambda n: {
                    "__typename": "Label",
                    "name": n,
                    "id": node_id("Label", hash(n) % 10**9),
                    "color": "ededed",
                },
            ),
            "files": lambda info_, **a: connection(
                files(),
                a,
                lambda f: {
                    "__typename": "PullRequestChangedFile",
                    "path": f.path,
                    "additions": f.additions,
                    "deletions": f.deletions,
                    "changeType": f.status.upper().replace("REMOVED", "DELETED"),
                },
            ),
            "reviews": lambda info_, **a: connection(self.reviews(pr, a), a, lambda r: self.review(repo, r)),
            "comments": lambda info_, **a: connection(pr.comments, a, lambda c: self.comment(repo, pr, c)),
            "timelineItems": lambda info_, **a: connection(
                self.timeline(pr, a), a, lambda item: self.timeline_item(repo, pr, item)
            ),
            "reviewThreads": lambda info_, **a: connection(self.threads(pr), a, lambda t: self.thread(repo, pr, *t)),
        }

    def timeline(self, pr: Issue, args: dict) -> list[tuple[str, Any]]:
        """The pull request's timeline as far as the stand-in models it: comments, reviews and review threads.

        GitHub's timeline holds many more kinds of event, so a query must name the kinds it wants."""
        kinds = args.get("itemTypes")
        if not kinds or not set(kinds) <= set(TIMELINE_KINDS) or args.get("since") or args.get("skip"):
            raise GraphQLError(f"the stand-in models timelineItems only with itemTypes among {sorted(TIMELINE_KINDS)}")
        items: list[tuple[Any, int, str, Any]] = []
        if "ISSUE_COMMENT" in kinds:
            items += [(c.created_at, c.id, "ISSUE_COMMENT", c) for c in pr.comments]
        if "PULL_REQUEST_REVIEW" in kinds:
            items += [(r.submitted_at, r.id, "PULL_REQUEST_REVIEW", r) for r in pr.pull.reviews]
        if "PULL_REQUEST_REVIEW_THREAD" in kinds:
            items += [(c.created_at, c.id, "PULL_REQUEST_REVIEW_THREAD", (r, c)) for r, c in self.threads(pr)]
        items.sort(key=lambda item: (item[0], item[1]))
        return [(kind, obj) for _, _, kind, obj in items]

    def timeline_item(self, repo: Repo, pr: Issue, item: tuple[str, Any]) -> dict:
        kind, obj = item
        if kind == "ISSUE_COMMENT":
            return self.comment(repo, pr, obj)
        if kind == "PULL_REQUEST_REVIEW":
            return self.review(repo, obj)
        return self.thread(repo, pr, *obj)

    @staticmethod
    def threads(pr: Issue) -> list[tuple[Review, ReviewComment]]:
        """Review threads: the stand-in keeps no replies, so each inline comment starts its own thread."""
        return [(r, c) for r in pr.pull.reviews for c in r.comments]

    def thread(self, repo: Repo, pr: Issue, review: Review, first: ReviewComment) -> dict:
        return {
            "__typename": "PullRequestReviewThread",
            "id": node_id("PullRequestReviewThread", first.id),
            "path": first.path,
            "isResolved": False,
            "isOutdated": False,
            "isCollapsed": False,
            "comments": lambda info_, **a: connection([first], a, lambda c: self.review_comment(repo, c, review)),
        }

    def node(self, info, id: str) -> dict | None:
        """`node(id:)` for review threads (what the history import asks for by id)."""
        kind, number = _decode_node_id(id)
        if kind == "PullRequestReviewThread":
            found = self._review_comment(number)
            if found is not None:
                repo, pr, review, comment = found
                if self.installation.covers(repo):
                    return self.thread(repo, pr, review, comment)
        raise GraphQLError(
            f"Could not resolve to a node with the global id of '{id}'", extensions={"type": "NOT_FOUND"}
        )

    def _review_comment(self, comment_id: int):
        """Where a review comment lives; the index is rebuilt when a comment is not in it (added since)."""
        index = self.state.__dict__.setdefault("_review_comment_index", {})
        if comment_id not in index:
            index.clear()
            for repo in self.state.repos.values():
                for pr in repo.issues.values():
                    for review in pr.pull.reviews if pr.pull is not None else ():
                        for comment in review.comments:
                            index[comment.id] = (repo, pr, review, comment)
        return index.get(comment_id)

    def reviews(self, pr: Issue, args: dict) -> list[Review]:
        reviews = pr.pull.reviews
        if args.get("states"):
            reviews = [r for r in reviews if r.state in args["states"]]
        if args.get("author"):
            reviews = [
                r
                for r in reviews
                if (u := self.state.users.get(r.user_id)) and u.login.lower() == args["author"].lower()
            ]
        return reviews

    def review(self, repo: Repo, review: Review) -> dict:
        html = f"{self.state.html_url}/{repo.full_name}/pull/{review.pull_number}#pullrequestreview-{review.id}"
        return {
            "__typename": "PullRequestReview",
            "id": node_id("PullRequestReview", review.id),
            "databaseId": review.id,
            "author": self.actor(review.user_id),
            "state": review.state,
            "body": review.body,
            "submittedAt": iso(review.submitted_at),
            "createdAt": iso(review.submitted_at),
            "publishedAt": iso(review.submitted_at),
            "updatedAt": iso(review.submitted_at),
            "url": html,
            "comments": lambda info_, **a: connection(
                review.comments, a, lambda c: self.review_comment(repo, c, review)
            ),
        }

    def review_comment(self, repo: Repo, c: ReviewComment, review: Review | None = None) -> dict:
        return {
            "pullRequestReview": lambda info_: self.review(repo, review) if review is not None else None,
            "__typename": "PullRequestReviewComment",
            "id": node_id("PullRequestReviewComment", c.id),
            "databaseId": c.id,
            "author": self.actor(c.user_id),
            "body": c.body,
            "path": c.path,
            "createdAt": iso(c.created_at),
            "updatedAt": iso(c.created_at),
            "publishedAt": iso(c.created_at),
            "url": f"{self.state.html_url}/{repo.full_name}/pull/{c.pull_number}#discussion_r{c.id}",
        }

    def comment(self, repo: Repo, issue: Issue, c: IssueComment) -> dict:
        kind = "pull" if issue.pull else "issues"
        edited = c.updated_at != c.created_at
        return {
            "__typename": "IssueComment",
            "id": node_id("IssueComment", c.id),
            "databaseId": c.id,
            "author": self.actor(c.user_id),
            "body": c.body,
            "createdAt": iso(c.created_at),
            "updatedAt": iso(c.updated_at),
            "publishedAt": iso(c.created_at),
            "lastEditedAt": iso(c.updated_at) if edited else None,
            "includesCreatedEdit": edited,
            "url": f"{self.state.html_url}/{repo.full_name}/{kind}/{issue.number}#issuecomment-{c.id}",
        }


TIMELINE_KINDS = ("ISSUE_COMMENT", "PULL_REQUEST_REVIEW", "PULL_REQUEST_REVIEW_THREAD")


def _decode_node_id(text: str) -> tuple[str, int]:
    """The kind and number inside a `state.node_id` (\"0:Kind123\", base64 without padding)."""
    try:
        body = base64.b64decode(text + "=" * (-len(text) % 4)).decode().split(":", 1)[1]
        kind = body.rstrip("0123456789")
        return kind, int(body[len(kind) :])
    except (ValueError, IndexError, UnicodeDecodeError):
        return "", 0


def _pr_state(pr: Issue) -> str:
    if pr.pull.merged_at is not None:
        return "MERGED"
    return "CLOSED" if pr.state == "closed" else "OPEN"


# ---------------------------------------------------------------------------------------------- endpoint
def _rate_headers(state: State, installation: Installation) -> dict[str, str]:
    b = state.budget("graphql", installation.id)
    return {
        "x-ratelimit-limit": str(b.limit),
        "x-ratelimit-remaining": str(max(b.limit - b.used, 0)),
        "x-ratelimit-reset": str(int(b.reset_at)),
        "x-ratelimit-used": str(b.used),
        "x-ratelimit-resource": "graphql",
    }


def _errors(messages, kind: str | None = None) -> dict:
    return {"errors": [{"message": m} | ({"type": kind} if kind else {}) for m in messages]}


def answer(state: State, body: Any, installation: Installation) -> Result:
    """Answer one POST /graphql body for `installation`."""
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return Result(
            400,
            {"message": "Problems parsing JSON", "documentation_url": "https://docs.github.com/graphql"},
            problems=["the body is not a JSON object with a `query` string"],
        )
    query, variables = body["query"], body.get("variables") or {}
    document, errors = parse_and_validate(query)
    if errors:
        return Result(200, _errors(errors), problems=[f"invalid query: {e}" for e in errors])
    cost, problems = query_cost(document, body.get("operationName"), variables)
    if problems:
        return Result(200, _errors(problems), problems=problems)

    fault = state.take_fault(state.faults, "POST", "/graphql")
    if fault is not None:
        return Result(fault.status, {"message": fault.message}, dict(fault.headers), fault=True)
    budget = state.budget("graphql", installation.id)
    fault = state.take_fault(state.graphql_faults, "POST", "/graphql")
    if fault is not None or budget.used + cost > budget.limit:
        headers = _rate_headers(state, installation)
        headers["x-ratelimit-remaining"] = "0"
        message = f"API rate limit already exceeded for installation ID {installation.id}."
        return Result(
            200,
            {"errors": [{"type": "RATE_LIMITED", "code": "graphql_rate_limit", "message": message}]},
            headers,
            fault=fault is not None,
        )
    state.spend("graphql", installation.id, cost)

    shapes = Shapes(state, installation)
    budget = state.budget("graphql", installation.id)
    root = {
        "repository": shapes.repository,
        "organization": shapes.organization,
        "user": shapes.user,
        "node": shapes.node,
        "rateLimit": lambda info, dryRun=False: {
            "cost": cost,
            "limit": budget.limit,
            "remaining": max(budget.limit - budget.used, 0),
            "used": budget.used,
            "resetAt": iso(utc(budget.reset_at)),
            "nodeCount": 0,
        },
    }
    unmodelled: list[str] = []

    def resolve(source, info, **args):
        if isinstance(source, dict):
            if info.field_name not in source:
                unmodelled.append(f"{info.parent_type.name}.{info.field_name}")
                return None
            value = source[info.field_name]
            return value(info, **args) if callable(value) else value
        return getattr(source, info.field_name, None)

    result = graphql.execute(
        schema(),
        document,
        root_value=root,
        variable_values=variables,
        operation_name=body.get("operationName"),
        field_resolver=resolve,
    )
    payload: dict[str, Any] = {"data": result.data}
    problems = [f"the stand-in does not model {name}" for name in sorted(set(unmodelled))]
    if result.errors:
        payload["errors"] = []
        for error in result.errors:
            entry = error.formatted
            kind = (error.extensions or {}).get("type")
            if kind:
                entry["type"] = kind
            else:
                problems.append(f"query failed: {error.message}")
            payload["errors"].append(entry)
    return Result(200, payload, _rate_headers(state, installation), problems)
