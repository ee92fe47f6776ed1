"""The one Jinja environment every HTML page and SVG chart is rendered with.

Autoescaping is on for `.html` and `.svg` templates, so every value a template prints is text unless
Python marked it as markup (a chart's SVG, built by a template itself). Templates ship inside the
package (`reports/templates/`, package data in pyproject.toml), so an installed Ladder finds them.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from app.markdown import day
from app.user_text import web_url


def moment(value: datetime) -> str:
    """'1 Dec 2026, 14:05 UTC': a generated-at time in words."""
    value = value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return f"{day(value)}, {value:%H:%M} UTC"


def number(value: float) -> str:
    """SVG coordinates: at most two decimals, no trailing zeros ('12', '12.5', '0.33')."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def percent(have: int, need: int) -> int:
    """How much of a bar is filled: 0–100, never past the end (12 of 10 is a full bar)."""
    return min(100, round(100 * max(0, min(have, need)) / need)) if need else 0


def url_text(url: str) -> str:
    """A link's words when they are its address: 'org/repo/pull/31', without scheme and host."""
    parts = urlsplit(url)
    return (parts.path.lstrip("/") + (f"#{parts.fragment}" if parts.fragment else "")) or parts.netloc


def cohort_path(cohort) -> str:
    """The dashboard's address of a cohort's page (`reports.views.Cohort`)."""
    return f"/cohorts/{quote(cohort.org, safe='')}/{quote(cohort.name, safe='')}"


def person_path(login: str) -> str:
    """The dashboard's address of a person's page."""
    return f"/people/{quote(login, safe='')}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(("html", "svg"), disabled_extensions=("css",), default=True),
        undefined=StrictUndefined,  # a misspelt field is an error in the tests, not an empty cell
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        day=day,
        moment=moment,
        number=number,
        percent=percent,
        url_text=url_text,
        web_url=web_url,
        cohort_path=cohort_path,
        person_path=person_path,
    )
    return env


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)


def markup(name: str, **context: Any) -> Markup:
    """A template's output as markup another template may embed without escaping it again."""
    return Markup(render(name, **context))
