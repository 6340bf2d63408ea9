"""Variants of a design that several test folders ask for (importable from any of them,
as ``gui_door`` is)."""

from __future__ import annotations

import json
from pathlib import Path

from designer.domain import Design, MailboxDatabase

__all__ = ["hartford_in_ha", "without_mailboxes"]

THREE_SITE = (
    Path(__file__).resolve().parents[1] / "sample_designs" / "three_site_stretched_dag.json"
)


def without_mailboxes(design: Design) -> Design:
    """``design`` with every mailbox database stating no mailboxes (CAP006's info on
    each): no users to size, and a copy plan's new databases share none."""
    elements = [
        e.model_copy(update={"mailboxes": 0}) if isinstance(e, MailboxDatabase) else e
        for e in design.elements
    ]
    return design.model_copy(update={"elements": elements})


def hartford_in_ha(folder: Path) -> Path:
    """The three-site sample, written in ``folder``, with Hartford's witness server
    HFD-FS01 in a vSphere HA cluster of two hosts (the sample's esx-hfd-01 is in none:
    HA cannot restart it there), so that esx-hfd-01's failure restarts the witness."""
    data = json.loads(THREE_SITE.read_text(encoding="utf-8"))
    elements = data["design"]["elements"]
    (host,) = [e for e in elements if e["id"] == "esx-hfd-01"]
    host["cluster"] = "cl-hfd"
    elements.append({**host, "id": "esx-hfd-02", "name": "esx-hfd-02"})
    elements.append(
        {
            "id": "cl-hfd",
            "kind": "vsphere_cluster",
            "name": "HFD-WITNESS",
            "site": "site-hfd",
            "ha_enabled": True,
            "drs_enabled": True,
            "vm_monitoring": True,
            "host_failures_tolerated": 1,
        }
    )
    path = folder / "hartford-ha.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
