"""The Availability dock keeps its results across an undo that brings the design they
were computed from back (eyes19 #17: after File > Import and its Ctrl+Z the table stayed
empty until Compute). Through the doors: ``dr-designer gui FILE``, File > Import, the
Edit menu's Undo/Redo, the panel's Compute button."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from designer.ui.main_window import MainWindow
from tests.ui.test_availability_panel import _with_figures
from tests.ui.test_interop_menus import _menu_action

CALC = Path(__file__).resolve().parents[1] / "interop" / "data" / "calculator"


def _edit(window: MainWindow, verb: str) -> None:
    """Edit > Undo … / Redo … / Delete, as the Edit menu offers it (its text names the step)."""
    edit = _menu_action(window, "Edit")
    action = next(a for a in edit.menu().actions() if a.text().replace("&", "").startswith(verb))
    assert action.isEnabled(), action.text()
    action.trigger()


def _rows(window: MainWindow) -> list[list[str]]:
    table = window.availability.panel.table
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def _computed(qtbot, launch, tmp_path) -> tuple[MainWindow, list[list[str]]]:  # type: ignore[no-untyped-def]
    """The three-site sample with failure figures, its availability computed (Compute,
    no Monte Carlo); the window and the table's rows."""
    window: MainWindow = launch(_with_figures(tmp_path))
    feature = window.availability
    feature.show()
    feature.panel.years.setValue(0)
    qtbot.mouseClick(feature.panel.compute_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not feature.model.running, timeout=120_000)
    return window, _rows(window)


def test_an_import_undone_shows_the_results_again(
    qtbot, launch, tmp_path, no_modal_dialogs, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window, before = _computed(qtbot, launch, tmp_path)
    feature = window.availability
    panel = feature.panel
    assert before and before[0][0] == "DB01" and before[0][2].endswith("%")
    status = panel.status.text()
    assert status.startswith("Cut sets up to order 3")

    files = [str(CALC / "MailboxDatabasesV7.6.csv"), str(CALC / "MailboxDatabaseCopiesV7.6.csv")]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: (files, "")))
    _menu_action(window, "File", "Import", "Role Requirements Calculator CSVs…").trigger()
    assert _rows(window) == [] and not feature.model.current  # stale: another design

    _edit(window, "Undo")  # the same design back
    assert feature.model.current
    assert _rows(window) == before and panel.status.text() == status

    _edit(window, "Redo")  # the import again: never computed
    assert _rows(window) == [] and not feature.model.current
    _edit(window, "Undo")
    assert _rows(window) == before


def test_a_delete_undone_shows_the_results_again(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window, before = _computed(qtbot, launch, tmp_path)
    window.session.set_selection(["db-db03"])
    _edit(window, "Delete")
    assert window.session.document.get("db-db03") is None and _rows(window) == []
    _edit(window, "Undo")
    assert _rows(window) == before
    # redone (DB03 gone again: not the design computed), then undone once more
    _edit(window, "Redo")
    assert _rows(window) == []
    _edit(window, "Undo")
    assert _rows(window) == before
