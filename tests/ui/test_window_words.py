"""What the window says, through the user's doors (``dr-designer gui FILE``, F5): a
file that cannot open stays named in the status bar once its dialog is closed; the
status bar counts findings in the Problems dock's words; the timeline's mailbox axis
writes counts with thousands separators as the rest of the window does."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QToolButton

from benchmarks.generate import generate_design
from designer.persistence import dumps

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def test_a_file_that_cannot_open_stays_named_in_the_status_bar(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path, no_modal_dialogs
):
    """``dr-designer gui broken.json``: the "Cannot open design" dialog, and once it is
    closed the status bar still says which file did not open and why (it said nothing:
    the window showed an empty design)."""
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    window = launch(broken)
    assert no_modal_dialogs and no_modal_dialogs[0][0] == "critical"
    assert "broken.json" in no_modal_dialogs[0][1]
    qtbot.wait(1000)  # the window's first turns (and the 6 s of a passing message) go by
    message = window.statusBar().currentMessage()
    assert message.startswith("Could not open broken.json: not valid JSON at line 1")
    assert str(tmp_path) not in message  # the file's name, not its folder again
    missing = tmp_path / "missing.json"
    assert not window.open_file(missing, ask=False)
    message = window.statusBar().currentMessage()
    assert message.startswith("Could not open missing.json: ") and "no such file" in message


def test_the_status_bar_counts_findings_in_the_problems_docks_words(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    """It said "0 notes" where the Problems dock (and README, and ``check``'s summary)
    says "info"."""
    window = launch(SAMPLES / "exchange2007_lcr_ccr_scr.json")  # one warning
    label = window.findChild(QLabel, "FindingsLabel")
    qtbot.waitUntil(lambda: "1 warning" in label.text(), timeout=5000)
    assert label.text() == "0 errors · 1 warning · 0 info"
    problems = window.findChild(QDockWidget, "ProblemsDock")
    toggles = [b.text() for b in problems.findChildren(QToolButton)]
    assert "0 info" in toggles and "1 warning" in toggles


def test_the_timeline_writes_mailbox_counts_with_thousands_separators(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path
):
    """The mailbox axis read "20000" at 1k, "400000" at 25k and "2e+06" at 100k."""
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(1000, seed=0)), encoding="utf-8")  # 19,823
    window = launch(path)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_F5)
    controller = window.simulation.controller
    qtbot.waitUntil(lambda: controller.ready, timeout=10000)
    view = window.view
    rect = view.design_scene.rect_of("site-01")  # DC01: a failure to chart
    view.ensureVisible(rect, 10, 10)
    point = view.mapFromScene(rect.topLeft()) + QPoint(40, 8)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: controller.result is not None, timeout=10000)
    timeline = window.simulation.timeline
    timeline.graphics.grab()  # laid out and painted: the axis has its range
    axis = timeline.mailbox_plot.getAxis("left")
    qtbot.waitUntil(lambda: axis.range[1] > 19_823, timeout=5000)
    shown = [
        text
        for spacing, values in axis.tickValues(axis.range[0], axis.range[1], axis.height())
        for text in axis.tickStrings(values, axis.autoSIPrefixScale, spacing)
    ]
    assert "20,000" in shown or "10,000" in shown, shown
    assert not any("e+" in text or (len(text) > 3 and "," not in text) for text in shown), shown
    # What 100k's axis shows (two million mailboxes), by the same axis.
    assert axis.tickStrings([0.0, 1e6, 2e6], axis.autoSIPrefixScale, 1e6) == [
        "0",
        "1,000,000",
        "2,000,000",
    ]
