"""File > Import, the interop exports and the design-review report, through the real
window (menus of the menu bar, file dialogs answered by the test)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QPushButton

from designer.domain.elements import MailboxDatabase, VirtualMachine
from designer.persistence import save
from designer.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
CALC = ROOT / "tests" / "interop" / "data" / "calculator"
SAMPLE = ROOT / "sample_designs" / "dag_with_ha.json"


@pytest.fixture
def window(launch, no_modal_dialogs):
    """``dr-designer gui FILE`` on the DAG-with-HA sample (messages in ``dialogs``)."""
    w = launch(SAMPLE)
    w.dialogs = no_modal_dialogs  # type: ignore[attr-defined]
    return w


def _shown(window: MainWindow) -> list[str]:
    return [text for _kind, text in window.dialogs]  # type: ignore[attr-defined]


def _menu_action(window: MainWindow, *path: str):  # type: ignore[no-untyped-def]
    """The action at ``path`` of the menu bar (texts without '&')."""
    actions = window.menuBar().actions()
    for step in path:
        action = next(a for a in actions if a.text().replace("&", "") == step)
        if action.menu() is not None:
            menu = action.menu()
            assert isinstance(menu, QMenu)
            menu.aboutToShow.emit()
            actions = menu.actions()
    return action


def test_file_import_merges_calculator_csvs_as_one_undoable_step(window, monkeypatch, qtbot):
    before = window.session.design
    files = [str(CALC / "MailboxDatabasesV7.6.csv"), str(CALC / "MailboxDatabaseCopiesV7.6.csv")]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: (files, "")))
    _menu_action(window, "File", "Import", "Role Requirements Calculator CSVs…").trigger()
    design = window.session.design
    dbs = [e for e in design.elements if isinstance(e, MailboxDatabase)]
    assert len(dbs) == len([e for e in before.elements if isinstance(e, MailboxDatabase)]) + 40
    scene = window.view.design_scene
    new_vm = next(
        e for e in design.elements if isinstance(e, VirtualMachine) and e.name == "srv-nn-01"
    )
    assert scene.item_for(new_vm.id) is not None  # drawn on the canvas
    assert window.session.selection  # the imported elements are selected
    assert _shown(window)[0].startswith("160 rows read: 50 elements created")
    assert window.session.undo_stack.count() == 1
    assert window.session.undo_stack.undoText().startswith("Import MailboxDatabasesV7.6.csv")
    window.session.undo_stack.undo()
    assert window.session.design == before
    assert scene.item_for(new_vm.id) is None
    window.session.undo_stack.redo()
    assert window.session.design == design


def test_file_import_of_a_broken_file_says_why_and_changes_nothing(window, monkeypatch, tmp_path):
    before = window.session.design
    bad = tmp_path / "notes.csv"
    bad.write_text("Owner,Phone\nops,123\n", encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(bad)], ""))
    )
    _menu_action(window, "File", "Import", "Exchange PowerShell Export-Csv…").trigger()
    assert window.session.design == before and window.session.undo_stack.count() == 0
    assert "notes.csv: not an Exchange Export-Csv" in _shown(window)[-1]


@pytest.mark.parametrize(
    ("entry", "suffix"),
    [("draw.io Diagram…", ".drawio"), ("GraphML Graph…", ".graphml"), ("GEXF Graph…", ".gexf")],
)
def test_export_menu_writes_the_interop_formats(window, monkeypatch, tmp_path, entry, suffix):
    target = tmp_path / f"out{suffix}"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    _menu_action(window, "File", "Export", entry).trigger()
    assert target.exists()
    if suffix == ".drawio":
        cells = {o.get("element_id") for o in ET.parse(target).iter("object")}
        assert {e.id for e in window.session.design.elements} <= cells


def test_a_drawio_export_in_simulation_mode_draws_the_moment_on_screen(  # type: ignore[no-untyped-def]
    window, monkeypatch, tmp_path
):
    """The draw.io writer is imported when an export asks for it (not before a window's
    first frame: tests/ui/test_scale_ui.py); in simulation mode its simulation layer
    shows the moment on screen, the host failed."""
    from designer.domain.design import ScenarioStep

    window.simulation.action.trigger()
    QApplication.processEvents()
    window.simulation.controller.set_steps(
        [ScenarioStep(at_s=0, action="fail", target="esx-den-01")]
    )
    target = tmp_path / "moment.drawio"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    _menu_action(window, "File", "Export", "draw.io Diagram…").trigger()
    values = {
        o.get("id"): o.get("label") or o.get("value") for o in ET.parse(target).iter("object")
    }
    assert values["drd-sim-title"].startswith("Simulation at T+")
    assert "drd-sim-failed-esx-den-01" in values


def test_export_menu_writes_calculator_csvs_and_scripts(window, monkeypatch, tmp_path):
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(tmp_path))
    )
    _menu_action(window, "File", "Export", "Calculator CSVs and PowerShell Scripts…").trigger()
    assert (tmp_path / "MailboxDatabaseCopies.csv").exists()
    assert "Add-MailboxDatabaseCopy" in (tmp_path / "CreateDatabases.ps1").read_text("utf-8-sig")


def _circular_logging(folder: Path) -> dict[str, str]:
    """Database name -> its ``CircularLoggingEnabled`` in the exported
    ``MailboxDatabases.csv`` (the calculator's ``VersionNumber`` line left out)."""
    import csv

    with (folder / "MailboxDatabases.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return {r["Name"]: r["CircularLoggingEnabled"] for r in rows if r["Name"] != "VersionNumber"}


def test_exported_circular_logging_follows_the_designs_backups(
    launch, no_modal_dialogs, monkeypatch, tmp_path
):
    # eyes24: every database's row said CircularLoggingEnabled TRUE, so the calculator's
    # deployment scripts fed the CSV turned circular logging on under the nightly VDP
    # backup that dag_with_ha's four databases have (their logs deleted before it runs).
    folder = tmp_path / "backed-up"
    folder.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folder))
    )
    window = launch(SAMPLE)
    _menu_action(window, "File", "Export", "Calculator CSVs and PowerShell Scripts…").trigger()
    assert _circular_logging(folder) == dict.fromkeys(
        ["DEN-DB01", "DEN-DB02", "DEN-DB03", "DEN-DB04"], "FALSE"
    )
    assert "CircularLoggingEnabled" not in _script(folder)
    # No backup names the lagged sample's databases (Exchange Native Data Protection):
    # with no backup to truncate their logs, circular logging does (CRCL: a log goes
    # once below the checkpoint, agreed by the other non-lagged copies and inspected by
    # every lagged copy; Microsoft, "Backup, restore, and disaster recovery").
    native = tmp_path / "native"
    native.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(native))
    )
    lagged = launch(ROOT / "sample_designs" / "stretched_dag_lagged.json")
    _menu_action(lagged, "File", "Export", "Calculator CSVs and PowerShell Scripts…").trigger()
    written = _circular_logging(native)
    assert written and set(written.values()) == {"TRUE"}, written
    # CreateDatabases.ps1 turns it on too (it only made the databases and their copies,
    # the CSV's TRUE left undone), each after its copies: Add-MailboxDatabaseCopy wants
    # circular logging off while a database's second copy is added (eyes25).
    lines = _script(native).splitlines()
    for db in written:
        turned_on = f"Set-MailboxDatabase -Identity '{db}' -CircularLoggingEnabled $true"
        assert turned_on in lines, db
        copies = [i for i, line in enumerate(lines) if line.startswith(
            f"Add-MailboxDatabaseCopy -Identity '{db}' ")]  # fmt: skip
        assert copies and lines.index(turned_on) > max(copies), db


def _script(folder: Path) -> str:
    return (folder / "CreateDatabases.ps1").read_text(encoding="utf-8-sig")


def _written(qtbot, window, path: Path) -> None:  # type: ignore[no-untyped-def]
    """The review job ends (on the event loop: the content is computed on a worker)."""
    qtbot.waitUntil(lambda: window.interop.review_job is None, timeout=60_000)
    assert path.exists(), _shown(window)


def test_review_report_from_the_file_menu_and_the_scenario_bar(
    qtbot, window, monkeypatch, tmp_path
):
    save_path = tmp_path / "design.json"
    from designer.persistence import load

    save(load(SAMPLE), save_path)
    window.open_file(save_path, ask=False)  # File > Open
    target = tmp_path / "review.html"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    _menu_action(window, "File", "Design Review Report…").trigger()
    # The menu returns at once: the sweep runs off the UI thread, the file comes later.
    job = window.interop.review_job
    assert job is not None and job.is_running() and not target.exists()
    _written(qtbot, window, target)
    page = target.read_text(encoding="utf-8")
    assert "Design review: " in page and "design.json" in page
    assert window.statusBar().currentMessage() == f"Review report written to {target}"
    # In simulation mode, the Report… button's menu offers it too.
    window.simulation.action.trigger()
    QApplication.processEvents()
    menu = window.simulation.bar.report_button.menu()
    texts = [a.text() for a in menu.actions()]
    assert texts == ["&Scenario report (HTML)…", "&Design review report (HTML or PDF)…"]
    pdf = tmp_path / "review.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(pdf), ""))
    )
    menu.actions()[1].trigger()
    _written(qtbot, window, pdf)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_review_report_cancel_writes_nothing(qtbot, window, monkeypatch, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    target = folder / "review.html"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    _menu_action(window, "File", "Design Review Report…").trigger()
    job = window.interop.review_job
    assert job is not None
    ended: list[str] = []
    job.cancelled.connect(lambda: ended.append("cancelled"))
    job.dialog.show()  # it shows itself after 400 ms; the sample is faster than that
    cancel = job.dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.interop.review_job is None, timeout=60_000)
    assert ended == ["cancelled"] and not target.exists()
    assert window.statusBar().currentMessage() == "Design review report cancelled"
    assert list(folder.iterdir()) == []  # no temporary file left behind


def test_review_report_to_an_unwritable_place_says_why(qtbot, window, monkeypatch, tmp_path):
    target = tmp_path / "missing-folder" / "review.html"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    _menu_action(window, "File", "Design Review Report…").trigger()
    qtbot.waitUntil(lambda: window.interop.review_job is None, timeout=60_000)
    assert not target.exists()
    assert _shown(window) and "review.html" in _shown(window)[-1]


def test_review_report_internal_error_says_so_once_and_ends(qtbot, window, monkeypatch, tmp_path):
    # The content is worked out in the report's own process (wave 30): a bug there, in
    # the content's code, is put there as Python starts it (a sitecustomize on its path).
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import designer.interop.review as review\n"
        "def broken(*args, **kwargs):\n"
        "    raise RuntimeError('boom')\n"
        "review.build_review = broken\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PYTHONPATH", str(hook))
    target = tmp_path / "review.html"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    _menu_action(window, "File", "Design Review Report…").trigger()
    qtbot.waitUntil(lambda: window.interop.review_job is None, timeout=60_000)
    assert not target.exists()
    assert len(_shown(window)) == 1 and "internal error (RuntimeError: boom)" in _shown(window)[0]
