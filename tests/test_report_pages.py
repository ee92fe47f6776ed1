"""The pages and charts from hand-built data (tests/report_views.py): exact plotted values, escaping of
people's text in HTML and Markdown, links only to web addresses, the viewport and the header on every
page, no script anywhere."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.charts import activity_chart, funnel_chart, progress_chart
from reports.formats import Link, Progress, Report, Table, render
from reports.pages import cohort_html, overview_html, person_html
from reports.views import Funnel, Requirement, Series
from tests.report_views import (
    ACTIVITY,
    END,
    SCRIPT,
    START,
    TODAY,
    alice_requirements,
    cohort_page,
    overview_page,
    person_page,
)

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def groups(svg: str, cls: str) -> list[dict]:
    """The data attributes of each `<g class="cls" …>` in order."""
    return [dict(re.findall(r'data-([\w-]+)="([^"]*)"', m)) for m in re.findall(rf'<g class="{cls}"([^>]*)>', svg)]


def attrs(tag: str) -> dict:
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))


# --- charts ------------------------------------------------------------------------------------------


def test_progress_chart_values_and_geometry():
    svg = progress_chart(alice_requirements(), "@alice: progress toward reviewer")
    assert svg.startswith('<svg class="chart progress" data-chart="progress" role="img" viewBox="0 0 400 ')
    assert "<title>@alice: progress toward reviewer</title>" in svg
    # The sponsor requirement is for people: not a bar.
    assert groups(svg, "requirement") == [
        {"label": "Reviewed at least 10 PRs to sample-org/widgets/pkg/controller", "have": "7", "need": "10", "met": "false"},
        {"label": "Primary reviewer for at least 5 PRs to sample-org/widgets/pkg/controller", "have": "5", "need": "5", "met": "true"},
        {"label": "Member for 3 months", "have": "92", "need": "92", "met": "true"},
    ]  # fmt: skip
    # Filled share of a 300-unit track: 7/10 → 210; met bars are green, open ones amber.
    fills = [attrs(t) for t in re.findall(r'<rect class="fill"[^>]*>', svg)]
    assert [(f["width"], f["fill"]) for f in fills] == [("210", "#bf8700"), ("300", "#1f883d"), ("300", "#1f883d")]
    amounts = re.findall(r'<text class="amount"[^>]*>([^<]*)</text>', svg)
    assert amounts == ["7/10", "5/5", "met"]  # time in dates, never a count of days


def test_time_requirements_read_as_dates_on_the_pages():
    page = overview_html(overview_page())
    assert '<span class="amount">member since 22 Oct 2026 · will be met on 22 Jan 2027</span>' in page
    assert '<span class="amount">7/10</span>' in page
    assert " days</span>" not in page
    assert page.count("will be met on 22 Jan 2027") == 1  # said once, in the words


def test_progress_bar_is_capped_and_labels_wrap():
    long = "Reviewed or merged at least 20 substantial PRs to sample-org/widgets/pkg/controller in the last 6 months"
    svg = progress_chart([Requirement(long, "count", 25, 20, True)])
    assert attrs(re.search(r'<rect class="fill"[^>]*>', svg).group())["width"] == "300"  # 25 of 20: full, no further
    lines = re.findall(r'<text x="14" y="[\d.]+" fill="#1f2328">([^<]*)</text>', svg)
    assert " ".join(lines) == long and all(len(line) <= 58 for line in lines) and len(lines) == 2


def test_activity_chart_points_path_and_marks():
    svg = activity_chart(ACTIVITY, START, END, TODAY)
    root = attrs(svg[: svg.index(">")])
    assert (root["role"], root["data-start"], root["data-end"], root["data-today"]) == (
        "img",
        "2026-09-01",
        "2026-11-30",
        "2026-11-20",
    )
    assert "<title>Activity over the term</title>" in svg
    # alice's event on 20 Aug is before the term: not counted.
    assert groups(svg, "series") == [
        {"label": "alice", "total": "4", "points": "2026-09-03:2 2026-09-10:3 2026-10-01:4"},
        {"label": "bob", "total": "2", "points": "2026-09-15:1 2026-11-20:2"},
        {"label": "carol", "total": "5", "points": "2026-09-02:1 2026-09-05:2 2026-09-09:3 2026-09-12:4 2026-09-20:5"},
        {"label": "dora", "total": "0", "points": ""},
    ]  # fmt: skip
    # 91 days over 358 units from x=34; counts 0–6 (steps of 2) over 150 units up from y=172.
    # bob: flat until 15 Sep (day 14: 34 + 358·14/91), up to 1 (y 147), on 20 Nov (day 80) up to 2
    # (y 122), on to the end of today (day 81).
    paths = re.findall(r'<path d="([^"]+)"', svg)
    assert paths[1] == "M34 172H89.08V147H348.73V122H352.66"
    assert paths[3] == "M34 172H352.66"
    assert re.findall(r'<text x="30" y="[\d.]+" text-anchor="end" fill="#59636e">(\d+)</text>', svg) == [
        "0",
        "2",
        "4",
        "6",
    ]
    x_labels = re.findall(r'<text class="x-label" x="([\d.]+)" y="188" text-anchor="(\w+)"[^>]*>([^<]*)</text>', svg)
    assert x_labels == [
        ("34", "start", "1 Sep 2026"),
        ("392", "end", "30 Nov 2026"),
        ("152.02", "middle", "Oct"),
        ("273.98", "middle", "Nov"),
    ]
    today = re.search(r'<g class="today" data-date="2026-11-20">\s*<line x1="([\d.]+)"', svg)
    assert today.group(1) == "352.66"


def test_activity_chart_labels_years_on_a_long_range():
    svg = activity_chart([], date(2024, 1, 5), END, TODAY)
    labels = re.findall(r'<text class="x-label"[^>]*>([^<]*)</text>', svg)
    assert labels == ["5 Jan 2024", "30 Nov 2026", "2025", "2026"]


def test_activity_chart_before_the_term_and_a_bad_range():
    svg = activity_chart([Series("alice", (date(2026, 9, 3),))], START, END, date(2026, 8, 1))
    assert '<g class="today"' not in svg  # today is outside the range: no mark
    # One event on 3 Sep (day 2: 34 + 358·2/91), scale 0–1; the line stops at the end of its day.
    assert re.findall(r'<path d="([^"]+)"', svg) == ["M34 172H41.87V22H45.8"]
    with pytest.raises(ValueError, match="ends"):
        activity_chart([], END, START, TODAY)


def test_funnel_chart_counts():
    svg = funnel_chart(Funnel(4, 2, 1), "apps: working → ready → promoted")
    assert "<title>apps: working → ready → promoted</title>" in svg and 'role="img"' in svg
    assert groups(svg, "stage") == [
        {"stage": "working", "count": "4"},
        {"stage": "ready", "count": "2"},
        {"stage": "promoted", "count": "1"},
    ]
    widths = [attrs(t)["width"] for t in re.findall(r"<rect [^>]*>", svg)]
    assert widths == ["250", "125", "62.5"]
    assert re.findall(r"\((\d+%)\)", svg) == ["50%", "25%"]
    empty = funnel_chart(Funnel(0, 0, 0))
    assert [attrs(t)["width"] for t in re.findall(r"<rect [^>]*>", empty)] == ["0", "0", "0"]


def test_funnel_counts_from_the_mentees():
    page = cohort_page()
    # carol graduated (and works toward the next level), bob is ready, alice and dora are working.
    assert page.cohort.funnel == Funnel(working=4, ready=2, promoted=1)


# --- pages -------------------------------------------------------------------------------------------


def report() -> Report:
    table = Table("Mentees", ["Mentee", "Requirements met", "Readiness issue"])
    table.rows = [
        ["alice", Progress(1, 2), Link("acme/community#3", "https://github.com/acme/community/issues/3")],
        [SCRIPT, Progress(0, 1), Link("click | me", "javascript:alert(1)")],
    ]
    return Report(
        f"Cohort {SCRIPT}",
        [("Organisation", "acme"), ("Mentors", "@maria, <!-- ladder:readiness:1 -->")],
        [table],
        notes=[f"note {SCRIPT}"],
        org="acme",
        generated_at=datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc),
    )


PAGES = {
    "overview": lambda: overview_html(overview_page(SCRIPT, "javascript:alert(1)")),
    "cohort": lambda: cohort_html(cohort_page(SCRIPT, "javascript:alert(1)")),
    "person": lambda: person_html(person_page("javascript:alert(1)")),
    "report": lambda: render(report(), "html"),
}


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_the_viewport_the_org_and_the_time(name):
    page = PAGES[name]()
    assert page.startswith('<!doctype html>\n<html lang="en">')
    assert page.count(VIEWPORT) == 1
    header = re.search(r'<header class="top">(.*?)</header>', page, re.S).group(1)
    org = "acme" if name == "report" else "sample-org"
    assert f'<span class="org">{org}</span>' in header
    assert re.search(
        r'<time class="generated" datetime="2026-11-20T09:30:00\+00:00">20 Nov 2026, 09:30 UTC</time>', header
    )


@pytest.mark.parametrize("name", PAGES)
def test_people_text_is_text_and_no_script_runs(name):
    page = PAGES[name]()
    assert SCRIPT not in page and "<!-- ladder" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    assert not re.search(r"\son\w+\s*=", page)  # no inline event handler
    hrefs = re.findall(r'href="([^"]*)"', page)
    # GitHub's addresses, or the dashboard's own pages with every name percent-encoded
    own = re.compile(r"/(cohorts/[\w.%-]+/[\w.%-]+|people/[\w.%-]+)?")
    assert hrefs and all(h.startswith("https://") or own.fullmatch(h) for h in hrefs)


def test_a_javascript_link_is_shown_as_text():
    page = render(report(), "html")
    assert '<span class="unlinked">click | me</span>' in page
    assert '<a href="https://github.com/acme/community/issues/3">acme/community#3</a>' in page
    overview = overview_html(overview_page(readiness_url="javascript:alert(1)"))
    # bob's readiness issue URL is a script: no link; the outbox's done effect with one shows its outcome as text.
    assert "readiness issue" not in overview
    assert '<td data-label="Result">javascript:alert(1)</td>' in overview
    assert (
        '<a href="https://github.com/sample-org/community/issues/7#c1">sample-org/community/issues/7#c1</a>' in overview
    )


def test_checkin_text_is_escaped_on_the_cohort_page():
    page = cohort_html(cohort_page())
    assert (
        "<p><b>Accomplishments:</b> Reviewed two PRs &lt;script&gt;alert(1)&lt;/script&gt;</p>"
        "<p><b>Challenges:</b> none &lt;!-- ladder:readiness:x --&gt; @maria</p>"
    ) in page
    # bob's check-in links to a script: it is shown, not linked.
    assert '@bob · 18 Nov 2026 · <span class="unlinked">comment</span>' in page


def test_report_html_tables_reflow():
    page = render(report(), "html")
    assert "<dt>Organisation</dt><dd>acme</dd>" in page
    assert '<td data-label="Requirements met">1/2<span class="bar open" role="progressbar" aria-valuenow="1"' in page
    assert page.count("<td data-label=") == 6
    assert "@media (max-width:600px)" in page and "td[data-label]::before{content:attr(data-label)" in page


def test_report_markdown_keeps_people_text_as_text():
    md = render(report(), "md")
    lines = md.splitlines()
    assert lines[0] == "# Cohort &lt;script&gt;alert(1)&lt;/script&gt;"
    assert "- **Mentors:** @&#8203;maria, &lt;!-- ladder:readiness:1 --&gt;" in lines
    assert "| alice | 1/2 | [acme/community#3](https://github.com/acme/community/issues/3) |" in lines
    # The hostile row keeps three cells: the pipe is escaped, the script link is text.
    assert "| &lt;script&gt;alert(1)&lt;/script&gt; | 0/1 | click \\| me |" in lines
    assert "> note &lt;script&gt;alert(1)&lt;/script&gt;" in lines
    assert "<" not in md.replace("&lt;", "")


def test_csv_cells_are_not_formulas():
    table = Table("People", ["Person", "Note"], [['=HYPERLINK("http://x")', "-3"], ["@SUM(A1)", 7]])
    out = render(Report("r", tables=[table]), "csv")
    assert out.splitlines() == ["Person,Note", '"\'=HYPERLINK(""http://x"")",\'-3', "'@SUM(A1),7"]


def test_reports_draw_their_charts_with_the_org_and_time_in_the_header(tmp_path):
    from reports.cohort import cohort_report
    from reports.person import person_report
    from tests.read_side_db import build
    from tests.stores import open_test_database

    db = open_test_database(build(tmp_path / "ladder.db"))
    now = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)
    page = render(cohort_report(db, "api-reviewers", now=now), "html")
    # alice graduated, bob is ready, dora has no activity.
    assert re.findall(r'data-stage="(\w+)" data-count="(\d+)"', page) == [
        ("working", "3"),
        ("ready", "2"),
        ("promoted", "1"),
    ]
    assert (
        '<span class="org">acme</span> · generated <time class="generated" datetime="2026-11-20T09:30:00+00:00">'
        in page
    )
    page = render(person_report(db, "alice", web="https://github.com"), "html")
    # alice's working evaluation (approver) is drawn; the level she was promoted to is not.
    assert [(g["label"], g["have"], g["need"]) for g in groups(page, "requirement")] == [
        ("Reviewer for 3 months", "10", "92"),
        ("Primary reviewer for at least 10 PRs to acme/api", "4", "10"),
    ]
    assert '<span class="org">acme</span>' in page


def test_no_progress_chart_without_a_number():
    assert progress_chart([Requirement("Sponsored by 2 approvers", "sponsors", None, None, None)]) == ""
    page = person_html(person_page())
    assert page.count('<svg class="chart progress"') == 1  # the promoted level has no requirement to draw


@given(
    st.lists(st.dates(min_value=date(2026, 7, 1), max_value=date(2027, 1, 31)), max_size=40),
    st.dates(min_value=date(2026, 7, 1), max_value=date(2027, 1, 31)),
)
def test_activity_chart_counts_every_event_in_the_range_once(dates, today):
    svg = activity_chart([Series("alice", tuple(dates))], START, END, today)
    series = groups(svg, "series")[0]
    points = [(date.fromisoformat(d), int(n)) for d, n in (p.split(":") for p in series["points"].split())]
    inside = sorted(d for d in dates if START <= d <= END)
    assert [d for d, _ in points] == sorted(set(inside))
    assert [n for _, n in points] == [sum(1 for d in inside if d <= day) for day, _ in points]
    assert int(series["total"]) == len(inside)
    # The step line never goes back in time or down, and stays inside the plot.
    path = re.search(r'<g class="series".*?<path d="([^"]+)"', svg, re.S).group(1)
    xs = [float(v) for v in re.findall(r"[MH]([\d.]+)", path)]
    ys = [float(v) for v in re.findall(r"(?:M[\d.]+ |V)([\d.]+)", path)]
    assert xs == sorted(xs) and all(34 <= x <= 392 for x in xs)
    assert ys == sorted(ys, reverse=True) and all(22 <= y <= 172 for y in ys)


@given(st.lists(st.tuples(st.integers(0, 500), st.integers(1, 500), st.text(max_size=120)), min_size=1, max_size=8))
def test_progress_chart_draws_what_it_is_given(bars):
    requirements = [Requirement(text, "count", have, need, have >= need) for have, need, text in bars]
    svg = progress_chart(requirements)
    drawn = groups(svg, "requirement")
    assert [(int(g["have"]), int(g["need"])) for g in drawn] == [(have, need) for have, need, _ in bars]
    fills = [float(attrs(t)["width"]) for t in re.findall(r'<rect class="fill"[^>]*>', svg)]
    # Widths are written to two decimals: a half-way value such as 9.375 is off by 0.005 plus float error.
    assert fills == [pytest.approx(300 * min(have, need) / need, abs=0.0051) for have, need, _ in bars]
    assert "<script" not in svg
