"""Regenerate docs/screenshots/availability-*.png: the Availability dock and the cut-set
outline on the three-site sample, with illustrative failure figures.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/availability_screenshots.py

The window is opened on the sample, the figures set (one undo step, as the Failure
figures dialog does), the dock shown, Compute run (cut sets and 2,000 years of Monte
Carlo) and DB01 selected: its cut sets are listed and outlined, the chart shows its
elements' importance. The figures are made up for the picture (no source publishes
any); the panel says so.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from designer.document import SetReliability  # noqa: E402
from designer.domain import KindFigures, ReliabilitySettings  # noqa: E402
from designer.persistence import load  # noqa: E402
from designer.ui.main_window import MainWindow  # noqa: E402
from designer.ui.session import EditorSession  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
FIGURES = ReliabilitySettings(
    kinds={
        "site": KindFigures(mtbf_h=20_000.0, mttr_h=48.0, source="illustration"),
        "wan_link": KindFigures(mtbf_h=4_000.0, mttr_h=8.0, source="illustration"),
        "esxi_host": KindFigures(mtbf_h=10_000.0, mttr_h=8.0, source="illustration"),
        "storage_array": KindFigures(mtbf_h=20_000.0, mttr_h=12.0, source="illustration"),
        "storage_processor": KindFigures(mtbf_h=10_000.0, mttr_h=6.0, source="illustration"),
        "load_balancer": KindFigures(mtbf_h=8_000.0, mttr_h=4.0, source="illustration"),
        "file_share_witness": KindFigures(mtbf_h=5_000.0, mttr_h=8.0, source="illustration"),
        "cas_array": KindFigures(mtbf_h=8_000.0, mttr_h=4.0, source="illustration"),
    }
)


def settle(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main() -> None:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "shot.ini"), QSettings.Format.IniFormat)
        session = EditorSession(load(ROOT / "sample_designs" / "three_site_stretched_dag.json"))
        window = MainWindow(session, settings=settings, recovery_dir=Path(tmp) / "recovery")
        window.resize(1600, 1000)
        window.show()
        app.processEvents()
        session.push(SetReliability(FIGURES))
        feature = window.availability  # type: ignore[attr-defined]
        feature.show()
        window.resizeDocks([feature.dock], [420], Qt.Orientation.Vertical)
        feature.panel.years.setValue(2000)
        feature.panel.compute()
        deadline = time.monotonic() + 300
        while feature.model.running and time.monotonic() < deadline:
            settle(app, 0.2)
        session.set_selection(["db-db01"])
        view = window.view
        view.zoom_fit()
        settle(app, 1.0)
        path = OUT / "availability-window.png"
        window.grab().save(str(path))
        print(path.relative_to(ROOT))
        panel_path = OUT / "availability-panel.png"
        feature.dock.grab().save(str(panel_path))
        print(panel_path.relative_to(ROOT))
        session.undo_stack.setClean()
        window.close()


if __name__ == "__main__":
    main()
