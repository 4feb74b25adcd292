"""The chart: Starlink satellites in orbit over time, each scenario's path to the target.

One implementation for ``spacex answer --chart`` and the Dagster answer asset. Everything drawn
comes from the marts through :class:`~spacex_elt.answer.Answer`: the observed history from
``starlink_in_orbit_daily``, each scenario's path from ``starlink_forecast_path``, the target dates
from ``starlink_42k_forecast``. No fleet model is computed here.

Two panels: the whole horizon (up to 2100, where the slow scenarios end), and the data years plus
the first years of projection, so the observed history is not squashed against zero.
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

#: One colour per scenario (none of them black, the data, or red, the target); more scenarios than
#: colours cycle with another dash pattern.
COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]
DASHES = ["--", "-.", ":"]
TARGET_COLOR = "#d62728"
#: Years of projection the zoomed panel shows after the as-of date.
ZOOM_YEARS = 2
FIGSIZE = (12.0, 9.0)  # inches
DPI = 110


def _x(day: dt.date) -> float:
    """A date as a matplotlib date number (what the axes plot)."""
    return float(mdates.date2num(day))


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def scenario_styles(answer: Answer) -> dict[str, dict[str, Any]]:
    """Colour and line per scenario: by name (stable from chart to chart), the headline bold."""
    styles: dict[str, dict[str, Any]] = {}
    for i, name in enumerate(sorted(row["scenario"] for row in answer.scenarios)):
        styles[name] = {"color": COLORS[i % len(COLORS)], "linestyle": DASHES[i // len(COLORS) % 3]}
    for row in answer.scenarios:
        if row.get("is_headline"):
            styles[row["scenario"]].update(linestyle="-", linewidth=3.0, zorder=4)
        else:
            styles[row["scenario"]].update(linewidth=1.6, zorder=3)
    return styles


def scenario_label(row: dict[str, Any]) -> str:
    projected = _date(row.get("projected_date"))
    if row.get("reaches_target") and projected:
        outcome = f"{projected:%b %Y}, {row.get('launches_to_target') or 0:,} launches"
    elif row.get("equilibrium_in_orbit") is not None:
        outcome = f"never: levels off at about {float(row['equilibrium_in_orbit']):,.0f}"
    else:
        outcome = "never by the end of the horizon"
    error = row.get("backtest_mean_abs_pct_error")
    scored = f" [backtest error {float(error):.2f}%]" if error is not None else ""
    headline = " (HEADLINE)" if row.get("is_headline") else ""
    return f"{row['scenario']}{headline}: {outcome}{scored}"


def attribution_text(answer: Answer) -> str:
    parts = []
    for source in answer.sources:
        text = f"{source.role}: {source.name}"
        if source.data_through:
            text += f", data through {source.data_through}"
        if source.attribution:
            text += f". {source.attribution}"
        parts.append(text)
    return "\n".join(textwrap.wrap(" | ".join(parts), 190))


def _draw(ax: Axes, answer: Answer, styles: dict[str, dict[str, Any]], label: bool) -> None:
    """The observed series, every scenario's path, the target line and the target markers."""
    ax.plot(
        [_x(d) for d, _ in answer.series],
        [v for _, v in answer.series],
        color="black",
        linewidth=2.5,
        zorder=5,
        label="in orbit (data)" if label else None,
    )
    for row in answer.scenarios:
        name, style = row["scenario"], styles[row["scenario"]]
        path = answer.paths.get(name, [])
        ax.plot(
            [_x(d) for d, _ in path],
            [v for _, v in path],
            label=scenario_label(row) if label else None,
            **style,
        )
        projected = _date(row.get("projected_date"))
        if row.get("reaches_target") and projected:
            ax.plot(
                [_x(projected)],
                [answer.target_in_orbit],
                "o",
                color=style["color"],
                markersize=7 if row.get("is_headline") else 5,
                zorder=6,
            )
    ax.axhline(
        answer.target_in_orbit,
        color=TARGET_COLOR,
        linewidth=1.2,
        zorder=2,
        label=f"target: {answer.target_in_orbit:,} in orbit" if label else None,
    )
    ax.axvline(_x(answer.as_of_date), color="grey", linewidth=1, linestyle=":", zorder=1)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    locator = mdates.AutoDateLocator(minticks=5, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(alpha=0.3)
    ax.set_ylabel("Starlink satellites in orbit")


def build_figure(answer: Answer) -> Figure:
    styles = scenario_styles(answer)
    fig, (full, zoom) = plt.subplots(
        2, 1, figsize=FIGSIZE, dpi=DPI, gridspec_kw={"height_ratios": [1, 1], "hspace": 0.32}
    )
    first = answer.series[0][0] if answer.series else answer.as_of_date
    as_of = answer.as_of_date

    # The whole horizon: every path to its end (the target, or December of the horizon year).
    _draw(full, answer, styles, label=True)
    ends = [d for path in answer.paths.values() for d, _ in path[-1:]]
    ends += [
        d
        for row in answer.scenarios
        if row.get("reaches_target") and (d := _date(row.get("projected_date")))
    ]
    last = max([as_of, *ends])
    margin = max(180, (last - first).days // 50)
    full.set_xlim(_x(first), _x(last + dt.timedelta(days=margin)))
    full.set_ylim(0, answer.target_in_orbit * 1.12)
    full.set_title("The whole projection, to the target or the end of the horizon", fontsize=10)

    # The data years and the first years of projection, scaled to what is visible there.
    until = as_of + dt.timedelta(days=round(365.25 * ZOOM_YEARS))
    _draw(zoom, answer, styles, label=False)
    visible: list[float] = [float(v) for _, v in answer.series]
    visible += [v for path in answer.paths.values() for d, v in path if d <= until]
    top = max(visible, default=answer.target_in_orbit) * 1.1
    zoom.set_xlim(_x(first), _x(until))
    zoom.set_ylim(0, top)
    zoom.set_title(
        f"Zoom: the data ({first.year}-{as_of.year}) and the first {ZOOM_YEARS} years of "
        "projection",
        fontsize=10,
    )
    zoom.annotate(
        f"as of {as_of}\n{answer.satellites_in_orbit:,} in orbit",
        xy=(_x(as_of), answer.satellites_in_orbit),
        xytext=(-110, 40),
        textcoords="offset points",
        fontsize=9,
        arrowprops={"arrowstyle": "->", "color": "grey"},
    )

    headline = answer.headline
    error = headline.get("backtest_mean_abs_pct_error")
    fig.suptitle(
        f"When will {answer.target_in_orbit:,} Starlink satellites be in orbit?",
        fontsize=14,
        y=0.985,
    )
    fig.text(
        0.5,
        0.945,
        f"Data as of {as_of}: {answer.satellites_in_orbit:,} in orbit. Headline scenario "
        f"{headline['scenario']}, chosen by the smallest "
        f"{headline.get('backtest_horizon_months')}-month backtest error"
        + (f" ({float(error):.2f}%)" if error is not None else ""),
        ha="center",
        fontsize=9.5,
        color="#333333",
    )
    fig.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 0.04),
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
