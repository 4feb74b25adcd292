"""The chart: Starlink satellites in orbit over time, the forecast's P50 and band to the target.

One implementation for ``spacex answer --chart`` and the Dagster answer asset. Everything drawn
comes from the marts through :class:`~spacex_elt.answer.Answer`: the observed history from
``starlink_in_orbit_daily``, the headline's P50 and P10-P90 band and the Starship scenario from
``starlink_forecast_path``, the target dates from ``starlink_42k_forecast``, the authorised total
from the authorisations seed. No fleet model is computed here.

Two panels: the whole horizon, and the data years plus the first years of projection, so the
observed history is not squashed against zero.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from spacex_elt.answer import Answer  # noqa: E402

HEADLINE_COLOR = "#1f77b4"
STARSHIP_COLOR = "#9467bd"
TARGET_COLOR = "#d62728"
AUTHORISED_COLOR = "#ff7f0e"
#: Years of projection the zoomed panel shows after the as-of date.
ZOOM_YEARS = 2
#: The whole-horizon panel's height, as a multiple of the target (a P90 far above it is clipped).
TOP_OF_TARGET = 1.35
FIGSIZE = (12.0, 9.5)  # inches
DPI = 110


def _x(day: dt.date) -> float:
    """A date as a matplotlib date number (what the axes plot)."""
    return float(mdates.date2num(day))


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _when(row: dict[str, Any], which: str) -> str:
    day = _date(row.get(f"target_date_{which}"))
    return f"{day:%b %Y}" if day else f"not before {row.get('horizon_year')}"


def scenario_label(row: dict[str, Any]) -> str:
    """The legend line of a scenario: its P50 and earliest dates."""
    if row.get("is_headline"):
        name = f"P50 ({row.get('configuration')}, chosen by the backtest)"
    else:
        name = "with Starship (P50)"
    return f"{name}: {_when(row, 'p50')}; earliest (P90) {_when(row, 'early')}"


def attribution_text(answer: Answer) -> str:
    parts = []
    for source in answer.sources:
        text = f"{source.role}: {source.name}"
        if source.data_through:
            text += f", data through {source.data_through}"
        if source.attribution:
            text += f". {source.attribution}"
        parts.append(text)
    if answer.set_aside_note:
        parts.append(answer.set_aside_note)
    return "\n".join(textwrap.wrap(" | ".join(parts), 190))


def _draw(ax: Axes, answer: Answer, label: bool) -> None:
    """The observed series, the headline's band and P50, the Starship scenario, the lines."""
    ax.plot(
        [_x(d) for d, _ in answer.series],
        [v for _, v in answer.series],
        color="black",
        linewidth=2.5,
        zorder=5,
        label="in orbit (data)" if label else None,
    )
    for row in answer.scenarios:
        path = answer.paths.get(row["scenario"], [])
        xs = [_x(p.date) for p in path]
        if row.get("is_headline"):
            if row.get("band_is_backtested"):
                ax.fill_between(
                    xs,
                    [p.p10 for p in path],
                    [p.p90 for p in path],
                    color=HEADLINE_COLOR,
                    alpha=0.18,
                    linewidth=0,
                    zorder=2,
                    label="P10-P90 band (the backtest's own errors)" if label else None,
                )
            color, width, dash, order = HEADLINE_COLOR, 2.8, "-", 4
        else:
            color, width, dash, order = STARSHIP_COLOR, 1.8, "--", 3
        ax.plot(
            xs,
            [p.p50 for p in path],
            label=scenario_label(row) if label else None,
            color=color,
            linewidth=width,
            linestyle=dash,
            zorder=order,
        )
        for which, marker in (("p50", "o"), ("early", "v")):
            day = _date(row.get(f"target_date_{which}"))
            if day:
                ax.plot([_x(day)], [answer.target_in_orbit], marker, color=color, zorder=6)
    ax.axhline(
        answer.target_in_orbit,
        color=TARGET_COLOR,
        linewidth=1.3,
        zorder=2,
        label=f"target: {answer.target_in_orbit:,} in orbit" if label else None,
    )
    ax.axhline(
        answer.authorised_in_orbit,
        color=AUTHORISED_COLOR,
        linewidth=1.2,
        linestyle="-.",
        zorder=2,
        label=f"authorised today (FCC): {answer.authorised_in_orbit:,}" if label else None,
    )
    ax.axvline(_x(answer.forecast_start_date), color="grey", linewidth=1, linestyle=":", zorder=1)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    locator = mdates.AutoDateLocator(minticks=5, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(alpha=0.3)
    ax.set_ylabel("Starlink satellites in orbit")


def build_figure(answer: Answer) -> Figure:
    fig, (full, zoom) = plt.subplots(
        2, 1, figsize=FIGSIZE, dpi=DPI, gridspec_kw={"height_ratios": [1, 1], "hspace": 0.32}
    )
    first = answer.series[0][0] if answer.series else answer.as_of_date
    start = answer.forecast_start_date

    # The whole horizon: to December of the horizon year.
    _draw(full, answer, label=True)
    last = max([start, *(path[-1].date for path in answer.paths.values() if path)])
    full.set_xlim(_x(first), _x(last))
    full.set_ylim(0, answer.target_in_orbit * TOP_OF_TARGET)
    full.set_title("The whole projection, to the end of the horizon", fontsize=10)

    # The data years and the first years of projection, scaled to what is visible there.
    until = start + dt.timedelta(days=round(365.25 * ZOOM_YEARS))
    _draw(zoom, answer, label=False)
    visible: list[float] = [float(v) for _, v in answer.series]
    visible += [p.p90 for path in answer.paths.values() for p in path if p.date <= until]
    zoom.set_xlim(_x(first), _x(until))
    zoom.set_ylim(0, max(visible, default=answer.target_in_orbit) * 1.1)
    zoom.set_title(
        f"Zoom: the data ({first.year}-{answer.as_of_date.year}) and the first {ZOOM_YEARS} "
        "years of projection",
        fontsize=10,
    )
    zoom.annotate(
        f"forecast start {start}\n{answer.in_orbit_at_start:,} in orbit",
        xy=(_x(start), answer.in_orbit_at_start),
        xytext=(-150, 40),
        textcoords="offset points",
        fontsize=9,
        arrowprops={"arrowstyle": "->", "color": "grey"},
    )

    headline = answer.headline
    fig.suptitle(
        f"When will {answer.target_in_orbit:,} Starlink satellites be in orbit?",
        fontsize=14,
        y=0.985,
    )
    twelve = [headline.get(f"in_orbit_12m_{q}") for q in ("p50", "p10", "p90")]
    band = (
        f"in 12 months {twelve[0]:,} (P10-P90 {twelve[1]:,}-{twelve[2]:,})"
        if None not in twelve
        else "in 12 months: n/a"
    )
    fig.text(
        0.5,
        0.945,
        f"Data as of {answer.as_of_date}: {answer.satellites_in_orbit:,} in orbit. P50: "
        f"{_when(headline, 'p50')}; earliest (P90): {_when(headline, 'early')}; {band}",
        ha="center",
        fontsize=9.5,
        color="#333333",
    )
    fig.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 0.045),
        ncol=2,
        fontsize=8.5,
        frameon=True,
        framealpha=0.95,
    )
    fig.text(0.01, 0.008, attribution_text(answer), fontsize=8, color="#333333", va="bottom")
    fig.subplots_adjust(left=0.07, right=0.98, top=0.9, bottom=0.2)
    return fig


def chart_bytes(answer: Answer, fmt: str = "png") -> bytes:
    # SVG text stays text (searchable, selectable: the attribution can be found in the file)
    with plt.rc_context({"svg.fonttype": "none"}):
        fig = build_figure(answer)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, metadata=_metadata(answer, fmt))
        plt.close(fig)
    return buffer.getvalue()


def _metadata(answer: Answer, fmt: str) -> dict[str, str]:
    """The attribution in the file's own metadata too (PNG text chunk, SVG <dc:source>)."""
    sources = "; ".join(
        f"{s.name}" + (f" ({s.attribution})" if s.attribution else "") for s in answer.sources
    )
    if fmt in ("png", "svg"):
        return {"Title": "Starlink 42,000 forecast", "Source": sources}
    return {}


def write_chart(answer: Answer, path: str | Path) -> Path:
    """Write the chart as PNG or SVG (by suffix), or HTML (the SVG inline, for a browser)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".png", ".svg", ".html", ".htm"):
        raise ValueError(f"chart path must end in .png, .svg or .html, not {target.name!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if suffix in (".png", ".svg"):
        target.write_bytes(chart_bytes(answer, suffix[1:]))
    else:
        svg = chart_bytes(answer, "svg").decode()
        credits = "".join(f"<p>{s.attribution}</p>" for s in answer.sources if s.attribution)
        target.write_text(
            "<!doctype html><meta charset='utf-8'><title>Starlink 42,000 forecast</title>\n"
            f"<body style='font-family:sans-serif'>{svg}{credits}</body>\n"
        )
    return target
