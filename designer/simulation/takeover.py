"""Who takes over: a placement's DAG databases decided for all of them at once (numpy).

:meth:`Simulator.placement <designer.simulation.Simulator.placement>` re-resolves every
database a failure can change, one Python call each (``_resolve`` and
``database_options``): at 25k a site loss or an array's loss re-resolves 500–1,000
databases, and capacity places ~300 states. For the common case — a DAG database active
in normal operation, placed from its normal state, no action taken, nothing corrupted
or switched over — what ``_resolve`` decides is an activation-preference pick:

* its active copy is kept when its member is untouched (and the DAG's quorum still
  holds its site), or when that copy still serves and its member was not restarted;
* else the copy that serves soonest, the first by preference among equals: a copy serves
  when its member is up, its database and logs survive, the DAG's quorum holds its site
  and it is not lagged; a member vSphere HA just restarted serves after its restart, any
  other after the DAG's automatic failover.

:class:`TakeoverTable` holds, per such database, its copies in that order as index
arrays (member, (DAG, member) pair, lag); a world becomes boolean masks over members and
copies, and the pick is a vectorised first-minimum. Whatever the table cannot say — a
copy on a VM SRM recovered or VM monitoring reset, no copy serving by itself (the lagged
copies' activation and the reasons), any database outside the table (not in a DAG, a
manual-intent DAG, a Double-Take source, not active in normal operation) — is left to
``_resolve`` (the caller resolves what :meth:`TakeoverTable.place` returns as ``rest``).
``tests/simulation/test_takeover.py`` proves the placements equal.

numpy is imported when the first table is built (never at module import: ``check``'s
cold start does not pay it).
"""

from __future__ import annotations

import math
from collections.abc import Container, Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from designer.simulation.run_state import DbRun, Run
from designer.simulation.world import World, lun_loss

if TYPE_CHECKING:
    from designer.simulation.options import DagState
    from designer.simulation.prepared import Prepared

__all__ = [
    "CODED_MIN_MOVES",
    "FEW_AFFECTED_SHARE",
    "FEW_VMS",
    "PLAIN_MAX_ROWS",
    "PLAIN_MAX_ROWS_AFTER",
    "TAKEOVER_MIN_AFFECTED",
    "TakeoverTable",
]

#: A placement step uses the table when it can change at least this many databases
#: (below, building the masks costs more than resolving them one by one). Tests set 0.
TAKEOVER_MIN_AFFECTED = 16
#: A step that can change fewer than 1/this of the table's databases (a site loss plus
#: one going on from the site's; a failure placed beside another's) looks at their rows
#: and members only, not at every member the world touched. Tests set 0 (always) or
#: 10**9 (never).
FEW_AFFECTED_SHARE = 8

#: A few-rows step whose touched and restarted VMs are at most this many, every DAG's
#: quorum holding each member's site, finds its candidates from those VMs' rows (a
#: host's failure: ~3 VMs). Tests set 0 (never) or 10**9 (always).
FEW_VMS = 64

#: A step moving at least this many rows, all plain moves, makes their states from one
#: integer code per row (numpy) rather than row by row: below it (a host's failure: 25
#: rows) the loop costs fewer instructions. Tests set 0 (always) or 10**9 (never).
CODED_MIN_MOVES = 64

#: A few-rows step (``FEW_AFFECTED_SHARE``) with nothing relocated or reset and at most
#: this many rows to look at decides them in plain Python (:meth:`TakeoverTable.
#: _place_rows`), without numpy: a host's failure has ~25 (its moved VMs' rows), for
#: which the ~30 small numpy calls of the masks cost more than the rows' own work (a
#: failure placed beside another's, ~75 rows, costs fewer instructions with the masks).
#: Tests set -1 (never) or 10**9 (always).
PLAIN_MAX_ROWS = 48
#: The same for a step going on from another (a site's loss plus a host's: ~100 rows):
#: the rows the earlier step changed, which the masks leave to ``_resolve`` one by one
#: (~25 a step), are decided there too.
PLAIN_MAX_ROWS_AFTER = 128

_DAG_SOURCE = "000 §4.1 Table 1"  # database_options' dag_failover
_RESTART_SOURCE = "000 §4.1.1; 000 Table 1"  # database_options' restart_mount


class TakeoverTable:
    """Per DAG database active in normal operation, its copies by activation preference
    as index arrays; :meth:`place` decides a placement step's databases from them."""

    def __init__(self, prep: Prepared, base_db: Mapping[str, DbRun]) -> None:
        import numpy as np

        self.prep = prep
        self.base_db = base_db
        tm = prep.timings
        self._failover_s = float(tm["dag"]["automatic_failover_s"])
        self._os_up_s = float(tm["vsphere_ha_timeline"]["restarted_vm_os_up_s"])
        self._services_s = float(tm["standalone_ha"]["exchange_services_start_s"])
        rows: list[str] = []
        others: list[str] = []
        copies: list[tuple[tuple[str, float], ...]] = []
        for db_id in sorted(prep.dbs):
            db = prep.dbs[db_id]
            base = base_db[db_id]
            servers = prep.servers_of(db) if db.copies else ()
            if (
                not db.dag
                or db.dag not in prep.dags
                or db.dag in prep.manual_intent_dags
                or not servers
                or base.status != "active"
                or base.active_on not in {vm for vm, _ in servers}
                or prep.repls_from_vm.get(servers[0][0])
            ):
                others.append(db_id)
                continue
            rows.append(db_id)
            copies.append(servers)
        #: Database ids of the table's rows (sorted), and those always left to _resolve.
        self.rows: tuple[str, ...] = tuple(rows)
        self.others: tuple[str, ...] = tuple(others)
        self.row_of: dict[str, int] = {d: r for r, d in enumerate(rows)}
        width = max((len(c) for c in copies), default=1)
        self.width = width
        vm_index: dict[str, int] = {}
        pair_index: dict[tuple[str, str], int] = {}  # (DAG, member)
        n = len(rows)
        # Built as lists, made arrays once (a numpy item set is slow one by one).
        member_rows: list[list[int]] = []
        pair_rows: list[list[int]] = []
        lag_rows: list[list[bool]] = []
        base_ks: list[int] = []
        #: (VM, database) → flat copy index; VM → its copies' flat indices.
        self.copy_at: dict[tuple[str, str], int] = {}
        copies_of_vm: dict[str, list[int]] = {}
        for r, (db_id, servers) in enumerate(zip(rows, copies, strict=True)):
            dag_id = prep.dbs[db_id].dag
            assert dag_id is not None
            active = base_db[db_id].active_on
            assert active is not None  # a row is active in normal operation
            pad = width - len(servers)
            members_here = [vm_index.setdefault(vm, len(vm_index)) for vm, _lag in servers]
            pairs_here = [
                pair_index.setdefault((dag_id, vm), len(pair_index)) for vm, _lag in servers
            ]
            member_rows.append(members_here + [0] * pad)
            pair_rows.append(pairs_here + [0] * pad)
            lag_rows.append([lag > 0 for _vm, lag in servers] + [False] * pad)
            base_ks.append([vm for vm, _lag in servers].index(active))
            flat = r * width
            for k, (vm, _lag) in enumerate(servers):
                self.copy_at.setdefault((vm, db_id), flat + k)
                copies_of_vm.setdefault(vm, []).append(flat + k)
        shape = (n, width)
        member = np.array(member_rows, dtype=np.intp).reshape(shape)
        pair = np.array(pair_rows, dtype=np.intp).reshape(shape)
        lagged = np.array(lag_rows, dtype=bool).reshape(shape)
        lengths = np.array([len(c) for c in copies], dtype=np.intp)
        valid = np.arange(width)[None, :] < lengths[:, None]
        base_k = np.array(base_ks, dtype=np.intp)
        self.vm_index = vm_index
        self._names: list[str] = list(vm_index)
        self.pair_list: tuple[tuple[str, str], ...] = tuple(pair_index)
        self.copies_of_vm = copies_of_vm
        #: LUN → the flat indices of the copies its loss destroys (database or logs).
        self._lost_by_lun: dict[str, Any] = {}
        self.member, self.pair, self.valid, self.lagged = member, pair, valid, lagged
        self.base_k = base_k
        #: Per row, what a move keeps of its normal state: since when it was down (None:
        #: never) and its recovery point, at least 0 (0 when it has none).
        self._base_down: list[float | None] = [base_db[d].down_since for d in rows]
        base_rpo: list[float] = [
            0.0 if (rpo := base_db[d].rpo) is None else max(rpo, 0.0) for d in rows
        ]
        #: Each row's recovery point as an index into the distinct values (a moved
        #: row's state is shared per member, way and recovery point: ``place``); 0.0 and
        #: -0.0 apart, so a state carries its row's own value.
        value_at: dict[tuple[float, float], int] = {}
        self._rpo_code_list: list[int] = [
            value_at.setdefault((v, math.copysign(1.0, v)), len(value_at)) for v in base_rpo
        ]
        self._rpo_values: list[float] = [v for v, _sign in value_at] or [0.0]
        self._rpo_code = np.array(self._rpo_code_list, dtype=np.intp)
        #: No row was down in normal operation (every one at 25k).
        self._never_down = all(d is None for d in self._base_down)
        arange = np.arange(n)
        self.base_member = member[arange, base_k]
        self.base_pair = pair[arange, base_k]
        #: Normal operation's active member (pair) → the rows active on it.
        self.rows_by_base_member = _group(np, self.base_member)
        self.rows_by_base_pair = _group(np, self.base_pair)
        #: ``rows_by_base_member`` as lists (the few-rows path walks them in Python).
        self._base_rows_of_member: dict[int, list[int]] = {
            k: v.tolist() for k, v in self.rows_by_base_member.items()
        }
        #: Per row, normal operation's active member (its name).
        self._base_active: list[str] = [self._names[i] for i in self.base_member.tolist()]
        #: DAG → its (DAG, member) pairs' indices and members, for the quorum mask.
        by_dag: dict[str, list[int]] = {}
        for i, (dag_id, _vm) in enumerate(self.pair_list):
            by_dag.setdefault(dag_id, []).append(i)
        self._dag_pairs = {d: np.array(p, dtype=np.intp) for d, p in by_dag.items()}
        self._quorum_cache: dict[tuple[str, bool, tuple[str, ...]], Any] = {}
        #: Every DAG's quorum sites (None: no quorum), in ``_dag_pairs``' order → the
        #: whole mask and whether it is all true (:meth:`_quorum_mask`).
        self._whole_quorum: dict[tuple[tuple[str, ...] | None, ...], tuple[Any, bool]] = {}
        #: Per copy: a copy to activate (not padding, not lagged), whatever the world.
        self._open = valid & ~lagged
        #: :meth:`_plain_rows` (made when first read).
        self._row_copies: list[tuple[tuple[int, str, bool, str | None], ...]] | None = None
        self._row_dag: list[str] | None = None

    # -- masks ---------------------------------------------------------------------------
    def _vm_mask(self, vms: Iterable[str], size: int | None = None) -> Any:
        """A boolean array over the table's members: those in ``vms``."""
        import numpy as np

        mask = np.zeros(len(self.vm_index), dtype=bool)
        index = self.vm_index
        if size is not None and size > len(index):
            # A site's loss touches thousands of VMs, few of them members.
            chosen = vms if isinstance(vms, AbstractSet) else set(vms)
            hits = [i for vm, i in index.items() if vm in chosen]
        else:
            hits = [i for vm in vms if (i := index.get(vm)) is not None]
        if hits:
            mask[hits] = True
        return mask

    def _lost_mask(self, w: World) -> Any:
        """A boolean array over the copies (rows × width): database or logs lost (not
        to be changed: it is the world's memo, read by the worlds grown from it)."""
        import numpy as np

        if not (w.copy_lost or w.logs_lost):
            return np.zeros((len(self.rows), self.width), dtype=bool)
        if w.vm_relocated:
            lost = np.zeros(len(self.rows) * self.width, dtype=bool)
            lost[self._flat(np, (*w.copy_lost, *w.logs_lost))] = True
            return lost.reshape(len(self.rows), self.width)
        memo = w.lost_mask
        if memo is not None and memo[0] is self:
            return memo[1]
        # compute_world's lost copies are its lost LUNs' (lun_loss): per LUN once. A
        # world world_after grew from another (a site loss plus one, a failure placed
        # beside another's) adds the LUNs it loses more to that one's mask.
        base = w.grown_from
        luns: AbstractSet[str] = w.luns_down
        if base is not None and not base.vm_relocated and base.luns_down <= luns:
            lost = self._lost_mask(base).ravel().copy()
            luns = luns - base.luns_down
        else:
            lost = np.zeros(len(self.rows) * self.width, dtype=bool)
        by_lun = self._lost_by_lun
        hits: list[Any] = []
        for lun in luns:
            found = by_lun.get(lun)
            if found is None:
                loss = lun_loss(self.prep, lun)
                found = by_lun[lun] = self._flat(np, (*loss.copies, *loss.logs))
            hits.append(found)
        if hits:
            # Set in one assignment (an array's or a site's loss: ~150-350 LUNs, each
            # its own numpy call before).
            lost[np.concatenate(hits)] = True
        mask = lost.reshape(len(self.rows), self.width)
        w.lost_mask = (self, mask)
        return mask

    def _has_lost_mask(self, w: World) -> bool:
        """Whether :meth:`_lost_mask` of ``w`` costs a few LUNs at most: kept already,
        or grown from a world (the base's mask is kept or cheap)."""
        memo = w.lost_mask
        return (memo is not None and memo[0] is self) or w.grown_from is not None

    def _rows_of(self, databases: Iterable[str]) -> list[int]:
        """The (sorted) rows of those of ``databases`` the table holds."""
        row_of = self.row_of
        # The rows' keys met at C speed (the smaller side walked), then read and sorted
        # in C: a host's failure asks for ~100 databases of 4,000 rows, 160 times a
        # sizing at 25k.
        held = row_of.keys() & (databases if isinstance(databases, AbstractSet) else set(databases))
        return sorted(map(row_of.__getitem__, held))

    def _rows_in(self, np: Any, databases: Iterable[str]) -> Any:
        """:meth:`_rows_of` as an index array."""
        return np.array(self._rows_of(databases), dtype=np.intp)

    def _rows_active_on(self, vms: Iterable[str], affected: Container[str]) -> list[int]:
        """The (sorted) rows of ``affected`` whose database is active on one of ``vms``
        in normal operation."""
        index, on_member, rows = self.vm_index, self._base_rows_of_member, self.rows
        held = [at for vm in vms if (at := on_member.get(index.get(vm, -1))) is not None]
        if isinstance(affected, AbstractSet) and sum(map(len, held)) > 2 * len(affected):
            # The members hold more rows than the step has databases (a host's failure
            # placed beside an array's loss: the array's ~40 VMs are touched, ~4,000
            # rows active on them, ~100 databases affected): those databases' rows are
            # asked for their member instead.
            row_of, active = self.row_of, self._base_active
            chosen = vms if isinstance(vms, AbstractSet) else set(vms)
            found = [
                r for d in affected if (r := row_of.get(d)) is not None and active[r] in chosen
            ]
        else:
            found = [r for at in held for r in at if rows[r] in affected]
        found.sort()
        return found

    def _vm_mask_at(self, np: Any, at: list[int], vms: Container[str]) -> Any:
        """A boolean array over the table's members, right at ``at`` (False elsewhere):
        those in ``vms``."""
        mask = np.zeros(len(self.vm_index), dtype=bool)
        names = self._names
        hits = [i for i in at if names[i] in vms]
        if hits:
            mask[hits] = True
        return mask

    def _lost_rows(self, np: Any, w: World, rows: Any) -> Any:
        """``_lost_mask(w)[rows]``, from the world's lost pairs (as its relocated case):
        a copy's own (VM, database) pair, or its VM's "*"."""
        width, names, copy_at = self.width, self._names, self.copy_at
        copy_lost, logs_lost = w.copy_lost, w.logs_lost
        found = np.zeros((len(rows), width), dtype=bool)
        if not (copy_lost or logs_lost):
            return found
        members = self.member[rows].tolist()
        valid = self.valid[rows].tolist()
        for i, r in enumerate(rows.tolist()):
            db_id = self.rows[r]
            for k in range(width):
                if not valid[i][k]:
                    continue  # padding: never usable, its mask bit unread
                vm = names[members[i][k]]
                every = (vm, "*")
                if every in copy_lost or every in logs_lost:
                    found[i, k] = True
                    continue
                pair = (vm, db_id)
                if (pair in copy_lost or pair in logs_lost) and copy_at.get(pair) == r * width + k:
                    found[i, k] = True
        return found

    def _flat(self, np: Any, pairs: Iterable[tuple[str, str]]) -> Any:
        """The flat copy indices of (VM, database or "*") pairs."""
        copy_at, of_vm = self.copy_at, self.copies_of_vm
        hits: list[int] = []
        for vm, db_id in pairs:
            if db_id == "*":
                hits.extend(of_vm.get(vm, ()))
                continue
            flat = copy_at.get((vm, db_id))
            if flat is not None:
                hits.append(flat)
        return np.array(hits, dtype=np.intp)

    def _quorum_mask(self, w: World, dag_state: Mapping[str, DagState]) -> tuple[Any, bool]:
        """A boolean array over (DAG, member) pairs: the DAG has quorum and it holds the
        member's site; and whether every pair's is (the mask can then be left out).
        Without VMs relocated, the whole array is kept per the DAGs' quorum states (a
        host's failure leaves every DAG's as in normal operation: one array for the 160
        host failures of a 25k sizing, not ten numpy assignments each); read only."""
        import numpy as np

        relocated, vm_site, pairs = w.vm_relocated, self.prep.vm_site, self.pair_list
        dag_pairs = self._dag_pairs
        whole_key: tuple[tuple[str, ...] | None, ...] | None = None
        if not relocated:
            get = dag_state.get
            whole_key = tuple(
                [
                    q.quorum_sites if (q := get(dag_id)) is not None and q.quorum else None
                    for dag_id in dag_pairs
                ]
            )
            whole = self._whole_quorum.get(whole_key)
            if whole is not None:
                return whole
        ok = np.zeros(len(pairs), dtype=bool)
        cache = self._quorum_cache
        for dag_id, at in dag_pairs.items():
            q = dag_state.get(dag_id)
            if q is None or not q.quorum:
                continue
            sites = q.quorum_sites
            key = (dag_id, q.quorum, sites)
            found = None if relocated else cache.get(key)
            if found is None:
                found = np.array(
                    [
                        (relocated.get(pairs[i][1]) or vm_site.get(pairs[i][1])) in sites
                        for i in at.tolist()
                    ],
                    dtype=bool,
                )
                if not relocated:
                    cache[key] = found
            ok[at] = found
        ok.flags.writeable = False
        made = (ok, bool(ok.all()))
        if whole_key is not None:
            self._whole_quorum[whole_key] = made
        return made

    # -- a placement step ---------------------------------------------------------------
    def place(
        self, run: Run, w: World, affected: AbstractSet[str], t: float
    ) -> tuple[dict[str, DbRun], list[str]] | None:
        """The step's databases: (those the table moves, with their new state; those
        left to ``_resolve``). Databases of ``affected`` in neither are kept as they
        were. None when the table cannot decide the step at all (an action taken, a
        database corrupted, a switchover: resolve every database)."""
        if run.corrupted or run.switchover or run.actions or not run.light:
            return None
        fresh_vms = run.fresh_vms
        if run.os_boots and any(up > t and vm not in fresh_vms for vm, up in run.os_boots.items()):
            return None  # a member restarted at an earlier step still boots: _resolve
        import numpy as np

        quorum_ok, all_ok = self._quorum_mask(w, run.dag_state)
        # No copy lost (a host's, a VM's, a link's failure): no lost mask made or read.
        none_lost = not (w.copy_lost or w.logs_lost)
        lost: Any = None
        if len(affected) * FEW_AFFECTED_SHARE < len(self.rows):
            # Few databases (a step going on from another, a failure placed beside
            # another's): only their rows and their members are looked at; a row
            # outside ``affected`` is neither decided nor left to _resolve anyway.
            moved_by = w.touched_vms | run.fresh_vms
            plain = not (w.vm_relocated or w.vm_reset)
            if all_ok and len(moved_by) <= FEW_VMS:
                # Kept without a look at the options, as below: with every pair in its
                # DAG's quorum only the rows active on a touched or restarted member
                # can move (a host's failure: its ~3 VMs' 25 rows of ~100 affected),
                # found from those members rather than every affected row's masks.
                on_moved = self._rows_active_on(moved_by, affected)
                if plain:
                    # Those rows without numpy (or every row of the step's databases
                    # when a step before changed some: they go on from their state).
                    rows = self._rows_of(affected) if run.db else on_moved
                    if len(rows) <= (PLAIN_MAX_ROWS_AFTER if run.db else PLAIN_MAX_ROWS):
                        return self._place_rows(run, w, affected, t, rows)
                if not on_moved:
                    return {}, self._rest(run, affected, [])
                candidates = np.array(on_moved, dtype=np.intp)
                seen = list(set(self.member[candidates].ravel().tolist()))
                fresh = self._vm_mask_at(np, seen, run.fresh_vms)
                down = self._vm_mask_at(np, seen, w.vm_down)
            else:
                if plain:
                    # Every row of the step's databases (a site's loss plus a host's:
                    # ~100), without numpy.
                    rows = self._rows_of(affected)
                    if len(rows) <= (PLAIN_MAX_ROWS_AFTER if run.db else PLAIN_MAX_ROWS):
                        return self._place_rows(run, w, affected, t, rows)
                rows_in = self._rows_in(np, affected)
                # Their members, each once (in any order: they only set mask bits); a
                # set of the few hundred indices made in C costs less than
                # ``np.unique``'s hashing.
                seen = list(set(self.member[rows_in].ravel().tolist()))
                touched = self._vm_mask_at(np, seen, w.touched_vms)
                fresh = self._vm_mask_at(np, seen, run.fresh_vms)
                down = self._vm_mask_at(np, seen, w.vm_down)
                # Kept without a look at the options, as below.
                bad = (touched | fresh)[self.base_member[rows_in]]
                if not all_ok:
                    bad |= ~quorum_ok[self.base_pair[rows_in]]
                candidates = rows_in[bad]
                if len(candidates) == 0:
                    return {}, self._rest(run, affected, [])
            if none_lost:
                pass  # no lost mask
            elif w.vm_relocated or not self._has_lost_mask(w):
                lost = self._lost_rows(np, w, candidates)
            else:
                # A site loss plus one, a failure beside another's: the earlier world's
                # mask and the LUNs this one loses more (no pair checked one by one).
                lost = self._lost_mask(w)[candidates]
        else:
            touched = self._vm_mask(w.touched_vms, len(w.touched_vms))
            fresh = self._vm_mask(run.fresh_vms, len(run.fresh_vms))
            # Kept without a look at the options (_resolve's _keep): the active member
            # untouched, not restarted, its site in the DAG's quorum. Only the others
            # are candidates (a host's failure: the databases active on its members).
            bad_members = np.flatnonzero(touched | fresh).tolist()
            bad_pairs = [] if all_ok else np.flatnonzero(~quorum_ok).tolist()
            if not bad_members and not bad_pairs:
                return {}, self._rest(run, affected, [])
            by_member, by_pair = self.rows_by_base_member, self.rows_by_base_pair
            parts = [by_member[i] for i in bad_members if i in by_member]
            parts += [by_pair[i] for i in bad_pairs if i in by_pair]
            if not parts:
                return {}, self._rest(run, affected, [])
            if len(parts) == 1:
                candidates = parts[0]
            elif bad_pairs:
                candidates = np.unique(np.concatenate(parts))
            else:
                # The members' rows only: one row is active on one member, so the
                # parts are apart and sorting them is np.unique's answer, for less.
                candidates = np.sort(np.concatenate(parts))
            down = self._vm_mask(w.vm_down, len(w.vm_down))
            if not none_lost:
                lost = self._lost_mask(w)[candidates]
        member = self.member[candidates]
        # A copy serves when it is to activate (not padding, not lagged), its member up,
        # it is not lost and the DAG's quorum holds its member's site (the terms always
        # true in this world left out: fewer numpy calls, the same mask).
        usable = self._open[candidates] & ~down[member]
        if lost is not None:
            usable &= ~lost
        if not all_ok:
            usable &= quorum_ok[self.pair[candidates]]
        fresh_copy = fresh[member]
        at_base = (np.arange(len(candidates)), self.base_k[candidates])
        # Else kept when the active copy is among the options and was not restarted.
        moves = ~(usable[at_base] & ~fresh_copy[at_base])
        moving = candidates[moves]
        if len(moving) == 0:
            return {}, self._rest(run, affected, [])
        # The option that serves soonest wins, the first by preference among equals.
        failover = t + self._failover_s
        restart = t + self._os_up_s
        restart += self._services_s
        sub_usable = usable[moves]
        sub_fresh = fresh_copy[moves]
        score = np.where(sub_fresh, restart, failover)
        score[~sub_usable] = np.inf
        best = np.argmin(score, axis=1)
        if w.vm_relocated or w.vm_reset:
            odd = self._vm_mask([*w.vm_relocated, *w.vm_reset])
            special = (sub_usable & odd[member[moves]]).any(axis=1).tolist()
        else:
            special = [False] * len(moving)
        picked = np.arange(len(moving))
        has_at = sub_usable[picked, best]
        chosen_at = self.member[moving, best]
        fresh_at = sub_fresh[picked, best]
        table_rows, in_run = self.rows, run.db
        # A row down since nothing in normal operation (every one at 25k) is down from
        # ``t``: its RTO is one of two values per step (~20,000 moves per 25k sizing).
        timing = (failover, restart, max(0.0, failover - t), max(0.0, restart - t))
        moving_rows = moving.tolist()
        if (
            len(moving_rows) >= CODED_MIN_MOVES
            and self._never_down
            and not in_run
            and not (w.vm_relocated or w.vm_reset)
            and bool(has_at.all())
        ):
            ids = list(map(table_rows.__getitem__, moving_rows))
            if all(map(affected.__contains__, ids)):
                # Every move a plain one (a copy serves by itself, nothing placed before,
                # nothing relocated or reset, never down in normal operation): each
                # row's state is one per (member, restarted, recovery point), coded as
                # one integer in numpy and shared by the rows alike, the databases and
                # their states paired at C speed (~500 moves a site's or an array's
                # loss, 25 a host's), in the rows' order as the loop below.
                count = len(self._rpo_values)
                codes = ((chosen_at * 2 + fresh_at) * count + self._rpo_code[moving]).tolist()
                states: dict[int, DbRun] = {}
                for code in dict.fromkeys(codes):
                    how, rpo_at = divmod(code, count)
                    states[code] = self._moved(how >> 1, bool(how & 1), rpo_at, None, t, timing)
                return dict(zip(ids, map(states.__getitem__, codes), strict=True)), self._rest(
                    run, affected, []
                )
        has = has_at.tolist()
        chosen = chosen_at.tolist()
        restarted_at = fresh_at.tolist()
        decided: dict[str, DbRun] = {}
        fallback: list[str] = []
        base_down, rpo_code = self._base_down, self._rpo_code_list
        #: Such a row's state depends on its member, how it takes over and its recovery
        #: point only: one state each, shared by the databases moved alike (a state is
        #: never changed in place; a step replaces it).
        made: dict[tuple[int, bool, int], DbRun] = {}
        key: tuple[int, bool, int] | None
        for j, r in enumerate(moving_rows):
            db_id = table_rows[r]
            if db_id not in affected:
                continue
            if not has[j] or special[j] or db_id in in_run:
                fallback.append(db_id)
                continue
            down_since = base_down[r]
            key = None
            if down_since is None:
                key = (chosen[j], restarted_at[j], rpo_code[r])
                found = made.get(key)
                if found is not None:
                    decided[db_id] = found
                    continue
            state = decided[db_id] = self._moved(
                chosen[j], restarted_at[j], rpo_code[r], down_since, t, timing
            )
            if key is not None:
                made[key] = state
        return decided, self._rest(run, affected, fallback)

    def _place_rows(
        self, run: Run, w: World, affected: AbstractSet[str], t: float, rows: list[int]
    ) -> tuple[dict[str, DbRun], list[str]]:
        """:meth:`place`'s decision for ``rows`` (sorted rows of ``affected``: those that
        can move, and every one a step before changed), row by row in plain Python, as
        ``_resolve`` decides a placement's DAG database when nothing is relocated or
        reset and no action is taken (a host's failure; a site's loss plus a host's).

        From the database's state now (normal operation's, or the earlier step's): it is
        kept when its active member is untouched, not restarted and in its DAG's quorum
        (``_keep``), or when that member's copy still serves and was not restarted. A
        copy serves when its member is up, neither its database nor its logs are lost,
        the DAG's quorum holds its member's site and it is not lagged; the copy that
        serves soonest wins (a restarted member after its restart, any other after the
        DAG's failover), the first by preference among equals. A database with no copy
        serving, or not active now, is left to ``_resolve``."""
        row_copies, row_dag = self._row_copies, self._row_dag
        if row_copies is None or row_dag is None:
            row_copies, row_dag = self._plain_rows()
        touched, down, fresh = w.touched_vms, w.vm_down, run.fresh_vms
        copy_lost, logs_lost = w.copy_lost, w.logs_lost
        any_lost = bool(copy_lost or logs_lost)
        vm_site = self.prep.vm_site
        #: DAG → its quorum's sites, None without quorum (every DAG's state is listed).
        quorum_of = {d: (q.quorum_sites if q.quorum else None) for d, q in run.dag_state.items()}
        failover = t + self._failover_s
        restart = t + self._os_up_s
        restart += self._services_s
        timing = (failover, restart, max(0.0, failover - t), max(0.0, restart - t))
        table_rows, in_run, base_db = self.rows, run.db, self.base_db
        base_down, rpo_code = self._base_down, self._rpo_code_list
        decided: dict[str, DbRun] = {}
        fallback: list[str] = []
        made: dict[tuple[int, bool, int], DbRun] = {}
        key: tuple[int, bool, int] | None
        #: (the row's copies by id, its active member, its DAG) → (kept, the copy chosen,
        #: restarted, when it serves), when no copy is lost in the step.
        choices: dict[tuple[int, str, str], tuple[bool, int, bool, float]] = {}
        for r in rows:
            db_id = table_rows[r]
            st = in_run.get(db_id)
            earlier = st is not None
            if st is None:
                st = base_db[db_id]
            active = st.active_on
            if st.status != "active" or active is None:
                fallback.append(db_id)
                continue
            dag_id = row_dag[r]
            sites = quorum_of.get(dag_id)
            if (
                active not in touched
                and active not in fresh
                and (
                    (sites is not None and vm_site.get(active) in sites) or dag_id not in quorum_of
                )
            ):
                continue  # nothing under its active copy changed: kept (_keep)
            if sites is None:
                fallback.append(db_id)  # no quorum: no copy serves by itself
                continue
            copies = row_copies[r]
            # Without a copy lost, the choice depends on the copies (one tuple object
            # per distinct layout), the active member and the DAG's quorum alone: made
            # once per step for the rows that share them (a host's failure moves ~25
            # rows of a few layouts).
            shared = None if any_lost else (id(copies), active, dag_id)
            choice = None if shared is None else choices.get(shared)
            if choice is not None:
                kept, chosen, restarted, soonest = choice
            else:
                chosen = -1
                restarted = False
                soonest = math.inf
                kept = False
                # Once a copy serves after the failover (as soon as any can), only the
                # active member's own copy could still change the outcome (kept).
                done_at_failover = failover <= restart and (active in fresh or active in down)
                for m, vm, to_activate, site in copies:
                    if not to_activate or vm in down or site not in sites:
                        continue
                    if any_lost and (
                        (vm, db_id) in copy_lost
                        or (vm, "*") in copy_lost
                        or (vm, db_id) in logs_lost
                        or (vm, "*") in logs_lost
                    ):
                        continue
                    if vm in fresh:
                        if restart < soonest:
                            chosen, restarted, soonest = m, True, restart
                    else:
                        if vm == active:
                            kept = True
                            break
                        if failover < soonest:
                            chosen, restarted, soonest = m, False, failover
                            if done_at_failover:
                                break
                if shared is not None:
                    choices[shared] = (kept, chosen, restarted, soonest)
            if kept:
                continue  # its active copy still serves and was not restarted
            if chosen < 0:
                fallback.append(db_id)
                continue
            if earlier:
                # From the earlier step's state, as _resolve goes on from it.
                vm = self._names[chosen]
                since = st.down_since if st.down_since is not None else t
                decided[db_id] = DbRun(
                    "active",
                    vm,
                    vm_site.get(vm),
                    soonest,
                    since,
                    0.0 if st.rpo is None else max(st.rpo, 0.0),
                    max(0.0, soonest - since),
                    "",
                    False,
                    (),
                    True,
                    None,
                    _RESTART_SOURCE if restarted else _DAG_SOURCE,
                )
                continue
            down_since = base_down[r]
            key = None
            if down_since is None:
                key = (chosen, restarted, rpo_code[r])
                found = made.get(key)
                if found is not None:
                    decided[db_id] = found
                    continue
            state = decided[db_id] = self._moved(
                chosen, restarted, rpo_code[r], down_since, t, timing
            )
            if key is not None:
                made[key] = state
        others = [d for d in self.others if d in affected]
        return decided, others + fallback

    def _plain_rows(self) -> tuple[list[tuple[tuple[int, str, bool, str | None], ...]], list[str]]:
        """Per row, its copies in preference order as (member index, member, to activate:
        not lagged, the member's site), and its DAG (:meth:`_place_rows`' plain lists)."""
        names, vm_site, dbs = self._names, self.prep.vm_site, self.prep.dbs
        # One tuple object per distinct copies' tuple (rows of one layout share it:
        # ``_place_rows`` makes a choice once per layout and step).
        interned: dict[tuple[tuple[int, str, bool, str | None], ...], Any] = {}
        intern = interned.setdefault
        copies = self._row_copies = [
            intern(found, found)
            for found in (
                tuple(
                    (m, names[m], to_activate[k], vm_site.get(names[m]))
                    for k, m in enumerate(members[:length])
                )
                for members, to_activate, length in zip(
                    self.member.tolist(),
                    self._open.tolist(),
                    self.valid.sum(axis=1).tolist(),
                    strict=True,
                )
            )
        ]
        row_dag = self._row_dag = [str(dbs[d].dag) for d in self.rows]
        return copies, row_dag

    def _moved(
        self,
        chosen: int,
        restarted: bool,
        rpo_at: int,
        down_since: float | None,
        t: float,
        timing: tuple[float, float, float, float],
    ) -> DbRun:
        """The state of a database the step moves to the table's member ``chosen``:
        restarted there (vSphere HA) or by the DAG's failover; ``rpo_at``: its recovery
        point's index in ``_rpo_values``; ``timing``: the step's (failover ready,
        restart ready, their RTOs from ``t``)."""
        failover, restart, rto_failover, rto_restart = timing
        vm = self._names[chosen]
        if restarted:
            ready, rto, source = restart, rto_restart, _RESTART_SOURCE
        else:
            ready, rto, source = failover, rto_failover, _DAG_SOURCE
        if down_since is None:
            down_since = t
        else:
            rto = max(0.0, ready - down_since)
        return DbRun(
            "active",
            vm,
            self.prep.vm_site.get(vm),
            ready,
            down_since,
            self._rpo_values[rpo_at],
            rto,
            "",
            False,
            (),
            True,
            None,
            source,
        )

    def _rest(self, run: Run, affected: AbstractSet[str], fallback: list[str]) -> list[str]:
        """What ``_resolve`` decides: ``fallback``, the databases outside the table, and
        the table's databases a step before already changed (not placed from normal)."""
        rest = [d for d in self.others if d in affected]
        rest += fallback
        row_of, earlier = self.row_of, run.db
        # Databases a step before changed: kept or not, _resolve starts from their state.
        # The caller sorts ``rest``: the smaller side is walked (a site loss plus one
        # affects ~100 databases of the ~1,000 its site's step changed).
        done = set(fallback)
        if len(affected) < len(earlier):
            rest += [d for d in affected if d in earlier and d in row_of and d not in done]
        else:
            rest += [d for d in earlier if d in row_of and d in affected and d not in done]
        return rest


def _group(np: Any, keys: Any) -> dict[int, Any]:
    """Key → the (sorted) positions holding it."""
    found: dict[int, list[int]] = {}
    for position, key in enumerate(keys.tolist()):
        found.setdefault(key, []).append(position)
    return {k: np.array(v, dtype=np.intp) for k, v in found.items()}
