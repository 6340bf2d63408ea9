"""The Overview dropped while its picture is painted in slices (its window closed during
a big design's opening) must not crash: its unfinished job holds a QPainter active on
the job's own pixmap, and the two are freed with the job."""

from __future__ import annotations

import os
import subprocess
import sys

CODE = """
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPixmap, QTransform
from PySide6.QtWidgets import QApplication
from designer.ui.panels.overview import _RenderJob
app = QApplication([])
for _ in range(50):
    picture = QPixmap(64, 64)
    job = _RenderJob(picture, QPainter(picture), QRectF(), ([], 0), QTransform())
    del picture
    del job  # the unfinished job goes: painter and pixmap freed together
print("survived")
"""


def test_an_unfinished_overview_picture_is_freed_without_a_crash() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["survived"]
