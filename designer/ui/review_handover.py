"""The design handed from the window to the review report's process
(:mod:`designer.ui.review_drawing`), the words between the two, and the job's private
folder (waves 29 and 30, ``pdf29``, ``handover30``).

The window's UI thread pickles the design a part at a time between its event loop's
turns (:func:`hand_over_steps`); the process reads it back (:func:`take_over`), works
out the report's content (the rules, N-2, the RPO/RTO matrix) and draws it. No Python
thread of the window's process does any of it: a worker thread holds Python's lock
while it computes or pickles, and on a loaded machine the window's thread waited for
that lock 0.3-0.55 s at a time (the 10k estate's report, wave 29).

The job's folder (:func:`job_folder`) holds the design handed over, the drawing's own
temporary files and the drawing; the window holds a lock on it while the job runs, so a
folder nobody holds (its window killed mid-report) is removed at the next report
(:func:`remove_stale_folders`), and the process removes it itself when it finds the
window gone."""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
import time
from collections.abc import Generator
from itertools import islice
from pathlib import Path
from typing import IO, Any

from designer.domain.design import Design

__all__ = [
    "DRAW",
    "DRAWING",
    "ERROR",
    "FOLDER_PREFIX",
    "HAND_OVER_PART",
    "LOCK_NAME",
    "hand_over_steps",
    "job_folder",
    "remove_folder",
    "remove_stale_folders",
    "take_over",
]

#: The line the window writes once the design is handed over: the process, started with
#: the job (its imports meanwhile), then reads it. Standard input closed without it: the
#: window ended the job, or is gone.
DRAW = "draw"

#: The stage of the line the process writes once the content is made: it draws now.
DRAWING = "drawing"

#: The first field of the line that carries a failure's message.
ERROR = "error"
#: The design's elements and layout are pickled this many items at a time (at most
#: ~1.5 ms of the UI thread's CPU a part, on this machine; see :func:`hand_over_steps`).
HAND_OVER_PART = 100
#: A report job's private folder is named so (in the system's temporary folder).
FOLDER_PREFIX = "dr-designer-report-"
#: The file in a job's folder that its window holds locked while the job runs.
LOCK_NAME = "window.lock"

#: A lock file younger than this (seconds) is never found stale: made, not yet held.
_YOUNG_S = 60.0

_PROTOCOL = pickle.HIGHEST_PROTOCOL

#: The design's fields pickled apart, a part at a time (the rest are small).
_BIG_FIELDS = ("elements", "layout")


def hand_over_steps(design: Design, source: str, path: Path) -> Generator[None, None, None]:
    """``design`` (and the report's ``source``, the file's name) pickled to ``path`` for
    the report's process, a yield after each part of :data:`HAND_OVER_PART` elements or
    layout entries, so that the window's thread pickles it between its turns (wave 30:
    the 10k estate's design is 4 MB, ~0.13 s of CPU; 100k, ~1.4 s). A design is
    immutable: what is pickled across turns is one snapshot. Closed before its end, it
    leaves ``path`` incomplete (the process is not told to read it)."""
    fields = {
        name: getattr(design, name) for name in type(design).model_fields if name not in _BIG_FIELDS
    }
    elements, layout = design.elements, design.layout
    parts = [-(-len(elements) // HAND_OVER_PART), -(-len(layout) // HAND_OVER_PART)]
    with path.open("wb") as file:
        # A pickle of its own for each part: one pickler's memo of every object so far
        # (millions at 100k) was grown, rehashed, inside a part's turn (88-137 ms).
        pickle.dump((source, parts, fields, sorted(design.model_fields_set)), file, _PROTOCOL)
        yield
        for items, count in ((iter(elements), parts[0]), (iter(layout.items()), parts[1])):
            for _ in range(count):
                pickle.dump(list(islice(items, HAND_OVER_PART)), file, _PROTOCOL)
                yield


def take_over(path: Path) -> tuple[Design, str]:
    """The design and the source's name that :func:`hand_over_steps` wrote to ``path``.
    The design is made as pickled (no validation: the window's design was valid), its
    elements a list and its layout a dict, as read from a file."""
    with path.open("rb") as file:
        source, parts, fields, fields_set = pickle.load(file)
        elements: list[Any] = []
        for _ in range(parts[0]):
            elements.extend(pickle.load(file))
        layout: dict[str, Any] = {}
        for _ in range(parts[1]):
            layout.update(pickle.load(file))
    design = Design.model_construct(
        _fields_set=set(fields_set), elements=elements, layout=layout, **fields
    )
    return design, source


def job_folder() -> tuple[Path, IO[bytes] | None]:
    """A report job's private folder, made now, and its lock file held by this process
    (None where the system has no ``fcntl``: its folder is then removed by the job, or
    by the process, but never found stale). The lock ends with the process, however it
    ends; the file is not inherited by the report's process."""
    folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
    try:
        import fcntl
    except ImportError:  # (not on Windows)
        return folder, None
    lock = (folder / LOCK_NAME).open("wb")
    fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    return folder, lock


def remove_stale_folders(parent: Path | None = None) -> list[Path]:
    """The report jobs' folders in ``parent`` (the system's temporary folder) that no
    window holds, removed: a window killed mid-report left its folder (the design handed
    over, the drawing's temporary files: at 10k, megabytes). A folder with no lock file
    is left alone (another program's, or a job's being made)."""
    try:
        import fcntl
    except ImportError:  # (not on Windows)
        return []
    removed = []
    for folder in Path(parent or tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        try:
            lock = (folder / LOCK_NAME).open("rb")
        except OSError:  # no lock file, not ours to read, or gone meanwhile
            continue
        with lock:
            try:
                if time.time() - os.fstat(lock.fileno()).st_mtime < _YOUNG_S:
                    continue  # just made: its window may not hold it yet
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # its window holds it: a report under way
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def remove_folder(folder: Path) -> None:
    """A job's folder removed (by the report's process when its window is gone): only
    one named as a job's folder is."""
    if folder.name.startswith(FOLDER_PREFIX):
        shutil.rmtree(folder, ignore_errors=True)
