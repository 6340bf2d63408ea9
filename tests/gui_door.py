"""The user's door to the GUI, for tests: ``dr-designer gui [FILE]`` run in-process.

:func:`console_main` is the function the installed ``dr-designer`` console script
calls (read from the package's entry-point metadata, so it follows pyproject.toml).
The ``launch`` fixture runs it with a command line, exactly as a user's shell would,
except that the blocking ``QApplication.exec()`` at its end returns at once: the test's
own event loop (pytest-qt) then drives the window with real key and mouse events.

Every launch gets its own settings, recovery folder and log folder: ``HOME``, the XDG
folders and ``DR_DESIGNER_LOG_DIR`` point into the test's tmp_path, and QSettings'
user path is redirected there (Qt reads it once per process otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox, QWidget

from designer.ui import dialogs
from designer.ui.main_window import MainWindow

__all__ = [
    "activate",
    "ask_review_report",
    "console_main",
    "launch",
    "no_modal_dialogs",
    "user_folders",
]


def activate(widget: QWidget) -> None:
    """Make ``widget``'s window the active one, as a user's click or a desktop's new
    dialog does: shortcuts and mnemonics fire in the active window, and offscreen another
    window may stay the active one. Asked, the platform activates it a turn later
    (``QApplication.setActiveWindow`` did it at once, but is deprecated)."""
    widget.activateWindow()
    for _ in range(200):
        if QApplication.activeWindow() is widget:
            return
        QTest.qWait(10)
    assert QApplication.activeWindow() is widget


def ask_review_report(window: MainWindow, monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """File > Export > Design Review Report by its key: Ctrl+R on the canvas, ``target``
    chosen in the save dialog (its suffix says HTML or PDF); the report is under way."""
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), ""))
    )
    activate(window)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.interop.review_job is not None


def console_main() -> Callable[..., int]:
    """The function behind the ``dr-designer`` console script."""
    (script,) = entry_points(group="console_scripts", name="dr-designer")
    function: Callable[..., int] = script.load()
    return function


def user_folders(tmp_path: Path) -> dict[str, str]:
    """The environment of a user of their own below ``tmp_path``: a home folder with
    its config, data, state and cache folders, and the log folder (``tmp_path/logs``).
    The launcher's window runs in it; so can a child process (``{**os.environ, **…}``)."""
    home = tmp_path / "home"
    folders = {
        "HOME": "",
        "XDG_CONFIG_HOME": ".config",
        "XDG_DATA_HOME": ".local/share",
        "XDG_STATE_HOME": ".local/state",
        "XDG_CACHE_HOME": ".cache",
    }
    found = {name: str(home / sub) for name, sub in folders.items()}
    found["DR_DESIGNER_LOG_DIR"] = str(tmp_path / "logs")
    return found


class Launcher:
    """Runs ``dr-designer ARGS`` in this process and hands back the window it opened."""

    def __init__(self, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.home = tmp_path / "home"
        self.home.mkdir(exist_ok=True)
        for name, value in user_folders(tmp_path).items():
            monkeypatch.setenv(name, value)
        self.log_dir = tmp_path / "logs"
        QSettings.setPath(
            QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(self.home / ".config")
        )
        self.exit_codes: list[int] = []
        self._opened: list[MainWindow] = []
        self._before: list[object] = []
        self._driver: Callable[[MainWindow], None] | None = None
        real_exec = QApplication.exec

        def exec_returns_at_once(*_args: object) -> int:
            # Keep the window main() opened alive (its local reference is gone once it
            # returns) and let the test's event loop run it instead.
            # Each one handed to pytest-qt, which closes and deletes it at the test's end
            # (a weak reference: a test may delete it first), whichever way it was run.
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, MainWindow) and not any(widget is w for w in self._before):
                    self._opened.append(widget)
                    qtbot.addWidget(widget)
            driver, self._driver = self._driver, None
            if driver is None:
                return 0
            window = self._opened[-1]
            QTimer.singleShot(0, lambda: driver(window))
            return int(real_exec())

        monkeypatch.setattr(QApplication, "exec", staticmethod(exec_returns_at_once))

    def __call__(self, *args: str | Path) -> MainWindow:
        """``dr-designer gui ARGS``: the window, shown, exposed and active."""
        return self.run("gui", *args)

    def with_event_loop(self, driver: Callable[[MainWindow], None], *args: str | Path) -> int:
        """``dr-designer gui ARGS`` with its real ``exec()``: ``driver(window)`` runs from
        the event loop (it must close the window); returns the command's exit code. The
        window is deleted at the test's end (pytest-qt), as :meth:`run`'s are: closed,
        it lived on to the run's end (the command deletes its windows only when it made
        the application, which a test's run did not)."""
        self._driver = driver
        self._before = list(QApplication.topLevelWidgets())
        try:
            return console_main()(["gui", *map(str, args)])
        finally:
            self._before = []

    def forget_windows(self) -> list[MainWindow]:
        """The windows opened so far, no longer kept alive by the launcher (a test that
        checks what a deleted window frees must hold the last references itself)."""
        opened, self._opened = self._opened, []
        return opened

    def run(self, *args: str | Path) -> MainWindow:
        before = len(self._opened)
        self._before = list(QApplication.topLevelWidgets())  # held: ids get reused
        code = console_main()([str(a) for a in args])
        self._before = []
        self.exit_codes.append(code)
        assert code == 0, f"dr-designer {' '.join(map(str, args))} exited {code}"
        assert len(self._opened) == before + 1, "the command opened no window"
        window = self._opened[-1]
        self.qtbot.waitExposed(window)
        window.activateWindow()
        QApplication.processEvents()  # the docks settle and resize the canvas
        return window


@pytest.fixture
def launch(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Launcher]:  # type: ignore[no-untyped-def]
    yield Launcher(qtbot, tmp_path, monkeypatch)


@pytest.fixture
def no_modal_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """No real modal dialog may ever block the suite.

    QMessageBox's static helpers (About too), QInputDialog.getText and the designer's
    ``dialogs.ask_text`` are replaced by
    recorders that answer at once (a "save changes?" question is answered Discard). A
    test that wants other answers patches them again itself. Returns what was shown.
    """
    shown: list[tuple[str, str]] = []

    def record(kind: str, answer: object):  # type: ignore[no-untyped-def]
        def show(parent, title, message, *args, **kwargs):  # type: ignore[no-untyped-def]
            shown.append((kind, str(message)))
            return answer

        return staticmethod(show)

    ok = QMessageBox.StandardButton.Ok
    for name in ("critical", "warning", "information", "about"):
        monkeypatch.setattr(QMessageBox, name, record(name, ok))
    monkeypatch.setattr(
        QMessageBox, "question", record("question", QMessageBox.StandardButton.Discard)
    )
    monkeypatch.setattr(QInputDialog, "getText", record("getText", ("", False)))
    # The designer's own text box (a scenario's name), as QInputDialog.getText.
    monkeypatch.setattr(dialogs, "ask_text", record("getText", ("", False)))
    return shown
