"""Mentoring help: cohort sign-ups (enrolled, or waiting for a place) and the pull requests or issues a
mentor pinned for a mentee to review next. Typed rows; every statement about them is here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import Enum

from app.store.database import Database


class Place(str, Enum):
    ENROLLED = "enrolled"
    WAITING = "waiting"


@dataclass(frozen=True)
class Enrolment:
    org: str
    cohort: str
    person_id: int
    login: str  # as it was at sign-up
    place: Place
    asked_at: str
    comment_id: int
    enrolled_at: str | None


_COLUMNS = "org, cohort, person_id, login, status, asked_at, comment_id, enrolled_at"
_ORDER = " ORDER BY asked_at, comment_id"


def _row(r) -> Enrolment:
    org, cohort, pid, login, status, asked, comment, enrolled = r
    return Enrolment(org, cohort, pid, login, Place(status), asked, comment, enrolled)


def of_cohort(db: Database, org: str, cohort: str) -> list[Enrolment]:
    """Everyone who signed up for the cohort, enrolled and waiting, in the order they asked."""
    return [
        _row(r)
        for r in db.query(
            f"SELECT {_COLUMNS} FROM enrolments WHERE lower(org) = lower(?) AND lower(cohort) = lower(?)" + _ORDER,
            [org, cohort],
        )
    ]


def of_org(db: Database, org: str) -> dict[str, list[Enrolment]]:
    """{lower-cased cohort name: its sign-ups in order} for one organisation."""
    out: dict[str, list[Enrolment]] = defaultdict(list)
    for r in db.query(f"SELECT {_COLUMNS} FROM enrolments WHERE lower(org) = lower(?)" + _ORDER, [org]):
        e = _row(r)
        out[e.cohort.lower()].append(e)
    return dict(out)


def of_person(db: Database, org: str, person_id: int) -> list[Enrolment]:
    return [
        _row(r)
        for r in db.query(
            f"SELECT {_COLUMNS} FROM enrolments WHERE lower(org) = lower(?) AND person_id = ?" + _ORDER,
            [org, person_id],
        )
    ]


def add(db: Database, e: Enrolment) -> None:
    """Record a sign-up; someone already signed up for the cohort stays as they are."""
    db.execute(
        f"INSERT INTO enrolments ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [e.org, e.cohort, e.person_id, e.login, e.place.value, e.asked_at, e.comment_id, e.enrolled_at],
    )


def remove(db: Database, org: str, cohort: str, person_id: int) -> bool:
    return (
        db.execute(
            "DELETE FROM enrolments WHERE lower(org) = lower(?) AND lower(cohort) = lower(?) AND person_id = ?",
            [org, cohort, person_id],
        ).rowcount
        > 0
    )


def give_place(db: Database, org: str, cohort: str, person_id: int, at: str) -> None:
    """Move someone from the waitlist into the cohort."""
    db.execute(
        "UPDATE enrolments SET status = ?, enrolled_at = ? WHERE lower(org) = lower(?) AND lower(cohort) = lower(?)"
        " AND person_id = ? AND status = ?",
        [Place.ENROLLED.value, at, org, cohort, person_id, Place.WAITING.value],
    )


# --- pins ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pin:
    org: str
    person_id: int
    repo: str  # owner/name
    number: int
    by_id: int
    at: str


def pin(db: Database, p: Pin) -> bool:
    """Pin a pull request or issue for a mentee; False when it was pinned already (kept as it was)."""
    return (
        db.execute(
            "INSERT INTO review_pins (org, person_id, repo, number, by_id, at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [p.org, p.person_id, p.repo, p.number, p.by_id, p.at],
        ).rowcount
        > 0
    )


def pins_of(db: Database, org: str, person_id: int) -> list[Pin]:
    """A mentee's pins, newest first."""
    return [
        Pin(*r)
        for r in db.query(
            "SELECT org, person_id, repo, number, by_id, at FROM review_pins WHERE lower(org) = lower(?)"
            " AND person_id = ? ORDER BY at DESC, repo, number",
            [org, person_id],
        )
    ]


# --- merged with the cohort's listed mentees -------------------------------------------------------------


@dataclass(frozen=True)
class SignUps:
    """A cohort's sign-ups by their current logins: the enrolled not already listed in ladder.yml, and
    the waitlist in order."""

    enrolled: tuple[str, ...]
    waiting: tuple[str, ...]


def signed_up(db: Database, org: str, cohort: str, listed=()) -> SignUps:
    """The one place sign-ups meet ladder.yml's `mentees` (app/promotion/setup.py for the service,
    reports/cohort.py for the reports and the dashboard)."""
    from app.store.people import login_of

    taken = {login.lower() for login in listed}
    enrolled, waiting = [], []
    for e in of_cohort(db, org, cohort):
        login = login_of(db, e.person_id) or e.login
        if e.place is Place.WAITING:
            waiting.append(login)
        elif login.lower() not in taken and e.login.lower() not in taken:
            enrolled.append(login)
    return SignUps(tuple(enrolled), tuple(waiting))
