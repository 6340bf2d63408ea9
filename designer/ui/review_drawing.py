"""The review report drawn in a process of its own, for the window (wave 29, ``pdf29``).

``python -m designer.ui.review_drawing CONTENT OUTPUT``, started with the report's job:
it imports what it needs while the window's worker computes the content, waits for the
line ``draw`` on standard input, then reads ``CONTENT`` (the report's content, written by
:func:`designer.ui.review_handover.hand_over`) and writes ``OUTPUT``, the .pdf or .html.
Each step of :func:`designer.ui.review.review_steps` is a line on standard output,
``stage<TAB>done<TAB>of`` (``page``, ``layout`` or empty), for the window's progress
dialog; a failure the user can act on is a last line ``error<TAB>message`` and exit
status 2; a bug is a traceback on standard error and exit status 1.

Why a process: the drawing is Qt's rich text (``QTextDocument.setHtml``, its layout, the
heading breaks, ``drawContents`` on a ``QPdfWriter``) and the diagram's scene. On a
thread of the window's process, PySide6 holds Python's lock through those calls (a
worker thread's one layout call stopped the UI thread for 2 s in a probe), so the window
stopped all the same (a 10k estate's report: 9.2 s, then 5.7 s); a scene and its
pixmaps are for the GUI thread only in any case. A process of its own draws the same
pages (:func:`~designer.ui.review.review_steps`, as ``dr-designer report`` does) while
the window turns, and Cancel ends it at once."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from designer.domain.errors import DesignError
from designer.interop.report import InteropError
from designer.ui.review_handover import DRAW, ERROR, take_over

__all__ = ["main"]


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
