"""The chart: Starlink satellites in orbit over time, each scenario's path to the target.

One implementation for ``spacex answer --chart`` and the Dagster answer asset.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from spacex_elt.answer import Answer  # noqa: E402

COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b"]


def build_figure(answer: Answer):
    fig, ax = plt.subplots(figsize=(10, 5.6), dpi=110)
    dates = [d for d, _ in answer.series]
    values = [v for _, v in answer.series]
    ax.plot(dates, values, color="black", linewidth=2, label="in orbit (data)")
    as_of = answer.as_of_date
    for color, row in zip(COLORS, answer.scenarios, strict=False):
        projected = row.get("projected_date")
        if not projected:
            continue
        end = dt.date.fromisoformat(projected) if isinstance(projected, str) else projected
        ax.plot(
            [as_of, end],
            [answer.satellites_in_orbit, answer.target_in_orbit],
            linestyle="--",
            color=color,
            label=f"{row['scenario']}: {end:%b %Y}, "
            f"{row.get('launches_to_target') or 0:,} launches",
        )
        ax.plot([end], [answer.target_in_orbit], "o", color=color)
    ax.axhline(
        answer.target_in_orbit, color="red", linewidth=1, label=f"target {answer.target_in_orbit:,}"
    )
    ax.axvline(as_of, color="grey", linewidth=1, linestyle=":")
    ax.annotate(
        f"as of {as_of}\n{answer.satellites_in_orbit:,} in orbit",
        xy=(as_of, answer.satellites_in_orbit),
        xytext=(10, 40),
        textcoords="offset points",
        fontsize=9,
        arrowprops={"arrowstyle": "->", "color": "grey"},
    )
    ax.set_title(f"When will {answer.target_in_orbit:,} Starlink satellites be in orbit?")
    ax.set_xlabel("date")
    ax.set_ylabel("Starlink satellites in orbit")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.xaxis.set_major_locator(mdates.YearLocator(base=2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
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
