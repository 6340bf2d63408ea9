"""The simulator with a stated workload (issue 11 items 5 and 6): log LUN clocks,
degraded links whose share decides DAG copy queues and MirrorView/A transfers, and one
failed direction of a link. Figures checked by hand in each docstring."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from designer.domain import MirrorMode, ScenarioStep
from designer.simulation import Simulator

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "capacity"))
from cap_designs import stretched

MIB = 1_048_576
#: One database of 2,000 mailboxes × 30 logs × 1 MiB a day, per hour.
GB_PER_HOUR = 2000 * 30 * MIB / 1e9 / 24  # 2.62144
PER_COPY = 2000 * 30 * MIB * 8 / 86_400 / 1e6 * 3  # 17.476 Mbit/s at the busiest hour


def _events(result, kind: str):  # type: ignore[no-untyped-def]
    return [e for e in result.events if e.kind == kind]


def test_log_lun_fills_while_the_other_copy_is_down() -> None:
    """BOS-MBX01's log LUN holds DB01's logs (2.62144 GB/h); with 10 GB free it fills
    10 / 2.62144 = 3.815 h = 13,733 s after Worcester (the other copy) is lost."""
    design = stretched(databases=2, copies=("bos", "wor"), log_free_gb=10.0)
    result = Simulator(design).run([ScenarioStep(action="fail", target="wor")])
    fills = {e.element: e for e in _events(result, "log_lun_full")}
    assert set(fills) == {"bos-mbx1-log", "bos-mbx2-log"}
    event = fills["bos-mbx1-log"]
    assert event.t == pytest.approx(10 / GB_PER_HOUR * 3600)
    assert "log LUN BOS-MBX01-LOG fills at T+3:48:53" in event.text
    assert "the logs of DB01 could not truncate since T+0:00" in event.text
    assert "its 10.0 GB ran out" in event.text
    assert "transaction log space" in event.source


def test_no_fill_when_the_copy_returns_in_time() -> None:
    design = stretched(databases=2, copies=("bos", "wor"), log_free_gb=10.0)
    result = Simulator(design).run(
        [
            ScenarioStep(action="fail", target="wor"),
            ScenarioStep(at_s=3600, action="restore", target="wor"),
        ]
    )
    assert _events(result, "log_lun_full") == []


def test_a_design_without_workload_gets_no_log_lun_events() -> None:
    design = stretched(databases=2, copies=("bos", "wor"), log_free_gb=0.1)
    bare = design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"mailbox_profile": None}) if e.kind == "dag" else e
                for e in design.elements
            ]
        }
    )
    result = Simulator(bare).run([ScenarioStep(action="fail", target="wor")])
    assert _events(result, "log_lun_full") == []


def test_a_link_cut_to_below_the_log_shipping_queues_the_copies() -> None:
    """Four databases ship 4 × 17.476 = 69.9 Mbit/s to Worcester; cut to 10 Mbit/s the
    copies get 10/69.9 of it: they fall (1 − 10/69.9) s behind each second, 3,085 s after
    an hour of it, and losing Boston then costs that much data; lost after a minute, 51 s
    (wave 17, fidc17: it cost the hour's 3,085 s whenever it came)."""
    design = stretched(databases=4, copies=("bos", "wor"))
    sim = Simulator(design)
    for lost_at in (3600.0, 60.0):
        result = sim.run(
            [
                ScenarioStep(action="degrade", target="wan-bos-wor", bandwidth_mbps=10.0),
                ScenarioStep(at_s=lost_at, action="fail", target="bos"),
            ]
        )
        (queue,) = _events(result, "copy_queue")
        assert "needs 69.9 Mbit/s at the busiest hour and gets 10.0" in queue.text
        behind = (1 - 10 / (4 * PER_COPY)) * lost_at
        for db in result.final.databases:
            assert db.state == "active" and db.active_on and db.active_on.startswith("wor")
            assert db.rpo_s == pytest.approx(behind)
    # The same failure on the full link loses nothing.
    plain = sim.run([ScenarioStep(at_s=60, action="fail", target="bos")])
    assert all(db.rpo_s == 0 for db in plain.final.databases)


def test_one_failed_direction_cuts_the_copies_and_fractures_the_mirror() -> None:
    """Boston → Worcester stops at 0, and so does the detour by Hartford (BOS-HFD lost):
    Worcester's copies receive no logs and the MirrorView/S mirror fractures; losing
    Boston at 1 h loses that hour. With the detour up, the logs take it (the capacity
    report's routing: the path with the fewest links round what is down) and Boston's
    loss costs nothing."""
    design = stretched(
        databases=2, copies=("bos", "wor"), mirror_rate_gb_per_hour=1.0, mirror_mode=MirrorMode.SYNC
    )
    sim = Simulator(design)
    result = sim.run(
        [
            ScenarioStep(action="degrade", target="wan-bos-wor", failed_direction="a_to_b"),
            ScenarioStep(action="fail", target="wan-bos-hfd"),
            ScenarioStep(at_s=3600, action="fail", target="bos"),
        ]
    )
    (event,) = _events(result, "link_direction_failed")
    assert "stops carrying traffic from BOS to WOR" in event.text
    assert all(db.rpo_s == pytest.approx(3600) for db in result.final.databases)
    detour = sim.run(
        [
            ScenarioStep(action="degrade", target="wan-bos-wor", failed_direction="a_to_b"),
            ScenarioStep(at_s=3600, action="fail", target="bos"),
        ]
    )
    assert _events(detour, "link_direction_failed")
    assert all(db.rpo_s == 0 for db in detour.final.databases)
    # The other direction is still fine: Worcester's actives would keep shipping.
    restored = sim.run(
        [
            ScenarioStep(action="degrade", target="wan-bos-wor", failed_direction="a_to_b"),
            ScenarioStep(action="fail", target="wan-bos-hfd"),
            ScenarioStep(at_s=1800, action="restore", target="wan-bos-wor"),
            ScenarioStep(at_s=3 * 3600, action="fail", target="bos"),
        ]
    )
    assert [e.kind for e in restored.events if e.kind == "copy_resync"]
    assert all(db.rpo_s == 0 for db in restored.final.databases)


def test_mirrorview_a_transfer_follows_the_links_share_when_degraded() -> None:
    """MirrorView/A: 10 GB/h, 30 min updates (5 GB = 40,000 Mbit). Degraded to
    100 Mbit/s with 4 × 17.476 = 69.9 Mbit/s of log shipping on it, an update gets
    30.1 Mbit/s: 40,000 / 30.1 = 1,329 s (22.2 min)."""
    design = stretched(databases=4, copies=("bos", "wor"), mirror_rate_gb_per_hour=10.0)
    result = Simulator(design).run(
        [ScenarioStep(action="degrade", target="wan-bos-wor", bandwidth_mbps=100.0)]
    )
    (slow,) = _events(result, "mirror_slow")
    share = 100.0 - 4 * PER_COPY
    assert f"now takes {40_000 / share / 60:.1f} min" in slow.text
    assert "what the link's steady streams leave" in slow.text


def test_settled_after_another_state_is_the_two_step_run() -> None:
    """settled([A, B], after=settled([A])) is run([fail A, fail B]) at time 0: the same
    active copy for every database, the same VMs down."""
    from designer.persistence import load

    root = Path(__file__).resolve().parents[2] / "sample_designs"
    for name in ("three_site_stretched_dag", "dag_with_ha", "exchange2007_lcr_ccr_scr"):
        sim = Simulator(load(root / f"{name}.json"))
        sites = sorted(sim.prep.sites)
        hosts = sorted(sim.prep.hosts)
        for first in sites:
            base = sim.settled([first])
            for second in hosts:
                if sim.prep.hosts[second].site == first:
                    continue
                both = sim.settled([first, second], after=base)
                steps = sim.run(
                    [
                        ScenarioStep(action="fail", target=first),
                        ScenarioStep(action="fail", target=second),
                    ],
                    events=False,
                ).final
                for db in steps.databases:
                    assert both.active_on(db.id) == (
                        db.active_on if db.state == "active" else None
                    ), (
                        name,
                        first,
                        second,
                        db.id,
                    )
                assert set(both.failed) == {first, second}
