"""The report's roll-ups (:mod:`designer.capacity.rollup`) equal a straightforward
reference: each log LUN's copies, rate, free space and hours from
:meth:`Workload.log_luns` copy by copy; each ESXi host's figures, normal and worst per
kind, from every member's load in every mode (``test_capacity_fast_path``'s
``_check_report`` does the same through ``capacity``). On the samples, generated
designs and Hypothesis designs."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from cap_designs import stretched
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_capacity_properties import designs

from designer.capacity import CapacityEngine, capacity
from designer.capacity.report import HostReport, LogLunReport
from designer.capacity.rollup import DagCopies, host_reports, log_lun_reports
from designer.domain import Design
from designer.persistence import load
from designer.simulation import Simulator
from designer.workload import Workload, states_workload

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _sized_samples() -> list[Path]:
    return [
        p
        for p in sorted(SAMPLES.glob("*.json"))
        if states_workload(getattr(load(p), "design", load(p)))
    ]


def _reference_log_luns(sim: Simulator, workload: Workload) -> list[LogLunReport]:
    prep = sim.prep
    per_lun: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for db_id, db in prep.dbs.items():
        if not db.dag or len(db.copies) < 2:
            continue
        for copy in db.copies:
            for lun_id in workload.log_luns(db_id, copy.member):
                per_lun[lun_id].append((db_id, copy.member))
    reports = []
    for lun_id in sorted(per_lun):
        if lun_id not in prep.luns:
            continue
        copies = per_lun[lun_id]
        rate = sum(workload.database(d).log_gb_per_hour for d in {d for d, _ in copies})
        free, stated = workload.lun_free_gb(lun_id)
        hours = free / rate if rate > 0 else None
        reports.append(LogLunReport(prep.luns[lun_id], copies, rate, free, stated, hours))
    return reports


def _reference_hosts(engine: CapacityEngine, report_modes: list) -> list[tuple]:
    """(host, normal, worst per kind) from every member's load in every mode."""
    results = report_modes
    on_host: dict[str, list[str]] = defaultdict(list)
    for member, load_ in engine.base_members.items():
        if load_.host:
            on_host[load_.host].append(member)

    def host_load(result, host: str) -> tuple[int, int]:
        if host in (result.mode.failed or ()):
            return (0, 0)
        loads = [engine.member_load(result, m) for m in engine.members]
        here = [x for x in loads if x.host == host]
        return sum(x.active_databases for x in here), sum(x.active_mailboxes for x in here)

    found = []
    for host in sorted(on_host):
        worst: dict[str, tuple[object, tuple[int, int]]] = {}
        for result in results[1:]:
            value = host_load(result, host)
            kind = result.mode.kind
            if kind not in worst or value[1] > worst[kind][1][1]:
                worst[kind] = (result.mode, value)
        found.append((host, host_load(results[0], host), worst))
    return found


def _results(sim: Simulator, engine: CapacityEngine) -> list:
    """Every mode ``capacity`` evaluates, evaluated again in full."""
    report = capacity(sim, engine=engine, max_combined=None)
    results = [engine.normal]
    for mode in report.evaluated[1:]:
        if mode.kind == "site_plus_one":
            state = sim.settled(mode.failed, after=sim.settled([mode.failed[0]]))
        else:
            state = sim.settled(mode.failed)
        results.append(
            engine.evaluate(mode, state, members_only=mode.kind in ("double", "site_plus_one"))
        )
    return results


def _check(design: Design, *, hosts: bool = True) -> tuple[int, int]:
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    fast = log_lun_reports(sim.prep, engine.workload)
    slow = _reference_log_luns(sim, engine.workload)
    assert fast == slow
    # As capacity asks: the copies' members read from the engine's flows.
    assert log_lun_reports(sim.prep, engine.workload, engine.flows) == slow
    # As a sized report keeps them: only the copies' members and the 2007 clusters.
    assert log_lun_reports(sim.prep, engine.workload, DagCopies.of(engine.flows)) == slow
    if not hosts:
        return len(fast), 0
    results = _results(sim, engine)
    got: list[HostReport] = host_reports(engine.prep, engine.base_members, results)
    want = _reference_hosts(engine, results)
    assert [(r.host.id, r.normal, r.worst_by_kind) for r in got] == want
    assert [list(r.worst_by_kind) for r in got] == [list(w) for _h, _n, w in want]
    return len(fast), len(got)


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_rollups_equal_the_reference_on_the_samples(path: Path) -> None:
    design = load(path)
    _check(getattr(design, "design", design))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_rollups_equal_the_reference_on_generated_designs(design: Design) -> None:
    _luns, hosts = _check(design)
    assert hosts


@pytest.mark.parametrize("seed", [0, 1])
def test_rollups_equal_the_reference_on_a_generated_1k_design(seed: int) -> None:
    from benchmarks.generate import generate_design

    luns, hosts = _check(generate_design("1k", seed=seed, workload=True))
    assert luns > 20 and hosts > 5


def test_log_luns_equal_the_reference_on_a_generated_10k_design() -> None:
    from benchmarks.generate import generate_design

    luns, _hosts = _check(generate_design("10k", seed=1, workload=True), hosts=False)
    assert luns > 500


#: A copy's disks of its database: (purpose, LUN suffix or None) each.
_LAYOUTS = {
    "database disk": (("database", "db1"),),
    "logs disk": (("logs", "log"),),
    "database and logs disks": (("database", "db1"), ("logs", "log")),
    "two database disks": (("database", "db1"), ("database", "db2")),
    "logs disk first": (("logs", "log"), ("database", "db1")),
    "a system disk": (("os", "db1"),),
    "a database disk without a LUN": (("database", None),),
    "no disk": (),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted(_LAYOUTS)), min_size=12, max_size=12))
def test_log_luns_equal_the_reference_for_every_layout_of_a_copy_s_disks(
    layouts: list[str],
) -> None:
    """Each copy's disks drawn: a database disk alone (logs beside it, the layout the
    fast path reads), a logs disk, both, two database disks, a system disk or a disk
    without a LUN holding the database, none."""
    from cap_designs import stretched

    from designer.domain import Lun, MailboxDatabase, VirtualDisk
    from designer.domain.enums import DiskPurpose

    base = stretched(databases=3, members_per_site=2)
    elements = [e for e in base.elements if not isinstance(e, VirtualDisk)]
    members = sorted(
        {c.member for e in elements if isinstance(e, MailboxDatabase) for c in e.copies}
    )
    for vm in members:
        site = vm.split("-")[0]
        for suffix in ("db1", "db2"):
            elements.append(
                Lun(
                    id=f"{vm}-{suffix}",
                    name=f"{vm}-{suffix}",
                    array=f"{site}-cx",
                    raid_group="RG-DB",
                )
            )
    drawn = iter(layouts)
    for db in [e for e in elements if isinstance(e, MailboxDatabase)]:
        for copy in db.copies:
            for number, (purpose, lun) in enumerate(_LAYOUTS[next(drawn)]):
                elements.append(
                    VirtualDisk(
                        id=f"{db.id}-{copy.member}-{number}",
                        name=f"{db.id}-{copy.member}-{number}",
                        vm=copy.member,
                        purpose=DiskPurpose(purpose),
                        lun=f"{copy.member}-{lun}" if lun else None,
                        database=db.id,
                        size_gb=50.0,
                    )
                )
    design = base.model_copy(update={"elements": elements})
    _check(design, hosts=False)  # the log LUNs against the reference, copy by copy


@pytest.mark.parametrize("free_gb", [None, 0.0, 35.5])
def test_log_luns_equal_the_reference_with_free_space_stated_or_not(
    free_gb: float | None,
) -> None:
    """A log LUN's free space: its own ``free_gb`` (stated), else the catalog's share of
    its size (read inline by the report since wave 13)."""
    design = stretched(databases=3, log_free_gb=free_gb)
    luns, _hosts = _check(design, hosts=False)
    assert luns
    report = log_lun_reports(Simulator(design).prep, Workload(design))
    assert all(r.free_stated == (free_gb is not None) for r in report)
