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


def test_shared_field_declarations_give_each_model_its_own_defaults() -> None:
    """The list and dict fields share one ``Field(default_factory=…)`` per module and
    repeated constraints one ``Annotated`` alias (each ``Field()`` is ~90,000
    instructions of every start): pydantic copies them into each field, so every model
    still makes its own empty list or dict and keeps its own bounds."""
    from pydantic import ValidationError

    from designer.domain.design import Design, ExpectedOutcome, SavedScenario
    from designer.domain.elements import Dag, ProtectionGroup, VirtualMachine
    from designer.domain.workload import CapacitySettings, MailboxProfile

    first, second = Dag(id="d1", name="DAG1"), Dag(id="d2", name="DAG2")
    assert first.members == [] and first.members is not second.members
    group = ProtectionGroup(id="p1", name="PG1", site_pair="sp1")
    assert group.vms == group.consistency_groups == [] and group.vms is not group.consistency_groups
    vm = VirtualMachine(id="v1", name="VM1", host="h1")
    assert vm.roles == [] and vm.roles is not VirtualMachine(id="v2", name="V2", host="h1").roles
    design = Design()
    assert design.scenarios == [] and design.scenarios is not Design().scenarios
    assert design.layout == {} and design.layout is not design.rules.severities
    assert SavedScenario(name="s").steps is not SavedScenario(name="t").steps
    for model, field, bad in (
        (MailboxProfile, "peak_factor", 25),
        (CapacitySettings, "peak_factor", 0.5),
        (CapacitySettings, "megacycles_per_passive_mailbox", 1e5),
        (CapacitySettings, "base_memory_gb", -1),
        (ExpectedOutcome, "max_rto_s", 2e9),
    ):
        try:
            model(**{field: bad})
        except ValidationError:
            continue
        raise AssertionError(f"{model.__name__}.{field} took {bad}")
