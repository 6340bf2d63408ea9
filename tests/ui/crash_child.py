"""A designer process for the crash tests (run as a script, never imported by pytest).

``crash_child.py edit FILE N``: start the app through its console entry
(``dr-designer gui FILE``), make N real edits (arrow keys on the canvas, ~50 ms apart)
and print ``edited K SHA`` after each, SHA being the SHA-256 of the design's canonical
text; then wait to be killed.

``crash_child.py restart``: start the app through the same entry with no file, answer
the recovery question "Yes" (recording it), print ``asked N`` and ``design SHA`` of
the window, and quit.

``DR_TEST_SLOW_FSYNC=SECONDS``: every ``os.fsync`` of the process waits that long first
(a loaded disk, made certain).
"""

from __future__ import annotations

import hashlib
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

if os.environ.get("DR_TEST_SLOW_FSYNC"):  # a loaded disk: every fsync takes this long
    import time

    _real_fsync = os.fsync
    _fsync_s = float(os.environ["DR_TEST_SLOW_FSYNC"])

    def _slow_fsync(fd: int) -> None:
        time.sleep(_fsync_s)
        _real_fsync(fd)

    os.fsync = _slow_fsync

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from designer.entry import main
from designer.persistence import dumps
from designer.ui.main_window import MainWindow


def window() -> MainWindow | None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return next((w for w in app.topLevelWidgets() if isinstance(w, MainWindow)), None)


def sha(w: MainWindow) -> str:
    return hashlib.sha256(dumps(w.session.design).encode()).hexdigest()[:16]


def edit(path: str, count: int) -> int:
    done = 0

    def step() -> None:
        nonlocal done
        w = window()
        if w is None or w.session.path is None:
            QTimer.singleShot(20, step)
            return
        if done == 0:
            vm = next(e.id for e in w.session.design.elements if e.kind == "vm")
            w.session.set_selection([vm])
            print(f"ready {sha(w)}", flush=True)
        QTest.keyClick(w.view.viewport(), Qt.Key.Key_Right)
        done += 1
        print(f"edited {done} {sha(w)}", flush=True)
        if done < count:
            QTimer.singleShot(50, step)

    app = QApplication(sys.argv[:1])  # the entry function takes this one (instance())
    QTimer.singleShot(0, step)
    code = main(["gui", path])
    del app
    return code


def restart() -> int:
    asked: list[str] = []

    def answer(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        if title.startswith("Recover"):
            asked.append(text)
            return QMessageBox.StandardButton.Yes
        return QMessageBox.StandardButton.Discard  # "save changes?" when quitting

    QMessageBox.question = staticmethod(answer)  # type: ignore[method-assign]

    def report() -> None:
        w = window()
        assert w is not None
        print(f"asked {len(asked)}", flush=True)
        print(f"design {sha(w)} dirty={w.session.dirty}", flush=True)
        for extra in w.sibling_windows:
            print(f"sibling {sha(extra)}", flush=True)
        QApplication.quit()

    app = QApplication(sys.argv[:1])
    QTimer.singleShot(0, report)
    code = main(["gui"])
    del app
    return code


if __name__ == "__main__":
    if sys.argv[1] == "edit":
        sys.exit(edit(sys.argv[2], int(sys.argv[3])))
    sys.exit(restart())
