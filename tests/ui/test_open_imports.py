"""What ``dr-designer gui FILE`` does before its first frame (issue 10, wave 19):

* PySide's import hook (``from __feature__ import …`` support, which read the source of
  every module imported after PySide6) is taken out by ``import designer.ui``: the
  interpreter's own ``__import__`` is back and no designer module is inspected.

Run in a child process through the console command's own function
(``designer.entry.main(["gui", FILE])``, PySide6 first imported by ``designer.ui`` as
there), so that nothing the test process already imported or built counts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "dag_with_ha.json"

CHILD = """
import builtins, json, os, sys
import designer.ui.app as door  # as the console command's gui does: PySide6 through it
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

report = {}

class Probe(QObject):
    def eventFilter(self, obj, event):
        view = obj.parent()
        if (
            event.type() == QEvent.Type.Paint
            and type(view).__name__ == "DesignView"
            and len(view.session.design.elements)  # the design's, not the empty window's
        ):
            QApplication.instance().removeEventFilter(self)
            feature = sys.modules["PySide6.support.feature"]
            report["hook off"] = builtins.__import__ is builtins.__orig_import__
            report["inspected"] = sorted(
                name for name in feature.pyside_feature_dict if name.startswith("designer")
            )
            print(json.dumps(report), flush=True)
            os._exit(0)
        return False

probe = Probe()
opened = door.open_window

def open_window(file):  # run_gui made the application: watch its first paint
    QApplication.instance().installEventFilter(probe)
    QTimer.singleShot(60000, lambda: os._exit(3))
    return opened(file)

door.open_window = open_window
from designer.entry import main
main(["gui", sys.argv[1]])
"""


def run_child(tmp_path: Path, cache: Path) -> dict[str, object]:
    """The child's report; ``tmp_path`` its user's home (the child leaves its edit to
    the recovery journal there: a second start in it would offer it, in a dialog)."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "DR_DESIGNER_CACHE_DIR": str(cache),  # the schema cache: empty at first
        "DR_DESIGNER_LOG_DIR": str(tmp_path / "logs"),
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(SAMPLE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_gui_door_inspects_no_module_before_its_first_frame(
    tmp_path: Path,
) -> None:
    result = run_child(tmp_path, tmp_path / "cache")
    assert result["hook off"] is True
    assert result["inspected"] == []  # no designer module's source read by PySide's hook
