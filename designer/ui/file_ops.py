"""File handling for the window: recent files and the crash-recovery copy.

The recovery copy is written (atomically, with designer.persistence.save) when the
design first becomes dirty and then every 30 s while it stays dirty and changes; it is
deleted after a clean save or close. On the next start, a copy whose writer process is
gone means a crash: the window offers it back.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

from designer.domain.design import Design
from designer.persistence import CURRENT_SCHEMA_VERSION, FORMAT, LoadError, load

__all__ = ["MAX_RECENT", "RecentFiles", "Recovery", "RecoveryStore", "default_recovery_dir"]

MAX_RECENT = 8


class RecentFiles:
    """The most recently opened or saved files, newest first, kept in QSettings."""

    KEY = "recent_files"

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def paths(self) -> list[str]:
        value = self.settings.value(self.KEY, [])
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def add(self, path: Path | str) -> None:
        text = str(Path(path).resolve())
        paths = [text, *(p for p in self.paths() if p != text)][:MAX_RECENT]
        self.settings.setValue(self.KEY, paths)

    def remove(self, path: str) -> None:
        self.settings.setValue(self.KEY, [p for p in self.paths() if p != path])

    def clear(self) -> None:
        self.settings.setValue(self.KEY, [])


def default_recovery_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".dr-designer") / "recovery"


@dataclass(frozen=True)
class Recovery:
    """A recovery copy found on disk."""

    design_file: Path
    meta_file: Path
    original: Path | None
    saved_at: float
    pid: int

    def load(self) -> Design:
        return load(self.design_file)

    def discard(self) -> None:
        for f in (self.design_file, self.meta_file):
            f.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


class RecoveryStore:
    """Recovery copies of one window's design in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._token = f"{os.getpid()}-{id(self):x}"
        self._thread: threading.Thread | None = None

    def start_write(self, design: Design, original: Path | None) -> RecoveryJob:
        """A write done in slices (see :class:`RecoveryJob`); the caller drives it."""
        return RecoveryJob(self, design, original)

    def _finish(self, design_text: str, original: Path | None) -> None:
        # Disk I/O (and fsync) releases the interpreter lock: a thread keeps it off the
        # event loop without slowing the window.
        self.wait()
        self._thread = threading.Thread(
            target=self._write_files, args=(design_text, original), name="recovery", daemon=True
        )
        self._thread.start()

    def _write_files(self, design_text: str, original: Path | None) -> None:
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            stem = self._stem(original)
            _write_atomic(self.folder / f"{stem}.recovery.json", design_text)
            _write_atomic(self.folder / f"{stem}.meta.json", json.dumps(self._meta(original)))

    def wait(self) -> None:
        """Block until a background file write is done (tests, deleting the copy)."""
        thread = self._thread
        if thread is not None:
            thread.join()

    def _meta(self, original: Path | None) -> dict[str, object]:
        return {
            "original": str(original.resolve()) if original else None,
            "saved_at": time.time(),
            "pid": os.getpid(),
        }

    def _stem(self, original: Path | None) -> str:
        key = str(original.resolve()) if original else f"untitled-{self._token}"
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
        name = original.stem if original else "untitled"
        return f"{name}-{digest}"

    def write(self, design: Design, original: Path | None) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = self._stem(original)
        target = self.folder / f"{stem}.recovery.json"
        self.wait()
        _write_atomic(target, "".join(_envelope_chunks(design)))
        _write_atomic(self.folder / f"{stem}.meta.json", json.dumps(self._meta(original)))
        return target

    def delete(self, original: Path | None) -> None:
        self.wait()  # a write still running would bring the copy back
        stem = self._stem(original)
        for suffix in (".recovery.json", ".meta.json"):
            (self.folder / f"{stem}{suffix}").unlink(missing_ok=True)

    def pending(self) -> list[Recovery]:
        """Copies left by processes that are gone (a crash), newest first."""
        found: list[Recovery] = []
        if not self.folder.is_dir():
            return found
        for meta_file in self.folder.glob("*.meta.json"):
            design_file = meta_file.with_name(
                meta_file.name.replace(".meta.json", ".recovery.json")
            )
            try:
                meta = json.loads(meta_file.read_text(encoding="utf-8"))
                pid = int(meta.get("pid", 0))
                original = Path(meta["original"]) if meta.get("original") else None
                saved_at = float(meta.get("saved_at", 0.0))
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if not design_file.exists() or _alive(pid):
                continue
            found.append(Recovery(design_file, meta_file, original, saved_at, pid))
        found.sort(key=lambda r: r.saved_at, reverse=True)
        return found


class RecoveryJob:
    """Serialises a design a slice at a time on the caller's thread (a Python worker
    thread would make every paint of the window wait for the interpreter lock), then
    hands the text to a thread for the disk write."""

    def __init__(self, store: RecoveryStore, design: Design, original: Path | None) -> None:
        self.store = store
        self.original = original
        self._chunks = _envelope_chunks(design)
        self._parts: list[str] = []
        self.done = False

    def step(self, budget_s: float = 0.008) -> bool:
        """Serialise for about ``budget_s``; True once the copy is handed to the writer."""
        if self.done:
            return True
        deadline = time.perf_counter() + budget_s
        for n, chunk in enumerate(self._chunks):
            self._parts.append(chunk)
            if n % 64 == 63 and time.perf_counter() > deadline:
                return False
        self.store._finish("".join(self._parts), self.original)
        self.done = True
        return True


def _envelope_chunks(design: Design):
    """The design file's envelope, serialised element by element.

    Not canonical (the saved file is): many small serialiser calls instead of one
    big one, so a background write never holds the interpreter lock for long and the
    window stays responsive while a 25,000-element copy is written.
    """
    head = design.model_dump(mode="json", exclude={"elements", "layout"})
    yield f'{{"format": {json.dumps(FORMAT)}, "schema_version": {CURRENT_SCHEMA_VERSION}, '
    yield '"design": {'
    for key, value in head.items():
        yield f"{json.dumps(key)}: {json.dumps(value)}, "
    yield '"elements": ['
    for i, element in enumerate(design.elements):
        yield ("," if i else "") + element.model_dump_json()
    yield '], "layout": {'
    for i, (key, entry) in enumerate(design.layout.items()):
        yield ("," if i else "") + json.dumps(key) + ": " + entry.model_dump_json()
    yield "}}}\n"


def _write_atomic(target: Path, text: str) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)


# Re-exported for the window's error handling.
_ = LoadError
