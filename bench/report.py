"""Turn the scenarios' raw numbers into the table: | measure | Brave | baseline | goal | met |."""

from __future__ import annotations

from dataclasses import dataclass
import math
import statistics
from typing import Any

ENTITY_LIMIT = 10_000  # homeassistant.helpers.entity_platform.MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table."""

    measure: str
    brave: str
    baseline: str
    goal: str
    met: bool | None  # None: no goal, for information

    def cells(self) -> list[str]:
        """The row as table cells."""
        met = "—" if self.met is None else ("yes" if self.met else "NO")
        return [self.measure, self.brave, self.baseline, self.goal, met]


def _num(value: float, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def spread(values: list[float], digits: int = 1) -> str:
    """Median, and the range (min to max) when there is more than one value."""
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return "n/a"
    median = statistics.median(values)
    if len(values) == 1:
        return _num(median, digits)
    return f"{_num(median, digits)} ({_num(min(values), digits)} to {_num(max(values), digits)})"


def _paired(
    phases: dict[str, list[dict[str, float]]], a: str, b: str, field: str = "us_per_change"
) -> list[float]:
    """Per repetition: µs per change of group a minus group b (b may be None: a alone)."""
    return [
        pa[field] - pb[field] for pa, pb in zip(phases.get(a, []), phases.get(b, []), strict=False)
    ]


def storm_figures(storm: dict[str, Any]) -> dict[str, list[float]]:
    """CPU per state change (µs), per repetition.

    Groups: `dry` runs the same pacing loop and readings without setting any state (the
    driver's own cost and whatever runs anyway), `u` radars no one listens to (HA's own cost),
    `l` radars with a no-op listener each, `b` radars bound to Brave's stations.
    """
    phases = storm["phases"]
    return {
        "ha_own": _paired(phases, "u", "dry"),
        "brave_added": _paired(phases, "b", "u"),
        "noop_listener": _paired(phases, "l", "u"),
        "ha_sync": _paired(phases, "u", "dry", "sync_us_per_change"),
        "brave_sync": _paired(phases, "b", "u", "sync_us_per_change"),
        "noop_sync": _paired(phases, "l", "u", "sync_us_per_change"),
        "ha_recorder": [p["recorder_us_per_change"] for p in phases.get("u", [])],
        "brave_recorder": _paired(phases, "b", "u", "recorder_us_per_change"),
        "brave_loop": _paired(phases, "b", "u", "loop_us_per_change"),
        "ha_loop": _paired(phases, "u", "dry", "loop_us_per_change"),
        "brave_threads": _paired(phases, "b", "u", "threads_us_per_change"),
        "brave_changes": _paired(phases, "b", "u", "other_changes_per_change"),
        # Brave's added cost with its recorder share estimated: what the recorder spends per
        # state change (group u) times the state changes Brave's entities add per report.
        # The recorder thread's CPU per phase varies by more than Brave's whole cost (SQLite
        # commits and checkpoints land in whichever phase they land in).
        "brave_estimated": [
            (b["loop_us_per_change"] - u["loop_us_per_change"])
            + (b["threads_us_per_change"] - u["threads_us_per_change"])
            + (b["other_changes_per_change"] - u["other_changes_per_change"])
            * u["recorder_us_per_change"]
            for b, u in zip(phases.get("b", []), phases.get("u", []), strict=False)
        ],
    }


def _pooled(figures: list[dict[str, list[float]]], key: str) -> list[float]:
    return [x for f in figures for x in f[key]]


def _press_rows(scale: list[dict[str, Any]]) -> list[Row]:
    presses = [r["press"] for r in scale if "press" in r]
    if not presses:
        return []
    out = []
    for q in ("p50", "p99"):
        b = [p["brave_ms"][q] for p in presses]
        base = [p["baseline_ms"][q] for p in presses]
        out.append(
            Row(
                f"press → alert POST received, {q} (ms, {int(presses[0]['presses'])} presses)",
                spread(b, 2),
                spread(base, 2),
                "≤ baseline",
                statistics.median(b) <= statistics.median(base),
            )
        )
    diffs = [p["difference_ms"] for p in presses]
    out.append(
        Row(
            "  Brave minus baseline, press by press: median [95 % interval] (ms)",
            "; ".join(
                f"{_num(d['median'], 2)} [{_num(d['low'], 2)}, {_num(d['high'], 2)}]" for d in diffs
            ),
            "",
            "not above 0",
            # No slower: the interval reaches 0 or below.
            all(d["low"] <= 0 for d in diffs),
        )
    )
    return out


def _storm_rows(scale: list[dict[str, Any]], bare: list[dict[str, Any]]) -> list[Row]:
    storms = [storm_figures(r["storm"]) for r in scale if "storm" in r]
    out = []
    if storms:
        own, added = _pooled(storms, "ha_own"), _pooled(storms, "brave_estimated")
        # The mean over repetitions that ran forwards and backwards cancels a drift.
        ratio = statistics.fmean(added) / statistics.fmean(own) if own and added else math.nan
        out += [
            Row(
                "CPU added per radar state change (µs; baseline: HA's own, recorder included)",
                f"{spread(added)} = {ratio:.1%}",
                spread(own),
                "< 10 % of HA's own",
                ratio < 0.10,
            ),
            Row(
                "  event loop / other threads / state changes Brave adds per report",
                f"{spread(_pooled(storms, 'brave_loop'))} / "
                f"{spread(_pooled(storms, 'brave_threads'))} / "
                f"{spread(_pooled(storms, 'brave_changes'), 3)}",
                f"{spread(_pooled(storms, 'ha_loop'))} µs in the loop",
                "",
                None,
            ),
            Row(
                "  recorder thread, measured (µs; noisy, see docs)",
                spread(_pooled(storms, "brave_recorder")),
                spread(_pooled(storms, "ha_recorder")),
                "",
                None,
            ),
            Row(
                "  inside the state change itself (µs, event loop, timed per change)",
                spread(_pooled(storms, "brave_sync")),
                spread(_pooled(storms, "ha_sync")),
                "",
                None,
            ),
            Row(
                "  no-op per-entity state listener, inside the change (µs, floor)",
                spread(_pooled(storms, "noop_sync")),
                "",
                "",
                None,
            ),
        ]
    if bare:
        figures = [storm_figures(r["storm"]) for r in bare]
        out.append(
            Row(
                "  HA without recorder: state change / no-op listener (µs, inside the change)",
                "",
                f"{spread(_pooled(figures, 'ha_sync'))} / {spread(_pooled(figures, 'noop_sync'))}",
                "",
                None,
            )
        )
    if storms:
        phases_b = [p for r in scale for p in r["storm"]["phases"].get("b", [])]
        out.append(
            Row(
                "  Brave's Store writes during the storm (MB per minute)",
                spread([p["brave_store_bytes"] / p["wall_s"] * 60 / 1e6 for p in phases_b]),
                "",
                "",
                None,
            )
        )
        lag_b = [p for r in scale for p in r["storm"]["phases"].get("b", [])]
        lag_u = [p for r in scale for p in r["storm"]["phases"].get("u", [])]
        worst = max(p["lag_max_ms"] for p in lag_b)
        out.append(
            Row(
                "event-loop lag in the storm, p99 / max (ms)",
                f"{spread([p['lag_p99_ms'] for p in lag_b])} / {_num(worst)}",
                f"{spread([p['lag_p99_ms'] for p in lag_u])} / "
                f"{_num(max(p['lag_max_ms'] for p in lag_u))}",
                "none over 100 ms",
                worst <= 100,
            )
        )
    return out


def _setup_rows(results: dict[str, Any], stations: int) -> list[Row]:
    scale = results.get("scale", [])
    out = []
    setups = [r["setup_s"] for r in scale if "setup_s" in r]
    if setups:
        out.append(
            Row(
                f"set-up of {stations:,} stations, new site (s)",
                spread(setups, 2),
                "",
                "< 2 s",
                statistics.median(setups) < 2,
            )
        )
    restarts = [r["setup_s"] for r in results.get("restart", [])]
    if restarts:
        out.append(
            Row(
                f"set-up of {stations:,} stations at start-up (s)",
                spread(restarts, 2),
                "",
                "< 2 s",
                statistics.median(restarts) < 2,
            )
        )
    per_station = results.get("entities_per_station")
    if per_station:
        fit = (ENTITY_LIMIT - results.get("entities_site", 0)) // per_station
        made = [r["entities"]["enabled"] for r in scale if "entities" in r]
        out.append(
            Row(
                f"entities per station; stations that fit under {ENTITY_LIMIT:,}",
                f"{per_station} ; {fit:,} (site of {stations:,}: "
                f"{', '.join(f'{m:,}' for m in made) or 'n/a'} entities made)",
                "",
                f"{stations:,} fit",
                fit >= stations,
            )
        )
    return out


def _outage_rows(scale: list[dict[str, Any]]) -> list[Row]:
    outages = [o for r in scale for o in r.get("outage", [])]
    if not outages:
        return []
    sizes = sorted({o["alerts"] for o in outages})
    biggest = [o for o in outages if o["alerts"] == sizes[-1]]

    def median_of(size: int, key: str) -> float:
        return float(statistics.median(o[key] for o in outages if o["alerts"] == size))

    def written(size: int) -> str:
        megabytes, writes = median_of(size, "queue_bytes") / 1e6, median_of(size, "queue_writes")
        return f"{_num(megabytes)} ({_num(writes, 0)}, {_num(megabytes / max(writes, 1), 2)})"

    per_alert = {size: median_of(size, "queue_bytes") / size for size in sizes}
    delivered = all(
        o["delivered"] == o["alerts"]
        and o["duplicates"] == 0
        and o["store_alerts_for_stations"] == o["alerts"]
        for o in outages
    )
    return [
        Row(
            f"outage recovery: {sizes[-1]:,} queued alerts all received (s)",
            spread([o["recovery_s"] for o in biggest], 2),
            "",
            "≤ 10 s",
            all(o["recovery_s"] <= 10 for o in biggest),
        ),
        Row(
            "  delivered once each (received / duplicates / idempotent replays)",
            "; ".join(f"{o['delivered']}/{o['duplicates']}/{o['replayed']}" for o in outages),
            "",
            "all, no duplicates",
            delivered,
        ),
        Row(
            "  Store writes while queued, "
            + " / ".join(f"{s:,}" for s in sizes)
            + " alerts: MB (writes, MB each)",
            " / ".join(written(s) for s in sizes),
            "",
            "linear in alerts",
            # Linear (or better): bytes per alert grow by no more than half from the smallest
            # size to the largest.
            per_alert[sizes[-1]] <= 1.5 * per_alert[sizes[0]],
        ),
        Row(
            "  event-loop lag while queuing, max (ms)",
            " / ".join(_num(o["queue_lag_max_ms"]) for o in outages),
            "",
            "none over 100 ms",
            max(o["queue_lag_max_ms"] for o in outages) <= 100,
        ),
    ]


def _punctuality_rows(scale: list[dict[str, Any]]) -> list[Row]:
    tried = [r["punctuality"] for r in scale if "punctuality" in r]
    punctual = [p for p in tried if p["stations"]]
    out = []
    if punctual:
        p99 = [p["late_ms"]["p99"] for p in punctual]
        out.append(
            Row(
                "escalation step after its deadline, p50 / p99 (ms, "
                + ", ".join(str(p["stations"]) for p in punctual)
                + " stations)",
                f"{spread([p['late_ms']['p50'] for p in punctual])} / {spread(p99)}",
                "",
                "p99 ≤ 50 ms",
                all(p["received"] == p["stations"] for p in punctual)
                and statistics.median(p99) <= 50,
            )
        )
    if len(punctual) < len(tried):
        out.append(
            Row(
                f"  not measured in {len(tried) - len(punctual)} of {len(tried)} runs: no "
                "station of the site was running",
                "",
                "",
                "",
                False,
            )
        )
    return out


def _other_rows(results: dict[str, Any], stations: int) -> list[Row]:
    out = []
    restarts = results.get("restart", [])
    rss = [r["setup_rss_bytes"] / stations / 1024 for r in restarts]
    traced = [r["traced_bytes"] / stations / 1024 for r in restarts if "traced_bytes" in r]
    if rss or traced:
        out.append(
            Row(
                "memory per station (KiB): RSS growth / tracemalloc",
                f"{spread(rss)} / {spread(traced)}",
                "",
                "",
                None,
            )
        )
    engine = results.get("engine", [])
    if engine:
        out += [
            Row(
                "engine alone: inputs per second (one station)",
                spread([e["events"]["per_second"] for e in engine], 0),
                "",
                "",
                None,
            ),
            Row(
                "engine alone: dump_state per station (µs)",
                spread([e["dump_state"]["us_per_station"] for e in engine]),
                "",
                "",
                None,
            ),
        ]
    return out


def rows(results: dict[str, Any], stations: int) -> list[Row]:
    """The table's rows from every scenario's results (a list of runs per scenario)."""
    scale = results.get("scale", [])
    return (
        _press_rows(scale)
        + _storm_rows(scale, results.get("bare", []))
        + _setup_rows(results, stations)
        + _outage_rows(scale)
        + _punctuality_rows(scale)
        + _other_rows(results, stations)
    )


def table(lines: list[Row]) -> str:
    """A Markdown table."""
    head = ["measure", "Brave", "baseline", "goal", "met"]
    body = [head, ["---"] * len(head)] + [r.cells() for r in lines]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in body)
