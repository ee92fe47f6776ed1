"""The sample organisation's second cohort, open for sign-up (issue 13's demo scene and tests).

`widgets-spring-reviewers` works toward reviewer in widgets/pkg/controller like the first cohort, lists no
mentees (people enrol on its sign-up issue), has room for two and gives each mentor one mentee.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.demo import sample
from app.stand_in import State
from app.stand_in.state import ChangedFile

COHORT = "widgets-spring-reviewers"
CAPACITY = 2


def cohort_yml(now: datetime, signup_issue: int, tracking_issue: int) -> str:
    day = lambda days: (now + timedelta(days=days)).date().isoformat()  # noqa: E731
    return f"""\
  - name: {COHORT}
    target: reviewer
    scope: {{repo: widgets, path: {sample.SCOPE_PATH}}}
    start: {day(-5)}
    end: {day(85)}
    mentors: [omar, sam]
    mentees: []
    tracking_issue: {tracking_issue}
    signup_issue: {signup_issue}
    capacity: {CAPACITY}
    mentees_per_mentor: 1
"""


def open_signup(state: State, now: datetime, *, by: str = "maria") -> tuple[int, int, dict]:
    """Open the cohort: its sign-up and tracking issues in the community repository, and the cohort added
    to ladder.yml. Returns (sign-up issue, tracking issue, the `push` payload of the ladder.yml change)."""
    signup = state.add_issue(
        sample.COMMUNITY_REPO,
        title=f"Sign up for cohort {COHORT}",
        author="omar",
        body="Comment `/ladder enroll` to join the spring cohort (two places).",
        at=now - timedelta(days=6),
    )
    tracking = state.add_issue(
        sample.COMMUNITY_REPO,
        title=f"Cohort {COHORT}: tracking issue",
        author="omar",
        body="Progress and check-ins of the spring cohort.",
        at=now - timedelta(days=6),
    )
    text = sample.ladder_yml(now) + cohort_yml(now, signup.number, tracking.number)
    repo = state.repo(sample.CONFIG_REPO)
    branch = repo.default_branch
    before = repo.branches[branch]
    commit = state.commit(
        sample.CONFIG_REPO, branch, {".github/ladder.yml": text}, message=f"Open cohort {COHORT}", author=by
    )
    push = state.push_payload(repo, branch, before, commit, [ChangedFile(".github/ladder.yml")], state.ensure_user(by))
    return signup.number, tracking.number, push
