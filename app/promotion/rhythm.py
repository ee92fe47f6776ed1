"""The cohort's calendar: its weeks, its `checkin_day` and its half-term, in its `timezone`.

Pure date arithmetic on a `Cohort` and a moment (UTC): no store, no GitHub. The check-in command, the
weekly digest and the mid-term comment (app/promotion/digest.py) all read the calendar here, so they agree
on which week a check-in belongs to and which day a digest is for.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.config.schema import Cohort

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def zone(cohort: Cohort) -> ZoneInfo:
    try:
        return ZoneInfo(cohort.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):  # check-config reports it; the calendar falls back to UTC
        return ZoneInfo("UTC")


def local_day(cohort: Cohort, when: datetime) -> date:
    """The day `when` falls on in the cohort's timezone."""
    return when.astimezone(zone(cohort)).date()


def iso_week(cohort: Cohort, when: datetime) -> str:
    """The ISO week `when` falls in, in the cohort's timezone: '2026-W49'."""
    year, week, _ = local_day(cohort, when).isocalendar()
    return f"{year}-W{week:02d}"


def midnight(cohort: Cohort, day: date) -> datetime:
    """The start of `day` in the cohort's timezone, as a UTC moment."""
    return datetime.combine(day, time(0), zone(cohort)).astimezone(timezone.utc)


def in_term(cohort: Cohort, day: date) -> bool:
    return cohort.start <= day <= cohort.end


def digest_day(cohort: Cohort, now: datetime) -> date | None:
    """Today (in the cohort's timezone) when it is the cohort's `checkin_day` within its term, else None.
    Only today: a day the service missed gets no digest later (no back-fill)."""
    today = local_day(cohort, now)
    if WEEKDAYS[today.weekday()] != cohort.checkin_day or not in_term(cohort, today):
        return None
    return today


def digest_window(cohort: Cohort, day: date) -> tuple[datetime, datetime]:
    """The week a digest for `day` covers: the seven days ending with `day` (UTC moments, end excluded)."""
    return midnight(cohort, day - timedelta(days=6)), midnight(cohort, day + timedelta(days=1))


def midterm_day(cohort: Cohort) -> date:
    """Half the term: the day the mid-term comment is due."""
    return cohort.start + (cohort.end - cohort.start) / 2


def term_share(cohort: Cohort, day: date) -> float:
    """How much of the term has gone by on `day` (0 … 1)."""
    total = (cohort.end - cohort.start).days
    if total <= 0:
        return 1.0
    return min(1.0, max(0.0, (day - cohort.start).days / total))
