"""Export a design as an uncompressed draw.io (diagrams.net) file.

Every element is one cell (an ``<object>`` carrying ``kind``, ``element_id`` and
``name``): sites, clusters, hosts, arrays and DAGs are container cells holding their
content (child geometry is relative to the parent, as draw.io wants); WAN links,
mirrors and Double-Take replications are edges between the right cells, and the
canvas' relation lines (DAG membership and witnesses, load balancer → CAS array,
disk → LUN) are edges too. Three layers: the topology, the findings (one marker per
finding on its first element, the message as tooltip) and a simulation moment
(failed and down elements, each database's state), hidden by default.

draw.io opens the file as is and can save it as .vsdx for Visio users.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from designer.domain.design import Design, ScenarioStep
from designer.domain.elements import (
    Dag,
    ElementBase,
    HostReplication,
    LoadBalancer,
    Mirror,
    VirtualDisk,
    WanLink,
)
from designer.interop.geometry import CONTAINER_KINDS, EDGE_KINDS, Box, boxes, parent_of
from designer.interop.layout import lay_out

__all__ = ["LAYER_IDS", "SimulationMoment", "drawio_xml"]

LAYER_IDS = {
    "topology": "drd-layer-topology",
    "findings": "drd-layer-findings",
    "simulation": "drd-layer-simulation",
}
ROOT_ID = "drd-root"

_FILL = {
    "site": "#dae8fc;strokeColor=#6c8ebf",
    "vsphere_cluster": "#f5f5f5;strokeColor=#666666",
    "esxi_host": "#ffffff;strokeColor=#666666",
    "storage_array": "#fff2cc;strokeColor=#d6b656",
    "dag": "#e1d5e7;strokeColor=#9673a6",
    "vm": "#ffffff;strokeColor=#82b366",
    "lun": "#fffbe6;strokeColor=#d6b656",
    "mailbox_database": "#f8f0ff;strokeColor=#9673a6",
    "virtual_disk": "#d5e8d4;strokeColor=#82b366",
}
_SEVERITY_COLOUR = {"error": "#d62728", "warning": "#ff9900", "info": "#1f77b4"}


@dataclass(frozen=True)
class SimulationMoment:
    """The moment the simulation layer shows: ``steps`` played until ``at`` seconds
    (None: the settled end), under a ``title`` (the scenario's name)."""

    steps: Sequence[ScenarioStep]
    at: float | None = None
    title: str = "Simulation"


def _style(element: ElementBase) -> str:
    kind = element.kind
    fill = _FILL.get(kind, "#f8f8f8;strokeColor=#999999")
    if kind in CONTAINER_KINDS:
        return (
            f"swimlane;container=1;collapsible=0;startSize=26;rounded=1;"
            f"fontStyle=1;html=1;whiteSpace=wrap;fillColor={fill};swimlaneFillColor=#ffffff;"
        )
    if kind == "virtual_disk":
        return f"rounded=0;html=1;fontSize=6;fillColor={fill};"
    return f"rounded=1;html=1;whiteSpace=wrap;fontSize=11;fillColor={fill};"


def _geometry(parent: ET.Element, box: Box, origin: Box | None) -> None:
    x, y = (box.x - origin.x, box.y - origin.y) if origin else (box.x, box.y)
    ET.SubElement(
        parent,
        "mxGeometry",
        {"x": _n(x), "y": _n(y), "width": _n(box.w), "height": _n(box.h), "as": "geometry"},
    )


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _object(root: ET.Element, cell_id: str, label: str, attrs: dict[str, str]) -> ET.Element:
    # Labels are HTML (html=1): a name with "<" or "&" must show as typed.
    return ET.SubElement(root, "object", {"id": cell_id, "label": html.escape(label), **attrs})


def _edges(element: ElementBase) -> list[tuple[str, str, str]]:
    """(source, target, field) of the lines drawn for ``element``'s references."""
    if isinstance(element, Dag):
        out = [(element.id, m, "members") for m in element.members]
        if element.witness:
            out.append((element.id, element.witness, "witness"))
        if element.alternate_witness:
            out.append((element.id, element.alternate_witness, "alternate_witness"))
        return out
    if isinstance(element, LoadBalancer):
        return [(element.id, c, "cas_arrays") for c in element.cas_arrays]
    if isinstance(element, VirtualDisk) and element.lun:
        return [(element.id, element.lun, "lun")]
    return []


def _ends(element: ElementBase) -> tuple[str, str] | None:
    if isinstance(element, WanLink):
        return element.site_a, element.site_b
    if isinstance(element, Mirror):
        return element.source_lun, element.target_lun
    if isinstance(element, HostReplication):
        return element.source, element.target
    return None


def drawio_xml(
    design: Design,
    *,
    findings: Sequence[object] | None = None,
    moment: SimulationMoment | None = None,
) -> str:
    """The draw.io file text. ``findings``: the active findings to mark (default: the
    design is checked); ``moment``: the simulation layer's moment (default: the
    healthy design before any failure)."""
    if any(
        e.id not in design.layout
        for e in design.elements
        if e.kind not in EDGE_KINDS and e.kind != "virtual_disk"
    ):
        design = lay_out(design)
    if findings is None:
        from designer.rules.engine import check

        findings = check(design).active
    where = boxes(design)
    by_id = {e.id: e for e in design.elements}
    mxfile = ET.Element(
        "mxfile", {"host": "dr-designer", "agent": "DR Designer", "compressed": "false"}
    )
    diagram = ET.SubElement(mxfile, "diagram", {"id": "dr-designer", "name": design.name[:100]})
    model = ET.SubElement(
        diagram,
        "mxGraphModel",
        {"grid": "1", "gridSize": "10", "guides": "1", "page": "0", "math": "0", "shadow": "0"},
    )
    root = ET.SubElement(model, "root")
    ET.SubElement(root, "mxCell", {"id": ROOT_ID})
    for key, layer_id in LAYER_IDS.items():
        attrs = {"id": layer_id, "value": key.capitalize(), "parent": ROOT_ID}
        if key == "simulation":
            attrs["visible"] = "0"
        ET.SubElement(root, "mxCell", attrs)
    topology = LAYER_IDS["topology"]

    # Containers before their content: draw.io needs a parent cell before its children.
    placed: set[str] = set()

    def depth(element: ElementBase) -> int:
        n, parent = 0, parent_of(element)
        while parent and parent in by_id and n < 16:
            n += 1
            parent = parent_of(by_id[parent])
        return n

    for element in sorted((e for e in design.elements if e.kind not in EDGE_KINDS), key=depth):
        parent = parent_of(element)
        parent_cell = parent if parent in placed else topology
        origin = where.get(parent) if parent_cell != topology and parent else None
        obj = _object(
            root,
            element.id,
            element.name,
            {
                "kind": element.kind,
                "element_id": element.id,
                "name": element.name,
                "tooltip": f"{element.label} {element.name}",
            },
        )
        cell = ET.SubElement(
            obj, "mxCell", {"style": _style(element), "vertex": "1", "parent": parent_cell}
        )
        _geometry(cell, where[element.id], origin)
        placed.add(element.id)
    for element in design.elements:
        ends = _ends(element)
        if ends is None:
            continue
        obj = _object(
            root,
            element.id,
            element.name,
            {"kind": element.kind, "element_id": element.id, "name": element.name},
        )
        style = {
            "wan_link": "endArrow=none;strokeWidth=3;strokeColor=#6c8ebf;",
            "mirror": "endArrow=block;dashed=1;strokeColor=#d6b656;strokeWidth=2;",
            "host_replication": "endArrow=block;dashed=1;strokeColor=#82b366;",
        }[element.kind]
        cell = ET.SubElement(
            obj,
            "mxCell",
            {
                "style": "edgeStyle=none;html=1;" + style,
                "edge": "1",
                "parent": topology,
                "source": ends[0],
                "target": ends[1],
            },
        )
        ET.SubElement(cell, "mxGeometry", {"relative": "1", "as": "geometry"})
    for element in design.elements:
        for source, target, field in _edges(element):
            if source not in placed or target not in placed:
                continue
            obj = _object(
                root,
                f"{source}|{field}|{target}",
                "",
                {"kind": "relation", "relation": field, "source_id": source, "target_id": target},
            )
            cell = ET.SubElement(
                obj,
                "mxCell",
                {
                    "style": "edgeStyle=none;html=1;endArrow=none;dashed=1;strokeColor=#9673a6;"
                    "opacity=60;",
                    "edge": "1",
                    "parent": topology,
                    "source": source,
                    "target": target,
                },
            )
            ET.SubElement(cell, "mxGeometry", {"relative": "1", "as": "geometry"})
    _findings_layer(root, findings, where)
    _simulation_layer(root, design, where, moment)
    ET.indent(mxfile)
    return ET.tostring(mxfile, encoding="unicode", xml_declaration=False) + "\n"


def _findings_layer(root: ET.Element, findings: Sequence[object], where: dict[str, Box]) -> None:
    per_element: dict[str, int] = defaultdict(int)
    for n, finding in enumerate(findings):
        elements = list(getattr(finding, "elements", ()))
        anchor = next((e for e in elements if e in where), None)
        if anchor is None:
            continue
        box = where[anchor]
        k = per_element[anchor]
        per_element[anchor] += 1
        severity = str(getattr(getattr(finding, "severity", ""), "value", "warning"))
        code = str(getattr(finding, "code", ""))
        message = str(getattr(finding, "message", ""))
        obj = _object(
            root,
            f"drd-finding-{n + 1}",
            code,
            {
                "kind": "finding",
                "code": code,
                "severity": severity,
                "elements": " ".join(elements),
                "tooltip": f"{code}: {message}",
            },
        )
        colour = _SEVERITY_COLOUR.get(severity, "#ff9900")
        cell = ET.SubElement(
            obj,
            "mxCell",
            {
                "style": f"rounded=1;arcSize=50;html=1;fontSize=9;fontColor=#ffffff;fontStyle=1;"
                f"fillColor={colour};strokeColor={colour};",
                "vertex": "1",
                "parent": LAYER_IDS["findings"],
            },
        )
        _geometry(cell, Box(box.right - 46 - k * 50, box.y - 8, 44, 16), None)


def _simulation_layer(
    root: ET.Element, design: Design, where: dict[str, Box], moment: SimulationMoment | None
) -> None:
    from designer.simulation import SimulationError, Simulator

    layer = LAYER_IDS["simulation"]
    moment = moment or SimulationMoment(steps=(), at=0.0, title="Healthy design")
    try:
        result = Simulator(design).run(list(moment.steps))
    except SimulationError as exc:
        obj = _object(
            root,
            "drd-sim-title",
            f"{moment.title}: cannot run ({exc})",
            {"kind": "simulation_title"},
        )
        cell = ET.SubElement(
            obj, "mxCell", {"style": "text;html=1;", "vertex": "1", "parent": layer}
        )
        _geometry(cell, Box(0, -60, 600, 30), None)
        return
    at = moment.at if moment.at is not None else max((e.t for e in result.events), default=0) + 1
    state = result.state_at(at)
    minutes, seconds = divmod(round(at), 60)
    title = (
        f"{moment.title} at T+{minutes}:{seconds:02d}: {state.mailboxes_available:,} of "
        f"{state.mailboxes_total:,} mailboxes available"
    )
    obj = _object(root, "drd-sim-title", title, {"kind": "simulation_title", "at_s": _n(at)})
    cell = ET.SubElement(
        obj,
        "mxCell",
        {"style": "text;html=1;fontSize=16;fontStyle=1;", "vertex": "1", "parent": layer},
    )
    _geometry(cell, Box(0, -60, 900, 30), None)
    for element_id in state.failed:
        if element_id in where:
            _mark(
                root,
                layer,
                f"drd-sim-failed-{element_id}",
                "✕ FAILED",
                element_id,
                where[element_id],
                "fillColor=#ff0000;opacity=35;fillStyle=hatch;fontColor=#b00000;",
            )
    for element_id in state.down:
        if element_id in where and element_id not in state.failed:
            _mark(
                root,
                layer,
                f"drd-sim-down-{element_id}",
                "DOWN",
                element_id,
                where[element_id],
                "fillColor=#999999;opacity=40;fontColor=#333333;",
            )
    for db in state.databases:
        anchor = db.active_on if db.active_on in where else (db.id if db.id in where else None)
        if anchor is None:
            continue
        box = where[anchor]
        colour = "#2ca02c" if db.available else ("#ff9900" if db.state == "waiting" else "#d62728")
        text = f"{db.name}: {db.state}" + (
            " (unreachable)" if db.state == "active" and not db.reachable else ""
        )
        obj = _object(
            root,
            f"drd-sim-db-{db.id}",
            text,
            {
                "kind": "simulation_database",
                "element_id": db.id,
                "state": db.state,
                "active_on": db.active_on or "",
            },
        )
        cell = ET.SubElement(
            obj,
            "mxCell",
            {
                "style": f"rounded=1;arcSize=50;html=1;fontSize=9;fillColor={colour};"
                f"fontColor=#ffffff;strokeColor=none;",
                "vertex": "1",
                "parent": layer,
            },
        )
        _geometry(cell, Box(box.x + 4, box.y + box.h - 6, min(150.0, box.w - 8), 12), None)


def _mark(
    root: ET.Element, layer: str, cell_id: str, text: str, element_id: str, box: Box, style: str
) -> None:
    obj = _object(root, cell_id, text, {"kind": "simulation_mark", "element_id": element_id})
    cell = ET.SubElement(
        obj,
        "mxCell",
        {
            "style": f"rounded=0;html=1;fontStyle=1;verticalAlign=top;{style}",
            "vertex": "1",
            "parent": layer,
        },
    )
    _geometry(cell, box, None)
