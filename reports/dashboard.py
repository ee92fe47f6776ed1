"""The dashboard (`GET /`): cohorts and people with progress bars, and what Ladder did or would do.

Rendered from stored data only (configuration, evaluations, readiness issues, the outbox): the page
never calls GitHub and never shows a secret.
"""

from __future__ import annotations

import json
from html import escape

import sqlite_utils

from reports.markdown import day, leaves

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:14px 28px}header h1{margin:0;font-size:20px}
main{max-width:1100px;margin:0 auto;padding:20px 28px}
section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px 20px;margin-bottom:20px}
h2{font-size:17px;margin:0 0 8px}.muted{color:#59636e;font-size:13px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:7px 8px;border-top:1px solid #eaeef2;vertical-align:top}
th{font-size:13px;color:#59636e;border-top:0}
.bar{display:inline-block;width:120px;height:8px;background:#eaeef2;border-radius:4px;overflow:hidden;vertical-align:middle}
.bar i{display:block;height:100%;background:#1f883d}.bar.open i{background:#bf8700}
.req{font-size:13px;margin:2px 0}.state{font-weight:600;border-radius:12px;padding:1px 8px;font-size:12px}
.working{background:#fff8c5}.ready{background:#dafbe1}.approved{background:#ddf4ff}.promoted{background:#fbefff}
.planned{color:#8250df}.failed{color:#cf222e}.done{color:#1f883d}.pending{color:#9a6700}
"""


def _bar(have, need) -> str:
    if not need or have is None:
        return ""
    width = min(100, round(100 * min(have, need) / need))
    cls = "bar" if have >= need else "bar open"
    return f'<span class="{cls}" role="progressbar" aria-valuenow="{have}" aria-valuemax="{need}"><i style="width:{width}%"></i></span>'


def _requirements(evaluation: dict) -> str:
    rows = []
    for req in leaves(evaluation["requirements"]):
        mark = {True: "✅", False: "⬜", None: "👥"}[req.get("met")]
        amount = f" {req['have']}/{req['need']}" if req.get("have") is not None and req.get("need") else ""
        bar = _bar(req.get("have"), req.get("need")) if req.get("kind") == "count" else ""
        rows.append(f'<div class="req">{mark} {escape(req["description"])}{escape(amount)} {bar}</div>')
    return "".join(rows)


def _cohorts(db: sqlite_utils.Database) -> list[tuple[str, dict]]:
    out = []
    for org, text in db.execute("SELECT org, text FROM org_configs WHERE text IS NOT NULL ORDER BY org"):
        config = (json.loads(text).get("config") or {})
        for cohort in config.get("cohorts") or []:
            out.append((org, cohort))
    return out


def _evaluations(db: sqlite_utils.Database) -> dict[str, list[dict]]:
    by_login: dict[str, list[dict]] = {}
    for result, state in db.execute("SELECT result, state FROM evaluations ORDER BY evaluated_at DESC"):
        data = json.loads(result)
        data["state"] = state
        by_login.setdefault(data["login"].lower(), []).append(data)
    return by_login


def _readiness(db: sqlite_utils.Database) -> dict[tuple, tuple]:
    return {(login.lower(), level, scope): (repo, number, status)
            for login, level, scope, repo, number, status in db.execute(
                "SELECT login, level, scope, community_repo, issue_number, status FROM readiness")}


def dashboard_html(db: sqlite_utils.Database) -> str:
    evaluations = _evaluations(db)
    readiness = _readiness(db)
    parts = [f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Ladder</title>"
             f"<meta name=viewport content='width=device-width,initial-scale=1'><style>{STYLE}</style></head>"
             "<body><header><h1>Ladder</h1></header><main>"]
    cohorts = _cohorts(db)
    if not cohorts:
        parts.append("<section><h2>No cohorts yet</h2><p class=muted>Cohorts appear here once an organisation's "
                     "<code>.github/ladder.yml</code> is loaded.</p></section>")
    shown: set[str] = set()
    for org, cohort in cohorts:
        scope = cohort.get("scope") or {}
        where = org if not scope else "/".join(x for x in (org, scope.get("repo"), scope.get("path")) if x)
        parts.append(f"<section class=cohort><h2>{escape(cohort['name'])}</h2><p class=muted>"
                     f"Target: {escape(cohort['target'])} in {escape(where)} · {escape(day(cohort['start']))} to "
                     f"{escape(day(cohort['end']))} · mentors: {escape(', '.join(cohort['mentors']))}</p>")
        parts.append("<table><tr><th>Mentee</th><th>Working toward</th><th>State</th><th>Requirements</th></tr>")
        for login in cohort["mentees"]:
            shown.add(login.lower())
            rows = [e for e in evaluations.get(login.lower(), [])]
            current = next((e for e in rows if e["state"] != "promoted"), rows[0] if rows else None)
            if current is None:
                parts.append(f"<tr><td>@{escape(login)}</td><td colspan=3 class=muted>no activity seen yet</td></tr>")
                continue
            issue = readiness.get((login.lower(), current["level"], current["scope"]))
            link = ""
            if issue and issue[1]:
                link = f' · <a href="https://github.com/{escape(issue[0])}/issues/{issue[1]}">readiness issue</a>'
            promoted = [e["level"] for e in rows if e["state"] == "promoted"]
            note = f'<div class=muted>promoted: {escape(", ".join(promoted))}</div>' if promoted else ""
            parts.append(
                f"<tr class=person data-login='{escape(login)}'><td>@{escape(login)}{note}</td>"
                f"<td>{escape(current['level'])}<div class=muted>{escape(current['scope'])}</div></td>"
                f"<td><span class='state {escape(current['state'])}'>{escape(current['state'])}</span>{link}</td>"
                f"<td>{_requirements(current)}</td></tr>")
        parts.append("</table></section>")

    others = [(login, rows) for login, rows in sorted(evaluations.items()) if login not in shown]
    if others:
        parts.append("<section><h2>Other people evaluated</h2><table><tr><th>Person</th><th>Level</th>"
                     "<th>State</th><th>Requirements</th></tr>")
        for login, rows in others:
            e = rows[0]
            parts.append(f"<tr class=person data-login='{escape(e['login'])}'><td>@{escape(e['login'])}</td>"
                         f"<td>{escape(e['level'])}<div class=muted>{escape(e['scope'])}</div></td>"
                         f"<td><span class='state {escape(e['state'])}'>{escape(e['state'])}</span></td>"
                         f"<td>{_requirements(e)}</td></tr>")
        parts.append("</table></section>")

    parts.append("<section><h2>What Ladder did on GitHub</h2><p class=muted>Every write goes through the outbox: "
                 "<b class=planned>planned</b> is dry-run (recorded, not sent).</p><table>"
                 "<tr><th>Effect</th><th>Where</th><th>Status</th><th>Result</th></tr>")
    rows = db.execute("SELECT kind, key, repo, status, result, last_error FROM outbox ORDER BY updated_at DESC"
                      " LIMIT 100").fetchall() if "outbox" in db.table_names() else []
    for kind, key, repo, status, result, error in rows:
        url = (json.loads(result) or {}).get("url") if result else None
        shown_result = (f'<a href="{escape(url)}">{escape(url)}</a>' if url else escape(error or ""))
        parts.append(f"<tr class=effect><td>{escape(kind)}<div class=muted>{escape(key)}</div></td>"
                     f"<td>{escape(repo)}</td><td class={escape(status)}>{escape(status)}</td><td>{shown_result}</td></tr>")
    if not rows:
        parts.append("<tr><td colspan=4 class=muted>nothing yet</td></tr>")
    parts.append("</table></section></main></body></html>")
    return "".join(parts)
