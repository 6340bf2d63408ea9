"""The Overview's measure of the drawing (Qt's ``itemsBoundingRect``: every item's
bounds, 120-310 ms of the UI thread at 25k) runs in steps between event-loop turns, and
once after a Select All or an Escape, when the selection's lines have settled, instead of
at every picture while they are made, routed or taken away; the picture is the one a
render at once gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage

from benchmarks.generate import generate_design
from designer.persistence import dumps
from designer.ui import slices
from designer.ui.canvas.scene import DesignScene
from designer.ui.main_window import MainWindow
from designer.ui.panels import overview as overview_module
from designer.ui.panels.overview import OverviewPanel

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def _exact(rect: QRectF) -> tuple[float, float, float, float]:
    """A rectangle's figures (QRectF's own == is fuzzy)."""
    return (rect.x(), rect.y(), rect.width(), rect.height())


def _overview(window: MainWindow) -> OverviewPanel:
    overview = window.findChild(OverviewPanel)
    assert overview is not None and overview.isVisible()
    return overview


def _idle(qtbot: Any, overview: OverviewPanel, after: int = 0) -> None:
    """A picture made after the first ``after``, and none waiting nor being measured or
    painted (the scene's changes reach the Overview in a later turn)."""
    qtbot.wait(50)
    qtbot.waitUntil(
        lambda: (
            overview.render_count > after
            and not overview._dirty
            and not overview._render_timer.isActive()
            and not slices.shared().running((id(overview), "render"))
        ),
        timeout=60000,
    )


def _picture(overview: OverviewPanel) -> tuple[tuple[float, float, float, float], QImage]:
    return _exact(overview._picture_rect), overview._picture.toImage()


class _Measures:
    """Every measure in steps: its key's routing flag and its number of steps."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.made: list[dict[str, Any]] = []
        init, run = overview_module._Measure.__init__, overview_module._Measure.run
        made = self.made

        def noted_init(measure: Any, key: Any) -> None:
            init(measure, key)
            made.append({"routing": key[2][3], "steps": 0})

        def noted_run(measure: Any, budget_ms: float) -> bool:
            made[-1]["steps"] += 1
            return run(measure, budget_ms)

        monkeypatch.setattr(overview_module._Measure, "__init__", noted_init)
        monkeypatch.setattr(overview_module._Measure, "run", noted_run)


def _press(qtbot: Any, window: MainWindow, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
    scene = window.view.design_scene
    window.view.setFocus()
    qtbot.keyClick(window.view.viewport(), key, modifier)
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=60000)


def test_select_all_and_escape_measure_the_settled_drawing_once_in_steps(
    qtbot: Any, launch: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pictures every 20 ms (while the selection's lines are still made and routed too),
    # each measure a chunk of 16 items per step.
    monkeypatch.setattr(overview_module, "RENDER_INTERVAL_MS", 20)
    monkeypatch.setattr(overview_module, "_MEASURE_CHUNK", 16)
    monkeypatch.setattr(overview_module, "_STEP_MS", 0)
    path = tmp_path / "generated.json"
    path.write_text(dumps(generate_design(200, seed=0)), encoding="utf-8")
    window = launch(path)  # dr-designer gui FILE
    scene = window.view.design_scene
    overview = _overview(window)
    scene.finish_build()
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=60000)
    _idle(qtbot, overview)
    before = _exact(scene.itemsBoundingRect())
    measures = _Measures(monkeypatch)
    pictures = overview.render_count

    _press(qtbot, window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    _idle(qtbot, overview, pictures)
    assert len(window.session.selection) > 100
    items = len(scene.items())
    assert items > 400  # the selection's lines (and their labels) added
    # Pictures came while the lines were made and routed, on the measure from before.
    assert overview.render_count >= pictures + 2
    assert [m["routing"] for m in measures.made] == [False]  # once, settled
    assert measures.made[0]["steps"] >= items // 16  # a chunk a step
    selected = _exact(scene.itemsBoundingRect())
    assert selected != before  # (the lines' bounds reach past the boxes')
    assert overview._measured is not None
    assert _exact(overview._measured[3]) == selected  # Qt's own figure, to the bit
    stepped = _picture(overview)
    overview._render()  # at once, measured at once
    assert _picture(overview) == stepped

    measures.made.clear()
    pictures = overview.render_count
    _press(qtbot, window, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    _idle(qtbot, overview, pictures)
    assert [m["routing"] for m in measures.made] == [False]
    assert overview._measured is not None
    assert _exact(overview._measured[3]) == _exact(scene.itemsBoundingRect()) == before
    # (measured although the scene may not change once the lines have left and the
    # channels settled: the Overview looks whether they have)
    stepped = _picture(overview)
    overview._render()
    assert _picture(overview) == stepped


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.json")))
def test_the_stepped_measure_is_qts_rectangle_for_every_sample(
    qtbot: Any, launch: Any, name: str
) -> None:
    window = launch(SAMPLES / name)
    scene = window.view.design_scene
    overview = _overview(window)
    qtbot.waitUntil(lambda: not scene.routing_pending, timeout=60000)
    assert isinstance(scene, DesignScene)
    key = overview._extent_key(scene)
    assert key is not None
    measure = overview_module._Measure(key)
    while not measure.run(0.0):
        pass
    assert _exact(measure.rect) == _exact(scene.itemsBoundingRect())
    assert not measure.rect.isEmpty()
