"""ruff (its checks and its formatting) on the whole tree and mypy on the package stay
clean (the house rules)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import early_checks

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN))
    assert found, f"{name} is a test dependency"
    return found


def test_ruff_is_clean() -> None:
    run = subprocess.run(
        [_tool("ruff"), "check", "--output-format", "concise", "designer", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_ruff_format_is_clean() -> None:
    """``ruff format`` leaves every file as it is (the Python code blocks of the Markdown
    documents too). A ``# type: ignore`` for a whole function goes on its ``def`` line,
    where mypy reports it: the formatter may split a signature, never moves that line."""
    run = subprocess.run(
        [_tool("ruff"), "format", "--check", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_mypy_is_clean_on_the_package() -> None:
    """``mypy designer``: started when the run's tests were collected (tests/early_checks.py)."""
    code, output = early_checks.result("test_mypy_is_clean_on_the_package", timeout=600)
    assert code == 0, output[-6000:]
