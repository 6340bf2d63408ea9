"""Small boxes of many siblings are named by what tells them apart (wave 21, ``fixo21``;
eyes21 #11): the generated designs' databases (60 x 22 px, "DAG01-DB0001" beside
"DAG01-DB0002" …) showed only their icon at any zoom, the name cut to "…1" failing the
"two fifths of the name" rule. Now a cut that keeps the end the siblings' names differ
in ("…0001") reads, and a one-line row whose name needs its icon's room gets it.

Through the door: ``dr-designer gui FILE`` opens a generated 1k design; what the canvas
draws is read from its label log; a screenshot is kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtTest import QTest

from benchmarks.generate import generate_design
from designer.persistence import dumps


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    path = tmp_path / "design-1k.json"
    path.write_text(dumps(generate_design("1k")), encoding="utf-8")
    return path


@pytest.mark.parametrize("zoom", [1.0, 1.43])
def test_sibling_databases_are_named_by_their_distinguishing_digits(  # type: ignore[no-untyped-def]
    launch, generated: Path, tmp_path: Path, zoom: float
) -> None:
    window = launch(generated)
    window.resize(1600, 1000)
    QTest.qWaitForWindowExposed(window)
    view = window.view
    scene = view.design_scene
    dag = next(n for n in scene.nodes.values() if n.name == "DAG01")
    databases = {
        i: n.name
        for i, n in scene.nodes.items()
        if n.kind == "mailbox_database" and scene.box_container(i) == dag.element_id
    }
    assert len(databases) > 100
    view.set_zoom(zoom)
    view.centerOn(
        dag.scene_rect().topLeft() + (dag.scene_rect().center() - dag.scene_rect().topLeft()) / 4
    )
    scene.labels.record = []
    view.viewport().repaint()
    shown = {label.owner: label.text for label in scene.labels.record if label.owner in databases}
    view.viewport().grab().save(str(tmp_path / f"dag01-{int(zoom * 100)}.png"))
    assert len(shown) >= 20, shown
    for owner, text in shown.items():
        # "…0001" of "DAG01-DB0001": the digits the siblings differ in, whole.
        assert text.startswith("…") and databases[owner].endswith(text[1:]), (owner, text)
        assert len(text) >= 4
    # Every database in view has a different name on the canvas.
    assert len(set(shown.values())) == len(shown)
