"""The domain's pydantic models are declared with evaluated annotations (no
``from __future__ import annotations`` in their modules): pydantic then reads each
field's type as it is instead of compiling a ``typing.ForwardRef`` per annotation
string (~600 of them at import before), ~10 % of building the models at every start.
The models are the same either way: ``tests/cli/test_cli.py``
(``test_schema_matches_committed_copy``) compares the whole JSON Schema with the
committed copy, and every load/validation test runs on them."""

from __future__ import annotations

import subprocess
import sys

import designer.domain.design
import designer.domain.elements
import designer.domain.reliability
import designer.domain.workload

MODEL_MODULES = [
    designer.domain.design,
    designer.domain.elements,
    designer.domain.reliability,
    designer.domain.workload,
]


def test_importing_the_models_compiles_few_forward_references() -> None:
    code = (
        "import typing\n"
        "import pydantic\n"
        "made = []\n"
        "init = typing.ForwardRef.__init__\n"
        "def counting(self, *args, **kwargs):\n"
        "    made.append(args[0])\n"
        "    init(self, *args, **kwargs)\n"
        "typing.ForwardRef.__init__ = counting\n"
        "import designer.domain\n"
        "print(len(made))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert int(run.stdout) < 200  # ~110 (pydantic's own and a few of ours); 711 before


def test_the_model_modules_keep_their_annotations_evaluated() -> None:
    for module in MODEL_MODULES:
        assert "annotations" not in vars(module), module.__name__  # the __future__ feature
