"""The review report drawn in a process of its own, for the window (wave 29, ``pdf29``).

``python -m designer.ui.review_drawing CONTENT OUTPUT``, started with the report's job:
it imports what it needs while the window's worker computes the content, waits for the
line :data:`DRAW` on standard input, then reads ``CONTENT`` (the report's
:class:`~designer.interop.review.ReviewData`, written by :func:`hand_over`) and writes
``OUTPUT``, the .pdf or .html. Each step of :func:`designer.ui.review.review_steps`
is a line on standard output, ``stage<TAB>done<TAB>of`` (``page``, ``layout`` or empty),
for the window's progress dialog; a failure the user can act on is a last line
``error<TAB>message`` and exit status 2; a bug is a traceback on standard error and
exit status 1.

Why a process: the drawing is Qt's rich text (``QTextDocument.setHtml``, its layout, the
heading breaks, ``drawContents`` on a ``QPdfWriter``) and the diagram's scene. On a
thread of the window's process, PySide6 holds Python's lock through those calls (a
worker thread's one layout call stopped the UI thread for 2 s in a probe), so the window
stopped all the same (a 10k estate's report: 9.2 s, then 5.7 s); a scene and its
pixmaps are for the GUI thread only in any case. A process of its own draws the same
pages (:func:`~designer.ui.review.review_steps`, as ``dr-designer report`` does) while
the window turns, and Cancel ends it at once."""

from __future__ import annotations

import dataclasses
import os
import pickle
import sys
from pathlib import Path

from designer.domain.errors import DesignError
from designer.interop.report import InteropError
from designer.interop.review import ReviewData

__all__ = ["DRAW", "ERROR", "hand_over", "main", "take_over"]

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


def main(argv: list[str] | None = None) -> int:
    content, output = (argv if argv is not None else sys.argv[1:])[:2]
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # nothing shown: no display needed
    from PySide6.QtWidgets import QApplication

    from designer.availability.report import register as register_availability
    from designer.ui.review import review_steps

    app = QApplication(sys.argv[:1])
    register_availability()  # as the window's (prepare_review registered it there)
    out = sys.stdout
    if sys.stdin.readline().strip() != DRAW:
        return 0  # the window cancelled, failed or ended before the content was made
    try:
        data = take_over(Path(content))
        for stage, done, total in review_steps(data, output):
            out.write(f"{stage}\t{done}\t{total}\n")
            out.flush()
    except (InteropError, DesignError, OSError) as exc:
        out.write(f"{ERROR}\t{' '.join(str(exc).split())}\n")
        out.flush()
        return 2
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
