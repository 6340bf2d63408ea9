"""Logging, crash traces and the one-line report of an internal error.

Every run of ``dr-designer`` logs to a rotating file in the platform's log folder
(Linux: ``$XDG_STATE_HOME/dr-designer/log``, i.e. ``~/.local/state/dr-designer/log``;
``DR_DESIGNER_LOG_DIR`` overrides it, ``--log-file`` names the file). stderr gets
warnings, or more with ``-v`` / ``-vv``. ``faulthandler`` writes a crash of the
interpreter itself (a segfault in Qt) to the same file, and an exception that ends a
worker thread is logged too. An unexpected exception is logged with its traceback;
the user sees one line naming the log file.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
from pathlib import Path
from typing import TextIO

from designer.cachedir import xdg_folder
from designer.text import printable

__all__ = [
    "LOG_DIR_ENV",
    "LOG_NAME",
    "default_log_dir",
    "internal_error_message",
    "log_path",
    "setup_logging",
]

#: Environment variable that overrides the log folder (tests, sandboxes).
LOG_DIR_ENV = "DR_DESIGNER_LOG_DIR"
LOG_NAME = "dr-designer.log"
MAX_BYTES = 1_000_000
BACKUPS = 3

log = logging.getLogger("designer")
_state: dict[str, object] = {}


class _PrintableFormatter(logging.Formatter):
    """A message quotes names and values from design files: its control characters
    (an ESC sequence, a newline forging a log line, a bidi override) are escaped before
    they reach the terminal or the log file. A traceback after it keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = printable(record.message)
        return super().formatMessage(record)


class _RotatingFileHandler(logging.FileHandler):
    """:class:`logging.handlers.RotatingFileHandler`'s rotation (``NAME.1`` … ``NAME.N``,
    the newest first, before a record would take the file to ``max_bytes``) without
    importing :mod:`logging.handlers`, which brings :mod:`socket` and :mod:`pickle`: a
    few per cent of a short command's start (issue 10)."""

    def __init__(
        self, path: Path, max_bytes: int, backups: int, *, encoding: str, errors: str
    ) -> None:
        super().__init__(path, mode="a", encoding=encoding, errors=errors)
        self.max_bytes = max_bytes
        self.backups = backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._should_roll_over(record):
                self._roll_over()
            super().emit(record)
        except Exception:
            self.handleError(record)

    def _should_roll_over(self, record: logging.LogRecord) -> bool:
        if self.max_bytes <= 0:
            return False
        if self.stream is None:
            self.stream = self._open()
        # Never an empty file (Python 3.12's rule; 3.11 also rotated an empty file
        # for a record longer than max_bytes, leaving an empty backup).
        position = self.stream.seek(0, os.SEEK_END)
        if not position or position + len(f"{self.format(record)}\n") < self.max_bytes:
            return False
        name = self.baseFilename  # not a regular file (/dev/null): never rotated
        return not (os.path.exists(name) and not os.path.isfile(name))

    def _roll_over(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None
        name = self.baseFilename
        if self.backups > 0:
            for number in range(self.backups - 1, 0, -1):
                older, newer = f"{name}.{number}", f"{name}.{number + 1}"
                if os.path.exists(older):
                    if os.path.exists(newer):
                        os.remove(newer)
                    os.rename(older, newer)
            if os.path.exists(f"{name}.1"):
                os.remove(f"{name}.1")
            if os.path.exists(name):
                os.rename(name, f"{name}.1")
        self.stream = self._open()


def default_log_dir() -> Path:
    """The platform's log folder for DR Designer (or ``$DR_DESIGNER_LOG_DIR``)."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    state = xdg_folder("XDG_STATE_HOME", "~/.local/state")  # platformdirs' answer on Linux
    if state is not None:
        return state / "dr-designer" / "log"
    from platformdirs import user_log_dir

    return Path(user_log_dir("dr-designer", appauthor=False))


def log_path() -> Path | None:
    """The file this process logs to, or None when none could be opened."""
    path = _state.get("path")
    return path if isinstance(path, Path) else None


def setup_logging(verbose: int = 0, log_file: str | os.PathLike[str] | None = None) -> Path | None:
    """Log to the rotating file (everything from INFO, DEBUG with -vv) and to stderr
    (warnings; -v: info; -vv: debug); turn faulthandler on. Returns the log file, or
    None when it cannot be written (a read-only home): the run goes on without it.
    Calling it again replaces the previous set-up."""
    _close()
    root = logging.getLogger("designer")
    root.setLevel(logging.DEBUG if verbose >= 2 else logging.INFO)
    root.propagate = False
    console = logging.StreamHandler(sys.stderr)
    console.setLevel({0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG))
    console.setFormatter(_PrintableFormatter("dr-designer: %(message)s"))
    if verbose < 2:  # tracebacks stay in the file unless -vv
        console.addFilter(lambda record: not getattr(record, "file_only", False))
    root.addHandler(console)
    handlers: list[logging.Handler] = [console]
    path = Path(log_file) if log_file else default_log_dir() / LOG_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # backslashreplace: a file name that is not UTF-8 (surrogates from the command
        # line) must not turn one log record into a "Logging error" traceback.
        handler = _RotatingFileHandler(
            path, MAX_BYTES, BACKUPS, encoding="utf-8", errors="backslashreplace"
        )
    except OSError as exc:
        log.warning("cannot write the log file %s: %s", path, exc.strerror or exc)
        _state.update(handlers=handlers, path=None)
        return None
    handler.setFormatter(
        _PrintableFormatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    handlers.append(handler)
    _state.update(handlers=handlers, path=path)
    if handler.stream is not None:
        _enable_faulthandler(handler.stream)
    _log_thread_errors()
    return path


def _log_thread_errors() -> None:
    """An exception that ends a worker thread (a recovery write, a check) goes into the
    log too, then to the hook that was there before (stderr by default)."""
    if "thread_hook" in _state:
        return
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        name = args.thread.name if args.thread is not None else "?"
        log.error(
            "unexpected error in thread %s",
            name,
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
            extra={"file_only": True},
        )
        previous(args)

    threading.excepthook = hook
    _state["thread_hook"] = hook


def _enable_faulthandler(stream: TextIO) -> None:
    """Trace a hard crash (segfault, abort) into the log. A handler someone else turned
    on (``python -X faulthandler``, pytest) is left as it is."""
    if faulthandler.is_enabled() and "fault_stream" not in _state:
        return
    faulthandler.enable(file=stream, all_threads=True)
    _state["fault_stream"] = stream


def _close() -> None:
    root = logging.getLogger("designer")
    for handler in _state.pop("handlers", []):  # type: ignore[attr-defined]
        root.removeHandler(handler)
        handler.close()
    if _state.pop("fault_stream", None) is not None:
        faulthandler.disable()
    _state.pop("path", None)


def internal_error_message(exc: BaseException) -> str:
    """Log ``exc`` with its traceback; the one line to show the user."""
    log.error(
        "internal error", exc_info=(type(exc), exc, exc.__traceback__), extra={"file_only": True}
    )
    where = log_path()
    detail = f"details in {where}" if where else "run with -vv for details"
    text = str(exc).strip().splitlines()
    what = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
    return f"internal error ({what}); {detail}"
