"""Regenerate docs/screenshots/simulation-*.png: a failover at three moments.

QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/sim_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, QSettings, Qt
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from designer.persistence import load  # noqa: E402
from designer.ui.main_window import MainWindow  # noqa: E402
from designer.ui.session import EditorSession  # noqa: E402

#: (sample, element to fail, [(time, file suffix)], elements to frame or None for all)
SHOTS = [
    (
        "dag_with_ha",
        "esx-den-01",
        [(45.0, "1-host-failed"), (70.0, "2-databases-mounted"), (190.0, "3-ha-restarted")],
        None,
    ),
    (
        "three_site_stretched_dag",
        "site-bos",
        [(20.0, "1-site-lost"), (90.0, "2-failed-over")],
        ["site-bos", "site-wor"],
    ),
]


def main() -> None:
    app = QApplication.instance() or QApplication([])
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for sample, target, moments, frame in SHOTS:
            settings = QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat)
            window = MainWindow(
                EditorSession(load(ROOT / "sample_designs" / f"{sample}.json")),
                settings=settings,
                recovery_dir=Path(tmp) / "rec",
            )
            window.resize(1600, 1000)
            window.show()
            app.processEvents()
            mode = window.simulation
            mode.action.setChecked(True)
            app.processEvents()
            scene = window.view.design_scene
            area = scene.content_rect()
            if frame:
                area = QRectF()
                for element_id in frame:
                    rect = scene.rect_of(element_id)
                    if rect is not None:
                        area = area.united(rect)
            window.view.fitInView(
                area.adjusted(-40, -40, 40, 30), Qt.AspectRatioMode.KeepAspectRatio
            )
            mode.controller.click(target)
            mode.controller.pause()
            for t, suffix in moments:
                mode.controller.set_time(t)
                mode.overlay.settle()
                app.processEvents()
                path = out / f"simulation-{sample}-{suffix}.png"
                window.grab().save(str(path))
                print(path.relative_to(ROOT))
            window.session.undo_stack.setClean()
            window.close()


if __name__ == "__main__":
    main()
