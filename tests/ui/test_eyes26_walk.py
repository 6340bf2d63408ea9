"""A newcomer's walk (wave 26, ``eyes26``): a two-site DAG drawn from File > New, saved,
opened again from the recent files, simulated; what went wrong on the way, through the
user's doors (``dr-designer gui``, Ctrl+N, the palette's Enter, typed names, Ctrl+S,
File > Open Recent, F5 and clicks on the canvas)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMessageBox, QToolBar
from test_canvas_support import click, drag
from test_newcomer_keyboard20 import _blank, _enter, _pick

from designer.persistence import load
from designer.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


def _boston(launch) -> MainWindow:  # type: ignore[no-untyped-def]
    """``dr-designer gui``, Ctrl+N, and a site Boston with a cluster and a host."""
    window = _blank(launch)
    window.resize(1280, 800)
    boston = _enter(window, "site", "Boston")
    assert boston is not None
    _pick(window, boston)
    _enter(window, "vsphere_cluster", "BOS-CL01")
    _enter(window, "esxi_host", "esx-bos-01")
    return window


def _typed_in_save_dialog(monkeypatch: pytest.MonkeyPatch, typed: Path) -> list[str]:
    """The save dialog answers with the name ``typed`` (as a user types a name without
    a suffix and presses Enter); returns the dialogs' captions."""
    asked: list[str] = []

    def answer(parent, caption, start, filters, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(caption)
        return str(typed), filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    return asked


def test_a_name_typed_without_a_suffix_is_saved_as_a_design_file(
    qtbot, launch, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    # "boston-dr" typed in the save dialog wrote a file named "boston-dr", which File >
    # Open's list (design files: *.json, *.drd) then did not show: the design seemed lost.
    window = _boston(launch)
    asked = _typed_in_save_dialog(monkeypatch, tmp_path / "boston-dr")
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_S, CTRL)
    saved = tmp_path / "boston-dr.drd.json"
    qtbot.waitUntil(saved.exists, timeout=10000)
    assert asked == ["Save design as"]
    assert not (tmp_path / "boston-dr").exists()
    assert window.statusBar().currentMessage() == "Saved boston-dr.drd.json"
    assert window.windowTitle().startswith("boston-dr.drd.json")
    design = load(saved)
    assert design.name == "boston-dr", "named after the file, not 'boston-dr.drd'"
    assert sorted(e.name for e in design.elements) == ["BOS-CL01", "Boston", "esx-bos-01"]
    # Ctrl+N, then File > Open Recent's first entry opens it again.
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_N, CTRL)
    assert window.session.design.elements == []
    window.recent_menu.aboutToShow.emit()
    first = window.recent_menu.actions()[0]
    assert first.text() == "&1 boston-dr.drd.json"
    first.trigger()
    qtbot.waitUntil(lambda: len(window.session.design.elements) == 3, timeout=10000)
    assert window.session.path == saved.resolve()


def test_a_suffix_added_does_not_replace_a_file_without_asking(
    qtbot, launch, monkeypatch, tmp_path, no_modal_dialogs
) -> None:  # type: ignore[no-untyped-def]
    # The dialog asked before replacing the name typed, not the one the suffix makes.
    kept = tmp_path / "boston-dr.drd.json"
    kept.write_text("the other design", encoding="utf-8")
    window = _boston(launch)
    _typed_in_save_dialog(monkeypatch, tmp_path / "boston-dr")
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_S, CTRL)  # answered: Cancel
    assert [kind for kind, _ in no_modal_dialogs] == ["question"]
    assert "boston-dr.drd.json already exists" in no_modal_dialogs[0][1]
    assert kept.read_text(encoding="utf-8") == "the other design"
    assert window.session.path is None and window.isWindowModified()
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: window.session.path == kept.resolve(), timeout=10000)
    assert load(kept).name == "boston-dr"


def test_design_file_keeps_a_design_suffix_and_adds_one_otherwise() -> None:
    from designer.ui.file_ops import design_file

    assert design_file(Path("/x/boston-dr")) == Path("/x/boston-dr.drd.json")
    assert design_file(Path("/x/v1.2")) == Path("/x/v1.2.drd.json")
    for kept in ("dr.json", "dr.JSON", "dr.drd", "dr.drd.json"):
        assert design_file(Path("/x") / kept) == Path("/x") / kept


def test_leaving_simulation_mode_says_so_in_the_status_bar(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # The mode's "… (F5 to leave)" and its last scenario's words stayed in the status bar
    # for 8 s after F5 had left it: the user was told to leave a mode already left.
    window = _boston(launch)
    boston = next(e.id for e in window.session.design.elements if e.name == "Boston")
    view = window.view
    QTest.keyClick(view.viewport(), Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.session.read_only, timeout=10000)
    assert window.statusBar().currentMessage().endswith("(F5 to leave)")
    rect = view.design_scene.rect_of(boston)
    assert rect is not None
    click(view, (rect.left() + 30, rect.top() + 8))
    mode = window._simulation
    assert mode is not None
    qtbot.waitUntil(lambda: bool(mode.controller.steps), timeout=10000)
    QTest.keyClick(view.viewport(), Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: not window.session.read_only, timeout=10000)
    assert window.statusBar().currentMessage() == (
        "Editing again: the simulation changed nothing in the design"
    )


def test_a_second_site_from_the_palette_sits_beside_the_first_with_its_wan_link_in_view(
    qtbot, launch
) -> None:  # type: ignore[no-untyped-def]
    # Boston filled, then Site, Enter: Worcester sat 40 px right of Boston and lower
    # (the middle of the view's height), and the WAN link drawn between them was a
    # stub under its label, in the canvas, the exported picture and simulation mode.
    window = _boston(launch)
    worcester = _enter(window, "site", "Worcester")
    assert worcester is not None
    boston = next(e.id for e in window.session.design.elements if e.name == "Boston")
    scene, view = window.view.design_scene, window.view
    b, w = scene.rect_of(boston), scene.rect_of(worcester)
    assert b is not None and w is not None
    assert w.top() == b.top(), "in a row"
    assert w.left() - b.right() >= 150, "room for the link between them"
    window.act_zoom_fit.trigger()
    toolbar = window.findChild(QToolBar)
    assert toolbar is not None
    QTest.mouseClick(toolbar.widgetForAction(window.act_connect), Qt.MouseButton.LeftButton)
    drag(view, (b.left() + 30, b.top() + 8), (w.left() + 30, w.top() + 8))
    (link,) = [e for e in window.session.design.elements if e.kind == "wan_link"]
    QTest.keyClick(view.viewport(), Qt.Key.Key_Escape)
    edge = scene.edges[link.id]
    line = edge.mapToScene(edge.path()).boundingRect()
    assert line.width() >= 150, f"the link drawn {line.width():.0f} px long"
    # In simulation mode a click half-way along it fails it.
    QTest.keyClick(view.viewport(), Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.session.read_only, timeout=10000)
    middle = edge.mapToScene(edge.path().pointAtPercent(0.5))
    click(view, (middle.x(), middle.y()))
    mode = window._simulation
    assert mode is not None
    qtbot.waitUntil(lambda: bool(mode.controller.steps), timeout=10000)
    assert [s.target for s in mode.controller.steps] == [link.id]
    if shots := os.environ.get("EYES26_SHOTS"):
        qtbot.wait(1500)
        window.grab().save(f"{shots}/site-row-sim.png")


def _subtitles(window: MainWindow, element_id: str, name: str, zoom: float) -> list[str]:
    """The texts painted for the box ``element_id`` at ``zoom`` but its name and its
    findings marker's count."""
    view = window.view
    scene = view.design_scene
    QTest.keyClick(view.viewport(), Qt.Key.Key_Escape)
    view.set_zoom(zoom)
    rect = scene.rect_of(element_id)
    assert rect is not None
    view.centerOn(rect.center())
    scene.labels.record = []
    view.viewport().repaint()
    drawn = [d.text for d in scene.labels.record or [] if d.owner == element_id]
    scene.labels.record = None
    assert name in drawn, drawn
    return [text for text in drawn if text != name and not text.isdigit()]


def test_a_box_subtitle_too_long_is_cut_between_its_facts_not_inside_one(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    # esx-bos-01's "16c · 128 GB" read "16c · 1…" beside its name and its finding's
    # marker at 100 % and in the exported picture: a number cut to another one.
    window = _boston(launch)
    host = next(e for e in window.session.design.elements if e.name == "esx-bos-01")
    _enter(window, "vm", "BOS-MBX01")  # in it (it is selected)
    # Its finding's marker (VS001: no host to restart its VM on) takes room in its title.
    qtbot.waitUntil(
        lambda: any(host.id in f.elements for f in window.session.findings.findings),
        timeout=10000,
    )
    whole = f"{host.cpu_cores}c · {host.memory_gb:g} GB"  # type: ignore[attr-defined]
    assert _subtitles(window, host.id, "esx-bos-01", 1.0) == [f"{host.cpu_cores}c · …"]  # type: ignore[attr-defined]
    # Room for it (a short name): whole.
    _pick(window, host.id)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F2)
    (field,) = [
        f
        for f in window.view.viewport().findChildren(QLineEdit, "CanvasNameField")
        if f.isVisible()
    ]
    field.selectAll()
    QTest.keyClicks(field, "esx1")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert _subtitles(window, host.id, "esx1", 1.0) == [whole]
