"""File handling for the window: recent files and where recovery copies live.

The crash-recovery copy itself is a journal kept by :mod:`designer.ui.recovery`
(one record per change, written off the UI thread); see
:mod:`designer.persistence.journal` for its files.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

from designer import bundled

__all__ = [
    "MAX_RECENT",
    "RecentFiles",
    "beside",
    "default_recovery_dir",
    "design_file",
    "file_name_for",
    "flush_settings",
    "in_bundled_samples",
    "recent_labels",
    "start_folder",
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


def design_file(chosen: Path) -> Path:
    """The file a design is saved to when the user typed ``chosen`` in the save dialog:
    a name with no design suffix gets ``.drd.json`` ("boston-dr" saved as
    "boston-dr.drd.json"), as the export dialogs add theirs. A file saved as
    "boston-dr" was missing from File > Open's list, which shows design files only
    (eyes26).

    >>> design_file(Path("boston-dr")).name, design_file(Path("v1.2")).name
    ('boston-dr.drd.json', 'v1.2.drd.json')
    >>> design_file(Path("dr.JSON")).name, design_file(Path("dr.drd")).name
    ('dr.JSON', 'dr.drd')
    """
    if any(chosen.name.casefold().endswith(known) for known in _DESIGN_SUFFIXES):
        return chosen
    return chosen.with_name(chosen.name + _DESIGN_SUFFIXES[0])


def start_folder(design_path: Path | None, recent: list[str]) -> Path:
    """Where a file dialog for the design starts: the open design's folder; for a
    design not saved yet (File > New, a sample, a recovered copy) or a bundled sample
    opened by its path (:func:`in_bundled_samples`), the folder of the
    file last opened or saved (the recent files, kept in the settings) that is still
    there and is not the bundled samples' folder; else the user's Documents folder (the
    home folder if it has none). Never the folder the program was started from, which a
    file dialog given a bare name uses, nor the samples' folder: ``./scripts/run`` opens
    a sample by its path, which puts it first in the recent files, and a new design's
    first Save offered the checkout's ``sample_designs/`` (eyes20 #7).

    Examples
    --------
    >>> start_folder(Path("/w/designs/site.json"), [])
    PosixPath('/w/designs')
    """
    if design_path is not None and not in_bundled_samples(design_path):
        return design_path.parent
    samples = bundled.samples_folder()
    for text in recent:
        folder = Path(text).parent
        if folder.is_dir() and (samples is None or not _same_folder(folder, samples)):
            return folder
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def in_bundled_samples(path: Path) -> bool:
    """Whether ``path`` is a file in the bundled samples' folder: ``dr-designer gui
    sample_designs/x.json`` (``./scripts/run`` opens one so), or the installed
    package's copy. Save does not write there (the installed samples stay as they
    are: Save goes to Save As, in Documents), nor does an export start there."""
    samples = bundled.samples_folder()
    return samples is not None and _same_folder(path.parent, samples)


def _same_folder(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:
        return False


def suggested_path(
    design_path: Path | None, design_name: str, recent: list[str], suffix: str
) -> Path:
    """The file an export dialog proposes: beside the design file (a bundled
    sample's name in :func:`start_folder`), else in :func:`start_folder` under the
    design's name (``suffix`` after it)."""
    if design_path is not None:
        wanted = beside(design_path, suffix)
        if not in_bundled_samples(design_path):
            return wanted
        return start_folder(None, recent) / wanted.name
    return start_folder(None, recent) / file_name_for(design_name, suffix)


#: Writes the settings file off the UI thread, in the order asked (see RecentFiles).
_writer: ThreadPoolExecutor | None = None
_writer_lock = threading.Lock()
#: The recent-files lists asked for and not yet written, by settings file.
_unwritten: dict[str, list[str]] = {}


def _write(file: str, settings_format: QSettings.Format, key: str, value: list[str]) -> None:
    settings = QSettings(file, settings_format)
    settings.setValue(key, value)
    settings.sync()  # the write and its fdatasync, here rather than on the UI thread
    with _writer_lock:
        if _unwritten.get(file) is value:
            del _unwritten[file]


def flush_settings(*, stop: bool = False) -> None:
    """Wait for the settings writes asked for (the process's end, tests); with
    ``stop``, end the writer's thread too (the process's end: the interpreter would wait
    for it, and ``dr-designer gui`` ends its process only with no such thread left; a
    later write starts a new one)."""
    global _writer
    with _writer_lock:
        writer = _writer
        if stop:
            _writer = None
    if writer is not None:
        writer.submit(lambda: None).result()
        if stop:
            writer.shutdown(wait=True)


class RecentFiles:
    """The most recently opened or saved files, newest first, kept in QSettings.

    Written by a thread of their own: a change to a QSettings object is written to its
    file (a whole new file, then ``fdatasync``) in the event loop's next turn, on the UI
    thread: 2-4 ms, up to 50 ms on a busy disk, after every open and save. A list
    asked for is read back from memory until written; the other QSettings objects of the
    same file in the process see it once written (Qt shares their cache)."""

    KEY = "recent_files"

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def paths(self) -> list[str]:
        with _writer_lock:
            unwritten = _unwritten.get(self.settings.fileName())
        if unwritten is not None:
            return list(unwritten)
        value = self.settings.value(self.KEY, [])
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def add(self, path: Path | str) -> None:
        text = str(Path(path).resolve())
        self._store([text, *(p for p in self.paths() if p != text)][:MAX_RECENT])

    def remove(self, path: str) -> None:
        self._store([p for p in self.paths() if p != path])

    def clear(self) -> None:
        self._store([])

    def _store(self, paths: list[str]) -> None:
        global _writer
        file = self.settings.fileName()
        with _writer_lock:
            _unwritten[file] = paths
            if _writer is None:
                _writer = ThreadPoolExecutor(1, thread_name_prefix="settings-writer")
            writer = _writer
        writer.submit(_write, file, self.settings.format(), self.KEY, paths)


def recent_labels(paths: list[str]) -> list[str]:
    """How Open Recent names each of ``paths``: the file's name, and where two have the
    same name the folders that tell them apart, nearest first ("site.json — a/projects").

    Examples
    --------
    >>> recent_labels(["/w/a/site.json", "/w/b/site.json", "/w/b/other.json"])
    ['site.json — a', 'site.json — b', 'other.json']
    >>> recent_labels(["/x/p/same/d.json", "/y/p/same/d.json", "/p/d.json"])
    ['d.json — x/p/same', 'd.json — y/p/same', 'd.json — p']
    """
    found = [Path(p) for p in paths]
    by_name: dict[str, list[int]] = {}
    for i, path in enumerate(found):
        by_name.setdefault(path.name, []).append(i)
    labels = [path.name for path in found]
    for name, group in by_name.items():
        if len(group) < 2:
            continue
        folders = [found[i].parent.parts for i in group]
        deepest = max(len(parts) for parts in folders)
        for depth in range(1, deepest + 1):
            tails = [parts[-depth:] for parts in folders]
            if len(set(tails)) == len(tails):
                break
        for i, tail in zip(group, tails, strict=True):
            # A folder tail of the root alone ("/") reads as the whole folder.
            parts = [part for part in tail if part != found[i].anchor]
            labels[i] = f"{name} — {Path(*parts) if parts else found[i].parent}"
    return labels


def default_recovery_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".dr-designer") / "recovery"
