"""File handling for the window: recent files and the crash-recovery copy.

The recovery copy is written (atomically, with designer.persistence.save) when the
design first becomes dirty and then every 30 s while it stays dirty and changes; it is
deleted after a clean save or close. On the next start, a copy whose writer process is
gone means a crash: the window offers it back.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

from designer.domain.design import Design
from designer.persistence import LoadError, load, save

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
            value = [value]
        return [str(v) for v in (value or [])]

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

    def _stem(self, original: Path | None) -> str:
        key = str(original.resolve()) if original else f"untitled-{self._token}"
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
        name = original.stem if original else "untitled"
        return f"{name}-{digest}"

    def write(self, design: Design, original: Path | None) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = self._stem(original)
        target = self.folder / f"{stem}.recovery.json"
        save(design, target)
        meta = {
            "original": str(original.resolve()) if original else None,
            "saved_at": time.time(),
            "pid": os.getpid(),
        }
        (self.folder / f"{stem}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
        return target

    def delete(self, original: Path | None) -> None:
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


# Re-exported for the window's error handling.
_ = LoadError
