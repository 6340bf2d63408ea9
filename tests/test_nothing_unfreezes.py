"""Nothing in the designer or its tests calls ``gc.unfreeze()``.

The designer freezes what opening a design, building a window and simulation mode make
(:mod:`designer.collector`) and never unfreezes: what a freeze keeps and later drops
stays out of every collection. ``gc.unfreeze()`` hands all of it to the next
collection at once — in a test process, every window the suite's earlier tests built
and deleted. Wave 27's one clean-clone CI failure was a segmentation fault inside that
collection (the collector's tidy in the first window after a test that unfroze);
docs/architecture.md, "The cyclic collector's freezes"."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _unfreezes(path: Path) -> list[int]:
    """The lines of ``path`` that call ``gc.unfreeze`` (or an ``unfreeze`` imported from
    ``gc``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "gc"
        for alias in node.names
        if alias.name == "unfreeze"
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr == "unfreeze") or (
            isinstance(func, ast.Name) and func.id in imported
        ):
            found.append(node.lineno)
    return found


def test_neither_the_designer_nor_a_test_unfreezes_the_collector() -> None:
    calls = [
        f"{path.relative_to(ROOT)}:{line}"
        for folder in ("designer", "tests")
        for path in sorted((ROOT / folder).rglob("*.py"))
        # (parsed only where the word is: any spelling of the call names it; 3 s → 0.03)
        if "unfreeze" in path.read_text(encoding="utf-8")
        for line in _unfreezes(path)
    ]
    assert calls == [], f"gc.unfreeze() called at {', '.join(calls)} (see this module's docstring)"


def test_the_check_finds_a_call_in_either_spelling(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import gc\nfrom gc import unfreeze as thaw\n# gc.unfreeze() in a comment\n"
        "gc.unfreeze()\nthaw()\n",
        encoding="utf-8",
    )
    assert _unfreezes(sample) == [4, 5]
