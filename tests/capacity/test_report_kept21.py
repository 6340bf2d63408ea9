"""What a sized report keeps alive after the sizing, again (wave 21, ``capb21``).

A large design is sized with the cyclic collector paused, so the first collection after
the sizing walks every object the sizing made that the report still holds. Wave 20 let
the engine go; the report still held normal operation's streams for the links' detail
(at 25k 20,000 objects: the streams, their (stream, route) pairs, a list per database)
and, through the log LUNs, the workload's 4,000 database loads. It now keeps the
flows' tables to make normal operation's streams again when they are read
(``normal_streams``), and the log LUNs read each DAG database's log rate from one dict
of floats (which the collector does not track). Read, both are what they were.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from designer.capacity import CapacityEngine, capacity
from designer.capacity.engine import _streams, normal_streams
from designer.capacity.rollup import DagCopies, log_lun_reports
from designer.persistence import load
from designer.simulation import Simulator
from designer.workload import DatabaseLoad, Stream, states_workload

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _sized_samples() -> list[Path]:
    return [p for p in sorted(SAMPLES.glob("*.json")) if states_workload(load(p))]


def _generated(seed: int) -> Simulator:
    from benchmarks.generate import generate_design

    return Simulator(generate_design("1k", seed=seed, workload=True))


def _sims() -> Iterator[tuple[str, Simulator]]:
    for path in _sized_samples():
        yield path.stem, Simulator(load(path))
    for seed in (0, 1):
        yield f"1k seed {seed}", _generated(seed)


@contextmanager
def _collector_off() -> Iterator[None]:
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _streams_of(loads: object) -> dict[object, list[Stream]]:
    assert hasattr(loads, "items")
    return {key: list(load.streams) for key, load in loads.items()}


def test_normal_streams_are_made_again_as_the_set_up_made_them() -> None:
    """Every link direction's streams, in order, field for field, and the same
    bandwidths: what ``_streams`` of the set-up's ``base_db`` and ``base_other`` gives."""
    for name, sim in _sims():
        engine = CapacityEngine(sim)
        want = _streams(engine.base_db, {}, engine.base_other, engine.normal_view.bandwidth)
        again = normal_streams(
            engine.flows.detached(), engine.links, engine.baseline, engine.base_active
        )
        assert list(again) == list(want), name
        assert _streams_of(again) == _streams_of(want), name
        assert [x.bandwidth_mbps for x in again.values()] == [
            x.bandwidth_mbps for x in want.values()
        ], name
        # ... and the engine's normal result reads them so.
        assert engine.normal.loads is not None
        assert _streams_of(engine.normal.loads) == _streams_of(want), name


def test_a_detached_flows_shares_the_tables_but_no_stream() -> None:
    sim = _generated(0)
    engine = CapacityEngine(sim)
    flows = engine.flows
    assert flows._normal is engine.base_db, "the set-up's streams, given to the modes"
    assert flows._mirror_streams
    kept = flows.detached()
    assert kept._copy_streams == {} and kept._mirror_streams == {} and kept._normal == {}
    assert kept.shipping is flows.shipping and kept.copy_members is flows.copy_members
    assert flows._normal is engine.base_db and flows._mirror_streams, "left as they were"


def test_the_report_keeps_no_stream_and_no_database_load() -> None:
    """After a sizing with the collector off, nothing new that is still alive is one of
    normal operation's streams or a database's load; the report reads the same JSON and
    text as a sizing whose engine is kept alive."""
    sim = _generated(0)
    capacity(sim)  # the simulator's own caches filled first
    with _collector_off():
        report = capacity(sim)
        young = gc.get_objects(generation=0)
        streams = sum(1 for o in young if isinstance(o, Stream))
        loads = sum(1 for o in young if isinstance(o, DatabaseLoad))
        del young
    assert streams == 0, f"{streams} streams kept alive by the report"
    assert loads == 0, f"{loads} database loads kept alive by the report"
    engine = CapacityEngine(sim)
    held = capacity(sim, engine=engine)
    assert report.to_json(all_modes=True) == held.to_json(all_modes=True)
    assert report.to_text(all_modes=True) == held.to_text(all_modes=True)
    assert any(link.streams("a_to_b") for link in report.links)


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_the_log_luns_read_the_engine_s_rates_without_the_workload(path: Path) -> None:
    sim = Simulator(load(path))
    engine = CapacityEngine(sim)
    kept = DagCopies.of(engine.flows)
    want = log_lun_reports(sim.prep, engine.workload)  # read from the workload
    assert log_lun_reports(sim.prep, None, kept) == want
    assert log_lun_reports(sim.prep, None, engine.flows) == want
    # Exactly the DAG databases with two copies or more (their rates, float for float).
    rates = kept.log_gb_per_hour
    assert rates is not None
    dag_dbs = {d for d in kept.copy_members if d not in kept.e2007}
    assert set(rates) == dag_dbs
    for db_id in dag_dbs:
        assert rates[db_id] == engine.workload.database(db_id).log_gb_per_hour
    assert not gc.is_tracked(rates), "a dict of floats: nothing for the collector to walk"


def test_the_log_luns_need_a_workload_or_the_rates() -> None:
    sim = _generated(0)
    engine = CapacityEngine(sim)
    bare = DagCopies(engine.flows.copy_members, engine.flows.e2007)
    with pytest.raises(ValueError, match="workload"):
        log_lun_reports(sim.prep, None, bare)
    assert log_lun_reports(sim.prep, engine.workload, bare) == log_lun_reports(
        sim.prep, engine.workload
    )


def test_the_command_line_writes_the_streams_and_log_luns_a_kept_engine_gives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the door: ``dr-designer capacity FILE --mode all --format json`` of a
    generated design (sized with the collector paused) writes every link's normal
    streams and the log LUNs as the engine's own streams (``base_db``) and the workload's
    loads give them."""
    import json

    from benchmarks.generate import generate_design
    from designer.entry import main
    from designer.persistence import save

    design = generate_design("1k", seed=1, workload=True)
    path = tmp_path / "sized.json"
    save(design, path)
    main(["capacity", str(path), "--mode", "all", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    sim = Simulator(load(path))
    engine = CapacityEngine(sim)
    held = capacity(sim, engine=engine)
    kept = _streams(engine.base_db, {}, engine.base_other, engine.normal_view.bandwidth)
    for link in held.links:
        link.loads = kept
    held.log_luns = log_lun_reports(sim.prep, engine.workload)
    want = json.loads(json.dumps(held.to_json(all_modes=True)))
    assert data["links"] == want["links"]
    assert data["log_luns"] == want["log_luns"]
    assert any(link["normal"]["a_to_b"]["streams"] for link in data["links"])
    assert data["log_luns"]
