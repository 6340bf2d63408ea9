"""A site's deletion in steps: each box's disks go together, and a step that takes
disks from a box does not list, look up and sort the disks it keeps (issue 10, wave 29,
``site29``).

Through ``dr-designer gui FILE`` on a generated design, with the size above which an
edit is stepped lowered (``DR_DESIGNER_STEP_ABOVE``) so that a site of a 1,000-element
design is a big edit. At 100k the removal took its elements in a set's order: each step
of 300 took a disk or two from each of ~40 VMs of ~48 disks, and each of those VMs'
disks were listed, looked up, sorted into design order and tagged again in every step
(2.3–2.6 s of the deletion's UI thread).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from generated import click_title, open_settled
from generated import disk_drawing as _disks
from generated import settled as _settled
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from benchmarks.generate import generate_design
from designer.document import Document, RemoveElements
from designer.document.events import ElementsRemoved
from designer.domain.design import Design
from designer.ui import session as session_module
from designer.ui.canvas.scene import DesignScene


@pytest.fixture
def design() -> Design:
    return generate_design(1000, seed=1)


@pytest.fixture
def opened(design: Design, tmp_path: Path, launch: Any, qtbot: Any, monkeypatch: Any) -> Any:
    monkeypatch.setenv("DR_DESIGNER_STEP_ABOVE", "100")
    return open_settled(design, launch, qtbot, tmp_path)


def _delete(window: Any, element_id: str, qtbot: Any) -> None:
    click_title(window, element_id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert window.session.busy, "(a big edit: in steps)"
    qtbot.waitUntil(lambda: not window.session.busy, timeout=60_000)


def test_a_sites_deletion_takes_each_vms_disks_together(
    opened: Any, design: Design, launch: Any, qtbot: Any, monkeypatch: Any
) -> None:
    """Delete on a site: the steps remove each VM's disks one after another (a VM's
    disks in one step or in steps one after the other, never some, then other VMs',
    then more of the first's), and a step that takes
    disks from a VM that keeps others does not list its disks again: it drops the ones
    removed from what the box draws. When done the design is the one-turn removal's,
    and the boxes draw what a fresh window on the saved result draws."""
    window = opened
    session = window.session
    scene = window.view.design_scene
    site = next(e for e in design.elements if e.kind == "site")
    vm_of = {e.id: e.vm for e in design.elements if e.kind == "virtual_disk"}
    taken: list[set[str]] = []  # the VMs each removal (a step) took disks from
    session.document.subscribe_events(
        lambda events: taken.extend(
            {vm_of[i] for i in event.ids if i in vm_of}
            for event in events
            if isinstance(event, ElementsRemoved)
        )
    )
    listed: list[str] = []  # the boxes whose disks a step listed and sorted again
    in_step = [False]
    step, set_tags = type(session)._step, DesignScene._set_disk_tags

    def counted_step(self: Any, job: Any) -> bool:
        in_step[0] = True
        try:
            more: bool = step(self, job)
        finally:
            in_step[0] = False
        return more

    def counted(self: DesignScene, box_id: str | None, *args: Any) -> None:
        node = self.nodes.get(box_id) if box_id else None
        if in_step[0] and node is not None and node.disk_count:
            listed.append(node.element_id)
        set_tags(self, box_id, *args)

    monkeypatch.setattr(type(session), "_step", counted_step)
    monkeypatch.setattr(DesignScene, "_set_disk_tags", counted)
    # Steps of at most 16 elements (a 1,000-element design's grow to 300 at once; at
    # 100k a VM's disks and its neighbours' take several steps of 300).
    monkeypatch.setattr(session_module, "STEP_MOST", 16)
    _delete(window, site.id, qtbot)

    steps_of: dict[str, list[int]] = {}
    for k, vms in enumerate(taken):
        for vm in vms:
            steps_of.setdefault(vm, []).append(k)
    assert len(steps_of) > 5 and len(taken) > 5, "(the disks of many VMs, in many steps)"
    apart = {vm: k for vm, k in steps_of.items() if k != list(range(k[0], k[-1] + 1))}
    assert not apart, f"{len(apart)} VMs' disks taken in steps apart: {apart}"
    assert listed == [], f"{len(listed)} boxes' disks listed again in the steps"

    one_turn = Document(design)
    RemoveElements([site.id]).redo(one_turn)
    assert session.design.elements == list(one_turn.design.elements)
    assert dict(session.design.layout) == dict(one_turn.design.layout)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    after = _disks(scene)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    fresh = launch(Path(session.path))
    qtbot.waitUntil(lambda: _settled(fresh), timeout=120_000)
    assert _disks(fresh.view.design_scene) == after
    fresh.close()


def test_undoing_a_sites_deletion_draws_the_disks_as_before(
    opened: Any, design: Design, qtbot: Any
) -> None:
    """Delete on a site, then Ctrl+Z and Ctrl+Y: after the undo the design and every
    box's disks are as before the deletion; after the redo as after it."""
    window = opened
    session = window.session
    scene = window.view.design_scene
    before = _disks(scene)
    site = next(e for e in design.elements if e.kind == "site")
    _delete(window, site.id, qtbot)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    deleted_design, deleted = list(session.design.elements), _disks(scene)
    assert deleted != before
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    assert session.design.elements == design.elements
    assert _disks(scene) == before
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not session.busy, timeout=60_000)
    qtbot.waitUntil(lambda: _settled(window), timeout=120_000)
    assert session.design.elements == deleted_design
    assert _disks(scene) == deleted
