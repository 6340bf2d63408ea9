"""A site zoomed out too far for its title bar is named over its top-left, as a map
names a region (eyes19 #16): the name is drawn over the site's content, so that no box
in the site (a host, a cluster) hides it, and no label of that content goes over it.

Opened the user's way (``dr-designer gui FILE``), zoomed out to 22 % as after an import;
what is drawn is read from the scene's label log (in paint order) and from the pixels."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog
from test_interop_menus import _menu_action

SAMPLE = Path(__file__).parents[2] / "sample_designs" / "three_site_stretched_dag.json"
CALCULATOR = Path(__file__).resolve().parents[1] / "interop" / "data" / "calculator-prod"
SITES = {"site-bos": "Boston", "site-wor": "Worcester", "site-hfd": "Hartford"}


def _zoomed_out(launch, zoom: float = 0.22):  # type: ignore[no-untyped-def]
    window = launch(SAMPLE)
    window.resize(1600, 1000)
    QTest.qWaitForWindowExposed(window)
    view = window.view
    view.set_zoom(zoom)
    view.centerOn(view.design_scene.content_rect().center())
    scene = view.design_scene
    scene.labels.record = []
    view.viewport().repaint()
    return window, view, scene, list(scene.labels.record)


def _inside(scene, site: str) -> set[str]:  # type: ignore[no-untyped-def]
    inside: set[str] = set()
    todo = [site]
    while todo:
        for child in scene.boxes_children.get(todo.pop(), ()):
            inside.add(child)
            todo.append(child)
    return inside


def _assert_sites_named_over_their_content(view, scene, drawn) -> None:  # type: ignore[no-untyped-def]
    names = {label.owner: (i, label) for i, label in enumerate(drawn)}
    for site, name in SITES.items():
        assert site in names, f"{name} is not named"
        at, label = names[site]
        assert label.text == name
        # Drawn after every label of the boxes in the site: over them, not under.
        inside = _inside(scene, site)
        assert [i for i, other in enumerate(drawn) if other.owner in inside and i > at] == []
        for i, other in enumerate(drawn):
            if i != at:
                inner = label.rect.adjusted(0.5, 0.5, -0.5, -0.5)
                assert not inner.intersects(other.rect), f"{name} overlaps {other.text!r}"
    # The pixels: where the name is drawn, the canvas's background shows (its pill),
    # not the body of a host or cluster box painted over it.
    image: QImage = view.viewport().grab().toImage()
    background = QColor(scene.theme.background)
    for site, name in SITES.items():
        rect: QRectF = names[site][1].rect
        corner = rect.topLeft().toPoint()
        pixel = image.pixelColor(corner.x() + 1, corner.y() + 1)
        assert abs(pixel.lightness() - background.lightness()) < 40, (name, pixel.name())


def test_every_site_is_named_whole_over_its_content_at_22_percent(launch) -> None:  # type: ignore[no-untyped-def]
    _window, view, scene, drawn = _zoomed_out(launch)
    _assert_sites_named_over_their_content(view, scene, drawn)


def test_after_an_import_and_its_undo_the_sites_are_named(launch, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """eyes19's steps: File > Import > Role Requirements Calculator CSVs… into the
    three-site sample (the view refits, zoomed out), then Ctrl+Z (the zoom stays)."""
    window = launch(SAMPLE)
    window.resize(1600, 1000)
    QTest.qWaitForWindowExposed(window)
    files = [str(p) for p in sorted(CALCULATOR.glob("*.csv"))]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: (files, "")))
    _menu_action(window, "File", "Import", "Role Requirements Calculator CSVs…").trigger()
    view, scene = window.view, window.view.design_scene
    for drawn_after in ("import", "undo"):
        if drawn_after == "undo":
            window.session.undo_stack.undo()
        assert view.transform().m11() < 0.5, "zoomed out as after the import"
        scene.labels.record = []
        view.viewport().repaint()
        shown = view.mapToScene(view.viewport().rect()).boundingRect()
        assert all(shown.contains(scene.nodes[s].scene_rect()) for s in SITES)
        _assert_sites_named_over_their_content(view, scene, list(scene.labels.record))


def test_a_site_named_in_its_title_bar_when_zoomed_in_is_not_named_twice(launch) -> None:  # type: ignore[no-untyped-def]
    _window, _view, _scene, drawn = _zoomed_out(launch, zoom=1.0)
    hartford = [label for label in drawn if label.owner == "site-hfd"]
    assert [label.text for label in hartford if label.text == "Hartford"] == ["Hartford"]
