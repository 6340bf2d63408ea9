"""``PersistentList.insert_many`` of many items merges them in one pass (a site's undo
at 100k puts back 10,500 elements; ``list.insert`` of each moved the list's tail): the
same list as inserting each in turn, for pairs in order, out of order and past the end
(wave 26, ``group26``)."""

from __future__ import annotations

import random

import pytest

from designer.domain.persistent import PersistentList


@pytest.mark.parametrize("seed", range(6))
def test_insert_many_is_each_inserted_in_turn(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        base = list(range(rng.randint(0, 3000)))
        count = rng.randint(0, 400)
        if rng.random() < 0.8:  # positions in the result, ascending (an undo's)
            spots = sorted(rng.sample(range(len(base) + count + 5), count))
        else:
            spots = [rng.randint(0, len(base) + count + 3) for _ in range(count)]
        pairs = [(spot, -n - 1) for n, spot in enumerate(spots)]
        expected = list(base)
        for spot, value in pairs:
            expected.insert(spot, value)
        assert list(PersistentList(base).insert_many(pairs)) == expected
