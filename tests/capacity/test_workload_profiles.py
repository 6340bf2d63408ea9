"""What each database generates is worked out once per mailbox profile
(:meth:`Workload.database` keeps each profile's logs per mailbox and busiest hour):
the figures equal those computed database by database from the profile that applies,
whether it is stated on the database, its DAG, its users' site or the design, with
profiles shared, equal but distinct, or all different."""

from __future__ import annotations

from pathlib import Path

import pytest
from cap_designs import stretched
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.domain import Dag, Design, MailboxDatabase, MailboxProfile, Site
from designer.persistence import load
from designer.workload import DatabaseLoad, Workload, states_workload
from designer.workload.figures import BYTES_PER_GB

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _reference(workload: Workload, db_id: str) -> DatabaseLoad:
    """The figures of one database from scratch (a fresh workload, nothing kept)."""
    fresh = Workload(workload.design)
    db = fresh.dbs[db_id]
    profile, origin = fresh.profile(db)
    copies = sorted(db.copies, key=lambda c: (c.activation_preference, c.member))
    if not db.user_site and copies:
        assert fresh.user_site(db) == fresh.vm_site(copies[0].member)
    log_bytes = fresh.figures.log_bytes(fresh.exchange_version(db))
    if profile is None:
        return fresh.database(db_id)
    per_mailbox = fresh.figures.logs_per_mailbox_per_day(profile)
    return DatabaseLoad(
        db.mailboxes,
        profile,
        origin,
        per_mailbox,
        log_bytes,
        db.mailboxes * per_mailbox * log_bytes / BYTES_PER_GB,
        fresh.figures.peak(profile),
    )


def _check(design: Design) -> int:
    workload = Workload(design)
    compression = workload.figures.compression_pct
    for db_id in workload.dbs:
        assert workload.database(db_id) == _reference(workload, db_id), db_id
        # DAG log shipping: the busiest hour's rate after compression, to the bit.
        shipping = workload.database(db_id).peak_mbps * (1.0 - compression / 100.0)
        assert workload.shipping_mbps(db_id) == shipping, db_id
    return len(workload.dbs)


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in sorted(SAMPLES.glob("*.json"))
        if states_workload(getattr(load(p), "design", load(p)))
    ],
    ids=lambda p: p.stem,
)
def test_database_figures_on_the_samples(path: Path) -> None:
    design = load(path)
    _check(getattr(design, "design", design))


def test_database_figures_on_a_generated_design() -> None:
    from benchmarks.generate import generate_design

    assert _check(generate_design("1k", seed=0, workload=True)) > 50


_PROFILES = [
    MailboxProfile(messages_per_day=150, average_message_kb=75),
    MailboxProfile(messages_per_day=150, average_message_kb=75),  # equal, distinct
    MailboxProfile(messages_per_day=500, average_message_kb=300, peak_factor=3.0),
    MailboxProfile(messages_per_day=50, average_message_kb=40),
    None,
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(range(len(_PROFILES))), min_size=5, max_size=5),
    st.sampled_from(range(len(_PROFILES))),
    st.sampled_from(range(len(_PROFILES))),
    st.sampled_from(range(len(_PROFILES))),
)
def test_database_figures_from_every_level_of_profile(
    per_db: list[int], dag: int, site: int, whole: int
) -> None:
    """Each database's own profile, else its DAG's, else its users' site's, else the
    design's: drawn from shared, equal-but-distinct and different profiles."""
    base = stretched(databases=5, profile=_PROFILES[0])
    elements = []
    number = 0
    for e in base.elements:
        if isinstance(e, MailboxDatabase):
            e = e.model_copy(update={"mailbox_profile": _PROFILES[per_db[number]]})
            number += 1
        elif isinstance(e, Dag):
            e = e.model_copy(update={"mailbox_profile": _PROFILES[dag]})
        elif isinstance(e, Site):
            e = e.model_copy(update={"mailbox_profile": _PROFILES[site]})
        elements.append(e)
    capacity = base.capacity.model_copy(update={"mailbox_profile": _PROFILES[whole]})
    design = base.model_copy(update={"elements": elements, "capacity": capacity})
    workload = Workload(design)
    assert _check(design) == 5
    # A profile object serves every database it applies to with one set of figures.
    loads = [workload.database(d) for d in workload.dbs]
    by_profile = {id(x.profile): x for x in loads if x.profile is not None}
    for x in loads:
        if x.profile is not None:
            assert x.logs_per_mailbox_per_day == by_profile[id(x.profile)].logs_per_mailbox_per_day


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_the_servers_databases_are_those_of_their_copies_or_disks(path: Path) -> None:
    """``Workload.dbs_on_vm`` (built when first read): each server's databases, from
    their copies' members, else the VMs with a disk of them; what Double-Take sends."""
    design = load(path)
    design = getattr(design, "design", design)
    workload = Workload(design)
    want: dict[str, list[str]] = {}
    for db in (e for e in design.elements if isinstance(e, MailboxDatabase)):
        members = [c.member for c in db.copies] or [
            d.vm for d in workload.disks_of_db.get(db.id, [])
        ]
        for vm in dict.fromkeys(members):
            want.setdefault(vm, []).append(db.id)
    assert dict(workload.dbs_on_vm) == want
    for repl_id, repl in workload.host_repls.items():
        logs = sum(workload.database(d).log_gb_per_hour for d in want.get(repl.source, []))
        assert workload.host_replication_gb_per_hour(repl_id) == (
            logs * workload.figures.host_replication_factor
        )
