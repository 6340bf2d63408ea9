"""Wave 25 (rules25): a file share witness on the canvas where the rules, the simulator and
the graph place it, through the real door (``dr-designer gui FILE``) and real widgets.

The witness's box stays in the site it states (where the user put it); when its server
runs in another site, the box's second line says so ("runs in Boston"), where it said
"file share witness": the canvas no longer shows it in one site while everything else
judges it in another. Moving its server's host in the Inspector says it at once; Ctrl+Z
takes it back; setting the witness's site to where its server runs leaves nothing to say.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_rule_leftovers24 import _choose

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"
SHOTS = Path("/tmp/rules25-shots")  # the witness's box, looked at


def _drawn(window: Any, element: str) -> list[str]:
    """The texts the canvas paints for ``element``'s box, the box in view."""
    view = window.view
    scene = view.design_scene
    view.set_zoom(1.0)
    view.centerOn(scene.nodes[element].sceneBoundingRect().center())
    scene.labels.record = []
    view.viewport().repaint()
    return [label.text for label in scene.labels.record if label.owner == element]


def _shot(window: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    window.view.viewport().grab().save(str(SHOTS / f"{name}.png"))


def test_the_witness_box_says_where_its_server_runs(launch: Any, qtbot: Any) -> None:
    window = launch(SAMPLE)
    window.resize(1280, 800)
    session = window.session
    qtbot.waitUntil(lambda: not session.checking, timeout=20_000)
    assert "file share witness" in _drawn(window, "fsw-hfd")
    # HFD-FS01, the witness's server, moved onto a Boston host in the Inspector.
    _choose(qtbot, window, "vm-hfd-fs01", "host", "esx-bos-04")
    qtbot.waitUntil(lambda: "runs in Boston" in _drawn(window, "fsw-hfd"), timeout=10_000)
    _shot(window, "witness-runs-in-boston")
    assert "file share witness" not in _drawn(window, "fsw-hfd")
    # The box stays in Hartford, the site the witness states (DAG017 says the two differ).
    scene = window.view.design_scene
    assert scene.box_parent["fsw-hfd"] == "site-hfd"
    qtbot.waitUntil(
        lambda: any(f.code == "DAG017" for f in session.findings.active), timeout=20_000
    )
    # Ctrl+Z: its server back in Hartford, the box says what it is again.
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "file share witness" in _drawn(window, "fsw-hfd"), timeout=10_000)


def test_a_witness_stated_in_a_member_site_says_it_runs_in_the_third(
    launch: Any, qtbot: Any, tmp_path: Path
) -> None:
    # The file states member site Boston for the witness, whose server runs in Hartford:
    # the graph put it in Boston (the cut set {witness, Boston} went unlisted), the
    # simulator and the rules in Hartford.
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    for element in data["design"]["elements"]:
        if element["id"] == "fsw-hfd":
            element["site"] = "site-bos"
    del data["design"]["layout"]["fsw-hfd"]  # drawn in Boston, where it states it is
    path = tmp_path / "witness-stated-in-boston.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    window = launch(path)
    window.resize(1280, 800)
    session = window.session
    qtbot.waitUntil(lambda: not session.checking, timeout=20_000)
    scene = window.view.design_scene
    assert scene.box_parent["fsw-hfd"] == "site-bos"
    assert (
        scene.nodes["site-bos"]
        .sceneBoundingRect()
        .contains(scene.nodes["fsw-hfd"].sceneBoundingRect())
    )
    assert "runs in Hartford" in _drawn(window, "fsw-hfd")
    _shot(window, "witness-stated-in-boston")
    # Its site set to Hartford in the Inspector (DAG017's fix): nothing left to say.
    _choose(qtbot, window, "fsw-hfd", "site", "Hartford")
    qtbot.waitUntil(lambda: "file share witness" in _drawn(window, "fsw-hfd"), timeout=10_000)
    assert scene.box_parent["fsw-hfd"] == "site-hfd"
