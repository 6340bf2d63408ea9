"""VMs in the generated designs' 110 px boxes are named by what tells them apart (wave 22,
``ui22``; eyes21: "DC01-AD1", "DC01-APP0013" showed nothing at 60 %).

What tells a name apart is its end after the longest start it shares with a sibling
(``DesignScene.sibling_tail``): "13" of DC01-APP0013 beside DC01-APP0045, not what
follows the start every VM on the host shares ("DC01-A" beside DC01-AD1; "D" beside
the mailbox server DAG01-MBX-DC01-01, which is told from its cousins on the cluster's
other hosts). A host whose rows could each be named that way said "4 VMs" instead (its
estimate read the names without that end), and a name cut twice ("…AP…001") is cut at
its start instead ("…PP0001").

Through the door: ``dr-designer gui FILE`` opens a generated 1k design; what the canvas
draws is read from its label log; screenshots are kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtTest import QTest

from benchmarks.generate import generate_design
from designer.persistence import dumps
from designer.ui import slices
from designer.ui.canvas.labels import distinguishing_ends


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    path = tmp_path / "design-1k.json"
    path.write_text(dumps(generate_design("1k")), encoding="utf-8")
    return path


@pytest.mark.parametrize("zoom", [0.45, 0.5, 0.55, 0.6, 0.7])
def test_every_vm_in_view_is_named_by_its_distinguishing_end(  # type: ignore[no-untyped-def]
    qtbot, launch, generated: Path, tmp_path: Path, zoom: float
) -> None:
    window = launch(generated)
    window.resize(1600, 1000)
    QTest.qWaitForWindowExposed(window)
    # The opening's work in the idle slices done (its lines routed, its names made).
    qtbot.waitUntil(lambda: not slices.shared()._jobs, timeout=20000)
    view = window.view
    scene = view.design_scene
    vms = {i: n.name for i, n in scene.nodes.items() if n.kind == "vm"}
    first = next(i for i, name in vms.items() if "APP" in name)
    view.set_zoom(zoom)
    view.centerOn(scene.nodes[first].scene_rect().center())
    scene.labels.record = []
    view.viewport().repaint()
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    in_view = [i for i in vms if seen.contains(scene.nodes[i].scene_rect())]
    assert len(in_view) >= 12
    summaries = [
        label.text for label in scene.labels.record if re.fullmatch(r"\d+ VMs", label.text)
    ]
    assert summaries == []  # no host says "4 VMs" in place of its rows' names
    shown = {label.owner: label.text for label in scene.labels.record if label.owner in vms}
    view.viewport().grab().save(str(tmp_path / f"vms-{int(zoom * 100)}.png"))
    missing = [vms[i] for i in in_view if i not in shown]
    assert missing == [], missing
    for owner in in_view:
        text, name = shown[owner], vms[owner]
        assert text.count("…") <= 1, text  # cut once at most
        tail = scene.sibling_tail(owner)
        if text != name:
            assert len(text.replace("…", "")) >= 3
            assert text.endswith(tail) or len(text) >= 0.4 * len(name), (name, text, tail)
    # Names that share their start tell themselves apart on the canvas.
    apps = [shown[i] for i in in_view if "APP" in vms[i]]
    assert len(apps) >= 4 and len(set(apps)) == len(apps)


def test_a_names_distinguishing_end_is_told_from_its_nearest_sibling() -> None:
    ends = distinguishing_ends(
        ["DC01-AD1", "DC01-APP0013", "DC01-APP0045", "DAG01-MBX-DC01-01", "twin", "twin"]
    )
    assert ends["DC01-APP0013"] == ("13", 10)
    assert ends["DC01-AD1"] == ("D1", 6)
    assert ends["DAG01-MBX-DC01-01"] == ("AG01-MBX-DC01-01", 1)  # its cousins tell it
    assert ends["twin"] == ("", 0)  # nothing tells two of one name apart
