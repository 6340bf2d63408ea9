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

SAMPLE = Path(__file__).parents[2] / "sample_designs" / "three_site_stretched_dag.json"
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


def test_every_site_is_named_whole_over_its_content_at_22_percent(launch) -> None:  # type: ignore[no-untyped-def]
    _window, view, scene, drawn = _zoomed_out(launch)
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


def test_a_site_named_in_its_title_bar_when_zoomed_in_is_not_named_twice(launch) -> None:  # type: ignore[no-untyped-def]
    _window, _view, _scene, drawn = _zoomed_out(launch, zoom=1.0)
    hartford = [label for label in drawn if label.owner == "site-hfd"]
    assert [label.text for label in hartford if label.text == "Hartford"] == ["Hartford"]
