"""A save hands the file's text to the atomic writer in pieces and sorts the layout's
keys in short steps (wave 15, ``save15``: the longest turns of the window during a Save
As at 100,000 elements were the worker's single calls holding the interpreter lock: one
``sorted`` of a trie's 100,000 keys, 100-300 ms, and the join of 57 MB into one bytes
object). The file stays byte for byte the text ``json.dumps`` gave; these tests compare
with :func:`designer.persistence.dump.reference_dumps` and ``sorted``, and check that no
step of the save sorts more than a run or receives the whole text at once."""

from __future__ import annotations

import errno
import hashlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from designer.domain.design import Design
from designer.domain.persistent import PersistentList, PersistentMap
from designer.persistence import atomic, dump, loads, save

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the checkout, not a package
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_design  # noqa: E402


def _as_in_the_window(design: Design) -> Design:
    """The design as the window's Document holds it: its layout a trie, iterated in
    its keys' hash order (not the file's sorted order)."""
    layout = PersistentMap(design.layout)
    for _ in layout.prepare():
        pass
    return design.model_copy(update={"elements": PersistentList(design.elements), "layout": layout})


# -- the layout's keys sorted in steps ------------------------------------------------------
@pytest.mark.parametrize("run", [1, 2, 3, 7, 64, dump.SORT_RUN])
@pytest.mark.parametrize("count", [0, 1, 2, 5, 63, 64, 65, 129, 1000])
def test_sorted_in_steps_is_sorted(run: int, count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dump, "SORT_RUN", run)
    keys = [f"{(i * 7919) % 1009:04d}-{i}" for i in range(count)]
    assert dump.sorted_in_steps(keys) == sorted(keys)
    assert dump.sorted_in_steps(iter(keys)) == sorted(keys)
    assert dump.sorted_in_steps(PersistentMap(dict.fromkeys(keys))) == sorted(keys)


@given(keys=st.lists(st.text(), unique=True), run=st.integers(min_value=1, max_value=9))
def test_sorted_in_steps_sorts_any_strings(keys: list[str], run: int) -> None:
    saved = dump.SORT_RUN
    dump.SORT_RUN = run
    try:
        assert dump.sorted_in_steps(keys) == sorted(keys)
    finally:
        dump.SORT_RUN = saved


@pytest.mark.parametrize("run", [1, 5, 64, dump.SORT_RUN])
def test_a_layout_in_hash_order_dumps_as_json_dumps_did(
    run: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    design = generate_design(1_000, seed=1)
    window = _as_in_the_window(design)
    assert list(window.layout) != sorted(window.layout)  # the trie's own order
    monkeypatch.setattr(dump, "SORT_RUN", run)
    expected = dump.reference_dumps(design)
    assert dump.dumps(window) == expected
    assert b"".join(dump.dump_pieces(window)) == expected.encode("utf-8")
    save(window, tmp_path / "saved.json")
    assert (tmp_path / "saved.json").read_bytes() == expected.encode("utf-8")


def test_no_sort_of_the_dump_takes_more_than_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``sorted`` the dump calls gets at most :data:`~dump.SORT_RUN` items (the
    merges after them are linear): a whole layout sorted at once fails here."""
    design = _as_in_the_window(generate_design(1_000, seed=0))
    sizes: list[int] = []

    def recording(items: Iterable[Any], **kwargs: Any) -> list[Any]:
        result = sorted(items, **kwargs)
        sizes.append(len(result))
        return result

    monkeypatch.setattr(dump, "SORT_RUN", 64)
    monkeypatch.setattr(dump, "sorted", recording, raising=False)
    text = dump.dumps(design)
    monkeypatch.undo()
    assert text == dump.reference_dumps(design)
    assert len(design.layout) > 64 * 4 and max(sizes) == 64


# -- the text handed to the writer in pieces -----------------------------------------------
def test_a_save_hands_the_writer_pieces_never_the_whole_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    design = _as_in_the_window(generate_design(1_000, seed=0))
    written: list[int] = []
    real = atomic._write_all

    def recording(fd: int, data: bytes) -> None:
        written.append(len(data))
        real(fd, data)

    monkeypatch.setattr(atomic, "_write_all", recording)
    monkeypatch.setattr(dump, "CHUNK", 64)
    target = tmp_path / "design.json"
    stamp = save(design, target)
    content = target.read_bytes()
    assert content == dump.reference_dumps(design).encode("utf-8")
    assert loads(content) == design
    assert sum(written) == len(content) and max(written) < len(content) / 8
    assert stamp.digest == hashlib.sha256(content).hexdigest()
    assert stamp.size == len(content) == target.stat().st_size
    assert atomic.read_stamp(target) == stamp


@pytest.mark.parametrize(
    "pieces",
    [[], [b""], [b"one piece"], [b"a", b"", b"bc", b"\xc3\xa9t\xc3\xa9"], [b"x" * 70_000] * 3],
    ids=["none", "one-empty", "one", "several", "big"],
)
@pytest.mark.parametrize("where", ["new", "replaced", "hard-linked"])
def test_the_writer_writes_pieces_as_their_concatenation(
    tmp_path: Path, pieces: list[bytes], where: str
) -> None:
    target = tmp_path / "out.bin"
    if where != "new":
        target.write_bytes(b"old content, longer than some of the new ones" * 3)
    if where == "hard-linked":
        os.link(target, tmp_path / "twin.bin")
    inode = target.stat().st_ino if where == "hard-linked" else None
    stamp = atomic.write_atomic(target, pieces)
    whole = b"".join(pieces)
    assert target.read_bytes() == whole
    assert stamp.digest == hashlib.sha256(whole).hexdigest() and stamp.size == len(whole)
    assert atomic.read_stamp(target) == stamp
    if where == "hard-linked":
        assert target.stat().st_ino == inode and (tmp_path / "twin.bin").read_bytes() == whole
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_full_disk_in_the_second_piece_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    real = atomic._write_all
    calls: list[bytes] = []

    def full(fd: int, data: bytes) -> None:
        calls.append(data)
        if len(calls) == 2:
            real(fd, data[:1])
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, data)

    monkeypatch.setattr(atomic, "_write_all", full)
    with pytest.raises(OSError) as caught:
        atomic.write_atomic(target, [b"first", b"second", b"third"])
    assert caught.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == [
        "out.bin"
    ]
