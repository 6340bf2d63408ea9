"""Which double failures and site-plus-one failures to simulate for member loads.

Every pair of elements is too many to simulate on a large design. For each DAG, each
single failure's settled state says which members it leaves unable to take a database
(down, restarting, cut off from the quorum) and which copies it destroys. Combining two
of them and applying the activation preferences *predicts* where each database would
go; the pair predicted to load each member most is then simulated, and only the
simulated figures are reported. A pair whose prediction would be wrong can only be
missed, never misreported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import itemgetter
from typing import Any, Final
from weakref import WeakKeyDictionary

from designer.capacity.modes import ModeKind
from designer.simulation import Settled
from designer.simulation.prepared import Prepared

__all__ = ["DagImpact", "DagPredictor", "dag_impacts"]

_VM = itemgetter(0)
_FIRST = itemgetter(0)
_NONE_LOST: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True, slots=True)
class DagImpact:
    """What one failure leaves a DAG: members that cannot take a database, lost copies."""

    quorum_lost: bool
    unusable: frozenset[str]
    lost: frozenset[tuple[str, str]]
    #: ``lost`` as ``dag_impacts`` found it, (member, the databases that lose their
    #: copy there) (``DagPredictor``'s classes read it); None for an impact made
    #: from its pairs. Not compared: ``lost`` says the same.
    lost_by_member: tuple[tuple[str, Sequence[str]], ...] | None = field(
        default=None, compare=False, repr=False
    )

    @property
    def signature(self) -> tuple[bool, frozenset[str], frozenset[tuple[str, str]]]:
        return (self.quorum_lost, self.unusable, self.lost)

    def lost_within(self, other: DagImpact) -> bool:
        """``self.lost <= other.lost``; by member where both were found by
        ``dag_impacts``: a member whose lost databases are the very same list in both
        (its every copy lost: a site's and its arrays' losses) needs no set walk."""
        mine, theirs = self.lost_by_member, other.lost_by_member
        if mine is None or theirs is None or len(self.lost) > len(other.lost):
            return self.lost <= other.lost
        of_other = dict(theirs)
        for member, dbs in mine:
            found = of_other.get(member)
            if found is dbs:
                continue
            if found is None and not dbs:
                continue
            return self.lost <= other.lost
        return True


def dag_impacts(prep: Prepared, settled: Settled) -> dict[str, DagImpact]:
    """Per DAG the failure touches, what it leaves (DAGs it does not touch are absent).

    A site's or an array's loss touches thousands of VMs and copies, of which only the
    DAG members' matter: the larger side of each lookup is walked (the members, or
    what the failure touched), and a member's lost "*" (its OS disk) adds its
    databases' pairs at C speed."""
    w = settled.world
    dags_of_vm = prep.dags_of_vm
    dags: set[str] = set()
    for vms in (w.touched_vms, w.vm_down, w.vm_restarted, w.vm_reset):
        if len(vms) > len(dags_of_vm):
            for vm, member_of in dags_of_vm.items():
                if vm in vms:
                    dags.update(member_of)
        else:
            # Each VM's DAGs looked up and added at C speed.
            dags.update(chain.from_iterable(filter(None, map(dags_of_vm.get, vms))))
    if w.sites_down or w.links_down:
        dags.update(prep.dags)
    base_dags = settled.base_dags
    for dag_id, dag_state in settled.dags.items():
        before = base_dags.get(dag_id) if base_dags else None
        # A DAG the failure left be keeps normal operation's very state: no
        # (dataclass, Python) comparison for it.
        if dag_state is not before and dag_state != before:
            dags.add(dag_id)
    # The VMs that lost a pair, gathered at C speed; a member's lost "*" (its OS disk:
    # every member a site's loss or an OS array's loss takes, ~2,000 pairs at 25k)
    # gives all its databases whatever else it lost, so the pairs are walked one by one
    # only when a member lost some without a "*" (a data array's loss).
    copy_lost, logs_lost = w.copy_lost, w.logs_lost
    lost_vms: set[str] = set(map(_VM, copy_lost))
    lost_vms.update(map(_VM, logs_lost))
    dags.update(chain.from_iterable(filter(None, map(dags_of_vm.get, lost_vms))))
    #: VM → the databases of its lost pairs (walked when a member needs them).
    lost_by_vm: defaultdict[str, list[str]] | None = None
    found: dict[str, DagImpact] = {}
    if not dags:
        return found
    sites_down, restarted, reset, down = w.sites_down, w.vm_restarted, w.vm_reset, w.vm_down
    relocated, vm_site = w.vm_relocated, prep.vm_site
    dbs_on_vm = prep.dbs_on_vm
    members_of = _dag_members(prep)
    for dag_id in sorted(dags):
        state = settled.dags.get(dag_id)
        quorum_lost = state is not None and not state.quorum
        quorum_sites = state.quorum_sites if state is not None and state.quorum else None
        members, member_set, member_sites = members_of[dag_id]
        # The members down, restarted or reset picked at C speed (``filter``);
        # each member's site looked at only when some site can rule one out (a site
        # down, a VM relocated, a quorum without some member's site).
        bad: set[str] = set()
        for vms in (down, restarted, reset):
            if vms:
                bad.update(filter(vms.__contains__, members))
        if (
            relocated
            or (sites_down and not member_sites.isdisjoint(sites_down))
            or (quorum_sites is not None and not member_sites.issubset(quorum_sites))
        ):
            for m in members:
                site = relocated.get(m) or vm_site.get(m)
                if site in sites_down or (quorum_sites is not None and site not in quorum_sites):
                    bad.add(m)
        # In the members' order, as a member-by-member walk adds them.
        unusable = [m for m in members if m in bad] if bad else []
        by_member: list[tuple[str, Sequence[str]]] = []
        for m in members if lost_vms and not member_set.isdisjoint(lost_vms) else ():
            if m not in lost_vms:
                continue
            if (m, "*") in copy_lost or (m, "*") in logs_lost:
                dbs: Sequence[str] = dbs_on_vm.get(m, ())
            else:
                if lost_by_vm is None:
                    lost_by_vm = defaultdict(list)
                    for pairs in (copy_lost, logs_lost):
                        for vm, db_id in pairs:
                            lost_by_vm[vm].append(db_id)
                dbs = lost_by_vm[m]
            by_member.append((m, dbs))
        # The pairs made straight into the frozenset, not a set copied into one (a
        # site's loss: ~2,000 pairs in each DAG it touches).
        lost = (
            frozenset(chain.from_iterable([zip(dbs, repeat(m)) for m, dbs in by_member]))
            if by_member
            else _NONE_LOST
        )
        if quorum_lost or unusable or lost:
            found[dag_id] = DagImpact(quorum_lost, frozenset(unusable), lost, tuple(by_member))
    return found


#: Prepared design → DAG → (its members, as a set, their sites (None for a member
#: without one)): the members' model field read once per design, not per failure.
_MEMBERS_OF: WeakKeyDictionary[
    Prepared, dict[str, tuple[tuple[str, ...], frozenset[str], frozenset[str | None]]]
] = WeakKeyDictionary()


def _dag_members(
    prep: Prepared,
) -> dict[str, tuple[tuple[str, ...], frozenset[str], frozenset[str | None]]]:
    found = _MEMBERS_OF.get(prep)
    if found is None:
        found = _MEMBERS_OF[prep] = {}
        for dag_id, dag in prep.dags.items():
            members = tuple(dag.members)
            found[dag_id] = (
                members,
                frozenset(members),
                frozenset([prep.vm_site.get(m) for m in members]),
            )
    return found


class DagPredictor:
    """Activation by preference among the copies a set of failures leaves usable."""

    def __init__(
        self,
        prep: Prepared,
        dag_id: str,
        active: dict[str, str | None],
        mailboxes_of: Mapping[str, Sequence[Any]] | None = None,
        impacts: Sequence[DagImpact] | None = None,
    ) -> None:
        """``mailboxes_of``: database → a sequence whose first item is its mailbox count
        (the workload's loads, read as a sizing reads them); its model's field when
        not given.

        ``impacts``: the failures the predictor will be asked about. Given, databases
        that no prediction can tell apart — the same member active, the same copies'
        servers and lags by preference, and the same copies lost in each of
        ``impacts`` — are one database of their summed mailboxes (a *class*: at 25k,
        16 per DAG of 400 databases), named by the first of them; ``classed`` then
        lists ``impacts`` with their lost copies as the classes' (what to ask about).
        Every prediction's loads are the same integer sums as database by database."""
        self.members = list(prep.dags[dag_id].members)
        self.mailboxes: dict[str, int] = {}
        self.active: dict[str, str | None] = {}
        self.active_on: dict[str, list[str]] = defaultdict(list)
        #: Database → the members of its copies that are not lagged, by preference (where
        #: it can go).
        self.candidates: dict[str, tuple[str, ...]] = {}
        #: Database → its copies' (member, replay lag in days) by activation preference,
        #: then member (the simulator's ``servers_of``, worked out once per design).
        self._servers: dict[str, tuple[tuple[str, float], ...]] = {}
        self._copies: dict[str, list[tuple[str, bool]]] | None = None
        self.base: dict[str, int] = dict.fromkeys(self.members, 0)
        #: Member → the databases active on it grouped by their ``candidates`` (at 25k
        #: every database active on a member has the same: 160 groups of 4,000
        #: databases): (candidates, the databases, their mailboxes), in the order the
        #: groups first come.
        self._groups: dict[str, dict[tuple[str, ...], tuple[list[str], list[int]]]] = {}
        servers_here, candidates = self._servers, self.candidates
        mailboxes, active_here, active_on = self.mailboxes, self.active, self.active_on
        base, groups = self.base, self._groups
        dbs, servers_of = prep.dbs, prep.servers_of
        #: Servers (with their lags) → the candidates: most databases share their
        #: copies' members and lags with many others (at 25k, 16 orders per DAG of 400
        #: databases), so each distinct tuple's candidates are worked out once.
        order_of: dict[tuple[tuple[str, float], ...], tuple[str, ...]] = {}
        # The simulator's tables rather than the models' fields where it keeps them
        # (``db.copies`` is truthy for the databases it lists copies' members of; the
        # servers worked out already by the sweep or an earlier sizing).
        members_of, known = prep.copy_members, prep.servers_known
        ids = prep.dbs_of_dag.get(dag_id, [])
        every_servers = [
            (known.get(db_id) or servers_of(dbs[db_id])) if db_id in members_of else ()
            for db_id in ids
        ]
        #: ``impacts`` with the classes' lost copies, in their order (see above).
        self.classed: list[DagImpact] = []
        rows: list[_Row]
        if impacts is None:
            rows = [
                (
                    db_id,
                    servers,
                    dbs[db_id].mailboxes if mailboxes_of is None else mailboxes_of[db_id][0],
                    active.get(db_id),
                )
                for db_id, servers in zip(ids, every_servers, strict=True)
            ]
        else:
            if mailboxes_of is None:
                mailboxes_of = {db_id: (dbs[db_id].mailboxes,) for db_id in ids}
            rows, self.classed = _classes(ids, every_servers, active, mailboxes_of, impacts)
        for db_id, servers, count, on in rows:
            servers_here[db_id] = servers
            order = order_of.get(servers)
            if order is None:
                order = order_of[servers] = tuple([m for m, lag in servers if not lag > 0])
            candidates[db_id] = order
            mailboxes[db_id] = count
            active_here[db_id] = on
            if on is not None:
                active_on[on].append(db_id)
                base[on] = base.get(on, 0) + count
                of_member = groups.get(on)
                if of_member is None:
                    of_member = groups[on] = {}
                group = of_member.get(order)
                if group is None:
                    of_member[order] = ([db_id], [count])
                else:
                    group[0].append(db_id)
                    group[1].append(count)
        #: Every member and every server holding a copy: once all are unusable, nothing
        #: is active anywhere.
        self.holders: set[str] = set(self.members)
        # Each distinct servers tuple once (the same members as every database's).
        self.holders.update([m for servers in order_of for m, _lag in servers])
        #: (database, the member it is active on) of each database, made at C speed (the
        #: items); a database active nowhere gives (database, None), which no lost copy
        #: equals.
        self._active_pairs = frozenset(active_here.items())
        self._alone: dict[object, _Alone] = {}
        #: id(impact) → (the impact, its ``_Alone``): the search asks for the same
        #: impact objects thousands of times, and a signature equal to one kept from
        #: another failure's equal impact is compared set by set (a site's or an
        #: array's: hundreds of lost copies, ~20 µs a lookup).
        self._alone_of: dict[int, tuple[DagImpact, _Alone]] = {}
        #: ``consider``'s arrays (made when it is first asked).
        self._batch: _Batch | None = None

    @property
    def copies(self) -> dict[str, list[tuple[str, bool]]]:
        """Database → its copies (member, lagged) by activation preference, then member."""
        if self._copies is None:
            self._copies = {
                db_id: [(m, lag > 0) for m, lag in servers]
                for db_id, servers in self._servers.items()
            }
        return self._copies

    def _moved(self, impact: DagImpact) -> frozenset[str]:
        """The databases one failure takes from their active member (cached)."""
        return self._by_itself(impact).moved

    def _target(
        self, db_id: str, unusable: AbstractSet[str], lost: AbstractSet[tuple[str, str]]
    ) -> str | None:
        """The copy a moved database goes to: its first by preference that is not lagged,
        on a usable member and not lost."""
        for member, lagged in self.copies[db_id]:
            if lagged or member in unusable or (db_id, member) in lost:
                continue
            return member
        return None

    def _by_itself(self, impact: DagImpact) -> _Alone:
        """What one failure does alone (cached per signature): the databases it moves,
        and where each goes."""
        mine = self._alone_of.get(id(impact))
        if mine is not None and mine[0] is impact:
            return mine[1]
        found = self._alone.get(impact.signature)
        if found is not None:
            self._alone_of[id(impact)] = (impact, found)
            return found
        found = self._alone[impact.signature] = self._place(impact)
        self._alone_of[id(impact)] = (impact, found)
        return found

    def _place(self, impact: DagImpact) -> _Alone:
        """``_by_itself``'s work. The databases active on a member the failure makes
        unusable come in groups of the same candidates (``_groups``): a group goes to
        its first candidate the failure leaves usable, as a whole unless the failure
        destroys one of the group's copies there; the databases of such a group, and
        those whose active copy the failure destroys on a usable member, are placed one
        by one. The same targets and the same integer sums as one by one for all."""
        unusable, lost = impact.unusable, impact.lost
        groups = self._groups
        moved: set[str] = set()
        targets: dict[str, str | None] = {}
        delta: dict[str, int] = {}
        by_target: dict[str, list[str]] = {}
        placed: list[tuple[str, str]] = []
        # Member → the groups sent there as a whole, and the databases placed one by one.
        groups_to: dict[str, list[tuple[tuple[str, ...], list[str], int]]] = {}
        singles_to: dict[str, list[str]] = {}
        single: list[str] = []
        for was in unusable:
            of_member = groups.get(was)
            if not of_member:
                continue
            for order, (dbs, counts) in of_member.items():
                target = None
                for member in order:
                    if member not in unusable:
                        target = member
                        break
                if lost and target is not None and not lost.isdisjoint(zip(dbs, repeat(target))):
                    single += dbs
                    continue
                moved.update(dbs)
                targets.update(dict.fromkeys(dbs, target))
                total = sum(counts)
                delta[was] = delta.get(was, 0) - total
                if target is not None:
                    delta[target] = delta.get(target, 0) + total
                    sent = by_target.get(target)
                    if sent is None:
                        by_target[target] = list(dbs)
                    else:
                        sent += dbs
                    placed += zip(dbs, repeat(target))
                    groups_to.setdefault(target, []).append((order, dbs, total))
        if lost:
            # Those whose active copy is lost on a usable member (an array's loss:
            # thousands of copies); those on an unusable one are in a group above.
            active = self.active
            single += [db_id for db_id, on in lost & self._active_pairs if on not in unusable]
            # ``_target`` and ``_move`` inlined.
            candidates, all_mailboxes = self.candidates, self.mailboxes
            moved.update(single)
            for db_id in single:
                target = None
                for member in candidates[db_id]:
                    if member in unusable:
                        continue
                    key = (db_id, member)
                    if key in lost:
                        continue
                    target = member
                    placed.append(key)
                    break
                targets[db_id] = target
                mailboxes = all_mailboxes[db_id]
                now_on = active[db_id]
                if now_on is not None:
                    delta[now_on] = delta.get(now_on, 0) - mailboxes
                if target is not None:
                    delta[target] = delta.get(target, 0) + mailboxes
                    sent = by_target.get(target)
                    if sent is None:
                        by_target[target] = [db_id]
                    else:
                        sent.append(db_id)
                    alone_to = singles_to.get(target)
                    if alone_to is None:
                        singles_to[target] = [db_id]
                    else:
                        alone_to.append(db_id)
        return _Alone(
            impact,
            frozenset(moved),
            targets,
            delta,
            {m: frozenset(dbs) for m, dbs in by_target.items()},
            frozenset(placed),
            {},
            groups_to,
            singles_to,
        )

    def _shift(self, alone: _Alone, member: str) -> _Shift:
        """Where the databases one failure alone sends to ``member`` go when ``member``
        is out too (cached): each one's next copy by preference after it that the
        failure leaves usable (the copies before it were already out)."""
        found = alone.shifts.get(member)
        if found is not None:
            return found
        unusable, lost = alone.impact.unusable, alone.impact.lost
        total = 0
        goes: dict[str, int] = {}
        pairs: list[tuple[str, str]] = []
        one_by_one: list[str] = []
        # A group sent there as a whole goes on as a whole to its next candidate that
        # the failure leaves usable, unless the failure destroys one of its copies there.
        for order, dbs, mailboxes in alone.groups_to.get(member, ()):
            for other in order[order.index(member) + 1 :]:
                if other in unusable:
                    continue
                if lost and not lost.isdisjoint(zip(dbs, repeat(other))):
                    one_by_one += dbs
                else:
                    total += mailboxes
                    goes[other] = goes.get(other, 0) + mailboxes
                    pairs += zip(dbs, repeat(other))
                break
            else:
                total += mailboxes  # nowhere to go
        single = alone.singles_to.get(member)
        if single:
            one_by_one += single
        if one_by_one:
            candidates, all_mailboxes = self.candidates, self.mailboxes
            for db_id in one_by_one:
                mailboxes = all_mailboxes[db_id]
                total += mailboxes
                order = candidates[db_id]
                for other in order[order.index(member) + 1 :]:
                    if other in unusable or (lost and (db_id, other) in lost):
                        continue
                    goes[other] = goes.get(other, 0) + mailboxes
                    pairs.append((db_id, other))
                    break
        found = alone.shifts[member] = _Shift(total, goes, frozenset(goes), frozenset(pairs))
        return found

    def predict(self, impacts: Iterable[DagImpact]) -> dict[str, int] | None:
        """Active mailboxes per member once ``impacts`` happen together; None when one
        of them costs the DAG its quorum.

        Each failure's moves alone are computed once; for a combination only the
        databases one failure moves and another touches are placed again (a database
        no other failure touches goes where its own failure alone sends it)."""
        chosen: list[DagImpact] = []
        for impact in impacts:
            if impact.quorum_lost:
                return None
            chosen.append(impact)
        if len(chosen) == 2:
            return self._pair(chosen[0], chosen[1])
        alone = [self._by_itself(i) for i in chosen]
        unusable: set[str] = set()
        for impact in chosen:
            unusable |= impact.unusable
        # Each failure's lost copies apart: their union (hundreds of copies when an
        # array is one of them) would cost more than the few lookups below.
        losts = [impact.lost for impact in chosen if impact.lost]
        loads = dict(self.base)
        get = loads.get
        # The databases whose place differs from where their own failure alone sends
        # them: moved by two failures, or sent by one to a copy another makes unusable
        # or destroys. (Another failure only takes options away: the copies before the
        # one a database went to were already out, so it goes there unless that one
        # is out too.)
        again: set[str] = set()
        for number, mine in enumerate(alone):
            for member, change in mine.delta.items():
                loads[member] = get(member, 0) + change
            for other_number, other in enumerate(alone):
                if other_number == number:
                    continue
                if other_number > number:  # the same both ways: taken once
                    again |= mine.moved & other.moved
                other_impact = chosen[other_number]
                for m in other_impact.unusable:
                    sent = mine.by_target.get(m)
                    if sent:
                        again |= sent
                if other_impact.lost and mine.placed:
                    again.update(db_id for db_id, _m in mine.placed & other_impact.lost)
        # ``_move`` and ``_target`` inlined: this runs for every database two failures
        # of a pair both concern (tens per pair, thousands of pairs).
        copies, active, all_mailboxes = self.copies, self.active, self.mailboxes
        for db_id in again:
            mailboxes = all_mailboxes[db_id]
            was = active[db_id]
            for mine in alone:
                if db_id in mine.moved:  # undo what it did alone
                    went = mine.targets[db_id]
                    if went is not None:
                        loads[went] = get(went, 0) - mailboxes
                    if was is not None:
                        loads[was] = get(was, 0) + mailboxes
            # Where it goes with every failure at once.
            target = None
            for member, lagged in copies[db_id]:
                if lagged or member in unusable:
                    continue
                if losts:
                    key = (db_id, member)
                    for lost in losts:  # any(), without a generator per copy
                        if key in lost:
                            break
                    else:
                        target = member
                        break
                    continue
                target = member
                break
            if was is not None:
                loads[was] = get(was, 0) - mailboxes
            if target is not None:
                loads[target] = get(target, 0) + mailboxes
        for m in unusable:
            loads[m] = 0
        return loads

    def consider(
        self,
        best: dict[tuple[ModeKind, str], tuple[int, tuple[str, ...]]],
        kind: ModeKind,
        pairs: Iterable[tuple[tuple[str, ...], DagImpact, DagImpact]],
    ) -> None:
        """For each pair of failures in turn, keep it in ``best`` for each member it is
        predicted (:meth:`predict`) to load more than normal operation and than any
        pair of its ``kind`` before it.

        Every pair is predicted at once, in numpy (``_Batch``): a pair's usable
        members and lost copies are the OR of its failures' rows, each database goes
        to its first candidate left (or stays where it is active), and the members'
        loads are integer sums. For each member the pair kept is the first of those
        loading it most (numpy's ``argmax``), as the pair-by-pair walk keeps the first
        that beats every one before it."""
        chosen = [(failed, ia, ib) for failed, ia, ib in pairs]
        chosen = [c for c in chosen if not (c[1].quorum_lost or c[2].quorum_lost)]
        if not chosen:
            return  # the DAG is down in every pair: no prediction
        batch = self._batch
        if batch is None:
            widest = max(map(len, self.candidates.values()), default=0)
            if len(chosen) * len(self.candidates) * (widest + 1) < _Batch.SMALL:
                # A small search (a small design's) walks its pairs: numpy's import
                # (~0.1 s of a cold start, before the window's first frame) is not
                # paid for it. The same pairs kept either way.
                self._walk(best, kind, chosen)
                return
            batch = self._batch = _Batch(self)
        top = batch.top([ia for _f, ia, _ib in chosen], [ib for _f, _ia, ib in chosen])
        for member, (mailboxes, number) in top.items():
            key = (kind, member)
            found = best.get(key)
            if found is None or mailboxes > found[0]:
                best[key] = (mailboxes, chosen[number][0])

    def _walk(
        self,
        best: dict[tuple[ModeKind, str], tuple[int, tuple[str, ...]]],
        kind: ModeKind,
        pairs: Iterable[tuple[tuple[str, ...], DagImpact, DagImpact]],
    ) -> None:
        """``consider`` pair by pair (a small search). Most pairs do not meet: neither
        failure moves a database the other moves or sends anything to a member the
        other makes unusable or to a copy it destroys; their prediction is normal
        operation plus both failures' moves, and only the members the two send
        mailboxes to can be loaded more than normal, so only those are read. The others
        are predicted by ``_pair``."""
        base = self.base
        by_itself = self._by_itself
        for failed, ia, ib in pairs:
            if ia.quorum_lost or ib.quorum_lost:
                continue  # the DAG is down: no prediction
            a, b = by_itself(ia), by_itself(ib)
            lb, la = ib.lost, ia.lost
            if (
                a.moved.isdisjoint(b.moved)
                and ib.unusable.isdisjoint(a.by_target)
                and ia.unusable.isdisjoint(b.by_target)
                and (not lb or a.placed.isdisjoint(lb))
                and (not la or b.placed.isdisjoint(la))
            ):
                # A member either failure makes unusable receives nothing: its gain
                # is not above zero.
                gains = dict(a.delta)
                for member, change in b.delta.items():
                    gains[member] = gains.get(member, 0) + change
                for member, gain in gains.items():
                    if gain <= 0:
                        continue
                    mailboxes = base.get(member, 0) + gain
                    key = (kind, member)
                    found = best.get(key)
                    if found is None or mailboxes > found[0]:
                        best[key] = (mailboxes, failed)
                continue
            for member, mailboxes in self._pair(ia, ib).items():
                if mailboxes <= base.get(member, 0):
                    continue
                key = (kind, member)
                found = best.get(key)
                if found is None or mailboxes > found[0]:
                    best[key] = (mailboxes, failed)

    def _alone_loads(self, alone: _Alone, unusable: AbstractSet[str]) -> dict[str, int]:
        """``predict`` of one failure: normal operation's loads with its moves."""
        loads = dict(self.base)
        get = loads.get
        for member, change in alone.delta.items():
            loads[member] = get(member, 0) + change
        for m in unusable:
            loads[m] = 0
        return loads

    def _pair(self, ia: DagImpact, ib: DagImpact) -> dict[str, int]:
        """``predict`` of two failures (the search's every prediction): the same
        databases placed again, the same integer sums, with each failure's figures read
        directly rather than looped over."""
        a, b = self._by_itself(ia), self._by_itself(ib)
        unusable = ia.unusable | ib.unusable
        if unusable >= self.holders:
            # Every copy's server is out: nothing is active anywhere.
            loads = dict.fromkeys(self.base, 0)
            for m in unusable:
                loads[m] = 0
            return loads
        # One failure's unusable members and lost copies all among the other's (a VM and
        # its host, a LUN and its array): together they do what the larger does alone.
        if ia.unusable <= ib.unusable and ia.lost <= ib.lost:
            return self._alone_loads(b, ib.unusable)
        if ib.unusable <= ia.unusable and ib.lost <= ia.lost:
            return self._alone_loads(a, ia.unusable)
        loads = dict(self.base)
        get = loads.get
        for member, change in a.delta.items():
            loads[member] = get(member, 0) + change
        for member, change in b.delta.items():
            loads[member] = get(member, 0) + change
        # The databases whose place differs from where their own failure alone sends
        # them (as in ``predict``): moved by both, sent by one to a member the other
        # makes unusable or to a copy it destroys. The last two come in groups (what one
        # failure sends to a member); a group none of whose next copies the other
        # failure touches moves as a whole (see ``_shift``).
        a_moved, b_moved = a.moved, b.moved
        again = set(a_moved & b_moved)
        la, lb = ia.lost, ib.lost
        shifts: list[_Shift] = []
        for one, other in ((a, ib), (b, ia)):
            sent_to = one.by_target
            other_unusable = other.unusable
            other_lost = other.lost
            for m in other_unusable:
                sent = sent_to.get(m)
                if not sent:
                    continue
                shift = self._shift(one, m)
                if (
                    again.isdisjoint(sent)
                    and shift.members.isdisjoint(other_unusable)
                    and (not other_lost or shift.pairs.isdisjoint(other_lost))
                ):
                    loads[m] = get(m, 0) - shift.total
                    shifts.append(shift)
                else:
                    again |= sent
            if not other_lost or not one.placed:
                continue
            # Sent to a copy the other failure destroys: when it destroys the copies of
            # every database sent to that member, the group moves on as above.
            hit = one.placed & other_lost
            if not hit:
                continue
            count: dict[str, int] = {}
            for _db_id, m in hit:
                count[m] = count.get(m, 0) + 1
            apart: set[str] = set()
            for m, number in count.items():
                if m in other_unusable:
                    continue  # the whole group was judged above
                sent = sent_to[m]
                if number == len(sent) and again.isdisjoint(sent):
                    shift = self._shift(one, m)
                    if shift.members.isdisjoint(other_unusable) and shift.pairs.isdisjoint(
                        other_lost
                    ):
                        loads[m] = get(m, 0) - shift.total
                        shifts.append(shift)
                        continue
                apart.add(m)
            if apart:
                again.update([db_id for db_id, m in hit if m in apart])
        for shift in shifts:
            for member, mailboxes in shift.goes.items():
                loads[member] = get(member, 0) + mailboxes
        if not again:
            for m in unusable:
                loads[m] = 0
            return loads
        a_targets, b_targets = a.targets, b.targets
        candidates, active, all_mailboxes = self.candidates, self.active, self.mailboxes
        for db_id in again:
            mailboxes = all_mailboxes[db_id]
            was = active[db_id]
            # Undo what each failure did with it alone; ``was`` gets its mailboxes back
            # once per failure that moved it, and loses them once below.
            back = -1
            if db_id in a_moved:
                back += 1
                went = a_targets[db_id]
                if went is not None:
                    loads[went] = get(went, 0) - mailboxes
            if db_id in b_moved:
                back += 1
                went = b_targets[db_id]
                if went is not None:
                    loads[went] = get(went, 0) - mailboxes
            if was is not None and back:
                loads[was] = get(was, 0) + back * mailboxes
            # Where it goes with both at once.
            for member in candidates[db_id]:
                if member in unusable:
                    continue
                if la or lb:
                    key = (db_id, member)
                    if key in la or key in lb:
                        continue
                loads[member] = get(member, 0) + mailboxes
                break
        for m in unusable:
            loads[m] = 0
        return loads


#: A database's (id, its copies' servers with their lags by preference, its mailboxes,
#: the member it is active on).
_Row = tuple[str, tuple[tuple[str, float], ...], int, "str | None"]


def _classes(
    ids: list[str],
    every_servers: list[tuple[tuple[str, float], ...]],
    active: Mapping[str, str | None],
    mailboxes_of: Mapping[str, Sequence[Any]],
    impacts: Sequence[DagImpact],
) -> tuple[list[_Row], list[DagImpact]]:
    """``rows`` merged into classes (``DagPredictor``'s ``impacts``), and ``impacts``
    with the classes' lost copies.

    The classes start as the databases of one (active member, servers) and are split
    by each failure's lost copies member by member (``DagImpact.lost_by_member``): a
    class whose databases lose their copies on a member it reads (a server of theirs
    or where they are active) in part is split in two; whole, the class loses
    (its name, member) in that failure. Set intersections at C speed, a class at a
    time, not a walk over the lost pairs (thousands per failure: a site's or an
    array's). Lost copies on members a class does not read change no prediction and
    are left out."""
    #: (active member, servers) → its databases.
    first: defaultdict[tuple[Any, ...], list[str]] = defaultdict(list)
    for key, db_id in zip(zip(map(active.get, ids), every_servers, strict=True), ids, strict=True):
        first[key].append(db_id)
    #: Each class: [its databases, (failure's position, member) of the copies it lost,
    #: the member they are active on, their servers].
    classes: list[list[Any]] = [[set(dbs), [], on, servers] for (on, servers), dbs in first.items()]
    #: Member → the classes that read it.
    reading: dict[str, list[list[Any]]] = defaultdict(list)
    for group in classes:
        for member in {group[2], *[m for m, _lag in group[3]]}:
            reading[member].append(group)
    #: (member, id(its lost databases)) → them as a set, and whether the classes reading the
    #: member were made whole or free of them already: a member's every copy lost
    #: (its "*") lists the same databases in each failure that loses it (a site's and
    #: its OS array's), and a class split since is a part of one that was.
    as_sets: dict[tuple[str, int], tuple[frozenset[str], Sequence[str]]] = {}
    for number, impact in enumerate(impacts):
        if not impact.lost:
            continue
        for member, dbs in _lost_by_member(impact):
            groups = reading.get(member)
            if not groups:
                continue
            known = as_sets.get((member, id(dbs)))
            if known is not None and known[1] is dbs:
                lost_here = known[0]
                for group in groups:
                    if next(iter(group[0])) in lost_here:
                        group[1].append((number, member))
                continue
            lost_here = frozenset(dbs)
            as_sets[member, id(dbs)] = (lost_here, dbs)
            for group in list(groups):
                mine = group[0]
                if lost_here.issuperset(mine):
                    group[1].append((number, member))
                    continue
                if lost_here.isdisjoint(mine):
                    continue
                # Those that lose it become a class of their own.
                hit = mine & lost_here
                mine -= hit
                group = [hit, list(group[1]), group[2], group[3]]
                classes.append(group)
                for read in {group[2], *[m for m, _lag in group[3]]}:
                    reading[read].append(group)
                group[1].append((number, member))
    lost: list[list[tuple[str, str]]] = [[] for _ in impacts]
    merged: list[_Row] = []
    for dbs, losses, on, servers in classes:
        name = min(dbs)
        merged.append((name, servers, sum(map(_FIRST, map(mailboxes_of.__getitem__, dbs))), on))
        for number, member in losses:
            lost[number].append((name, member))
    classed = [
        DagImpact(impact.quorum_lost, impact.unusable, frozenset(lost[number]))
        if impact.lost
        else impact
        for number, impact in enumerate(impacts)
    ]
    return merged, classed


def _lost_by_member(impact: DagImpact) -> Iterable[tuple[str, Sequence[str]]]:
    """An impact's lost copies as (member, the databases that lose theirs there): as
    ``dag_impacts`` found them, or from the pairs (an impact made elsewhere)."""
    if impact.lost_by_member is not None:
        return impact.lost_by_member
    found: dict[str, list[str]] = {}
    for db_id, member in impact.lost:
        found.setdefault(member, []).append(db_id)
    return found.items()


class _Batch:
    """A predictor's databases as arrays, to predict many pairs of failures at once.

    Members are columns (``base``'s, then every other candidate, then two more: one
    no database may go to (a missing candidate), one where the databases active
    nowhere are (never unusable)). A failure is a row: its unusable members, and per
    database whether it loses its active copy (``gone``) and each candidate's copy
    (``lost``)."""

    #: Pairs × databases × candidates predicted per numpy pass (memory).
    CHUNK = 200_000
    #: Below this many (pairs × databases × candidates), ``consider`` walks the pairs.
    SMALL = 8_000

    def __init__(self, predictor: DagPredictor) -> None:
        import numpy as np

        self.np = np
        names = list(predictor.base)
        column = {m: n for n, m in enumerate(names)}
        orders = list(predictor.candidates.values())
        for order in orders:
            for m in order:
                if m not in column:
                    column[m] = len(names)
                    names.append(m)
        self.names = names
        self.column = column
        members = len(names)
        self.missing, self.nowhere = members, members + 1
        self.row_of = {db_id: n for n, db_id in enumerate(predictor.candidates)}
        #: Per database: member's column → where it is among the candidates.
        self.place: list[dict[int, int]] = [
            {column[m]: k for k, m in enumerate(order)} for order in orders
        ]
        # Every database's candidates, those it lacks as the column no database may go
        # to, then the column of the databases active nowhere: never unusable, it ends
        # the search for a place (``argmax`` finds a free one in every row), and what
        # goes there is not read.
        widest = max(map(len, orders), default=0)
        self.cand = np.array(
            [
                [column[m] for m in order] + [self.missing] * (widest - len(order)) + [self.nowhere]
                for order in orders
            ],
            dtype=np.intp,
        ).reshape(len(orders), widest + 1)
        self.on_list = [
            column[on] if on is not None else self.nowhere for on in predictor.active.values()
        ]
        self.on = np.array(self.on_list, dtype=np.intp)
        self.mailboxes = np.array(list(predictor.mailboxes.values()), dtype=np.float64)
        self.lose = -self.mailboxes
        self.base = np.zeros(members, dtype=np.int64)
        self.base[: len(predictor.base)] = list(predictor.base.values())
        #: id(impact) → (the impact, its row): unusable columns, gone rows, lost
        #: (row, candidate) places.
        self._rows: dict[int, tuple[DagImpact, list[int], list[int], list[int], list[int]]] = {}

    def _row(self, impact: DagImpact) -> tuple[list[int], list[int], list[int], list[int]]:
        kept = self._rows.get(id(impact))
        if kept is not None and kept[0] is impact:
            return kept[1], kept[2], kept[3], kept[4]
        column = self.column
        out = [column[m] for m in impact.unusable if m in column]
        gone: list[int] = []
        rows: list[int] = []
        places: list[int] = []
        row_of, on, place = self.row_of, self.on_list, self.place
        for db_id, member in impact.lost:
            row = row_of.get(db_id)
            at = column.get(member)
            if row is None or at is None:
                continue
            if on[row] == at:
                gone.append(row)
            k = place[row].get(at)
            if k is not None:
                rows.append(row)
                places.append(k)
        self._rows[id(impact)] = (impact, out, gone, rows, places)
        return out, gone, rows, places

    def top(self, first: list[DagImpact], second: list[DagImpact]) -> dict[str, tuple[int, int]]:
        """Member → (the most mailboxes a pair loads it with above normal operation,
        the first pair's position that does)."""
        np = self.np
        number: dict[int, int] = {}
        made: list[tuple[list[int], list[int], list[int], list[int]]] = []
        for impact in (*first, *second):
            if id(impact) not in number:
                number[id(impact)] = len(made)
                made.append(self._row(impact))
        dbs, places = self.cand.shape
        width = self.missing + 2
        out_at: list[int] = []
        gone_at: list[int] = []
        lost_at: list[int] = []
        for n, (out, gone_rows, rows, where_lost) in enumerate(made):
            out_at += [n * width + c for c in out]
            gone_at += [n * dbs + r for r in gone_rows]
            lost_at += [(n * dbs + r) * places + k for r, k in zip(rows, where_lost, strict=True)]
        unusable = np.zeros(len(made) * width, dtype=bool)
        unusable[out_at] = True
        unusable = unusable.reshape(len(made), width)
        unusable[:, self.missing] = True
        gone = np.zeros(len(made) * dbs, dtype=bool)
        gone[gone_at] = True
        gone = gone.reshape(len(made), dbs)
        lost = np.zeros(len(made) * dbs * places, dtype=bool)
        lost[lost_at] = True
        lost = lost.reshape(len(made), dbs, places)
        a = np.array([number[id(i)] for i in first], dtype=np.intp)
        b = np.array([number[id(i)] for i in second], dtype=np.intp)
        members = self.missing
        step = max(1, self.CHUNK // max(1, dbs * places))
        most = np.full(members, np.iinfo(np.int64).min, dtype=np.int64)
        where = np.zeros(members, dtype=np.intp)
        which = np.arange(dbs)
        columns = np.arange(members)
        for start in range(0, len(a), step):
            ia, ib = a[start : start + step], b[start : start + step]
            count = len(ia)
            out = unusable[ia] | unusable[ib]
            moved = out[:, self.on] | gone[ia] | gone[ib]
            free = out[:, self.cand] | lost[ia] | lost[ib]
            np.logical_not(free, out=free)
            target = self.cand[which, free.argmax(axis=2)]
            # Each moved database's mailboxes taken from where it is active and added
            # where it goes, summed per (pair, member) in one ``bincount`` (float64:
            # integer sums exact far beyond any design's mailboxes).
            offset = (np.arange(count) * width)[:, None]
            flat = np.concatenate(((self.on + offset).ravel(), (target + offset).ravel()))
            weights = np.concatenate(
                ((self.lose * moved).ravel(), (self.mailboxes * moved).ravel())
            )
            change = np.bincount(flat, weights, minlength=count * width).reshape(count, width)
            loads = change[:, :members].astype(np.int64) + self.base
            loads[out[:, :members]] = 0
            best_at = loads.argmax(axis=0)
            value = loads[best_at, columns]
            better = value > most
            most[better] = value[better]
            where[better] = best_at[better] + start
        return {
            self.names[m]: (int(most[m]), int(where[m])) for m in np.flatnonzero(most > self.base)
        }


class _Alone:
    """A DAG's impact of one failure alone: the databases it moves and where to.

    A plain class with slots (not a frozen dataclass: ~0.9 M instructions of every
    command that sizes, issue 10, wave 22); never compared or printed."""

    __slots__ = (
        "by_target",
        "delta",
        "groups_to",
        "impact",
        "moved",
        "placed",
        "shifts",
        "singles_to",
        "targets",
    )

    def __init__(
        self,
        impact: DagImpact,
        moved: frozenset[str],
        targets: dict[str, str | None],
        delta: dict[str, int],
        by_target: dict[str, frozenset[str]],
        placed: frozenset[tuple[str, str]],
        shifts: dict[str, _Shift],
        groups_to: dict[str, list[tuple[tuple[str, ...], list[str], int]]] | None = None,
        singles_to: dict[str, list[str]] | None = None,
    ) -> None:
        self.impact: Final = impact
        self.moved: Final = moved
        self.targets: Final = targets
        #: Active mailboxes each member gains (or loses) from the moves.
        self.delta: Final = delta
        #: Member → the moved databases that go to it.
        self.by_target: Final = by_target
        #: (database, the member it goes to) of each moved database that goes somewhere.
        self.placed: Final = placed
        #: Member → ``DagPredictor._shift`` (filled as pairs ask).
        self.shifts: Final = shifts
        #: Member → the groups of databases sent there as a whole, (their candidates,
        #: the databases, their mailboxes) (see ``DagPredictor._groups``), and the
        #: databases sent there one by one (``DagPredictor._place``).
        self.groups_to: Final = {} if groups_to is None else groups_to
        self.singles_to: Final = {} if singles_to is None else singles_to


@dataclass(frozen=True, slots=True)
class _Shift:
    """Where the databases one failure alone sends to a member go when it is out too."""

    #: Their mailboxes (what the member no longer receives).
    total: int
    #: Member → the mailboxes that go there instead (those with nowhere to go: absent).
    goes: dict[str, int]
    #: The members of ``goes``, and (database, member) of each that goes somewhere.
    members: frozenset[str]
    pairs: frozenset[tuple[str, str]]


def _move(loads: dict[str, int], was: str | None, now: str | None, mailboxes: int) -> None:
    """A database's mailboxes go from ``was`` to ``now`` (either may be None)."""
    if was is not None:
        loads[was] = loads.get(was, 0) - mailboxes
    if now is not None:
        loads[now] = loads.get(now, 0) + mailboxes
