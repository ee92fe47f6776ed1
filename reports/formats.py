"""Writing a report as Markdown, HTML, CSV or JSON.

Every report (cohort, person, org) is built once as a `Report` — a title, summary facts, tables and
the structured data behind them — and each writer turns that into one format:

- `md`: headings, a summary list and Markdown tables (for a GitHub issue or a wiki page);
- `html`: one standalone page, no scripts, no external files;
- `csv`: the report's first table (one row per mentee / requirement / person), for spreadsheets;
- `json`: `Report.data`, the full structured result, for other programs.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from html import escape
from typing import Any

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


def render(report: Report, fmt: str) -> str:
    writers = {"md": to_markdown, "html": to_html, "csv": to_csv, "json": to_json}
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    return writers[fmt](report)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _md_cell(value: Any) -> str:
    if isinstance(value, Link):
        text = f"[{value.text}]({value.url})"
    else:
        text = _text(value)
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Report) -> str:
    lines = [f"# {report.title}", ""]
    if report.summary:
        lines += [f"- **{label}:** {value}" for label, value in report.summary]
        lines.append("")
    for table in report.tables:
        lines += [f"## {table.title}", ""]
        if not table.rows:
            lines += [f"_{table.empty}_", ""]
            continue
        lines.append("| " + " | ".join(table.columns) + " |")
        lines.append("|" + "---|" * len(table.columns))
        lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in table.rows]
        lines.append("")
    if report.notes:
        lines += [f"> {note}" for note in report.notes]
        lines.append("")
    return "\n".join(lines)


STYLE = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0 auto;max-width:1100px;
padding:20px 28px;color:#1f2328}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}
dt{color:#59636e}dd{margin:0}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:6px 8px;border-top:1px solid #eaeef2;vertical-align:top}th{font-size:13px;color:#59636e}
.bar{display:inline-block;width:90px;height:8px;background:#eaeef2;border-radius:4px;overflow:hidden;margin-left:6px}
.bar i{display:block;height:100%;background:#1f883d}.muted{color:#59636e}blockquote{color:#59636e;margin:16px 0}
"""


def _html_cell(value: Any) -> str:
    if isinstance(value, Progress):
        if value.have is None or not value.need:
            return escape(str(value))
        width = min(100, round(100 * max(0, min(value.have, value.need)) / value.need))
        return (
            f'{value.have}/{value.need}<span class=bar role=progressbar aria-valuenow="{value.have}" '
            f'aria-valuemin="0" aria-valuemax="{value.need}"><i style="width:{width}%"></i></span>'
        )
    if isinstance(value, Link):
        return f'<a href="{escape(value.url)}">{escape(value.text)}</a>'
    return escape(_text(value))


def to_html(report: Report) -> str:
    parts = [
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(report.title)}</title>"
        f"<style>{STYLE}</style></head><body><h1>{escape(report.title)}</h1>"
    ]
    if report.summary:
        parts.append(
            "<dl>"
            + "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in report.summary)
            + "</dl>"
        )
    for table in report.tables:
        parts.append(f"<h2>{escape(table.title)}</h2>")
        if not table.rows:
            parts.append(f"<p class=muted>{escape(table.empty)}</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{escape(c)}</th>" for c in table.columns) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{_html_cell(v)}</td>" for v in row) + "</tr>" for row in table.rows]
        parts.append("</table>")
    parts += [f"<blockquote>{escape(note)}</blockquote>" for note in report.notes]
    parts.append("</body></html>\n")
    return "".join(parts)


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if report.tables:
        table = report.tables[0]
        writer.writerow(table.columns)
        writer.writerows([[_text(v) for v in row] for row in table.rows])
    return out.getvalue()


def to_json(report: Report) -> str:
    return json.dumps(report.data, indent=2, ensure_ascii=False, default=str) + "\n"
