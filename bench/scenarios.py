"""Each scenario runs in a process of its own (`python -m bench.child`) and returns its numbers.

- `scale`: a site of N stations (default 1,000) in Home Assistant with its recorder, the
  baseline automation beside it. First set-up time and memory; press latency (Brave and the
  baseline, interleaved); the radar storm (CPU per report and loop lag, with groups of radars
  bound to Brave, not bound at all, and bound to a no-op listener); outage recovery; the
  punctuality of escalation steps under the storm.
- `bare`: the same storm in Home Assistant without a recorder (the floor figures).
- `prepare` / `restart`: a config dir with the site saved, then Home Assistant started on it
  again, timing Brave's set-up (and, when asked, tracing what a second set-up keeps).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
import contextlib
import cProfile
from datetime import datetime
import gc
from pathlib import Path
import time
import tracemalloc
from typing import Any

from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component

from . import site as bsite
from .home import BASELINE_BUTTON, BASELINE_STATION, STORAGE_WRITES, StorageWrites, running_home
from .peer import Arrival, Peer, running_peer
from .stats import (
    LoopLag,
    cpu_by_kind,
    cpu_seconds,
    paired_difference,
    rss_bytes,
    summary,
    thread_cpu,
)
from .storm import Storm

RESOLVE_OUTCOME = "test"
# After a storm phase: Brave writes what changed within a second (site_storage.SAVE_WITHIN).
SETTLE_S = 1.2


@contextlib.contextmanager
def timed(seconds: dict[str, float], name: str) -> Iterator[None]:
    """Record how long the block took (wall clock), for the run's own record."""
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds[name] = round(time.perf_counter() - start, 2)


class Profiler:
    """cProfile around chosen parts of a scenario, one file per part (when asked for)."""

    def __init__(self, prefix: str | None, params: dict[str, Any] | None = None) -> None:
        """Profile into `<prefix>-<part>.prof`, or not at all without a prefix."""
        self.prefix = prefix
        self.params = params or {}
        self.files: dict[str, str] = {}

    @contextlib.contextmanager
    def part(self, name: str) -> Iterator[None]:
        """Profile the block."""
        if self.prefix is None:
            yield
            return
        profile = cProfile.Profile()
        profile.enable()
        try:
            yield
        finally:
            profile.disable()
            path = f"{self.prefix}-{name}.prof"
            profile.dump_stats(path)
            self.files[name] = path


async def _drain(hass: HomeAssistant, recorder: bool) -> float:
    """Wait until everything queued is done and, with a recorder, committed; seconds taken."""
    start = time.perf_counter()
    await hass.async_block_till_done()
    if recorder:
        from pytest_homeassistant_custom_component.components.recorder.common import (  # type: ignore[import-untyped]  # noqa: PLC0415
            async_wait_recording_done,
        )

        await async_wait_recording_done(hass)
    return time.perf_counter() - start


def _is_alert_of(station: str, since_mono: float) -> Callable[[Arrival], bool]:
    return lambda a: a.path == "/v1/alerts" and a.station == station and a.mono >= since_mono


def _is_resolved_of(station: str) -> Callable[[Arrival], bool]:
    return lambda a: a.type == "resolved" and a.station == station


# -- press latency ---------------------------------------------------------------------


async def press_latency(hass: HomeAssistant, peer: Peer, params: dict[str, Any]) -> dict[str, Any]:
    """Button press -> POST received at the server, Brave and the baseline taking turns.

    Brave: station n's button entity changes; its alert is then resolved through the
    `brave.resolve` service (and its `resolved` event received) so the next press of any
    station opens a new alert. Baseline: the baseline button changes; its automation POSTs
    the same alert through rest_command.
    """
    stations, presses = int(params["stations"]), int(params["presses"])
    warmup, gap = int(params["warmup"]), float(params["press_gap"])
    brave: list[float] = []
    baseline: list[float] = []
    devices = {n: bsite.station_device(hass, n) for n in range(min(stations, presses + warmup))}
    for i in range(warmup + presses):
        n = i % len(devices)
        sid = bsite.station_id(n)
        since = len(peer.arrivals)
        t0 = time.monotonic()
        bsite.press(hass, n)
        arrival = await peer.wait_for(_is_alert_of(sid, t0), since=since)
        if i >= warmup:
            brave.append(arrival.mono - t0)
        since = len(peer.arrivals)
        await hass.services.async_call(
            "brave", "resolve", {"station": devices[n], "outcome": RESOLVE_OUTCOME}, blocking=True
        )
        await peer.wait_for(_is_resolved_of(sid), since=since)
        await asyncio.sleep(gap)

        since = len(peer.arrivals)
        t0 = time.monotonic()
        hass.states.async_set(BASELINE_BUTTON, bsite.iso_now(), {"event_type": "single"})
        arrival = await peer.wait_for(_is_alert_of(BASELINE_STATION, t0), since=since)
        if i >= warmup:
            baseline.append(arrival.mono - t0)
        await asyncio.sleep(gap)
    return {
        "brave_ms": summary([x * 1000 for x in brave]),
        "baseline_ms": summary([x * 1000 for x in baseline]),
        "difference_ms": paired_difference(brave, baseline, scale=1000),
        "presses": presses,
    }


# -- the storm ----------------------------------------------------------------------


async def storm_cost(
    hass: HomeAssistant,
    storms: dict[str, Storm],
    params: dict[str, Any],
    *,
    recorder: bool,
    profiler: Profiler | None = None,
) -> dict[str, Any]:
    """CPU per state change and loop lag, group by group.

    The order runs forwards, then backwards, and so on: a cost that drifts during the run
    (the recorder's database grows) weighs on every group alike over an even number of reps.

    Each phase sends `seconds` of reports to one group at the radars' pace, waits a little
    over a second (Brave saves what changed within one), then waits for everything it caused
    to finish (the recorder's commit included); the process CPU time (all threads) over that
    whole window is the phase's cost. Every group gets the same window, so what runs anyway
    cancels out between groups.
    """
    seconds, reps = float(params["storm_seconds"]), int(params["storm_reps"])
    profiler = profiler or Profiler(None)
    groups = list(storms)
    phases: dict[str, list[dict[str, float]]] = {g: [] for g in groups}
    # Every state change in the process, the storm's own and whatever they cause (Brave's
    # entities): the same small cost in every group.
    fired = [0]

    @callback
    def count(_event: Event[EventStateChangedData]) -> None:
        fired[0] += 1

    unsub = hass.bus.async_listen(EVENT_STATE_CHANGED, count)
    for rep in range(reps):
        order = groups if rep % 2 == 0 else groups[::-1]
        for group in order:
            storm = storms[group]
            await _drain(hass, recorder)
            gc.collect()
            changes0, sync0, fired0 = storm.changes, storm.sync_cpu, fired[0]
            stored0 = STORAGE_WRITES.total("brave.")
            lag = LoopLag()
            threads0, cpu0, wall0 = thread_cpu(), cpu_seconds(), time.perf_counter()
            lag.start()
            with profiler.part(f"storm-{group}") if rep == 0 else contextlib.nullcontext():
                await storm.run(int(seconds * storm.radars * storm.rate), seed=rep)
                lags = await lag.stop()
                await asyncio.sleep(SETTLE_S)
                await _drain(hass, recorder)
            cpu = cpu_seconds() - cpu0
            kinds = cpu_by_kind(threads0, thread_cpu())
            changes = max(storm.changes - changes0, 1)
            phases[group].append(
                {
                    "cpu_s": cpu,
                    "wall_s": time.perf_counter() - wall0,
                    "changes": float(changes),
                    "other_changes_per_change": (fired[0] - fired0 - changes) / changes,
                    "brave_store_bytes": float(STORAGE_WRITES.total("brave.")[0] - stored0[0]),
                    "brave_store_writes": float(STORAGE_WRITES.total("brave.")[1] - stored0[1]),
                    "us_per_change": cpu / changes * 1e6,
                    "sync_us_per_change": (storm.sync_cpu - sync0) / changes * 1e6,
                    "loop_us_per_change": kinds["loop"] / changes * 1e6,
                    "recorder_us_per_change": kinds["recorder"] / changes * 1e6,
                    "threads_us_per_change": kinds["threads"] / changes * 1e6,
                    "lag_p50_ms": lags["p50"] * 1000,
                    "lag_p99_ms": lags["p99"] * 1000,
                    "lag_max_ms": lags["max"] * 1000,
                    "lag_over_100ms": lags["over_100ms"],
                }
            )
    unsub()
    return {"phases": phases, "seconds_per_phase": seconds}


# -- outage ----------------------------------------------------------------------------


async def _resolve_all(hass: HomeAssistant, peer: Peer, stations: list[int]) -> None:
    """Close every station's open alert (its `resolved` event reaches the server)."""
    since = len(peer.arrivals)
    for n in stations:
        await hass.services.async_call(
            "brave",
            "resolve",
            {"station": bsite.station_device(hass, n), "outcome": RESOLVE_OUTCOME},
            blocking=True,
        )
    wanted = {bsite.station_id(n) for n in stations}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        got = {a.station for a in peer.arrivals[since:] if a.type == "resolved"}
        if wanted <= got:
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{len(wanted - got)} resolved events never arrived")


async def outage(
    hass: HomeAssistant, peer: Peer, writes: StorageWrites, alerts: int, profiler: Profiler
) -> dict[str, Any]:
    """`alerts` stations press while the service refuses connections for `down_s` seconds.

    Then the service returns: how long until every alert was received, once each; what the
    Store wrote meanwhile; how the event loop fared.
    """
    down_s = float(profiler.params["outage_down_s"])
    stations = list(range(alerts))
    wanted = {bsite.station_id(n) for n in stations}
    await _drain(hass, recorder=True)
    before = (await peer.get("/bench/summary"))["per_station"]
    await peer.down()
    since = len(peer.arrivals)
    bytes0, writes0 = writes.total("brave.")
    all0, _ = writes.total("")
    lag = LoopLag()
    lag.start()
    cpu0 = cpu_seconds()
    start = time.monotonic()
    with profiler.part(f"outage-{alerts}"):
        for n in stations:
            bsite.press(hass, n)
            if n % 10 == 9:
                # About a thousand presses a second, not all in one loop iteration.
                await asyncio.sleep(0.01)
        pressed_s = time.monotonic() - start
        await asyncio.sleep(max(0.0, start + down_s - time.monotonic()))
        queue_lag = await lag.stop()
        queue_cpu = cpu_seconds() - cpu0
        bytes1, writes1 = writes.total("brave.")
        all1, _ = writes.total("")
        lag.start()
        up = await peer.up()
        deadline = up + 180
        created: dict[str, list[Arrival]] = {}
        while time.monotonic() < deadline:
            created = {}
            for a in peer.arrivals[since:]:
                if a.path == "/v1/alerts" and a.status == 201 and a.station in wanted:
                    created.setdefault(a.station, []).append(a)
            if len(created) == len(wanted):
                break
            await asyncio.sleep(0.05)
        recovery_lag = await lag.stop()
    bytes2, writes2 = writes.total("brave.")
    attempts = [a for a in peer.arrivals[since:] if a.path == "/v1/alerts" and a.station in wanted]
    last = max((a.mono for alist in created.values() for a in alist), default=float("nan"))
    result = {
        "alerts": alerts,
        "down_s": down_s,
        "pressed_in_s": pressed_s,
        "delivered": len(created),
        "duplicates": sum(len(v) - 1 for v in created.values()),
        "replayed": sum(1 for a in attempts if a.status == 200),
        "recovery_s": last - up,
        "queue_bytes": bytes1 - bytes0,
        "queue_writes": writes1 - writes0,
        "queue_bytes_all_ha": all1 - all0,
        "recovery_bytes": bytes2 - bytes1,
        "recovery_writes": writes2 - writes1,
        "queue_cpu_s": queue_cpu,
        "queue_lag_max_ms": queue_lag["max"] * 1000,
        "queue_lag_p99_ms": queue_lag["p99"] * 1000,
        "queue_lag_over_100ms": queue_lag["over_100ms"],
        "recovery_lag_max_ms": recovery_lag["max"] * 1000,
        "recovery_lag_p99_ms": recovery_lag["p99"] * 1000,
    }
    summary_after = await peer.get("/bench/summary")
    # New alerts in the server's store for these stations (one each when none is lost or
    # duplicated).
    result["store_alerts_for_stations"] = sum(
        summary_after["per_station"].get(s, 0) - before.get(s, 0) for s in wanted
    )
    await _resolve_all(hass, peer, stations)
    return result


# -- punctuality -------------------------------------------------------------------------


async def punctuality(
    hass: HomeAssistant, peer: Peer, storm: Storm, params: dict[str, Any]
) -> dict[str, Any]:
    """Stations' first reminders, due at staggered times: received time minus deadline.

    Each station's reminder timer is set as its number entity sets it (the timer entities are
    off by default, so through the station's driver); its button is pressed (an alert at
    once); the reminder leaves at alert + reminder. The reminder event's `at` is its deadline,
    so the server's arrival time minus `at` is how late the step left.
    """
    count, spread_s = int(params["punctual_stations"]), float(params["punctual_spread_s"])
    reminder_s = int(params["punctual_reminder_s"])
    under_storm = bool(params["punctual_under_storm"])
    [entry] = hass.config_entries.async_loaded_entries(bsite.DOMAIN)
    drivers = entry.runtime_data.drivers
    chosen = [n for n in range(count) if bsite.station_id(n) in drivers]
    missing = count - len(chosen)
    for n in chosen:
        driver = drivers[bsite.station_id(n)]
        driver.reconfigure(driver.settings.with_value("reminder", reminder_s))
    await _drain(hass, recorder=True)
    stop = asyncio.Event()
    background = None
    if under_storm:
        background = asyncio.get_running_loop().create_task(storm.run_until(stop, seed=100))
    lag = LoopLag()
    lag.start()
    since = len(peer.arrivals)
    start = time.monotonic()
    for i, n in enumerate(chosen):
        await asyncio.sleep(max(0.0, start + i * spread_s / max(len(chosen), 1) - time.monotonic()))
        bsite.press(hass, n)
    wanted = {bsite.station_id(n) for n in chosen}
    deadline = time.monotonic() + reminder_s + spread_s + 60
    reminders: dict[str, Arrival] = {}
    while time.monotonic() < deadline and len(reminders) < len(wanted):
        for a in peer.arrivals[since:]:
            if a.type == "reminder" and a.station in wanted and a.station not in reminders:
                reminders[a.station] = a
        await asyncio.sleep(0.05)
    lags = await lag.stop()
    stop.set()
    if background is not None:
        await background
        storm.all_empty()
    late_ms = [
        (a.wall - datetime.fromisoformat(a.at).timestamp()) * 1000
        for a in reminders.values()
        if a.at is not None
    ]
    await _resolve_all(hass, peer, chosen)
    return {
        "stations": len(chosen),
        "stations_not_running": missing,
        "received": len(reminders),
        "late_ms": summary(late_ms),
        "min_ms": min(late_ms, default=float("nan")),
        "lag_max_ms": lags["max"] * 1000,
        "lag_p99_ms": lags["p99"] * 1000,
        "under_storm": under_storm,
    }


# -- scenarios -------------------------------------------------------------------------


def _noop_listener(hass: HomeAssistant, group: str, radars: int) -> Callable[[], None]:
    """A no-op state listener on each of a group's radar entities."""
    entity_ids = [
        entity
        for n in range(radars)
        for entity in (bsite.radar(group, n).presence, bsite.radar(group, n).movement)
    ]

    @callback
    def noop(_event: Event[EventStateChangedData]) -> None:
        """A listener that does nothing: the floor of any per-entity listener's cost."""

    return async_track_state_change_event(hass, entity_ids, noop)


async def scale(params: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """Set-up, press latency, the storm, outage recovery and punctuality on one site."""
    stations = int(params["stations"])
    profiler = Profiler(params.get("profile"), params)
    writes = STORAGE_WRITES
    writes.install()
    result: dict[str, Any] = {"stations": stations}
    seconds: dict[str, float] = {}
    result["section_seconds"] = seconds
    async with running_peer() as peer:
        site = await peer.register_site()
        async with running_home(
            workdir / "config",
            baseline_url=peer.url,
            api_key=peer.api_key,
            site_id=site["site_id"],
        ) as hass:
            groups = ["b", "u", "l"]
            bsite.set_devices(hass, range(stations), groups)
            hass.states.async_set(BASELINE_BUTTON, bsite.iso_now(), {"event_type": "single"})
            unsub_noop = _noop_listener(hass, "l", stations)
            result["drain_devices_s"] = await _drain(hass, recorder=True)
            seconds["devices"] = round(result["drain_devices_s"], 2)

            # Set-up time and memory of a new site of N stations (the first set-up).
            entry = bsite.site_entry(peer.url, peer.api_key, site, range(stations))
            gc.collect()
            rss0, cpu0, t0 = rss_bytes(), cpu_seconds(), time.perf_counter()
            await hass.config_entries.async_add(entry)
            result["setup_s"] = time.perf_counter() - t0
            result["setup_cpu_s"] = cpu_seconds() - cpu0
            gc.collect()
            result["setup_rss_bytes"] = rss_bytes() - rss0
            result["entry_state"] = str(entry.state)
            result["entities"] = bsite.entity_counts(hass, entry.entry_id)
            result["drain_setup_s"] = await _drain(hass, recorder=True)
            seconds["setup_and_recorder"] = round(result["setup_s"] + result["drain_setup_s"], 2)

            if params["presses"]:
                with timed(seconds, "press"), profiler.part("press"):
                    result["press"] = await press_latency(hass, peer, params)

            storms = {group: Storm(hass, group, stations) for group in ("dry", "u", "l", "b")}
            if params["storm_seconds"]:
                with timed(seconds, "storm"):
                    result["storm"] = await storm_cost(
                        hass, storms, params, recorder=True, profiler=profiler
                    )
                storms["b"].all_empty()

            result["outage"] = []
            for size in params["outage_sizes"]:
                with timed(seconds, f"outage-{size}"):
                    result["outage"].append(await outage(hass, peer, writes, int(size), profiler))

            if params["punctual_stations"]:
                with timed(seconds, "punctuality"), profiler.part("punctuality"):
                    result["punctuality"] = await punctuality(hass, peer, storms["b"], params)
            unsub_noop()
            result["storage_writes"] = {"bytes": writes.bytes, "writes": writes.writes}
            result["profiles"] = profiler.files
            # Everything measured is in `result`; the caller writes it before Home Assistant
            # stops (stopping waits for the recorder, which is not measured).
            params["_emit"](result)
    return result


async def bare(params: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """The storm in Home Assistant without a recorder: the state machine, a no-op listener."""
    stations = int(params["stations"])
    async with running_home(workdir / "config", recorder=False) as hass:
        bsite.set_devices(hass, range(stations), ["u", "l"])
        unsub = _noop_listener(hass, "l", stations)
        await hass.async_block_till_done()
        storms = {group: Storm(hass, group, stations) for group in ("dry", "u", "l")}
        short = {
            **params,
            "storm_seconds": params["bare_seconds"],
            "storm_reps": params["bare_reps"],
        }
        result = await storm_cost(hass, storms, short, recorder=False)
        unsub()
    return {"storm": result}


async def prepare(params: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """A config dir with a site of N stations set up once and saved (no recorder).

    First a site of one station is set up and removed again: its entities show how many one
    station makes (a site of N stations may stop at Home Assistant's limit per entry).
    """
    stations = int(params["stations"])
    async with running_peer() as peer:
        site = await peer.register_site()
        async with running_home(workdir / "config", recorder=False) as hass:
            bsite.set_devices(hass, range(stations), ["b"])
            one = bsite.site_entry(peer.url, peer.api_key, site, [0], webhook_id="benchone")
            await hass.config_entries.async_add(one)
            counts = bsite.entity_counts(hass, one.entry_id)
            await hass.config_entries.async_remove(one.entry_id)
            entry = bsite.site_entry(peer.url, peer.api_key, site, range(stations))
            t0 = time.perf_counter()
            await hass.config_entries.async_add(entry)
            setup_s = time.perf_counter() - t0
            await hass.async_block_till_done()
            made = bsite.entity_counts(hass, entry.entry_id)
    return {
        "setup_s_without_recorder": setup_s,
        "entities_one_station": counts,
        # Home Assistant's limit counts enabled entities only.
        "entities_per_station": counts["station_enabled"],
        "entities": made,
    }


async def restart(params: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """Home Assistant starts on the prepared config dir: how long Brave's set-up takes."""
    stations = int(params["stations"])
    async with running_home(workdir / "config") as hass:
        bsite.set_devices(hass, range(stations), ["b"])
        await _drain(hass, recorder=True)
        gc.collect()
        profiler = Profiler(params.get("profile"), params)
        rss0, cpu0, t0 = rss_bytes(), cpu_seconds(), time.perf_counter()
        with profiler.part("setup-at-start"):
            assert await async_setup_component(hass, "brave", {})
        setup_s = time.perf_counter() - t0
        setup_cpu = cpu_seconds() - cpu0
        gc.collect()
        entry = hass.config_entries.async_entries("brave")[0]
        result: dict[str, Any] = {
            "setup_s": setup_s,
            "setup_cpu_s": setup_cpu,
            "setup_rss_bytes": rss_bytes() - rss0,
            "entry_state": str(entry.state),
            "profiles": profiler.files,
        }
        if params.get("tracemalloc"):
            # The site again, traced: what its set-up allocates and keeps (registries and
            # states of its entities included). Slow; not part of the timing above.
            assert await hass.config_entries.async_unload(entry.entry_id)
            await _drain(hass, recorder=True)
            gc.collect()
            tracemalloc.start()
            assert await hass.config_entries.async_setup(entry.entry_id)
            gc.collect()
            result["traced_bytes"] = tracemalloc.get_traced_memory()[0]
            tracemalloc.stop()
        params["_emit"](result)
    return result


SCENARIOS = {"scale": scale, "bare": bare, "prepare": prepare, "restart": restart}


async def engine(params: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """The engine alone (no Home Assistant running)."""
    from .engine_bench import run  # noqa: PLC0415

    return run(params)


SCENARIOS["engine"] = engine
