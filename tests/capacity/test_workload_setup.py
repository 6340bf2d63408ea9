"""The workload's set-up as a sizing reads it (wave 12): a database's Exchange version
from its first server that states one, read copy by copy; each mirror's busiest hour
from the databases on its source LUN, gathered for the mirrors' source LUNs only; and
the two value types a sizing makes by the thousand (:class:`Stream`,
:class:`DatabaseLoad`), named tuples now, immutable and equal by value as the frozen
dataclasses they were. Each against the former code, on the samples, generated designs
and designs whose servers state their versions in every order."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from cap_designs import stretched
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.domain import Design, MailboxDatabase, MailboxProfile, VirtualDisk, VirtualMachine
from designer.persistence import load
from designer.workload import DatabaseLoad, Stream, Workload
from designer.workload.streams import STEADY_KINDS

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _designs() -> list[Design]:
    found = []
    for path in sorted(SAMPLES.glob("*.json")):
        design = load(path)
        found.append(getattr(design, "design", design))
    return found


def _former_exchange_version(workload: Workload, db: MailboxDatabase) -> str | None:
    members = [c.member for c in db.copies] or [d.vm for d in workload.disks_of_db[db.id]]
    for vm_id in members:
        vm = workload.vms.get(vm_id)
        if vm is not None and vm.exchange_version:
            return vm.exchange_version
    return None


def _former_dbs_on_lun(workload: Workload) -> dict[str, list[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for db_id, disks in workload.disks_of_db.items():
        for disk in disks:
            if disk.lun:
                found[disk.lun].add(db_id)
    return {lun: sorted(dbs) for lun, dbs in found.items()}


def _former_mirror_peak(workload: Workload, mirror_id: str) -> float:
    mirror = workload.mirrors.get(mirror_id)
    on_lun = _former_dbs_on_lun(workload).get(mirror.source_lun if mirror else "", [])
    factors = [
        workload.database(d).peak_factor for d in on_lun if workload.database(d).profile is not None
    ]
    return max(factors) if factors else workload.figures.peak_factor


def _check(design: Design) -> tuple[int, int]:
    workload = Workload(design)
    for db in workload.dbs.values():
        assert workload.exchange_version(db) == _former_exchange_version(workload, db), db.id
    for mirror_id in workload.mirrors:
        assert workload.mirror_peak_factor(mirror_id) == _former_mirror_peak(workload, mirror_id)
    # A LUN no mirror replicates holds no mirror's databases.
    assert workload.mirror_peak_factor("no such mirror") == workload.figures.peak_factor
    return len(workload.dbs), len(workload.mirrors)


@pytest.mark.parametrize("design", _designs(), ids=lambda d: d.name)
def test_versions_and_mirror_peaks_equal_the_former_code_on_the_samples(design: Design) -> None:
    _check(design)


@pytest.mark.parametrize("seed", [0, 1])
def test_versions_and_mirror_peaks_equal_the_former_code_on_a_generated_design(
    seed: int,
) -> None:
    from benchmarks.generate import generate_design

    dbs, mirrors = _check(generate_design("1k", seed=seed, workload=True))
    assert dbs > 50 and mirrors > 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([None, "", "2007", "2010", "2013"]), min_size=6, max_size=6))
def test_the_version_comes_from_the_first_server_that_states_one(versions: list) -> None:
    """Servers stating a version or not, in every order of the copies' members."""
    base = stretched(databases=3, members_per_site=3)
    vms = [e for e in base.elements if isinstance(e, VirtualMachine)]
    stated = dict(zip([v.id for v in vms], versions, strict=False))
    elements = [
        e.model_copy(update={"exchange_version": stated[e.id]})
        if isinstance(e, VirtualMachine) and e.id in stated
        else e
        for e in base.elements
    ]
    design = base.model_copy(update={"elements": elements})
    workload = Workload(design)
    for db in workload.dbs.values():
        want = _former_exchange_version(workload, db)
        assert workload.exchange_version(db) == want
        assert workload.database(db.id).log_bytes == workload.figures.log_bytes(want)


@pytest.mark.parametrize("peaks", [(4.0, 5.0), (5.0, 4.0), (None, 5.0), (4.0, None)])
def test_a_mirror_s_busiest_hour_is_that_of_the_databases_on_its_source_lun(
    peaks: tuple[float | None, float | None],
) -> None:
    """A database with a disk on the mirror's source LUN, another on its target LUN,
    with busiest hours of their own (or the design's)."""
    base = stretched(databases=3, mirror_rate_gb_per_hour=5.0)
    moved = {"db1": ("bos-mbx1", "bos-app", peaks[0]), "db2": ("wor-mbx2", "wor-app", peaks[1])}
    elements = []
    for e in base.elements:
        if isinstance(e, MailboxDatabase) and e.id in moved and moved[e.id][2] is not None:
            profile = MailboxProfile(messages_per_day=150, peak_factor=moved[e.id][2])
            e = e.model_copy(update={"mailbox_profile": profile})
        elif isinstance(e, VirtualDisk) and e.database in moved:
            vm, lun, _peak = moved[e.database]
            if e.vm == vm:
                e = e.model_copy(update={"lun": lun})
        elements.append(e)
    design = base.model_copy(update={"elements": elements})
    workload = Workload(design)
    (mirror_id,) = workload.mirrors
    assert workload.mirrors[mirror_id].source_lun == "bos-app"
    want = _former_mirror_peak(workload, mirror_id)
    assert workload.mirror_peak_factor(mirror_id) == want
    assert want == (peaks[0] or workload.figures.peak_factor)


def test_a_stream_is_an_immutable_value() -> None:
    stream = Stream("dag_log_shipping", "db1", "dag1", "bos", "wor", 2.5, target="mbx2")
    assert (stream.volume_gb, stream.interval_s, stream.target) == (0.0, 0.0, "mbx2")
    assert stream.steady and "dag_log_shipping" in STEADY_KINDS
    assert not Stream("dag_reseed", "db1", "dag1", "bos", "wor", 9.0, volume_gb=1.0).steady
    same = Stream("dag_log_shipping", "db1", "dag1", "bos", "wor", 2.5, 0.0, 0.0, "mbx2")
    assert same == stream and hash(same) == hash(stream) and same is not stream
    assert stream != Stream("dag_log_shipping", "db1", "dag1", "bos", "wor", 2.5, target="x")
    with pytest.raises(AttributeError):
        stream.mbps = 3.0  # type: ignore[misc]
    assert repr(stream).startswith("Stream(kind='dag_log_shipping', element='db1'")


def test_a_database_load_is_an_immutable_value() -> None:
    load_ = DatabaseLoad(100, None, "design", 20.0, 1_048_576, 2.0, 2.0)
    assert load_.log_gb_per_hour == 2.0 / 24.0
    assert load_.peak_mbps == load_.log_mbps * 2.0
    assert load_ == DatabaseLoad(100, None, "design", 20.0, 1_048_576, 2.0, 2.0)
    assert load_ != DatabaseLoad(101, None, "design", 20.0, 1_048_576, 2.0, 2.0)
    with pytest.raises(AttributeError):
        load_.mailboxes = 5  # type: ignore[misc]
