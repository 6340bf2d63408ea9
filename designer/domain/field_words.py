"""A field's name in words (``memory_gb`` → "Memory", unit "GB"): the Inspector's labels
and the review report's column headings say the same."""

from __future__ import annotations

__all__ = ["field_heading", "field_label", "unit_of"]

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


def field_label(name: str) -> str:
    """The field's name in words, without its unit.

    Examples
    --------
    >>> field_label("change_rate_gb_per_hour"), field_label("dac_mode"), field_label("mtbf_h")
    ('Change rate', 'DAC mode', 'MTBF')
    """
    words = name.split("_")
    for suffix, _unit in _UNITS:
        tail = suffix.strip("_").split("_")
        if words[-len(tail) :] == tail and len(words) > len(tail):
            words = words[: -len(tail)]
            break
    fixed = [_WORD_FIXES.get(w, w) for w in words]
    if fixed[0] == words[0]:
        fixed[0] = fixed[0][:1].upper() + fixed[0][1:]
    text = " ".join(fixed)
    return {"Lb kind": "Kind"}.get(text, text)


def field_heading(name: str) -> str:
    """A table column's heading for the field: its label and unit.

    Examples
    --------
    >>> field_heading("memory_gb"), field_heading("cpu_cores"), field_heading("rtt_ms")
    ('Memory (GB)', 'CPU cores', 'RTT (ms)')
    """
    unit = unit_of(name)
    return f"{field_label(name)} ({unit})" if unit else field_label(name)
