"""The architecture contracts of pyproject.toml hold (import-linter)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a test dependency"
    # No cache: a stale one has reported circles that were gone (and could hide new ones).
    run = subprocess.run(
        [lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"Contracts: \d+ kept, 0 broken", run.stdout), run.stdout
    # The simulator's helpers do not import the engine back (no import circle).
    assert "Simulator helpers take the prepared design" in run.stdout
    assert "The GUI and the command line do not import each other KEPT" in run.stdout
    # No import circles anywhere in the package.
    assert "No import circles KEPT" in run.stdout


def test_core_imports_without_qt() -> None:
    code = (
        "import sys, designer.cli.main, designer.rules.engine, designer.graph, "
        "designer.persistence\n"
        "designer.rules.engine.load_all_rules()\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6','shiboken6','pyqtgraph')]\n"
        "assert not bad, bad\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
