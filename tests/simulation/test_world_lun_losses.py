"""The settled state's storage step reads what losing a LUN does from a table built once
per prepared design; the disk-by-disk walk (kept for SRM-relocated VMs) must give the
same state, set for set and reason for reason, for every single and many pairs of
failures on every sample and the simulator's test designs."""

from __future__ import annotations

import sys
from dataclasses import fields
from itertools import combinations, islice
from pathlib import Path

import pytest

from designer.bundled import sample, sample_names
from designer.domain import Design
from designer.persistence import load
from designer.simulation.prepared import Prepared
from designer.simulation.world import World, compute_world

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sim_designs

#: A VM id no design has: relocating it sends compute_world down the disk-by-disk walk
#: and changes nothing else but these two fields.
NOBODY = "no-such-vm"


def _state(world: World, walked: bool) -> dict[str, object]:
    state = {f.name: getattr(world, f.name) for f in fields(World)}
    if walked:
        state["touched_vms"] = set(world.touched_vms) - {NOBODY}
        state["vm_relocated"] = {}
    # dicts compared with their order: the lost VMs' reasons keep the walk's order
    return {k: list(v.items()) if isinstance(v, dict) else v for k, v in state.items()}


def _designs() -> list[tuple[str, Design]]:
    found = [(name, load(sample(name))) for name in sample_names()]
    return [
        *found,
        ("lcr", sim_designs.lcr()),
        ("mirrorview_srm", sim_designs.mirrorview_srm()),
    ]


@pytest.mark.parametrize(
    ("name", "design"), _designs(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_lun_loss_table_gives_the_walks_state(name: str, design: Design) -> None:
    prep = Prepared(design)
    failable = sorted(
        [*prep.sites, *prep.arrays, *prep.sp_array, *prep.luns, *prep.hosts, *prep.links]
    )
    sets = [frozenset([e]) for e in failable]
    sets += [frozenset(p) for p in islice(combinations(failable, 2), 300)]
    storage = 0
    for failed in sets:
        table = compute_world(prep, failed)
        walked = compute_world(prep, failed, relocated={NOBODY: "anywhere"})
        assert _state(table, False) == _state(walked, True), (name, sorted(failed))
        storage += bool(table.luns_down)
    assert storage, "no LUN lost: nothing compared"
