"""The canvas editor: the edit operations of the Edit and Arrange menus and of the
palette drop (delete, clipboard, nudge, align, auto-layout, add at a point).

The view handles input, zoom and pan; this object turns an operation into a command
on the session. What an operation means for the model is decided in
``designer.document`` (gestures, layout, clipboard); here it is only mapped from what
the canvas shows (the selection, where boxes are drawn).
"""

from __future__ import annotations

import atexit
from collections.abc import Callable

from PySide6.QtCore import QMimeData, QPointF
from PySide6.QtWidgets import QApplication

from designer.document import (
    CLIPBOARD_MIME,
    AddElements,
    MacroCommand,
    MoveElements,
    Refusal,
    RemoveElements,
    copy_payload,
)
from designer.document.commands import describe_removal
from designer.document.gestures import plan_drop, plan_fit, plan_paste
from designer.document.layout import align, auto_layout
from designer.domain.design import LayoutEntry
from designer.domain.kinds import KINDS
from designer.domain.words import plural
from designer.ui.canvas.items.node import NodeItem
from designer.ui.canvas.scene import DesignScene
from designer.ui.session import EditorSession

__all__ = ["CanvasEditor"]


class CanvasEditor:
    """Edit operations on one session, mapped from one scene."""

    def __init__(self, session: EditorSession, scene: DesignScene) -> None:
        self.session = session
        self.scene = scene
        #: Drops, drags and arrow keys move boxes by whole grid steps.
        self.snap_to_grid = True
        #: Told what a paste (or Duplicate) added, once it is all there: the view
        #: scrolls it into sight.
        self.on_pasted: Callable[[list[str]], None] | None = None

    def _say(self, text: str) -> None:
        self.session.status_message.emit(text)

    def selected_boxes(self) -> list[str]:
        return [i for i in self.session.selection if i in self.scene.nodes]

    def entry(self, element_id: str, dx: float = 0.0, dy: float = 0.0) -> LayoutEntry:
        """The layout entry of a box where it is drawn, shifted by (dx, dy)."""
        r = self.scene.nodes[element_id].scene_rect()
        old = self.session.document.layout_of(element_id)
        return LayoutEntry(
            x=round(r.x() + dx, 1),
            y=round(r.y() + dy, 1),
            w=r.width(),
            h=r.height(),
            color=old.color if old else None,
        )

    # -- adding ----------------------------------------------------------------------------
    def drop_targets(self, kind: str) -> tuple[str, ...]:
        """The kinds of box an element of ``kind`` may be dropped on."""
        info = KINDS.get(kind)
        return info.allowed_containers if info is not None else ()

    def accepts_drop(self, kind: str, pos: QPointF) -> bool:
        """Whether a palette drag of ``kind`` may be released at ``pos`` (a kind that
        must sit in a box only over such a box)."""
        info = KINDS.get(kind)
        if info is None:
            return False
        if not info.needs_container:
            return True
        return self.scene.container_at(pos, info.allowed_containers) is not None

    def add_element_at(
        self, kind: str, pos: QPointF, container_id: str | None = None
    ) -> str | None:
        """Create an element of ``kind`` at ``pos`` in the box under it (a palette drop),
        or in the box ``container_id``; its id, or None (the reason is in the status
        bar)."""
        targets = self.drop_targets(kind)
        container: NodeItem | None
        if container_id is not None and container_id in self.scene.nodes:
            container = self.scene.nodes[container_id]
        else:
            container = self.scene.container_at(pos, targets) if targets else None
        rect = container.scene_rect() if container is not None else None
        plan = plan_drop(
            self.session.document,
            kind,
            (pos.x(), pos.y()),
            container.element_id if container is not None else None,
            (rect.x(), rect.y(), rect.width(), rect.height()) if rect is not None else None,
            grid=self.scene.grid_size if self.snap_to_grid else None,
            boxes=self.scene,
        )
        if isinstance(plan, Refusal):
            info = KINDS.get(kind)
            if info is not None and info.is_line:  # not refused: drawn another way
                self._say(plan.reason[:1].upper() + plan.reason[1:])
            else:
                self._say(f"Cannot add here: {plan.reason}")
            return None
        if self.session.push(plan.command):
            self.session.set_selection([plan.element] if plan.element else [])
            self._say(plan.says)
            return plan.element
        return None

    # -- removing and the clipboard -----------------------------------------------------------
    def delete_selection(self) -> None:
        ids = self.session.selection
        if ids:
            self.session.push(RemoveElements(ids))

    def removal_sentence(self) -> str:
        """What deleting the selection takes with it, said before it is done."""
        ids = self.session.selection
        return describe_removal(self.session.document, ids)[1] if ids else ""

    def _copy_ids(self) -> list[str]:
        scene = self.scene
        ids = set(scene.descendants(self.session.selection))
        for key, edge in scene.edges.items():
            if edge.element_id and edge.source in ids and edge.target in ids:
                ids.add(key)
        doc = self.session.document
        return sorted(ids, key=doc.position_of)

    def copy(self) -> bool:
        ids = self._copy_ids()
        if not ids:
            return False
        doc = self.session.document
        payload = copy_payload(doc.design, ids, get=doc.get)  # (ids in design order)
        mime = QMimeData()
        mime.setData(CLIPBOARD_MIME, payload.encode("utf-8"))
        mime.setText(payload)
        QApplication.clipboard().setMimeData(mime)
        _clear_clipboard_at_exit()
        self._say(f"Copied {plural(len(ids), 'element')}")
        return True

    def cut(self) -> None:
        if self.copy():
            ids = self.session.selection
            one = self.session.document.get(ids[0]) if len(ids) == 1 else None
            what = one.describe() if one is not None else plural(len(ids), "element")
            self.session.push(RemoveElements(ids, text=f"Cut {what}"))

    def paste(self, at: QPointF | None = None) -> None:
        """Paste the clipboard's elements at ``at`` (the pointer; None: beside the
        copied ones), into the box under it when they may sit there."""
        mime = QApplication.clipboard().mimeData()
        if mime is None or not mime.hasFormat(CLIPBOARD_MIME):
            self._say("The clipboard holds no DR Designer elements")
            return
        self._paste(bytes(mime.data(CLIPBOARD_MIME).data()).decode("utf-8"), "Paste", at)

    def duplicate(self) -> None:
        ids = self._copy_ids()
        if ids:
            doc = self.session.document
            self._paste(copy_payload(doc.design, ids, get=doc.get), "Duplicate", None)

    def _paste(self, payload: str, verb: str, at: QPointF | None) -> None:
        scene = self.scene

        def container_at(kinds: tuple[str, ...]) -> str | None:
            node = scene.container_at(at, kinds) if at is not None else None
            return node.element_id if node is not None else None

        where = (at.x(), at.y()) if at is not None else None
        plan = plan_paste(self.session.document, payload, where, container_at, scene, verb=verb)
        if isinstance(plan, Refusal):
            self._say(plan.reason)
            return
        command = plan.command
        added = command.commands[0] if isinstance(command, MacroCommand) else command
        assert isinstance(added, AddElements)
        if self.session.push(command):
            ids = [e.id for e in added.elements]
            # (A big paste runs in steps: what it added is selected once all of it is.)
            self.session.when_done(lambda: self.session.set_selection(ids))
            self.session.when_done(lambda: self._say(plan.says))
            if self.on_pasted is not None:
                self.session.when_done(lambda: self.on_pasted and self.on_pasted(ids))

    def fit_to_content(self, ids: list[str] | None = None) -> None:
        """Fit the selected containers round what they hold (Arrange > Fit to Content)."""
        boxes = [i for i in (ids or self.selected_boxes()) if self.scene.nodes[i].container]
        if not boxes:
            self._say("Select a box that holds other boxes to fit it to its content")
            return
        for box in boxes:
            plan = plan_fit(self.session.document, self.scene, box)
            if isinstance(plan, Refusal):
                self._say(plan.reason)
            else:
                self.session.push(plan.command)

    def select_all(self) -> None:
        scene = self.scene
        ids = [*scene.nodes, *(e.element_id for e in scene.edges.values() if e.element_id)]
        doc = self.session.document
        self.session.set_selection(sorted(ids, key=doc.position_of))

    def select_same_kind(self) -> None:
        """Edit > Select Same Kind: every element of the selected elements' kinds (the
        Inspector then edits their shared fields at once: 72 imported databases were
        72 Ctrl-clicks)."""
        doc = self.session.document
        kinds = {e.kind for e in (doc.get(i) for i in self.session.selection) if e is not None}
        if not kinds:
            self._say("Select an element first: its kind is what is selected")
            return
        by_kind = doc.index.by_kind
        ids = [e.id for kind in kinds for e in by_kind.get(kind, ())]
        self.session.set_selection(sorted(ids, key=doc.position_of))
        if len(kinds) == 1:
            info = KINDS.get(next(iter(kinds)))
            what = plural(len(ids), info.label if info is not None else "element")
        else:
            what = f"{plural(len(ids), 'element')} of {len(kinds)} kinds"
        self._say(f"Selected {what}")

    # -- lines ---------------------------------------------------------------------------------
    def remove_waypoint(self, line: str, at: QPointF, scale: float) -> bool:
        """Take away the waypoint of ``line`` at ``at`` (a double-click on it)."""
        points = list(self.scene.router.waypoints(line))
        reach = 8.0 / max(scale, 0.05)
        for i, (x, y) in enumerate(points):
            if abs(x - at.x()) <= reach and abs(y - at.y()) <= reach:
                del points[i]
                self._set_waypoints(line, points, "Remove a waypoint of")
                return True
        return False

    def reset_route(self, line: str) -> bool:
        """Take away every waypoint of ``line``: the router decides its way again."""
        if not self.scene.router.waypoints(line):
            return False
        self._set_waypoints(line, [], "Reset route of")
        return True

    def _set_waypoints(self, line: str, points: list[tuple[float, float]], verb: str) -> None:
        doc = self.session.document
        element = doc.get(line)
        old = doc.layout_of(line) or LayoutEntry()
        entry = old.model_copy(update={"points": tuple(points)})
        name = element.name if element is not None else line
        self.session.push(MoveElements({line: entry}, text=f"{verb} {name}"))

    # -- arranging ---------------------------------------------------------------------------
    def nudge(self, dx: float, dy: float) -> None:
        """Move the selected boxes (with what they hold); repeated nudges merge."""
        roots = self.scene.roots(self.selected_boxes())
        ids = [i for i in self.scene.descendants(roots) if i in self.scene.nodes]
        if not ids:
            return
        new = {i: self.entry(i, dx, dy) for i in ids}
        one = self.session.document.get(roots[0]) if len(roots) == 1 else None
        what = one.name if one is not None else plural(len(roots), "box", "boxes")
        self.session.push(MoveElements(new, text=f"Nudge {what}", mergeable=True))

    def align(self, how: str) -> None:
        """Align the selected boxes: left, right, top, bottom, hcenter, vcenter;
        or distribute them: hdistribute, vdistribute (three or more)."""
        scene = self.scene
        roots = scene.roots(self.selected_boxes())
        if len(roots) < 2 or (how.endswith("distribute") and len(roots) < 3):
            self._say("Select more boxes to align or distribute")
            return
        rects = {}
        for i in roots:
            r = scene.nodes[i].scene_rect()
            rects[i] = (r.x(), r.y(), r.width(), r.height())
        new: dict[str, LayoutEntry] = {}
        for root, (dx, dy) in align(rects, how).items():
            for i in scene.descendants([root]):
                if i in scene.nodes:
                    new[i] = self.entry(i, dx, dy)
        words = {"hcenter": "centres", "vcenter": "middles"}
        text = (
            f"Distribute {len(roots)} boxes"
            if how.endswith("distribute")
            else f"Align {words.get(how, how)}"
        )
        if self.session.push(MoveElements(new, text=text)):
            self._say_covered(roots)

    def _say_covered(self, moved: list[str]) -> None:
        """After an align: the boxes that now lie over others of their container (three
        databases aligned left in a DAG landed exactly on the column's others, hidden,
        without a word: eyes21 #13), said in the status bar; Undo puts them back."""
        scene = self.scene
        parents = scene.boxes_parent
        chosen = set(moved)
        covering: list[str] = []
        for element_id in moved:
            node = scene.nodes.get(element_id)
            if node is None:
                continue
            rect = node.scene_rect()
            for item in scene.items(rect):
                if not isinstance(item, NodeItem) or item.element_id in chosen:
                    continue
                if parents.get(item.element_id) != parents.get(element_id):
                    continue
                common = rect.intersected(item.scene_rect())
                _, _, w, h = item.box()
                smaller = min(rect.width() * rect.height(), w * h)
                if common.width() * common.height() >= smaller / 4:
                    covering.append(node.name)
                    break
        if covering:
            count = len(covering)
            names = ", ".join(covering[:3]) + ("…" if count > 3 else "")
            lies = (
                "1 box now lies over another in its container"
                if count == 1
                else f"{count} boxes now lie over others in their container"
            )
            self._say(f"{lies} ({names}): Undo (Ctrl+Z) puts {'it' if count == 1 else 'them'} back")

    def auto_layout(self) -> bool:
        """Tidy the whole drawing by site (one undo step); True if it changed."""
        new = auto_layout(self.session.design)
        # None entries clear a layout entry (Document.set_layout accepts them).
        command = MoveElements(new, text="Auto-layout by site")  # type: ignore[arg-type]
        return bool(new) and self.session.push(command)


_CLEANUP_INSTALLED = False


def _clear_clipboard_at_exit() -> None:
    """PySide6 6.11 (offscreen and xcb) crashes at exit while the application still owns
    clipboard data we set: hand it back before the interpreter shuts down."""
    global _CLEANUP_INSTALLED
    if _CLEANUP_INSTALLED:
        return
    _CLEANUP_INSTALLED = True

    def clear() -> None:
        if QApplication.instance() is not None:
            QApplication.clipboard().clear()

    atexit.register(clear)
