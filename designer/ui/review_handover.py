"""The review report's content handed from the window's worker thread to the drawing's
process (:mod:`designer.ui.review_drawing`), and the words between the window and that
process (wave 29, ``pdf29``)."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

from designer.interop.review import ReviewData

__all__ = ["DRAW", "ERROR", "HAND_OVER_PART", "hand_over", "take_over"]

#: The line the window writes once the content is made: the process, started with the
#: job (its imports meanwhile), then draws it. Standard input closed without it: nothing.
DRAW = "draw"

#: The first field of the line that carries a failure's message.
ERROR = "error"
#: The content's big collections are pickled this many items at a time.
HAND_OVER_PART = 500


def hand_over(data: ReviewData, path: Path) -> None:
    """``data`` pickled to ``path`` for the drawing's process, by the window's worker
    thread, in parts of :data:`HAND_OVER_PART` items: the design's elements and layout
    (then the design, whose elements are references to what came before: one pickler,
    one memo), the RPO/RTO matrix's cells, each other field. Pickled in one call, the 10k
    estate's content (13 MB) held Python's lock for ~0.45 s of CPU at a stretch: the
    window's thread waited 1 s for it on a loaded machine. Between two parts the window's
    thread gets its turn."""
    design, matrix = data.design, list(data.matrix.items())
    known: list[list[object]] = [list(design.elements), list(design.layout.items())]
    pieces = [
        part[start : start + HAND_OVER_PART]
        for part in known
        for start in range(0, len(part), HAND_OVER_PART)
    ]
    cells = [
        matrix[start : start + HAND_OVER_PART] for start in range(0, len(matrix), HAND_OVER_PART)
    ]
    fields = [f.name for f in dataclasses.fields(data) if f.name != "matrix"]
    with path.open("wb") as file:
        pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dump((len(pieces), len(cells), len(fields)))
        for piece in [*pieces, *cells]:
            pickler.dump(piece)
        for name in fields:
            pickler.dump((name, getattr(data, name)))


def take_over(path: Path) -> ReviewData:
    """The content :func:`hand_over` wrote to ``path``."""
    with path.open("rb") as file:
        unpickler = pickle.Unpickler(file)
        pieces, cells, fields = unpickler.load()
        for _ in range(pieces):
            unpickler.load()
        matrix = {key: cell for _ in range(cells) for key, cell in unpickler.load()}
        named = dict(unpickler.load() for _ in range(fields))
    return ReviewData(matrix=matrix, **named)
