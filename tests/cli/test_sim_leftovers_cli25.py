"""A detour of log shipping that loses every route (wave 25, fid25), through
``dr-designer simulate``'s console function.

BOS-WOR fails: the log shipping between Boston and Worcester goes round it by Hartford.
BOS-HFD fails an hour on: Boston has no route left. The timeline left the shipping going
round and the copies in Boston read current (or kept the queue they had, frozen). It
says now that they are cut off; the databases' copies fall behind from the cut (JSON
``copies_behind_s``, the CLI's "copies … behind"), on top of the queue they had; a link
back tells the route again.
"""

from __future__ import annotations

import pytest
from test_scenario_horizon import run  # `dr-designer ARGS` through main(): (code, stdout)
from test_sim_fidelity_cli23 import THREE_SITE, simulate  # simulate: its JSON
from test_sim_fidelity_cli24 import database, texts

CUT = (
    "log shipping from Worcester to Boston (8 database copies) has no route left (WAN links "
    "BOS-WOR dark fiber and BOS-HFD MPLS (carrier 1) down): its copies in Boston are cut "
    "off, receive no logs and fall further behind each second (a failover to one loses "
    "what it missed)"
)


def test_a_detour_that_loses_every_route_is_told_cut_off(
    capsys: pytest.CaptureFixture[str],
) -> None:
    steps = ("--fail", "wan-bos-wor@0", "--fail", "wan-bos-hfd@1h")
    data = simulate(capsys, THREE_SITE, *steps, "--at", "7200")
    assert texts(data, "copy_cut_off") == [(3600.0, CUT)]
    # Every database active in Worcester now; their copies in Boston an hour behind.
    for name in ("DB01", "DB02", "DB03", "DB04"):
        db = database(data, name)
        assert db["state"] == "active" and db["copies_behind_s"] == 3600.0, db
        assert db["rpo_s"] == 0.0  # exposed, not lost: no failover to them
    code, out = run(capsys, "simulate", str(THREE_SITE), *steps, "--at", "7200")
    assert code == 0
    assert (
        "DB03: active on WOR-MBX01; RPO 0:00, RTO 0:00; meets targets; copies 1:00:00 behind"
        in (out)
    ), out
    # The links back: its detour told again, then its own route.
    data = simulate(
        capsys, THREE_SITE, *steps, "--restore", "wan-bos-hfd@3h", "--restore", "wan-bos-wor@4h"
    )
    assert [t for t, _ in texts(data, "copy_rerouted")] == [0.0, 10800.0]
    assert [t for t, _ in texts(data, "copy_route_back")] == [14400.0]
    assert "copies_behind_s" not in database(data, "DB03")


def test_a_queue_on_the_detour_grows_once_cut_off(capsys: pytest.CaptureFixture[str]) -> None:
    """WOR-HFD degraded to 5 Mbit/s: the copies going round by it queue 55:43 in the
    hour; cut off at 1:00:00, they fall a second behind each second on top of that
    (the queue read 55:43 at 2:00:00, frozen)."""
    data = simulate(
        capsys,
        THREE_SITE,
        *("--fail", "wan-bos-wor@0", "--degrade", "wan-wor-hfd:bandwidth=5Mbps@0"),
        *("--fail", "wan-bos-hfd@1h", "--at", "7200"),
    )
    db03 = database(data, "DB03")
    queued = 3342.5079345703125  # DB01's RPO: it failed over to a copy queued that much
    assert database(data, "DB01")["rpo_s"] == pytest.approx(queued)
    assert db03["copies_behind_s"] == pytest.approx(queued + 3600.0)


def test_a_detour_whose_site_is_lost_is_told_cut_off_once_it_ships(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Hartford, the detour's site, lost: the DAG loses quorum (its witness there), the
    databases dismount, and the switchover mounts them in Boston, whose logs have no
    route to Worcester: told at the switchover, and the route told again as Hartford,
    then BOS-WOR, come back (the detour was forgotten once nothing shipped)."""
    data = simulate(
        capsys,
        THREE_SITE,
        *("--fail", "wan-bos-wor@0", "--fail", "site-hfd@1h"),
        *("--action", "switchover:dag-01@1h2m", "--restore", "site-hfd@3h"),
        *("--restore", "wan-bos-wor@4h"),
    )
    assert texts(data, "copy_cut_off") == [
        (
            3720.0,
            "log shipping from Boston to Worcester (8 database copies) has no route left (WAN "
            "link BOS-WOR dark fiber and site Hartford down): its copies in Worcester are cut "
            "off, receive no logs and fall further behind each second (a failover to one "
            "loses what it missed)",
        )
    ]
    assert [t for t, _ in texts(data, "copy_rerouted")] == [0.0, 10800.0]
    assert [t for t, _ in texts(data, "copy_route_back")] == [14400.0]
