"""Regenerate docs/screenshots/import-calculator-rvtools.png: a design imported from the
Role Requirements Calculator's CSVs, then an RVTools workbook imported into it
(docs/interop.md).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/import_screenshots.py

The calculator's v7.6 exports (tests/interop/data/calculator, from dsccommunity/
ExchangeDsc) are imported by ``dr-designer import calculator``, then the RVTools-shaped
workbook the import tests build (tests/interop/test_interop_imports.py: two sites, four
hosts, their clusters and datastores, the servers' disks and RDMs, a VM with a bad CPU
count) by ``dr-designer import rvtools --into``; the design is opened by File > Open in a
1600 × 1000 window with fresh settings, fitted to the window, its check reported, and
the window grabbed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from importlib.metadata import entry_points
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "interop"))

from test_interop_imports import rvtools_workbook  # noqa: E402

from designer.ui.main_window import MainWindow  # noqa: E402

OUT = Path(os.environ.get("SHOTS_DIR") or ROOT / "docs" / "screenshots")
CALCULATOR = ROOT / "tests" / "interop" / "data" / "calculator"
SOURCES = ("MailboxDatabasesV7.6.csv", "MailboxDatabaseCopiesV7.6.csv", "ServersV7.6.csv")


def _command(*args: str) -> None:
    (script,) = entry_points(group="console_scripts", name="dr-designer")
    code = script.load()(list(args))
    if code != 0:
        sys.exit(f"import_screenshots: dr-designer {' '.join(args)} exited {code}")


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        design = tmp / "imported.json"
        _command("import", "calculator", *(str(CALCULATOR / s) for s in SOURCES), "-o", str(design))
        workbook = rvtools_workbook(tmp / "RVTools_export.xlsx")
        _command("import", "rvtools", str(workbook), "--into", str(design), "-o", str(design))
        settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings, recovery_dir=tmp / "recovery")
        window.resize(1600, 1000)
        window.show()
        app.processEvents()
        window.open_file(design, ask=False)
        window.session.wait_for_findings()
        window.view.zoom_fit()
        for _ in range(50):  # the findings' rows and marks, the lines' routes
            app.processEvents()
            time.sleep(0.02)
        OUT.mkdir(parents=True, exist_ok=True)
        shot = OUT / "import-calculator-rvtools.png"
        window.grab().save(str(shot))
        window.session.undo_stack.setClean()
        window.close()
    print(f"wrote {shot}")


if __name__ == "__main__":
    main()
