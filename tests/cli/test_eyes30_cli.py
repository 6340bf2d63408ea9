"""eyes30: a typo in an element's name on the command line gets the closest names."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.entry import main

SAMPLE = Path(__file__).parents[2] / "sample_designs" / "three_site_stretched_dag.json"


def test_a_mistyped_name_says_which_names_are_close(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(SAMPLE), "--fail", "Bostn"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "dr-designer: no element has the id or name 'Bostn'; did you mean 'Boston'?"
    assert main(["simulate", str(SAMPLE), "--fail", "Qwerty"]) == 2
    assert capsys.readouterr().err.strip().endswith("no element has the id or name 'Qwerty'")
