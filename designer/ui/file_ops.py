"""File handling for the window: recent files and where recovery copies live.

The crash-recovery copy itself is a journal kept by :mod:`designer.ui.recovery`
(one record per change, written off the UI thread); see
:mod:`designer.persistence.journal` for its files.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

__all__ = [
    "MAX_RECENT",
    "RecentFiles",
    "beside",
    "default_recovery_dir",
    "file_name_for",
]

MAX_RECENT = 8


def file_name_for(design_name: str, suffix: str) -> str:
    """The file name a save or export dialog suggests for an unsaved design: its name
    with path separators and control characters replaced (a sample named
    "… MirrorView/S" proposed the file "S.json" in a folder that does not exist)."""
    safe = "".join("-" if c in "/\\" or not c.isprintable() else c for c in design_name)
    return (safe.strip(" .") or "design") + suffix


#: A design file's double suffixes (the desktop's file type): "site.drd.json" is "site".
_DESIGN_SUFFIXES = (".drd.json", ".drd", ".json")


def beside(path: Path, suffix: str) -> Path:
    """The file an export of the design file ``path`` suggests beside it: its name
    without the design file's suffix, then ``suffix`` ("dr.drd.json" → "dr.png", not
    "dr.drd.png")."""
    name = path.name
    for known in _DESIGN_SUFFIXES:
        if name.casefold().endswith(known) and len(name) > len(known):
            return path.with_name(name[: -len(known)] + suffix)
    return path.with_name(path.stem + suffix)


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
