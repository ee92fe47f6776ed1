"""SVG charts for the reports and the dashboard: data in, SVG markup out.

Each function computes the chart's geometry here and a template (`templates/charts/*.svg`) draws it,
so every label is escaped. Every chart is `role="img"` with a `<title>`, scales to its container
through its viewBox (drawn for a ~400-pixel-wide phone column, so text stays readable there), and
carries the values it plots as data attributes, for tests and for people reading the source:

- `progress_chart(requirements)`: a bar per measured requirement (`data-have`, `data-need`, `data-met`);
- `activity_chart(series, start, end, today)`: running counts of dated events, a step line per series
  (`data-points="2026-09-03:1 2026-09-10:3"`, `data-total`), with the range's ends and today marked;
- `funnel_chart(funnel)`: working → ready → promoted (`data-stage`, `data-count`).
"""

from __future__ import annotations

import math
import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

from app.markdown import day
from reports.templating import markup, number
from reports.views import Funnel, Requirement, Series

WIDTH = 400  # viewBox width: about the CSS width of a phone's content column, so 1 unit ≈ 1 pixel there
FONT = 12
LINE = 15  # distance between text lines
LABEL_CHARS = 58  # characters of a label per line at FONT on WIDTH (system sans: ~6.3 units per character)
# Okabe–Ito colours: told apart with the common colour-vision deficiencies (yellow left out: too pale on white).
COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000")
DASHES = ("", "6 3", "2 3")  # a second and third round of colours is dashed, then dotted


def _wrap(text: str, width: int = LABEL_CHARS) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


# --- progress per requirement ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Bar:
    label: str
    lines: list[tuple[float, str]]  # (y, text) of the label's lines
    y: float  # top of the bar
    have: int
    need: int
    met: bool
    fill: float  # width of the filled part
    amount: str  # "5/10", "met", "6 Nov 2026"


BAR_WIDTH = 300
BAR_HEIGHT = 12


def progress_chart(requirements: Sequence[Requirement], title: str = "Progress per requirement") -> Markup:
    """A bar per requirement with a have/need number; requirements for people (sponsors) and
    alternatives (one of …) are not numbers and are left out — the page lists them as text.
    Nothing at all (empty markup) when no requirement has a number."""
    if not any(req.measured for req in requirements):
        return Markup("")
    bars, y = [], 0.0
    for req in requirements:
        if not req.measured:
            continue
        assert req.have is not None and req.need  # what `measured` means
        lines = []
        for text in _wrap(req.description):
            y += LINE
            lines.append((y - 3, text))
        have, need = req.have, req.need
        amount = req.short_amount
        fill = BAR_WIDTH * max(0, min(have, need)) / need
        bars.append(_Bar(req.description, lines, y + 3, have, need, bool(req.met), fill, amount))
        y += 3 + BAR_HEIGHT + 12
    return markup(
        "charts/progress.svg",
        title=title,
        bars=bars,
        width=WIDTH,
        height=max(y, LINE),
        bar_width=BAR_WIDTH,
        bar_height=BAR_HEIGHT,
    )


# --- cumulative activity -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    label: str
    shown: str  # the label as the legend shows it (long ones cut)
    colour: str
    dash: str
    path: str
    points: str  # "date:running count" for each day with events, in order
    total: int
    legend: tuple[float, float]  # where its legend entry starts


@dataclass(frozen=True)
class _Tick:
    x: float
    label: str
    anchor: str  # text-anchor


AXIS_FONT = 11
LEGEND_CHARS = 22  # a legend entry is half the width, with its count after the label
PLOT = {"left": 34.0, "right": 8.0, "top": 22.0, "height": 150.0}


def _nice_step(largest: int, ticks: int = 4) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that reaches `largest` in at most `ticks` steps."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if step * ticks >= largest:
                return step
        magnitude *= 10


def _running(dates: Sequence[date], start: date, end: date) -> list[tuple[date, int]]:
    """(day, events up to and including that day) for each day in [start, end] with events."""
    per_day = Counter(d for d in dates if start <= d <= end)
    out, total = [], 0
    for d in sorted(per_day):
        total += per_day[d]
        out.append((d, total))
    return out


def activity_chart(
    series: Sequence[Series], start: date, end: date, today: date, title: str = "Activity over the term"
) -> Markup:
    """Running counts of each series' events from `start` to `end`, drawn up to `today` (or `end`).

    Events before `start` or after `end` are not counted: the chart is about the range. The x axis
    runs from the beginning of `start` to the end of `end`; an event is drawn at the beginning of its
    day, and the lines stop at the end of today (or of a later event)."""
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    left, top, plot_h = PLOT["left"], PLOT["top"], PLOT["height"]
    plot_w = WIDTH - left - PLOT["right"]
    span = (end - start).days + 1
    bottom = top + plot_h

    def x(d: date) -> float:
        return left + plot_w * (d - start).days / span

    running = [_running(s.dates, start, end) for s in series]
    largest = max((r[-1][1] for r in running if r), default=0)
    step = _nice_step(max(largest, 1))
    y_max = step * math.ceil(max(largest, 1) / step)

    def y(count: int) -> float:
        return bottom - plot_h * count / y_max

    lines = []
    legend_y = bottom + 40
    for i, (s, points) in enumerate(zip(series, running)):
        path = [f"M{number(x(start))} {number(y(0))}"]
        for d, total in points:
            path.append(f"H{number(x(d))}V{number(y(total))}")
        # On to the end of today, or of the last event when the data runs past today; never past the range.
        until = min(end, max([today, *(d for d, _ in points)]))
        if until >= start:
            path.append(f"H{number(x(until + timedelta(days=1)))}")
        column = i % 2
        legend = (left + column * plot_w / 2, legend_y + (i // 2) * LINE)
        lines.append(
            _Line(
                label=s.label,
                shown=s.label if len(s.label) <= LEGEND_CHARS else s.label[: LEGEND_CHARS - 1] + "…",
                colour=COLOURS[i % len(COLOURS)],
                dash=DASHES[(i // len(COLOURS)) % len(DASHES)],
                path="".join(path),
                points=" ".join(f"{d.isoformat()}:{total}" for d, total in points),
                total=points[-1][1] if points else 0,
                legend=legend,
            )
        )
    y_ticks = [(y(v), str(v)) for v in range(0, y_max + 1, step)]
    x_ticks = [_Tick(left, day(start), "start"), _Tick(left + plot_w, day(end), "end")]
    x_ticks += _between(start, end, x, free=(left + _width(day(start)), left + plot_w - _width(day(end))))
    today_x = x(today + timedelta(days=1)) if start <= today <= end else None  # where the lines stop
    rows = (len(series) + 1) // 2
    return markup(
        "charts/activity.svg",
        title=title,
        lines=lines,
        width=WIDTH,
        height=legend_y + max(rows, 1) * LINE,
        left=left,
        right=left + plot_w,
        top=top,
        bottom=bottom,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        today=today,
        today_x=today_x,
        axis_font=AXIS_FONT,
        start=start,
        end=end,
    )


def _width(label: str) -> float:
    return 0.6 * AXIS_FONT * len(label)  # roughly, for the system sans at AXIS_FONT


def _between(start: date, end: date, x, free: tuple[float, float]) -> list[_Tick]:
    """Labels between the range's ends: the first of each month (of each year on a range longer
    than eight months), each where it keeps clear of the labels before and after it."""
    yearly = (end - start).days > 240
    out, clear_from = [], free[0] + 6
    when = date(start.year + 1, 1, 1) if yearly else date(start.year + start.month // 12, start.month % 12 + 1, 1)
    while when <= end:
        label = str(when.year) if yearly else (f"{when:%b}" if when.month != 1 else f"{when:%b %Y}")
        at, half = x(when), _width(label) / 2
        if at - half >= clear_from and at + half <= free[1] - 6:
            out.append(_Tick(at, label, "middle"))
            clear_from = at + half + 6
        when = date(when.year + 1, 1, 1) if yearly else date(when.year + when.month // 12, when.month % 12 + 1, 1)
    return out


# --- the cohort funnel -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stage:
    label: str
    count: int
    y: float
    width: float
    share: str  # "" for the first stage, else "67%" of the first


FUNNEL_LABEL = 76
FUNNEL_BAR = 250


def funnel_chart(funnel: Funnel, title: str = "Cohort funnel: working → ready → promoted") -> Markup:
    stages, first = [], funnel.working
    for i, (label, count) in enumerate(funnel.stages()):
        width = FUNNEL_BAR * count / first if first else 0.0
        share = f"{round(100 * count / first)}%" if i and first else ""
        stages.append(_Stage(label, count, 6 + i * 30, width, share))
    return markup(
        "charts/funnel.svg",
        title=title,
        stages=stages,
        width=WIDTH,
        height=6 + len(stages) * 30,
        label_width=FUNNEL_LABEL,
    )
