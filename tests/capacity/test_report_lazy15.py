"""A sizing's log LUNs and ESXi hosts are worked out when first read (wave 15,
``capb15``): the log LUNs depend on the design and its workload only, not on any failure
mode, and only the JSON and the text read the hosts (not the window, the rules or the
review report). Read, they equal the references (:meth:`Workload.log_luns` copy by copy,
every member's load in every mode evaluated in full: ``test_report_rollups``), and the
JSON and the text read the same as from lists built at once; a sizing that nobody asks
for them does not build them, and one read builds them once. Each log LUN's rate
(``sum`` over its databases' set, the lookups by ``map``) equals the former loop's float
for float."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest
from cap_designs import stretched
from hypothesis import HealthCheck, given, settings
from test_capacity_properties import designs
from test_report_rollups import _reference_hosts, _reference_log_luns, _results

import designer.capacity.analysis as analysis
from designer.capacity import CapacityEngine, capacity
from designer.capacity.report import CapacityReport, Deferred, HostReport, LogLunReport
from designer.capacity.rollup import _Rates, log_lun_reports
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


def _former_rates(copies: list[tuple[str, str]], workload: Workload) -> float:
    """The rate as the report summed it until wave 14: a loop over the set."""
    rate: float = 0
    for db_id in {d for d, _ in copies}:
        rate += workload.database(db_id).log_gb_per_hour
    return rate


def _check(design: Design) -> CapacityReport:
    sim = Simulator(design)
    engine = CapacityEngine(sim)
    report = capacity(sim, engine=engine, max_combined=None)
    assert isinstance(report.log_luns, Deferred)
    assert isinstance(report.hosts, Deferred)
    hosts = _reference_hosts(engine, _results(sim, engine))
    assert [(r.host.id, r.normal, r.worst_by_kind) for r in report.hosts] == hosts
    assert len(report.hosts) == len(hosts)
    want = _reference_log_luns(sim, engine.workload)
    assert report.log_luns == want
    assert list(report.log_luns) == want
    assert len(report.log_luns) == len(want)
    assert report.log_luns[:] == want[:]
    for got in report.log_luns:
        former = _former_rates(got.copies, engine.workload)
        assert isinstance(got.gb_per_hour, type(former))
        if sys.version_info < (3, 12):  # ``sum`` of floats adds in order (3.12: compensated)
            assert got.gb_per_hour == former, got.lun.id
    # What reads them reads the same as from the list built at once.
    eager = dataclasses.replace(report, log_luns=list(want), hosts=list(report.hosts))
    assert report.hosts == eager.hosts
    assert report.to_json(all_modes=True) == eager.to_json(all_modes=True)
    assert report.to_json() == eager.to_json()
    assert report.to_text(all_modes=True) == eager.to_text(all_modes=True)
    return report


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_read_log_luns_equal_the_reference_on_the_samples(path: Path) -> None:
    design = load(path)
    _check(getattr(design, "design", design))


@pytest.mark.parametrize("seed", [0, 1])
def test_read_log_luns_equal_the_reference_on_a_generated_1k_design(seed: int) -> None:
    from benchmarks.generate import generate_design

    report = _check(generate_design("1k", seed=seed, workload=True))
    assert len(report.log_luns) > 20


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_read_log_luns_equal_the_reference_on_generated_designs(design: Design) -> None:
    _check(design)


def test_a_sizing_builds_its_log_luns_and_hosts_only_when_read_and_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from benchmarks.generate import generate_design

    calls: list[str] = []
    real_luns, real_hosts = analysis.log_lun_reports, analysis.host_reports

    def luns(*args: object) -> list[LogLunReport]:
        calls.append("luns")
        return real_luns(*args)  # type: ignore[arg-type]

    def hosts(*args: object) -> list[HostReport]:
        calls.append("hosts")
        return real_hosts(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis, "log_lun_reports", luns)
    monkeypatch.setattr(analysis, "host_reports", hosts)
    sim = Simulator(generate_design("1k", seed=0, workload=True))
    report = capacity(sim)
    normal = capacity(sim, modes="normal")
    assert calls == []  # neither sizing built them
    data = report.to_json()
    assert sorted(calls) == ["hosts", "luns"] and data["log_luns"] and data["hosts"]
    report.to_text()
    assert report.log_luns == normal.log_luns  # the same in every mode
    assert len(calls) == 3  # each once: the second read of each built nothing
    list(report.log_luns), list(normal.log_luns), list(report.hosts)
    assert len(calls) == 3
    normal.to_text()
    assert sorted(calls) == ["hosts", "hosts", "luns", "luns"]


def test_the_rates_equal_the_workload_s_even_without_its_bulk_loads() -> None:
    """``_Rates`` reads ``Workload.loads()`` and falls back to ``database`` for a
    database the bulk loads lack (the same operation)."""
    from benchmarks.generate import generate_design

    design = generate_design("1k", seed=1, workload=True)
    sim = Simulator(design)
    workload = Workload(design)
    rates = _Rates(workload)
    dbs = sorted(sim.prep.dbs)
    assert dbs
    for db_id in dbs:
        assert rates[db_id] == workload.database(db_id).log_gb_per_hour
    # Without the bulk loads: every database from ``database`` one by one.
    bare = _Rates(Workload(design))
    bare._loads = {}
    for db_id in dbs:
        assert bare[db_id] == workload.database(db_id).log_gb_per_hour
    assert dict(bare) == dict(rates)
    assert log_lun_reports(sim.prep, Workload(design)) == _reference_log_luns(sim, workload)


@pytest.mark.parametrize("size", ["small", "large"])
def test_the_deferred_parts_are_built_as_the_sizing_builds_them(
    monkeypatch: pytest.MonkeyPatch, size: str
) -> None:
    """With the cyclic collector paused on a design of more than ``LARGE`` elements (as
    the sizing itself runs), as they come on a small one."""
    import gc

    from benchmarks.generate import generate_design

    seen: list[bool] = []
    real_luns, real_hosts = analysis.log_lun_reports, analysis.host_reports

    def luns(*args: object) -> list[LogLunReport]:
        seen.append(gc.isenabled())
        return real_luns(*args)  # type: ignore[arg-type]

    def hosts(*args: object) -> list[HostReport]:
        seen.append(gc.isenabled())
        return real_hosts(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis, "log_lun_reports", luns)
    monkeypatch.setattr(analysis, "host_reports", hosts)
    if size == "large":
        design = generate_design("1k", seed=0, workload=True)
        assert len(design.elements) > analysis.LARGE
    else:
        design = stretched(databases=3)
        assert len(design.elements) <= analysis.LARGE
    report = capacity(design)
    assert gc.isenabled()
    report.to_json()
    assert seen == [size == "small"] * 2
    assert gc.isenabled()
