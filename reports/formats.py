"""Writing a report as Markdown, HTML, CSV or JSON.

Every report (cohort, person, org) is built once as a `Report` — a title, summary facts, tables and
the structured data behind them — and each writer turns that into one format:

- `md`: headings, a summary list and Markdown tables (for a GitHub issue or a wiki page); every value
  goes through `app.user_text` (no raw HTML, marker or @mention from people's text; links only to http(s));
- `html`: one standalone page from `templates/report.html` (autoescaped; no scripts, no external files;
  tables reflow on a phone), with the report's charts;
- `csv`: the report's first table (one row per mentee / requirement / person), for spreadsheets;
- `json`: `Report.data`, the full structured result, for other programs.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from markupsafe import Markup

from app.user_text import markdown_link, user_text
from reports import templating
from reports.views import Header

FORMATS = ("md", "html", "csv", "json")


@dataclass(frozen=True)
class Progress:
    """A have/need cell: '4/5' in text, a bar in HTML, {"have", "need"} in JSON."""

    have: int | None
    need: int | None

    def __str__(self) -> str:
        return "" if self.have is None or self.need is None else f"{self.have}/{self.need}"


@dataclass(frozen=True)
class Link:
    """A cell that links somewhere: its text in CSV, a link in Markdown and HTML."""

    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    empty: str = "none"  # what to say when there are no rows


@dataclass
class Report:
    title: str
    summary: list[tuple[str, str]] = field(default_factory=list)  # (label, value) lines
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # the JSON form
    org: str | None = None  # the organisation(s) it is about, in the HTML page's header
    generated_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    charts: list[Markup] = field(default_factory=list)  # SVG (reports.charts), drawn in HTML only


def render(report: Report, fmt: str) -> str:
    writers = {"md": to_markdown, "html": to_html, "csv": to_csv, "json": to_json}
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    return writers[fmt](report)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _md_cell(value: Any) -> str:
    """A table cell or summary value: people's text shown as text, a link only to a web address."""
    if isinstance(value, Link):
        return markdown_link(value.text, value.url)
    return user_text(value)


def to_markdown(report: Report) -> str:
    lines = [f"# {user_text(report.title)}", ""]
    if report.summary:
        lines += [f"- **{user_text(label)}:** {_md_cell(value)}" for label, value in report.summary]
        lines.append("")
    for table in report.tables:
        lines += [f"## {user_text(table.title)}", ""]
        if not table.rows:
            lines += [f"_{user_text(table.empty)}_", ""]
            continue
        lines.append("| " + " | ".join(user_text(c) for c in table.columns) + " |")
        lines.append("|" + "---|" * len(table.columns))
        lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in table.rows]
        lines.append("")
    if report.notes:
        lines += [f"> {user_text(note)}" for note in report.notes]
        lines.append("")
    return "\n".join(lines)


def _html_cell(value: Any) -> tuple[str, Any]:
    """(kind, value) for the template: a bar for a have/need, a link, or text."""
    if isinstance(value, Progress):
        return ("progress", value)
    if isinstance(value, Link):
        return ("link", value)
    return ("text", _text(value))


def to_html(report: Report) -> str:
    """One standalone page: no script, no external file, every value escaped by the template."""
    tables = [
        {
            "title": t.title,
            "columns": t.columns,
            "empty": t.empty,
            "rows": [[_html_cell(v) for v in row] for row in t.rows],
        }
        for t in report.tables
    ]
    header = Header(report.title, report.org, report.generated_at)
    return templating.render("report.html", header=header, report=report, tables=tables, charts=report.charts)


def _csv_cell(value: Any) -> str:
    """Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is kept text with a `'`."""
    text = _text(value)
    return "'" + text if isinstance(value, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if report.tables:
        table = report.tables[0]
        writer.writerow([_csv_cell(c) for c in table.columns])
        writer.writerows([[_csv_cell(v) for v in row] for row in table.rows])
    return out.getvalue()


def to_json(report: Report) -> str:
    return json.dumps(report.data, indent=2, ensure_ascii=False, default=str) + "\n"
