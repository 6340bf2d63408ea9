"""The capacity report's note on the swept elements it does not list counts in words
(eyes18 #20, eyes19): "21 swept element(s) whose loss … are not listed" in `capacity`
and the window's Capacity dock; "(s)" where the house's plural() says it."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.entry import main

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"


def test_the_skipped_elements_note_says_its_plural(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["capacity", str(SAMPLES / "three_site_stretched_dag.json")]) == 0
    out = capsys.readouterr().out
    (note,) = [line for line in out.splitlines() if "swept element" in line]
    assert note.startswith("note: 21 swept elements whose loss changes no stream or active ")
    assert note.endswith(" are not listed") and "(s)" not in out
