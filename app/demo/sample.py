"""The sample organisation: repositories, rosters, people and its ladder.yml, seeded into the stand-in.

Dates are relative to `now`, so the story reads the same whenever it is run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.stand_in import State

ORG = "sample-org"
INSTALLATION_ID = 7001
CODE_REPO = f"{ORG}/widgets"
COMMUNITY_REPO = f"{ORG}/community"
CONFIG_REPO = f"{ORG}/.github"
TRACKING_ISSUE = 1
COHORT = "widgets-controller-reviewers"
SCOPE_PATH = "pkg/controller"

ROOT_OWNERS = """\
# See the OWNERS docs at https://go.k8s.io/owners

approvers:
  - maria
  - omar
reviewers:
  - lena
  - maria
  - omar
"""

CONTROLLER_OWNERS = """\
# Controller owners: review and approve changes under pkg/controller.
options:
  no_parent_owners: false

approvers:
  - omar
reviewers:
  - omar
  - sam   # joined in the spring cohort
labels:
  - area/controller
"""

# People: (login, company). Approvers maria and omar, reviewers lena and sam, mentees alice, bob and
# carol, and contributors whose pull requests the mentees review.
PEOPLE = [
    ("maria", "Initech"),
    ("omar", "Globex"),
    ("lena", "Initech"),
    ("sam", "Umbrella"),
    ("alice", "Hooli"),
    ("bob", None),
    ("carol", "Vandelay"),
    ("dev-priya", None),
    ("dev-tomas", None),
    ("dev-wen", None),
    ("mallory", None),
]
MEMBERS = ["maria", "omar", "lena", "sam", "alice", "bob", "dev-priya", "dev-tomas", "dev-wen", "mallory"]


def ladder_yml(now: datetime) -> str:
    day = lambda days: (now + timedelta(days=days)).date().isoformat()  # noqa: E731
    return f"""\
# Ladder's configuration for {ORG} ({CONFIG_REPO}:.github/ladder.yml)
ladder: kubernetes
community_repo: community
owners_pr: after_approval
substantial:
  min_lines: 30
  exclude_labels: [kind/cleanup]
members_since:          # joined before Ladder was installed
  maria: {day(-900)}
  omar: {day(-800)}
  lena: {day(-400)}
  sam: {day(-300)}
  alice: {day(-200)}
  bob: {day(-40)}
  dev-priya: {day(-500)}
  dev-tomas: {day(-500)}
  dev-wen: {day(-500)}
  mallory: {day(-100)}
cohorts:
  - name: {COHORT}
    target: reviewer
    scope: {{repo: widgets, path: {SCOPE_PATH}}}
    start: {day(-80)}
    end: {day(10)}
    mentors: [omar, lena]
    mentees: [alice, bob, carol]
    tracking_issue: {TRACKING_ISSUE}
    checkin_day: tuesday
"""


def seed(state: State, now: datetime) -> None:
    """The organisation as it stands when the story begins."""
    state.add_user(ORG, type="Organization")
    for login, company in PEOPLE:
        state.add_user(login, company=company)
    state.add_org_member(ORG, *MEMBERS)
    state.add_repo(
        CODE_REPO,
        files={
            "OWNERS": ROOT_OWNERS,
            f"{SCOPE_PATH}/OWNERS": CONTROLLER_OWNERS,
            f"{SCOPE_PATH}/controller.go": "package controller\n",
        },
    )
    state.add_repo(COMMUNITY_REPO, files={"README.md": "# Community\n"})
    state.add_repo(CONFIG_REPO, files={".github/ladder.yml": ladder_yml(now)})
    state.add_issue(
        COMMUNITY_REPO,
        title=f"Cohort {COHORT}: tracking issue",
        author="omar",
        body="Weekly check-ins and progress for the cohort.",
        at=now - timedelta(days=80),
    )
    state.add_installation(INSTALLATION_ID, ORG)
