"""Wave 21's window leftovers (``ui21``), each through the user's door (``dr-designer gui
FILE``) and real widgets:

2. a zoomed-out cluster's name keeps off (or under) its first host's findings marker;
3. a bundled sample opened by its path is not saved in place: Save goes to Save As;
4. "Untitled design" takes the file's name only once the file is written;
5. Connect To's entries name a reference in words ("virtual disk's LUN"), not by its
   field (``lun``, ``cas_arrays``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu
from test_window_leftovers20 import _tall_hosts

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SAMPLE = SAMPLES / "three_site_stretched_dag.json"
SHOTS = Path(os.environ.get("DR_SHOTS", "/tmp/ui21-shots"))


def _shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}.png"))


def _connect_to_entries(window: Any, element_id: str) -> list[str]:
    """The entries of Connect To in the canvas menu of ``element_id`` (Shift+F10), as
    shown (without their Alt keys' marks): its submenu's, or those of the chooser it
    opens when there are many (read, then cancelled)."""
    window.session.set_selection([element_id])
    view = window.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = view._menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    found = [a for a in menu.actions() if a.text().replace("&", "").startswith("Connect To")]
    assert len(found) == 1, [a.text() for a in menu.actions()]
    sub = found[0].menu()
    if isinstance(sub, QMenu):
        entries = [a.text().replace("&", "") for a in sub.actions() if a.text()]
        menu.close()
        return entries
    chooser: list[str] = []

    def read_and_cancel() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog)]
        if not dialogs or not dialogs[0].isVisible():
            QTimer.singleShot(20, read_and_cancel)
            return
        chooser.extend(dialogs[0].comboBoxItems())
        dialogs[0].reject()

    QTimer.singleShot(20, read_and_cancel)
    found[0].trigger()
    return chooser


# -- 5. Connect To names a reference in words ------------------------------------------------
def test_connect_to_names_the_reference_it_sets_in_words(launch: Any) -> None:
    window = launch(SAMPLE)
    lun = _connect_to_entries(window, "lun-bos-mbx01-db")  # 70 targets: the chooser
    disk = [e for e in lun if "(virtual disk)" in e]
    assert len(disk) == 44 and all(e.endswith(" — virtual disk's LUN") for e in disk), disk
    balancer = _connect_to_entries(window, "lb-bos")
    assert balancer == ["WOR CAS array (CAS array) — load balancer's CAS arrays"], balancer
    assert not [e for e in lun + balancer if "_" in e or "'s lun" in e or "cas arrays" in e]


# -- 2. a zoomed-out cluster's name and its first host's findings marker --------------------
def _marker_pixel(window: Any, element_id: str) -> tuple[QColor, QRectF]:
    """The colour inside ``element_id``'s findings marker on the canvas (right of its
    count) and the marker's rectangle on the viewport."""
    view = window.view
    node = view.design_scene.nodes[element_id]
    scale = view.transform().m11()
    badge = node.marker_rect(node.rect(), scale).translated(node.pos())
    rect = QRectF(view.mapFromScene(badge).boundingRect())
    image = view.viewport().grab().toImage()
    at = rect.center() + QPointF(rect.width() * 0.3, 0)
    return image.pixelColor(round(at.x()), round(at.y())), rect


def test_a_clusters_name_keeps_its_first_hosts_marker_in_sight(launch: Any, qtbot: Any) -> None:
    window = launch(_tall_hosts(launch.home))
    window.resize(1200, 800)
    QTest.qWaitForWindowExposed(window)
    view = window.view
    scene = view.design_scene
    qtbot.waitUntil(lambda: scene.marker_of("h0") is not None, timeout=10_000)
    warning = QColor(scene.theme.severity[scene.marker_of("h0")[0]])
    for zoom in (0.2, 0.25):
        view.set_zoom(zoom)
        view.centerOn(scene.content_rect().center())
        scene.labels.record = []
        view.viewport().repaint()
        drawn = list(scene.labels.record)
        _shot(view.viewport(), f"cluster-name-and-host-marker-{round(zoom * 100)}pc")
        (title,) = [label for label in drawn if label.owner == "cl" and label.text != "1"]
        pixel, badge = _marker_pixel(window, "h0")
        # The marker shows: its colour, not the title's pill (the canvas's background).
        assert abs(pixel.hue() - warning.hue()) < 12 and pixel.saturation() > 120, (
            zoom,
            pixel.name(),
            warning.name(),
        )
        if zoom == 0.25:
            # Room for a readable name before the marker: shortened to end before it.
            assert title.text != "BOS-Cluster" and "…" in title.text, title.text
            assert title.rect.right() < badge.left(), (title.rect, badge)
        else:
            # No room for a readable name before it: the marker is drawn over the name.
            assert title.text == "BOS-Cluster"
            assert title.rect.intersects(badge)
            assert [label.owner for label in drawn].index("cl") < len(drawn) - 1
            assert (drawn[-1].owner, drawn[-1].text) == ("h0", "1")
