"""Helpers of the canvas and main-window tests (no tests here): a small two-site
design and real mouse gestures on a view's viewport."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QSettings, QStandardPaths, Qt
from PySide6.QtTest import QTest

from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import (
    EsxiHost,
    Lun,
    Site,
    StorageArray,
    VirtualMachine,
    VsphereCluster,
)

QStandardPaths.setTestModeEnabled(True)


def small_design() -> Design:
    """Boston (host esx-b1 with VM vm-b1, array with two LUNs) and Worcester
    (cluster with one host, array with one LUN)."""
    elements = [
        Site(id="bos", name="Boston"),
        Site(id="wor", name="Worcester"),
        EsxiHost(id="esx-b1", name="esx-b1", site="bos"),
        VirtualMachine(id="vm-b1", name="MBX-B1", host="esx-b1"),
        StorageArray(id="arr-b", name="CX4-B", site="bos"),
        Lun(id="lun-b1", name="LUN-B1", array="arr-b"),
        Lun(id="lun-b2", name="LUN-B2", array="arr-b"),
        VsphereCluster(id="cl-w", name="Cluster-W", site="wor"),
        EsxiHost(id="esx-w1", name="esx-w1", site="wor", cluster="cl-w"),
        StorageArray(id="arr-w", name="CX4-W", site="wor"),
        Lun(id="lun-w1", name="LUN-W1", array="arr-w"),
    ]
    layout = {
        "bos": LayoutEntry(x=0, y=0, w=600, h=400),
        "wor": LayoutEntry(x=700, y=0, w=600, h=400),
        "esx-b1": LayoutEntry(x=20, y=40, w=200, h=100),
        "vm-b1": LayoutEntry(x=30, y=70, w=170, h=24),
        "arr-b": LayoutEntry(x=20, y=200, w=200, h=120),
        "lun-b1": LayoutEntry(x=30, y=230, w=170, h=24),
        "lun-b2": LayoutEntry(x=30, y=260, w=170, h=24),
        "cl-w": LayoutEntry(x=720, y=40, w=400, h=140),
        "esx-w1": LayoutEntry(x=740, y=70, w=180, h=90),
        "arr-w": LayoutEntry(x=720, y=200, w=200, h=120),
        "lun-w1": LayoutEntry(x=730, y=230, w=170, h=24),
    }
    return Design(name="Two sites", elements=elements, layout=layout)


def ini_settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def vp(view, x: float, y: float) -> QPoint:
    """The viewport point showing scene point (x, y)."""
    return view.mapFromScene(QPointF(x, y))


def drag(view, start, end, modifiers=Qt.KeyboardModifier.NoModifier, steps: int = 4) -> None:
    """A real left-button drag on the viewport between two scene points."""
    viewport = view.viewport()
    a, b = vp(view, *start), vp(view, *end)
    QTest.mouseMove(viewport, a)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifiers, a)
    for i in range(1, steps + 1):
        p = QPoint(a.x() + (b.x() - a.x()) * i // steps, a.y() + (b.y() - a.y()) * i // steps)
        QTest.mouseMove(viewport, p)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifiers, b)


def click(view, point, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A real left click on the viewport where scene point ``point`` is shown (the
    pointer moved there first, as a user's is)."""
    viewport = view.viewport()
    p = vp(view, *point)
    QTest.mouseMove(viewport, p)
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, modifiers, p)


def with_names(design: Design, names: dict[str, str]) -> Design:
    """``design`` with the elements of ``names`` renamed."""
    return design.model_copy(
        update={
            "elements": [
                e.model_copy(update={"name": names[e.id]}) if e.id in names else e
                for e in design.elements
            ]
        }
    )


def wheel(view, delta: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    """A wheel turn of ``delta`` eighths of a degree (120: one notch) over the middle of
    the view's viewport, with ``modifiers`` held."""
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    centre = view.viewport().rect().center()
    event = QWheelEvent(
        QPointF(centre),
        QPointF(view.viewport().mapToGlobal(centre)),
        QPoint(0, 0),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), event)
