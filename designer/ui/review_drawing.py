"""The review report made in a process of its own, for the window (waves 29 and 30,
``pdf29``, ``handover30``).

``python -m designer.ui.review_drawing DESIGN OUTPUT``, started with the report's job:
it imports what it needs while the window hands the design over, waits for the line
``draw`` on standard input, then reads ``DESIGN`` (written by
:func:`designer.ui.review_handover.hand_over_steps`), works out the report's content
(:func:`designer.ui.review.prepare_review`: the rules, N-2, the RPO/RTO matrix) and
writes ``OUTPUT``, the .pdf or .html. Its progress is a line on standard output,
``stage<TAB>done<TAB>of``: the content's stages (``N-2 analysis``, ``RPO/RTO matrix``,
at most one line per :data:`CONTENT_LINE_S`), then each step of
:func:`designer.ui.review.review_steps` (``page``, ``layout`` or empty), for the
window's progress dialog; a failure the user can act on is a last line
``error<TAB>message`` and exit status 2; a bug is a traceback on standard error and exit
status 1. Standard input closed without ``draw``, or standard output closed (the window
killed mid-report), it removes the job's folder (``DESIGN``'s) and ends.

Why the content here too (wave 30): computed on a worker thread of the window, the N-2
sweep, the matrix and the content's hand-over held Python's lock, and the window's
thread waited for it 0.3-0.55 s at a time on a loaded machine (the 10k estate's report).

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
import time
from pathlib import Path
from typing import IO

from designer.domain.errors import DesignError
from designer.interop.report import InteropError
from designer.ui.review_handover import DRAW, DRAWING, ERROR, remove_folder, take_over

__all__ = ["CONTENT_LINE_S", "main"]

#: The content's progress is said at most once in this many seconds (the N-2 sweep
#: reports each failure: thousands a second on a small design).
CONTENT_LINE_S = 0.05


class _Lines:
    """The progress lines to the window; :class:`BrokenPipeError` once it is gone."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self._said = ("", 0.0)

    def step(self, stage: str, done: int, total: int) -> None:
        self.out.write(f"{stage}\t{done}\t{total}\n")
        self.out.flush()

    def content(self, stage: str, done: int, total: int) -> bool:
        """:data:`designer.interop.review.ReviewProgress`: a line now and then."""
        now = time.monotonic()
        if stage != self._said[0] or now - self._said[1] >= CONTENT_LINE_S:
            self._said = (stage, now)
            self.step(stage, done, total)
        return True


def main(argv: list[str] | None = None) -> int:
    content, output = (argv if argv is not None else sys.argv[1:])[:2]
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # nothing shown: no display needed
    from PySide6.QtWidgets import QApplication

    from designer.ui.review import prepare_review, review_steps

    app = QApplication(sys.argv[:1])
    folder = Path(content).parent
    if sys.stdin.readline().strip() != DRAW:
        remove_folder(folder)  # the window ended the job, or is gone
        return 0
    lines = _Lines(sys.stdout)
    try:
        design, source = take_over(Path(content))
        data = prepare_review(design, source=source, progress=lines.content)
        lines.step(DRAWING, 0, 0)
        for stage, done, total in review_steps(data, output):
            lines.step(stage, done, total)
    except BrokenPipeError:
        return _window_gone(folder)
    except (InteropError, DesignError, OSError) as exc:
        try:
            sys.stdout.write(f"{ERROR}\t{' '.join(str(exc).split())}\n")
            sys.stdout.flush()
        except BrokenPipeError:
            return _window_gone(folder)
        return 2
    del app
    return 0


def _window_gone(folder: Path) -> int:
    """The window is gone (killed mid-report): nobody to draw for; its folder removed."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # (no error at exit)
    remove_folder(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
