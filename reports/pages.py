"""The dashboard's pages as HTML: a `reports.views` page in, one standalone document out.

Each page is a template (`templates/overview.html`, `cohort.html`, `person.html` on `base.html`)
with its charts (`reports.charts`) drawn beforehand; no script, no external file. Every page is
readable on a 390-pixel-wide phone: tables reflow into one card per row, charts scale to the width.
"""

from __future__ import annotations

from reports.charts import activity_chart, funnel_chart, progress_chart
from reports.templating import render
from reports.views import CohortPage, OverviewPage, PersonPage


def overview_html(page: OverviewPage, *, links: bool = True) -> str:
    """`links`: cohorts and people link to their own pages (`/cohorts/ORG/NAME`, `/people/LOGIN`)."""
    funnels = [funnel_chart(c.funnel, f"{c.name}: working → ready → promoted") for c in page.cohorts]
    return render("overview.html", header=page.header, page=page, funnels=funnels, links=links)


def cohort_charts(page: CohortPage) -> dict:
    """The cohort's charts: its funnel, each mentee's cumulative activity over the term, and each mentee's
    progress per requirement (the dashboard's cohort page and the HTML cohort report draw the same)."""
    c = page.cohort
    return {
        "funnel": funnel_chart(c.funnel, f"{c.name}: working → ready → promoted"),
        "activity": activity_chart(page.activity, c.start, c.end, page.today, f"{c.name}: activity over the term"),
        "progress": [progress_chart(p.requirements, f"@{p.login}: progress toward {p.level}") for p in c.mentees],
    }


def cohort_html(page: CohortPage) -> str:
    return render("cohort.html", header=page.header, page=page, charts=cohort_charts(page))


def person_html(page: PersonPage) -> str:
    charts = {
        "activity": activity_chart(
            page.activity, page.activity_start, page.activity_end, page.today, f"@{page.login}: activity"
        ),
        "progress": [
            progress_chart(lv.requirements, f"@{page.login}: progress toward {lv.level} in {lv.scope}")
            for lv in page.levels
        ],
    }
    return render("person.html", header=page.header, page=page, charts=charts)
