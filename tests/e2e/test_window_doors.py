"""The window as ``dr-designer gui`` opens it: icon, version, About, the log folder, the
bundled samples, a file dropped on the window, a ``$schema`` key, and the exception
hook's dialog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from designer import version
from designer.bundled import sample_names
from designer.persistence import load
from designer.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
DAG_WITH_HA = ROOT / "sample_designs" / "dag_with_ha.json"
CX4_SRM = ROOT / "sample_designs" / "cx4_srm_mirrorview_s.json"


def test_window_icon_and_version(launch) -> None:  # type: ignore[no-untyped-def]
    window = launch(DAG_WITH_HA)
    assert window.windowTitle() == f"dag_with_ha.json[*] — DR Designer {version()}"
    icon = window.windowIcon()
    assert not icon.isNull() and not QApplication.windowIcon().isNull()
    image = icon.pixmap(48, 48).toImage()
    assert image.pixelColor(24, 4).blue() > image.pixelColor(24, 4).red(), "the blue tile"
    assert QApplication.applicationVersion() == version()


def test_a_file_as_the_only_argument_opens_in_the_window(launch) -> None:  # type: ignore[no-untyped-def]
    window = launch.run(DAG_WITH_HA)  # dr-designer dag_with_ha.json
    assert window.session.path == DAG_WITH_HA.resolve()


def test_about_names_the_version_and_the_log_file(launch, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "about", staticmethod(lambda parent, title, text: shown.append(text))
    )
    window = launch(DAG_WITH_HA)
    window.help_menu.aboutToShow.emit()
    (about,) = [a for a in window.help_menu.actions() if a.text() == "&About DR Designer"]
    about.trigger()
    assert f"DR Designer {version()}" in shown[0]
    assert str(launch.log_dir / "dr-designer.log") in shown[0]


def test_help_about_never_blocks_a_test(launch, no_modal_dialogs) -> None:  # type: ignore[no-untyped-def]
    # Help > About is a modal QMessageBox.about: unrecorded, it waited for a click that
    # never comes and hung the run. A safety net closes it, so the test fails instead.
    window = launch(DAG_WITH_HA)

    def close_a_real_dialog() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None:
            modal.close()

    QTimer.singleShot(3000, close_a_real_dialog)
    window.act_about.trigger()
    assert [kind for kind, _text in no_modal_dialogs] == ["about"]
    assert f"DR Designer {version()}" in no_modal_dialogs[0][1]


def test_help_shows_the_log_folder(launch, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile()))
    )
    window = launch(DAG_WITH_HA)
    window.act_log_folder.trigger()  # Help > Show Log Folder
    assert opened == [str(launch.log_dir)]
    assert (launch.log_dir / "dr-designer.log").is_file()


def test_the_bundled_samples_open_as_unsaved_copies(launch) -> None:  # type: ignore[no-untyped-def]
    window = launch(DAG_WITH_HA)
    window.samples_menu.aboutToShow.emit()
    actions = {a.data(): a for a in window.samples_menu.actions()}
    assert set(actions) == set(sample_names()) and len(actions) == 12
    titles = [a.text() for a in window.samples_menu.actions()]
    assert titles == sorted(titles, key=str.lower)
    assert actions["cx4_srm_mirrorview_s"].text() == load(CX4_SRM).name
    actions["cx4_srm_mirrorview_s"].trigger()
    assert window.session.document.get("site-phl") is not None
    assert window.session.path is None, "Save asks where: the installed sample stays"
    assert window.windowTitle().startswith(f"{window.session.design.name} (unsaved)")


def _drop_file(window: MainWindow, path: Path, where: QPoint) -> None:
    """Drag ``path`` from a file manager and release it over ``where`` on the canvas."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    viewport = window.view.viewport()
    copy, left, none = (
        Qt.DropAction.CopyAction,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(where, copy, mime, left, none)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted(), "the window takes a dragged file"
    QApplication.sendEvent(viewport, QDragMoveEvent(where, copy, mime, left, none))
    drop = QDropEvent(QPointF(where), copy, mime, left, none)
    QApplication.sendEvent(viewport, drop)
    assert drop.isAccepted()


def test_a_file_dropped_on_the_window_opens(launch, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = launch(DAG_WITH_HA)
    before = window.session.undo_stack.count()
    _drop_file(window, CX4_SRM, window.view.viewport().rect().center())
    qtbot.waitUntil(lambda: window.session.path == CX4_SRM.resolve(), timeout=5000)
    assert window.session.document.get("site-phl") is not None
    assert window.session.undo_stack.count() == before == 0, "opened, not added"
    assert str(CX4_SRM.resolve()) == window.recent.paths()[0]


def test_a_dropped_non_design_file_says_why(launch, qtbot, tmp_path, no_modal_dialogs) -> None:  # type: ignore[no-untyped-def]
    window = launch(DAG_WITH_HA)
    picture = tmp_path / "holiday.png"
    QImage(4, 4, QImage.Format.Format_RGB32).save(str(picture))
    _drop_file(window, picture, QPoint(50, 50))
    qtbot.waitUntil(lambda: bool(no_modal_dialogs), timeout=5000)
    kind, text = no_modal_dialogs[-1]
    assert kind == "critical" and "holiday.png" in text
    assert window.session.path == DAG_WITH_HA.resolve(), "the design stays open"


def test_a_design_with_a_schema_key_opens(launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = {"$schema": "https://example.org/design-file.schema.json"}
    data.update(json.loads(DAG_WITH_HA.read_text()))
    path = tmp_path / "with-schema.drd.json"
    path.write_text(json.dumps(data))
    window = launch(path)
    assert window.session.path == path.resolve()
    assert window.session.document.get("site-den") is not None


@pytest.mark.qt_no_exception_capture
def test_an_error_in_the_window_shows_a_dialog_with_the_log_file(  # type: ignore[no-untyped-def]
    launch, qtbot, monkeypatch, no_modal_dialogs, capsys
) -> None:
    """The hook is active while ``dr-designer gui`` runs its event loop: an exception in
    a slot (here: Fit to Window, Ctrl+0) is logged and shown; the window lives on."""

    def broken(*args: object) -> None:
        raise RuntimeError("the canvas could not fit")

    outcome: list[str] = []

    def user(window: MainWindow) -> None:
        try:
            qtbot.waitExposed(window)
            window.activateWindow()  # shortcuts reach the active window only
            qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
            monkeypatch.setattr(window.view, "fitInView", broken)  # used by Fit to Window
            window.view.setFocus()
            QTest.keyClick(
                window.view.viewport(), Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier
            )
            qtbot.waitUntil(lambda: bool(no_modal_dialogs), timeout=5000)
            outcome.append("dialog")
            assert window.isVisible()
        finally:
            window.close()

    assert launch.with_event_loop(user, DAG_WITH_HA) == 0
    assert outcome == ["dialog"]
    kind, text = no_modal_dialogs[0]
    assert kind == "critical"
    assert "RuntimeError: the canvas could not fit" in text
    log = launch.log_dir / "dr-designer.log"
    assert str(log) in text
    assert "Traceback (most recent call last)" in log.read_text()
    assert "the canvas could not fit" in capsys.readouterr().err, "stderr still has it"


def test_saving_a_sample_whose_name_has_a_slash_suggests_a_file_that_can_be_saved(  # type: ignore[no-untyped-def]
    launch, monkeypatch, tmp_path, no_modal_dialogs
) -> None:
    # "Exchange 2007 on CX4 with SRM and MirrorView/S": Save proposed "…MirrorView/S.json",
    # the file S.json in a folder that does not exist; accepting it failed to save.
    window = launch(DAG_WITH_HA)
    window.samples_menu.aboutToShow.emit()
    actions = {a.data(): a for a in window.samples_menu.actions()}
    actions["cx4_srm_mirrorview_s"].trigger()  # File > Open Sample
    assert "/" in window.session.design.name
    monkeypatch.chdir(tmp_path)
    suggested: list[str] = []

    def accept_the_suggestion(_parent, _title, start, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        suggested.append(Path(start))
        return str(tmp_path / Path(start).name), ""  # the name as suggested, in tmp_path

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(accept_the_suggestion))
    window.act_export_png.trigger()  # File > Export > Export as PNG…
    assert window.save()  # File > Save of an unsaved copy asks where
    assert [p.name for p in suggested] == [
        "Exchange 2007 on CX4 with SRM and MirrorView-S.png",
        "Exchange 2007 on CX4 with SRM and MirrorView-S.drd.json",
    ]
    # Not the folder the program started from, nor the bundled samples' folder that the
    # file opened before lies in (eyes20 #7): the user's Documents folder, or home.
    (folder,) = {p.parent for p in suggested}
    assert folder not in (DAG_WITH_HA.resolve().parent, tmp_path)
    assert folder in (Path.home(), Path.home() / "Documents")
    assert no_modal_dialogs == []
    assert not QImage(str(tmp_path / suggested[0].name)).isNull()
    assert load(tmp_path / suggested[1].name).name == window.session.design.name
