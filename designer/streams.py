"""The output streams of `dr-designer`: errors writing them get exit code 4.

* Standard output is wrapped while a command runs: an ``OSError`` writing or flushing
  it (a full disk, ``EIO``) becomes :class:`OutputError`, and so does writing to a
  standard output that was closed before the start (``>&-``: ``sys.stdout`` is None).
  A reader that went away (``EPIPE``, ``dr-designer rules | head -1``) is not an
  error: the rest of the output is dropped, without a message, and the command ends
  with its own exit code, whenever the reader stopped (issue 15, wave 11).
* A standard error closed before the start (``2>&-``) is ``/dev/null``: messages go
  nowhere, not to standard output (``print(file=None)``), nor into a file opened later
  on descriptor 2. A message that cannot be written to standard error (``2>/dev/full``)
  is dropped: it changes no exit code.
* Characters the terminal's encoding cannot show (``PYTHONIOENCODING=ascii`` and a
  ``§`` in a citation) are written as ``\\uXXXX`` escapes, which JSON reads back as the
  same character, instead of ending in ``UnicodeEncodeError``.
* After an output error, standard output is pointed at ``/dev/null`` so that the
  interpreter's own flush at exit does not print "Exception ignored …" as well.

Exit codes: CONVENTIONS.md (4 = the output cannot be written).
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import sys

# Neither typing nor contextlib (~0.5 ms) nor designer.text is imported at run time:
# `dr-designer --help` starts without them (issue 10).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any, TextIO

__all__ = [
    "ESCAPE_ERRORS",
    "EXIT_OUTPUT",
    "OutputError",
    "configure_streams",
    "error_line",
    "guarded_stdout",
    "say",
]

EXIT_OUTPUT = 4
#: Why standard output cannot be written when it was closed before the start (``>&-``).
CLOSED = "it is closed"
#: The codec error handler that writes an unencodable character as ``\\uXXXX``.
ESCAPE_ERRORS = "dr-designer-escape"
STDOUT = "standard output"


class OutputError(Exception):
    """The output cannot be written: exit code 4, one line naming the output."""

    def __init__(self, target: str, reason: str, *, broken_pipe: bool = False) -> None:
        self.target = target
        self.reason = reason
        #: The reader went away: nobody is left to read a message.
        self.broken_pipe = broken_pipe
        super().__init__(f"cannot write {target}: {reason}")

    @classmethod
    def from_os_error(cls, target: str, exc: OSError) -> OutputError:
        return cls(
            target,
            exc.strerror or str(exc),
            broken_pipe=isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE,
        )


def _json_escapes(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    parts = []
    for char in exc.object[exc.start : exc.end]:
        code = ord(char)
        if code > 0xFFFF:  # a surrogate pair, as JSON writes it
            code -= 0x10000
            parts.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            parts.append(f"\\u{code:04x}")
    return "".join(parts), exc.end


codecs.register_error(ESCAPE_ERRORS, _json_escapes)


def configure_streams() -> None:
    """Standard output and error write ``\\uXXXX`` for what their encoding cannot show.

    A closed standard error (``2>&-``) becomes ``/dev/null``; a closed standard output
    stays None (:func:`guarded_stdout` says it is closed when a command writes to it),
    its descriptor taken by ``/dev/null`` so that no file opened later gets it."""
    if sys.stdout is None:
        _fill_descriptor(1)
    if sys.stderr is None:
        fd = 2 if _fill_descriptor(2) else os.open(os.devnull, os.O_WRONLY)
        # standard error: open until the exit
        sys.stderr = open(fd, "w", encoding="utf-8", errors=ESCAPE_ERRORS)  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:  # noqa: SIM105 (contextlib.suppress: an import --help does without)
                reconfigure(errors=ESCAPE_ERRORS)
            except (ValueError, io.UnsupportedOperation):
                pass


def _fill_descriptor(fd: int) -> bool:
    """Whether the standard stream ``fd`` was closed: ``/dev/null`` takes its place
    then, until the exit."""
    try:
        os.fstat(fd)
    except OSError:
        null = os.open(os.devnull, os.O_WRONLY)  # the lowest free descriptor: fd if free
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
        return True
    return False


class _Guarded:
    """Standard output whose OS errors are :class:`OutputError`; once its reader went
    away (``EPIPE``), what is written is dropped."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream
        #: The reader went away: the rest of the output is dropped.
        self.reader_gone = False

    def _call(self, name: str, *args: Any) -> None:
        if self._stream is None:  # closed before the start (>&-)
            raise OutputError(STDOUT, CLOSED)
        try:
            getattr(self._stream, name)(*args)
        except OSError as exc:
            error = OutputError.from_os_error(STDOUT, exc)
            if not error.broken_pipe:
                raise error from None
            self.reader_gone = True  # the reader's choice: not an error
            _silence(self._stream)

    def write(self, text: str) -> int:
        if not self.reader_gone:
            self._call("write", text)
        return len(text)

    def writelines(self, lines: Any) -> None:
        if not self.reader_gone:
            self._call("writelines", lines)

    def flush(self) -> None:
        if not self.reader_gone and self._stream is not None:
            self._call("flush")

    def __getattr__(self, name: str) -> Any:
        if self._stream is None and name in ("buffer", "fileno"):
            raise OutputError(STDOUT, CLOSED)
        return getattr(self._stream, name)


def _silence(stream: TextIO | None) -> None:
    """Point the real stdout (or stderr) at /dev/null: what is still buffered can go
    nowhere now, and the interpreter's flush at exit must not fail (and print) a second
    time."""
    if stream is None:  # closed before the start: nothing is flushed at exit
        return
    try:
        fd = stream.fileno()
    except (OSError, ValueError, io.UnsupportedOperation):
        return  # not a real file (a test's capture): nothing is flushed at exit
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)


class _Forgiving:
    """Standard error whose OS errors are dropped (``2>/dev/full``, a reader gone): a
    message that cannot be written is lost, and the exit code is the command's own."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._failed = False

    def _call(self, name: str, *args: Any) -> None:
        if self._failed:
            return
        try:
            getattr(self._stream, name)(*args)
        except OSError:
            self._failed = True
            _silence(self._stream)

    def write(self, text: str) -> int:
        self._call("write", text)
        return len(text)

    def writelines(self, lines: Any) -> None:
        self._call("writelines", lines)

    def flush(self) -> None:
        self._call("flush")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def say(line: str) -> None:
    """Write ``line`` to standard error, if it can be written."""
    if sys.stderr is not None:
        stream = _Forgiving(sys.stderr)
        stream.write(line + "\n")
        stream.flush()


class _GuardedStdout:
    """:func:`guarded_stdout`'s context manager (a class: ``contextlib`` is not
    imported for it)."""

    def __enter__(self) -> None:
        self._real = sys.stdout
        self._guarded = _Guarded(self._real)
        sys.stdout = self._guarded
        self._real_stderr = sys.stderr
        if self._real_stderr is not None:
            sys.stderr = _Forgiving(self._real_stderr)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            # argparse's --help and usage errors (SystemExit): flush them too
            if kind is None or issubclass(kind, SystemExit):
                self._guarded.flush()
            elif issubclass(kind, OutputError):
                _silence(self._real)
        except OutputError:
            _silence(self._real)
            raise
        finally:
            sys.stdout = self._real
            sys.stderr = self._real_stderr


def guarded_stdout() -> _GuardedStdout:
    """Run a command with a guarded stdout, flushed before the exit code is returned
    (``with guarded_stdout(): ...``), and a standard error whose write errors are
    dropped (they changed the exit code: ``check missing.json 2>/dev/full`` was 1).

    Raises :class:`OutputError` when standard output cannot be written.
    """
    return _GuardedStdout()


def error_line(exc: BaseException, prefix: str = "dr-designer") -> str:
    """One line for stderr: escaped, and at most about a thousand characters."""
    from designer.text import printable, shorten

    return f"{prefix}: {printable(shorten(str(exc), 1000))}"
