"""The GraphQL documents the history import sends (each one checked against GitHub's schema in the tests).

Cost is GitHub's: for every connection, the requests needed to fill it assuming each parent connection is
full, summed, divided by 100 and rounded (at least 1 point). A connection's own page size does not change
what it costs, only what its children cost. So each pull request carries two connections: `labels` and
one `timelineItems` holding its comments, its reviews and its review threads (ids only). A page of P pull
requests asks for 1 + 2P requests; 74 a page is the most that rounds to one point (about 13.5 points per
1,000 pull requests).

Review comments sit below a review or a thread, so asking for them in the page would multiply by the
timeline's page size. They are read afterwards, only for the threads the timelines named, each thread
addressed by its node id (no connection above it: one request per thread), 149 threads to the point
(`thread_comments_query`).
"""

from __future__ import annotations

LABELS_PAGE = 20
MAX_PAGE = 100
TIMELINE_KINDS = "[ISSUE_COMMENT, PULL_REQUEST_REVIEW, PULL_REQUEST_REVIEW_THREAD]"

RATE_LIMIT = "rateLimit { cost remaining resetAt limit }"

ACTOR = """fragment ActorFields on Actor {
  __typename
  login
  ... on User { databaseId }
  ... on Bot { databaseId }
  ... on Organization { databaseId }
}"""

REVIEW = "databaseId state submittedAt url author { ...ActorFields }"
COMMENT = "databaseId body createdAt url author { ...ActorFields }"
REVIEW_COMMENT = "databaseId createdAt url author { ...ActorFields } pullRequestReview { databaseId }"
PAGE_INFO = "pageInfo { hasNextPage endCursor }"
TIMELINE_NODES = f"""nodes {{
      __typename
      ... on IssueComment {{ {COMMENT} }}
      ... on PullRequestReview {{ {REVIEW} }}
      ... on PullRequestReviewThread {{ id }}
    }}"""


def _pull_request_fields(paths: bool) -> str:
    files = f"files(first: {MAX_PAGE}) {{ totalCount {PAGE_INFO} nodes {{ path }} }}" if paths else ""
    return f"""fragment PullRequestFields on PullRequest {{
  databaseId number title url state isDraft baseRefName
  createdAt updatedAt closedAt mergedAt additions deletions changedFiles
  author {{ ...ActorFields }}
  labels(first: {LABELS_PAGE}) {{ totalCount {PAGE_INFO} nodes {{ name }} }}
  timelineItems(first: {MAX_PAGE}, itemTypes: {TIMELINE_KINDS}) {{
    {PAGE_INFO}
    {TIMELINE_NODES}
  }}
  {files}
}}"""


def pull_requests_query(paths: bool = False) -> str:
    """One page of a repository's pull requests, most recently updated first, with what the ladder counts."""
    return f"""query BackfillPullRequests($owner: String!, $name: String!, $first: Int!, $after: String) {{
  {RATE_LIMIT}
  repository(owner: $owner, name: $name) {{
    databaseId
    nameWithOwner
    pullRequests(first: $first, after: $after, orderBy: {{field: UPDATED_AT, direction: DESC}}) {{
      totalCount
      {PAGE_INFO}
      nodes {{ ...PullRequestFields }}
    }}
  }}
}}
{_pull_request_fields(paths)}
{ACTOR}"""


def inner_connections(paths: bool) -> int:
    return 3 if paths else 2


def best_page_size(connections_per_pr: int) -> int:
    """The page size with the fewest points per pull request under GitHub's rounding."""

    def points(size: int) -> int:
        return max(1, int((1 + connections_per_pr * size) / 100 + 0.5))

    return max(range(1, MAX_PAGE + 1), key=lambda size: (size / points(size), size))


def thread_comments_query(count: int) -> str:
    """The inline comments of `count` review threads at once (aliases t0, t1, ..., ids as variables $t0 ...).

    Each thread costs one request, so 149 threads are one point. The text depends only on `count`, so
    GitHub, and the stand-in, parse each shape once."""
    params = ", ".join(f"$t{i}: ID!" for i in range(count))
    parts = "\n  ".join(
        f"t{i}: node(id: $t{i}) {{ ... on PullRequestReviewThread {{ id comments(first: {MAX_PAGE}) "
        f"{{ {PAGE_INFO} nodes {{ {REVIEW_COMMENT} }} }} }} }}"
        for i in range(count)
    )
    return f"""query BackfillThreadComments({params}) {{
  {RATE_LIMIT}
  {parts}
}}
{ACTOR}"""


def thread_comments_variables(thread_ids: list[str]) -> dict:
    return {f"t{i}": thread_id for i, thread_id in enumerate(thread_ids)}


# Follow-ups for one pull request whose inner connection has more than the page gave.
MORE_TIMELINE = f"""query BackfillMoreTimeline($owner: String!, $name: String!, $number: Int!, $after: String) {{
  {RATE_LIMIT}
  repository(owner: $owner, name: $name) {{
    pullRequest(number: $number) {{
      timelineItems(first: {MAX_PAGE}, after: $after, itemTypes: {TIMELINE_KINDS}) {{
        {PAGE_INFO}
        {TIMELINE_NODES}
      }}
    }}
  }}
}}
{ACTOR}"""

MORE_LABELS = f"""query BackfillMoreLabels($owner: String!, $name: String!, $number: Int!, $after: String) {{
  {RATE_LIMIT}
  repository(owner: $owner, name: $name) {{
    pullRequest(number: $number) {{
      labels(first: {MAX_PAGE}, after: $after) {{ {PAGE_INFO} nodes {{ name }} }}
    }}
  }}
}}"""

MORE_FILES = f"""query BackfillMoreFiles($owner: String!, $name: String!, $number: Int!, $after: String) {{
  {RATE_LIMIT}
  repository(owner: $owner, name: $name) {{
    pullRequest(number: $number) {{
      files(first: {MAX_PAGE}, after: $after) {{ {PAGE_INFO} nodes {{ path }} }}
    }}
  }}
}}"""

# One thread's inline comments beyond the first 100.
MORE_THREAD_COMMENTS = f"""query BackfillMoreThreadComments($thread: ID!, $after: String) {{
  {RATE_LIMIT}
  node(id: $thread) {{
    ... on PullRequestReviewThread {{
      id comments(first: {MAX_PAGE}, after: $after) {{ {PAGE_INFO} nodes {{ {REVIEW_COMMENT} }} }}
    }}
  }}
}}
{ACTOR}"""


def all_documents() -> list[str]:
    """Every document this module can produce, for the schema check in the tests."""
    return [
        pull_requests_query(False),
        pull_requests_query(True),
        thread_comments_query(2),
        MORE_TIMELINE,
        MORE_LABELS,
        MORE_FILES,
        MORE_THREAD_COMMENTS,
    ]
