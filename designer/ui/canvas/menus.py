"""The canvas's context menu in edit mode: what can be done with the element under the
pointer (or the selection, from the keyboard's Menu key or Shift+F10), or on the empty
canvas. Every entry is keyboard-reachable, each with a letter of its own (the Edit
menu's where it has the entry; :mod:`designer.ui.alt_keys` gives the names theirs);
"Connect to" lists the valid targets by name (decided by
:func:`designer.document.gestures.connection_targets`).
"""

from __future__ import annotations

from functools import partial
from typing import Protocol

from PySide6.QtCore import QPointF
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from designer.document import CLIPBOARD_MIME
from designer.document.gestures import Proposal, connection_targets, done_text
from designer.domain.elements import ElementBase, VirtualMachine
from designer.domain.enums import VmRole
from designer.domain.kinds import KINDS, connectable_kinds
from designer.ui import dialogs
from designer.ui.alt_keys import give_alt_keys, plain
from designer.ui.canvas.editor import CanvasEditor
from designer.ui.canvas.items.edge import EdgeItem
from designer.ui.canvas.items.node import NodeItem
from designer.ui.canvas.scene import DesignScene
from designer.ui.session import EditorSession

__all__ = ["DUPLICATE_KEY", "FIT_KEY", "MENU_TARGETS", "CanvasMenuHost", "canvas_menu"]

#: Up to this many targets are listed in "Connect to"; more open a chooser with a filter.
MENU_TARGETS = 20
#: The window's keys of Edit > Duplicate and View > Fit to Window (its menus' and this
#: menu's hints say them).
DUPLICATE_KEY = "Ctrl+D"
FIT_KEY = "Ctrl+0"

_K = QKeySequence.StandardKey


def _with_key(text: str, key: QKeySequence.StandardKey | str) -> str:
    """A menu entry's text with its key after a tab, as the platform writes it (the
    canvas menu's entries run the window's own actions' work: keyboard users learn the
    keys from menus; eyes20 found only Rename's F2 said)."""
    sequence = QKeySequence(key)
    shown = sequence.toString(QKeySequence.SequenceFormat.NativeText)
    return f"{text}\t{shown}" if shown else text


class CanvasMenuHost(Protocol):
    """What the menu needs from the view (the view is one)."""

    session: EditorSession
    design_scene: DesignScene
    editor: CanvasEditor

    def rename(self, element_id: str | None = None, *, just_added: bool = False) -> bool: ...

    def add_kind(self, kind: str) -> str | None: ...

    def paste_at(self, at: QPointF | None) -> None: ...

    def zoom_fit(self) -> None: ...

    def auto_layout(self) -> None: ...


def _paste_here(menu: QMenu, host: CanvasMenuHost, at: QPointF) -> None:
    """Paste Here, greyed while the clipboard holds no elements (eyes30: it was offered
    with nothing copied, and chosen said only that the clipboard held none)."""
    action = menu.addAction(_with_key("&Paste Here", _K.Paste), lambda: host.paste_at(at))
    mime = QApplication.clipboard().mimeData()
    if mime is None or not mime.hasFormat(CLIPBOARD_MIME):
        action.setEnabled(False)
        action.setToolTip("Copy or cut elements first: the clipboard holds none")


def canvas_menu(
    host: CanvasMenuHost, parent: QWidget, element_id: str | None, at: QPointF
) -> QMenu:
    """The menu for ``element_id`` (None: the empty canvas at ``at``, scene coordinates)."""
    menu = QMenu(parent)
    menu.setObjectName("CanvasMenu")
    session, scene, editor = host.session, host.design_scene, host.editor
    element = session.document.get(element_id) if element_id else None
    if element is None:
        _paste_here(menu, host, at)
        add = menu.addMenu("A&dd")
        for info in KINDS.values():
            if info.shape == "box" and not info.needs_container:
                add.addAction(plain(info.title), partial(_add_at, host, info.kind, at))
        menu.addSeparator()
        menu.addAction(_with_key("Select &All", _K.SelectAll), editor.select_all)
        menu.addAction(_with_key("&Fit to Window", FIT_KEY), host.zoom_fit)
        menu.addAction("Auto-&Layout by Site", host.auto_layout)
        return give_alt_keys(menu)
    item = scene.item_for(element.id)
    menu.addAction(_with_key("Re&name…", "F2"), lambda: host.rename(element.id))
    if element.kind in connectable_kinds():
        _connect_entries(menu, host, element.id)
    if isinstance(item, NodeItem):
        inside = [
            info
            for info in KINDS.values()
            if info.shape == "box" and element.kind in info.allowed_containers
        ]
        if inside:
            add = menu.addMenu("&Add Inside")
            for info in inside:
                add.addAction(plain(info.title), partial(host.add_kind, info.kind))
    menu.addSeparator()
    menu.addAction(_with_key("Cu&t", _K.Cut), editor.cut)
    menu.addAction(_with_key("&Copy", _K.Copy), editor.copy)
    _paste_here(menu, host, at)
    menu.addAction(_with_key("Dupl&icate", DUPLICATE_KEY), editor.duplicate)
    menu.addAction("Select Same &Kind", editor.select_same_kind)
    delete = menu.addAction(_with_key("&Delete", _K.Delete), editor.delete_selection)
    # Worked out once (a site of the 100k estate: ~0.14 s of plan and words each time).
    said = editor.removal_sentence()
    delete.setToolTip(said)
    delete.setStatusTip(said)
    if isinstance(item, NodeItem) and item.container:
        menu.addSeparator()
        menu.addAction("&Fit to Content", lambda: editor.fit_to_content([element.id]))
    if isinstance(item, EdgeItem) and scene.router.waypoints(element.id):
        menu.addSeparator()
        menu.addAction("Reset &Route", lambda: editor.reset_route(element.id))
    return give_alt_keys(menu)


def _add_at(host: CanvasMenuHost, kind: str, at: QPointF) -> None:
    added = host.editor.add_element_at(kind, at)
    if added is not None:
        host.rename(added, just_added=True)


def _connect(host: CanvasMenuHost, plan: Proposal) -> None:
    """Make the connection and say so, as a drag with the Connect tool does (the menu's
    Connect To made it silently: eyes20), and select the line it made (the Inspector
    shows its fields: a WAN link's distance at once, not found again by name; eyes20
    #23); for a reference set, the element holding it (the DAG a VM joins), as a drag
    does."""
    if host.session.push(plan.command):
        host.session.status_message.emit(done_text(plan.command))
        shows = plan.shows
        if shows is not None and host.session.document.get(shows) is not None:
            host.session.set_selection([shows])


def _target_entry(target: ElementBase, plan: Proposal) -> str:
    """A Connect To entry: the target and the kind of line it makes ("Worcester (site)
    — new WAN link"; LUN to LUN made a mirror, LUN to VM a disk, unsaid: eyes20 #15)."""
    return (
        f"{target.name} ({target.label}) — {plan.makes}"
        if plan.makes
        else (f"{target.name} ({target.label})")
    )


def _not_a_member(source: ElementBase | None, target: ElementBase) -> bool:
    """Whether ``target`` is a connection of ``source`` that makes a VM of other roles
    only (a domain controller, a Client Access server …) a DAG's member: no one does
    (a DAG's members are its Mailbox servers; a domain controller as one is DAG009), and
    the Inspector's members list greys them (eyes27 #11: a DAG's Connect To offered
    every VM, domain controllers included)."""
    if source is None or {source.kind, target.kind} != {"dag", "vm"}:
        return False
    vm = target if target.kind == "vm" else source
    return isinstance(vm, VirtualMachine) and bool(vm.roles) and VmRole.MAILBOX not in vm.roles


def _apart_note(source: ElementBase | None, apart: list[ElementBase]) -> tuple[str, str]:
    """The Connect To menu's line on the targets it does not offer and why, and its tip
    (the targets named)."""
    if source is None or not apart:
        return "", ""
    names = ", ".join(t.name for t in apart[:8])
    if len(apart) > 8:
        names += f" and {len(apart) - 8} more"
    if source.kind == "vm":
        return (
            f"Not offered: {names} (a DAG's members are its Mailbox servers)",
            f"{source.name} is not a Mailbox server: a DAG's members are its Mailbox servers "
            "(a domain controller as a member is DAG009)",
        )
    count = f"{len(apart)} VM{'' if len(apart) == 1 else 's'}"
    return (
        f"Not offered: {count} of other roles (a DAG's members are its Mailbox servers)",
        f"Not Mailbox servers: {names}",
    )


def _connect_entries(menu: QMenu, host: CanvasMenuHost, source: str) -> None:
    """ "Connect To" with the valid targets by name (a chooser when there are many); the
    VMs no one makes a DAG's members put apart, in one line that says why."""
    doc = host.session.document
    element = doc.get(source)
    found = connection_targets(doc, source)
    targets = [(t, p) for t, p in found if not _not_a_member(element, t)]
    note, names = _apart_note(element, [t for t, _p in found if _not_a_member(element, t)])
    if not targets and not note:
        action = menu.addAction("C&onnect To (nothing fits)")
        action.setEnabled(False)
        return
    if len(targets) <= MENU_TARGETS:
        sub = menu.addMenu("C&onnect To")
        for target, plan in targets:
            entry = plain(_target_entry(target, plan))
            action = sub.addAction(entry, partial(_connect, host, plan))
            action.setStatusTip(plan.says[:1].upper() + plan.says[1:])
        if note:
            if targets:
                sub.addSeparator()
            apart = sub.addAction(plain(note))
            apart.setEnabled(False)
            apart.setToolTip(names)
            apart.setStatusTip(names)
            sub.setToolTipsVisible(True)
        return

    name = element.name if element is not None else source

    def choose() -> None:
        labels = [_target_entry(t, p) for t, p in targets]
        parent = menu.parentWidget()
        picked, ok = dialogs.ask_item(parent, "Connect to", f"Connect {name} to:", labels)
        if ok:
            _connect(host, targets[labels.index(picked)][1])

    chooser = menu.addAction(f"C&onnect To… ({len(targets)})", choose)
    if note:
        chooser.setStatusTip(f"{note}. {names}")
