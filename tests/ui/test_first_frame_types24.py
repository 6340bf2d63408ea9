"""The first frame of a design draws its fills without making QGradient's Python type
(wave 24, ``open24a``; designer.ui.canvas.fills): PySide makes it on the first
``QPainter.fillRect`` or one-argument ``QBrush(color)``, ~12.5 M instructions (its
``Preset`` enum's ~180 members) that a big design's first frame paid. The window makes
it in an idle turn after that frame; a fill then is ``fillRect``, the same pixels."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QTransform

from designer.ui.canvas import fills

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("first_frame_child.py")


def test_the_first_frame_of_a_design_does_without_qgradient(tmp_path: Path) -> None:
    """Through the user's door: ``python -m designer gui FILE`` (the sample with the
    most boxes kinds), in a child process: a fresh process, where no type is made yet."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "DR_DESIGNER_LOG_DIR": str(tmp_path / "logs"),
        "PYTHONPATH": str(ROOT),
    }
    design = ROOT / "sample_designs" / "three_site_stretched_dag.json"
    run = subprocess.run(
        [sys.executable, str(CHILD), str(design)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=240,
    )
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert "first frame: QGradient=False" in run.stdout, said  # before: True


def _painted(fill: str, seed: int) -> QImage:
    rng = random.Random(seed)
    image = QImage(120, 120, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, seed % 2 == 0)
    painter.setTransform(
        QTransform()
        .translate(rng.uniform(-5, 5), rng.uniform(-5, 5))
        .scale(rng.uniform(0.05, 3), rng.uniform(0.05, 3))
    )
    painter.setPen(QPen(QColor("black"), 1.5))
    painter.setBrush(QBrush(QColor("red"), Qt.BrushStyle.SolidPattern))
    for _ in range(6):
        x, y = rng.uniform(0, 80), rng.uniform(0, 80)
        w, h = rng.uniform(0, 40), rng.uniform(0, 40)
        rect: QRectF | QRect = (
            QRectF(x, y, w, h) if rng.random() < 0.7 else QRect(int(x), int(y), int(w), int(h))
        )
        alpha = rng.choice([255, 128])
        color = QColor(rng.randrange(256), rng.randrange(256), rng.randrange(256), alpha)
        paint: QColor | QBrush = (
            color if rng.random() < 0.7 else QBrush(color, Qt.BrushStyle.SolidPattern)
        )
        if fill == "fillRect":
            painter.fillRect(rect, paint)
        else:
            fills.fill_rect(painter, rect, paint)
        painter.drawLine(0, 0, 50, 60)  # with the painter's own pen and brush after the fill
        painter.drawEllipse(QRectF(60, 10, 20, 30))
    painter.end()
    return image


@pytest.mark.parametrize("ready", [False, True])
def test_fill_rect_paints_what_fill_rect_of_qt_paints(
    ready: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fills, "ready", ready)
    monkeypatch.setattr(fills, "_slow", 0)
    for seed in range(200):
        assert _painted("fills", seed) == _painted("fillRect", seed), seed


def test_the_slow_fills_end_by_themselves(monkeypatch: pytest.MonkeyPatch) -> None:
    """A painting without the window (an export, a test's scene) makes the type itself
    after SLOW_FILLS fills: the slow way costs a process a few milliseconds at most."""
    monkeypatch.setattr(fills, "ready", False)
    monkeypatch.setattr(fills, "_slow", 0)
    monkeypatch.setattr(fills, "SLOW_FILLS", 5)
    image = QImage(10, 10, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    for _ in range(4):
        fills.fill_rect(painter, QRectF(0, 0, 5, 5), QColor("blue"))
    assert not fills.ready
    fills.fill_rect(painter, QRectF(0, 0, 5, 5), QColor("blue"))
    painter.end()
    assert fills.ready
