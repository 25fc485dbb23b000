"""The report's chart: met rate and participation over a cohort's periods, as PNG bytes.

Headless and safe in any thread: matplotlib's object API (`Figure` drawn by `FigureCanvasAgg`)
and never pyplot, whose global figure registry and backend switching are neither needed nor
thread-safe. The image is exactly the requested size (100 dpi, no tight bounding box) and
the same report always gives the same bytes (no timestamp or version in the PNG metadata).
Only numbers and the cohort's name are drawn.
"""

from __future__ import annotations

import io
import threading
from functools import cache

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import MaxNLocator, PercentFormatter

from bot.report_records import PeriodStats, ProgramReport

DPI = 100
MIN_WIDTH_PX, MIN_HEIGHT_PX = 300, 200
MAX_WIDTH_PX, MAX_HEIGHT_PX = 4000, 4000
# Periods labelled one by one up to this many; beyond, matplotlib picks a few.
LABELLED_PERIODS = 26
# Bars get their percentage written above them when each period has this many pixels of width.
LABEL_PX_PER_PERIOD = 60
# Colour-blind-safe (Okabe-Ito).
MET_COLOUR, OPEN_COLOUR = "#0072B2", "#56B4E9"
LIVE_COLOUR, MET_PAIRS_COLOUR, BREAK_COLOUR = "#009E73", "#0072B2", "#E69F00"

# matplotlib's font and text-layout caches are shared by all figures: one drawing at a time.
_RENDER_LOCK = threading.Lock()


def report_chart_png(report: ProgramReport, *, width_px: int = 1200, height_px: int = 600) -> bytes:
    """Two panels over the cohort's periods: the met rate (%) as bars, and the pairs live, met and
    on a break as lines. Periods still open are drawn lighter; periods not asked yet have no bar.

    Raises ValueError for a size outside 300x200 to 4000x4000 pixels.
    """
    if not (MIN_WIDTH_PX <= width_px <= MAX_WIDTH_PX and MIN_HEIGHT_PX <= height_px <= MAX_HEIGHT_PX):
        raise ValueError(
            f"chart size {width_px}x{height_px} is outside {MIN_WIDTH_PX}x{MIN_HEIGHT_PX} "
            f"to {MAX_WIDTH_PX}x{MAX_HEIGHT_PX} pixels"
        )
    with _RENDER_LOCK:
        figure = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        rate_axes, pairs_axes = figure.subplots(2, 1, sharex=True)
        periods = list(report.periods)
        figure.suptitle(
            f"{_drawable(report.cohort_name)}: met rate and participation per period",
            parse_math=False,
            fontsize="large",
        )
        _draw_met_rate(rate_axes, periods, label_bars=width_px / report.period_count >= LABEL_PX_PER_PERIOD)
        _draw_participation(pairs_axes, periods)
        _label_periods(pairs_axes, report.period_count)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        return buffer.getvalue()


@cache
def _font_codepoints() -> frozenset[int]:
    """The characters the default font can draw."""
    return frozenset(FT2Font(findfont(FontProperties())).get_charmap())


def _drawable(text: str) -> str:
    """`text` without the characters the font lacks (emoji...), which would draw as boxes and warn."""
    codepoints = _font_codepoints()
    return " ".join("".join(c for c in text if ord(c) in codepoints).split()) or "Cohort"


def _draw_met_rate(axes: Axes, periods: list[PeriodStats], *, label_bars: bool) -> None:
    asked = [p for p in periods if p.met_rate is not None]
    axes.set_ylim(0, 110)
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=100))
    axes.set_yticks([0, 25, 50, 75, 100])
    axes.set_ylabel("Pairs that met")
    axes.grid(axis="y", alpha=0.3)
    if not asked:
        axes.text(0.5, 0.5, "No check-ins asked yet", transform=axes.transAxes, ha="center", va="center")
        return
    rates = [100 * (p.met_rate or 0) for p in asked]
    bars = axes.bar(
        [p.period for p in asked],
        rates,
        color=[MET_COLOUR if p.closed else OPEN_COLOUR for p in asked],
        width=0.6,
    )
    if label_bars:
        labels = [
            f"{int(rate + 0.5)}%" + ("" if p.closed else "*") for rate, p in zip(rates, asked, strict=True)
        ]
        axes.bar_label(bars, labels=labels, padding=2, fontsize="small")
    if label_bars and any(not p.closed for p in asked):
        axes.text(
            1.0,
            1.02,
            "* period still open: answers may still come",
            transform=axes.transAxes,
            ha="right",
            va="bottom",
            fontsize="small",
            parse_math=False,
        )


def _draw_participation(axes: Axes, periods: list[PeriodStats]) -> None:
    axes.set_ylabel("Pairs")
    axes.set_xlabel("Period")
    axes.grid(axis="y", alpha=0.3)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if not periods:
        axes.text(0.5, 0.5, "No period has begun yet", transform=axes.transAxes, ha="center", va="center")
        axes.set_ylim(0, 1)
        return
    x = [p.period for p in periods]
    series = (
        ("Live", [p.live_pairs for p in periods], LIVE_COLOUR, "o"),
        ("Met", [p.met_pairs for p in periods], MET_PAIRS_COLOUR, "s"),
        ("On a break", [p.on_break_pairs for p in periods], BREAK_COLOUR, "^"),
    )
    for label, values, colour, marker in series:
        axes.plot(x, values, label=label, color=colour, marker=marker, linewidth=2)
    top = max(max(values) for _, values, _, _ in series)
    axes.set_ylim(0, max(1, top) * 1.4)  # room for the legend above the lines
    axes.legend(loc="upper left", fontsize="small", ncols=3, frameon=False)


def _label_periods(axes: Axes, period_count: int) -> None:
    axes.set_xlim(0.4, period_count + 0.6)
    if period_count <= LABELLED_PERIODS:
        axes.set_xticks(range(1, period_count + 1))
    else:
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
