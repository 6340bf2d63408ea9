"""Regenerate docs/screenshots/capacity-*.png: capacity in the window (issue 11).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/capacity_screenshots.py

- ``capacity-dock.png``: the Exchange 2007 sample with the Capacity dock raised, the
  BEL-POR line's streams per mode (over its 20 Mbit/s once Redmond is lost) and the
  mailbox servers' table; the canvas draws each WAN link in its worst mode.
- ``capacity-canvas-normal.png``: the stretched-DAG sample's canvas with its WAN link
  drawn by its utilisation in normal operation.
- ``capacity-canvas-degraded.png``: the same in simulation mode after its ATL-CLT link
  was cut to 5 % of its bandwidth: the copies across queue, the link is drawn red.
- ``capacity-plan-copies.png``: the copy-layout preview in the Databases panel.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDockWidget

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from designer.persistence import load  # noqa: E402
from designer.ui.main_window import MainWindow  # noqa: E402
from designer.ui.panels.capacity import CapacityPanel  # noqa: E402
from designer.ui.panels.databases import DatabasesPanel  # noqa: E402
from designer.ui.session import EditorSession  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SAMPLES = ROOT / "sample_designs"


def settle(app: QApplication, seconds: float = 1.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def open_window(app: QApplication, tmp: Path, sample: str) -> MainWindow:
    settings = QSettings(str(tmp / f"{sample}.ini"), QSettings.Format.IniFormat)
    session = EditorSession(load(SAMPLES / f"{sample}.json"))
    window = MainWindow(session, settings=settings, recovery_dir=tmp / "recovery")
    window.resize(1600, 1000)
    window.show()
    settle(app, 0.3)
    window.view.zoom_fit()
    return window


def dock(window: MainWindow, name: str) -> QDockWidget:
    found = next(d for d in window.docks if d.objectName() == name)
    found.show()
    found.raise_()
    return found


def main() -> None:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        window = open_window(app, tmp, "exchange2007_lcr_ccr_scr")
        panel = dock(window, "CapacityDock").widget()
        assert isinstance(panel, CapacityPanel)
        window.resizeDocks([dock(window, "CapacityDock")], [380], _vertical())
        panel.controller.wait()
        panel.canvas_combo.setCurrentIndex(panel.canvas_combo.findData("worst"))
        settle(app)
        window.grab().save(str(OUT / "capacity-dock.png"))
        window.close()

        window = open_window(app, tmp, "stretched_dag_lagged")
        capacity = dock(window, "CapacityDock").widget()
        assert isinstance(capacity, CapacityPanel)
        capacity.controller.wait()
        settle(app)
        window.view.grab().save(str(OUT / "capacity-canvas-normal.png"))
        window.simulation.action.setChecked(True)
        app.processEvents()
        controller = window.simulation.controller
        controller.wait_until_ready()
        controller.degrade_link("wan-atl-clt", bandwidth_mbps=50.0)
        controller.wait_until_ready()
        controller.pause()
        controller.set_time(controller.duration)
        settle(app)
        window.grab().save(str(OUT / "capacity-canvas-degraded.png"))
        window.simulation.action.setChecked(False)
        window.session.undo_stack.setClean()
        window.close()

        window = open_window(app, tmp, "three_site_stretched_dag")
        databases = dock(window, "DatabasesDock").widget()
        assert isinstance(databases, DatabasesPanel)
        window.resizeDocks([dock(window, "DatabasesDock")], [420], _vertical())
        databases.start_plan()
        databases.plan.databases.setValue(8)
        settle(app, 0.5)
        databases.grab().save(str(OUT / "capacity-plan-copies.png"))
        databases.plan.cancel_button.click()
        window.session.undo_stack.setClean()
        window.close()
    for stem in ("dock", "canvas-normal", "canvas-degraded", "plan-copies"):
        print(f"docs/screenshots/capacity-{stem}.png")


def _vertical():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.Orientation.Vertical


if __name__ == "__main__":
    main()
