"""Monte Carlo of failures and repairs, judged by the failure simulator.

Every element with figures alternates between up and failed: up for an exponential time
of mean MTBF, then failed for an exponential time of mean MTTR (a Markov alternating
renewal process), starting in its steady state (failed with probability ``q``). The
timeline of each chunk of years is swept once: while one element alone is failed, the
time goes to that element (numpy, no Python loop); when several are failed at once,
the sweep follows the set in Python. Every distinct set of failed elements is judged by
the simulator (settled, no administrator action: ``Simulator.impact``) once per
process, and the time each target (a database, a site's users) spends down is summed.

Determinism: the chunks depend on the number of years alone, chunk ``i`` draws from
``SeedSequence(seed, spawn_key=(i,))`` and the chunks are added in their order, so a
run gives the same figures whatever the number of processes. The chunks are also the
batches of the confidence interval: the unavailability is the total time down over the
total time, ± 1.96 standard errors of the chunks' own fractions (95 %).

Processes (``concurrent.futures``): forked where the platform can and no GUI toolkit
is loaded (the children inherit the prepared simulator), else spawned (each builds its
simulator once, in its initializer). Judging dominates the cost, so a run over
processes goes in two rounds: the workers sweep the chunks, then the distinct states
of all chunks are shared out among them, each judged once (judging chunk by chunk in
each process judged most states in every process: no faster than one).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import numpy as np

from designer.availability.figures import HOURS_PER_YEAR
from designer.domain.design import Design
from designer.simulation.engine import Simulator

__all__ = [
    "MAX_CHUNKS",
    "MonteCarloResult",
    "MonteCarloSetup",
    "chunk_years",
    "run_monte_carlo",
]

#: The number of chunks (batches) a run is split into (fewer for fewer years)…
MAX_CHUNKS = 100
#: …unless the chunks would be longer than this: then as many as it takes (a chunk is
#: the unit of work and of cancelling, about a tenth of a second for a small design).
MAX_CHUNK_YEARS = 5_000
#: ``progress(chunks done, chunks)``; return False to cancel. Over processes it is also
#: asked every :data:`CANCEL_POLL_S` while no chunk ends (the same count again).
ProgressFn = Callable[[int, int], bool]
#: How often a run over processes asks ``progress`` whether to go on while its workers
#: work, s: a cancel (the window closing, the process quitting) is seen then, not only
#: when the next chunk ends — the first chunks wait for the spawned processes to start
#: (numpy, the design and its simulator: 3-4 s on a busy machine).
CANCEL_POLL_S = 0.05


@dataclass(frozen=True)
class MonteCarloSetup:
    """What a run needs, picklable for the worker processes."""

    design: Design
    #: Element ids with their MTBF and MTTR (hours), in a fixed order.
    elements: tuple[str, ...]
    mtbf_h: tuple[float, ...]
    mttr_h: tuple[float, ...]
    #: Each target: the databases of which one down takes it down.
    targets: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class MonteCarloResult:
    """Per target (in the setup's order): the fraction of time down, and the half-width
    of its 95 % confidence interval."""

    years: int
    seed: int
    chunks: int
    workers: int
    unavailability: tuple[float, ...]
    half_width: tuple[float, ...]
    #: Distinct sets of failed elements the simulator judged (summed over processes).
    states_judged: int
    failures: int
    cancelled: bool = False
    chunks_done: int = 0

    def interval(self, index: int) -> tuple[float, float]:
        u, h = self.unavailability[index], self.half_width[index]
        return max(0.0, u - h), u + h


def chunk_years(years: int) -> list[int]:
    """How a run of ``years`` is split: :data:`MAX_CHUNKS` chunks (fewer for fewer
    years, more when they would exceed :data:`MAX_CHUNK_YEARS`), sizes within one year
    of each other: the same whatever the number of processes.

    Examples
    --------
    >>> chunk_years(250)[:3], len(chunk_years(250)), chunk_years(3)
    ([3, 3, 3], 100, [1, 1, 1])
    >>> len(chunk_years(100_000)), len(chunk_years(5_000_000)), max(chunk_years(5_000_000))
    (100, 1000, 5000)
    """
    if years < 1:
        raise ValueError("a Monte Carlo run needs at least one year")
    n = min(max(MAX_CHUNKS, -(-years // MAX_CHUNK_YEARS)), years)
    base, extra = divmod(years, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


class _Judge:
    """The simulator of one process, and what it has judged."""

    def __init__(self, setup: MonteCarloSetup, sim: Simulator | None = None) -> None:
        self.setup = setup
        self.sim = sim or Simulator(setup.design)
        self.n_targets = len(setup.targets)
        self.targets_of_db: dict[str, list[int]] = {}
        for index, dbs in enumerate(setup.targets):
            for db in dbs:
                self.targets_of_db.setdefault(db, []).append(index)
        self.memo: dict[frozenset[int], np.ndarray] = {}

    def down(self, state: frozenset[int]) -> np.ndarray:
        """Which targets are down with the elements of ``state`` failed."""
        found = self.memo.get(state)
        if found is None:
            failed = [self.setup.elements[i] for i in sorted(state)]
            impact = self.sim.impact(failed, databases=self.targets_of_db)
            found = np.zeros(self.n_targets, dtype=bool)
            for db in impact.databases_unavailable:
                found[self.targets_of_db.get(db, [])] = True
            self.memo[state] = found
        return found


def _intervals(
    rng: np.random.Generator, mtbf: float, mttr: float, horizon: float
) -> tuple[np.ndarray, np.ndarray]:
    """Failure start and end times of one element over ``[0, horizon)`` hours."""
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    position = 0.0
    if rng.random() < mttr / (mtbf + mttr):  # failed at the start (steady state)
        first = float(rng.exponential(mttr))
        starts.append(np.array([0.0]))
        ends.append(np.array([first]))
        position = first
    batch = max(8, int(horizon / (mtbf + mttr) * 1.2) + 8)
    while position < horizon:
        ups = rng.exponential(mtbf, batch)
        downs = rng.exponential(mttr, batch)
        cycle_end = position + np.cumsum(ups + downs)
        fail_at = cycle_end - downs
        keep = fail_at < horizon
        starts.append(fail_at[keep])
        ends.append(cycle_end[keep])
        position = float(cycle_end[-1])
        if not keep.all():
            break
    if not starts:
        return np.empty(0), np.empty(0)
    return np.concatenate(starts), np.minimum(np.concatenate(ends), horizon)


@dataclass(frozen=True)
class _Sweep:
    """One chunk's timeline, before any verdict: the hours each element spends failed
    alone (by its index, in index order) and the hours of each set of several failed
    elements (in the order the sweep met them)."""

    alone: dict[int, float]
    several: dict[frozenset[int], float]
    failures: int

    def states(self) -> list[frozenset[int]]:
        return [frozenset((i,)) for i in self.alone] + list(self.several)


def _sweep_chunk(setup: MonteCarloSetup, seed: int, chunk: int, years: int) -> _Sweep:
    """The failures and repairs of chunk ``chunk`` (``years`` years): how long each set
    of failed elements lasts."""
    horizon = years * HOURS_PER_YEAR
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(chunk,)))
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    ids: list[np.ndarray] = []
    for index, (mtbf, mttr) in enumerate(zip(setup.mtbf_h, setup.mttr_h, strict=True)):
        s, e = _intervals(rng, mtbf, mttr, horizon)
        starts.append(s)
        ends.append(e)
        ids.append(np.full(len(s), index, dtype=np.int64))
    all_starts = np.concatenate(starts) if starts else np.empty(0)
    failures = len(all_starts)
    if failures == 0:
        return _Sweep({}, {}, 0)
    element = np.concatenate(ids)
    times = np.concatenate([all_starts, np.concatenate(ends)])
    signs = np.concatenate([np.ones(failures, dtype=np.int64), -np.ones(failures, dtype=np.int64)])
    who = np.concatenate([element, element])
    order = np.lexsort((signs, times))  # at equal times, repairs first
    times, signs, who = times[order], signs[order], who[order]
    count = np.cumsum(signs)
    id_sum = np.cumsum(signs * (who + 1))
    span = np.diff(np.append(times, horizon))
    # One element failed alone: its time, straight to its index (numpy, no loop).
    alone = count == 1
    lone = id_sum[alone] - 1
    alone_hours = np.bincount(lone, weights=span[alone], minlength=len(setup.elements))
    lone_hours = {int(i): float(alone_hours[i]) for i in np.nonzero(alone_hours)[0].tolist()}
    # Several failed at once: follow the set through each stretch.
    several = np.nonzero(count >= 2)[0]
    hours_of: dict[frozenset[int], float] = {}
    if len(several):
        state: set[int] = set()
        previous = -2
        for position in several.tolist():
            if position != previous + 1:  # a new stretch: the set just before it
                state = set()
                if position > 0 and count[position - 1] == 1:
                    state = {int(id_sum[position - 1]) - 1}
                elif position > 0 and count[position - 1] >= 2:  # pragma: no cover
                    raise AssertionError("a stretch starts after several failures")
            if signs[position] > 0:
                state.add(int(who[position]))
            else:
                state.discard(int(who[position]))
            key = frozenset(state)
            hours_of[key] = hours_of.get(key, 0.0) + float(span[position])
            previous = position
    return _Sweep(lone_hours, hours_of, failures)


def _down_hours(
    sweep: _Sweep, verdict: Callable[[frozenset[int]], np.ndarray], n_targets: int
) -> np.ndarray:
    """Hours each target spends down in a swept chunk, given each state's verdict; the
    sums run in the sweep's own order, so the figures do not depend on who judged."""
    down_hours = np.zeros(n_targets)
    for index, hours in sweep.alone.items():
        down = verdict(frozenset((index,)))
        if down.any():
            down_hours += hours * down
    for key, hours in sweep.several.items():
        down = verdict(key)
        if down.any():
            down_hours += hours * down
    return down_hours


def _run_chunk(judge: _Judge, seed: int, chunk: int, years: int) -> tuple[np.ndarray, int]:
    """Hours each target spends down in chunk ``chunk`` of ``years`` years, and the
    number of failures drawn (one process: sweep and judge)."""
    sweep = _sweep_chunk(judge.setup, seed, chunk, years)
    return _down_hours(sweep, judge.down, judge.n_targets), sweep.failures


# -- processes ------------------------------------------------------------------------------
_WORKER: _Judge | None = None


def _init_worker(setup: MonteCarloSetup | None) -> None:
    global _WORKER
    if setup is not None:  # spawned: build the simulator here, once
        _WORKER = _Judge(setup)


def _worker_sweep(seed: int, chunk: int, years: int) -> tuple[int, _Sweep]:
    judge = _WORKER
    assert judge is not None, "the worker was not initialised"
    return chunk, _sweep_chunk(judge.setup, seed, chunk, years)


def _worker_judge(batch: int, states: list[frozenset[int]]) -> tuple[int, np.ndarray]:
    judge = _WORKER
    assert judge is not None, "the worker was not initialised"
    if not states:
        return batch, np.zeros((0, judge.n_targets), dtype=bool)
    return batch, np.stack([judge.down(state) for state in states])


def _context() -> Any:
    """Fork when it is safe (no GUI toolkit threads loaded) and available, else spawn."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and "PySide6" not in sys.modules:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def run_monte_carlo(
    setup: MonteCarloSetup,
    years: int,
    seed: int = 0,
    *,
    workers: int | None = None,
    sim: Simulator | None = None,
    progress: ProgressFn | None = None,
) -> MonteCarloResult:
    """Simulate ``years`` years of failures and repairs (see the module); ``workers``
    processes (default: one per core; 1 runs in this process). ``sim``: a simulator of
    ``setup.design`` already prepared (reused here and by forked workers)."""
    plan = chunk_years(years)
    workers = max(1, min(workers or default_workers(), len(plan)))
    down = np.zeros((len(plan), len(setup.targets)))
    finished = np.zeros(len(plan), dtype=bool)
    failures = 0
    judged = 0
    done = 0
    cancelled = False
    if workers == 1:
        judge = _Judge(setup, sim)
        for chunk, chunk_len in enumerate(plan):
            down[chunk], drawn = _run_chunk(judge, seed, chunk, chunk_len)
            finished[chunk] = True
            failures += drawn
            done += 1
            if progress is not None and not progress(done, len(plan)):
                cancelled = True
                break
        judged = len(judge.memo)
    else:
        result = _run_in_processes(setup, plan, seed, workers, sim, progress)
        down, finished, failures, judged, cancelled = result
    return _summarise(
        setup, plan, down[finished], finished, seed, workers, judged, failures, cancelled
    )


def _run_in_processes(
    setup: MonteCarloSetup,
    plan: Sequence[int],
    seed: int,
    workers: int,
    sim: Simulator | None,
    progress: ProgressFn | None,
) -> tuple[np.ndarray, np.ndarray, int, int, bool]:
    """The run over ``workers`` processes, in two rounds so that no state is judged
    twice: the workers sweep the chunks; the distinct states are then shared out among
    them for judging (each once); the chunks' sums are made here, in order.

    Progress counts the chunks swept, then the batches judged (``2 × chunks`` in all).
    On cancel, the chunks whose states were all judged are kept.
    """
    global _WORKER
    n = len(plan)
    total = 2 * n
    down = np.zeros((n, len(setup.targets)))
    finished = np.zeros(n, dtype=bool)
    sweeps: list[_Sweep | None] = [None] * n
    verdicts: dict[frozenset[int], np.ndarray] = {}
    done = 0
    cancelled = False
    context = _context()
    forked = context.get_start_method() == "fork"
    if forked:  # the children inherit the prepared simulator
        _WORKER = _Judge(setup, sim)
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(None if forked else setup,),
        ) as pool:

            def gather(pending: set[Future[Any]], take: Callable[[Any], None]) -> bool:
                nonlocal done
                poll = None if progress is None else CANCEL_POLL_S
                while pending:
                    ready, pending = wait(pending, timeout=poll, return_when=FIRST_COMPLETED)
                    for future in ready:
                        take(future.result())
                        done += 1
                    if progress is not None and not progress(done, total):
                        _stop_at_once(pool)
                        return False
                return True

            def took_sweep(result: tuple[int, _Sweep]) -> None:
                sweeps[result[0]] = result[1]

            swept = gather(
                {pool.submit(_worker_sweep, seed, i, years) for i, years in enumerate(plan)},
                took_sweep,
            )
            if swept:
                # Distinct states in the order the chunks meet them: the first batches
                # complete the first chunks (what a cancel keeps).
                states = list(
                    dict.fromkeys(st for sweep in sweeps if sweep for st in sweep.states())
                )
                size = max(1, math.ceil(len(states) / n))
                batches = [states[i : i + size] for i in range(0, len(states), size)]
                batches += [[]] * (n - len(batches))  # progress counts n batches

                def took_verdicts(result: tuple[int, np.ndarray]) -> None:
                    batch, found = result
                    verdicts.update(zip(batches[batch], found, strict=True))

                cancelled = not gather(
                    {pool.submit(_worker_judge, i, b) for i, b in enumerate(batches)},
                    took_verdicts,
                )
            else:
                cancelled = True
    finally:
        if forked:
            _WORKER = None
    failures = 0
    for chunk, sweep in enumerate(sweeps):
        # the chunks kept on cancel are the first ones (as in one process)
        if sweep is None or not all(state in verdicts for state in sweep.states()):
            break
        down[chunk] = _down_hours(sweep, verdicts.__getitem__, len(setup.targets))
        finished[chunk] = True
        failures += sweep.failures
    return down, finished, failures, len(verdicts), cancelled


def _stop_at_once(pool: ProcessPoolExecutor) -> None:
    """End a cancelled run's processes now. What they are working on would be dropped
    anyway (a cancel keeps only the chunks already received), and waiting for it meant
    waiting for spawned processes still starting: closing the window during the first
    seconds of a Monte Carlo froze it 3-4 s (docs/reliability.md, "A clean exit")."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
    else:
        processes: dict[int, Any] = getattr(pool, "_processes", None) or {}
        for process in list(processes.values()):
            process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def _summarise(
    setup: MonteCarloSetup,
    plan: Sequence[int],
    down: np.ndarray,
    finished: np.ndarray,
    seed: int,
    workers: int,
    judged: int,
    failures: int,
    cancelled: bool,
) -> MonteCarloResult:
    """Totals and batch-means interval over the chunks that finished (all of them
    unless the run was cancelled)."""
    hours = np.array(plan, dtype=float)[finished] * HOURS_PER_YEAR
    n = len(hours)
    if n == 0:
        zeros = tuple(0.0 for _ in setup.targets)
        return MonteCarloResult(0, seed, 0, workers, zeros, zeros, judged, failures, True, 0)
    mean = down.sum(axis=0) / hours.sum()
    if n > 1:
        spread = (down / hours[:, None]).std(axis=0, ddof=1) / math.sqrt(n)
    else:
        spread = np.zeros(len(setup.targets))
    return MonteCarloResult(
        int(np.array(plan)[finished].sum()),
        seed,
        n,
        workers,
        tuple(float(x) for x in mean),
        tuple(float(x) for x in 1.96 * spread),
        judged,
        failures,
        cancelled,
        n,
    )
