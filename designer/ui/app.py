"""``dr-designer gui [FILE]``: start the designer window."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["DEFAULT_SAMPLE", "apply_runtime_settings", "display_problem", "run_gui"]

DEFAULT_SAMPLE = (
    Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"
)


def display_problem(
    env: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """Why a window cannot open here, or None.

    On Linux without DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM, Qt aborts with a
    misleading message about xcb-cursor0; say what to do instead, before Qt starts.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    if env.get("QT_QPA_PLATFORM") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return (
        "dr-designer: no display to open the designer window on (DISPLAY, WAYLAND_DISPLAY "
        "and QT_QPA_PLATFORM are all unset).\n"
        "  - to export a drawing headless: dr-designer export FILE -o out.png "
        "(or run with QT_QPA_PLATFORM=offscreen)\n"
        "  - to use the window: start a desktop session or a virtual display, e.g. "
        "`xvfb-run dr-designer gui FILE`, or `Xvfb :99 & export DISPLAY=:99`"
    )


def apply_runtime_settings() -> None:
    """Interpreter settings for a responsive window.

    The rule check of a big design runs on a worker thread; every Python callback of
    the window (each item's paint) must then win the interpreter lock back, waiting up
    to the switch interval (5 ms by default). 1 ms keeps a repaint of a few hundred
    items from turning into a visible stall.
    """
    sys.setswitchinterval(0.001)


def run_gui(args: argparse.Namespace) -> int:
    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    from designer.ui.main_window import APP_NAME, MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_runtime_settings()
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("DR Designer")
    window = MainWindow()
    window.show()
    if not window.offer_recovery():
        file = getattr(args, "file", None)
        if file:
            window.open_file(file, ask=False)
        elif DEFAULT_SAMPLE.exists():
            window.open_file(DEFAULT_SAMPLE, ask=False)
    return int(app.exec())
