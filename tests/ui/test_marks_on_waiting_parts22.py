"""Findings on a big design's disks arriving before the idle slices noted its parts
(wave 22): their VMs are marked from the elements themselves, without noting every
part at once (reading ``box_parent`` noted the 100k design's 68,752 disks in one turn:
70-75 ms when its first VS005 findings came)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import generate_design
from designer.domain import Lun, VirtualDisk
from designer.persistence import dumps
from designer.ui.canvas.scene import DesignScene
from tests.ui.test_open_first_view import big  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.usefixtures("big")]  # designs over 20 elements open as big ones


def _over_committed(tmp_path: Path) -> tuple[Path, set[str]]:
    """A generated design whose fullest datastore is 100 GB: VS005 names it and the
    disks on it. Returns the file and the VMs of those disks."""
    design = generate_design(600, seed=3)
    on_lun: defaultdict[str, list[VirtualDisk]] = defaultdict(list)
    for element in design.elements:
        if isinstance(element, VirtualDisk) and element.lun is not None:
            on_lun[element.lun].append(element)
    fullest = max(on_lun, key=lambda lun: len(on_lun[lun]))
    elements = [
        e.model_copy(update={"size_gb": 100.0}) if isinstance(e, Lun) and e.id == fullest else e
        for e in design.elements
    ]
    path = tmp_path / "over-committed.json"
    path.write_text(dumps(design.model_copy(update={"elements": elements})), encoding="utf-8")
    return path, {disk.vm for disk in on_lun[fullest]}


def test_findings_on_waiting_disks_mark_their_vms_without_noting_every_part(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, vms = _over_committed(tmp_path)
    # The parts wait for slices that do not come (as on a busy first second).
    monkeypatch.setattr(DesignScene, "_start_noting_parts", lambda _self: None)
    noted_at_once: list[int] = []
    note_all = DesignScene._note_waiting_parts

    def spy(self: DesignScene) -> Any:
        noted_at_once.append(len(self.parts_waiting))
        return note_all(self)

    monkeypatch.setattr(DesignScene, "_note_waiting_parts", spy)
    window = launch(str(path))
    scene, session = window.view.design_scene, window.session
    session.wait_for_findings()
    qtbot.waitUntil(
        lambda: (
            session.findings_revision == session.document.revision and scene._marker_job is None
        ),
        timeout=20_000,
    )
    assert [f.code for f in session.findings.active].count("VS005") == 1
    assert scene.parts_waiting, "the disks still wait to be noted"
    assert noted_at_once == [], "marking read the whole parts' tables"
    assert vms <= set(scene._marks), "each disk's VM carries the finding's marker"
    # The same boxes as once every part is noted.
    scene._note_waiting_parts()
    assert not scene.parts_waiting
    disks = [e for e in session.design.elements if isinstance(e, VirtualDisk)]
    assert {scene.box_parent[d.id] for d in disks if d.vm in vms} == vms
