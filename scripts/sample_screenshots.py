"""Screenshots of every bundled sample at Fit to Window, opened the user's way.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/sample_screenshots.py SUFFIX [SAMPLE…]

``SHOTS_DIR`` in the environment writes elsewhere (a look while working).

Each sample is opened with ``dr-designer gui FILE`` (the console command's own
function, its blocking event loop replaced by a short one), in a 1600×1000 window with
fresh settings, then View > Fit to Window is triggered and the window grabbed to
``docs/screenshots/samples/<sample>-<SUFFIX>.png`` (``before`` and ``after`` of issue 13).
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
OUT = Path(os.environ.get("SHOTS_DIR") or ROOT / "docs" / "screenshots" / "samples")


def main(argv: list[str]) -> None:
    suffix = argv[0] if argv else "after"
    wanted = set(argv[1:])
    home = Path(tempfile.mkdtemp(prefix="dr-shots-"))
    os.environ["HOME"] = str(home)
    os.environ["XDG_CONFIG_HOME"] = str(home / ".config")
    os.environ["XDG_DATA_HOME"] = str(home / ".local/share")
    os.environ["DR_DESIGNER_LOG_DIR"] = str(home / "logs")
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(home / ".config")
    )
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    QApplication.exec = staticmethod(lambda *_: 0)  # type: ignore[method-assign]
    (script,) = entry_points(group="console_scripts", name="dr-designer")
    console = script.load()
    OUT.mkdir(parents=True, exist_ok=True)
    from designer.ui.main_window import MainWindow

    for sample in sorted((ROOT / "sample_designs").glob("*.json")):
        if wanted and sample.stem not in wanted:
            continue
        before = set(map(id, QApplication.topLevelWidgets()))
        console(["gui", str(sample)])
        window = next(
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and id(w) not in before
        )
        window.resize(1600, 1000)
        for _ in range(20):
            app.processEvents()
            time.sleep(0.01)
        window.act_zoom_fit.trigger()
        for _ in range(20):
            app.processEvents()
            time.sleep(0.01)
        path = OUT / f"{sample.stem}-{suffix}.png"
        window.grab().save(str(path))
        print(path, f"zoom {window.view.scale_factor * 100:.0f} %")
        window.session.undo_stack.setClean()
        window.close()
        window.deleteLater()
        app.processEvents()


if __name__ == "__main__":
    main(sys.argv[1:])
