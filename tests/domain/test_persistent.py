"""The persistent containers behave like list and dict, and never change in place."""

from __future__ import annotations

import copy
import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.domain import persistent
from designer.domain.persistent import PersistentList, PersistentMap

# Small chunks so that a few dozen operations split, merge and empty chunks.
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), st.integers(-3, 200), st.integers()),
        st.tuples(st.just("delete"), st.integers(-3, 200), st.none()),
        st.tuples(st.just("set"), st.integers(-3, 200), st.integers()),
        st.tuples(st.just("insert_many"), st.integers(0, 200), st.integers(1, 80)),
        st.tuples(st.just("delete_many"), st.integers(0, 200), st.integers(1, 80)),
    ),
    max_size=60,
)


def _apply(plain: list[int], shared: PersistentList[int], op: tuple) -> PersistentList[int]:
    name, where, value = op
    size = len(plain)
    if name == "insert":
        index = min(max(where, -size), size) if size else 0
        plain.insert(index if index >= 0 else size + index, value)
        return shared.insert(index, value)
    if not size:
        return shared
    index = (where % size) if where >= 0 else max(where, -size)
    if name == "delete":
        del plain[index]
        return shared.delete(index)
    if name == "set":
        plain[index] = value
        return shared.set(index, value)
    if name == "insert_many":
        pairs = [(min(where + i, size + i), 1000 + i) for i in range(value)]
        for position, item in pairs:
            plain.insert(position, item)
        return shared.insert_many(pairs)
    doomed = sorted({(where + 3 * i) % size for i in range(value)})
    for position in reversed(doomed):
        del plain[position]
    return shared.delete_many(doomed)


@settings(max_examples=150, deadline=None)
@given(start=st.lists(st.integers(), max_size=300), ops=OPS, chunk=st.sampled_from([2, 4, 16]))
def test_list_edits_match_a_plain_list_and_leave_the_original_alone(
    start: list[int], ops: list[tuple], chunk: int
) -> None:
    saved = persistent.CHUNK
    persistent.CHUNK = chunk
    try:
        plain = list(start)
        shared = PersistentList(start)
        versions = [(list(plain), shared)]
        for op in ops:
            shared = _apply(plain, shared, op)
            versions.append((list(plain), shared))
            assert list(shared) == plain
            assert len(shared) == len(plain)
            assert shared == plain
        for expected, version in versions:  # every earlier snapshot is untouched
            assert list(version) == expected
            assert [version[i] for i in range(len(version))] == expected
            assert list(reversed(version)) == expected[::-1]
            assert version[1:-1] == expected[1:-1]
            if expected:
                assert version[-1] == expected[-1]
                assert expected[0] in version
    finally:
        persistent.CHUNK = saved


def test_list_equality_copy_and_pickle() -> None:
    items = PersistentList(range(1000))
    assert items == list(range(1000)) and list(range(1000)) == items
    assert items != list(range(999)) and items != PersistentList(range(999))
    assert items.set(3, 3) == items  # same content, different chunks
    assert PersistentList(items.insert(0, -1).delete(0)) == items
    assert copy.copy(items) is items
    assert copy.deepcopy(items) == items
    assert pickle.loads(pickle.dumps(items)) == items
    assert items.index(500) == 500 and items.count(7) == 1
    try:
        items[1000]
    except IndexError:
        pass
    else:
        raise AssertionError("index 1000 of 1000 items")


@settings(max_examples=100, deadline=None)
@given(
    start=st.dictionaries(st.text(max_size=3), st.integers(), max_size=40),
    changes=st.lists(
        st.dictionaries(st.text(max_size=3), st.one_of(st.none(), st.integers()), max_size=6),
        max_size=10,
    ),
)
def test_map_edits_match_a_dict_and_leave_the_original_alone(
    start: dict[str, int], changes: list[dict[str, int | None]]
) -> None:
    plain = dict(start)
    shared: PersistentMap[str, int] = PersistentMap(start)
    versions = [(dict(plain), shared)]
    for change in changes:
        for key, value in change.items():
            if value is None:
                plain.pop(key, None)
            else:
                plain[key] = value
        shared = shared.update(change)
        versions.append((dict(plain), shared))
    for expected, version in versions:
        assert version == expected and dict(version.items()) == expected
        assert len(version) == len(expected) and set(version) == set(expected)
        assert sorted(version.values()) == sorted(expected.values())
        for key, value in expected.items():
            assert version[key] == value and version.get(key) == value and key in version
    key = next(iter(start), None)
    if key is not None:
        assert key not in shared.delete(key) and key in PersistentMap(start)
    assert shared.set("new!", 1)["new!"] == 1 and shared.get("new!") is None


def test_map_equality_copy_and_pickle() -> None:
    layout = PersistentMap({"a": 1, "b": 2})
    assert layout == {"a": 1, "b": 2} and {"b": 2, "a": 1} == layout  # noqa: SIM300 (the reflected ==)
    assert layout != {"a": 1} and layout != {"a": 1, "b": 3}
    assert layout.set("a", 1) == layout and layout.delete("zz") is layout
    assert copy.deepcopy(layout) == layout
    assert pickle.loads(pickle.dumps(layout)) == layout


def _trie_order(plain: dict[str, int]) -> list[tuple[str, int]]:
    import immutables

    return list(immutables.Map(plain).items())


@settings(max_examples=100, deadline=None)
@given(
    plain=st.dictionaries(st.text(max_size=4), st.integers(), max_size=120),
    chunk=st.integers(min_value=1, max_value=50),
    stop=st.integers(min_value=0, max_value=5),
)
def test_a_map_made_from_a_dict_reads_before_and_iterates_as_a_trie_built_at_once(
    plain: dict[str, int], chunk: int, stop: int
) -> None:
    """A map made from a dict (a design read from its file) answers reads from its
    copy of the dict; iterated, changed, or built in slices (:meth:`prepare`, also
    interrupted by a read of the whole), it is the trie a build at once makes: the
    same entries in the same order."""
    whole = _trie_order(plain)
    lazy: PersistentMap[str, int] = PersistentMap(plain)
    assert not lazy.built
    for key, value in plain.items():
        assert lazy[key] == value and lazy.get(key) == value and key in lazy
    assert lazy.get("missing!") is None and lazy.get("missing!", 7) == 7 and "missing!" not in lazy
    assert len(lazy) == len(plain) and not lazy.built
    assert list(lazy.items()) == whole and lazy.built

    sliced: PersistentMap[str, int] = PersistentMap(plain)
    for _ in sliced.prepare(chunk):
        pass
    assert sliced.built and list(sliced.items()) == whole

    interrupted: PersistentMap[str, int] = PersistentMap(plain)
    steps = interrupted.prepare(chunk)
    for _ in zip(range(stop), steps, strict=False):
        pass
    assert list(interrupted) == [key for key, _ in whole]  # read whole: built at once
    for _ in steps:  # the slices left find it built and stop
        pass
    assert list(interrupted.items()) == whole

    for changed in (PersistentMap(plain).set("new!", 1), PersistentMap(plain).update({"x": 2})):
        expected = {**plain, **dict(changed.items())}
        assert dict(changed.items()) == expected and list(changed.items()) == _trie_order(expected)
    assert PersistentMap(plain) == plain and PersistentMap(plain) == PersistentMap(plain)


def test_a_map_made_from_a_dict_keeps_its_own_copy() -> None:
    plain = {"a": 1, "b": 2}
    lazy: PersistentMap[str, int] = PersistentMap(plain)
    plain["c"] = 3
    del plain["a"]
    assert "c" not in lazy and lazy.get("a") == 1 and len(lazy) == 2
    assert dict(lazy.items()) == {"a": 1, "b": 2}
    assert pickle.loads(pickle.dumps(PersistentMap({"a": 1}))) == {"a": 1}


@settings(max_examples=60, deadline=None)
@given(
    plain=st.dictionaries(st.text(max_size=3), st.integers(), max_size=20),
    asked=st.lists(st.text(max_size=3), max_size=12),
)
def test_has_all_says_whether_every_key_asked_is_in_the_map(
    plain: dict[str, int], asked: list[str]
) -> None:
    """``has_all`` (the canvas's build: whether each box in a box has a place) answers
    as a ``key in map`` per key does, while the map reads from its dict and once its
    trie is built, without building it."""
    keys = dict.fromkeys(asked)
    expected = all(key in plain for key in keys)
    lazy: PersistentMap[str, int] = PersistentMap(plain)
    assert lazy.has_all(keys) is expected and not lazy.built
    built: PersistentMap[str, int] = PersistentMap(plain)
    _ = list(built)  # the trie built
    assert built.built and built.has_all(keys) is expected
    assert PersistentMap(plain).set("new!", 1).has_all({"new!": None, **keys}) is expected
