"""A log file that cannot be written to (a full disk) is one line on stderr, never
logging's "--- Logging error ---" traceback per record (review12)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

#: The console script pip installed next to this Python: the user's door.
SCRIPT = Path(sys.executable).parent / "dr-designer"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_designs" / "three_site_stretched_dag.json"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["plain", "-v"])
def test_a_log_file_on_a_full_disk_is_one_line_not_a_traceback_per_record(
    tmp_path: Path, verbose: list[str]
) -> None:
    (tmp_path / "bad.json").write_text("{bad", encoding="utf-8")
    (tmp_path / "dr-designer.log").symlink_to("/dev/full")  # every write: ENOSPC
    run = subprocess.run(
        [str(SCRIPT), "check", str(SAMPLE), "bad.json", *verbose],
        cwd=tmp_path,
        env={**os.environ, "DR_DESIGNER_LOG_DIR": str(tmp_path)},
        capture_output=True,
        timeout=120,
    )
    err = run.stderr.decode()
    assert run.returncode == 2, err  # bad.json cannot be used
    assert "Traceback" not in err and "Logging error" not in err, err
    lines = err.splitlines()
    warning = f"dr-designer: cannot write the log file {tmp_path / 'dr-designer.log'}: "
    assert [line for line in lines if line.startswith(warning)] == [
        f"{warning}No space left on device"
    ], err
    assert "dr-designer: bad.json: not valid JSON at line 1, column 2" in err
    assert b"0 errors, 0 warnings, 0 info" in run.stdout
