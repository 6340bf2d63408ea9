"""A field's name in words (``memory_gb`` → "Memory", unit "GB") and an enum value's
(``vdp_advanced`` → "vSphere Data Protection Advanced"): the Inspector's labels and
choices and the review report's headings and cells say the same."""

from __future__ import annotations

__all__ = [
    "choice_hint",
    "choice_text",
    "field_heading",
    "field_label",
    "field_phrase",
    "kind_heading",
    "unit_of",
]

#: Field-name suffix → unit shown after the number (DOMAIN.md's units).
_UNITS = (
    ("_gb_per_hour", "GB/h"),
    ("_gb", "GB"),
    ("_mb", "MB"),
    ("_pct", "%"),
    ("_h", "h"),
    ("_ms", "ms"),
    ("_km", "km"),
    ("_mbps", "Mbit/s"),
    ("_min", "min"),
    ("_days", "days"),
    ("_s", "s"),
    ("_h", "h"),
)

_WORD_FIXES = {
    "vcpu": "vCPU", "cpu": "CPU", "ip": "IP", "rtt": "RTT", "dac": "DAC", "dns": "DNS",
    "ha": "HA", "drs": "DRS", "sp": "SP", "lun": "LUN", "vm": "VM", "vms": "VMs",
    "dag": "DAG", "cas": "CAS", "wan": "WAN", "flare": "FLARE", "raid": "RAID",
    "snapview": "SnapView", "a": "A", "b": "B", "mtbf": "MTBF", "mttr": "MTTR", "mb": "MB",
    "rpo": "RPO", "rto": "RTO",
}  # fmt: skip


def unit_of(name: str) -> str:
    """The unit a field's name promises (``memory_gb`` → ``GB``), or ``""``.

    Examples
    --------
    >>> unit_of("replay_lag_days"), unit_of("vcpu")
    ('days', '')
    """
    for suffix, unit in _UNITS:
        if name.endswith(suffix):
            return unit
    return ""


def _field_words(name: str) -> tuple[list[str], list[str]]:
    """The field name's words without its unit, as written and as read."""
    words = name.split("_")
    for suffix, _unit in _UNITS:
        tail = suffix.strip("_").split("_")
        if words[-len(tail) :] == tail and len(words) > len(tail):
            words = words[: -len(tail)]
            break
    return words, [_WORD_FIXES.get(w, w) for w in words]


def field_label(name: str) -> str:
    """The field's name in words, without its unit.

    Examples
    --------
    >>> field_label("change_rate_gb_per_hour"), field_label("dac_mode"), field_label("mtbf_h")
    ('Change rate', 'DAC mode', 'MTBF')
    """
    words, fixed = _field_words(name)
    if fixed[0] == words[0]:
        fixed[0] = fixed[0][:1].upper() + fixed[0][1:]
    text = " ".join(fixed)
    return {"Lb kind": "Kind"}.get(text, text)


def field_phrase(name: str) -> str:
    """The field's label inside a sentence ("virtual disk's LUN"): its words as the
    Inspector writes them, a first word that is not a name in lower case.

    Examples
    --------
    >>> field_phrase("alternate_witness"), field_phrase("cas_arrays"), field_phrase("lun")
    ('alternate witness', 'CAS arrays', 'LUN')
    """
    return " ".join(_field_words(name)[1])


def field_heading(name: str) -> str:
    """A table column's heading for the field: its label and unit.

    Examples
    --------
    >>> field_heading("memory_gb"), field_heading("cpu_cores"), field_heading("rtt_ms")
    ('Memory (GB)', 'CPU cores', 'RTT (ms)')
    """
    unit = unit_of(name)
    return f"{field_label(name)} ({unit})" if unit else field_label(name)


_CHOICE_TEXT = {
    "sync": "MirrorView/S", "async": "MirrorView/A", "vmdk_vmfs": "VMDK on VMFS",
    "rdm_physical": "RDM (physical)", "rdm_virtual": "RDM (virtual)", "nas": "NAS / NFS",
    "fc": "Fibre Channel", "iscsi": "iSCSI", "vdp_advanced": "vSphere Data Protection Advanced",
    "vcb_proxy": "VCB proxy", "in_guest_agent": "In-guest agent",
    "array_snapshot": "Array snapshot (VSS)", "array_clone": "Array clone (VSS)",
    "lcr": "LCR", "ccr": "CCR", "scr": "SCR", "scc": "SCC / MSCS",
    "dns_round_robin": "Round-robin DNS", "edge": "vCNS Edge", "geographic": "Geographic / global",
    "x_large": "X-Large", "dag_ip_update": "DAG IP update", "dns_update": "DNS update",
    "witness_update": "Witness update", "nfs_export": "NFS export",
    "vmfs_datastore": "VMFS datastore", "rdm": "RDM", "witness_only": "Witness only",
    "client_access": "Client Access", "hub_transport": "Hub Transport",
    "edge_transport": "Edge Transport", "unified_messaging": "Unified Messaging",
    "domain_controller": "Domain controller", "file_share_witness": "File share witness",
    "vcenter": "vCenter", "srm_server": "SRM server", "backup_proxy": "Backup proxy",
    "mailbox": "Mailbox", "L4": "Layer 4", "L7": "Layer 7", "os": "OS",
}  # fmt: skip


def choice_text(value: str) -> str:
    """How an enum value reads in a combo box and in the review report
    (``rdm_physical`` → ``RDM (physical)``).

    Examples
    --------
    >>> choice_text("sync"), choice_text("production")
    ('MirrorView/S', 'Production')
    """
    text = _CHOICE_TEXT.get(value)
    if text is None:
        text = value.replace("_", " ")
        text = text[:1].upper() + text[1:]
    return text


def kind_heading(label: str) -> str:
    """An element kind's label as a heading: a lowercase first word capitalised, a
    product name kept as it is written.

    Examples
    --------
    >>> kind_heading("storage array"), kind_heading("vSphere cluster"), kind_heading("VM")
    ('Storage array', 'vSphere cluster', 'VM')
    """
    first = label.split(" ", 1)[0]
    return label[:1].upper() + label[1:] if first.islower() else label


#: What a choice means where its consequence surprises (field, value) → the Inspector's
#: note under the field. A DAG's site failover intent: a newcomer who put the witness in
#: a third site, as DAG013 asks, still saw a member site's loss wait for a datacenter
#: switchover under Manual, a new DAG's intent, with nothing saying why (eyes27 item 4).
#: 000 §5.1.1: "a failover can occur automatically at the database or server level",
#: while activating the DR facility may be "a conscious decision"; 000 §5.3.1 Fig. 12:
#: with automated failover, a site's loss fails over by itself when a DAG node can
#: access the file share witness.
_CHOICE_HINTS = {
    ("failover_intent", "manual"): (
        "Manual: a member site's loss waits for an administrator's datacenter switchover, "
        "even with quorum kept by a witness in a third site. Automatic fails over by itself."
    ),
    ("failover_intent", "automatic"): (
        "Automatic: a member site's loss fails over by itself while the other site keeps "
        "quorum (a witness in a third site: DAG001). Manual waits for a datacenter "
        "switchover."
    ),
}


def choice_hint(name: str, value: str) -> str:
    """What choosing ``value`` for the field ``name`` does, when that needs saying
    (the Inspector shows it under the field), else ``""``.

    Examples
    --------
    >>> choice_hint("failover_intent", "manual").split(":")[0], choice_hint("role", "x")
    ('Manual', '')
    """
    return _CHOICE_HINTS.get((name, value), "")
