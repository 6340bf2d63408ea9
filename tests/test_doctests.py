"""The runnable examples in the docstrings of the core modules run and hold."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import designer.document
import designer.domain
import designer.graph

PACKAGES = (designer.domain, designer.document, designer.graph)
MODULES = [
    *(p.__name__ for p in PACKAGES),
    *(f"{p.__name__}.{m.name}" for p in PACKAGES for m in pkgutil.iter_modules(p.__path__)),
    # The canvas's pure modules (no Qt in them).
    "designer.ui.canvas.routing",
    "designer.ui.canvas.markers",
    "designer.collector",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"
