"""GraphML and GEXF through networkx: the topology graph of ``designer.graph`` (every
element a node, dependency edges with their ``relation``), completed with an edge for
every reference the topology does not draw (a WAN link's sites, a consistency group's
mirrors, a recovery plan's protection groups …), so the file has every element and
every relation. Node attributes are the element's kind, name and fields (lists and
nested values as JSON text) and its layout position; GEXF also gets ``viz`` positions.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Any

import networkx as nx

from designer.domain.design import Design
from designer.domain.refs import iter_refs
from designer.graph.topology import build_graph

__all__ = ["export_graph", "graph_of"]


def _scalar(value: Any) -> str | float | bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def graph_of(design: Design) -> nx.MultiDiGraph:
    """The export graph: one node per element (and per storage processor, as in the
    topology), one edge per dependency or reference."""
    topology = build_graph(design)
    graph = nx.MultiDiGraph(name=design.name)
    for node, data in topology.graph.nodes(data=True):
        graph.add_node(node, kind=str(data.get("kind", "")), element=False)
    for element in design.elements:
        attrs: dict[str, Any] = {"element": True}
        for key, value in element.model_dump(mode="json").items():
            if value is None:
                continue
            attrs[key] = _scalar(value)
        entry = design.layout.get(element.id)
        if entry is not None:
            attrs.update(x=float(entry.x), y=float(entry.y))
        graph.add_node(element.id, **attrs)
    seen: set[tuple[str, str]] = set()
    for source, target, data in topology.graph.edges(data=True):
        graph.add_edge(source, target, relation=str(data.get("relation", "")), field="")
        seen.add((source, target))
    for element in design.elements:
        for ref in iter_refs(element):
            field = ref.path.split("[")[0].split(".")[0]
            if (element.id, ref.target) in seen or (ref.target, element.id) in seen:
                # Already drawn by the topology (possibly the other way round, as for
                # a load balancer's CAS arrays): label it with the field too.
                for u, v in ((element.id, ref.target), (ref.target, element.id)):
                    if graph.has_edge(u, v):
                        for key in graph[u][v]:
                            if not graph[u][v][key]["field"]:
                                graph[u][v][key]["field"] = field
                continue
            graph.add_edge(element.id, ref.target, relation="refers_to", field=field)
            seen.add((element.id, ref.target))
    return graph


def export_graph(design: Design, path: str | Path) -> Path:
    """Write ``path`` as GraphML (``.graphml``) or GEXF (``.gexf``)."""
    path = Path(path)
    graph = graph_of(design)
    suffix = path.suffix.casefold()
    if suffix == ".graphml":
        nx.write_graphml(graph, path, named_key_ids=True)
    elif suffix == ".gexf":
        for node, data in graph.nodes(data=True):
            if "x" in data:
                data["viz"] = {"position": {"x": data["x"], "y": -data["y"], "z": 0.0}}
            data["label"] = str(data.get("name", node))
        nx.write_gexf(graph, path)
    else:
        raise ValueError(f"{path.name}: a graph export ends in .graphml or .gexf")
    return path
