"""The log's formatter and rotating file handler (:mod:`logging`'s own classes, adapted).

Apart from :mod:`designer.diagnostics` so that a command that logs nothing but its
command line (``check`` of a design) need not import :mod:`logging` at all: the
diagnostics module imports this one when something really logs.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from designer.text import printable

if TYPE_CHECKING:
    from collections.abc import Callable
    from io import TextIOWrapper

__all__ = ["LOG_FORMAT", "PrintableFormatter", "RotatingFileHandler"]

#: The log file's line: ``2026-12-03 10:15:02,345 4242 INFO designer: …``.
LOG_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


class PrintableFormatter(logging.Formatter):
    """A message quotes names and values from design files: its control characters
    (an ESC sequence, a newline forging a log line, a bidi override) are escaped before
    they reach the terminal or the log file. A traceback after it keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = printable(record.message)
        return super().formatMessage(record)


class RotatingFileHandler(logging.FileHandler):
    """:class:`logging.handlers.RotatingFileHandler`'s rotation (``NAME.1`` … ``NAME.N``,
    the newest first, before a record would take the file to ``max_bytes``) without
    importing :mod:`logging.handlers`, which brings :mod:`socket` and :mod:`pickle`: a
    few per cent of a short command's start (issue 10). ``stream``: the file already
    open for appending (:mod:`designer.diagnostics` opens it before logging is set up),
    written from where it is. ``opener(path, errors)``: opens the file (the first
    time, and after a rotation)."""

    def __init__(
        self,
        path: Path,
        max_bytes: int,
        backups: int,
        *,
        encoding: str,
        errors: str,
        stream: TextIO | None = None,
        opener: Callable[[str, str], TextIOWrapper] | None = None,
    ) -> None:
        self._opener = opener  # before the file is opened (by logging's __init__)
        super().__init__(path, mode="a", encoding=encoding, delay=stream is not None, errors=errors)
        if stream is not None:
            self.stream = stream  # type: ignore[assignment]
        self.max_bytes = max_bytes
        self.backups = backups
        #: A record could not be written: said once on stderr, later ones dropped.
        self._failed = False

    def _open(self) -> TextIOWrapper:
        """The file, opened by ``opener`` if given (:mod:`designer.diagnostics` gives
        one that never waits for a reader of a FIFO), else as :mod:`logging` opens it."""
        if self._opener is not None:
            return self._opener(self.baseFilename, self.errors or "strict")
        return super()._open()

    def emit(self, record: logging.LogRecord) -> None:
        if self._failed:
            return
        try:
            if self._should_roll_over(record):
                self._roll_over()
            super().emit(record)
        except Exception:
            self.handleError(record)

    def handleError(self, record: logging.LogRecord) -> None:
        """A record that cannot be written (a full disk, a log on a removed drive): one
        line on stderr the first time, as when the file cannot be opened, then the file
        is left alone; never :mod:`logging`'s "--- Logging error ---" traceback for each
        record (the command's own messages and exit code are unchanged)."""
        if self._failed:
            return
        self._failed = True
        exc = sys.exc_info()[1]
        reason = getattr(exc, "strerror", None) or exc
        try:
            if sys.stderr is not None:
                sys.stderr.write(
                    printable(
                        f"dr-designer: cannot write the log file {self.baseFilename}: {reason}"
                    )
                    + "\n"
                )
                sys.stderr.flush()
        except Exception:  # stderr unwritable too: nothing left to tell
            pass

    def _should_roll_over(self, record: logging.LogRecord) -> bool:
        if self.max_bytes <= 0:
            return False
        if self.stream is None:
            self.stream = self._open()
        if not self.stream.seekable():  # a pipe a program reads: never rotated
            return False
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
