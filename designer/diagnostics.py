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

import errno
import faulthandler
import os
import stat
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from designer.cachedir import xdg_folder
from designer.text import printable

if TYPE_CHECKING:
    import logging
    from io import TextIOWrapper

__all__ = [
    "LOG_DIR_ENV",
    "LOG_NAME",
    "default_log_dir",
    "internal_error_message",
    "log_path",
    "logger",
    "note",
    "open_log_file",
    "setup_logging",
]

#: Environment variable that overrides the log folder (tests, sandboxes).
LOG_DIR_ENV = "DR_DESIGNER_LOG_DIR"
LOG_NAME = "dr-designer.log"
MAX_BYTES = 1_000_000
BACKUPS = 3

_state: dict[str, object] = {}
#: The log file opened by a lazy set-up, before logging (its handler) takes it over.
_light: TextIO | None = None
#: A lazy set-up's (verbose, path), finished by the first record.
_pending: tuple[int, Path] | None = None
#: Held while the first record finishes a lazy set-up (two threads' first records: once).
_finishing = threading.Lock()


class _Logger:
    """A :mod:`logging` logger by name, looked up when first used: the first use imports
    :mod:`logging` and finishes a set-up :func:`setup_logging` left pending (a headless
    command that logs nothing but its command line never imports it, ~2.5 ms of
    ``check``'s start with :mod:`string` and :mod:`traceback`, issue 10). Everything
    else is the logger's own (``log.info``, ``log.handlers``, …)."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(_logger(self._name), attribute)

    def __repr__(self) -> str:
        return repr(_logger(self._name))


def logger(name: str) -> logging.Logger:
    """The logger ``name`` (``designer.…``), set up when first used (see :data:`log`):
    the designer's modules log through this, not ``logging.getLogger``, so that their
    records find the handlers whenever they come."""
    return _Logger(name)  # type: ignore[return-value]


#: The designer's logger (``designer``): its handlers are the log file and stderr.
log = logger("designer")


def _logger(name: str) -> logging.Logger:
    import logging

    if _pending is not None:  # the set-up waited for the first record
        with _finishing:
            pending = _pending
            if pending is not None:  # not finished by another thread meanwhile
                _set_up(*pending)
    return logging.getLogger(name)


def __getattr__(name: str) -> Any:
    """The formatter's and handler's classes under their former names (they moved to
    :mod:`designer.logfile`, which imports :mod:`logging`)."""
    if name in ("_PrintableFormatter", "_RotatingFileHandler"):
        from designer import logfile

        return getattr(logfile, name[1:])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


def setup_logging(
    verbose: int = 0, log_file: str | os.PathLike[str] | None = None, *, lazy: bool = False
) -> Path | None:
    """Log to the rotating file (everything from INFO, DEBUG with -vv) and to stderr
    (warnings; -v: info; -vv: debug); turn faulthandler on. Returns the log file, or
    None when it cannot be written (a read-only home): the run goes on without it.
    Calling it again replaces the previous set-up.

    ``lazy`` (a headless command, without ``-v``): the log file is opened (and
    faulthandler traces into it) now, but :mod:`logging` is imported and set up only
    when something logs (:data:`log`, :func:`logger`); the command line's record
    (:func:`note`) is written to the file as its handler would write it. The same
    file, lines and stderr either way; a file that cannot be opened is the warning of
    the set-up as before (it is done at once then)."""
    global _light, _pending
    _close()
    path = Path(log_file) if log_file else default_log_dir() / LOG_NAME
    if lazy and verbose == 0 and not _logging_imported():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # What logging.FileHandler opens (backslashreplace: see _set_up).
            stream = open_log_file(os.path.abspath(path), errors="backslashreplace")
        except OSError:  # the set-up itself says so, on stderr
            return _set_up(verbose, path)
        _light, _pending = stream, (verbose, path)
        _state.update(path=path)
        _enable_faulthandler(stream)
        _log_thread_errors()
        return path
    return _set_up(verbose, path)


def open_log_file(path: str, errors: str) -> TextIOWrapper:
    """``open(path, "a", encoding="utf-8", errors=errors)``, except that a FIFO no
    program reads is refused at once (``OSError``, "a pipe no program reads") instead
    of holding the command until one does: every command, ``--help`` aside, hung on
    such a log file. A pipe with a reader, a terminal or ``/dev/null`` is written as
    before (blocking writes)."""
    nonblocking = getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | nonblocking, 0o666)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # what a FIFO without a reader answers
            raise OSError(exc.errno, "a pipe no program reads", path) from None
        raise
    try:
        if nonblocking and not stat.S_ISREG(os.fstat(fd).st_mode):
            os.set_blocking(fd, True)
        return open(fd, "a", encoding="utf-8", errors=errors)
    except BaseException:
        os.close(fd)
        raise


def _logging_imported() -> bool:
    """Whether :mod:`logging` is imported already (something else may log through it
    directly: the set-up is then done at once)."""
    return "logging" in sys.modules


def _set_up(verbose: int, path: Path) -> Path | None:
    """:func:`setup_logging`'s handlers, taking over the file it opened if it did."""
    global _light, _pending
    import logging

    from designer.logfile import LOG_FORMAT, PrintableFormatter, RotatingFileHandler

    light, _light, _pending = _light, None, None
    root = logging.getLogger("designer")
    root.setLevel(logging.DEBUG if verbose >= 2 else logging.INFO)
    root.propagate = False
    console = logging.StreamHandler(sys.stderr)
    console.setLevel({0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG))
    console.setFormatter(PrintableFormatter("dr-designer: %(message)s"))
    if verbose < 2:  # tracebacks stay in the file unless -vv
        console.addFilter(lambda record: not getattr(record, "file_only", False))
    root.addHandler(console)
    handlers: list[logging.Handler] = [console]
    try:
        if light is None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # backslashreplace: a file name that is not UTF-8 (surrogates from the command
        # line) must not turn one log record into a "Logging error" traceback.
        handler = RotatingFileHandler(
            path,
            MAX_BYTES,
            BACKUPS,
            encoding="utf-8",
            errors="backslashreplace",
            stream=light,
            opener=open_log_file,
        )
    except OSError as exc:
        root.warning("cannot write the log file %s: %s", path, exc.strerror or exc)
        _state.update(handlers=handlers, path=None)
        return None
    handler.setFormatter(PrintableFormatter(LOG_FORMAT))
    root.addHandler(handler)
    handlers.append(handler)
    _state.update(handlers=handlers, path=path)
    if handler.stream is not None:
        _enable_faulthandler(handler.stream)
    _log_thread_errors()
    return path


def note(message: str) -> None:
    """Log ``message`` at INFO for the log file only (the command line a run starts
    with). Before :mod:`logging` is set up (:func:`setup_logging` ``lazy``) the line is
    written as its handler would write it — time, process, level, logger, the message
    made printable — unless the file is due to rotate or the write fails: then logging
    is set up and writes it (rotates, reports the error) as always."""
    light = _light
    if light is not None:
        line = f"{_asctime()} {os.getpid()} INFO designer: {printable(message)}\n"
        try:
            # (A pipe a program reads is not seekable, nor rotated.)
            position = light.seek(0, os.SEEK_END) if light.seekable() else 0
            if not position or position + len(line) < MAX_BYTES:
                light.write(line)
                light.flush()
                return
        except Exception:  # logging's handler writes it again, and reports a failure
            pass
    log.info("%s", message, extra={"file_only": True})


def _asctime() -> str:
    """:class:`logging.Formatter`'s default time of a record made now (its
    ``LogRecord``'s clock and milliseconds, Python 3.11 to 3.13)."""
    if sys.version_info >= (3, 13):
        ns = time.time_ns()
        created = ns / 1e9
        msecs = (ns % 1_000_000_000) // 1_000_000
        if msecs == 999 and int(created) != ns // 1_000_000_000:
            msecs = 0
    else:
        created = time.time()
        msecs = int((created - int(created)) * 1000)
    return f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(created))},{msecs:03d}"


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
    global _light, _pending
    handlers = _state.pop("handlers", [])
    if handlers:
        import logging

        root = logging.getLogger("designer")
        for handler in handlers:  # type: ignore[attr-defined]
            root.removeHandler(handler)
            handler.close()
    if _light is not None:  # opened, logging not set up yet
        _light.close()
    _light = _pending = None
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
