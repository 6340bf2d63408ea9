"""What ``dr-designer gui FILE`` does before its first frame (issue 10, wave 19):

* PySide's import hook (``from __feature__ import …`` support, which read the source of
  every module imported after PySide6) is taken out by ``import designer.ui``: the
  interpreter's own ``__import__`` is back and no designer module is inspected;
* the domain's models are not built before the first frame (the empty design is made
  without validation, the loader validates with the schema cache's validator) and are
  all built after it, in idle slices; an edit made before they are built works.

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

from gui_door import user_folders

from designer.domain.design import Design, RuleSettings, empty_design, unvalidated_default
from designer.domain.workload import CapacitySettings

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "dag_with_ha.json"

CHILD = (
    """
import builtins, json, os, sys
import designer.ui.app as door  # as the console command's gui does: PySide6 through it
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

def domain_models():
    from designer.domain import design, elements, reliability, workload
    from pydantic import BaseModel
    return [
        v for m in (workload, reliability, elements, design) for v in vars(m).values()
        if isinstance(v, type) and issubclass(v, BaseModel) and v.__module__ == m.__name__
    ]

def window():
    app = QApplication.instance()
    return next(w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow")

report = {}

def at_first_frame(view):
    feature = sys.modules["PySide6.support.feature"]
    report["hook off"] = builtins.__import__ is builtins.__orig_import__
    report["inspected"] = sorted(
        name for name in feature.pyside_feature_dict if name.startswith("designer")
    )
    report["built at first frame"] = sorted(
        m.__name__ for m in domain_models() if m.__pydantic_complete__
    )
    report["import report at first frame"] = "designer.interop.report" in sys.modules
    inspector = next(
        w for w in window().findChildren(QObject) if type(w).__name__ == "InspectorPanel"
    )
    report["capacity editors at first frame"] = len(inspector.capacity_editors)
    QTimer.singleShot(0, edit_then_wait)

def edit_then_wait():
    from designer.document.commands import Rename
    win = window()
    element = win.session.design.elements[0]
    win.session.push(Rename(element.id, element.name, element.name + "-X"))
    report["renamed"] = win.session.design.elements[0].name == element.name + "-X"
    QTimer.singleShot(0, wait_for_models)

def wait_for_models():
    models = domain_models()
    if any(not m.__pydantic_complete__ for m in models):
        QTimer.singleShot(20, wait_for_models)
        return
    report["all built after"] = len(models)
    print(json.dumps(report), flush=True)
    os._exit(0)
"""
    + (
        # The child's door and watch (shared): `dr-designer gui FILE` through the console
        # command's function, at_first_frame(view) at the opened design's first paint.
        FIRST_FRAME := """
class Probe(QObject):
    def eventFilter(self, obj, event):
        view = obj.parent()
        if (
            event.type() == QEvent.Type.Paint
            and type(view).__name__ == "DesignView"
            and len(view.session.design.elements)  # the design's, not the empty window's
        ):
            QApplication.instance().removeEventFilter(self)
            at_first_frame(view)
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
    )
)


def run_child(tmp_path: Path, cache: Path, child: str = CHILD) -> dict[str, object]:
    """The child's report (its last line, JSON); ``tmp_path`` its user's folders (the
    child leaves its edit to the recovery journal there: a second start in them would
    offer it, in a dialog)."""
    env = {
        **os.environ,
        **user_folders(tmp_path),
        "QT_QPA_PLATFORM": "offscreen",
        "DR_DESIGNER_CACHE_DIR": str(cache),  # the schema cache: empty at first
    }
    done = subprocess.run(
        [sys.executable, "-c", child, str(SAMPLE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_gui_door_builds_no_model_and_inspects_no_module_before_its_first_frame(
    tmp_path: Path,
) -> None:
    result = run_child(tmp_path, tmp_path / "cache")
    assert result["hook off"] is True
    assert result["inspected"] == []  # no designer module's source read by PySide's hook
    assert result["built at first frame"] == []
    # Wave 20: File > Import's report (dataclasses, csv) and the Inspector's closed
    # capacity figures are made on first use, not before the first frame.
    assert result["import report at first frame"] is False
    assert result["capacity editors at first frame"] == 0
    assert result["renamed"] is True  # an edit before the models' slices: built on use
    assert isinstance(result["all built after"], int) and result["all built after"] > 30


def test_the_same_with_a_warm_schema_cache(tmp_path: Path) -> None:
    """The second start reads the design file's validator from the schema cache."""
    cache = tmp_path / "cache"
    run_child(tmp_path / "first", cache)
    assert list(cache.glob("*-" + "?" * 32 + ".marshal"))  # the first start wrote the schema cache
    result = run_child(tmp_path / "second", cache)
    assert result["built at first frame"] == []
    # Wave 20: File > Import's report (dataclasses, csv) and the Inspector's closed
    # capacity figures are made on first use, not before the first frame.
    assert result["import report at first frame"] is False
    assert result["capacity editors at first frame"] == 0
    assert result["renamed"] is True


def test_the_empty_design_is_the_validated_one() -> None:
    made = empty_design()
    assert made == Design()
    assert made.model_fields_set == Design().model_fields_set == set()
    assert made.model_dump_json() == Design().model_dump_json()
    assert [type(made.intent), type(made.rules)] == [type(Design().intent), RuleSettings]
    assert unvalidated_default(RuleSettings) == RuleSettings()
    assert unvalidated_default(CapacitySettings) == CapacitySettings()


def test_the_rules_table_is_made_when_first_shown(qtbot, launch) -> None:  # type: ignore[no-untyped-def]
    """The Problems panel's Rules page (every rule's module, a row per rule) is not made
    before the window's first frame; Alt+5 (the Rules button's key) shows it whole."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QDockWidget

    from designer.rules.engine import load_all_rules
    from designer.ui.panels.problems import ProblemsPanel

    window = launch(SAMPLE)
    dock = window.findChild(QDockWidget, "ProblemsDock")
    problems = dock.widget()
    assert isinstance(problems, ProblemsPanel)
    assert problems._rules_view is None  # not made by the window's start
    dock.raise_()
    problems.table.setFocus()
    QTest.keyClick(problems.table, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    view = problems.rules_view
    qtbot.waitUntil(view.isVisible)
    assert problems.pages.currentWidget() is view
    assert view.model.rowCount() == len(load_all_rules())
