"""The rule caches keep nothing alive (issue 15: four caches weak-keyed by the design
index held the index in their values, so every design ever checked stayed in memory:
~75 MB per load+check of a 25k design, 6.7 MB per edit in the window)."""

from __future__ import annotations

import gc
import sys
import tracemalloc
import weakref
from pathlib import Path

import designer.rules.checks
from designer.domain import DesignIndex
from designer.persistence import dumps, loads
from designer.rules import check
from designer.rules.engine import load_all_rules

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate_design  # noqa: E402


def _caches() -> dict[str, weakref.WeakKeyDictionary]:
    """Every module-level weak-keyed cache of the rule modules (found, not listed, so a
    new cache is checked too)."""
    load_all_rules()
    found = {}
    for name, module in sorted(sys.modules.items()):
        if name.startswith(designer.rules.checks.__name__ + "."):
            for attr, value in vars(module).items():
                if isinstance(value, weakref.WeakKeyDictionary):
                    found[f"{name}.{attr}"] = value
    return found


CACHES = _caches()


def test_the_rule_caches_are_found() -> None:
    assert len(CACHES) >= 5, sorted(CACHES)


def test_a_checked_design_and_its_index_are_freed() -> None:
    text = dumps(generate_design(400, seed=3))
    design = loads(text)
    index = DesignIndex(design)
    check(design, index=index)
    filled = [name for name, cache in CACHES.items() if index in cache]
    assert len(filled) >= 4, filled  # the check did use the caches
    design_ref, index_ref = weakref.ref(design), weakref.ref(index)
    del design, index
    gc.collect()
    assert index_ref() is None, "a rule cache keeps the design index alive"
    assert design_ref() is None


def test_loading_and_checking_the_same_design_many_times_keeps_memory_flat() -> None:
    text = dumps(generate_design(400, seed=5))
    refs: list[weakref.ref] = []

    def cycle() -> None:
        design = loads(text)
        check(design)
        refs.append(weakref.ref(design))

    for _ in range(2):  # warm-up: rule registry, interned strings, caches of libraries
        cycle()
    gc.collect()
    tracemalloc.start()
    try:
        cycle()
        gc.collect()
        after_one, _ = tracemalloc.get_traced_memory()
        for _ in range(10):
            cycle()
        gc.collect()
        after_many, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sum(r() is not None for r in refs) == 0, "checked designs are still alive"
    # One design of this size is about 0.7 MB; ten leaked ones would be 7 MB.
    assert after_many - after_one < 300_000, after_many - after_one
