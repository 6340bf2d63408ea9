"""A mode's link totals and member walk a class's group of databases at a time (wave 15)
against the database-by-database path they replaced (``CapacityEngine.grouped``
False, kept as the reference; ``test_engine_trims12`` and ``test_engine_trims14``
compare that path with the code before it, exactly).

Databases of one class (the same copies' members in order, the same active member in
normal operation: :meth:`CapacityEngine._classes`) send the same streams on the same
routes in every mode where they are active on the same member and lost the same copies;
the grouped path works out the first one's streams and adds the group's rates summed.
The member walk groups the moves that leave and reach the same members, held by the same
servers, each keeping its passive copy or not (:meth:`CapacityEngine._walk_classes`).

Checked on every mode a sizing evaluates (every sample with a workload, the generated
1k designs, seeds 0 and 1, a generated 10k design, Hypothesis designs), each evaluated
on two fresh engines in the sizing's order: the same link directions in the same order,
the same kinds in the same order, the same figures within float rounding (the same terms
added in another order); the same members in the same order with the same integers, and
megacycles and memory within their rounding to 6 decimals; the MirrorView/A RPOs within
float rounding. The member walk of every single failure and site loss against the walk
move by move: the same members in the same order, the same integers, the floats within
float rounding, the same members' up states. End to end, the capacity report (JSON and
text, every mode) is byte for byte the report without groups on the samples and the
generated designs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from cap_designs import stretched
from hypothesis import HealthCheck, given, settings
from test_capacity_fast_path import _sized_samples
from test_capacity_properties import designs

from designer.capacity import CapacityEngine, capacity
from designer.capacity.engine import ModeResult
from designer.capacity.modes import Mode
from designer.capacity.view import ModeView
from designer.domain import Design, EsxiHost, Lun, VirtualDisk
from designer.persistence import load
from designer.simulation import Settled, Simulator

Call = tuple[Any, Settled | None, dict[str, Any]]


def _calls(sim: Simulator) -> list[Call]:
    """Every ``evaluate`` a sizing makes (every double and site-plus-one failure the
    search proposes), in its order, normal operation's first."""
    calls: list[Call] = []
    real = CapacityEngine.evaluate

    def record(self: CapacityEngine, mode: Any, settled: Any = None, **kwargs: Any) -> Any:
        calls.append((mode, settled, kwargs))
        return real(self, mode, settled, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CapacityEngine, "evaluate", record)
        capacity(sim, max_combined=None)
    return calls


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _same_result(mine: ModeResult, theirs: ModeResult, what: object) -> None:
    assert list(mine.links) == list(theirs.links), what
    for key, fig in theirs.links.items():
        got = mine.links[key]
        assert got.bandwidth_mbps == fig.bandwidth_mbps, (what, key)
        assert list(got.by_kind) == list(fig.by_kind), (what, key)
        for kind, value in fig.by_kind.items():
            assert _close(got.by_kind[kind], value), (what, key, kind)
    assert list(mine.members) == list(theirs.members), what
    for member, figures in theirs.members.items():
        got_load = mine.members[member]
        assert got_load[:6] == figures[:6], (what, member)
        # Rounded to 6 decimals: the same, or one step apart at a rounding boundary.
        assert abs(got_load.megacycles - figures.megacycles) <= 1.5e-6, (what, member)
        assert abs(got_load.memory_gb - figures.memory_gb) <= 1.5e-6, (what, member)
    assert list(mine.async_rpo) == list(theirs.async_rpo), what
    for mirror, rpo in theirs.async_rpo.items():
        assert _close(mine.async_rpo[mirror], rpo) or mine.async_rpo[mirror] == rpo, what


def _same_walk(walked: dict[str, list[float]], each: dict[str, list[float]], what: object) -> None:
    assert list(walked) == list(each), what  # the same members in the same order
    for member, row in each.items():
        mine = walked[member]
        assert mine[:3] == row[:3], (what, member)
        assert [type(v) for v in mine] == [type(v) for v in row], (what, member)
        for i in (3, 4):
            assert _close(mine[i], row[i]), (what, member)


def _check(design: Design) -> dict[str, int]:
    """Every mode of a sizing on a grouped and a database-by-database engine; returns
    what was met (to show each part ran)."""
    sim = Simulator(design)
    calls = _calls(sim)
    grouped = CapacityEngine(sim)
    each = CapacityEngine(sim)
    each.grouped = False
    assert grouped.grouped
    seen = {"modes": 0, "walks": 0, "moves": 0, "lost": 0, "shared": 0, "rpo": 0}
    # Normal operation's streams of a classed database: log shipping at its rate.
    flows = grouped.flows
    for db_id, cls in grouped._classes().items():
        assert cls == (flows.copy_members[db_id], grouped.base_active[db_id])
        for stream, _hops in grouped.base_db[db_id]:
            assert stream.kind == "dag_log_shipping", db_id
            assert stream.mbps == flows.shipping[db_id], db_id
    classes: dict[object, int] = {}
    for cls in grouped._classes().values():
        classes[cls] = classes.get(cls, 0) + 1
    seen["shared"] = sum(1 for n in classes.values() if n > 1)
    for mode, settled, kwargs in calls[1:]:
        mine = grouped.evaluate(mode, settled, **kwargs)
        theirs = each.evaluate(mode, settled, **kwargs)
        _same_result(mine, theirs, mode.failed)
        seen["modes"] += 1
        if settled is None or kwargs.get("members_only"):
            continue
        view = ModeView(grouped.prep, grouped.links, grouped.baseline, settled)
        w = view.world
        assert w is not None
        # Normal operation's MirrorView/A RPOs when the mode left their links be: the
        # RPOs worked out.
        others = (
            grouped.flows.others(view) if grouped._others_changed(view, ()) else grouped.base_other
        )
        assert mine.async_rpo == grouped._async_rpo(view, mine.links, others), mode.failed
        seen["rpo"] += bool(mine.async_rpo)
        moved = grouped._moved(view)
        lost = w.copy_lost | w.logs_lost
        up_grouped: dict[str, bool] = {}
        up_each: dict[str, bool] = {}
        walked = grouped._moved_walk(moved, lost, view.vm_up, up_grouped)
        one_by_one = grouped._moved_walk_each(moved, lost, view.vm_up, up_each)
        _same_walk(walked, one_by_one, mode.failed)
        assert up_grouped == up_each, mode.failed
        seen["walks"] += 1
        seen["moves"] += len(moved)
        seen["lost"] += bool(lost)
    return seen


def _by_hand(sim: Simulator) -> list[Settled]:
    """States no sizing makes, where databases of one class part ways: each LUN holding
    a database's disk lost alone (some databases of a class lose a copy on a member
    up, the others not), and single failures whose moves were changed by hand (one
    database of a group sent to another member holding a copy, one left where it was).
    """
    prep = sim.prep
    found: list[Settled] = []
    luns = sorted(lun for lun, disks in prep.disks_on_lun.items() if any(d.database for d in disks))
    for lun in luns[:: max(1, len(luns) // 40)]:
        found.append(sim.placement([lun]))
    engine = CapacityEngine(sim)
    classes = engine._classes()
    # A LUN lost with a link down: the databases of a class that lose a copy there are
    # recomputed with those that do not.
    links = sorted(prep.links)
    for i, lun in enumerate(luns[:: max(1, len(luns) // 10)]):
        if links:
            found.append(sim.placement([lun, links[i % len(links)]]))
    # Two LUNs lost, holding copies of databases of one class on two members: each
    # database loses another copy (reseeded, or recomputed with a link down).
    Class = tuple[tuple[str, ...], str]
    on: dict[tuple[Class, str], dict[str, set[str]]] = {}
    for lun in luns:
        for disk in prep.disks_on_lun[lun]:
            if disk.database in classes:
                cls = classes[disk.database]
                on.setdefault((cls, disk.vm), {}).setdefault(lun, set()).add(disk.database)
    on_members: dict[Class, list[tuple[str, str, set[str]]]] = {}
    for (cls, vm), held in sorted(on.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        # Copies away from the active copy's site: their log shipping crosses a link.
        if prep.vm_site.get(vm) == prep.vm_site.get(cls[1]):
            continue
        for lun, dbs in sorted(held.items()):
            on_members.setdefault(cls, []).append((vm, lun, dbs))
    pairs = 0
    for listed in on_members.values():
        for (vm_a, lun_a, dbs_a), (vm_b, lun_b, dbs_b) in pairwise(listed):
            if vm_a != vm_b and lun_a != lun_b and dbs_a != dbs_b and pairs < 12:
                found.append(sim.placement([lun_a, lun_b]))
                if links:
                    found.append(sim.placement([lun_a, lun_b, links[pairs % len(links)]]))
                pairs += 1
                break
    for element in sorted(prep.hosts)[:: max(1, len(prep.hosts) // 20)]:
        state = sim.placement([element])
        view = ModeView(engine.prep, engine.links, engine.baseline, state)
        moved = engine._moved(view)
        moved_by_class: dict[tuple[Class, str], list[str]] = {}
        for db_id, now in moved.items():
            if db_id in classes and now is not None:
                moved_by_class.setdefault((classes[db_id], now), []).append(db_id)
        databases = dict(state.databases)
        changed = False
        for (cls, now_on), group in moved_by_class.items():
            if len(group) < 3:
                continue
            others = [m for m in cls[0] if m not in (now_on, cls[1]) and view.vm_up(m)]
            if others:
                databases[group[1]] = replace(databases[group[1]], active_on=others[0])
                changed = True
            del databases[group[2]]  # left where it was in normal operation
            changed = True
        if changed:
            found.append(replace(state, databases=databases))
    return found


def _check_by_hand(design: Design) -> int:
    sim = Simulator(design)
    grouped = CapacityEngine(sim)
    each = CapacityEngine(sim)
    each.grouped = False
    states = _by_hand(sim)
    for state in states:
        mode = Mode("scenario", tuple(state.failed), "by hand")
        _same_result(grouped.evaluate(mode, state), each.evaluate(mode, state), state.failed)
        view = ModeView(grouped.prep, grouped.links, grouped.baseline, state)
        w = view.world
        assert w is not None
        moved = grouped._moved(view)
        lost = w.copy_lost | w.logs_lost
        _same_walk(
            grouped._moved_walk(moved, lost, view.vm_up),
            grouped._moved_walk_each(moved, lost, view.vm_up),
            state.failed,
        )
    return len(states)


def _report(design: Design, *, grouped: bool) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CapacityEngine, "grouped", grouped)
        report = capacity(design, max_combined=None)
    return json.dumps(report.to_json(all_modes=True)) + report.to_text(all_modes=True)


@pytest.mark.parametrize("path", _sized_samples(), ids=lambda p: p.stem)
def test_groups_equal_database_by_database_on_the_samples(path: Path) -> None:
    design = load(path)
    design = getattr(design, "design", design)
    _check(design)
    _check_by_hand(design)
    assert _report(design, grouped=True) == _report(design, grouped=False)


@pytest.mark.parametrize("seed", [0, 1])
def test_groups_equal_database_by_database_on_a_generated_1k_design(seed: int) -> None:
    from benchmarks.generate import generate_design

    design = generate_design("1k", seed=seed, workload=True)
    seen = _check(design)
    assert seen["shared"] >= 5  # classes of more than one database
    assert _check_by_hand(design) >= 20
    assert seen["moves"] >= 100
    assert seen["lost"] >= 2  # modes that destroy copies (arrays, sites)
    assert _report(design, grouped=True) == _report(design, grouped=False)


@pytest.fixture(scope="module")
def _design_10k() -> Iterator[Design]:
    from benchmarks.generate import generate_design

    yield generate_design("10k", seed=0, workload=True)


def test_groups_equal_database_by_database_on_a_generated_10k_design(
    _design_10k: Design,
) -> None:
    seen = _check(_design_10k)
    assert seen["shared"] >= 50
    assert _report(_design_10k, grouped=True) == _report(_design_10k, grouped=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_groups_equal_database_by_database_on_generated_designs(design: Design) -> None:
    _check(design)
    _check_by_hand(design)


def _three_sites() -> Design:
    """Databases whose copies are in three sites (Boston, Worcester and, its host moved
    there, Hartford's), each copy's logs on a LUN of its own: losing two LUNs loses
    copies of two databases of one class in two sites, whose streams cross other
    links."""
    base = stretched(databases=6, copies=("bos", "wor", "wor"))
    elements: list[object] = []
    site_of_vm = {"wor-mbx2": "hfd"}
    for element in base.elements:
        if isinstance(element, EsxiHost) and element.id == "wor-h2":
            element = element.model_copy(update={"site": "hfd", "cluster": "hfd-cl"})
        elif isinstance(element, VirtualDisk) and element.database:
            lun = f"{element.database}-{element.vm}-lun"
            site = site_of_vm.get(element.vm, element.vm.split("-")[0])
            elements.append(Lun(id=lun, name=lun, array=f"{site}-cx", raid_group="RG-LOG"))
            element = element.model_copy(update={"lun": lun})
        elements.append(element)
    return Design(name=base.name, intent=base.intent, elements=elements, capacity=base.capacity)


def test_groups_equal_database_by_database_with_copies_in_three_sites() -> None:
    design = _three_sites()
    sim = Simulator(design)
    assert {sim.prep.vm_site[m] for m in ("bos-mbx1", "wor-mbx1", "wor-mbx2")} == {
        "bos",
        "wor",
        "hfd",
    }
    _check(design)
    assert _check_by_hand(design) >= 10
    assert _report(design, grouped=True) == _report(design, grouped=False)
