"""Generated designs written for a window to open, when such a window has settled, and
a click on a box's title, what the boxes draw of their disks: shared by the tests that
open them through ``dr-designer gui FILE`` (group edits, their listeners, big edits in
steps, the collector's tidy, edit costs)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from benchmarks.generate import generate_design
from designer.persistence import dumps

__all__ = ["click_title", "disk_drawing", "generated_file", "open_settled", "settled"]


def generated_file(tmp_path: Path, size: int) -> Path:
    """A generated design of about ``size`` elements (seed 1), written in ``tmp_path``."""
    path = tmp_path / f"generated-{size}.json"
    path.write_text(dumps(generate_design(size, seed=1)), encoding="utf-8")
    return path


def open_settled(
    design: Any, launch: Any, qtbot: Any, tmp_path: Path, size: tuple[int, int] = (1600, 1000)
) -> Any:
    """``dr-designer gui FILE`` on ``design`` written in ``tmp_path``: the window at
    ``size`` (1600 × 1000), once settled."""
    path = tmp_path / "generated.json"
    path.write_text(dumps(design), encoding="utf-8")
    window = launch(path)
    window.resize(*size)
    qtbot.waitUntil(lambda: settled(window), timeout=120_000)
    return window


def disk_drawing(scene: Any) -> dict[str, tuple[object, ...]]:
    """What each box draws of its disks (count, order, tags)."""
    return {
        i: (n.disk_count, list(n.disk_ids), dict(n.disk_tag_of), list(n.disk_tags))
        for i, n in scene.nodes.items()
        if n.disk_count
    }


def settled(window: Any) -> bool:
    """Whether ``window`` has checked its design's latest revision, prepared its edits
    and routed its lines (nothing held)."""
    session = window.session
    return (
        not session.holding
        and not session.preparing_edits
        and session.findings_revision == session.document.revision
        and not window.view.design_scene.routing_pending
    )


def click_title(window: Any, element_id: str) -> None:
    """The user clicks the title of ``element_id``'s box (scrolled into view): it alone
    is selected."""
    view = window.view
    rect = view.design_scene.nodes[element_id].scene_rect()
    spot = QPointF(rect.left() + 12, rect.top() + 6)
    view.centerOn(spot)
    at = view.mapFromScene(spot)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), at)
    assert window.session.selection == [element_id]
