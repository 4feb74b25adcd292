"""The chart: Starlink satellites in orbit over time, each scenario's path to the target.

One implementation for ``spacex answer --chart`` and the Dagster answer asset.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from spacex_elt.answer import Answer  # noqa: E402

COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b"]


DAYS_PER_MONTH = 30.4375


def projected_path(row: dict, start: float, horizon_months: float, steps: int = 200) -> list:
    """(months after the as-of date, satellites in orbit) along a scenario's own fleet model.

    The same closed forms as the dbt forecast (macros/starlink_forecast.sql): proportional decay
    levels off at inflow / rate, no decay is a straight line, the trend is the fitted slope.
    """
    model = row.get("decay_model")
    rate = float(row.get("monthly_decay_rate") or 0)
    inflow = float(row.get("launches_per_month") or 0) * float(
        row.get("satellites_per_launch") or 0
    )
    slope = float(row.get("net_satellites_per_month") or 0)
    points = []
    for i in range(steps + 1):
        t = horizon_months * i / steps
        if model == "net_trend":
            value = start + slope * t
        elif model == "proportional" and rate > 0:
            equilibrium = inflow / rate
            value = equilibrium + (start - equilibrium) * math.exp(-rate * t)
        else:
            value = start + inflow * t
        points.append((t, value))
    return points


def build_figure(answer: Answer):
    fig, ax = plt.subplots(figsize=(10, 5.6), dpi=110)
    dates = [d for d, _ in answer.series]
    values = [v for _, v in answer.series]
    as_of = answer.as_of_date
    reached = [
        dt.date.fromisoformat(str(row["projected_date"]))
        for row in answer.scenarios
        if row.get("projected_date")
    ]
    last = max(reached) if reached else as_of + dt.timedelta(days=80 * 365)
    horizon = (last - as_of).days / DAYS_PER_MONTH * 1.08
    ax.plot(dates, values, color="black", linewidth=2.5, label="in orbit (data)")
    for color, row in zip(COLORS, answer.scenarios, strict=False):
        path = projected_path(row, answer.satellites_in_orbit, horizon)
        xs = [as_of + dt.timedelta(days=t * DAYS_PER_MONTH) for t, _ in path]
        projected = row.get("projected_date")
        outcome = (
            f"{dt.date.fromisoformat(str(projected)):%b %Y}, "
            f"{row.get('launches_to_target') or 0:,} launches"
            if projected
            else "levels off below the target"
        )
        ax.plot(
            xs,
            [v for _, v in path],
            linestyle="--",
            color=color,
            label=f"{row['scenario']}: {outcome}",
        )
        if projected:
            end = dt.date.fromisoformat(str(projected))
            ax.plot([end], [answer.target_in_orbit], "o", color=color)
    ax.axhline(
        answer.target_in_orbit, color="red", linewidth=1, label=f"target {answer.target_in_orbit:,}"
    )
    ax.axvline(as_of, color="grey", linewidth=1, linestyle=":")
    ax.annotate(
        f"as of {as_of}\n{answer.satellites_in_orbit:,} in orbit",
        xy=(as_of, answer.satellites_in_orbit),
        xytext=(12, 60),
        textcoords="offset points",
        fontsize=9,
        arrowprops={"arrowstyle": "->", "color": "grey"},
    )
    ax.set_title(f"When will {answer.target_in_orbit:,} Starlink satellites be in orbit?")
    ax.set_xlabel("year")
    ax.set_ylabel("Starlink satellites in orbit")
    ax.set_ylim(0, answer.target_in_orbit * 1.12)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    locator = mdates.AutoDateLocator(maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(alpha=0.3)
    ax.legend(loc="center right", fontsize=8, framealpha=0.95)
    fig.text(0.01, 0.01, f"Source: {answer.source}", fontsize=7, color="grey")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def chart_bytes(answer: Answer, fmt: str = "png") -> bytes:
    fig = build_figure(answer)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt)
    plt.close(fig)
    return buffer.getvalue()


def write_chart(answer: Answer, path: str | Path) -> Path:
    """Write the chart as PNG or SVG (by suffix), or HTML (the SVG inline, for a browser)."""
    target = Path(path)
    suffix = target.suffix.lower()
    target.parent.mkdir(parents=True, exist_ok=True)
    if suffix in (".png", ".svg"):
        target.write_bytes(chart_bytes(answer, suffix[1:]))
    elif suffix in (".html", ".htm"):
        svg = chart_bytes(answer, "svg").decode()
        target.write_text(
            "<!doctype html><meta charset='utf-8'><title>Starlink 42,000 forecast</title>\n"
            f"<body style='font-family:sans-serif'>{svg}</body>\n"
        )
    else:
        raise ValueError(f"chart path must end in .png, .svg or .html, not {target.name!r}")
    return target
