"""The samples' file share witnesses are named "DEN-FS01 share", as the templates' are:
named "DEN-FS01 witness share", every sentence read "file share witness DEN-FS01
witness share" (wave 29, ``domain29``)."""

from __future__ import annotations

import re

import pytest
from test_scenario_horizon import run  # `dr-designer ARGS` through main(): (code, stdout)

from designer.bundled import sample, sample_names
from designer.domain import FileShareWitness
from designer.persistence import load

WITH_WITNESS = [
    name
    for name in sample_names()
    if any(isinstance(e, FileShareWitness) for e in load(sample(name)).elements)
]


def test_the_samples_have_witnesses() -> None:
    assert len(WITH_WITNESS) >= 6


@pytest.mark.parametrize("name", WITH_WITNESS)
def test_a_witness_failure_names_the_witness_once(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    design = load(sample(name))
    witness = next(e for e in design.elements if isinstance(e, FileShareWitness))
    code, out = run(capsys, "simulate", str(sample(name)), "--fail", witness.id)
    assert code == 0, out
    said = f"file share witness {witness.name}"
    assert said in out, out
    # "file share witness DEN-FS01 witness share": the kind's words, then again in the name.
    assert not re.search(r"witness \S+ witness", out), out
