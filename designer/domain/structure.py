"""Structural invariants of a design: what must hold for it to be a design at all.

Design *rules* (``designer.rules``) report findings and never block an edit; these
invariants are enforced by the loader and the Document and raise typed errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from designer.domain.design import Design
from designer.domain.elements import Dag, EsxiHost, Lun, MailboxDatabase, Mirror, VsphereCluster
from designer.domain.errors import StructuralError
from designer.domain.refs import iter_refs

__all__ = ["check_structure", "structural_errors"]


def structural_errors(design: Design) -> list[StructuralError]:
    """Every broken invariant, in element order, each naming a JSON path.

    Examples
    --------
    >>> from designer.domain.elements import EsxiHost
    >>> bad = Design(elements=[EsxiHost(id="h1", name="esx01", site="nowhere")])
    >>> print(structural_errors(bad)[0])
    design.elements[0].site: ESXi host esx01 (h1) refers to 'nowhere', which does not exist
    """
    errors: list[StructuralError] = []
    kinds: dict[str, str] = {}
    positions: dict[str, int] = {}
    names: dict[tuple[str, str], str] = {}
    for i, element in enumerate(design.elements):
        path = f"design.elements[{i}]"
        kind: str = element.kind
        if element.id in kinds:
            errors.append(
                StructuralError(
                    f"duplicate id {element.id!r} (also design.elements[{positions[element.id]}])",
                    path=f"{path}.id",
                    element=element.id,
                )
            )
            continue
        kinds[element.id] = kind
        positions[element.id] = i
        other = names.setdefault((kind, element.name), element.id)
        if other != element.id:
            errors.append(
                StructuralError(
                    f"{element.label} name {element.name!r} is used by {other} too",
                    path=f"{path}.name",
                    element=element.id,
                )
            )
    by_id = {e.id: e for e in design.elements}
    for i, element in enumerate(design.elements):
        path = f"design.elements[{i}]"
        who = f"{element.label} {element.name} ({element.id})"
        for ref in iter_refs(element):
            target_kind = kinds.get(ref.target)
            if target_kind is None:
                errors.append(
                    StructuralError(
                        f"{who} refers to {ref.target!r}, which does not exist",
                        path=f"{path}.{ref.path}",
                        element=element.id,
                    )
                )
            elif target_kind not in ref.kinds:
                errors.append(
                    StructuralError(
                        f"{who} refers to {ref.target!r}, a {target_kind}; "
                        f"expected {' or '.join(ref.kinds)}",
                        path=f"{path}.{ref.path}",
                        element=element.id,
                    )
                )
        errors.extend(_relation_errors(element, by_id, path, who))
    for key in design.layout:
        if key not in kinds:
            errors.append(
                StructuralError(
                    f"layout entry for {key!r}, which is not an element",
                    path=f"design.layout.{key}",
                )
            )
    return errors


def _relation_errors(
    element: object, by_id: Mapping[str, Any], path: str, who: str
) -> list[StructuralError]:
    errors: list[StructuralError] = []
    if isinstance(element, EsxiHost) and element.cluster:
        cluster = by_id.get(element.cluster)
        if isinstance(cluster, VsphereCluster) and cluster.site != element.site:
            errors.append(
                StructuralError(
                    f"{who} is in site {element.site!r} but its cluster "
                    f"{cluster.name} is in {cluster.site!r}",
                    path=f"{path}.cluster",
                    element=element.id,
                )
            )
    elif isinstance(element, Mirror):
        src, dst = by_id.get(element.source_lun), by_id.get(element.target_lun)
        if isinstance(src, Lun) and isinstance(dst, Lun) and src.array == dst.array:
            errors.append(
                StructuralError(
                    f"{who} mirrors to a LUN on its own array {src.array!r}; "
                    "a mirror's target is on another array",
                    path=f"{path}.target_lun",
                    element=element.id,
                )
            )
    elif isinstance(element, MailboxDatabase) and element.dag:
        dag = by_id.get(element.dag)
        if isinstance(dag, Dag):
            members = set(dag.members)
            for j, copy in enumerate(element.copies):
                if copy.member not in members:
                    errors.append(
                        StructuralError(
                            f"{who} has a copy on {copy.member!r}, "
                            f"which is not a member of DAG {dag.name}",
                            path=f"{path}.copies[{j}].member",
                            element=element.id,
                        )
                    )
    return errors


def check_structure(design: Design) -> None:
    """Raise the first :class:`StructuralError`, if any (see :func:`structural_errors`)."""
    errors = structural_errors(design)
    if errors:
        raise errors[0]
