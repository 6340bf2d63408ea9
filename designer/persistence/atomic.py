"""The one writer of every file the designer produces: design saves, recovery copies,
exports (PNG, SVG, PDF).

``write_atomic(path, data)`` writes the whole of ``data`` to a hidden temp file next to
the target (``.NAME.drd-XXXXXXXX.tmp``), flushes and fsyncs it, and only then puts it in
place, so a crash, a full disk or a kill at any moment leaves the old content or the new
one, never a mix, and never a claim of success for a file that was not written:

* **Symlinks** are followed: the file the link points to is written, the link stays.
* **Permissions** (and, where allowed, owner and group) of the file replaced are kept.
* **Hard links** are kept: replacing by rename would give the path a new inode and leave
  the other names with the old content. A file with more than one link is therefore
  written *in place*, after its new content is safely in the temp file and the space
  for it is reserved (``posix_fallocate``), so a full disk fails before the file is
  touched. Only a crash in the middle of that copy can tear the file; the complete new
  content is then still in the temp file beside it (and, in the window, in the
  recovery copy).
* **A read-only file** is refused (:class:`ReadOnlyFileError`) instead of being replaced
  behind the user's back, even when the folder would allow it (and even as root).
* **Not a regular file** (a folder, a FIFO, a device) is refused.
* **Changed on disk**: given the :class:`FileStamp` of what was last read or written,
  a file that another program changed since raises :class:`FileChangedError`.
* The temp file is removed on every error path (``BaseException``: a Ctrl+C too).
* Temp files of saves that were killed are removed on the next save into (or open
  from) that folder: only names of our own pattern, only our own, only an hour old.

``data`` may also be the content in pieces (a sequence of ``bytes`` whose concatenation
is the content): a big design's save hands its text in ~1 ms pieces, so that no single
step — joining 57 MB into one object, or freeing it — holds the interpreter lock for
tens of milliseconds while the window's thread waits for it (wave 15, ``save15``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "STALE_TEMP_AGE_S",
    "FileChangedError",
    "FileStamp",
    "NotAFileError",
    "ReadOnlyFileError",
    "clean_stale_temps",
    "read_stamp",
    "resolve_target",
    "write_atomic",
]

#: A temp file of ours this old belongs to a save that was killed.
STALE_TEMP_AGE_S = 3600.0
_TEMP_SUFFIX = ".tmp"
#: ``.NAME.drd-XXXXXXXX.tmp`` (ours) and ``.NAME.XXXXXXXX.tmp`` of earlier releases
#: (tempfile.mkstemp's eight characters) for the kinds of file the designer writes.
#: Compiled when a folder is first cleaned (~0.5 ms, which a ``check`` never needs).
_TEMP_PATTERNS = (
    (r"^\.(?P<name>.+)\.drd-[a-z0-9_]{8}\.tmp$", 0),
    (r"^\.(?P<name>.+\.(?:json|drd|svg|png|pdf))\.(?:[a-z0-9_]{8}|\d+)\.tmp$", re.IGNORECASE),
)


class ReadOnlyFileError(PermissionError):
    """The file to write is read-only; nothing was written."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(
            errno.EACCES,
            "the file is read-only; save under another name, or make it writable first",
            str(path),
        )


class NotAFileError(IsADirectoryError):
    """The path names a folder, a FIFO or a device, not a file that can be written."""

    def __init__(self, path: str | os.PathLike[str], what: str) -> None:
        super().__init__(errno.EISDIR, f"is {what}, not a file", str(path))


class FileChangedError(Exception):
    """The file changed on disk since it was read or written (another program, another
    window); nothing was written. ``current`` is the stamp of what is there now."""

    def __init__(self, path: str | os.PathLike[str], current: FileStamp | None) -> None:
        self.path = Path(path)
        self.current = current
        super().__init__(f"{path} was changed on disk by another program since it was opened")


@dataclass(frozen=True)
class FileStamp:
    """What a file was when the designer last read or wrote it."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    #: SHA-256 of the content: a touch or a copy of the same bytes is not a change.
    digest: str

    @classmethod
    def of(cls, st: os.stat_result, data: bytes | Sequence[bytes]) -> FileStamp:
        """The stamp of a file whose status is ``st`` and content ``data`` (whole or in
        pieces)."""
        pieces = _as_pieces(data)
        digest = _digest(pieces[0]) if len(pieces) == 1 else _digest_of_pieces(pieces)
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, digest)

    def same_file_state(self, st: os.stat_result) -> bool:
        return (self.device, self.inode, self.size, self.mtime_ns) == (
            st.st_dev,
            st.st_ino,
            st.st_size,
            st.st_mtime_ns,
        )


def _digest(data: bytes) -> str:
    # hashlib imported here: its import starts OpenSSL (~3 ms), which a ``check`` that
    # only reads never needs (the file's stamp is made by ``load_with_stamp``).
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _as_pieces(data: bytes | Sequence[bytes]) -> Sequence[bytes]:
    """The content as a sequence of pieces (a bytes-like object: one piece)."""
    if isinstance(data, bytes):
        return (data,)
    if isinstance(data, (bytearray, memoryview)):
        return (bytes(data),)
    return data


def _digest_of_pieces(pieces: Sequence[bytes]) -> str:
    """:func:`_digest` of the pieces' concatenation, without making it (hashlib lets go
    of the interpreter lock while it hashes each big piece)."""
    import hashlib

    digest = hashlib.sha256()
    for piece in pieces:
        digest.update(piece)
    return digest.hexdigest()


def _kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def resolve_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to ``path`` must change: symlinks followed (even a dangling
    one, whose target is then created), the name made absolute."""
    return Path(os.path.realpath(os.fspath(path)))


def read_stamp(path: str | os.PathLike[str]) -> FileStamp | None:
    """The stamp of the file there now, or None when there is none."""
    try:
        fd = os.open(resolve_target(path), os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            return FileStamp.of(st, handle.read())
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a write may write fewer)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _default_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


_NEW_FILE_MODE = _default_mode()


def _is_read_only(path: Path, st: os.stat_result) -> bool:
    # The mode bits first: root may write anything, yet a file marked read-only is
    # meant to stay as it is.
    return not st.st_mode & 0o222 or not os.access(path, os.W_OK)


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes | Sequence[bytes],
    *,
    expected: FileStamp | None = None,
    mode: int | None = None,
) -> FileStamp:
    """Write ``data`` (whole, or its pieces in order) to ``path`` (see the module's
    docstring); returns the new stamp.

    ``expected``: the stamp of the content the caller last read or wrote there; if the
    file now holds something else, :class:`FileChangedError` and nothing is written.
    ``mode``: permissions of a new file (default: 0o666 less the umask); an existing
    file keeps its own.
    """
    target = resolve_target(path)
    folder = target.parent
    with contextlib.suppress(OSError):
        clean_stale_temps(folder)
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None:
        what = _kind_of(st.st_mode)
        if what is not None:
            raise NotAFileError(path, what)
        if _is_read_only(target, st):
            raise ReadOnlyFileError(path)
        if expected is not None and not expected.same_file_state(st):
            current = read_stamp(target)
            if current is not None and current.digest != expected.digest:
                raise FileChangedError(path, current)
    in_place = st is not None and st.st_nlink > 1
    pieces = _as_pieces(data)
    # secrets.token_hex(4) itself (os.urandom's bytes in hex), without importing secrets
    # (hmac, hashlib with OpenSSL's start, random) for it.
    tmp = folder / f".{target.name}.drd-{os.urandom(4).hex()}{_TEMP_SUFFIX}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        try:
            for piece in pieces:
                _write_all(fd, piece)
            os.fsync(fd)
            if st is not None:
                os.fchmod(fd, stat.S_IMODE(st.st_mode))
                if (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
                    with contextlib.suppress(OSError):
                        os.fchown(fd, st.st_uid, st.st_gid)
            else:
                os.fchmod(fd, _NEW_FILE_MODE if mode is None else mode)
        finally:
            os.close(fd)
        if in_place:
            _copy_in_place(target, pieces)
            os.unlink(tmp)
        else:
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)
    return FileStamp.of(os.stat(target), pieces)


def _copy_in_place(target: Path, pieces: Sequence[bytes]) -> None:
    """Overwrite ``target``'s own inode (all its hard links see the new content)."""
    size = sum(len(piece) for piece in pieces)
    fd = os.open(target, os.O_WRONLY | os.O_CLOEXEC)
    try:
        try:
            os.posix_fallocate(fd, 0, max(size, 1))  # a full disk fails here
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                raise
            # The file system cannot reserve space (EOPNOTSUPP): write without.
        offset = 0
        for piece in pieces:
            view = memoryview(piece)
            start = 0
            while start < len(view):
                start += os.pwrite(fd, view[start:], offset + start)
            offset += len(view)
        os.ftruncate(fd, size)
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def clean_stale_temps(
    folder: str | os.PathLike[str], *, older_than_s: float = STALE_TEMP_AGE_S
) -> list[Path]:
    """Remove the temp files that killed saves left in ``folder``; returns them.

    Only hidden files named like our temp files, owned by this user, regular, and not
    modified for ``older_than_s`` (a save in progress, even another process's, is
    never that old).
    """
    removed: list[Path] = []
    now = time.time()
    uid = os.getuid()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(_TEMP_SUFFIX)):
            continue
        if not any(re.match(pattern, name, flags) for pattern, flags in _TEMP_PATTERNS):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode) or st.st_uid != uid:
                continue
            if now - st.st_mtime < older_than_s:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed
