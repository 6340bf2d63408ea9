"""The report's roll-ups that no single mode gives: per ESXi host (the active databases
and mailboxes of the members it runs, normal and worst per kind of mode) and per log
LUN (the copies whose logs it holds, and the hours until it fills).

Both run once per sizing over every mode or every copy (16,000 copies, ~300 modes at
25k), so each walks what changed rather than recomputing from scratch; integer sums
and the log rates' float sums in the order they always had, so the figures are those
of a full recomputation (``tests/capacity/test_capacity_fast_path.py``,
``tests/capacity/test_report_rollups.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Iterator, Mapping
from operator import itemgetter
from typing import NamedTuple

from designer.capacity.engine import MemberLoad, ModeResult
from designer.capacity.flows import Flows
from designer.capacity.modes import Mode, ModeKind
from designer.capacity.report import HostReport, LogLunReport
from designer.domain.enums import DiskPurpose
from designer.simulation.prepared import Prepared
from designer.workload import Workload

__all__ = ["DagCopies", "copy_log_luns", "host_reports", "log_lun_reports"]

_LOGS = DiskPurpose.LOGS
_DATABASE = DiskPurpose.DATABASE


# -- ESXi hosts ---------------------------------------------------------------------------
def host_reports(
    prep: Prepared, base_members: dict[str, MemberLoad], results: list[ModeResult]
) -> list[HostReport]:
    """Each ESXi host's (active databases, active mailboxes) of the members it runs,
    normal and worst per kind: the first mode of the kind with the most mailboxes.

    A mode's figure for a host is normal operation's members' sum, less what the
    members the mode changed (``ModeResult.members``) brought there in normal
    operation, plus what those now on it bring: only the hosts each mode touches are
    computed, each from the members the mode changed on it. A failed host has none."""
    on_host: dict[str, list[str]] = defaultdict(list)
    for member, load in base_members.items():
        if load.host:
            on_host[load.host].append(member)
    base_sum: dict[str, tuple[int, int]] = {}
    for host_id, members in on_host.items():
        dbs = mbx = 0
        for m in members:
            load = base_members[m]
            dbs += load.active_databases
            mbx += load.active_mailboxes
        base_sum[host_id] = (dbs, mbx)

    def touched(result: ModeResult) -> dict[str, list[int]]:
        """Host → [active databases, active mailboxes] on it in ``result``, for every
        host a changed member runs on or ran on in normal operation."""
        found: dict[str, list[int]] = {}
        for m, load in result.members.items():
            base = base_members[m]
            was = base.host
            if was is not None:
                value = found.get(was)
                if value is None:
                    value = found[was] = list(base_sum.get(was, (0, 0)))
                if was in base_sum:  # it counted there in normal operation
                    value[0] -= base.active_databases
                    value[1] -= base.active_mailboxes
            now = load.host
            if now is not None:
                value = found.get(now)
                if value is None:
                    value = found[now] = list(base_sum.get(now, (0, 0)))
                value[0] += load.active_databases
                value[1] += load.active_mailboxes
        return found

    normal_touched = touched(results[0])
    normal: dict[str, tuple[int, int]] = {}
    for host_id in on_host:
        value = normal_touched.get(host_id)
        normal[host_id] = base_sum[host_id] if value is None else (value[0], value[1])
    # Per host and kind: the modes (in order) whose figure may differ from normal, with
    # it; per kind, the modes of the kind in order.
    special: dict[str, dict[ModeKind, list[tuple[int, tuple[int, int]]]]] = {}
    by_kind: dict[ModeKind, list[int]] = defaultdict(list)
    for number, result in enumerate(results[1:], start=1):
        kind = result.mode.kind
        by_kind[kind].append(number)
        changed = touched(result)
        failed = result.mode.failed or ()
        for host_id in failed:
            if host_id in on_host:
                changed[host_id] = [0, 0]  # a failed host has none
        for host_id, value in changed.items():
            if host_id not in on_host:
                continue
            per_kind = special.get(host_id)
            if per_kind is None:
                per_kind = special[host_id] = {}
            found = per_kind.get(kind)
            if found is None:
                per_kind[kind] = [(number, (value[0], value[1]))]
            else:
                found.append((number, (value[0], value[1])))
    reports: list[HostReport] = []
    none: dict[ModeKind, list[tuple[int, tuple[int, int]]]] = {}
    for host_id in sorted(on_host):
        of_host = special.get(host_id, none)
        usual = normal[host_id]
        worst: dict[ModeKind, tuple[Mode, tuple[int, int]]] = {}
        for kind, numbers in by_kind.items():
            # The first mode of the kind with the most mailboxes. Every mode of the kind
            # not listed for the host has normal operation's figure, so of those only
            # the first can be the first with the most. The listed ones come in order.
            candidates = of_host.get(kind)
            if candidates is None:
                best = (numbers[0], usual)
            else:
                if len(candidates) < len(numbers):
                    listed = {n for n, _v in candidates}
                    for number in numbers:
                        if number not in listed:
                            candidates = sorted([*candidates, (number, usual)])
                            break
                best = candidates[0]
                for candidate in candidates:
                    if candidate[1][1] > best[1][1]:
                        best = candidate
            worst[kind] = (results[best[0]].mode, best[1])
        reports.append(HostReport(prep.hosts[host_id], usual, worst))
    return reports


# -- log LUNs -----------------------------------------------------------------------------
class DagCopies(NamedTuple):
    """What the log LUNs read of the engine's :class:`Flows`: each database's copies'
    members, the Exchange 2007 clusters' databases, each DAG database's logs per hour
    and the figures' free share of a log LUN. A sized report keeps these for its
    deferred log LUNs, not the whole ``Flows`` (its ~8,000 streams at 25k) nor the
    workload (its 4,000 database loads): what a report keeps alive after the sizing,
    the first collection after it walks (the rates are one dict of floats, which the
    cyclic collector does not track)."""

    copy_members: dict[str, tuple[str, ...]]
    e2007: Container[str]
    #: DAG database → its logs' GB per hour (None: read from the workload).
    log_gb_per_hour: Mapping[str, float] | None = None
    log_lun_free_pct: float = 0.0

    @classmethod
    def of(cls, flows: Flows) -> DagCopies:
        return cls(flows.copy_members, flows.e2007, flows.log_gb_per_hour, flows.log_lun_free_pct)


def log_lun_reports(
    prep: Prepared, workload: Workload | None, flows: Flows | DagCopies | None = None
) -> list[LogLunReport]:
    """Each LUN holding the logs of a DAG database's copy (a database with at least two
    copies): its copies, the logs they write per hour, its free space and the hours
    until it fills while logs cannot truncate. One pass over each database's disks
    (``copy_log_luns`` inlined: 4,000 databases and 16,000 copies at 25k); each LUN's
    rate is the sum over its databases in the order it always had. ``flows`` (the
    engine's): its copies' members of those databases, in design order, instead of
    reading every database's copies again, and their log rates and the free share
    as it worked them out from its workload (``workload`` then unread: None will do)."""
    disks_of_db = prep.disks_of_db
    per_lun: dict[str, list[tuple[str, str]]] = {}
    for db_id, members in _dag_copies(prep, flows):
        disks = disks_of_db.get(db_id, ())
        # The usual layout first: one database disk per server holding a copy, its
        # logs beside it (every 25k database): each copy's LUN is its server's disk's.
        lun_of: dict[str, str] = {}
        for d in disks:
            if d.purpose is not _DATABASE or not d.lun or d.vm in lun_of:
                break
            lun_of[d.vm] = d.lun
        else:
            for member in members:
                lun = lun_of.get(member)
                if lun is None:
                    continue
                found = per_lun.get(lun)
                if found is None:
                    per_lun[lun] = [(db_id, member)]
                else:
                    found.append((db_id, member))
            continue
        logs: dict[str, set[str]] = {}
        data: dict[str, set[str]] = {}
        for d in disks:
            lun = d.lun
            if not lun:
                continue
            purpose = d.purpose
            if purpose == _LOGS:
                held = logs.get(d.vm)
                if held is None:
                    logs[d.vm] = {lun}
                else:
                    held.add(lun)
            elif purpose == _DATABASE:
                held = data.get(d.vm)
                if held is None:
                    data[d.vm] = {lun}
                else:
                    held.add(lun)
        if not logs and not data:
            continue
        for member in members:
            # Its log disks' LUNs, else (logs beside the database) its database disks'.
            held = logs.get(member) or data.get(member)
            if held is None:
                continue
            for lun_id in held if len(held) == 1 else sorted(held):
                found = per_lun.get(lun_id)
                if found is None:
                    per_lun[lun_id] = [(db_id, member)]
                else:
                    found.append((db_id, member))
    luns = prep.luns
    # ``database(db_id).log_gb_per_hour`` and ``lun_free_gb(lun_id)`` inlined (the same
    # operations): 4,000 databases and 1,600 LUNs at 25k.
    rates = flows.log_gb_per_hour if flows is not None else None
    if flows is not None and rates is not None:
        free_pct, rate_of = flows.log_lun_free_pct, rates.__getitem__
    else:
        if workload is None:
            raise ValueError("the log LUNs need a workload, or the engine's log rates")
        free_pct, rate_of = workload.figures.log_lun_free_pct, _Rates(workload).__getitem__
    reports: list[LogLunReport] = []
    for lun_id in sorted(per_lun):
        held_lun = luns.get(lun_id)
        if held_lun is None:
            continue
        copies_here = per_lun[lun_id]
        # sum() of the databases' rates over the set of its databases, built the same
        # way (one by one in the copies' order: the same set, iterated in the same
        # order), the lookups and the additions at C speed.
        rate: float = sum(map(rate_of, set(map(_first, copies_here))))
        free_gb = held_lun.free_gb
        if free_gb is not None:
            free, stated = free_gb, True
        else:
            free, stated = held_lun.size_gb * free_pct / 100.0, False
        hours = free / rate if rate > 0 else None
        reports.append(LogLunReport(held_lun, copies_here, rate, free, stated, hours))
    return reports


_first = itemgetter(0)


class _Rates(dict[str, float]):
    """Database → its logs' GB per hour (``Workload.database(db_id).log_gb_per_hour``,
    the same operation), each worked out when first asked for."""

    __slots__ = ("_database", "_loads")

    def __init__(self, workload: Workload) -> None:
        super().__init__()
        self._loads = workload.loads()
        self._database = workload.database

    def __missing__(self, db_id: str) -> float:
        load = self._loads.get(db_id) or self._database(db_id)
        value = self[db_id] = load.log_gb_per_day / 24.0
        return value


def _dag_copies(
    prep: Prepared, flows: Flows | DagCopies | None
) -> Iterator[tuple[str, Iterable[str]]]:
    """(database, its copies' members) of every DAG database with two copies or more,
    in design order."""
    if flows is not None:
        e2007 = flows.e2007  # Exchange 2007 clusters' databases: not in a DAG
        for db_id, members in flows.copy_members.items():
            if db_id not in e2007:
                yield db_id, members
        return
    for db_id, db in prep.dbs.items():
        copies = db.copies
        if db.dag and len(copies) >= 2:
            yield db_id, [c.member for c in copies]


def copy_log_luns(prep: Prepared, db_id: str) -> dict[str, list[str]]:
    """``Workload.log_luns(db_id, server)`` of each server holding a disk of the
    database (absent: none), in one pass over its disks as the simulator prepared them
    (a pydantic field read costs more than a plain one, and there are 16,000 copies at
    25k): its log disks' LUNs, else (logs beside the database) its database disks'."""
    logs: dict[str, set[str]] = {}
    data: dict[str, set[str]] = {}
    for d in prep.disks_of_db.get(db_id, ()):
        if not d.lun:
            continue
        if d.purpose == _LOGS:
            logs.setdefault(d.vm, set()).add(d.lun)
        elif d.purpose == _DATABASE:
            data.setdefault(d.vm, set()).add(d.lun)
    found = {vm: sorted(luns) for vm, luns in data.items() if vm not in logs}
    found.update((vm, sorted(luns)) for vm, luns in logs.items())
    return found
