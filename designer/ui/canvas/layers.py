"""Layers and focus on the canvas: show or hide whole families of elements (storage,
network, Exchange, recovery: the palette's groups) and the findings markers; dim what
is unrelated to the selection. View state only: nothing here is saved or undone.

What an element is related to is read from the drawing and the design: the boxes
holding it and held by it, the boxes at the other end of its lines, and the elements
it refers to or that refer to it (a LUN's disks, a DAG's members and databases).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from designer.domain.kinds import KINDS
from designer.domain.refs import iter_refs
from designer.ui.canvas.items.edge import EdgeItem
from designer.ui.canvas.items.node import NodeItem
from designer.ui.session import EditorSession

__all__ = ["DIMMED_OPACITY", "LAYER_GROUPS", "CanvasLayers", "LayerHost"]

#: The families that can be hidden (the palette's groups but the infrastructure, which
#: everything else sits in).
LAYER_GROUPS = ("Storage", "Network", "Exchange", "Recovery")
#: How faint an unrelated element is drawn while the selection is in focus.
DIMMED_OPACITY = 0.22


class LayerHost(Protocol):
    """What the layers need from the scene (the scene is one)."""

    session: EditorSession
    nodes: dict[str, NodeItem]
    edges: dict[str, EdgeItem]
    box_parent: dict[str, str | None]
    detail_visible: bool
    hosts_visible: bool

    def descendants(self, ids: Iterable[str]) -> list[str]: ...

    def lines_of(self, element_id: str) -> list[str]: ...


def group_of(kind: str) -> str:
    info = KINDS.get(kind)
    return info.spec.group if info is not None else ""


class CanvasLayers:
    """Which families are shown, whether findings markers are, and the focus dimming."""

    def __init__(self, host: LayerHost) -> None:
        self.host = host
        self.hidden: set[str] = set()
        self.show_findings = True
        self.dim_unrelated = False
        self._dimmed: set[str] = set()

    # -- visibility ---------------------------------------------------------------------
    def node_shown(self, node: NodeItem) -> bool:
        host = self.host
        return (
            group_of(node.kind) not in self.hidden
            and (host.detail_visible or not node.detail)
            and (host.hosts_visible or not node.far)
        )

    def edge_shown(self, edge: EdgeItem) -> bool:
        return (
            not edge.waiting
            and edge.family not in self.hidden
            and (self.host.detail_visible or not edge.detail)
        )

    def set_layer(self, group: str, shown: bool) -> None:
        """Show or hide one family (its boxes and its lines)."""
        if shown:
            self.hidden.discard(group)
        else:
            self.hidden.add(group)
        self.apply()

    def apply(self) -> None:
        """Every item's visibility from the layers and the level of detail."""
        host = self.host
        for node in host.nodes.values():
            shown = self.node_shown(node)
            if node.isVisible() != shown:
                node.setVisible(shown)
        for edge in host.edges.values():
            shown = self.edge_shown(edge)
            if edge.isVisible() != shown:
                edge.setVisible(shown)

    def hidden_groups_of(self, ids: Iterable[str]) -> set[str]:
        """The hidden families these elements belong to (a selection made in Find, the
        Problems or the Databases panel may lie in one)."""
        if not self.hidden:
            return set()
        doc = self.host.session.document
        found = set()
        for element_id in ids:
            element = doc.get(element_id)
            group = group_of(element.kind) if element is not None else ""
            if group in self.hidden:
                found.add(group)
        return found

    def set_findings(self, shown: bool) -> None:
        self.show_findings = shown
        for node in self.host.nodes.values():
            if node.marker is not None:
                node.update()
        for edge in self.host.edges.values():
            if edge.marker is not None:
                edge.update()

    # -- focus ----------------------------------------------------------------------------
    def set_dim(self, on: bool) -> None:
        self.dim_unrelated = on
        self.refocus()

    def related(self, ids: Iterable[str]) -> set[str]:
        """The selection and what it is related to (see the module)."""
        host = self.host
        doc = host.session.document
        found: set[str] = set()
        for element_id in ids:
            element = doc.get(element_id)
            if element is None:
                continue
            found.add(element_id)
            found.update(r.target for r in iter_refs(element))
            found.update(doc.referrers_of(element_id))
        # Parts are drawn by their box (a disk by its VM).
        boxes = {i if i in host.nodes else host.box_parent.get(i) or i for i in found}
        found |= boxes
        for box in [b for b in boxes if b in host.nodes]:
            found.update(host.descendants([box]))
        for element_id in list(found):
            for key in host.lines_of(element_id):
                edge = host.edges.get(key)
                if edge is not None:
                    found.update((edge.source, edge.target, key))
        # And what holds them, so that they are seen in their place.
        for element_id in list(found):
            parent = host.box_parent.get(element_id)
            while parent is not None and parent not in found:
                found.add(parent)
                parent = host.box_parent.get(parent)
        return found

    def refocus(self) -> None:
        """Dim what is unrelated to the selection (or undim everything)."""
        host = self.host
        selection = host.session.selection
        wanted: set[str] = set()
        if self.dim_unrelated and selection:
            keep = self.related(selection)
            wanted = {i for i in host.nodes if i not in keep}
            wanted |= {
                k
                for k, e in host.edges.items()
                if k not in keep and not (e.source in keep and e.target in keep)
            }
        for key in self._dimmed - wanted:
            item = host.nodes.get(key) or host.edges.get(key)
            if item is not None:
                item.setOpacity(1.0)
        for key in wanted:
            # Every one, not only the newly dimmed: an item rebuilt since (an undo, a
            # load) is drawn in full again.
            item = host.nodes.get(key) or host.edges.get(key)
            if item is not None and item.opacity() != DIMMED_OPACITY:
                item.setOpacity(DIMMED_OPACITY)
        self._dimmed = wanted

    @property
    def dimmed(self) -> set[str]:
        return set(self._dimmed)
