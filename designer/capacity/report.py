"""The capacity report: per link, member, ESXi host, log LUN and MirrorView/A mirror,
normal operation and the worst mode, as JSON (the CLI's shape) and as text."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from designer.capacity.engine import LinkFigures, LinkKey, MemberLoad
from designer.capacity.modes import KIND_TEXT, NORMAL, Mode, ModeKind
from designer.capacity.once import Once
from designer.domain.design import Design
from designer.domain.elements import EsxiHost, Lun, Mirror, VirtualMachine, WanLink
from designer.domain.words import plural
from designer.workload import Figures, LinkLoad, assumed_label, stream_label

__all__ = [
    "CapacityReport",
    "Deferred",
    "HostReport",
    "LinkReport",
    "LogLunReport",
    "MemberReport",
    "MirrorReport",
    "ModeLoad",
    "ModeLoads",
    "Sizing",
]

_T = TypeVar("_T")

#: Member load kinds in the order the calculator lists them.
LOAD_KINDS: tuple[ModeKind, ...] = ("single", "double", "site", "site_plus_one")


def _r(value: float, digits: int = 3) -> float | None:
    if math.isinf(value) or math.isnan(value):
        return None
    return round(value, digits)


@dataclass(frozen=True, slots=True)
class ModeLoad:
    """One link's two directions in one mode."""

    mode: Mode
    a_to_b: LinkFigures
    b_to_a: LinkFigures

    @property
    def utilisation(self) -> float:
        return max(self.a_to_b.utilisation, self.b_to_a.utilisation)


class Deferred(Once[list[_T]], Sequence[_T]):
    """Report parts worked out when first read (``build()``, once, whichever thread
    reads first: :class:`~designer.capacity.once.Once`), for the parts a sizing's
    readers do not all read: the log LUNs depend on the design and its workload only,
    not on any failure mode, and are the largest part of a sizing's report (16,000
    copies at 25k; read by the JSON, the text, the rules' CAP004 and the review
    report); the ESXi hosts are read by the JSON and the text only (not by the window,
    the rules or the review report). Compares equal to a list of the same values."""

    __slots__ = ()

    @overload
    def __getitem__(self, index: int) -> _T: ...

    @overload
    def __getitem__(self, index: slice) -> list[_T]: ...

    def __getitem__(self, index: int | slice) -> _T | list[_T]:
        return self._value()[index]

    def __len__(self) -> int:
        return len(self._value())

    def __iter__(self) -> Iterator[_T]:
        return iter(self._value())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Deferred):
            return self._value() == other._value()
        if isinstance(other, list):
            return self._value() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-like, as the list it stands for

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._value()!r})"


class ModeLoads(Deferred[ModeLoad]):
    """One link's figures in every failure mode evaluated for it, in evaluation order,
    made when first read: only ``--mode all`` and the Capacity dock's chart of one link
    read them, and a 25k sizing has ~300 modes for each of its links (8,300 objects,
    ~7 ms, that the rules, the plain report and the window's other parts never read).

    ``figures``: (mode, its link figures) of each mode with link figures (a mode searched
    for server loads only has none), shared by every link of a report. Compares equal to
    a list of the same :class:`ModeLoad` values."""

    __slots__ = ()

    def __init__(
        self, link_id: str, figures: Sequence[tuple[Mode, Mapping[LinkKey, LinkFigures]]]
    ) -> None:
        a_key: LinkKey = (link_id, "a_to_b")
        b_key: LinkKey = (link_id, "b_to_a")
        # The closure lets go of the other links' figures once these are out.
        super().__init__(
            lambda: [ModeLoad(mode, values[a_key], values[b_key]) for mode, values in figures]
        )


@dataclass
class LinkReport:
    """One WAN link's load: normal operation, the worst failure mode and every mode evaluated."""

    link: WanLink
    normal: ModeLoad
    worst: ModeLoad | None
    #: Every failure mode evaluated (for ``--mode all`` and the Capacity dock).
    modes: Sequence[ModeLoad]
    #: Normal operation's streams per direction (all links), for the detail (summed
    #: when first read: see ``CapacityEngine.evaluate``'s ``keep_streams``).
    loads: Mapping[LinkKey, LinkLoad]

    def over_budget_normal(self) -> bool:
        return self.normal.utilisation > 1.0 + 1e-9

    def over_budget_worst(self) -> bool:
        return self.worst is not None and self.worst.utilisation > 1.0 + 1e-9

    def streams(self, way: str) -> list[dict[str, Any]]:
        load = self.loads.get((self.link.id, way))  # type: ignore[arg-type]
        return load.grouped() if load is not None else []


@dataclass(frozen=True, slots=True)
class Sizing:
    """What a member needs in a mode against what it has."""

    megacycles: float
    megacycles_available: float
    memory_gb: float
    memory_available_gb: float

    @property
    def cpu_pct(self) -> float:
        if self.megacycles_available <= 0:
            return math.inf if self.megacycles > 0 else 0.0
        return 100.0 * self.megacycles / self.megacycles_available

    @property
    def memory_pct(self) -> float:
        if self.memory_available_gb <= 0:
            return math.inf if self.memory_gb > 0 else 0.0
        return 100.0 * self.memory_gb / self.memory_available_gb

    @property
    def over(self) -> bool:
        return self.cpu_pct > 100.0 + 1e-9 or self.memory_pct > 100.0 + 1e-9


@dataclass
class MemberReport:
    """One DAG member's load in normal operation and its worst mode of each kind."""

    vm: VirtualMachine
    normal: MemberLoad
    #: Worst load per mode kind ("single", "double", "site", "site_plus_one").
    worst_by_kind: dict[ModeKind, tuple[Mode, MemberLoad]] = field(default_factory=dict)

    @property
    def worst(self) -> tuple[Mode, MemberLoad] | None:
        """The heaviest mode: normal operation unless a failure mode of some kind is
        heavier (ties: normal, then the calculator's order of kinds)."""
        best: tuple[Mode, MemberLoad] | None = (NORMAL, self.normal)
        for kind in LOAD_KINDS:
            found = self.worst_by_kind.get(kind)
            if found is not None and (best is None or found[1].rank > best[1].rank):
                best = found
        return best

    def sizing(self, load: MemberLoad, figures: Figures) -> Sizing:
        available = self.vm.vcpu * figures.megacycles_per_vcpu * figures.max_cpu_pct / 100.0
        return Sizing(load.megacycles, available, load.memory_gb, self.vm.memory_gb)


@dataclass
class HostReport:
    """One ESXi host's share of its DAG members' active databases and mailboxes."""

    host: EsxiHost
    #: (active databases, active mailboxes) of the DAG members it runs.
    normal: tuple[int, int]
    worst_by_kind: dict[ModeKind, tuple[Mode, tuple[int, int]]] = field(default_factory=dict)

    @property
    def worst(self) -> tuple[Mode, tuple[int, int]] | None:
        best: tuple[Mode, tuple[int, int]] | None = (NORMAL, self.normal)
        for kind in LOAD_KINDS:
            found = self.worst_by_kind.get(kind)
            if found is not None and (best is None or found[1][1] > best[1][1]):
                best = found
        return best


@dataclass
class LogLunReport:
    """One log LUN: the copies whose logs it holds and how soon they fill it."""

    lun: Lun
    #: (database, member) of each copy whose logs it holds.
    copies: list[tuple[str, str]]
    gb_per_hour: float
    free_gb: float
    free_stated: bool
    hours_to_full: float | None


@dataclass
class MirrorReport:
    """One mirror's recovery point in normal operation and in its worst mode."""

    mirror: Mirror
    normal_rpo_s: float | None
    worst: tuple[Mode, float] | None


@dataclass
class CapacityReport:
    """The capacity sizing of a design: links, members, hosts, log LUNs and mirrors."""

    design: Design
    figures: Figures
    modes: str
    links: list[LinkReport]
    members: list[MemberReport]
    #: :class:`Deferred` when the report comes from a sizing (built when first read).
    hosts: Sequence[HostReport]
    log_luns: Sequence[LogLunReport]
    mirrors: list[MirrorReport]
    evaluated: list[Mode]
    skipped_elements: int = 0
    cancelled: bool = False
    pairs_examined: int = 0
    pairs_simulated: int = 0
    truncated: bool = False
    workload_notes: list[str] = field(default_factory=list)

    # -- lookups ---------------------------------------------------------------------------
    def link(self, key: str) -> LinkReport:
        for report in self.links:
            if key in (report.link.id, report.link.name):
                return report
        raise KeyError(key)

    def member(self, key: str) -> MemberReport:
        for report in self.members:
            if key in (report.vm.id, report.vm.name):
                return report
        raise KeyError(key)

    @property
    def assumptions(self) -> list[str]:
        return list(self.figures.assumptions)

    # -- JSON ------------------------------------------------------------------------------
    def to_json(self, *, all_modes: bool = False) -> dict[str, Any]:
        """``{"links": [...], "members": [...], "log_luns": [...]}`` (issue 11's shape),
        plus ``hosts`` and ``notes``; ``all_modes`` adds every evaluated mode per link
        and member."""
        names = {e.id: e.name for e in self.design.elements}
        data: dict[str, Any] = {
            "links": [self._link_json(r, names, all_modes) for r in self.links],
            "members": [self._member_json(r, all_modes) for r in self.members],
            "log_luns": [
                {
                    "id": r.lun.id,
                    "name": r.lun.name,
                    "hours_to_full": _r(r.hours_to_full, 2)
                    if r.hours_to_full is not None
                    else None,
                    "log_gb_per_hour": _r(r.gb_per_hour, 4),
                    "free_gb": _r(r.free_gb, 2),
                    "free_stated": r.free_stated,
                    "databases": sorted({names.get(d, d) for d, _ in r.copies}),
                }
                for r in self.log_luns
            ],
            "hosts": [
                {
                    "id": r.host.id,
                    "name": r.host.name,
                    "normal": {"active_databases": r.normal[0], "active_mailboxes": r.normal[1]},
                    "worst": (
                        {
                            "active_databases": w[1][0],
                            "active_mailboxes": w[1][1],
                            "mode": w[0].label,
                        }
                        if self.modes == "all" and (w := r.worst) is not None
                        else None
                    ),
                }
                for r in self.hosts
            ],
            "mirrorview_a": [
                {
                    "id": r.mirror.id,
                    "name": r.mirror.name,
                    "normal_rpo_s": _r(r.normal_rpo_s, 1) if r.normal_rpo_s is not None else None,
                    "worst": (
                        {"rpo_s": _r(r.worst[1], 1), "mode": r.worst[0].label}
                        if r.worst is not None
                        else None
                    ),
                }
                for r in self.mirrors
            ],
            "notes": self.notes(),
        }
        return data

    def _direction_json(
        self, fig: LinkFigures, streams: list[dict[str, Any]] | None, names: dict[str, str]
    ) -> dict[str, Any]:
        queue_logs, behind = fig.copy_queue(self.figures.log_bytes_default)
        out: dict[str, Any] = {
            "mbps": _r(fig.mbps),
            "utilisation": _r(fig.utilisation, 4),
            "by_kind": {k: _r(v) for k, v in fig.by_kind.items() if not k.startswith("_")},
            "copy_queue_logs": round(queue_logs),
            "copy_behind_s": _r(behind, 1),
        }
        if streams is not None:
            out["streams"] = [
                {
                    "kind": s["kind"],
                    "label": stream_label(s["kind"], names.get(s["group"], s["group"])),
                    "group": s["group"],
                    "from_site": s["from_site"],
                    "to_site": s["to_site"],
                    "mbps": _r(s["mbps"]),
                    "count": s["count"],
                    **({"volume_gb": _r(s["volume_gb"])} if s["volume_gb"] else {}),
                }
                for s in streams
            ]
        return out

    def _mode_json(
        self, load: ModeLoad, names: dict[str, str], report: LinkReport | None
    ) -> dict[str, Any]:
        a = self._direction_json(load.a_to_b, report.streams("a_to_b") if report else None, names)
        b = self._direction_json(load.b_to_a, report.streams("b_to_a") if report else None, names)
        data: dict[str, Any] = {
            "a_to_b_mbps": a["mbps"],
            "b_to_a_mbps": b["mbps"],
            "utilisation": _r(load.utilisation, 4),
            "a_to_b": a,
            "b_to_a": b,
        }
        if report is not None:
            data["streams"] = [
                {**s, "direction": way}
                for way, d in (("a_to_b", a), ("b_to_a", b))
                for s in d["streams"]
            ]
        return data

    def _link_json(self, r: LinkReport, names: dict[str, str], all_modes: bool) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": r.link.id,
            "name": r.link.name,
            "bandwidth_mbps": r.link.bandwidth_mbps,
            "site_a": r.link.site_a,
            "site_b": r.link.site_b,
            "normal": self._mode_json(r.normal, names, r),
            "worst": None,
        }
        if r.worst is not None:
            worst = self._mode_json(r.worst, names, None)
            worst["streams"] = [
                {"kind": k, "direction": way, "mbps": _r(v)}
                for way, fig in (("a_to_b", r.worst.a_to_b), ("b_to_a", r.worst.b_to_a))
                for k, v in fig.by_kind.items()
                if not k.startswith("_")
            ]
            worst["mode"] = r.worst.mode.label
            worst["mode_key"] = r.worst.mode.key
            data["worst"] = worst
        if all_modes:
            data["modes"] = [
                {
                    "mode": m.mode.label,
                    "mode_key": m.mode.key,
                    "kind": m.mode.kind,
                    "a_to_b_mbps": _r(m.a_to_b.mbps),
                    "b_to_a_mbps": _r(m.b_to_a.mbps),
                }
                for m in r.modes
            ]
        return data

    def _load_json(self, r: MemberReport, load: MemberLoad) -> dict[str, Any]:
        sizing = r.sizing(load, self.figures)
        return {
            "active_databases": load.active_databases,
            "active_mailboxes": load.active_mailboxes,
            "passive_mailboxes": load.passive_mailboxes,
            "up": load.up,
            "megacycles": _r(load.megacycles, 1),
            "cpu_pct": _r(sizing.cpu_pct, 1),
            "memory_gb": _r(load.memory_gb, 2),
            "memory_pct": _r(sizing.memory_pct, 1),
        }

    def _member_json(self, r: MemberReport, all_modes: bool) -> dict[str, Any]:
        worst = r.worst if self.modes == "all" else None
        data: dict[str, Any] = {
            "id": r.vm.id,
            "name": r.vm.name,
            "vcpu": r.vm.vcpu,
            "memory_gb": r.vm.memory_gb,
            "normal": self._load_json(r, r.normal),
            "worst": {**self._load_json(r, worst[1]), "mode": worst[0].label, "kind": worst[0].kind}
            if worst is not None
            else None,
            "worst_by_kind": {
                kind: {**self._load_json(r, load), "mode": mode.label}
                for kind, (mode, load) in r.worst_by_kind.items()
            },
        }
        if all_modes:
            data["modes"] = sorted(data["worst_by_kind"])
        return data

    def _searched(self, member: MemberReport, kind: ModeKind) -> str:
        """What a member's worst double (site-plus-one) failure was searched among, when
        it is lighter than its worst single failure (site loss): only the pairs
        predicted to load some member most are simulated, and a reader takes "worst"
        for the worst."""
        alone: ModeKind
        if kind == "double":
            alone = "single"
        elif kind == "site_plus_one":
            alone = "site"
        else:
            return ""
        pair, single = member.worst_by_kind.get(kind), member.worst_by_kind.get(alone)
        if pair is None or single is None or pair[1].rank >= single[1].rank:
            return ""
        return (
            f" (the heaviest of the {self.pairs_simulated} pairs simulated, not of every "
            f"pair: lighter than its worst {KIND_TEXT[alone]})"
        )

    def notes(self) -> list[str]:
        notes = list(self.workload_notes)
        # The figure's name in words, as the dock's and the report's (not its key).
        for key, _, source in (a.partition(": ") for a in self.assumptions):
            notes.append(f"assumption: {assumed_label(key)}: {source}")
        if self.skipped_elements:
            one = self.skipped_elements == 1
            notes.append(
                f"{plural(self.skipped_elements, 'swept element')} whose loss changes no stream or "
                "active database (load balancers, CAS arrays, single storage processors, "
                "hosts and arrays without Exchange servers or mirrored LUNs) "
                f"{'is' if one else 'are'} not listed"
            )
        if self.pairs_examined:
            # None simulated: the parenthesis after "0" read as describing the 0 (eyes21 #3).
            simulated = (
                f"{self.pairs_simulated} simulated (those predicted to load a member most)"
                if self.pairs_simulated
                else "none simulated: no pair is predicted to add mailboxes to a member"
            )
            notes.append(
                f"double and site-plus-one failures: {self.pairs_examined:,} pairs ranked by the "
                f"activation preferences, {simulated}"
                + ("; the candidates per DAG were capped" if self.truncated else "")
            )
        if self.cancelled:
            notes.append("cancelled: the failure modes were not all evaluated")
        return notes

    # -- text ------------------------------------------------------------------------------
    def to_text(self, *, all_modes: bool = False) -> str:
        names = {e.id: e.name for e in self.design.elements}
        lines: list[str] = []
        if self.links:
            lines.append("WAN links (Mbit/s needed, each direction; bandwidth per direction)")
        else:
            lines.append("WAN links: none in this design")
        for r in self.links:
            a, b = names.get(r.link.site_a, r.link.site_a), names.get(r.link.site_b, r.link.site_b)
            lines.append(f"  {r.link.name} ({a} ↔ {b}), {r.link.bandwidth_mbps:,g} Mbit/s")
            lines.append(
                f"    normal: {a}→{b} {r.normal.a_to_b.mbps:.1f}, "
                f"{b}→{a} {r.normal.b_to_a.mbps:.1f} ({_pct(r.normal.utilisation)})"
                + ("  OVER BUDGET" if r.over_budget_normal() else "")
            )
            for way in ("a_to_b", "b_to_a"):
                for s in r.streams(way):
                    what = stream_label(s["kind"], names.get(s["group"], s["group"]))
                    lines.append(
                        f"      {names.get(s['from_site'], '')}→{names.get(s['to_site'], '')} "
                        f"{what}: {s['mbps']:.2f}"
                        + (f" ({s['count']} streams)" if s["count"] > 1 else "")
                    )
            if r.worst is not None and r.worst.mode.kind == "normal":
                # ("worst: normal operation: …" read as if normal operation were a
                # failure mode, its figures the same as the line above.)
                lines.append(f"    worst: {NO_WORSE}")
            elif r.worst is not None:
                lines.append(
                    f"    worst: {r.worst.mode.label}: {a}→{b} {r.worst.a_to_b.mbps:.1f}, "
                    f"{b}→{a} {r.worst.b_to_a.mbps:.1f} ({_pct(r.worst.utilisation)})"
                    + ("  OVER BUDGET" if r.over_budget_worst() else "")
                )
            if all_modes:
                for m in r.modes:
                    lines.append(f"      {m.mode.label}: {m.a_to_b.mbps:.1f} / {m.b_to_a.mbps:.1f}")
        if self.mirrors:
            lines.append("MirrorView/A (RPO from the link's share)")
            for mirror in self.mirrors:
                normal = "-" if mirror.normal_rpo_s is None else _minutes(mirror.normal_rpo_s)
                tail = (
                    ""
                    if mirror.worst is None
                    else f"; {NO_WORSE}"
                    if mirror.worst[0].kind == "normal"
                    else f"; worst {_minutes(mirror.worst[1])} ({mirror.worst[0].label})"
                )
                lines.append(f"  {mirror.mirror.name}: {normal}{tail}")
        if self.members:
            lines.append(
                "Mailbox servers (active databases / mailboxes; CPU and memory of the sizing)"
            )
        else:
            # (the heading stood alone: the SRM template's servers hold no database)
            lines.append("Mailbox servers: none in this design holds a mailbox database")
        for member in self.members:
            sizing = member.sizing(member.normal, self.figures)
            lines.append(
                f"  {member.vm.name} ({member.vm.vcpu} vCPU, {member.vm.memory_gb:g} GB): normal "
                f"{member.normal.active_databases} / {member.normal.active_mailboxes:,} "
                f"(CPU {_pct(sizing.cpu_pct / 100)}, memory {_pct(sizing.memory_pct / 100)})"
                + ("  OVER SIZING" if sizing.over else "")
            )
            for kind in LOAD_KINDS:
                found = member.worst_by_kind.get(kind)
                if found is None:
                    continue
                mode, load = found
                searched = self._searched(member, kind)
                if mode.kind == "normal":
                    lines.append(
                        f"    worst {KIND_TEXT[kind]}: none heavier than normal operation"
                        + searched
                    )
                    continue
                need = member.sizing(load, self.figures)
                lines.append(
                    f"    worst {KIND_TEXT[kind]}: {load.active_databases} / "
                    f"{load.active_mailboxes:,} (CPU {_pct(need.cpu_pct / 100)}, memory "
                    f"{_pct(need.memory_pct / 100)}) — {mode.label}"
                    + searched
                    + ("  OVER SIZING" if need.over else "")
                )
        if self.hosts:
            lines.append("ESXi hosts (active databases / mailboxes of the mailbox servers on them)")
            for h in self.hosts:
                # Only a sizing of every mode knows a host's worst (as in the JSON).
                worst = h.worst if self.modes == "all" else None
                tail = (
                    ""
                    if not worst
                    else f"; {NO_WORSE}"
                    if worst[0].kind == "normal"
                    else f"; worst {worst[1][0]} / {worst[1][1]:,} — {worst[0].label}"
                )
                lines.append(f"  {h.host.name}: normal {h.normal[0]} / {h.normal[1]:,}{tail}")
        if self.log_luns:
            lines.append("Log LUNs (hours until full while logs cannot truncate)")
            for lun in self.log_luns:
                hours = "-" if lun.hours_to_full is None else f"{lun.hours_to_full:.1f} h"
                free = f"{lun.free_gb:g} GB free" + ("" if lun.free_stated else " (assumed)")
                lines.append(
                    f"  {lun.lun.name}: {hours} ({free}, {lun.gb_per_hour:.3f} GB/h of logs)"
                )
        for note in self.notes():
            lines.append(f"note: {note}")
        return "\n".join(lines) + "\n"


#: The text's worst case when no failure mode sized is heavier than normal operation.
NO_WORSE = "no failure mode is worse than normal operation"


def _pct(fraction: float) -> str:
    if math.isinf(fraction):
        return "∞ %"
    return f"{fraction * 100:.0f} %"


def _minutes(seconds: float) -> str:
    if math.isinf(seconds):
        return "never (the link cannot keep up)"
    return f"{seconds / 60:.1f} min"
