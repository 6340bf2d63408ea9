"""Imported placeholder hosts ("SRV-nn-01 host (unplaced)") are shortened at one end
only, keeping what tells them apart (eyes19 #4): not "…01…(unplaced)".

Through the doors: ``dr-designer import calculator`` writes the design, ``dr-designer gui
FILE`` opens it; what the canvas draws is read from its label log."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtTest import QTest
from test_problems_order19 import imported

from designer.ui.canvas.items.node import elide_name, name_tokens

__all__ = ["imported"]  # the design `dr-designer import calculator` writes (a fixture)


def _number(name: str) -> str:
    return name.split(" ")[0].split("-")[-1]  # "SRV-nn-01 host (unplaced)" -> "01"


@pytest.mark.parametrize("zoom", [1.0, 0.7, 0.5, 0.4])
def test_imported_placeholder_hosts_are_cut_at_one_end(launch, imported: Path, zoom) -> None:  # type: ignore[no-untyped-def]
    window = launch(imported)
    window.resize(1600, 1000)
    QTest.qWaitForWindowExposed(window)
    view = window.view
    scene = view.design_scene
    hosts = {i: n for i, n in scene.nodes.items() if n.name.endswith(" host (unplaced)")}
    assert len(hosts) == 8
    view.set_zoom(zoom)
    view.centerOn(next(iter(hosts.values())).scene_rect().center())
    scene.labels.record = []
    view.viewport().repaint()
    shown = {label.owner: label.text for label in scene.labels.record if label.owner in hosts}
    assert shown, "no placeholder host is named"
    for owner, text in shown.items():
        assert text.count("…") <= 1, text
        assert _number(hosts[owner].name) in text, text
    assert len(set(shown.values())) == len(shown)


def test_a_right_cut_is_kept_only_when_it_keeps_what_tells_names_apart(qapp) -> None:  # type: ignore[no-untyped-def]
    names = [f"SRV-EX-0{n} host (unplaced)" for n in range(1, 9)]
    common: Counter[str] = Counter({"": len(names)})
    for name in names:
        common.update(set(name_tokens(name)))
    metrics = QFontMetricsF(QFont())
    for text in ("SRV-EX-01 ho", "SRV-EX-01 host (u", "…01 host (unplaced)"):
        width = metrics.horizontalAdvance(text + "…") + 1
        shown = [elide_name(metrics, n, width, Counter(common)) for n in names]
        assert all(s.count("…") == 1 for s in shown), shown
        assert all(f"0{n}" in s for n, s in enumerate(shown, start=1)), shown
    # Too narrow for "SRV-EX-01…": the shared words go, as before.
    width = metrics.horizontalAdvance("…01…") + 1
    assert elide_name(metrics, names[0], width, Counter(common)) == "…01…"
