"""``dr-designer gui [FILE]``: start the designer window.

:func:`run_gui` is what the console command runs: the application object, the
exception hook (a dialog with the error and the log file instead of a traceback on a
stderr nobody sees), the window with its icon, then the design: the crash-recovery
offer first, else FILE, else the bundled sample.
"""

from __future__ import annotations

import argparse
import atexit
import ctypes
import logging
import os
import sys
import threading
import traceback
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType

import shiboken6
from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool, QTimer
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from designer import version
from designer.collector import collector_paused
from designer.diagnostics import log_path
from designer.ui.button_keys import install_button_keys
from designer.ui.file_ops import flush_settings
from designer.ui.icons import app_icon

__all__ = [
    "ExceptionDialog",
    "apply_runtime_settings",
    "display_problem",
    "end_session",
    "fonts_ahead",
    "leave",
    "open_window",
    "run_gui",
]

log = logging.getLogger("designer.ui")

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


#: The X11 libraries Qt's xcb platform plugin loads that a minimal Linux (a server, a
#: container) often lacks, as Debian and Ubuntu name their packages (Qt 6's "Qt for
#: X11 Requirements"; eyes16 needed libxcb-icccm4 and libxcb-keysyms1 on Debian 12).
XCB_PACKAGES = (
    "libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 "
    "libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0"
)


def display_problem(
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    xcb_plugin: Path | None = None,
) -> str | None:
    """Why a window cannot open here, or None.

    On Linux without DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM, Qt aborts with a
    misleading message about xcb-cursor0; say what to do instead, before Qt starts.
    With an X display, Qt aborts with that same message when its xcb plugin cannot
    load (a system library missing): name the library and the packages instead.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    x11 = env.get("QT_QPA_PLATFORM", "xcb") == "xcb" and not env.get("WAYLAND_DISPLAY")
    if x11 and env.get("DISPLAY"):
        return _xcb_problem(xcb_plugin)
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


def _xcb_problem(plugin: Path | None) -> str | None:
    """Why Qt's xcb plugin cannot load, or None: the dynamic loader's own words about
    the library it did not find (loading it is what Qt does next; the same handle)."""
    if plugin is None:
        plugin = Path(QtCore.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.is_file():  # a PySide6 laid out otherwise: let Qt say
        return None
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        return (
            "dr-designer: the window cannot open on this X display: Qt's X11 support "
            f"cannot load ({exc}).\n"
            f"  - install the X11 libraries Qt needs, e.g. on Debian or Ubuntu: "
            f"sudo apt install {XCB_PACKAGES}\n"
            "  - or work headless: dr-designer check|simulate|capacity|export FILE "
            "(README, Command line)"
        )
    return None


def apply_runtime_settings() -> None:
    """Interpreter settings for a responsive window.

    The rule check of a big design runs on a worker thread; every Python callback of
    the window (each item's paint) must then win the interpreter lock back, waiting up
    to the switch interval (5 ms by default). 1 ms keeps a repaint of a few hundred
    items from turning into a visible stall.

    numpy (simulation mode, the Availability feature) is imported on a background
    thread right after a big design's first frame, beside the live check. Its OpenBLAS
    started a worker thread per core that took 50-80 ms of CPU in that first second
    (a core of two) and that nothing uses: the designer calls no BLAS routine. One
    thread, unless the user's environment says otherwise.
    """
    sys.setswitchinterval(0.001)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


#: The thread populating Qt's font database (:func:`fonts_ahead`), once per process.
_fonts_thread: list[threading.Thread] = []


def fonts_ahead() -> None:
    """Populate Qt's font database on a thread, once, while the window's modules are
    imported and its widgets made: the window's first text (the find box's layout)
    populated it on the UI thread before its first frame (fontconfig's configuration
    and its list of fonts: ~36 M of the window's ~280 M instructions, more with a cold
    disk; issue 10). The database is Qt's, shared by every thread and guarded by its
    own lock (QFontDatabase: "All functions in this class are thread-safe"): the UI
    thread's first text waits for the population if it comes first, and finds it done
    otherwise. PySide releases the interpreter lock for the call. Needs a GUI application
    object (the platform's font database)."""
    if _fonts_thread or not isinstance(QCoreApplication.instance(), QGuiApplication):
        return
    thread = threading.Thread(target=QFontDatabase.families, name="fonts ahead", daemon=True)
    _fonts_thread.append(thread)
    thread.start()


class ExceptionDialog:
    """``sys.excepthook`` for the window: an exception in a slot or an event handler
    is logged with its traceback and shown in a dialog naming the log file; the
    designer keeps running (the edit that failed did not happen). The hook it replaced
    still runs after it (a terminal keeps its traceback, a test runner sees it)."""

    def __init__(self, parent: Callable[[], QWidget | None], previous: ExceptHook) -> None:
        self.parent = parent
        self.previous = previous
        self.showing = False
        self.shown: list[str] = []

    def __call__(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        log.error("unexpected error in the designer", exc_info=(kind, exc, tb))
        text = "".join(traceback.format_exception_only(kind, exc)).strip()
        self.shown.append(text)
        if not self.showing:  # one dialog at a time, however many errors follow
            self.showing = True
            QTimer.singleShot(0, lambda: self._show(text))
        self.previous(kind, exc, tb)

    def _show(self, text: str) -> None:
        where = log_path()
        detail = f"The details are in the log file:\n{where}" if where else ""
        try:
            QMessageBox.critical(
                self.parent(),
                "DR Designer: unexpected error",
                "Something went wrong inside DR Designer; the last action may not have "
                f"completed. Save your work under a new name to be safe.\n\n{text}\n\n{detail}",
            )
        finally:
            self.showing = False


def open_window(file: str | None) -> QWidget:
    """The designer window, shown, with its design: the recovery offer after a crash,
    else ``file``, else the bundled sample (as an unsaved copy).

    The window's modules are imported and the window is built with the cyclic collector
    paused, and what they made is frozen after (``collector_paused(freeze=True)``, as the
    opening of the file does): their allocations started ~50 collections, a full one
    among them (~27 ms CPU at a big design's start), that found nothing to free.

    ``file`` is read (and its digest made) on a thread meanwhile
    (:func:`designer.persistence.read_ahead`): the open takes its bytes; so is Qt's font
    database populated (:func:`fonts_ahead`, if :func:`run_gui` has not started it)."""
    from designer.persistence import forget_read_ahead, read_ahead

    fonts_ahead()
    if file:
        read_ahead(file)
    try:
        with collector_paused(freeze=True):
            from designer.ui.main_window import MainWindow

            _keep_compiled_code()
            window = MainWindow()
            window.show()
        if not window.offer_recovery():
            if file:
                window.open_file(file, ask=False)
            else:
                window.open_sample()
    finally:
        forget_read_ahead()
    return window


#: :func:`_keep_compiled_code` has registered its save at the process's exit.
_SAVE_AT_EXIT: list[bool] = []


def _keep_compiled_code() -> None:
    """The code the command's block compiled for the window's modules (their dataclasses'
    methods, named tuples: :mod:`designer.codecache`) saved now, once they are imported,
    and what the session compiles later at the process's exit: the window ends its
    process inside the block, whose own save never ran (every start compiled them
    again, ~15 ms; wave 24, ``open24a``). Nothing to do outside a command's block (a
    test's window, a host's) or once the cache has every text (no write)."""
    codecache = sys.modules.get("designer.codecache")
    if codecache is None:  # no command's block under way: nothing to save
        return
    codecache.save_compiled()
    if not _SAVE_AT_EXIT:
        _SAVE_AT_EXIT.append(True)
        atexit.register(codecache.save_compiled)


def end_session(app: QApplication, *, leaving: bool = False) -> None:
    """The designer's part of the process's end, once the event loop has returned and
    while the interpreter is still whole: every window's workers stopped or waited for
    (:meth:`MainWindow.stop_background_work`), then the designer's top-level widgets
    deleted, the windows with their charts first.

    Otherwise PySide's own clean-up at exit deleted them, after the other exit handlers,
    in the order of its table of Python objects: a pyqtgraph plot's parentless "Plot
    Options" form before the plot made the plot's destructor crash (a segmentation
    fault after the window closed: CI's exit code 139 after every test had passed), and
    a window with the N-1 sweep still running aborted the process ("QThread: Destroyed
    while thread is still running"); a live check or a sizing could still run Python on
    its thread meanwhile (docs/reliability.md).

    ``leaving``: the process then ends without the interpreter's teardown nor PySide's
    clean-up (:func:`leave`): the workers that write nothing (the live check, the
    sizing, the simulator's preparation) and the import of simulation mode under way in
    the background are not waited for (a quit right after opening a 1k design waited
    1.5-2.5 s for them), and the windows are left to the process's end. What writes is
    done first: the windows' settings and the recent files are written (their saves and
    recovery journals were closed with them)."""
    from designer.ui import lifetime
    from designer.ui.main_window import MainWindow
    from designer.ui.session import clear_undo_histories

    tops = app.topLevelWidgets()
    for widget in tops:
        if isinstance(widget, MainWindow):
            widget.stop_background_work(wait=not leaving)
            widget.settings.sync()  # the window's geometry and docks, written now
    # The recent files written by their thread (designer.ui.file_ops), which then ends.
    flush_settings(stop=True)
    if leaving:
        lifetime.process_ending(True)  # no background import touches a window now
        return
    # Undo histories deleted by their stacks now, not by the collector at exit: it frees
    # a closed window's session's cycles in no set order (a command freed before its
    # stack was a segmentation fault in QUndoStack::clear).
    clear_undo_histories()
    # The windows' Python side goes with the process, not object by object first.
    lifetime.process_ending(True)
    for widget in tops:
        # The designer's own windows and widgets, and with them every pyqtgraph plot
        # (the charts): a plot's "Plot Options" form is a parentless QWidget of its own,
        # and PySide's clean-up at exit deletes what is left in no set order — the form
        # first, then the plot, is a segmentation fault in the plot's destructor.
        if widget.parent() is None and type(widget).__module__.startswith("designer."):
            widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QThreadPool.globalInstance().waitForDone()


def leave(app: QApplication, code: int, end_process: Callable[[int], None]) -> None:
    """End the process after :func:`end_session` (``leaving=True``) with ``code``
    through ``end_process`` (:func:`designer.entry._end_process`: the atexit handlers,
    the standard streams flushed, then ``os._exit``), skipping the interpreter's
    teardown and PySide's clean-up at exit (an atexit handler of ``QtCore``'s, taken out
    first: it deletes the Qt objects left in no set order, which the windows' deletion
    is there to prevent, and waits for their workers). Nothing of the designer is lost: the
    windows' workers are stopped, their files (saves, recovery journals) closed, the
    settings written. If the process cannot end here (``end_process`` returns: a thread
    the interpreter would wait for, ``python -i``), or if the designer holds the
    clipboard (Qt hands it to the desktop's clipboard manager as its application is
    deleted, at the interpreter's exit), the background imports are waited for and
    the interpreter's exit follows as before (the rest of :func:`end_session`: the
    workers waited for, the windows deleted)."""
    if not app.clipboard().ownsClipboard():
        pyside_cleanup = vars(QtCore).get("__moduleShutdown")
        if pyside_cleanup is not None:
            atexit.unregister(pyside_cleanup)
        end_process(code)
        if pyside_cleanup is not None:  # still here: the interpreter's exit runs it
            atexit.register(pyside_cleanup)
    end_session(app)


def _visible(refs: list[weakref.ref[QWidget]]) -> QWidget | None:
    """The window of ``refs`` if it is still there and shown (the error dialog's parent)."""
    window = refs[0]() if refs else None
    if window is None or not shiboken6.isValid(window) or not window.isVisible():
        return None
    return window


def run_gui(args: argparse.Namespace, end_process: Callable[[int], None] | None = None) -> int:
    """``dr-designer gui [FILE]``: the window until it closes; the exit code.

    ``end_process``: the process is the command's own (the console command, ``python
    -m designer``), and ends through it once the session has ended (:func:`leave`)."""
    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    fonts_ahead()  # beside the window's imports
    from designer.ui.main_window import APP_NAME

    apply_runtime_settings()
    install_button_keys(app)  # "Save the changes?": Discard is Alt+D
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("DR Designer")
    app.setApplicationVersion(version())
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("dr-designer")  # the .desktop entry: task bar icon on Wayland
    # The hook holds the window weakly: a thread started meanwhile keeps the hook of its
    # start for its life (threading's excepthook), and the recent files' writer lives as
    # long as the process: it kept the window and all it held.
    shown: list[weakref.ref[QWidget]] = []
    previous = sys.excepthook
    sys.excepthook = ExceptionDialog(lambda: _visible(shown), previous)
    try:
        window = open_window(getattr(args, "file", None))
        shown.append(weakref.ref(window))
        code = int(app.exec())
    finally:
        sys.excepthook = previous
    if existing is None:  # the process's own application (not a test's or a host's)
        end_session(app, leaving=end_process is not None)
        if end_process is not None:
            leave(app, code, end_process)
    return code
