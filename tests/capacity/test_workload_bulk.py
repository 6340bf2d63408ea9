"""The workload's set-up in one pass (wave 13): :meth:`Workload.loads` (every database's
figures at once: the profile a DAG or a users' site gives resolved once per (DAG, site),
the servers' Exchange versions read once), a workload over a prepared simulator's
tables (the capacity engine's: the same elements, the disks grouped once), and
:class:`Flows`' shipping and reseed rates read from them. Each against
:meth:`Workload.database` and the former formulas on a fresh workload, on the samples,
generated designs and Hypothesis designs whose databases take their profiles from
every level, state their users' site or not, and whose servers state their versions in
every order."""

from __future__ import annotations

from pathlib import Path

import pytest
from cap_designs import stretched
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.capacity.flows import Flows
from designer.domain import (
    Dag,
    Design,
    MailboxDatabase,
    MailboxProfile,
    Site,
    VirtualMachine,
)
from designer.persistence import load
from designer.simulation import Simulator
from designer.workload import Workload

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _samples() -> list[Design]:
    found = []
    for path in sorted(SAMPLES.glob("*.json")):
        design = load(path)
        found.append(getattr(design, "design", design))
    return found


def _check(design: Design) -> int:
    """Every figure of a bulk workload and of one over the simulator's tables equals a
    fresh workload's, database by database."""
    reference = Workload(design)
    want = {db_id: reference.database(db_id) for db_id in reference.dbs}
    bulk = Workload(design).loads()
    assert sorted(bulk) == sorted(want)
    for db_id, load_ in want.items():
        got = bulk[db_id]
        assert got == load_, db_id
        assert got.profile is load_.profile, db_id
        assert type(got.log_gb_per_day) is float and got.log_gb_per_day == load_.log_gb_per_day
    # Some databases asked first, then the rest at once.
    partly = Workload(design)
    for db_id in list(want)[::3]:
        partly.database(db_id)
    assert dict(partly.loads()) == want

    sim = Simulator(design)
    prep = sim.prep
    tables = Workload(design, sim.index, prep)
    assert dict(tables.loads()) == want
    assert dict(tables.dbs_on_vm) == dict(reference.dbs_on_vm)
    for db in reference.dbs.values():
        assert tables.exchange_version(db) == reference.exchange_version(db), db.id
        assert tables.user_site(db) == reference.user_site(db), db.id
        for vm_id in {*(c.member for c in db.copies), *(d.vm for d in prep.disks_of_db[db.id])}:
            assert tables.log_luns(db.id, vm_id) == reference.log_luns(db.id, vm_id)
    for mirror_id, mirror in reference.mirrors.items():
        # The databases on its source LUN: from the simulator's disks by LUN.
        on_source = reference._dbs_on_lun(mirror.source_lun)
        assert tables._dbs_on_lun(mirror.source_lun) == on_source
        assert tables.mirror_peak_factor(mirror_id) == reference.mirror_peak_factor(mirror_id)
        assert tables.mirror_gb_per_hour(mirror_id) == reference.mirror_gb_per_hour(mirror_id)
    for repl_id in reference.host_repls:
        assert tables.host_replication_gb_per_hour(
            repl_id
        ) == reference.host_replication_gb_per_hour(repl_id)

    # Flows: DAG log shipping (``Workload.shipping_mbps``), the reseed rate, the copies'
    # members, to the bit.
    flows = Flows(prep, tables)
    fig = reference.figures
    dag_dbs = [db for db in reference.dbs.values() if db.dag and len(db.copies) >= 2]
    for db in dag_dbs:
        assert flows.shipping[db.id] == reference.shipping_mbps(db.id), db.id
        assert flows.reseed_mbps[db.id] == db.size_gb * 8000.0 / (fig.reseed_window_h * 3600.0)
        assert flows.copy_members[db.id] == tuple(c.member for c in db.copies)
    return len(want)


@pytest.mark.parametrize("design", _samples(), ids=lambda d: d.name)
def test_bulk_figures_equal_the_database_by_database_ones_on_the_samples(
    design: Design,
) -> None:
    _check(design)


@pytest.mark.parametrize("seed", [0, 1])
def test_bulk_figures_equal_the_database_by_database_ones_on_a_generated_design(
    seed: int,
) -> None:
    from benchmarks.generate import generate_design

    assert _check(generate_design("1k", seed=seed, workload=True)) > 50


_PROFILES = [
    MailboxProfile(messages_per_day=150, average_message_kb=75),
    MailboxProfile(messages_per_day=150, average_message_kb=75),  # equal, distinct
    MailboxProfile(messages_per_day=500, average_message_kb=300, peak_factor=3.0),
    MailboxProfile(messages_per_day=50, average_message_kb=40),
    None,
]
_VERSIONS = [None, "", "2003", "2010", "2013"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(range(len(_PROFILES))), min_size=5, max_size=5),
    st.lists(st.sampled_from([None, "bos", "wor", "hfd"]), min_size=5, max_size=5),
    st.lists(st.sampled_from(range(len(_PROFILES))), min_size=3, max_size=3),
    st.sampled_from(range(len(_PROFILES))),
    st.sampled_from(range(len(_PROFILES))),
    st.lists(st.sampled_from(_VERSIONS), min_size=6, max_size=6),
    st.sampled_from([None, 1.0, 5.0]),
    st.sampled_from([None, 0.0, 30.0, 70.0]),
)
def test_bulk_figures_from_every_level_of_profile_site_and_version(
    per_db: list[int],
    user_sites: list[str | None],
    per_site: list[int],
    dag: int,
    whole: int,
    versions: list[str | None],
    log_file_mb: float | None,
    compression_pct: float | None,
) -> None:
    """Each database's own profile, else its DAG's, else its users' site's (stated on
    it, or its preferred copy's), else the design's; servers stating an Exchange
    version or not; the design's own log file size and log shipping compression or
    not."""
    base = stretched(databases=5, members_per_site=3, profile=_PROFILES[0])
    vm_ids = [e.id for e in base.elements if isinstance(e, VirtualMachine)]
    stated = dict(zip(vm_ids, versions, strict=False))
    sites = {"bos": 0, "wor": 1, "hfd": 2}
    elements = []
    number = 0
    for e in base.elements:
        if isinstance(e, MailboxDatabase):
            e = e.model_copy(
                update={
                    "mailbox_profile": _PROFILES[per_db[number]],
                    "user_site": user_sites[number],
                }
            )
            number += 1
        elif isinstance(e, Dag):
            e = e.model_copy(update={"mailbox_profile": _PROFILES[dag]})
        elif isinstance(e, Site):
            e = e.model_copy(update={"mailbox_profile": _PROFILES[per_site[sites[e.id]]]})
        elif isinstance(e, VirtualMachine) and e.id in stated:
            e = e.model_copy(update={"exchange_version": stated[e.id]})
        elements.append(e)
    capacity = base.capacity.model_copy(
        update={
            "mailbox_profile": _PROFILES[whole],
            "log_file_mb": log_file_mb,
            "log_shipping_compression_pct": compression_pct,
        }
    )
    design = base.model_copy(update={"elements": elements, "capacity": capacity})
    assert _check(design) == 5
