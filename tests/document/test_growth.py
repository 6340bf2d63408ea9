"""Room for content, decided Qt-free: a box dropped in a full container finds a free
slot, containers grow round what they hold and push their neighbours aside, boxes are
resized no smaller than their content, containers fit round it on request; each
gesture one undo step."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from designer.document import Document, MacroCommand, UndoStack
from designer.document.gestures import Proposal, plan_drop, plan_fit, plan_move, plan_resize
from designer.document.growth import LayoutGeometry, content_bounds, free_slot, make_room
from designer.domain import (
    Design,
    EsxiHost,
    LayoutEntry,
    Lun,
    Site,
    StorageArray,
    VirtualMachine,
    VsphereCluster,
    structural_errors,
)


def _rect(doc: Document, box: str) -> tuple[float, float, float, float]:
    e = doc.design.layout[box]
    assert e.w is not None and e.h is not None
    return (e.x, e.y, e.w, e.h)


def _overlap(a, b) -> bool:  # type: ignore[no-untyped-def]
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _inside(inner, outer) -> bool:  # type: ignore[no-untyped-def]
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[0] + inner[2] <= outer[0] + outer[2]
        and inner[1] + inner[3] <= outer[1] + outer[3]
    )


def full_site() -> Design:
    """Boston: an array holding three LUNs (no room for a fourth), a second array to its
    right, a host below; Worcester to the right of Boston."""
    elements = [
        Site(id="bos", name="Boston"),
        Site(id="wor", name="Worcester"),
        StorageArray(id="arr", name="CX-1", site="bos"),
        StorageArray(id="arr2", name="CX-2", site="bos"),
        Lun(id="l1", name="LUN-1", array="arr"),
        Lun(id="l2", name="LUN-2", array="arr"),
        Lun(id="l3", name="LUN-3", array="arr"),
        EsxiHost(id="h1", name="esx-01", site="bos"),
        EsxiHost(id="h2", name="esx-02", site="bos"),
    ]
    layout = {
        "bos": LayoutEntry(x=0, y=0, w=600, h=330),
        "wor": LayoutEntry(x=640, y=0, w=400, h=330),
        "arr": LayoutEntry(x=8, y=34, w=180, h=122),
        "arr2": LayoutEntry(x=204, y=34, w=180, h=122),
        "l1": LayoutEntry(x=16, y=68, w=160, h=24),
        "l2": LayoutEntry(x=16, y=96, w=160, h=24),
        "l3": LayoutEntry(x=16, y=124, w=160, h=24),
        "h1": LayoutEntry(x=8, y=180, w=180, h=110),
        "h2": LayoutEntry(x=204, y=180, w=180, h=110),
    }
    return Design(elements=elements, layout=layout)


def _apply(doc: Document, plan: object) -> UndoStack:
    assert isinstance(plan, Proposal), plan
    stack = UndoStack(doc)
    stack.push(plan.command)
    assert structural_errors(doc.design) == []
    return stack


def test_a_fourth_lun_takes_the_place_under_the_third_and_the_array_grows() -> None:
    doc = Document(full_site())
    before = doc.design
    # Dropped right on top of LUN-3: it goes under it, not over it.
    plan = plan_drop(
        doc, "lun", (90, 136), "arr", _rect(doc, "arr"), boxes=LayoutGeometry(doc.design)
    )
    stack = _apply(doc, plan)
    assert isinstance(plan, Proposal) and plan.element is not None
    new = _rect(doc, plan.element)
    assert not any(_overlap(new, _rect(doc, lun)) for lun in ("l1", "l2", "l3"))
    assert new[1] > _rect(doc, "l3")[1]  # under the third
    array = _rect(doc, "arr")
    assert _inside(new, array) and array[3] > 122  # the array grew round it
    # The host below it was pushed down, and everything still sits in Boston.
    assert not _overlap(_rect(doc, "h1"), array)
    assert all(_inside(_rect(doc, b), _rect(doc, "bos")) for b in ("arr", "arr2", "h1", "h2"))
    assert len(stack.commands) == 1 and isinstance(stack.commands[0], MacroCommand)
    stack.undo()
    assert doc.design == before


def test_a_host_dropped_on_another_lands_beside_it() -> None:
    doc = Document(full_site())
    h2 = _rect(doc, "h2")
    plan = plan_drop(
        doc, "esxi_host", (h2[0] + 90, h2[1] + 55), "bos", _rect(doc, "bos"),
        boxes=LayoutGeometry(doc.design),
    )  # fmt: skip
    _apply(doc, plan)
    assert isinstance(plan, Proposal) and plan.element is not None
    new = _rect(doc, plan.element)
    others = [b for b in ("arr", "arr2", "h1", "h2")]
    assert not any(_overlap(new, _rect(doc, b)) for b in others)
    assert _inside(new, _rect(doc, "bos"))


def test_a_site_grown_by_its_content_pushes_the_next_site_aside() -> None:
    doc = Document(full_site())
    geometry = LayoutGeometry(doc.design)
    plan = plan_resize(doc, geometry, "arr2", (204, 34, 500, 122))  # wider than Boston
    stack = _apply(doc, plan)
    bos, wor = _rect(doc, "bos"), _rect(doc, "wor")
    assert _inside(_rect(doc, "arr2"), bos) and bos[2] > 600
    assert not _overlap(bos, wor) and wor[0] >= bos[0] + bos[2]
    assert stack.commands[0].text == "Resize CX-2"


def test_a_container_is_not_resized_over_its_content_and_fits_round_it() -> None:
    doc = Document(full_site())
    plan = plan_resize(doc, LayoutGeometry(doc.design), "arr", (8, 34, 40, 40))
    _apply(doc, plan)
    array = _rect(doc, "arr")
    assert all(_inside(_rect(doc, lun), array) for lun in ("l1", "l2", "l3"))
    plan = plan_fit(doc, LayoutGeometry(doc.design), "bos")
    _apply(doc, plan)
    bos = _rect(doc, "bos")
    content = content_bounds(LayoutGeometry(doc.design), "bos")
    assert content is not None and bos[2] < 600 and bos[3] < 330
    assert _inside(content, bos)


def test_a_vm_moved_into_another_host_takes_its_row_place() -> None:
    design = Design(
        elements=[
            Site(id="s", name="S"),
            VsphereCluster(id="c", name="C", site="s"),
            EsxiHost(id="h1", name="H1", site="s", cluster="c"),
            EsxiHost(id="h2", name="H2", site="s", cluster="c"),
            VirtualMachine(id="a", name="A", host="h1"),
            VirtualMachine(id="b", name="B", host="h2"),
            VirtualMachine(id="c2", name="C2", host="h2"),
        ],
        layout={
            "s": LayoutEntry(x=0, y=0, w=500, h=220),
            "c": LayoutEntry(x=8, y=34, w=400, h=150),
            "h1": LayoutEntry(x=16, y=68, w=180, h=82),
            "h2": LayoutEntry(x=212, y=68, w=180, h=82),
            "a": LayoutEntry(x=26, y=100, w=160, h=24),
            "b": LayoutEntry(x=222, y=100, w=160, h=24),
            "c2": LayoutEntry(x=222, y=126, w=160, h=24),
        },
    )
    doc = Document(design)
    # A dragged onto H2's title: it joins H2 under its VMs, and H2 grows.
    plan = plan_move(
        doc, {"a": LayoutEntry(x=230, y=70, w=160, h=24)}, {"a": "h2"}, LayoutGeometry(doc.design)
    )
    _apply(doc, plan)
    a, h2 = _rect(doc, "a"), _rect(doc, "h2")
    assert doc.get("a").host == "h2"  # type: ignore[union-attr]
    assert not any(_overlap(a, _rect(doc, v)) for v in ("b", "c2"))
    assert (
        _inside(a, h2)
        and _inside(h2, _rect(doc, "c"))
        and _inside(_rect(doc, "c"), _rect(doc, "s"))
    )


@given(st.lists(st.tuples(st.integers(0, 180), st.integers(0, 110)), min_size=1, max_size=12))
def test_rows_dropped_anywhere_in_a_host_never_cover_each_other(points) -> None:  # type: ignore[no-untyped-def]
    doc = Document(
        Design(
            elements=[Site(id="s", name="S"), EsxiHost(id="h", name="H", site="s")],
            layout={
                "s": LayoutEntry(x=0, y=0, w=400, h=300),
                "h": LayoutEntry(x=8, y=34, w=180, h=110),
            },
        )
    )
    for x, y in points:
        plan = plan_drop(
            doc, "vm", (8 + x, 34 + y), "h", _rect(doc, "h"), boxes=LayoutGeometry(doc.design)
        )
        _apply(doc, plan)
    vms = [e.id for e in doc.design.elements if e.kind == "vm"]
    host = _rect(doc, "h")
    for i, a in enumerate(vms):
        assert _inside(_rect(doc, a), host)
        for b in vms[i + 1 :]:
            assert not _overlap(_rect(doc, a), _rect(doc, b))
    assert _inside(host, _rect(doc, "s"))


def test_free_slot_and_make_room_keep_boxes_in_their_container() -> None:
    geometry = LayoutGeometry(full_site())
    slot = free_slot(geometry, "bos", (180, 110), (300, 250))
    assert not any(_overlap(slot, geometry.box_rect(b)) for b in ("arr", "arr2", "h1", "h2"))  # type: ignore[arg-type]
    grown = make_room(geometry, {"h2": (204, 180, 180, 300)})
    assert grown["bos"][3] >= 180 + 300 + 8
