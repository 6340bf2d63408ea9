"""Hostile input through the window's own doors (issue 15): names are shown as plain
text, never as HTML; a FIFO chosen in File > Open is refused at once."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from test_canvas_support import click, ini_settings, small_design

from designer.persistence import save
from designer.ui.main_window import MainWindow
from designer.ui.panels import InspectorPanel
from designer.ui.session import EditorSession

IMG_NAME = '<img src="/etc/hostname"><b>bold</b>&amp;'


@pytest.fixture
def window(qtbot, tmp_path):
    w = MainWindow(EditorSession(), settings=ini_settings(tmp_path), recovery_dir=tmp_path / "r")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    QApplication.processEvents()
    return w


def open_through_the_menu(w: MainWindow, monkeypatch, path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    w.act_open.trigger()


def test_the_inspector_shows_an_html_name_as_plain_text(window, tmp_path, monkeypatch):
    design = small_design()
    elements = [
        e.model_copy(update={"name": IMG_NAME}) if e.id == "vm-b1" else e for e in design.elements
    ]
    path = tmp_path / "html.json"
    save(design.model_copy(update={"elements": elements}), path)
    open_through_the_menu(window, monkeypatch, path)
    window.view.set_zoom(1.0)
    window.view.centerOn(300, 200)
    QApplication.processEvents()
    click(window.view, (100, 82))
    assert window.session.selection == ["vm-b1"]
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None
    assert inspector.header.textFormat() == Qt.TextFormat.PlainText
    assert inspector.header.text() == IMG_NAME  # shown as typed, nothing interpreted
    assert inspector.header_detail.textFormat() == Qt.TextFormat.PlainText
    assert "vm-b1" in inspector.header_detail.text()


def test_file_open_of_a_fifo_is_refused_at_once(window, tmp_path, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda p, title, text, *a, **k: shown.append(text))
    )
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    answered = threading.Event()
    freed: list[bool] = []

    def unblock() -> None:
        """Frees a loader that waits for the FIFO's writer (the old behaviour) if the
        open has not answered by then: a hang's bound, not a timing (a loaded machine's
        slow answer never comes near it; a refusal that waits never answers)."""
        if not answered.wait(60):
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
                freed.append(True)

    watchdog = threading.Thread(target=unblock, daemon=True)
    watchdog.start()
    before = window.session.design
    open_through_the_menu(window, monkeypatch, fifo)
    answered.set()
    watchdog.join()
    assert not freed, "the open waited for a writer of the FIFO"
    assert shown and "FIFO" in shown[-1] and "pipe.json" in shown[-1]
    assert window.session.design is before


def test_the_scenario_report_escapes_names_and_refuses_a_read_only_file(
    qtbot, tmp_path, monkeypatch
):
    from html.parser import HTMLParser

    from designer.persistence import load

    sample = load(Path(__file__).resolve().parents[2] / "sample_designs" / "dag_with_ha.json")
    hostile = [
        e.model_copy(update={"name": f"{e.name}<img src=x onerror=alert(1)><script>x</script>"})
        for e in sample.elements
    ]
    # Built around the design: File > Open before simulation mode hits the overlay bug
    # that issue 8 fixes (the overlay is deleted with the old scene).
    w = MainWindow(
        EditorSession(sample.model_copy(update={"elements": hostile})),
        settings=ini_settings(tmp_path),
        recovery_dir=tmp_path / "r",
    )
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    controller = w.simulation.controller
    controller.set_active(True)
    controller.wait_until_ready()
    host = next(e.id for e in w.session.design.elements if e.kind == "esxi_host")
    controller.click(host)  # what a click on the canvas does in simulation mode
    controller.pause()
    controller.set_time(controller.duration)
    report = w.simulation.scenarios.export_report(str(tmp_path / "report.html"))
    assert report is not None
    text = report.read_text(encoding="utf-8")

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []

        def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
            self.tags.append(tag)

    parser = Tags()
    parser.feed(text)
    assert "script" not in parser.tags
    assert parser.tags.count("img") == text.count("data:image/png;base64,")
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    read_only = tmp_path / "ro.html"
    read_only.write_text("keep")
    read_only.chmod(0o444)
    assert w.simulation.scenarios.export_report(str(read_only)) is None
    assert read_only.read_text() == "keep"
    w.simulation.controller.set_active(False)
    w.recovery.journal.close()
