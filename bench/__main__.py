"""Brave's benchmark: `python -m bench [--quick] [--json PATH] [--profile] ...` (or scripts/bench).

Runs each scenario in a fresh process (bench/scenarios.py), prints the table and writes
everything to bench/results/<timestamp>.json (and --json PATH). docs/performance.md explains
every number.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
import io
import json
import os
from pathlib import Path
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any

from .report import rows, table

RESULTS = Path(__file__).parent / "results"

FULL: dict[str, Any] = {
    "stations": 1000,
    "presses": 500,
    "warmup": 20,
    "press_gap": 0.005,
    "storm_seconds": 3.0,
    "storm_reps": 4,
    "outage_sizes": [250, 500, 1000],
    "outage_down_s": 10.0,
    "punctual_stations": 200,
    "punctual_spread_s": 5.0,
    "punctual_reminder_s": 30,
    "punctual_under_storm": True,
    "restarts": 1,
    "tracemalloc": False,
    "bare_seconds": 3.0,
    "bare_reps": 2,
    "engine_events": 200_000,
}
QUICK: dict[str, Any] = {
    **FULL,
    "stations": 200,
    "presses": 100,
    "warmup": 10,
    "storm_reps": 2,
    "outage_sizes": [50, 100, 200],
    "outage_down_s": 5.0,
    "punctual_stations": 50,
    "punctual_spread_s": 5.0,
    "engine_events": 50_000,
}
SCENARIO_ORDER = ("engine", "scale", "bare", "restart")


def _say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
            if line.startswith("model name")
        ),
        "",
    )
    from homeassistant.const import __version__ as ha_version  # noqa: PLC0415

    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "home_assistant": ha_version,
        "commit": os.environ.get("BRAVE_BENCH_COMMIT", "unknown"),
        "loadavg_start": _loadavg(),
    }


def _child(name: str, params: dict[str, Any], workdir: Path, timeout: float) -> dict[str, Any]:
    """Run one scenario in a fresh process; its result."""
    workdir.mkdir(parents=True, exist_ok=True)
    params_path = workdir / f"{name}-params.json"
    params_path.write_text(json.dumps(params), encoding="utf-8")
    out = workdir / f"{name}-result.json"
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    _say(f"{name}: running")
    done = subprocess.run(  # noqa: S603 (this interpreter, this package)
        [sys.executable, "-m", "bench.child", name, str(workdir), str(params_path), str(out)],
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0 or not out.exists():
        log = workdir / f"{name}.log"
        tail = log.read_text(encoding="utf-8")[-3000:] if log.exists() else ""
        raise RuntimeError(f"scenario {name} failed ({done.returncode}); log tail:\n{tail}")
    _say(f"{name}: done in {time.perf_counter() - started:.0f} s")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def _problems(workdir: Path) -> list[str]:
    """Warnings and errors the scenarios logged (first lines), for the record."""
    return [
        f"{log.stem}: {line[:300]}"
        for log in sorted(workdir.rglob("*.log"))
        for line in log.read_text(encoding="utf-8").splitlines()
        if (" WARNING " in line or " ERROR " in line) and "custom integration" not in line
    ]


def _profile_text(path: str) -> str:
    """The top 15 of Brave's own functions by cumulative time."""
    stream = io.StringIO()
    stats = pstats.Stats(path, stream=stream)
    stats.sort_stats("cumulative").print_stats("custom_components/brave", 15)
    text = stream.getvalue()
    start = text.find("   ncalls")
    total = f"({stats.total_tt:.2f} s profiled in all, every module)\n"  # type: ignore[attr-defined]
    return total + (text[start:] if start >= 0 else text)


def _run_scenarios(
    params: dict[str, Any], only: set[str], workdir: Path, results: dict[str, list[Any]]
) -> None:
    if "engine" in only:
        results.setdefault("engine", []).append(_child("engine", params, workdir / "engine", 600))
    if "scale" in only:
        results.setdefault("scale", []).append(_child("scale", params, workdir / "scale", 3600))
    if "bare" in only:
        results.setdefault("bare", []).append(_child("bare", params, workdir / "bare", 1800))
    if "restart" in only:
        home = workdir / "restart"
        prepared = _child("prepare", params, home, 1800)
        results.setdefault("prepare", []).append(prepared)
        results["entities_per_station"] = prepared["entities_per_station"]
        results["entities_site"] = prepared["entities_one_station"]["site"]
        for _ in range(int(params["restarts"])):
            # Each start begins with a new recorder database (the last run did not close its
            # own: it ended as soon as it had measured).
            for db in (home / "config").glob("home-assistant_v2.db*"):
                db.unlink()
            results.setdefault("restart", []).append(_child("restart", params, home, 1800))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smaller, faster run")
    parser.add_argument("--stations", type=int, help="stations in the site (default 1000)")
    parser.add_argument("--presses", type=int, help="presses for the latency (default 500)")
    parser.add_argument("--runs", type=int, default=1, help="repeat every scenario this often")
    parser.add_argument(
        "--only",
        default=",".join(SCENARIO_ORDER),
        help=f"scenarios to run, comma-separated (of {', '.join(SCENARIO_ORDER)})",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the press, storm, outage, punctuality and start-up parts (timings are "
        "then not valid)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary config dirs")
    parser.add_argument(
        "--restarts", type=int, help="Home Assistant starts timed on the saved site (default 1)"
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also measure memory per station with tracemalloc (a slow second set-up)",
    )
    args = parser.parse_args()
    unknown = set(args.only.split(",")) - set(SCENARIO_ORDER)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    return args


def _params(args: argparse.Namespace, stamp: str) -> dict[str, Any]:
    params = dict(QUICK if args.quick else FULL)
    if args.stations:
        params["stations"] = args.stations
        params["outage_sizes"] = sorted({max(1, args.stations * k // 4) for k in (1, 2, 4)})
        params["punctual_stations"] = min(params["punctual_stations"], args.stations)
    if args.presses:
        params["presses"] = args.presses
    if args.restarts is not None:
        params["restarts"] = args.restarts
    if args.tracemalloc:
        params["tracemalloc"] = True
    if args.profile:
        params["profile"] = str(RESULTS / f"{stamp}")
    return params


def _print(record: dict[str, Any], text: str, out: Path) -> None:
    machine, problems = record["machine"], record["log_problems"]
    print(
        f"Brave benchmark, {machine['cpus']} CPUs ({machine['cpu']}), Home Assistant "
        f"{machine['home_assistant']}, Python {machine['python']}, load average "
        f"{machine['loadavg_start'][0]} -> {machine['loadavg_end'][0]}, {machine['seconds']} s"
        + (" (profiled: timings not valid)" if "profile" in record["params"] else "")
    )
    print()
    print(text)
    for name, profile in record["profiles"].items():
        print(f"\nProfile: {name} (Brave's functions, top 15 by cumulative time)\n{profile}")
    if problems:
        print(f"\n{len(problems)} warnings/errors logged (first 10; all in the JSON):")
        for line in problems[:10]:
            print(f"  {line}")
    print(f"\nResults: {out}")


def main() -> None:
    """Parse, run, report."""
    args = _arguments()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    params = _params(args, stamp)
    machine = _machine()
    workdir = Path(tempfile.mkdtemp(prefix="brave-bench-"))
    results: dict[str, Any] = {}
    started = time.perf_counter()
    try:
        for run in range(args.runs):
            if args.runs > 1:
                _say(f"run {run + 1} of {args.runs}")
            _run_scenarios(params, set(args.only.split(",")), workdir / f"run{run}", results)
        problems = _problems(workdir)
    finally:
        if args.keep:
            _say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    machine["loadavg_end"] = _loadavg()
    machine["seconds"] = round(time.perf_counter() - started)
    lines = rows(results, int(params["stations"]))
    record = {
        "started": stamp,
        "machine": machine,
        "params": params,
        "results": results,
        "table": [row.cells() for row in lines],
        "profiles": {
            name: _profile_text(path)
            for scenario in ("scale", "restart")
            for run in results.get(scenario, [])
            for name, path in run.get("profiles", {}).items()
        },
        "log_problems": problems[:200],
    }
    out = RESULTS / f"{stamp}.json"
    for path in (out, args.json):
        if path is not None:
            path.write_text(json.dumps(record, indent=1, default=str), encoding="utf-8")
    _print(record, table(lines), out)


if __name__ == "__main__":
    main()
