"""The runnable examples in the docstrings of every module of the package run and hold.

Every module is found by walking the package, so a new module's examples are run
without being listed here (wave 26: those of ``designer.ui`` and most core packages were
never run, and one had gone stale). ``designer.ui``'s modules import Qt; none of their
examples needs a QApplication.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import designer

MODULES = sorted(m.name for m in pkgutil.walk_packages(designer.__path__, "designer."))


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"


def test_every_module_with_examples_is_run() -> None:
    """Each source file that holds an example (">>> ") is one of the modules run."""
    root = Path(designer.__file__).parent
    with_examples = set()
    for path in root.rglob("*.py"):
        if ">>> " in path.read_text(encoding="utf-8"):
            parts = path.relative_to(root.parent).with_suffix("").parts
            with_examples.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    assert with_examples, "no examples found"
    assert with_examples <= set(MODULES), sorted(with_examples - set(MODULES))
    # (the examples of the review report's diagram page among them)
    assert "designer.ui.review_diagram" in MODULES
