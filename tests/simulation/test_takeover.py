"""The who-takes-over table (``designer.simulation.takeover``) on the simulator's test
designs: SRM-recovered VMs, Double-Take, lagged copies, manual-intent DAGs, Exchange
2007 clusters, LCR — every single failure, pairs (also beside either one) and one
failure on top of a site loss or another element, placed with the table forced for
every step and without it: the same databases (state and order), DAGs and world.
(Capacity's own placements are compared in ``tests/capacity/test_takeover_placement.py``.)
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations, islice

import pytest
from test_sim_placement import _designs, _failable

from designer.domain import Design
from designer.simulation import Settled, Simulator, takeover

Placer = Callable[[Simulator], list[Settled]]


def _placements(sim: Simulator) -> list[Settled]:
    elements = _failable(sim)
    found: list[Settled] = []
    alone = {e: sim.placement([e]) for e in elements}
    found += alone.values()
    for pair in islice(combinations(elements, 2), 150):
        found.append(sim.placement(pair))
        found.append(sim.placement(pair, beside=alone[pair[0]]))
    for first in dict.fromkeys([*sorted(sim.prep.sites), *elements[:: max(1, len(elements) // 3)]]):
        for element in elements:
            if element != first:
                found.append(sim.placement([first, element], after=alone[first]))
    return found


def _with(threshold: int, design: Design) -> list[Settled]:
    before = takeover.TAKEOVER_MIN_AFFECTED
    takeover.TAKEOVER_MIN_AFFECTED = threshold
    try:
        return _placements(Simulator(design))
    finally:
        takeover.TAKEOVER_MIN_AFFECTED = before


@pytest.mark.parametrize(
    ("name", "design"), _designs(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_the_table_places_as_resolve_does(name: str, design: Design) -> None:
    design = getattr(design, "design", design)
    table, plain = _with(0, design), _with(10**9, design)
    assert len(table) == len(plain) > 0, name
    for fast, slow in zip(table, plain, strict=True):
        assert fast.failed == slow.failed
        assert list(fast.databases.items()) == list(slow.databases.items()), fast.failed
        assert dict(fast.dags) == dict(slow.dags), fast.failed
        assert fast.world.vm_down == slow.world.vm_down
