"""The Document's side of the group edits (benchmarks/callgrind_group_model.py): its
child opens a design headless and counts each group edit once, in order, each undone
after (the design ends as it was read). The instructions themselves are the
benchmark's (valgrind), never a test's."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
for folder in (ROOT, ROOT / "benchmarks"):  # the script imports its sibling _callgrind
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from benchmarks.callgrind_group_model import EDITS, run  # noqa: E402
from benchmarks.generate import generate_design  # noqa: E402
from designer.persistence import save  # noqa: E402


def test_every_group_edit_is_counted_once_in_order(tmp_path: Path) -> None:
    path = tmp_path / "design.json"
    save(generate_design(300, seed=1), path)
    counted: list[str] = []

    def count(label: str, fn: Any) -> None:
        counted.append(label)
        fn()

    run(path, count)
    assert tuple(counted) == EDITS
