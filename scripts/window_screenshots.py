"""Regenerate docs/screenshots/main_window_*.png: the designer window on sample designs.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/window_screenshots.py

Each shot opens a sample in the real window at 1600×1000, optionally makes an edit that
raises a finding (so the Problems panel and the canvas markers show), selects an element
and grabs the window. ``main-window-three-site.png`` (README) is a copy of the three-site
shot.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from designer.document import SetProperty  # noqa: E402
from designer.persistence import load  # noqa: E402
from designer.ui.main_window import MainWindow  # noqa: E402
from designer.ui.session import EditorSession  # noqa: E402

OUT = ROOT / "docs" / "screenshots"

#: file stem → sample, edits (element, field, value), selection, dark, zoom and centre
SHOTS: dict[str, dict[str, Any]] = {
    "main_window_three_site_stretched_dag": {"sample": "three_site_stretched_dag", "zoom": 0.45},
    "main_window_cx4_srm_mirrorview_findings": {
        "sample": "cx4_srm_mirrorview_s",
        "edits": [
            ("mv-phl-mbx01-os", "write_intent_log", False),
            ("vm-phl-mbx01", "mailboxes", 6000),
        ],
        "select": ["mv-phl-mbx01-os"],
        "zoom": 0.62,
    },
    "main_window_dag_with_ha_dark": {
        "sample": "dag_with_ha",
        "edits": [("vm-den-mbx01", "mailboxes", 6000)],
        "dark": True,
    },
}


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, color in {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e0e0e0",
        QPalette.ColorRole.Base: "#1e1e1e",
        QPalette.ColorRole.AlternateBase: "#262626",
        QPalette.ColorRole.Text: "#e0e0e0",
        QPalette.ColorRole.Button: "#333333",
        QPalette.ColorRole.ButtonText: "#e0e0e0",
        QPalette.ColorRole.Highlight: "#3d8ee6",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#333333",
        QPalette.ColorRole.ToolTipText: "#e0e0e0",
        QPalette.ColorRole.PlaceholderText: "#8a8a8a",
    }.items():
        palette.setColor(role, QColor(color))
    return palette


def shoot(app: QApplication, tmp: Path, stem: str, spec: dict[str, Any]) -> Path:
    light = app.palette()
    if spec.get("dark"):
        app.setPalette(dark_palette())
    settings = QSettings(str(tmp / f"{stem}.ini"), QSettings.Format.IniFormat)
    session = EditorSession(load(ROOT / "sample_designs" / f"{spec['sample']}.json"))
    window = MainWindow(session, settings=settings, recovery_dir=tmp / "recovery")
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    for element_id, field, value in spec.get("edits", []):
        session.push(SetProperty(element_id, field, value))
    view = window.view
    view.zoom_fit()
    if "zoom" in spec:
        view.set_zoom(spec["zoom"])
        bounds = view.design_scene.content_rect()
        visible = view.mapToScene(view.viewport().rect()).boundingRect()
        view.centerOn(
            bounds.left() - 20 + visible.width() / 2, bounds.top() - 40 + visible.height() / 2
        )
    if spec.get("select"):
        session.set_selection(spec["select"])
    for _ in range(50):  # the rule check runs on a worker: let its findings arrive
        app.processEvents()
        time.sleep(0.02)
    path = OUT / f"{stem}.png"
    window.grab().save(str(path))
    session.undo_stack.setClean()
    window.close()
    if spec.get("dark"):
        app.setPalette(light)
    return path


def main() -> None:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for stem, spec in SHOTS.items():
            print(shoot(app, Path(tmp), stem, spec).relative_to(ROOT))
    readme = OUT / "main-window-three-site.png"
    shutil.copyfile(OUT / "main_window_three_site_stretched_dag.png", readme)
    print(readme.relative_to(ROOT))


if __name__ == "__main__":
    main()
