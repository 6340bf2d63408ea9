"""The top-level boxes' siblings come from the top-level boxes' list, not from every
box's entry (wave 23, ``open23b``): a big design's first paint asked for them (the words
and the distinguishing ends of the sites' and loose boxes' names) by walking the table
of its ~50,000 boxes' containers for the few hundred at the top (14 M instructions of
the 100k opening's first paint).

Through the door: ``dr-designer gui FILE`` opens a generated 1k design; the top-level
boxes' words and ends are those of every top-level box of their kind, asking them again
does not walk the boxes' table, and a site added from the palette (Enter) is among
them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from benchmarks.generate import generate_design
from designer.persistence import dumps
from designer.ui import slices
from designer.ui.canvas.items.node import name_tokens
from designer.ui.panels import PalettePanel


class _Watched(dict):  # type: ignore[type-arg]
    """The scene's box-container table, noting each walk over it."""

    walks = 0

    def items(self):  # type: ignore[no-untyped-def]
        type(self).walks += 1
        return super().items()

    def __iter__(self):  # type: ignore[no-untyped-def]
        type(self).walks += 1
        return super().__iter__()


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    path = tmp_path / "design-1k.json"
    path.write_text(dumps(generate_design("1k")), encoding="utf-8")
    return path


def _top_level(scene: Any, kind: str) -> list[str]:
    """The names of the built top-level boxes of ``kind``, read from every box's entry."""
    table = dict(scene.boxes_parent)
    return sorted(
        node.name
        for i, parent in table.items()
        if parent is None and (node := scene.nodes.get(i)) is not None and node.kind == kind
    )


def test_the_top_level_boxes_siblings_are_read_from_the_built_boxes(  # type: ignore[no-untyped-def]
    qtbot, launch, generated: Path, tmp_path: Path
) -> None:
    window = launch(generated)
    QTest.qWaitForWindowExposed(window)
    qtbot.waitUntil(lambda: not slices.shared()._jobs, timeout=20000)
    scene = window.view.design_scene
    assert scene._parts_tables is None  # every part noted: the table is the scene's own
    # What the first frame asked, asked anew with the box-container table watched; then
    # again after a site is added from the palette (a new top-level box).
    scene.__dict__["box_parent"] = _Watched(scene.__dict__["box_parent"])
    _check_top_level(scene)
    palette = next(d.widget() for d in window.docks if isinstance(d.widget(), PalettePanel))
    assert window.session.selection == []  # the site goes in the middle of the view
    palette.tree.setFocus()
    palette.tree.setCurrentItem(palette.items["site"])
    QTest.keyClick(palette.tree, Qt.Key.Key_Return)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    added = window.session.design.elements[-1]
    assert added.kind == "site" and scene.boxes_parent.get(added.id, 0) is None
    sites = _check_top_level(scene)
    assert added.name in sites
    window.view.viewport().grab().save(str(tmp_path / "top-level.png"))


def _check_top_level(scene: Any) -> list[str]:
    """Each top-level box's siblings' words and ends, asked anew: those of every built
    top-level box of its kind, without a walk over the box-container table. The sites'
    names."""
    scene._affixes.clear()
    scene._tails.clear()
    scene._tail_of.clear()
    top = {i: n for i, n in scene.nodes.items() if scene.boxes_parent.get(i, 0) is None}
    kinds = Counter(n.kind for n in top.values())
    assert kinds["site"] >= 2, kinds
    for element_id, node in top.items():
        names = _top_level(scene, node.kind)
        _Watched.walks = 0
        words = scene.sibling_words(element_id)
        scene.sibling_tail(element_id)
        assert _Watched.walks == 0, node.kind  # the built boxes, not every box's entry
        expected: Counter[str] = Counter()
        for name in names:
            expected.update(set(name_tokens(name)))
        expected[""] = len(names)
        assert words == expected, node.name
        assert scene._tails[("siblings", None, node.kind)].names == sorted(set(names))
    return _top_level(scene, "site")
