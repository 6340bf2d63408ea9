"""A big design read from a file has its boxes in boxes, its lines and its disks noted
by the columns the loader's structure check read (``Document.load_columns``: each
kind's ids, fields and plain references, the runs of one kind in design order), not
element by element (open22a, issue 10): the scene right after the first frame is the
one the element-by-element pass makes, and it settles into the scene built at once.

Skipped where the Document keeps no such columns (the reading side's half of the work,
open22c: the scene then notes every element itself, which test_open_first_view covers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import generate_design
from designer.document.document import Document
from designer.persistence import dumps
from designer.ui.canvas.scene import DesignScene
from tests.ui.test_open_first_view import (  # noqa: F401  (big: a fixture)
    _same_as_built_at_once,
    _settle,
    big,
)

pytestmark = [pytest.mark.usefixtures("big")]  # designs over 20 elements open as big ones


def _file(tmp_path: Path, *, mixed: bool = False) -> Path:
    """A generated design (``mixed``: every third disk placed otherwise, its VMs show
    their disks' placement tags), its elements in runs of one kind as generated, with
    a few moved out of their runs (a host and a VM among the LUNs, a LUN first)."""
    design = generate_design(600, seed=3)
    elements = list(design.elements)
    if mixed:
        disks = [i for i, e in enumerate(elements) if e.kind == "virtual_disk"]
        for n, i in enumerate(disks[::3]):
            disk = elements[i]
            others = [p for p in type(disk.placement) if p != disk.placement]
            elements[i] = disk.model_copy(update={"placement": others[n % len(others)]})
    for kind, to in (("esxi_host", "lun"), ("vm", "lun"), ("lun", "site")):
        moved = elements.pop(max(i for i, e in enumerate(elements) if e.kind == kind))
        elements.insert(next(i for i, e in enumerate(elements) if e.kind == to), moved)
    path = tmp_path / "big.json"
    path.write_text(dumps(design.model_copy(update={"elements": elements})), encoding="utf-8")
    return path


def _noted(scene: DesignScene) -> dict[str, Any]:
    """What the build noted before the first frame (boxes, lines, disks)."""
    parents, children = scene.boxes_parent, scene.boxes_children
    return {
        "box_parent": list(parents.items()),
        "box_children": {k: v for k, v in children.items() if v},
        "order": list(scene._order),
        "unread": [(k, v.id) for k, v in scene._unread.items()],
        "tops": list(scene._tops),
        "built": list(scene.boxes_built),
        "lines waiting": list(scene.lines_waiting),
        "lines made": list(scene.lines_built),
        "line order": list(scene._line_order),
        "parts": {k: [p.id for p in v] for k, v in scene._parts_of.items()},
        "mixed": scene._parts_mixed,
        "content": scene.content_rect().getRect(),
    }


@pytest.mark.parametrize("mixed", [False, True], ids=["one placement", "mixed placements"])
def test_a_big_design_is_noted_by_the_check_columns(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path, monkeypatch, mixed
):
    """``dr-designer gui FILE``, twice: with the check's columns, then without (the
    element-by-element pass): the same tables, in the same order, before the first
    frame; then settled, the scene built at once."""
    path = _file(tmp_path, mixed=mixed)
    used: list[bool] = []
    note = DesignScene._note_by_columns

    def spy(self, *args):  # type: ignore[no-untyped-def]
        tops = note(self, *args)
        used.append(tops is not None)
        return tops

    monkeypatch.setattr(DesignScene, "_note_by_columns", spy)
    by_columns = launch(path)  # dr-designer gui FILE
    assert used == [True], "the build noted the design by the check's columns"
    noted = _noted(by_columns.view.design_scene)
    assert noted["unread"] and noted["lines waiting"] and noted["parts"]
    assert noted["mixed"] is mixed
    monkeypatch.setattr(Document, "load_columns", property(lambda _self: None))
    by_elements = launch(path)
    assert used == [True], "no columns: the loop noted every element"
    assert _noted(by_elements.view.design_scene) == noted
    _same_as_built_at_once(by_columns, _settle(qtbot, by_columns))


def test_an_edit_before_the_build_leaves_the_columns_alone(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path, monkeypatch
):
    """Once an edit has come, the columns describe a design that is no more: a
    rebuild (undo of everything back to the opened design, here a reload) reads the
    elements themselves."""
    window = launch(_file(tmp_path))
    document = window.session.document
    assert document.load_columns is not None, "kept from the load until an edit"
    first = next(e for e in window.session.design.elements if e.kind == "site")
    document.set_property(first.id, "name", "Renamed")
    assert document.load_columns is None, "an edit drops the load's columns"
