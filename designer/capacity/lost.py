"""The passive copies a failure destroys, summed per member once per array and LUN.

A mode's member loads take away the passive copies the failure destroyed (a copy on a
member still up, active there neither in normal operation nor in the mode):
:meth:`CapacityEngine._lost_walk` visits every lost (member, database) pair of the
world, ~1,000 for an array's loss at 25k and ~2,000 for a site's, in every mode that
loses them (each array alone, each double failure with an array, each site loss and
site loss plus one). The pairs come from the lost LUNs only (``compute_world``: a
LUN's loss is what its disks hold), so :class:`LostCopies` sums them per member once
per array and per LUN, and a mode reads a few sums per lost array instead of a
thousand pairs:

- a pair on more than one LUN (a database disk and a log disk apart) is left out of
  the sums and walked as before, so that it counts once;
- a copy the mode moved its database to is lost but active: its share is given back
  (one lookup per moved database);
- a lost disk tied to no database ("*": every copy on that member) on a member still
  up, or a VM relocated, sends the mode back to the walk.

The sums add the same figures in another order than the walk: a member's megacycles
may differ in the last bits (tests/capacity/test_lost_copies.py compares both on
every mode).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from itertools import chain, repeat
from typing import Any

from designer.simulation.prepared import Prepared
from designer.simulation.world import World, lun_loss

__all__ = ["LostCopies"]

#: Member → (passive mailboxes, passive megacycles) the loss destroys.
Sums = dict[str, list[float]]


class _Part:
    """What one LUN's (or array's) loss destroys."""

    __slots__ = ("multi", "stars", "sums")

    def __init__(self) -> None:
        self.sums: Sums = {}
        #: Pairs on more than one LUN: walked one by one.
        self.multi: set[tuple[str, str]] = set()
        #: Members that lose a disk tied to no database with it.
        self.stars: set[str] = set()

    def add(self, other: _Part) -> None:
        for vm, (mbx, mc) in other.sums.items():
            row = self.sums.get(vm)
            if row is None:
                self.sums[vm] = [mbx, mc]
            else:
                row[0] += mbx
                row[1] += mc
        if other.multi:
            self.multi |= other.multi
        if other.stars:
            self.stars |= other.stars


class LostCopies:
    """Per LUN and per array of one engine, the passive copies its loss destroys."""

    def __init__(
        self,
        prep: Prepared,
        members: AbstractSet[str] | Mapping[str, object],
        costs: Mapping[str, Any],
        base_active: Mapping[str, str | None],
        passive_of: Mapping[str, AbstractSet[str]],
    ) -> None:
        """``costs``: database → its cost (``mailboxes``, ``passive_mc``); the other
        arguments as :class:`~designer.capacity.engine.CapacityEngine` holds them.

        One pass over every LUN's lost pairs (17,000 at 25k) keeps the pairs whose loss
        counts: a passive copy (its member holds one: ``passive_of``) on a member, of a
        database with a cost, where it was not active in normal operation. A pair on
        more than one LUN is walked instead; a pair's check is a string-keyed read, its
        (pair → LUN) entry what :meth:`subtract` asks of a moved database."""
        self.prep = prep
        self.costs = costs
        #: Database → the members whose copy of it counts when lost: its holders but
        #: its normal active member (a set difference when every holder is a member:
        #: every database at 25k, ~4 × cheaper than a comprehension).
        eligible: dict[str, AbstractSet[str]] = {}
        keys = members.keys() if isinstance(members, Mapping) else members
        #: (the holders' set by id, the normal active member) → its eligible set: the
        #: engine shares one holders' set among the databases of a layout (at 25k 160
        #: for 4,000 databases), and so do their eligible sets (only read).
        shared: dict[tuple[int, str | None], AbstractSet[str]] = {}
        for db_id, holders in passive_of.items():
            if db_id not in costs or db_id not in base_active:
                continue
            was = base_active[db_id]
            found = shared.get((id(holders), was))
            if found is None:
                if holders <= keys:
                    found = holders - {was}
                else:
                    found = {vm for vm in holders if vm in members and vm != was}
                if type(holders) is frozenset:  # kept alive by ``passive_of``: its id too
                    shared[(id(holders), was)] = found
            eligible[db_id] = found
        #: LUN → what its loss destroys, summed in the same pass (a LUN holding a pair
        #: found on another LUN too is summed again once they are all known).
        self._luns: dict[str, _Part] = {}
        luns = self._luns
        #: LUN → its eligible pairs, for the LUNs summed again.
        found_pairs: dict[str, list[tuple[str, str]]] = {}
        again: set[str] = set()
        for lun in prep.disks_on_lun:
            loss = lun_loss(prep, lun)
            part = luns[lun] = _Part()
            sums = part.sums
            pairs: list[tuple[str, str]] = []
            for listed in (loss.copies, loss.logs):
                for pair in listed:
                    vm, db_id = pair
                    if db_id == "*":
                        if vm in members:
                            part.stars.add(vm)
                        continue
                    counted = eligible.get(db_id)
                    if counted is None or vm not in counted:
                        continue
                    pairs.append(pair)
                    cost = costs[db_id]
                    row = sums.get(vm)
                    if row is None:
                        sums[vm] = [cost.mailboxes, cost.passive_mc]
                    else:
                        row[0] += cost.mailboxes
                        row[1] += cost.passive_mc
            found_pairs[lun] = pairs
        self._found_pairs = found_pairs
        # The pairs on more than one LUN (a database disk and a log disk apart), found
        # at C speed: none when the pairs are as many as the distinct ones (at 25k).
        every = list(chain.from_iterable(found_pairs.values()))
        multi: set[tuple[str, str]] = set()
        if len(set(every)) != len(every):
            multi = {pair for pair, n in Counter(every).items() if n > 1}
            again = {lun for lun, pairs in found_pairs.items() if not multi.isdisjoint(pairs)}
        self.multi = multi
        #: See :attr:`pair_lun` (made when first read).
        self._pair_lun: dict[tuple[str, str], str] | None = None
        for lun in again:
            # Summed again without the pairs on more than one LUN (walked instead), in
            # the same order: the same floats as a LUN without them.
            part = luns[lun]
            part.sums = sums = {}
            for pair in found_pairs[lun]:
                if pair in multi:
                    part.multi.add(pair)
                    continue
                vm = pair[0]
                cost = costs[pair[1]]
                row = sums.get(vm)
                if row is None:
                    sums[vm] = [cost.mailboxes, cost.passive_mc]
                else:
                    row[0] += cost.mailboxes
                    row[1] += cost.passive_mc
        self._arrays: dict[str, _Part] = {}

    @property
    def pair_lun(self) -> dict[tuple[str, str], str]:
        """Eligible pair → the LUN whose loss destroys it (pairs on one LUN only): read
        only for a moved database whose new member's copy is lost (:meth:`subtract`),
        so made when first read, at C speed (12,000 pairs at 25k)."""
        found = self._pair_lun
        if found is None:
            found_pairs = self._found_pairs
            found = dict(
                zip(
                    chain.from_iterable(found_pairs.values()),
                    chain.from_iterable(
                        repeat(lun, len(pairs)) for lun, pairs in found_pairs.items()
                    ),
                    strict=True,
                )
            )
            for pair in self.multi:
                del found[pair]
            self._pair_lun = found
        return found

    @pair_lun.setter
    def pair_lun(self, found: dict[tuple[str, str], str]) -> None:
        self._pair_lun = found

    def _lun(self, lun: str) -> _Part:
        part = self._luns.get(lun)
        if part is None:  # a LUN without disks
            part = self._luns[lun] = _Part()
        return part

    def _array(self, array: str) -> _Part:
        part = self._arrays.get(array)
        if part is None:
            part = self._arrays[array] = _Part()
            for lun in self.prep.luns_of_array.get(array, ()):
                part.add(self._lun(lun))
        return part

    def subtract(
        self,
        world: World,
        moved: Mapping[str, str | None],
        lost: AbstractSet[tuple[str, str]],
        down: AbstractSet[str],
        delta: dict[str, list[float]],
    ) -> set[tuple[str, str]] | None:
        """Take the copies ``world`` destroyed away from ``delta`` (as the walk's lost
        copies loop does), but the pairs on more than one LUN, returned for the walk;
        None (``delta`` untouched) when the walk must do it all."""
        if world.vm_relocated:
            return None
        parts: list[_Part] = []
        covered: set[str] = set()
        luns_of_array = self.prep.luns_of_array
        for array in world.arrays_down:
            parts.append(self._array(array))
            covered.update(luns_of_array.get(array, ()))
        luns_down = world.luns_down
        if not luns_down <= covered:  # (at C speed: most modes lose whole arrays)
            parts += [self._lun(lun) for lun in luns_down if lun not in covered]
        multi: set[tuple[str, str]] = set()
        for part in parts:
            if part.stars and not part.stars <= down:
                return None
            if part.multi:
                multi |= part.multi
        #: The members up whose copies the parts summed.
        summed: set[str] = set()
        for part in parts:
            for vm, (mbx, mc) in part.sums.items():
                if vm in down:
                    continue
                summed.add(vm)
                row = delta.get(vm)
                if row is None:
                    row = delta[vm] = [0, 0, 0, 0.0, 0.0]
                row[2] -= mbx
                row[3] -= mc
        # A moved database's lost copy on its new member is active there, not lost:
        # its share is given back when a lost LUN summed it (``luns_down`` holds the
        # lost arrays' LUNs too): its new member is then one of ``summed`` (a string
        # read before a pair is made, ~500 moved databases per mode). None of them, at
        # C speed, in most modes (every mode of the 25k design: its moves go to members
        # whose copies the loss spared).
        if summed.isdisjoint(moved.values()):
            return multi
        costs = self.costs
        for db_id, now in moved.items():
            if now not in summed or (now, db_id) not in lost:
                continue
            lun = self.pair_lun.get((now, db_id))
            if lun is not None and lun in luns_down:
                cost = costs[db_id]
                row = delta[now]
                row[2] += cost.mailboxes
                row[3] += cost.passive_mc
        return multi
