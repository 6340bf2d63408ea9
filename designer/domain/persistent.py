"""Immutable containers whose edits share structure with the original (persistent).

A :class:`~designer.domain.design.Design` snapshot is immutable, and the Document makes
a new one for every edit. With a plain ``list`` of elements and a ``dict`` of layout
entries each edit copied both (C-speed, but proportional to the design: a few
milliseconds per edit at 100,000 elements, tens for an undone delete). These two keep
a snapshot's API — a sequence of elements, a mapping of layout entries — and make an
edit cost what it changes:

* :class:`PersistentList`: a tuple of chunks (tuples of up to ``2 * CHUNK`` items).
  Setting, inserting or deleting one item copies one chunk and the tuple of chunks
  (``CHUNK + n / CHUNK`` references: about 700 at 100,000 elements), iteration and
  indexing run at C speed. Written here because pyrsistent's ``PVector`` has no
  ``insert`` and its ``delete`` rebuilds the whole vector (undo of a delete puts an
  element back where it was), and no other well-kept library offers a persistent
  sequence with positional inserts.
* :class:`PersistentMap`: a read-only ``Mapping`` over an ``immutables.Map`` (a hash
  array mapped trie in C, MagicStack's, the structure behind ``contextvars``);
  ``set``/``delete``/``update`` return a new map sharing all but a path of the trie.
  Iteration order is the trie's (hash order), not insertion order: use it where order
  does not matter (the layout; the file writer sorts keys anyway).

Both compare equal to the plain ``list``/``dict`` with the same content, so a design
rebuilt from its file equals the Document's snapshot.

Examples
--------
>>> items = PersistentList(range(5))
>>> edited = items.insert(2, "x").delete(0).set(-1, "y")
>>> list(edited), list(items)
([1, 'x', 2, 3, 'y'], [0, 1, 2, 3, 4])
>>> edited == [1, "x", 2, 3, "y"]
True
>>> layout = PersistentMap({"a": 1}).set("b", 2)
>>> layout == {"a": 1, "b": 2}, "b" in PersistentMap({"a": 1})
(True, False)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import accumulate, chain, islice
from typing import Any, TypeVar, overload

import immutables

__all__ = ["CHUNK", "PersistentList", "PersistentMap"]

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

#: Items per chunk when a list is built; a chunk splits when it passes twice this.
CHUNK = 1024

#: Inserting or deleting more items than this at once rebuilds the chunks instead.
_BULK = 64


def _chunked(items: Sequence[T]) -> tuple[tuple[T, ...], ...]:
    return tuple(tuple(items[i : i + CHUNK]) for i in range(0, len(items), CHUNK))


class PersistentList(Sequence[T]):
    """An immutable sequence; :meth:`set`, :meth:`insert` and :meth:`delete` return a
    new list sharing every chunk but one with this one."""

    __slots__ = ("_chunks", "_starts")

    _chunks: tuple[tuple[T, ...], ...]
    #: Index of the first item of each chunk, then the length: ``len(_chunks) + 1`` items.
    _starts: tuple[int, ...]

    def __init__(self, items: Iterable[T] = ()) -> None:
        if isinstance(items, PersistentList):
            self._chunks, self._starts = items._chunks, items._starts
            return
        seq = items if isinstance(items, list | tuple) else list(items)
        self._adopt(_chunked(seq))

    def _adopt(self, chunks: tuple[tuple[T, ...], ...]) -> None:
        self._chunks = chunks
        self._starts = tuple(accumulate(map(len, chunks), initial=0))

    @classmethod
    def _of(
        cls, chunks: tuple[tuple[T, ...], ...], starts: tuple[int, ...] | None = None
    ) -> PersistentList[T]:
        result: PersistentList[T] = cls.__new__(cls)
        if starts is None:
            result._adopt(chunks)
        else:
            result._chunks, result._starts = chunks, starts
        return result

    # -- reading -----------------------------------------------------------------------
    def __len__(self) -> int:
        return self._starts[-1]

    def __iter__(self) -> Iterator[T]:
        return chain.from_iterable(self._chunks)

    @property
    def chunks(self) -> tuple[tuple[T, ...], ...]:
        """The chunks, in order: a list made from another by :meth:`set`,
        :meth:`insert` or :meth:`delete` holds the same chunk objects except where it
        changed (:meth:`designer.domain.index.LiveIndex.follow` skips those)."""
        return self._chunks

    def __reversed__(self) -> Iterator[T]:
        return chain.from_iterable(reversed(chunk) for chunk in reversed(self._chunks))

    def __contains__(self, value: object) -> bool:
        return any(value in chunk for chunk in self._chunks)

    def _locate(self, index: int) -> tuple[int, int]:
        """(chunk, offset in it) of ``index`` (0 <= index < len)."""
        j = bisect_right(self._starts, index) - 1
        return j, index - self._starts[j]

    def _normal(self, index: int, *, end_ok: bool = False) -> int:
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size + end_ok:
            raise IndexError("PersistentList index out of range")
        return index

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step == 1:
                return list(islice(self, start, max(start, stop)))
            return list(self)[index]
        j, offset = self._locate(self._normal(index))
        return self._chunks[j][offset]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PersistentList):
            if self._chunks is other._chunks:
                return True
            if self._starts == other._starts:  # same chunking: compare chunk by chunk
                return all(
                    a is b or a == b for a, b in zip(self._chunks, other._chunks, strict=True)
                )
            return len(self) == len(other) and list(self) == list(other)
        if isinstance(other, list | tuple):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a list's semantics: compared by value

    def __repr__(self) -> str:
        return f"PersistentList({list(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (PersistentList, (list(self),))

    def __copy__(self) -> PersistentList[T]:
        return self

    # -- editing: each returns a new list ------------------------------------------------
    def set(self, index: int, value: T) -> PersistentList[T]:
        """This list with ``value`` at ``index``."""
        j, offset = self._locate(self._normal(index))
        chunk = self._chunks[j]
        new = (*chunk[:offset], value, *chunk[offset + 1 :])
        return self._of((*self._chunks[:j], new, *self._chunks[j + 1 :]), self._starts)

    def set_many(self, changes: Mapping[int, T]) -> PersistentList[T]:
        """This list with ``changes`` (index → value) applied: each chunk changed made
        once, the chunks' tuple once (a site's deletion at 100k edits ~4,000 survivors:
        one :meth:`set` each made the tuple of every chunk again each time)."""
        if len(changes) < 2:
            result = self
            for index, value in changes.items():
                result = result.set(index, value)
            return result
        chunks = list(self._chunks)
        changed: dict[int, list[T]] = {}
        for index, value in changes.items():
            j, offset = self._locate(self._normal(index))
            chunk = changed.get(j)
            if chunk is None:
                chunk = changed[j] = list(chunks[j])
            chunk[offset] = value
        for j, chunk in changed.items():
            chunks[j] = tuple(chunk)
        return self._of(tuple(chunks), self._starts)

    def insert(self, index: int, value: T) -> PersistentList[T]:
        """This list with ``value`` inserted before ``index`` (``len``: appended)."""
        index = self._normal(index, end_ok=True)
        chunks = self._chunks
        if not chunks:
            return self._of(((value,),))
        if index == len(self):
            j, offset = len(chunks) - 1, len(chunks[-1])
        else:
            j, offset = self._locate(index)
        chunk = chunks[j]
        new = (*chunk[:offset], value, *chunk[offset:])
        if len(new) > 2 * CHUNK:
            half = len(new) // 2
            return self._of((*chunks[:j], new[:half], new[half:], *chunks[j + 1 :]))
        return self._of((*chunks[:j], new, *chunks[j + 1 :]))

    def insert_many(self, items: Iterable[tuple[int, T]]) -> PersistentList[T]:
        """Insert (index, value) pairs, ascending by the index each has in the result."""
        pairs = list(items)
        if len(pairs) > _BULK and all(pairs[i][0] < pairs[i + 1][0] for i in range(len(pairs) - 1)):
            return self._with(pairs)
        if len(pairs) > _BULK:
            # Merged in one pass (a site's undo at 100k puts back 10,500 elements:
            # ``list.insert`` of each moved the list's tail, ~0.1 s). A pair out of
            # order goes where ``list.insert`` puts it.
            source = list(self)
            plain: list[T] = []
            taken = 0
            for index, value in pairs:
                if index < len(plain):
                    plain.insert(index, value)
                    continue
                upto = min(taken + index - len(plain), len(source))
                plain.extend(source[taken:upto])
                taken = upto
                plain.append(value)
            plain.extend(source[taken:])
            return PersistentList(plain)
        result = self
        for index, value in pairs:
            result = result.insert(min(index, len(result)), value)
        return result

    def append(self, value: T) -> PersistentList[T]:
        return self.insert(len(self), value)

    def delete(self, index: int) -> PersistentList[T]:
        """This list without the item at ``index``."""
        j, offset = self._locate(self._normal(index))
        chunks = self._chunks
        chunk = chunks[j]
        new = (*chunk[:offset], *chunk[offset + 1 :])
        if not new:
            return self._of((*chunks[:j], *chunks[j + 1 :]))
        if len(new) < CHUNK // 4 and len(chunks) > 1:
            # Merge a small chunk into a neighbour so deletions do not fragment the list.
            lo = j - 1 if j > 0 else 0
            merged = (*chunks[j - 1], *new) if j > 0 else (*new, *chunks[1])
            if len(merged) <= 2 * CHUNK:
                return self._of((*chunks[:lo], merged, *chunks[lo + 2 :]))
        return self._of((*chunks[:j], new, *chunks[j + 1 :]))

    def _with(self, pairs: list[tuple[int, T]]) -> PersistentList[T]:
        """:meth:`insert_many` of ``pairs`` (strictly ascending result indices), the
        chunks that get no item kept as they are (see :meth:`_without`)."""
        out: list[tuple[T, ...]] = []
        p, n = 0, len(pairs)
        produced = 0  # items of the result so far
        for chunk in self._chunks:
            if p >= n or pairs[p][0] >= produced + len(chunk):
                out.append(chunk)
                produced += len(chunk)
                continue
            # The chunk's items in slices between the new ones (a step of a site's undo
            # at 100k: its ~300 items fall in a few chunks of ~1,000; item by item in
            # Python, each such chunk cost ~1,000 turns of a loop).
            merged: list[T] = []
            taken = 0  # the chunk's items in ``merged``
            while p < n and (at := pairs[p][0] - produced - len(merged) + taken) < len(chunk):
                merged += chunk[taken:at]
                taken = max(taken, at)
                merged.append(pairs[p][1])
                p += 1
            merged += chunk[taken:]
            out.extend(tuple(merged[i : i + CHUNK]) for i in range(0, len(merged), CHUNK))
            produced += len(merged)
        if p < n:
            tail = [value for _, value in pairs[p:]]
            out.extend(tuple(tail[i : i + CHUNK]) for i in range(0, len(tail), CHUNK))
        return self._of(tuple(out))

    def delete_many(self, indices: Iterable[int]) -> PersistentList[T]:
        """This list without the items at ``indices`` (positions in this list)."""
        doomed = sorted({self._normal(i) for i in indices}, reverse=True)
        if len(doomed) > _BULK:
            return self._without(doomed[::-1])
        result = self
        for index in doomed:
            result = result.delete(index)
        return result

    def _without(self, doomed: list[int]) -> PersistentList[T]:
        """This list without the items at ``doomed`` (ascending), the chunks that keep
        all their items kept as they are: a big edit's steps at 100k removed a few
        hundred items each, and rebuilding all 100 chunks made every reader that
        follows the list by its chunks (the index's positions) read all of them again."""
        chunks, starts = self._chunks, self._starts
        out: list[tuple[T, ...]] = []
        k, n = 0, len(doomed)
        for j, chunk in enumerate(chunks):
            end = starts[j + 1]
            if k >= n or doomed[k] >= end:
                out.append(chunk)
                continue
            start = starts[j]
            kept: list[T] = []  # the chunk's items in slices between those doomed
            taken = 0
            while k < n and doomed[k] < end:
                kept += chunk[taken : doomed[k] - start]
                taken = doomed[k] - start + 1
                k += 1
            kept += chunk[taken:]
            new = tuple(kept)
            if not new:
                continue
            if len(new) < CHUNK // 4 and out and len(out[-1]) + len(new) <= 2 * CHUNK:
                out[-1] = (*out[-1], *new)  # (deletions do not fragment the list)
            else:
                out.append(new)
        return self._of(tuple(out))


class PersistentMap(Mapping[K, V]):
    """An immutable mapping; :meth:`set`, :meth:`delete` and :meth:`update` return a new
    map sharing structure with this one (``immutables.Map`` underneath).

    Made from a plain ``dict`` (a design read from its file: 100,000 layout entries),
    it keeps a copy of the dict and builds the trie only when it is first iterated or
    changed, or when :meth:`prepare` builds it in slices: reads (``get``, ``in``,
    ``len``) answer from the dict meanwhile. Building the trie of 100,000 entries costs
    ~28 ms; the dict's copy ~2. The trie is the same whenever it is built (its order
    is the keys' hashes', whatever the time), so nothing that iterates it sees a
    difference."""

    __slots__ = ("_built", "_plain")

    #: Entries added to the trie between two yields of :meth:`prepare` (~6 ms).
    PREPARE_CHUNK = 20_000

    _built: immutables.Map[K, V] | None
    #: The entries while the trie is not built (a private copy, never changed).
    _plain: dict[K, V] | None

    def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        if isinstance(items, PersistentMap):
            self._built, self._plain = items._built, items._plain
        elif type(items) is dict:
            self._built, self._plain = None, items.copy()
        else:
            self._built, self._plain = immutables.Map(items), None

    @classmethod
    def _of(cls, inner: immutables.Map[K, V]) -> PersistentMap[K, V]:
        result = cls.__new__(cls)
        result._built, result._plain = inner, None
        return result

    @property
    def _map(self) -> immutables.Map[K, V]:
        """The trie (built now if it was not)."""
        built = self._built
        if built is None:
            plain = self._plain
            assert plain is not None
            built = self._built = immutables.Map(plain)  # then the dict is let go
            self._plain = None
        return built

    @property
    def built(self) -> bool:
        """Whether the trie is built (a map made from a dict builds it when needed)."""
        return self._built is not None

    def prepare(self, chunk: int | None = None) -> Iterator[None]:
        """Build the trie ``chunk`` entries at a time (:attr:`PREPARE_CHUNK`), yielding
        between chunks (idle slices after opening a big design), so that the first edit
        does not. The same trie as a build at once: the same entries added in the same
        order."""
        plain = self._plain
        if self._built is not None or plain is None:
            return
        chunk = chunk or self.PREPARE_CHUNK
        building: immutables.MapMutation[K, V] = immutables.Map().mutate()
        entries = iter(plain.items())  # the dict never changes
        while True:
            part = list(islice(entries, chunk))
            for key, value in part:
                building[key] = value
            if len(part) < chunk:
                break
            yield
            if self._built is not None:  # built meanwhile (read whole, or changed)
                return
        if self._built is None:
            self._built = building.finish()
            self._plain = None

    def __getitem__(self, key: K) -> V:
        plain = self._plain
        if plain is not None:
            return plain[key]
        return self._map[key]

    def getter(self) -> Callable[[K], V | None]:
        """:meth:`get` for many reads in a row (the canvas's build: 30,000 boxes' places
        at 100k, ~6 ms of calls through this class): the dict's or the trie's own method.
        Right for as long as it is kept: the map never changes (its dict, once the trie
        is built, holds what the trie holds)."""
        plain = self._plain
        return plain.get if plain is not None else self._map.get

    def has_all(self, keys: Mapping[K, object]) -> bool:
        """Whether every key of ``keys`` is in the map: while the dict answers reads, a
        comparison of the two key views in C (the canvas's build: whether each of
        30,000 boxes in boxes has a place, ~7 M instructions less at 100k than a
        ``get`` call per key; wave 23, ``open23a``)."""
        plain = self._plain
        if plain is not None:
            return keys.keys() <= plain.keys()
        return all(map(self._map.__contains__, keys))

    def get(self, key: K, default: Any = None) -> Any:
        plain = self._plain
        if plain is not None:
            return plain.get(key, default)
        return self._map.get(key, default)

    def __contains__(self, key: object) -> bool:
        plain = self._plain
        if plain is not None:
            return key in plain
        return key in self._map

    def __iter__(self) -> Iterator[K]:
        return iter(self._map)

    def __len__(self) -> int:
        plain = self._plain
        if plain is not None:
            return len(plain)
        return len(self._map)

    def keys(self):
        return self._map.keys()

    def values(self):
        return self._map.values()

    def items(self):
        return self._map.items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PersistentMap):
            return self._map is other._map or self._map == other._map
        if isinstance(other, Mapping):
            if len(self) != len(other):
                return False
            missing = object()
            return all(other.get(key, missing) == value for key, value in self._map.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a dict's semantics: compared by value

    def __repr__(self) -> str:
        return f"PersistentMap({dict(self._map.items())!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (PersistentMap, (dict(self._map.items()),))

    def __copy__(self) -> PersistentMap[K, V]:
        return self

    def set(self, key: K, value: V) -> PersistentMap[K, V]:
        return self._of(self._map.set(key, value))

    def delete(self, key: K) -> PersistentMap[K, V]:
        """This map without ``key`` (unchanged if it has none)."""
        if key not in self._map:
            return self
        return self._of(self._map.delete(key))

    def update(self, changes: Mapping[K, V | None]) -> PersistentMap[K, V]:
        """This map with ``changes`` applied: a value sets its key, None removes it."""
        if not changes:
            return self
        with self._map.mutate() as editing:
            for key, value in changes.items():
                if value is None:
                    editing.pop(key, None)
                else:
                    editing[key] = value
            inner = editing.finish()
        return self._of(inner)
