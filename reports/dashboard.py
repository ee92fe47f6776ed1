"""The dashboard (`GET /`): cohorts and people with progress bars, and what Ladder did or would do.

Rendered from stored data only (configuration, evaluations, readiness issues, the outbox): the page
never calls GitHub and never shows a secret.
"""

from __future__ import annotations

from html import escape

from app.store import evaluations
from app.store import readiness as readiness_store
from app.store.database import Database
from reports.effects import effect_row
from reports.markdown import day, leaves

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:14px 28px}header h1{margin:0;font-size:20px}
main{max-width:1100px;margin:0 auto;padding:20px 28px}
section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:16px 20px;margin-bottom:20px}
h2{font-size:17px;margin:0 0 8px}.muted{color:#59636e;font-size:13px}a{color:#0969da}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:7px 8px;border-top:1px solid #eaeef2;vertical-align:top}

th{font-size:13px;color:#59636e;border-top:0}.nowrap{white-space:nowrap}
.bar{display:inline-block;width:110px;height:8px;background:#eaeef2;border-radius:4px;overflow:hidden;vertical-align:middle}
.bar i{display:block;height:100%;background:#1f883d}.bar.open i{background:#bf8700}
.req{display:grid;grid-template-columns:14px 1fr 76px 116px;gap:8px;align-items:center;font-size:13px;margin:3px 0}
.req .amount{text-align:right;font-variant-numeric:tabular-nums;color:#59636e}
.mark{width:10px;height:10px;border-radius:50%;display:inline-block;box-sizing:border-box}
.mark.met{background:#1f883d}.mark.unmet{border:2px solid #8c959f}.mark.people{background:#8250df}
.when{grid-column:2/5;color:#59636e;font-size:12px;margin-top:-3px}
.state{font-weight:600;border-radius:12px;padding:1px 8px;font-size:12px}
.working{background:#fff8c5}.ready{background:#dafbe1}.approved{background:#ddf4ff}.promoted{background:#fbefff}
.planned{color:#8250df}.failed{color:#cf222e}.done{color:#1f883d}.pending{color:#9a6700}
td.status{font-weight:600}.effect .what{overflow-wrap:anywhere}
"""

MARK_WORDS = {True: ("met", "met"), False: ("unmet", "not met yet"), None: ("people", "for people to confirm")}


def _bar(have, need) -> str:
    if not need or have is None:
        return ""
    width = min(100, round(100 * max(0, min(have, need)) / need))
    cls = "bar" if have >= need else "bar open"
    return (
        f'<span class="{cls}" role="progressbar" aria-valuenow="{have}" aria-valuemin="0" '
        f'aria-valuemax="{need}"><i style="width:{width}%"></i></span>'
    )


def _requirements(evaluation: dict) -> str:
    rows = []
    for req in leaves(evaluation["requirements"]):
        # Marks are drawn with CSS: emoji fonts are missing on many servers and headless browsers.
        cls, words = MARK_WORDS[req.get("met")]
        have, need, kind = req.get("have"), req.get("need"), req.get("kind")
        amount = f"{have}/{need}" if have is not None and need else ""
        if kind == "tenure" and amount:
            amount += " days"
        bar = _bar(have, need) if kind in ("count", "tenure") else ""
        rows.append(
            f'<div class="req {cls}"><span class="mark {cls}" role=img aria-label="{words}" '
            f'title="{words}"></span><span>{escape(req["description"])}</span>'
            f"<span class=amount>{escape(amount)}</span><span>{bar}</span>"
        )
        if kind == "tenure" and req.get("met_on") and not req.get("met"):
            rows.append(f"<span class=when>will be met on {escape(day(req['met_on']))}</span>")
        rows.append("</div>")
    return "".join(rows)


def _evaluations(db: Database) -> dict[str, list[dict]]:
    by_login: dict[str, list[dict]] = {}
    for stored in evaluations.newest_first(db):
        data = stored.as_dict()
        by_login.setdefault(data["login"].lower(), []).append(data)
    return by_login


def _readiness(db: Database) -> dict[tuple, str]:
    """The readiness issue's address by (login, level, scope); the outbox knows it before the row does."""
    out = {}
    for issue in readiness_store.issues(db):
        r = issue.readiness
        url = (
            f"https://github.com/{r.community_repo}/issues/{r.issue_number}"
            if r.issue_number
            else (issue.outbox_result or {}).get("url")
        )
        if url:
            out[(r.login.lower(), r.level, r.scope)] = url
    return out


def _short(url: str) -> str:
    return url.removeprefix("https://github.com/")


def _person_row(login: str, rows: list[dict], readiness: dict) -> str:
    current = next((e for e in rows if e["state"] != "promoted"), rows[0])
    url = readiness.get((login.lower(), current["level"], current["scope"]))
    link = f'<div class=muted><a href="{escape(url)}">readiness issue</a></div>' if url else ""
    promoted = [e["level"] for e in rows if e["state"] == "promoted"]
    note = f"<div class=muted>promoted: {escape(', '.join(promoted))}</div>" if promoted else ""
    return (
        f"<tr class=person data-login='{escape(login)}'><td class=nowrap>@{escape(login)}{note}</td>"
        f"<td>{escape(current['level'])}<div class='muted nowrap'>{escape(current['scope'])}</div></td>"
        f"<td class=nowrap><span class='state {escape(current['state'])}'>{escape(current['state'])}</span>{link}</td>"
        f"<td>{_requirements(current)}</td></tr>"
    )


def dashboard_html(db: Database) -> str:
    from app.outbox import list_effects
    from reports.cohort import cohort_scope, org_cohorts

    evaluations = _evaluations(db)
    readiness = _readiness(db)
    parts = [
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Ladder</title>"
        f"<meta name=viewport content='width=device-width,initial-scale=1'><style>{STYLE}</style></head>"
        "<body><header><h1>Ladder</h1></header><main>"
    ]
    cohorts = org_cohorts(db)
    if not cohorts:
        parts.append(
            "<section><h2>No cohorts yet</h2><p class=muted>Cohorts appear here once an organisation's "
            "<code>.github/ladder.yml</code> is loaded.</p></section>"
        )
    shown: set[str] = set()
    promoted_to = readiness_store.promoted(db)
    for org, cohort in cohorts:
        mentees = cohort.get("mentees") or []
        graduated = sum(1 for m in mentees if (m.lower(), cohort["target"]) in promoted_to)
        parts.append(
            f"<section class=cohort data-cohort='{escape(cohort['name'])}'><h2>{escape(cohort['name'])}</h2>"
            f"<p class=muted>Target: {escape(cohort['target'])} in {escape(cohort_scope(org, cohort))} · "
            f"{escape(day(cohort['start']))} to {escape(day(cohort['end']))} · mentors: "
            f"{escape(', '.join(cohort.get('mentors') or []))} · "
            f"<b class=graduated>{graduated} of {len(mentees)} graduated</b></p>"
        )
        parts.append("<table><tr><th>Mentee</th><th>Working toward</th><th>State</th><th>Requirements</th></tr>")
        for login in mentees:
            shown.add(login.lower())
            rows = evaluations.get(login.lower(), [])
            if not rows:
                parts.append(
                    f"<tr class=person data-login='{escape(login)}'><td>@{escape(login)}</td>"
                    "<td colspan=3 class=muted>no activity seen yet</td></tr>"
                )
                continue
            parts.append(_person_row(login, rows, readiness))
        parts.append("</table></section>")

    others = [(login, rows) for login, rows in sorted(evaluations.items()) if login not in shown]
    if others:
        parts.append(
            "<section class=others><h2>Other people evaluated</h2><table><tr><th>Person</th><th>Level</th>"
            "<th>State</th><th>Requirements</th></tr>"
        )
        parts += [_person_row(rows[0]["login"], rows, readiness) for _, rows in others]
        parts.append("</table></section>")

    parts.append(
        "<section class=outbox><h2>What Ladder did on GitHub</h2><p class=muted>Every write goes through "
        "the outbox: <b class=planned>planned</b> is dry-run (recorded, not sent).</p><table>"
        "<tr><th>Effect</th><th>Status</th><th>Result</th></tr>"
    )
    entries = list_effects(db, limit=100)
    for e in entries:
        row = effect_row(e)
        if row["status"] == "done" and row["url"]:
            result = f'<a href="{escape(row["url"])}">{escape(_short(row["url"]))}</a>'
        else:
            result = escape(row["outcome"])
        parts.append(
            f"<tr class=effect data-status={escape(e.status)}><td class=what>{escape(row['what'])}</td>"
            f"<td class='status {escape(e.status)}'>{escape(e.status)}</td><td>{result}</td></tr>"
        )
    if not entries:
        parts.append("<tr><td colspan=3 class=muted>nothing yet</td></tr>")
    parts.append("</table></section></main></body></html>")
    return "".join(parts)
