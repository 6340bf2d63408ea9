"""``python -m designer gui FILE`` that says which of PySide's costly Python types exist
once the canvas has painted the design's first frame, then quits (run as a script by
tests/ui/test_first_frame_types24.py, never imported by pytest).

Prints ``first frame: QGradient=BOOL`` after the canvas viewport's first paint with the
design on it; File > Quit follows in the next turn of the event loop."""

from __future__ import annotations

import os
import runpy
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import PySide6.QtGui as QtGui
from PySide6.QtCore import QTimer

from designer.ui.canvas.view import DesignView

painted = DesignView.paintEvent
said: list[bool] = []


def paint_event(view: DesignView, event: object) -> None:
    painted(view, event)  # type: ignore[arg-type]
    if said or not view.design_scene.nodes:
        return
    said.append(True)
    # Made by PySide on the type's first use: is it in the module's namespace yet?
    print(f"first frame: QGradient={'QGradient' in vars(QtGui)}", flush=True)
    window = view.window()
    QTimer.singleShot(0, window.act_quit.trigger)  # type: ignore[attr-defined]


if __name__ == "__main__":
    DesignView.paintEvent = paint_event  # type: ignore[method-assign]
    sys.argv = [sys.argv[0], "gui", sys.argv[1]]
    runpy.run_module("designer", run_name="__main__", alter_sys=True)
