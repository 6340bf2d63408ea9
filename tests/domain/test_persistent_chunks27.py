"""A persistent list's bulk removal and insertion keep the chunks they leave alone
(wave 27, ``slice27``): a big edit's steps at 100k remove or put back a few hundred
elements each, and rebuilding all of the list's chunks made the index's positions,
which follow the list by its chunks, read every element again at each step."""

from __future__ import annotations

import random

import pytest

from designer.domain.persistent import CHUNK, PersistentList


@pytest.mark.parametrize("seed", range(60))
def test_bulk_removal_and_insertion_are_the_list_operations(seed: int) -> None:
    rng = random.Random(seed)
    base = list(range(rng.randint(0, 6 * CHUNK)))
    items = PersistentList(base)
    gone = set(rng.sample(range(len(base)), rng.randint(0, len(base))))
    kept = [v for i, v in enumerate(base) if i not in gone]
    fewer = items.delete_many(gone)
    assert list(fewer) == kept and len(fewer) == len(kept)
    count = rng.randint(0, 500)
    places = sorted(rng.sample(range(len(kept) + count), count))
    expected = list(kept)
    for n, place in enumerate(places):
        expected.insert(place, -1 - n)
    more = fewer.insert_many([(place, -1 - n) for n, place in enumerate(places)])
    assert list(more) == expected and len(more) == len(expected)
    assert all(more[i] == expected[i] for i in range(0, len(expected), 97))


def test_chunks_left_alone_are_shared() -> None:
    items = PersistentList(range(100 * CHUNK))
    doomed = range(5 * CHUNK + 10, 5 * CHUNK + 300)  # 290 items of one chunk
    fewer = items.delete_many(doomed)
    assert sum(c is d for c, d in zip(items.chunks, fewer.chunks, strict=False)) >= 99 - 1
    back = fewer.insert_many([(i, i) for i in doomed])
    assert list(back) == list(range(100 * CHUNK))
    assert sum(any(c is d for d in fewer.chunks) for c in back.chunks) >= 98
