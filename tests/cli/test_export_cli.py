"""``dr-designer export``: headless, no display, Qt only inside the command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from designer.domain.design import Design, LayoutEntry
from designer.domain.elements import EsxiHost, Site, VirtualMachine
from designer.persistence import save

ROOT = Path(__file__).resolve().parents[2]


def _design() -> Design:
    return Design(
        name="Export me",
        elements=[
            Site(id="s1", name="Boston"),
            EsxiHost(id="h1", name="esx01", site="s1"),
            VirtualMachine(id="v1", name="MBX01", host="h1", mailboxes=9000),
        ],
        layout={
            "s1": LayoutEntry(x=0, y=0, w=400, h=300),
            "h1": LayoutEntry(x=20, y=40, w=200, h=100),
            "v1": LayoutEntry(x=30, y=70, w=170, h=24),
        },
    )


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # the command must cope with no display at all
    return subprocess.run(
        [sys.executable, "-m", "designer", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_export_writes_the_file_without_a_display(tmp_path, suffix):
    source = tmp_path / "design.json"
    save(_design(), source)
    out = tmp_path / f"out.{suffix}"
    result = _run("export", str(source), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists() and out.stat().st_size > 500
    if suffix == "png":
        assert out.read_bytes().startswith(b"\x89PNG")


def test_export_refuses_an_unknown_format_and_a_bad_file(tmp_path):
    source = tmp_path / "design.json"
    save(_design(), source)
    result = _run("export", str(source), "-o", str(tmp_path / "out.gif"))
    assert result.returncode == 2 and ".png, .svg or .pdf" in result.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = _run("export", str(bad), "-o", str(tmp_path / "out.png"))
    assert result.returncode == 2 and "bad.json" in result.stderr
    assert not (tmp_path / "out.png").exists()
    assert bad.read_text() == "{not json"


@pytest.mark.parametrize(
    ("name", "fmt", "magic"),
    [("drawing", "png", b"\x89PNG"), ("drawing.img", "pdf", b"%PDF"), ("x.svg", "png", b"\x89PNG")],
)
def test_export_format_option_decides_over_the_output_name(tmp_path, name, fmt, magic):
    # `--help` says "the format comes from OUT's name or --format": with --format, a name
    # without (or with another) suffix is written in that format, not an internal error.
    source = tmp_path / "design.json"
    save(_design(), source)
    out = tmp_path / name
    result = _run("export", str(source), "-o", str(out), "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(magic)
    assert [p.name for p in tmp_path.iterdir() if p.name != "design.json"] == [name]
