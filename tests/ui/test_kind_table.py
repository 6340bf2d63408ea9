"""One place says what a kind is: a throwaway kind added there alone shows in the
palette, the factory, the canvas, the graph, the connection rules and the structure
checks (issue 9)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, ClassVar, Literal

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from test_canvas_support import small_design, vp

from designer.document import Refusal
from designer.document.factory import new_element, palette
from designer.document.gestures import Proposal, plan_connection
from designer.domain import structural_errors
from designer.domain.elements import ElementBase, EsxiHost, VirtualMachine
from designer.domain.invariants import Invariant, Lookup
from designer.domain.kinds import Fill, GraphRelation, KindSpec, register_kind, unregister_kind
from designer.domain.refs import Ref
from designer.graph import build_graph
from designer.ui.canvas.items.edge import EdgeItem
from designer.ui.canvas.items.node import NodeItem
from designer.ui.canvas.view import DesignView
from designer.ui.mime import kind_mime_data
from designer.ui.panels.palette import PalettePanel
from designer.ui.session import EditorSession


class TapeLibrary(ElementBase):
    """A tape library backing up through a proxy VM."""

    label: ClassVar[str] = "tape library"
    kind: Literal["tape_library"] = "tape_library"
    site: Annotated[str, Ref("site")]
    proxy: Annotated[str, Ref("vm")] | None = None


def _proxy_in_its_site(library: TapeLibrary, get: Lookup) -> Iterator[tuple[str, str]]:
    vm = get(library.proxy) if library.proxy else None
    host = get(vm.host) if isinstance(vm, VirtualMachine) else None
    if isinstance(host, EsxiHost) and host.site != library.site:
        yield "proxy", f"backs up through {vm.name}, which is in another site"


SPEC = KindSpec(
    group="Recovery",
    prefix="tape",
    stem="Tape",
    inside=("site",),
    fills=(
        Fill(
            ("proxy",),
            says="back {a} up through {b}",
            text="Back {a} up through {b}",
            done="{a} already backs up through {b}",
        ),
    ),
    drawn=("proxy",),
    graph={"site": GraphRelation("contained_in"), "proxy": GraphRelation("backs_up_through")},
    size=(150.0, 30.0),
    invariants=(Invariant(_proxy_in_its_site, reads=("proxy",)),),
)


@pytest.fixture
def tape_kind() -> Iterator[None]:
    register_kind(TapeLibrary, SPEC)  # the one place
    try:
        yield
    finally:
        unregister_kind("tape_library")


def test_a_throwaway_kind_added_in_one_place_is_seen_everywhere(qtbot, tape_kind) -> None:
    # Palette: listed in its group with its title, dragged with its kind.
    assert ("tape_library", "Tape library", "Recovery") in [
        (k.kind, k.title, k.spec.group) for k in palette()
    ]
    session = EditorSession(small_design())
    panel = PalettePanel(session)
    qtbot.addWidget(panel)
    item = panel.items["tape_library"]
    assert item.parent() is panel.groups["Recovery"] and item.text(0) == "Tape library"
    assert "Drop it on a site" in item.toolTip(0)

    # Factory: a free id and name, in the container it may sit in; refused elsewhere.
    made = new_element("tape_library", session.design, "bos")
    assert (made.id, made.name, made.site) == ("tape-1", "Tape-01", "bos")

    # Canvas: dropped from the palette into Boston, drawn as a box in it.
    view = DesignView(session)
    qtbot.addWidget(view)
    view.resize(1400, 600)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(650, 200)
    pos = vp(view, 450, 120)
    mime = kind_mime_data("tape_library")
    actions, left, none = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.NoModifier
    for event in (
        QDragEnterEvent(pos, actions, mime, left, none),
        QDragMoveEvent(pos, actions, mime, left, none),
        QDropEvent(QPointF(pos), actions, mime, left, none),
    ):
        QApplication.sendEvent(view.viewport(), event)
    library = session.document.get("tape-1")
    assert isinstance(library, TapeLibrary) and library.site == "bos"
    scene = view.design_scene
    assert isinstance(scene.nodes["tape-1"], NodeItem) and scene.box_parent["tape-1"] == "bos"

    # Graph: its relations, from the table.
    graph = build_graph(session.design).graph
    assert graph.edges["tape-1", "bos"]["relation"] == "contained_in"

    # Connection rules: drawing from it to a VM fills its proxy; drawn as a line.
    plan = plan_connection(session.document, "tape-1", "vm-b1")
    assert isinstance(plan, Proposal) and plan.says == "back Tape-01 up through MBX-B1"
    assert session.push(plan.command)
    assert session.document.get("tape-1").proxy == "vm-b1"
    assert isinstance(scene.edges["tape-1|proxy|vm-b1"], EdgeItem)
    assert build_graph(session.design).graph.edges["tape-1", "vm-b1"]["relation"] == (
        "backs_up_through"
    )
    again = plan_connection(session.document, "vm-b1", "tape-1")
    assert isinstance(again, Refusal) and again.reason == "Tape-01 already backs up through MBX-B1"

    # Structure checks: its invariant, in the Document and in the loader's check.
    moved = session.document.get("tape-1").model_copy(update={"site": "wor"})
    refusal = session.document.check_replace([moved])
    assert refusal is not None and refusal.field == "proxy"
    assert "another site" in refusal.reason
    broken = session.design.model_copy(
        update={"elements": [e if e.id != "tape-1" else moved for e in session.design.elements]}
    )
    (error,) = structural_errors(broken)
    assert error.path.endswith(".proxy") and "another site" in str(error)


def test_unregistering_takes_the_kind_out_again(tape_kind) -> None:
    unregister_kind("tape_library")
    assert "tape_library" not in [k.kind for k in palette()]
    register_kind(TapeLibrary, SPEC)
