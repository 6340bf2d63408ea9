"""Layers and focus (issue 13): View > Layers shows or hides storage, network,
Exchange, recovery and the findings markers; View > Dim Unrelated to Selection fades
what the selection has nothing to do with. Opened with ``dr-designer gui FILE``."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from designer.document import RemoveElements, SetProperty
from designer.ui.canvas.layers import DIMMED_OPACITY

SAMPLES = Path(__file__).parents[2] / "sample_designs"


def test_layers_hide_a_family_with_its_lines_and_the_findings(launch, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / "cx4_srm_mirrorview_s.json")
    scene = window.view.design_scene
    window.act_layers["Storage"].trigger()
    hidden = [n for n in scene.nodes.values() if n.kind in ("storage_array", "lun")]
    assert hidden and not any(n.isVisible() for n in hidden)
    mirrors = [e for e in scene.edges.values() if e.style_key == "mirror"]
    assert mirrors and not any(e.isVisible() for e in mirrors)
    assert scene.nodes["site-phl"].isVisible()  # the infrastructure stays
    window.act_layers["Storage"].trigger()
    assert all(n.isVisible() for n in hidden)
    # Findings: a marker is drawn, then not (its badge's count is one of the labels).
    window.session.push(SetProperty("vm-phl-mbx01", "mailboxes", 6000))
    window.session.refresh_findings()
    marked = [n for n in scene.nodes.values() if n.marker is not None]
    assert marked
    scene.labels.record = []
    window.view.viewport().repaint()
    badges = [r for r in scene.labels.record if r.text.isdigit()]
    window.act_layers["Findings"].trigger()
    scene.labels.record = []
    window.view.viewport().repaint()
    assert badges and not [r for r in scene.labels.record if r.text.isdigit()]


def test_dim_unrelated_fades_what_the_selection_is_not_about(launch) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / "dag_with_ha.json")
    scene = window.view.design_scene
    window.session.set_selection(["dag-den"])
    window.act_dim.trigger()
    # The DAG's members, their hosts, cluster and site stay; a LUN of the SAN fades.
    for related in ("dag-den", "vm-den-mbx01", "esx-den-01", "site-den"):
        assert scene.nodes[related].opacity() == 1.0, related
    assert scene.nodes["lun-den-1-os"].opacity() == DIMMED_OPACITY
    # An undo brings the LUN back as a new item: still faded.
    window.session.push(RemoveElements(["lun-den-1-os"]))
    window.session.undo_stack.undo()
    assert scene.nodes["lun-den-1-os"].opacity() == DIMMED_OPACITY
    window.session.set_selection([])
    assert scene.nodes["lun-den-1-os"].opacity() == 1.0
    window.act_dim.trigger()


def test_an_element_found_in_a_hidden_layer_shows_it_again(launch) -> None:  # type: ignore[no-untyped-def]
    window = launch(SAMPLES / "dag_with_ha.json")
    scene = window.view.design_scene
    window.act_layers["Storage"].trigger()
    assert not scene.nodes["lun-den-1-os"].isVisible()
    QTest.keyClicks(window.find_edit, "lun-den-1-os")
    QTest.keyClick(window.find_edit, Qt.Key.Key_Return)
    assert window.session.selection == ["lun-den-1-os"]
    assert window.act_layers["Storage"].isChecked()
    assert scene.nodes["lun-den-1-os"].isVisible()
