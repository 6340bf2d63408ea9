"""Small builders for the vSphere, network, backup and Exchange rule tests.

Each test assembles the few elements its rule needs; :func:`build` refuses a design
that is not structurally valid, so no rule is ever tested on an impossible design.
"""

from __future__ import annotations

from typing import Any

from designer.domain import (
    Design,
    DesignIntent,
    ElementBase,
    EsxiHost,
    Site,
    VirtualMachine,
    VsphereCluster,
    structural_errors,
)
from designer.rules import Finding, check

__all__ = ["build", "findings", "two_sites", "vm"]


def build(*elements: ElementBase, **intent: Any) -> Design:
    """A design of ``elements`` (and intent fields), checked to be structurally valid."""
    design = Design(elements=list(elements), intent=DesignIntent(**intent))
    errors = structural_errors(design)
    assert errors == [], [str(e) for e in errors]
    return design


def findings(design: Design, code: str) -> list[Finding]:
    """The active findings of rule ``code`` only."""
    return [f for f in check(design, codes=[code]).active if f.code == code]


def two_sites(**site_fields: Any) -> list[ElementBase]:
    """Sites Boston (s1) and Chicago (s2), one cluster and one host in each."""
    return [
        Site(id="s1", name="Boston", **site_fields),
        Site(id="s2", name="Chicago", **site_fields),
        VsphereCluster(id="c1", name="prod", site="s1"),
        VsphereCluster(id="c2", name="dr", site="s2"),
        EsxiHost(id="h1", name="esx-b1", site="s1", cluster="c1"),
        EsxiHost(id="h2", name="esx-c1", site="s2", cluster="c2"),
    ]


def vm(vm_id: str, host: str = "h1", **fields: Any) -> VirtualMachine:
    """A VM named like its id."""
    return VirtualMachine(id=vm_id, name=vm_id, host=host, **fields)
