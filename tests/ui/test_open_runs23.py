"""A big design's boxes in boxes and disks are filed under their holders a run of one
holder at a time when the design is written so (a DAG's databases, a VM's disks one
after another: open23a, issue 10): the tables right after the first frame are the ones
the element-by-element pass makes, in the same order, and the scene settles into the
one built at once."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import generate_design
from designer.document.document import Document
from designer.persistence import dumps
from designer.ui.canvas import scene as scene_module
from designer.ui.canvas.scene import _file_in_runs
from tests.ui.test_open_columns22 import _noted
from tests.ui.test_open_first_view import (  # noqa: F401  (big: a fixture)
    _same_as_built_at_once,
    _settle,
    big,
)


def _one_by_one(holders: list[Any], items: list[Any], kind: type) -> defaultdict[Any, Any]:
    table: defaultdict[Any, Any] = defaultdict(kind)
    for holder, item in zip(holders, items, strict=True):
        (table[holder].add if kind is set else table[holder].append)(item)
    return table


@pytest.mark.parametrize("seed", range(40))
def test_filing_by_runs_gives_the_tables_a_call_per_item_gives(seed: int) -> None:
    """Holders in runs long and short (some equal but not the same string), filed
    into sets and lists: the same keys, and each set and list
    the same, in the same order, as adding one item at a time."""
    rng = random.Random(seed)
    names = [f"vm-{i}" for i in range(rng.randint(1, 12))]
    holders: list[Any] = []
    while len(holders) < rng.randint(0, 400):
        name = rng.choice(names)
        copy = "".join(name) if rng.random() < 0.2 else name  # equal, another object
        holders += [copy] * rng.choice([1, 1, 3, 20, 90])
    items = [f"item-{i}" for i in range(len(holders))]
    for kind, one, many in ((set, set.add, set.update), (list, list.append, list.extend)):
        filed: defaultdict[Any, Any] = defaultdict(kind)
        _file_in_runs(filed, holders, items, one, many)
        expected = _one_by_one(holders, items, kind)
        assert list(filed) == list(expected)
        assert [list(v) for v in filed.values()] == [list(v) for v in expected.values()]


def _file(tmp_path: Path) -> Path:
    """A generated design whose disks follow one another VM by VM (the generator
    writes them role by role: a run of one VM's disks is rare there)."""
    design = generate_design(600, seed=5)
    elements = list(design.elements)
    at = [i for i, e in enumerate(elements) if e.kind == "virtual_disk"]
    per_vm = Counter(elements[i].vm for i in at)  # (the VMs with most disks first)
    disks = sorted((elements[i] for i in at), key=lambda disk: (-per_vm[disk.vm], disk.vm))
    for i, disk in zip(at, disks, strict=True):
        elements[i] = disk
    path = tmp_path / "runs.json"
    path.write_text(dumps(design.model_copy(update={"elements": elements})), encoding="utf-8")
    return path


@pytest.mark.usefixtures("big")
def test_a_big_design_written_in_runs_is_noted_a_run_at_a_time(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path, monkeypatch
):
    """``dr-designer gui FILE`` (the runs' thresholds lowered to this design's size):
    the boxes in boxes and the disks are filed by runs; the tables before the first
    frame are those of the element-by-element pass (no columns), and the scene
    settles into the one built at once."""
    monkeypatch.setattr(scene_module, "RUNS_FROM", 8)
    monkeypatch.setattr(scene_module, "RUN_LENGTH", 2)
    by_runs: list[tuple[str, bool]] = []

    def spy(table, holders, items, one, many):  # type: ignore[no-untyped-def]
        filed = _file_in_runs(table, holders, items, one, many)
        by_runs.append((one.__qualname__, filed))
        return filed

    monkeypatch.setattr(scene_module, "_file_in_runs", spy)
    path = _file(tmp_path)
    by_columns = launch(path)  # dr-designer gui FILE
    assert ("set.add", True) in by_runs, "a kind's boxes filed by runs (a DAG's databases)"
    assert ("list.append", True) in by_runs, "the disks filed by runs (VM by VM)"
    noted = _noted(by_columns.view.design_scene)
    assert noted["unread"] and noted["parts"]
    # Read now, not once the second window is open: meanwhile the first one's idle
    # slices go on noting its parts (a VM's disks as its children).
    children = {k: list(v) for k, v in by_columns.view.design_scene.boxes_children.items()}
    monkeypatch.setattr(Document, "load_columns", property(lambda _self: None))
    by_elements = launch(path)
    assert _noted(by_elements.view.design_scene) == noted
    alone = by_elements.view.design_scene.boxes_children
    assert children == {k: list(v) for k, v in alone.items()}
    _same_as_built_at_once(by_columns, _settle(qtbot, by_columns))


def test_the_thresholds_keep_the_bench_design_off_the_runs() -> None:
    """The sample that decides: a column whose first holders change at every item (as
    the bench design's disks) is filed a call per item, without a pass for its runs."""
    holders = [f"vm-{i % 50}" for i in range(5000)]
    table: defaultdict[str, list[int]] = defaultdict(list)
    assert not _file_in_runs(table, holders, list(range(5000)), list.append, list.extend)
    assert table == _one_by_one(holders, list(range(5000)), list)
    runs = sorted(holders)
    table = defaultdict(list)
    assert _file_in_runs(table, runs, list(range(5000)), list.append, list.extend)
