"""A clean three-site stretched DAG (000 §5.3.1 Fig. 10) and helpers to break it.

Boston and Chicago hold two DAG members each (one per host, each member's database
disks on its own array); Denver holds the file share witness. Two databases have
four copies, two non-lagged in each site. Every DAG rule passes on it; each test
changes one thing.
"""

from __future__ import annotations

from typing import Any

from designer.domain import (
    Dag,
    DatabaseCopy,
    Design,
    DiskPurpose,
    EsxiHost,
    FailoverIntent,
    FileShareWitness,
    Lun,
    MailboxDatabase,
    Site,
    SiteRole,
    StorageArray,
    VirtualDisk,
    VirtualMachine,
    VmRole,
    VsphereCluster,
    WanLink,
    structural_errors,
)
from designer.domain.elements import ElementBase
from designer.rules import Finding, check

__all__ = ["DAG_CODES", "add", "base", "copies", "design", "drop", "edit", "findings"]

DAG_CODES = [f"DAG{n:03d}" for n in range(1, 13)]

MEMBERS = {"mbx1": "bos", "mbx2": "bos", "mbx3": "chi", "mbx4": "chi"}


def copies(*spec: tuple[str, int] | tuple[str, int, float]) -> list[DatabaseCopy]:
    """Copies from ``(member, preference[, lag days])`` tuples."""
    return [
        DatabaseCopy(
            member=s[0], activation_preference=s[1], replay_lag_days=s[2] if len(s) > 2 else 0
        )
        for s in spec
    ]


def base() -> list[ElementBase]:
    """The clean stretched DAG's elements."""
    elements: list[ElementBase] = [
        Site(id="bos", name="Boston"),
        Site(id="chi", name="Chicago"),
        Site(id="den", name="Denver", role=SiteRole.WITNESS_ONLY),
        WanLink(id="l-bc", name="BOS-CHI", site_a="bos", site_b="chi", rtt_ms=12,
                failure_domain="carrier-1"),
        WanLink(id="l-bd", name="BOS-DEN", site_a="bos", site_b="den", rtt_ms=30,
                failure_domain="carrier-2"),
        WanLink(id="l-cd", name="CHI-DEN", site_a="chi", site_b="den", rtt_ms=25,
                failure_domain="carrier-3"),
        VsphereCluster(id="cl-bos", name="CL-BOS", site="bos"),
        VsphereCluster(id="cl-chi", name="CL-CHI", site="chi"),
        EsxiHost(id="esx1", name="esx-bos-1", site="bos", cluster="cl-bos"),
        EsxiHost(id="esx2", name="esx-bos-2", site="bos", cluster="cl-bos"),
        EsxiHost(id="esx3", name="esx-chi-1", site="chi", cluster="cl-chi"),
        EsxiHost(id="esx4", name="esx-chi-2", site="chi", cluster="cl-chi"),
        EsxiHost(id="esx5", name="esx-den-1", site="den"),
        VirtualMachine(id="fsw-vm", name="FSW01", host="esx5",
                       roles=[VmRole.FILE_SHARE_WITNESS]),
        FileShareWitness(id="fsw", name="FSW", site="den", vm="fsw-vm"),
    ]  # fmt: skip
    for n, (vm_id, site) in enumerate(MEMBERS.items(), start=1):
        elements += [
            StorageArray(id=f"arr{n}", name=f"ARR-{n}", site=site),
            Lun(id=f"lun{n}", name=f"LUN-{n}", array=f"arr{n}"),
            VirtualMachine(
                id=vm_id,
                name=vm_id.upper(),
                host=f"esx{n}",
                roles=[VmRole.MAILBOX],
                exchange_version="2013",
            ),
        ]
        for db in ("db1", "db2"):
            elements.append(
                VirtualDisk(
                    id=f"{vm_id}-{db}",
                    name=f"{vm_id}-{db}",
                    vm=vm_id,
                    purpose=DiskPurpose.DATABASE,
                    lun=f"lun{n}",
                    database=db,
                )
            )
    elements += [
        Dag(
            id="dag",
            name="DAG1",
            members=list(MEMBERS),
            witness="fsw",
            failover_intent=FailoverIntent.AUTOMATIC,
            anti_affinity=True,
            dac_mode=True,
        ),
        MailboxDatabase(
            id="db1",
            name="DB01",
            dag="dag",
            copies=copies(("mbx1", 1), ("mbx2", 2), ("mbx3", 3), ("mbx4", 4)),
        ),
        MailboxDatabase(
            id="db2",
            name="DB02",
            dag="dag",
            copies=copies(("mbx3", 1), ("mbx4", 2), ("mbx1", 3), ("mbx2", 4)),
        ),
    ]
    return elements


def edit(elements: list[ElementBase], element_id: str, **changes: Any) -> list[ElementBase]:
    """The elements with one of them changed (validated, like an edit in the app)."""
    result = []
    for element in elements:
        if element.id == element_id:
            data = element.model_dump()
            data.update(changes)
            element = type(element).model_validate(data)
        result.append(element)
    assert any(e.id == element_id for e in elements), element_id
    return result


def drop(elements: list[ElementBase], *ids: str) -> list[ElementBase]:
    return [e for e in elements if e.id not in ids]


def add(elements: list[ElementBase], *new: ElementBase) -> list[ElementBase]:
    return [*elements, *new]


def design(elements: list[ElementBase]) -> Design:
    """A structurally valid design of ``elements`` (asserted)."""
    result = Design(elements=elements)
    assert structural_errors(result) == []
    return result


def findings(elements: list[ElementBase] | Design, code: str) -> list[Finding]:
    """The active findings of one rule on a design."""
    target = elements if isinstance(elements, Design) else design(elements)
    return [f for f in check(target, codes=[code]).active if f.code == code]
