"""``-`` (standard input) when the shell closed it (``dr-designer check - <&-``): a
one-line input error with exit code 2, as for a missing file, not an internal error
with a traceback in the log (review11; it was exit 3, "internal error (AttributeError:
'NoneType' object has no attribute 'buffer')")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "dr-designer"
DAG_WITH_HA = ROOT / "sample_designs" / "dag_with_ha.json"


def _close_stdin() -> None:
    os.close(0)


@pytest.mark.skipif(sys.platform == "win32", reason="closes the child's descriptor 0")
@pytest.mark.parametrize(
    "arguments",
    [
        ["check", "-"],
        ["check", "--format", "json", "-", str(DAG_WITH_HA)],
        ["simulate", "-", "--fail", "esx-den-01"],
        ["capacity", "-"],
        ["export", "-", "-o", "out.png"],
    ],
    ids=["check", "check-two-files", "simulate", "capacity", "export"],
)
def test_a_closed_standard_input_is_an_input_error(arguments: list[str], tmp_path: Path) -> None:
    run = subprocess.run(
        [str(SCRIPT), *arguments],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        preexec_fn=_close_stdin,  # what the shell's <&- does
        env={**os.environ, "DR_DESIGNER_LOG_DIR": str(tmp_path / "logs")},
        timeout=120,
    )
    assert run.returncode == 2, run.stderr[-2000:]
    assert "dr-designer: <stdin>: standard input is closed\n" in run.stderr
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr
    if "--format" in arguments:  # the other file is still checked and reported
        assert '"file": "' + str(DAG_WITH_HA) in run.stdout
    assert not (tmp_path / "out.png").exists()
