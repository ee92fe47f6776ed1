"""The GraphQL documents the history import sends (each one checked against GitHub's schema in the tests).

Cost is GitHub's: for every connection, the requests needed to fill it assuming each parent connection is
full, summed, divided by 100 and rounded (at least 1 point). A page of P pull requests with three inner
connections (labels, reviews, comments) asks for 1 + 3P requests; 49 pull requests a page is the most that
still rounds to one point, which is the cheapest rate per pull request GitHub's formula allows
(about 20 points per 1,000 pull requests, against 30 for pages of 100 at 3 points each).

Review comments sit one level deeper (pull request → review → comment), so asking for them in the page
would multiply by the reviews' page size. They are asked for afterwards, only for the pull requests that
have reviews, with each pull request's review count as the page size (`review_comments_query`).
"""

from __future__ import annotations

from dataclasses import dataclass

INNER_PAGE = 50  # reviews and comments asked for with each pull request; more are fetched afterwards
LABELS_PAGE = 20
MAX_PAGE = 100

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
REVIEW_COMMENT = "databaseId createdAt url author { ...ActorFields }"
PAGE_INFO = "pageInfo { hasNextPage endCursor }"


def _pull_request_fields(paths: bool) -> str:
    files = f"files(first: {MAX_PAGE}) {{ totalCount {PAGE_INFO} nodes {{ path }} }}" if paths else ""
    return f"""fragment PullRequestFields on PullRequest {{
  databaseId number title url state isDraft baseRefName
  createdAt updatedAt closedAt mergedAt additions deletions changedFiles
  author {{ ...ActorFields }}
  labels(first: {LABELS_PAGE}) {{ totalCount {PAGE_INFO} nodes {{ name }} }}
  reviews(first: {INNER_PAGE}) {{ totalCount {PAGE_INFO} nodes {{ {REVIEW} }} }}
  comments(first: {INNER_PAGE}) {{ totalCount {PAGE_INFO} nodes {{ {COMMENT} }} }}
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
    return 4 if paths else 3


def best_page_size(connections_per_pr: int) -> int:
    """The page size with the fewest points per pull request under GitHub's rounding."""

    def points(size: int) -> int:
        return max(1, int((1 + connections_per_pr * size) / 100 + 0.5))

    return max(range(1, MAX_PAGE + 1), key=lambda size: (size / points(size), size))


def request_count(review_counts: list[int]) -> int:
    """GitHub's request count for `review_comments_query` over pull requests with these review counts."""
    return sum(1 + n for n in review_counts)


@dataclass(frozen=True)
class ReviewSlice:
    """Reviews of one pull request to fetch with their inline comments: `first` after `after`."""

    number: int
    first: int
    after: str | None = None


def review_comments_query(count: int) -> str:
    """Reviews with their inline comments for `count` pull requests at once (aliases p0, p1, ...).

    The text depends only on `count` (numbers, page sizes and cursors are variables: see
    `review_comments_variables`), so GitHub, and the stand-in, parse each shape once."""
    parts, params = [], []
    for i in range(count):
        params.append(f"$n{i}: Int!, $f{i}: Int!, $a{i}: String")
        parts.append(
            f"""p{i}: pullRequest(number: $n{i}) {{
      number
      reviews(first: $f{i}, after: $a{i}) {{
        {PAGE_INFO}
        edges {{ cursor node {{ {REVIEW}
          comments(first: {MAX_PAGE}) {{ {PAGE_INFO} nodes {{ {REVIEW_COMMENT} }} }} }} }}
      }}
    }}"""
        )
    body = "\n    ".join(parts)
    return f"""query BackfillReviewComments($owner: String!, $name: String!, {", ".join(params)}) {{
  {RATE_LIMIT}
  repository(owner: $owner, name: $name) {{
    {body}
  }}
}}
{ACTOR}"""


def review_comments_variables(slices: list[ReviewSlice]) -> dict:
    variables: dict = {}
    for i, s in enumerate(slices):
        variables.update({f"n{i}": int(s.number), f"f{i}": int(s.first), f"a{i}": s.after})
    return variables


# Follow-ups for one pull request whose inner connection has more than the page gave.
MORE_COMMENTS = f"""query BackfillMoreComments($owner: String!, $name: String!, $number: Int!, $after: String) {{
  {RATE_LIMIT}
  repository(owner: $owner, name: $name) {{
    pullRequest(number: $number) {{
      comments(first: {MAX_PAGE}, after: $after) {{ {PAGE_INFO} nodes {{ {COMMENT} }} }}
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

# One review's inline comments beyond the first 100: the review is addressed as the one after `$before`.
MORE_REVIEW_COMMENTS = f"""query BackfillMoreReviewComments($owner: String!, $name: String!, $number: Int!,
    $before: String, $after: String) {{
  {RATE_LIMIT}
  repository(owner: $owner, name: $name) {{
    pullRequest(number: $number) {{
      reviews(first: 1, after: $before) {{
        nodes {{ databaseId comments(first: {MAX_PAGE}, after: $after) {{ {PAGE_INFO} nodes {{ {REVIEW_COMMENT} }} }} }}
      }}
    }}
  }}
}}
{ACTOR}"""


def all_documents() -> list[str]:
    """Every document this module can produce, for the schema check in the tests."""
    return [
        pull_requests_query(False),
        pull_requests_query(True),
        review_comments_query(2),
        MORE_COMMENTS,
        MORE_LABELS,
        MORE_FILES,
        MORE_REVIEW_COMMENTS,
    ]
