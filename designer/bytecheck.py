"""A big design file's keys counted in a child process, on the machine's other core.

``dr-designer gui FILE`` imports the window's modules and builds the window (~0.4 s of
one core before a 100,000-element design is read), then validates the file
(``validate_json``, about one ``json.loads``, holding the interpreter lock). The
loader's duplicate-key guard (:func:`designer.persistence.file_format._fast_design`)
then counts the file's keys two ways, ~90 ms at 100k: the quoted colons of its bytes
(:func:`quoted_colons`) and the keys the validated models hold (``_keys_in``). None of
that needs the window, so the command starts a child process (:func:`start`, before
PySide6 is imported) that reads the same file and answers through a pipe, in two
lines:

1. the SHA-256 of the bytes it read and their :func:`quoted_colons` (or ``-`` for
   None), ~0.1 s after its start;
2. ``unique`` if ``json.loads`` read every JSON object of those bytes without a key
   given twice (the full path's own test, its ``object_pairs_hook`` comparing each
   object's pairs with the dict they make: ``repeated`` if one was), or ``unknown``
   (the bytes are not JSON it reads: the loader decides), ~0.5 s after its start.

The child runs in the lowest scheduling class (:func:`_yield_to_the_window`): on the
machine's idle core at full speed, never in the window's way where every core is busy
(it shares the window's scheduling group: a child of normal priority made the window's
start ~2 times slower on a loaded machine). The loader takes an answer only for bytes
whose digest is its own (:meth:`ByteCheck.answer`). A child that is late, gone, failed
or read other bytes changes nothing: the loader counts as before, and the child is
ended and reaped once the file is loaded (:meth:`ByteCheck.close`), or when the window
opens something else (:func:`forget`).
No design is accepted that the loader would have refused, and every message of a bad
file is the loader's own.

This file is also the child's script, run by its path (``python -I -S bytecheck.py
FILE``): it imports nothing outside the standard library.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import threading
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import subprocess

__all__ = [
    "CHILD_FROM_BYTES",
    "Answer",
    "ByteCheck",
    "forget",
    "quoted_colons",
    "start",
    "take",
]

#: Files from this size on get a child (below it, the child's start costs more than the
#: guard it saves: ~1.6 ms of the guard per MB against a few ms to start a process).
CHILD_FROM_BYTES = 4 * 1024 * 1024
#: The child reads at most this many bytes (the loader's own limit, MAX_FILE_BYTES).
_MAX_BYTES = 512 * 1024 * 1024

_BOM = b"\xef\xbb\xbf"
#: A key followed by white space before its colon (never in what the designer writes).
_SPACED_KEY = re.compile(rb'"[ \t\r\n]+:')
#: The byte before each colon that does not follow a quote (in a file the designer
#: wrote: the colons inside strings, such as a schedule's "22:00"). Its literal first
#: ``:`` lets the scan jump from colon to colon.
_COLON_NOT_AFTER_QUOTE = re.compile(rb':(?<!":)(?<=([\s\S]):)')
_JSON_SPACE = frozenset((b" ", b"\t", b"\r", b"\n"))


def quoted_colons(raw: bytes) -> int | None:
    """``raw.count(b'":')``, or None if a key may be spelt with white space before its
    colon (:data:`_SPACED_KEY` finds one).

    Two scans that jump between colons instead of one for each (the regex stops at
    every quote, ~3 times as many bytes as colons): every colon, less those not
    after a quote, is the count of ``":``; a spaced key's colon is one not after a
    quote, with white space before it, so when no such colon has white space before
    it the regex cannot match (and when one has, the regex decides as before).
    """
    if raw.startswith(b":"):  # no byte before it (never valid JSON): the plain way
        return None if _SPACED_KEY.search(raw) else raw.count(b'":')
    before = _COLON_NOT_AFTER_QUOTE.findall(raw)
    if not _JSON_SPACE.isdisjoint(before) and _SPACED_KEY.search(raw) is not None:
        return None
    return raw.count(b":") - len(before)


class Answer(NamedTuple):
    """What the child has said so far about bytes of a given digest."""

    #: Whether :attr:`colons` is the child's count (False: not said yet, or other bytes).
    counted: bool = False
    #: :func:`quoted_colons` of the bytes (without a leading byte-order mark).
    colons: int | None = None
    #: True once the child has read every object of the bytes with no key given twice.
    unique: bool = False


_NOTHING = Answer()


class ByteCheck:
    """The child process checking one file, and what it has said (a thread reads its
    lines as they come: the pipe's blocking reads wait without the interpreter lock)."""

    def __init__(self, path: str, process: subprocess.Popen[bytes]) -> None:
        self.path = path
        self.process = process
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, name="design byte check", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        """The child's lines as they come, until its end; then it is reaped here (the
        pipe's end comes with the child's: no zombie is left, and no one waits)."""
        process = self.process
        pipe = process.stdout
        try:
            if pipe is not None:  # always: started with stdout=PIPE
                with pipe:
                    for line in pipe:
                        if len(self.lines) < 2:
                            self.lines.append(line.decode("ascii", "replace").strip())
        except (OSError, ValueError):  # the pipe failed: no more lines
            pass
        finally:
            process.wait()

    def answer(self, digest: str) -> Answer:
        """What the child said of bytes whose SHA-256 is ``digest`` (hex), so far."""
        lines = self.lines[:2]  # a copy: the reader may append meanwhile
        if not lines:
            return _NOTHING
        first = lines[0].split(" ")
        if len(first) != 2 or first[0] != digest:
            return _NOTHING
        said = first[1]
        if said == "-":
            colons: int | None = None
        elif said.isdigit():
            colons = int(said)
        else:
            return _NOTHING
        return Answer(True, colons, len(lines) > 1 and lines[1] == "unique")

    def close(self) -> None:
        """End the child if it still runs. Not waited for: its reader reaps it once it
        has ended (a child in the lowest scheduling class on a busy machine took up to
        0.36 s to end after the kill, which a wait here added to the window's opening).
        """
        self.process.kill()  # nothing if it has ended (subprocess checks)

    def ended(self, timeout: float) -> bool:
        """Whether the child has ended and been reaped within ``timeout`` seconds."""
        self._reader.join(timeout)
        return self.process.returncode is not None


#: The child started for the file about to be opened (one at most).
_STARTED: list[ByteCheck] = []


def _command(path: str) -> list[str] | None:
    """The child's command line, or None where no child can be started: no interpreter
    to run (a frozen application), or this module not a file of its own."""
    script = os.path.abspath(__file__)
    if getattr(sys, "frozen", False) or not sys.executable or not os.path.isfile(script):
        return None
    # -I: no user site, no PYTHON* variables, not the script's folder on the path
    # (the standard library only); -S: no site module (~10 ms of the child's start).
    return [sys.executable, "-I", "-S", script, path]


def start(path: str | os.PathLike[str]) -> None:
    """Start the child for the design file at ``path`` if it is big enough to pay
    (:data:`CHILD_FROM_BYTES`) and none is started for it yet; anything in the way (no
    such file, no interpreter, no process to be had) starts nothing."""
    where = os.path.abspath(path)
    if any(check.path == where for check in _STARTED):
        return
    forget()
    try:
        st = os.stat(where)
    except (OSError, ValueError):
        return
    if not stat.S_ISREG(st.st_mode) or not CHILD_FROM_BYTES <= st.st_size <= _MAX_BYTES:
        return
    command = _command(where)
    if command is None:
        return
    import subprocess

    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
    except (OSError, ValueError):  # no process to be had: the loader counts itself
        return
    _STARTED.append(ByteCheck(where, process))


def take() -> ByteCheck | None:
    """The child started last, once (the caller closes it); None if none was. Its
    answers say which bytes they are about (their digest): whatever file it read, the
    loader takes only answers about the bytes it loads."""
    return _STARTED.pop() if _STARTED else None


def forget() -> None:
    """End and reap any child no load took (the window opened something else)."""
    while _STARTED:
        _STARTED.pop().close()


# -- the child -----------------------------------------------------------------------------
def _no_key_twice(pairs: list[tuple[str, object]]) -> int:
    """``object_pairs_hook``: refuses an object naming a key twice; keeps nothing (no
    tree of the file is built: the child answers a yes or a no)."""
    if len(dict(pairs)) != len(pairs):
        raise _Repeated
    return 0


class _Repeated(Exception):
    """An object of the file names a key twice."""


def _read(path: str) -> bytes:
    """The file's bytes; opened without blocking and checked to be a regular file
    first (a FIFO put there since would wait for a writer forever)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > _MAX_BYTES:
            raise OSError("not a regular file of at most the loader's size")
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read(_MAX_BYTES + 1)
    finally:
        os.close(fd)


def _child(path: str, out: object) -> int:
    """The child's work (:mod:`the module's docstring <designer.bytecheck>`): its two
    lines written to ``out`` (a binary stream)."""
    import hashlib
    import json

    raw = _read(path)
    digest = hashlib.sha256(raw).hexdigest()
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    colons = quoted_colons(raw)
    write = out.write  # type: ignore[attr-defined]
    flush = out.flush  # type: ignore[attr-defined]
    write(f"{digest} {'-' if colons is None else colons}\n".encode("ascii"))
    flush()
    try:
        json.loads(raw.decode("utf-8"), object_pairs_hook=_no_key_twice)
        verdict = "unique"
    except _Repeated:
        verdict = "repeated"
    except (ValueError, RecursionError, MemoryError):  # not JSON json reads: the loader says
        verdict = "unknown"
    write(f"{verdict}\n".encode("ascii"))
    flush()
    return 0


def _yield_to_the_window() -> None:
    """Run only on a core the window leaves idle: the lowest scheduling class there is
    (Linux's ``SCHED_IDLE``; else the lowest ``nice``). On a machine whose other cores
    are busy the window's process (the same scheduling group: its share of the machine
    split between the two by their weights) then keeps its whole share; the child is
    late, and the loader counts itself."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        with contextlib.suppress(AttributeError, OSError):
            os.nice(19)


if __name__ == "__main__":
    try:
        _yield_to_the_window()
        code = _child(sys.argv[1], sys.stdout.buffer)
    except Exception:  # any failure: the parent counts itself (nothing said)
        code = 1
    sys.stdout.flush()
    os._exit(code)
