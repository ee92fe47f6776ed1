"""The proposed mentor for each mentee of a cohort (`ladder cohort plan NAME`, the cohort report and page),
from stored data only. Ladder proposes; organisers decide, and Ladder never assigns anyone by itself.

Mentors are counted where they reviewed or approved, mentees where they authored or reviewed, over the
last six months of activity in the ledger; ladder_rules/matching.py scores the overlap (OWNERS folders
three times, repositories once) and finds the plan of highest total score with the Hungarian method
(a minimum-cost assignment over each mentor's `mentees_per_mentor` slots), not greedy first-fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timezone

from app.store import people
from app.store.database import Database
from app.store.facts import load_facts
from app.store.holdings import owners_folders
from ladder_rules.matching import activity_of, plan
from reports.read_model import add_months, find_cohort

WINDOW_MONTHS = 6
METHOD = "minimum-cost assignment (Hungarian method) over each mentor's slots"


@dataclass(frozen=True)
class Pairing:
    mentee: str
    mentor: str | None
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class MentorPlan:
    org: str
    cohort: str
    per_mentor: int
    since: datetime
    pairings: tuple[Pairing, ...]

    @property
    def total(self) -> int:
        return sum(p.score for p in self.pairings)

    def to_dict(self) -> dict:
        return {
            "org": self.org,
            "cohort": self.cohort,
            "mentees_per_mentor": self.per_mentor,
            "activity_since": self.since.date().isoformat(),
            "method": METHOD,
            "total_score": self.total,
            "pairings": [
                {"mentee": p.mentee, "mentor": p.mentor, "score": p.score, "reasons": list(p.reasons)}
                for p in self.pairings
            ],
        }


def _ids(db: Database, org: str, logins: list[str]) -> dict[str, int]:
    """{login: person id}: the account each login was tied to (app/promotion/setup.py), else its owner now;
    a login Ladder never saw gets a stand-in id of its own (no activity)."""
    tied = people.named_ids(db, org, logins)
    out = {}
    for i, login in enumerate(logins):
        pid = tied.get(login.lower()) or people.person_id(db, login)
        out[login] = pid if pid is not None else -(i + 1)
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def mentor_plan(db: Database, name: str, *, org: str | None = None, now: datetime | None = None) -> MentorPlan:
    """Raises LookupError naming the cohort when there is no such cohort."""
    now = now or datetime.now(timezone.utc)
    cohort = find_cohort(db, name, org)
    org = cohort.org
    mentees, mentors = list(cohort.mentees), list(cohort.mentors)
    per_mentor = cohort.mentees_per_mentor
    since = datetime.combine(add_months(now.date(), -WINDOW_MONTHS), time(), tzinfo=timezone.utc)
    pulls = load_facts(db, org, member_level=None).pull_requests.values()
    folders = owners_folders(db, org)
    worked = activity_of(pulls, since, folders)
    reviewed = activity_of(pulls, since, folders, reviews_only=True)
    ids = _ids(db, org, mentees + mentors)
    proposals = plan([ids[m] for m in mentees], [ids[m] for m in mentors], per_mentor, worked, reviewed)
    login = {pid: m for m, pid in ids.items()}
    pairings = []
    for mentee, p in zip(mentees, proposals):
        if p.mentor is None:
            reasons = (f"no mentor has a free place ({_plural(len(mentors), 'mentor')} × {per_mentor} each)",)
            pairings.append(Pairing(mentee, None, 0, reasons))
            continue
        mentor = login[p.mentor]
        reasons = tuple(
            f"{s.place}: {mentor} reviewed {_plural(s.mentor, 'PR')} there, {mentee} worked on {s.mentee}"
            for s in p.shared[:3]
        ) or (f"no shared activity since {since.date().isoformat()}: a free place, to spread the load",)
        pairings.append(Pairing(mentee, mentor, p.score, reasons))
    return MentorPlan(org, cohort.name, per_mentor, since, tuple(pairings))


def plan_text(p: MentorPlan) -> str:
    """The plan as `ladder cohort plan` prints it."""
    lines = [
        f"Proposed mentors for cohort {p.cohort} ({p.org}): at most {p.per_mentor} mentee"
        f"{'s' if p.per_mentor != 1 else ''} per mentor, from activity since {p.since.date().isoformat()}.",
        "",
    ]
    if not p.pairings:
        lines.append("  The cohort has no mentees yet.")
    for pair in p.pairings:
        lines.append(f"  {pair.mentee} → {pair.mentor or 'nobody'}" + (f" (score {pair.score})" if pair.mentor else ""))
        lines += [f"      {r}" for r in pair.reasons]
    lines += [
        "",
        f"Total score {p.total}; {METHOD}. A score adds, over the places both work, the smaller of their counts "
        "(an OWNERS folder three times, a repository once).",
        "Ladder assigns no one: organisers who accept the plan write it into ladder.yml, e.g.",
        "",
        "    mentees: ["
        + ", ".join(pair.mentee for pair in p.pairings)
        + "]   # "
        + "; ".join(f"{pair.mentee}: {pair.mentor}" for pair in p.pairings if pair.mentor),
    ]
    return "\n".join(lines) + "\n"
