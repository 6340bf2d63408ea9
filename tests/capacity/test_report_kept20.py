"""What a sized report keeps alive after the sizing (wave 20, ``capa20``).

A sizing of a large design runs with the cyclic collector paused; the first collection
after it walks every object the sizing made that is still alive. The report's deferred
parts (the hosts, the log LUNs) used to keep the whole engine alive (its walks, lost
copies, routed streams: ~72,000 objects and ~630,000 references at 25k, one ~25 ms
collection after every sizing); they now keep only what they read, so the engine is
freed when the sizing ends and the report reads the same.
"""

from __future__ import annotations

import gc
import weakref

from designer.capacity import CapacityEngine, capacity
from designer.capacity.rollup import DagCopies, log_lun_reports
from designer.persistence import load
from designer.simulation import Simulator


def _sized_sim() -> Simulator:
    from benchmarks.generate import generate_design

    return Simulator(generate_design("1k", seed=0, workload=True))


def test_the_report_does_not_keep_the_engine_alive() -> None:
    sim = _sized_sim()
    engine = CapacityEngine(sim)
    gone = weakref.ref(engine)
    flows = weakref.ref(engine.flows)
    report = capacity(sim, engine=engine)
    del engine
    gc.collect()  # only if something made a cycle: the test asks what the report holds
    assert gone() is None, "the sized report keeps its engine alive"
    assert flows() is None, "the sized report keeps the engine's streams alive"
    # ... and still reads the hosts and the log LUNs as before.
    again = capacity(sim)
    assert report.hosts and report.log_luns
    assert report.hosts == again.hosts
    assert report.log_luns == again.log_luns
    assert report.to_json() == again.to_json()


def test_the_report_frees_its_engine_by_reference_counts() -> None:
    """Freed at once (no cycle), so nothing of it is left for a collection to walk."""
    sim = _sized_sim()
    engine = CapacityEngine(sim)
    gone = weakref.ref(engine)
    was = gc.isenabled()
    gc.disable()
    try:
        report = capacity(sim, engine=engine)
        del engine
        assert gone() is None
    finally:
        if was:
            gc.enable()
    assert report.hosts


def test_the_log_luns_read_the_same_from_the_kept_copies() -> None:
    from designer.bundled import sample, sample_names

    for name in sample_names():
        design = load(sample(name))
        sim = Simulator(design)
        engine = CapacityEngine(sim)
        kept = DagCopies.of(engine.flows)
        assert kept.copy_members is engine.flows.copy_members
        want = log_lun_reports(sim.prep, engine.workload)  # read from the design
        assert log_lun_reports(sim.prep, engine.workload, kept) == want
