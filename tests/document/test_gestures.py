"""What canvas gestures mean for the model, decided Qt-free: connections, drops,
reparenting, drags, the layout algorithm and alignment (no QApplication)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.document import (
    AddElements,
    ChangeElements,
    Document,
    MacroCommand,
    MoveElements,
    Refusal,
    SetProperty,
    UndoStack,
)
from designer.document.gestures import (
    Proposal,
    plan_connection,
    plan_drop,
    plan_move,
    plan_reparent,
)
from designer.document.layout import Placer, align, auto_layout, drop_rect
from designer.domain import (
    CasArray,
    Dag,
    DatabaseCopy,
    Design,
    EsxiHost,
    FileShareWitness,
    LayoutEntry,
    LoadBalancer,
    Lun,
    MailboxDatabase,
    Site,
    StorageArray,
    VirtualMachine,
    VsphereCluster,
    structural_errors,
)
from designer.domain.enums import VmRole
from designer.domain.kinds import KINDS, connectable_kinds


def two_sites() -> Design:
    return Design(
        elements=[
            Site(id="bos", name="Boston"),
            Site(id="wor", name="Worcester"),
            VsphereCluster(id="cl-b", name="CL-B", site="bos", ha_enabled=True),
            EsxiHost(id="h1", name="esx01", site="bos", cluster="cl-b"),
            EsxiHost(id="h2", name="esx02", site="wor"),
            VirtualMachine(id="m1", name="MBX01", host="h1"),
            VirtualMachine(id="m2", name="MBX02", host="h2"),
            StorageArray(id="arr-b", name="CX-B", site="bos"),
            StorageArray(id="arr-w", name="CX-W", site="wor"),
            Lun(id="l1", name="LUN1", array="arr-b"),
            Lun(id="l2", name="LUN2", array="arr-b"),
            Lun(id="l3", name="LUN3", array="arr-w"),
            FileShareWitness(id="fsw1", name="FSW1", site="wor"),
            FileShareWitness(id="fsw2", name="FSW2", site="bos"),
            FileShareWitness(id="fsw3", name="FSW3", site="bos"),
            Dag(id="dag", name="DAG1", members=["m1"]),
            Dag(id="dag2", name="DAG2"),
            MailboxDatabase(id="db", name="DB1", dag="dag", copies=[DatabaseCopy(member="m1")]),
            CasArray(id="cas", name="CAS1", site="bos"),
            LoadBalancer(id="lb", name="LB1", site="bos"),
        ]
    )


def _apply(doc: Document, plan: Proposal | Refusal) -> Proposal:
    assert isinstance(plan, Proposal), plan
    UndoStack(doc).push(plan.command)
    return plan


# -- connections -------------------------------------------------------------------------
def test_connecting_two_sites_adds_a_wan_link_named_after_them() -> None:
    doc = Document(two_sites())
    plan = _apply(doc, plan_connection(doc, "bos", "wor"))
    link = doc.get(plan.element or "")
    assert (link.site_a, link.site_b, link.name) == ("bos", "wor", "Boston – Worcester")  # type: ignore[union-attr]
    second = _apply(doc, plan_connection(doc, "wor", "bos"))  # a second carrier is fine
    assert doc.get(second.element or "").name == "Worcester – Boston"  # type: ignore[union-attr]


def test_mirrors_join_luns_on_two_arrays_once() -> None:
    doc = Document(two_sites())
    same = plan_connection(doc, "l1", "l2")
    assert isinstance(same, Refusal)
    assert "own array CX-B" in same.reason and "another array" in same.reason
    plan = _apply(doc, plan_connection(doc, "l1", "l3"))
    assert plan.says == "mirror LUN1 to LUN3"
    mirror = doc.get(plan.element or "")
    assert (mirror.source_lun, mirror.target_lun, mirror.name) == ("l1", "l3", "MV LUN1 → LUN3")  # type: ignore[union-attr]
    again = plan_connection(doc, "l3", "l1")
    assert isinstance(again, Refusal)
    assert again.reason == f"LUN3 and LUN1 are already joined by mirror {mirror.name}"  # type: ignore[union-attr]


def test_dag_members_and_witnesses_fill_in_order() -> None:
    doc = Document(two_sites())
    member = _apply(doc, plan_connection(doc, "m2", "dag"))
    # MBX02 states no role: it joins as the DAG's Mailbox server (eyes25).
    assert member.says == "add MBX02 to DAG DAG1 as a Mailbox server"
    assert doc.get("dag").members == ["m1", "m2"]  # type: ignore[union-attr]
    assert member.command.text == "Add MBX02 to DAG1 as a Mailbox server"
    assert doc.get("m2").roles == [VmRole.MAILBOX]  # type: ignore[union-attr]
    refused = plan_connection(doc, "dag", "m1")
    assert isinstance(refused, Refusal)
    assert refused.reason == "MBX01 is already a member of DAG DAG1"
    assert (refused.element, refused.field) == ("dag", "members")
    first = _apply(doc, plan_connection(doc, "fsw1", "dag"))
    assert first.says == "make FSW1 the witness of DAG DAG1"
    second = _apply(doc, plan_connection(doc, "dag", "fsw2"))
    assert second.says == "make FSW2 the alternate witness of DAG DAG1"
    dag = doc.get("dag")
    assert (dag.witness, dag.alternate_witness) == ("fsw1", "fsw2")  # type: ignore[union-attr]
    full = plan_connection(doc, "dag", "fsw3")
    assert isinstance(full, Refusal) and "already has a witness and an alternate" in full.reason
    again = plan_connection(doc, "fsw2", "dag")
    assert isinstance(again, Refusal) and again.reason == "FSW2 is already a witness of DAG DAG1"


def test_vm_to_vm_replicates_vm_to_lun_adds_a_disk_lb_fronts_cas() -> None:
    doc = Document(two_sites())
    repl = _apply(doc, plan_connection(doc, "m1", "m2"))
    assert repl.says == "replicate MBX01 to MBX02 (Double-Take)"
    disk = _apply(doc, plan_connection(doc, "l3", "m2"))  # either way round
    made = doc.get(disk.element or "")
    assert (made.kind, made.vm, made.lun) == ("virtual_disk", "m2", "l3")  # type: ignore[union-attr]
    assert disk.says == "add a disk to MBX02 on LUN LUN3"
    front = _apply(doc, plan_connection(doc, "cas", "lb"))
    assert front.says == "put LB1 in front of CAS array CAS1"
    assert doc.get("lb").cas_arrays == ["cas"]  # type: ignore[union-attr]
    placed = _apply(doc, plan_connection(doc, made.id, "l1"))  # type: ignore[union-attr]
    assert placed.says == f"place disk {made.name} on LUN LUN1"  # type: ignore[union-attr]


def test_what_cannot_connect_says_so() -> None:
    doc = Document(two_sites())
    refusal = plan_connection(doc, "bos", "l1")
    assert isinstance(refusal, Refusal) and refusal.reason == "a site cannot be connected to a LUN"
    itself = plan_connection(doc, "bos", "bos")
    assert isinstance(itself, Refusal) and "itself" in itself.reason
    assert isinstance(plan_connection(doc, "bos", "nowhere"), Refusal)


# -- drops ---------------------------------------------------------------------------------
def test_a_database_dropped_on_a_dag_is_in_the_dag() -> None:
    doc = Document(two_sites())
    plan = _apply(doc, plan_drop(doc, "mailbox_database", (50, 50), "dag2", (0, 0, 260, 90)))
    new = doc.get(plan.element or "")
    assert new.dag == "dag2" and plan.says == f"Added mailbox database {new.name} in DAG2"  # type: ignore[union-attr]
    entry = doc.layout_of(new.id)  # type: ignore[union-attr]
    assert entry is not None and entry.x >= 8 and entry.y >= 26
    loose = _apply(doc, plan_drop(doc, "mailbox_database", (900, 900), None))
    assert doc.get(loose.element or "").dag is None  # type: ignore[union-attr]


def test_drops_go_in_the_right_container_or_are_refused() -> None:
    doc = Document(two_sites())
    host = _apply(doc, plan_drop(doc, "esxi_host", (10, 10), "cl-b"))
    new = doc.get(host.element or "")
    assert (new.site, new.cluster) == ("bos", "cl-b")  # type: ignore[union-attr]
    vm = plan_drop(doc, "vm", (10, 10), None)
    assert isinstance(vm, Refusal) and vm.reason == "a VM goes in an ESXi host, not on empty canvas"
    wrong = plan_drop(doc, "lun", (10, 10), "bos")
    assert isinstance(wrong, Refusal) and "goes in a storage array" in wrong.reason
    link = plan_drop(doc, "wan_link", (10, 10), None)
    assert isinstance(link, Refusal)
    assert link.reason == (
        "to add a WAN link, drag from one site's handle (or Alt-drag) to another site,"
        " or select a site and choose Connect To in its menu (Menu key or Shift+F10)"
    )
    global_lb = _apply(doc, plan_drop(doc, "load_balancer", (2000, 0), None))
    assert doc.get(global_lb.element or "").site is None  # type: ignore[union-attr]
    disk = _apply(doc, plan_drop(doc, "virtual_disk", (0, 0), "m1"))
    assert doc.layout_of(disk.element or "") is None  # drawn by its VM


def test_drop_rect_keeps_the_box_inside_its_container_on_the_grid() -> None:
    assert drop_rect("vm", (0, 0), (100, 100, 300, 200), 10) == (110.0, 130.0, 160.0, 24.0)
    assert drop_rect("vm", (1000, 1000), (100, 100, 300, 200), None) == (232.0, 268.0, 160.0, 24.0)
    # Its top-left corner at the pointer, as Paste puts what it pastes (one rule).
    assert drop_rect("site", (0, 0), None, None) == (0.0, 0.0, 700.0, 600.0)
    assert drop_rect("esxi_host", (130, 150), (100, 100, 600, 400), None)[:2] == (130.0, 150.0)


# -- reparenting and drags -------------------------------------------------------------------
def test_a_cluster_moved_to_another_site_takes_its_hosts() -> None:
    doc = Document(two_sites())
    plan = plan_reparent(doc, "cl-b", "wor")
    assert isinstance(plan, ChangeElements) and plan.text == "Move CL-B into Worcester"
    UndoStack(doc).push(plan)
    assert doc.get("cl-b").site == "wor" and doc.get("h1").site == "wor"  # type: ignore[union-attr]
    assert structural_errors(doc.design) == []
    assert plan_reparent(doc, "cl-b", "wor") is None  # already there


def test_a_host_leaving_its_cluster_says_it_loses_ha() -> None:
    doc = Document(two_sites())
    plan = plan_reparent(doc, "h1", "bos")
    assert isinstance(plan, ChangeElements)
    assert plan.text == "esx01 leaves cluster CL-B (no vSphere HA or DRS)"
    into = plan_reparent(doc, "h2", "cl-b")
    assert isinstance(into, ChangeElements)
    assert (into.news[0].site, into.news[0].cluster) == ("bos", "cl-b")  # type: ignore[attr-defined]


def test_reparent_refusals_are_values() -> None:
    doc = Document(two_sites())
    out = plan_reparent(doc, "m1", None)
    assert isinstance(out, Refusal) and out.element == "m1" and out.field == "host"
    assert out.reason == "VM MBX01 must sit in an ESXi host, not on empty canvas"
    # Into another DAG: its copy on MBX01 is not on a member there.
    other = plan_reparent(doc, "db", "dag2")
    assert isinstance(other, Refusal) and other.field == "copies"
    assert "not a member of DAG DAG2" in other.reason
    assert plan_reparent(doc, "dag", "bos") is None  # a DAG sits in nothing


def test_a_drag_is_one_step_with_its_reparent() -> None:
    doc = Document(two_sites())
    stack = UndoStack(doc)
    entry = LayoutEntry(x=800, y=40, w=180, h=110)
    plan = plan_move(doc, {"h1": entry}, {"h1": "wor"})
    assert isinstance(plan, Proposal) and isinstance(plan.command, MacroCommand)
    stack.push(plan.command)
    assert doc.get("h1").site == "wor" and doc.layout_of("h1") == entry  # type: ignore[union-attr]
    stack.undo()
    assert doc.get("h1").cluster == "cl-b" and doc.layout_of("h1") is None  # type: ignore[union-attr]
    refused = plan_move(doc, {"m1": entry}, {"m1": None})
    assert isinstance(refused, Refusal)
    plain = plan_move(doc, {"m1": entry})
    assert isinstance(plain, Proposal) and plain.command.text == "Move 1 element"
    # Named after the boxes dragged, not the entries that moved with them.
    named = plan_move(doc, {"h1": entry, "m1": entry}, roots=["h1"])
    assert isinstance(named, Proposal) and named.command.text == "Move ESXi host esx01"
    both = plan_move(doc, {"h1": entry, "m1": entry}, roots=["h1", "m1"])
    assert isinstance(both, Proposal) and both.command.text == "Move 2 elements"


def test_a_box_dropped_over_a_box_of_its_own_container_takes_a_free_place() -> None:
    # uiq23: a host dragged onto another host of the site both are in lay exactly over
    # it (a drop into another container already took a free place: eyes23).
    from designer.document.growth import LayoutGeometry

    design = Design(
        elements=[
            Site(id="s", name="S"),
            EsxiHost(id="a", name="A", site="s"),
            EsxiHost(id="b", name="B", site="s"),
        ],
        layout={
            "s": LayoutEntry(x=0, y=0, w=600, h=300),
            "a": LayoutEntry(x=16, y=40, w=180, h=110),
            "b": LayoutEntry(x=300, y=40, w=180, h=110),
        },
    )
    doc = Document(design)
    geometry = LayoutGeometry(design)
    over_a = LayoutEntry(x=20, y=44, w=180, h=110)
    plan = plan_move(doc, {"b": over_a}, {"b": "s"}, geometry, roots=["b"])
    assert isinstance(plan, Proposal)
    UndoStack(doc).push(plan.command)
    b, a = doc.layout_of("b"), doc.layout_of("a")
    assert b is not None and a is not None and (a.x, a.y) == (16, 40)
    assert b.x >= a.x + a.w or b.y >= a.y + a.h, f"{b} covers {a}"
    # Released where it covers nothing, it stays where it was put.
    free = LayoutEntry(x=320, y=150, w=180, h=110)
    plan = plan_move(doc, {"b": free}, {"b": "s"}, LayoutGeometry(doc.design), roots=["b"])
    assert isinstance(plan, Proposal)
    UndoStack(doc).push(plan.command)
    moved = doc.layout_of("b")
    assert moved is not None and (moved.x, moved.y) == (320, 150)


# -- layout ----------------------------------------------------------------------------------
def _inside(inner: LayoutEntry, outer: LayoutEntry) -> bool:
    return (
        outer.x <= inner.x
        and inner.x + (inner.w or 0) <= outer.x + (outer.w or 0)
        and outer.y <= inner.y
        and inner.y + (inner.h or 0) <= outer.y + (outer.h or 0)
    )


def test_auto_layout_keeps_every_box_in_its_container() -> None:
    doc = Document(two_sites())
    out = auto_layout(doc.design)
    for child, parent in (("h1", "cl-b"), ("cl-b", "bos"), ("m1", "h1"), ("l3", "arr-w")):
        assert _inside(out[child], out[parent]), child  # type: ignore[arg-type]
    assert out["bos"].x + out["bos"].w < out["wor"].x  # type: ignore[union-attr, operator]
    loose = [out[i] for i in ("dag", "dag2")]
    assert all(e.x > out["wor"].x for e in loose)  # type: ignore[union-attr]
    UndoStack(doc).push(MoveElements(out))  # type: ignore[arg-type]
    assert doc.design.layout["m1"] == out["m1"]


def test_the_placer_puts_unplaced_rows_after_the_laid_out_ones_and_keeps_their_slot() -> None:
    rects = {"h": (0.0, 0.0, 200.0, 200.0)}
    placer = Placer(Design(), rects.get)
    vm = VirtualMachine(id="v", name="v", host="h")
    first = placer.place(vm, "h", [(8.0, 32.0, 160.0, 24.0)])
    assert first == (8.0, 60.0, 160.0, 24.0)
    other = VirtualMachine(id="w", name="w", host="h")
    assert placer.place(other, "h", [(8.0, 32.0, 160.0, 24.0)])[1] == 88.0
    assert placer.place(vm, "h", [(8.0, 32.0, 160.0, 24.0)]) == first  # same slot again
    loose = placer.place(Dag(id="d", name="d"), None, [])
    assert loose == placer.place(Dag(id="d", name="d"), None, [])


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("left", {"a": (0.0, 0.0), "b": (-30.0, 0.0), "c": (-60.0, 0.0)}),
        ("bottom", {"a": (0.0, 20.0), "b": (0.0, 0.0), "c": (0.0, 10.0)}),
        ("hdistribute", {"a": (0.0, 0.0), "b": (0.0, 0.0), "c": (0.0, 0.0)}),
        ("vcenter", {"a": (0.0, 10.0), "b": (0.0, -10.0), "c": (0.0, 0.0)}),
    ],
)
def test_align(how: str, expected: dict[str, tuple[float, float]]) -> None:
    rects = {"a": (0, 0, 10, 10), "b": (30, 20, 10, 10), "c": (60, 10, 10, 10)}
    assert align(rects, how) == expected


def test_add_then_undo_leaves_the_design_as_it_was() -> None:
    doc = Document(two_sites())
    stack = UndoStack(doc)
    start = doc.design
    stack.push(AddElements([Site(id="x", name="X")]))
    stack.push(SetProperty("x", "users", 10))
    stack.undo()
    stack.undo()
    assert doc.design == start


# -- any gesture the model proposes keeps the design valid ------------------------------------
_GESTURES = st.lists(
    st.tuples(
        st.sampled_from(["connect", "drop", "reparent"]),
        st.integers(min_value=0, max_value=10_000),
        st.integers(min_value=0, max_value=10_000),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(_GESTURES)
def test_what_a_gesture_proposes_is_accepted_and_undone(gestures) -> None:  # type: ignore[no-untyped-def]
    """A Proposal never breaks an invariant (the Document accepts it), a Refusal says
    why, and undoing every step restores the start."""
    doc = Document(two_sites())
    stack = UndoStack(doc)
    start = doc.design
    kinds = [info.kind for info in KINDS.values()]
    for gesture, a, b in gestures:
        elements = doc.design.elements
        first, second = elements[a % len(elements)], elements[b % len(elements)]
        if gesture == "connect":
            boxes = [e for e in elements if e.kind in connectable_kinds()]
            first, second = boxes[a % len(boxes)], boxes[b % len(boxes)]
            plan = plan_connection(doc, first.id, second.id)
        elif gesture == "drop":
            plan = plan_drop(doc, kinds[a % len(kinds)], (10.0, 10.0), second.id)
        else:
            move = plan_reparent(doc, first.id, second.id)
            plan = Proposal(move, move.text) if isinstance(move, ChangeElements) else move  # type: ignore[assignment]
        if isinstance(plan, Proposal):
            stack.push(plan.command)  # an EditError here would fail the test
            assert structural_errors(doc.design) == []
        elif plan is not None:
            assert isinstance(plan, Refusal) and plan.reason
    while stack.can_undo:
        stack.undo()
    assert doc.design == start
