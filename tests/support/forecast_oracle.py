"""The forecast model re-implemented in Python from the recorded satellites, for the tests.

Nothing here reads the warehouse: given the satellites (launch date, decay date, launch id,
version), it computes what the dbt models should hold: the cutoffs, the survival curve known at
each (lifelines' Kaplan-Meier estimator with a Weibull tail fitted by numpy), the launch cadence of
every configuration, the fleet paths, the rolling-origin backtest, the skill ranking, the P10 /
P50 / P90 band and the dates the answer states. The definitions are the ones the models' headers
state (month steps, whole-month ages, the month-end survival convention).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from support.dates import DAYS_PER_MONTH, add_months

#: the dbt vars of dbt_project.yml the model is run with
VARS = {
    "target": 42_000,
    "excluded_versions": {"v0.9", "prototype"},
    "windows": (6, 12, 24),
    "cadence_models": ("constant", "trend"),
    "ceiling": 12.0,
    "recent_window_months": 3,
    "min_at_risk": 100,
    "fit_min_age": 12,
    "max_age": 360,
    "starship_per_launch": 50,
    "starship_from": dt.date(2027, 7, 1),
    "horizon_year": 2060,
    "min_history_months": 24,
    "horizons": (3, 6, 12, 24),
    "headline_horizons": (12, 24),
}


@dataclass
class Satellite:
    launch: dt.date
    decay: dt.date | None
    launch_id: str
    version: str | None = None


def months_after(day: dt.date, months: int) -> dt.date:
    """The dbt macro starlink_months_after: a month end stays a month end."""
    return add_months(day + dt.timedelta(days=1), months) - dt.timedelta(days=1)


def in_orbit(satellites: list[Satellite], day: dt.date) -> int:
    return sum(1 for s in satellites if s.launch <= day and not (s.decay and s.decay <= day))


def _round6(value: float) -> float:
    """numeric round(x, 6), as the inputs model stores the rates the paths use."""
    return float(Decimal(repr(value)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))


def survival_curve(satellites: list[Satellite], cutoff: dt.date) -> dict:
    """Kaplan-Meier by completed month (lifelines), censored at the cutoff, with the Weibull
    tail past the last age with at least min_at_risk satellites at risk."""
    import numpy as np
    from lifelines import KaplanMeierFitter

    max_age = VARS["max_age"]
    durations, events = [], []
    for s in satellites:
        if s.launch > cutoff or s.version in VARS["excluded_versions"]:
            continue
        decayed = s.decay is not None and s.decay <= cutoff
        end = s.decay if decayed and s.decay else cutoff
        durations.append(math.floor((end - s.launch).days / DAYS_PER_MONTH))
        events.append(decayed)
    ages = list(range(max_age + 1))
    km = KaplanMeierFitter().fit(durations, event_observed=events)
    km_survival = [float(v) for v in km.survival_function_at_times(ages)]
    counts = Counter(durations)
    at_risk, remaining = [], len(durations)
    for a in ages:
        at_risk.append(remaining)
        remaining -= counts.get(a, 0)
    reliable = [a for a in ages if at_risk[a] >= VARS["min_at_risk"]]
    last = max(reliable) if reliable else -1
    last_value = km_survival[last] if last >= 0 else 1.0
    fit_ages = [a for a in range(VARS["fit_min_age"], last + 1) if 0 < km_survival[a] < 1]
    shape = scale = None
    if len(fit_ages) >= 2:
        shape, intercept = np.polyfit(
            [math.log(a + 1) for a in fit_ages],
            [math.log(-math.log(km_survival[a])) for a in fit_ages],
            1,
        )
        shape = float(shape)
        scale = math.exp(-float(intercept) / shape) if shape > 0 else None
    curve = []
    for a in ages:
        if a <= last:
            curve.append(km_survival[a])
        elif shape is None or shape <= 0 or scale is None:
            curve.append(last_value)
        else:
            curve.append(
                last_value * math.exp(((last + 1) / scale) ** shape - ((a + 1) / scale) ** shape)
            )
    return {"km": km_survival, "at_risk": at_risk, "last": last, "shape": shape, "scale": scale,
            "curve": curve}  # fmt: skip


@dataclass
class Run:
    cutoff: dt.date
    kind: str  # forecast or backtest
    months: int
    curve: list[float]
    fleet_ages: Counter
    inputs: dict[str, dict] = field(default_factory=dict)
    #: (configuration, scenario) -> [(path date, launches in month, spl, cumulative launches,
    #:   predicted, survivors of the cutoff's fleet, survivors of the new launches)]
    paths: dict[tuple[str, str], list[tuple]] = field(default_factory=dict)

    def s(self, age: int) -> float:
        return 1.0 if age < 0 else self.curve[min(age, VARS["max_age"])]


class Forecast:
    """The whole model from the recorded satellites."""

    def __init__(self, satellites: list[Satellite]) -> None:
        self.satellites = satellites
        self.as_of = max(
            max(s.launch for s in satellites), max(s.decay for s in satellites if s.decay)
        )
        self.start = min(max(s.launch for s in satellites), self.as_of)
        first_dates: dict[str, dt.date] = {}
        carried: Counter = Counter()
        for s in satellites:
            first_dates[s.launch_id] = min(s.launch, first_dates.get(s.launch_id, s.launch))
            carried[s.launch_id] += 1
        self.launches = [(first_dates[i], carried[i]) for i in first_dates]
        self.runs = [self._run(c, k, m) for c, k, m in self.cutoffs()]
        self.backtest = self._backtest()
        self.skill = self._skill()
        self.headline = min(
            self.scores, key=lambda name: (-self.scored_horizons[name], self.scores[name], name)
        )

    # --- cutoffs and inputs ---------------------------------------------------------------------

    def cutoffs(self) -> list[tuple[dt.date, str, int]]:
        first = min(s.launch for s in self.satellites)
        earliest = add_months(first, VARS["min_history_months"])
        start_of = dt.date(earliest.year, earliest.month, 1)
        out = []
        month = start_of
        while month <= dt.date(self.start.year, self.start.month, 1):
            end = add_months(month, 1) - dt.timedelta(days=1)
            if end >= earliest and add_months(end, min(VARS["horizons"])) <= self.start:
                out.append((end, "backtest", max(VARS["horizons"])))
            month = add_months(month, 1)
        months = (VARS["horizon_year"] - self.start.year) * 12 + 12 - self.start.month
        return [(self.start, "forecast", months), *out]

    def _inputs(self, cutoff: dt.date) -> dict[str, dict]:
        recent_start = months_after(cutoff, -VARS["recent_window_months"])
        recent = [n for d, n in self.launches if recent_start < d <= cutoff]
        per_launch = _round6(sum(recent) / len(recent)) if recent else 0.0
        out = {}
        for model in VARS["cadence_models"]:
            for window in VARS["windows"]:
                xs = list(range(1 - window, 1))
                ys = [
                    sum(1 for d, _ in self.launches
                        if months_after(cutoff, x - 1) < d <= months_after(cutoff, x))
                    for x in xs
                ]  # fmt: skip
                mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
                slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
                    (x - mean_x) ** 2 for x in xs
                )
                fitted = mean_y - slope * mean_x
                out[f"{model}_{window}m"] = {
                    "cadence_model": model,
                    "window_months": window,
                    "window_launches": sum(ys),
                    "slope": _round6(slope) if model == "trend" else 0.0,
                    "at_cutoff": _round6(fitted if model == "trend" else mean_y),
                    "mean": _round6(mean_y),
                    "satellites_per_launch": per_launch,
                }
        return out

    # --- the fleet model ------------------------------------------------------------------------

    def _run(self, cutoff: dt.date, kind: str, months: int) -> Run:
        fleet_ages = Counter(
            math.floor((cutoff - s.launch).days / DAYS_PER_MONTH)
            for s in self.satellites
            if s.launch <= cutoff and not (s.decay and s.decay <= cutoff)
        )
        run = Run(
            cutoff, kind, months, survival_curve(self.satellites, cutoff)["curve"], fleet_ages
        )
        run.inputs = self._inputs(cutoff)
        survivors = [
            sum(n * run.s(a + m - 1) / run.s(a - 1) for a, n in fleet_ages.items())
            for m in range(months + 1)
        ]
        scenarios = ("data", "with_starship") if kind == "forecast" else ("data",)
        for name, conf in run.inputs.items():
            for scenario in scenarios:
                launches, spl, dates = [0.0], [conf["satellites_per_launch"]], [cutoff]
                for k in range(1, months + 1):
                    day = months_after(cutoff, k)
                    dates.append(day)
                    launches.append(
                        max(0.0, min(VARS["ceiling"], conf["at_cutoff"] + conf["slope"] * k))
                    )
                    starship = (
                        scenario == "with_starship" and day.replace(day=1) >= VARS["starship_from"]
                    )
                    spl.append(
                        VARS["starship_per_launch"] if starship else conf["satellites_per_launch"]
                    )
                survival = [run.s(j) for j in range(-1, months)]  # survival[j + 1] = S(j)
                path, cumulative = [], 0.0
                for m in range(months + 1):
                    cumulative += launches[m]
                    arrivals = sum(launches[k] * spl[k] * survival[m - k] for k in range(1, m + 1))
                    path.append((dates[m], launches[m], spl[m], cumulative,
                                 survivors[m] + arrivals, survivors[m], arrivals))  # fmt: skip
                run.paths[(name, scenario)] = path
        return run

    # --- backtest, skill, band ------------------------------------------------------------------

    def _backtest(self) -> list[dict]:
        rows = []
        for run in self.runs:
            if run.kind != "backtest":
                continue
            for (name, _), path in run.paths.items():
                for h in VARS["horizons"]:
                    day, _, _, _, predicted, _, _ = path[h]
                    if day > self.start:
                        continue
                    actual = in_orbit(self.satellites, day)
                    rows.append({"configuration": name, "cutoff_date": run.cutoff,
                                 "horizon_months": h, "evaluation_date": day,
                                 "predicted": predicted, "actual": actual})  # fmt: skip
        return rows

    def _skill(self) -> dict[tuple[str, int], dict]:
        import numpy as np

        cells: dict[tuple[str, int], list[dict]] = {}
        for row in self.backtest:
            if row["actual"] > 0:
                cells.setdefault((row["configuration"], row["horizon_months"]), []).append(row)
        skill = {}
        for key, rows in cells.items():
            pct = [100 * (r["predicted"] - r["actual"]) / r["actual"] for r in rows]
            rel = [r["actual"] / r["predicted"] - 1 for r in rows]
            skill[key] = {
                "n": len(rows),
                "mape": sum(abs(p) for p in pct) / len(pct),
                "bias": sum(pct) / len(pct),
                "p10": float(np.percentile(rel, 10)),
                "p50": float(np.percentile(rel, 50)),
                "p90": float(np.percentile(rel, 90)),
            }
        self.scores, self.scored_horizons = {}, {}
        for name in {k[0] for k in skill}:
            used = [skill[(name, h)] for h in VARS["headline_horizons"] if (name, h) in skill]
            self.scores[name] = sum(c["mape"] + abs(c["bias"]) for c in used) / len(used)
            self.scored_horizons[name] = len(used)
        return skill

    @property
    def forecast_run(self) -> Run:
        return next(run for run in self.runs if run.kind == "forecast")

    @property
    def mean_life(self) -> float:
        return sum(self.forecast_run.curve)

    def band(self, scenario: str = "data") -> list[dict]:
        """The headline's path with P10 / P50 / P90 (starlink_forecast_path's rule)."""
        logs = {0: (0.0, 0.0, 0.0)}
        for h in VARS["horizons"]:
            cell = self.skill.get((self.headline, h))
            if cell:
                logs[h] = tuple(math.log(1 + cell[q]) for q in ("p10", "p50", "p90"))
        horizons = sorted(logs)
        out = []
        for m, (day, launches, _, cumulative, predicted, survivors, arrivals) in enumerate(
            self.forecast_run.paths[(self.headline, scenario)]
        ):
            below = max(h for h in horizons if h <= m)
            above = min((h for h in horizons if h > m), default=None)
            if above is None:
                growth = math.sqrt(max(1.0, min(m, self.mean_life) / below)) if below else 1.0
                q = [growth * v for v in logs[below]]
            else:
                w = 0.0 if below == m else (m - below) / (above - below)
                q = [lo + w * (hi - lo) for lo, hi in zip(logs[below], logs[above], strict=True)]
            point = {"month": m, "date": day, "launches": launches, "cumulative": cumulative,
                     "predicted": predicted}  # fmt: skip
            for name, value in zip(("p10", "p50", "p90"), q, strict=True):
                point[name] = predicted * math.exp(value)
                # the launches that fleet takes: the new satellites' survivors scaled up to it
                point[f"launches_{name}"] = (
                    cumulative * max(0.0, (point[name] - survivors) / arrivals) if arrivals else 0.0
                )
            out.append(point)
        return out

    def first_at(self, band: list[dict], key: str, level: float) -> dict | None:
        return next((p for p in band if p[key] >= level), None)
