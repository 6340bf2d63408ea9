"""One capacity sizing per design (designer.capacity.shared): the Capacity dock, the CAP
rules and the review report read the same report, computed once."""

from __future__ import annotations

import gc
import json
import threading
import weakref

import pytest
from cap_designs import stretched

from designer.capacity import CapacityEngine, analysis, capacity, shared
from designer.capacity.shared import computations, shared_sizing
from designer.domain import CapacitySettings
from designer.entry import main
from designer.persistence import save
from designer.rules import check
from designer.simulation import Simulator


@pytest.fixture(autouse=True)
def _fresh() -> None:
    shared.clear()


def test_a_design_is_sized_once_and_an_edited_one_again() -> None:
    design = stretched()
    before = computations()
    first = shared_sizing(design)
    assert shared_sizing(design) is first
    # The CAP rules read that very report.
    check(design)
    assert computations() == before + 1
    edited = design.model_copy(update={"capacity": CapacitySettings(peak_factor=6.0)})
    second = shared_sizing(edited)
    assert second is not first and computations() == before + 2
    assert second.report.design is edited


def test_threads_asking_at_once_wait_for_one_sizing() -> None:
    design = stretched(databases=5)
    before = computations()
    found: list[object] = []
    start = threading.Barrier(4)

    def ask() -> None:
        start.wait()
        found.append(shared_sizing(design).report)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert computations() == before + 1
    assert len(found) == 4 and all(r is found[0] for r in found)


def test_a_large_design_is_sized_without_full_collections(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(shared, "LARGE", 0)
    real = shared.capacity

    def sizing(*args, **kwargs):  # type: ignore[no-untyped-def]
        assert not gc.isenabled()  # no collection can start while it sizes
        return real(*args, **kwargs)

    monkeypatch.setattr(shared, "capacity", sizing)
    frozen = gc.get_freeze_count()
    assert gc.isenabled()
    shared_sizing(stretched())
    assert gc.isenabled()  # on again afterwards
    assert gc.get_freeze_count() > frozen  # the sizing is out of the collector's reach
    # Not gc.unfreeze(): it would hand every object frozen before (other tests' windows)
    # to the next collection (a segmentation fault in CI, wave 27).


def _collector_seen(monkeypatch) -> list[bool]:  # type: ignore[no-untyped-def]
    """Whether the collector was on each time a failure mode was evaluated."""
    seen: list[bool] = []
    real = CapacityEngine.evaluate

    def evaluate(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(CapacityEngine, "evaluate", evaluate)
    return seen


def test_capacity_itself_sizes_a_large_design_with_the_collector_paused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # ``dr-designer capacity`` and the benchmark call capacity() without shared_sizing:
    # a large design is sized without collections there too, with the same report.
    seen = _collector_seen(monkeypatch)
    design = stretched()
    monkeypatch.setattr(analysis, "LARGE", 10**9)
    with_collector = capacity(design).to_json(all_modes=True)
    assert seen and all(seen)
    seen.clear()
    monkeypatch.setattr(analysis, "LARGE", len(design.elements) - 1)
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    without = capacity(Simulator(design)).to_json(all_modes=True)
    assert seen and not any(seen)  # no collection could start while it sized
    assert gc.isenabled()  # on again afterwards
    assert gc.get_freeze_count() == frozen  # nothing frozen: only shared_sizing does
    assert without == with_collector


def test_the_capacity_command_sizes_a_large_design_with_the_collector_paused(
    monkeypatch, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    seen = _collector_seen(monkeypatch)
    monkeypatch.setattr(analysis, "LARGE", 0)
    path = tmp_path / "design.json"
    save(stretched(), path)
    main(["capacity", str(path), "--format", "json"])
    assert json.loads(capsys.readouterr().out)["members"]
    assert seen and not any(seen)
    assert gc.isenabled()


def test_a_small_design_is_sized_with_the_collector_on(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen = _collector_seen(monkeypatch)
    design = stretched()
    assert len(design.elements) <= analysis.LARGE
    capacity(design)
    assert seen and all(seen)


def test_a_stopped_sizing_ends_at_its_next_mode_and_is_not_kept(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``shared.stop(design)`` (its window is going): the sizing under way evaluates no
    mode after the one in hand, raises SizingStopped and keeps nothing; one asked for later
    raises at once. The mark is the design object's: another design is sized whole."""
    design = stretched(databases=5)
    whole = len(capacity(design).evaluated)
    assert whole > 3
    evaluated: list[str] = []
    real = CapacityEngine.evaluate

    def evaluate(self, mode, *args, **kwargs):  # type: ignore[no-untyped-def]
        evaluated.append(mode.label)
        if len(evaluated) == 2:
            shared.stop(design)  # asked while the second failure mode is evaluated
        return real(self, mode, *args, **kwargs)

    monkeypatch.setattr(CapacityEngine, "evaluate", evaluate)
    before = computations()
    with pytest.raises(shared.SizingStopped):
        shared_sizing(design)
    assert len(evaluated) == 2  # the mode in hand ends; no other starts
    with pytest.raises(shared.SizingStopped):
        shared_sizing(design)  # nothing evaluated: stopped before it starts
    assert len(evaluated) == 2 and computations() == before
    another = stretched(databases=5)
    assert len(shared_sizing(another).report.evaluated) == whole
    assert computations() == before + 1


def test_stopped_between_combined_modes_too() -> None:
    """The double and site-plus-one failures are asked between each two as well."""
    design = stretched(databases=5)
    asked: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        asked.append((done, total))
        return len(asked) <= total  # every single failure, then stop before the second pair

    report = capacity(design, progress=progress)
    singles = asked[0][1] - 1
    assert report.cancelled
    combined = [m for m in report.evaluated if m.kind in ("double", "site_plus_one")]
    assert len(asked) == singles + 2 and len(combined) == 1


def test_keep_only_forgets_the_other_designs() -> None:
    """A window deleted forgets its designs' sizings (they hold the designs)."""
    kept, dropped = stretched(databases=2), stretched(databases=3)
    shared_sizing(kept)
    ref = weakref.ref(dropped)
    shared_sizing(dropped)
    shared.keep_only([kept])
    del dropped
    assert ref() is None
    before = computations()
    shared_sizing(kept)
    assert computations() == before  # still kept
