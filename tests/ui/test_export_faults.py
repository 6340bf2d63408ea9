"""Exports never claim success when nothing was written, and SVG stays well-formed XML
whatever the names hold (issue 15). Through the window's File > Export and headless."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from test_canvas_support import ini_settings, small_design

from designer.persistence import atomic, save
from designer.ui.canvas.scene import DesignScene
from designer.ui.export import export_scene, light_theme
from designer.ui.main_window import MainWindow
from designer.ui.session import EditorSession

ROOT = Path(__file__).resolve().parents[2]
CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")


def hostile_design():
    design = small_design()
    elements = [
        e.model_copy(update={"name": f"{e.name}{CONTROL}\u202e<&>'\"]]>"[:200]})
        for e in design.elements
    ]
    return design.model_copy(update={"name": f"Title{CONTROL}", "elements": elements})


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    def make(design=None):
        w = MainWindow(
            EditorSession(design or small_design()),
            settings=ini_settings(tmp_path),
            recovery_dir=tmp_path / "recovery",
        )
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        QApplication.processEvents()
        return w

    return make


def export_through_the_menu(w: MainWindow, monkeypatch, target: Path, fmt: str) -> None:
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    {"svg": w.act_export_svg, "pdf": w.act_export_pdf, "png": w.act_export_png}[fmt].trigger()


def test_svg_of_names_with_control_characters_is_well_formed(window, tmp_path, monkeypatch):
    w = window(hostile_design())
    out = tmp_path / "hostile.svg"
    export_through_the_menu(w, monkeypatch, out, "svg")
    root = ET.parse(out).getroot()  # raises on a document that is not well-formed
    assert root.tag.endswith("svg")
    text = out.read_text(encoding="utf-8")
    assert "Boston" in text and "\x1b" not in text and "&#x1b;" not in text.lower()


@pytest.mark.parametrize("fmt", ["svg", "pdf", "png"])
def test_an_export_into_a_folder_fails_and_says_so(window, tmp_path, monkeypatch, fmt):
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox,
        "critical",
        staticmethod(lambda parent, title, text, *a, **k: shown.append((title, text))),
    )
    w = window()
    folder = tmp_path / f"out.{fmt}"
    folder.mkdir()
    export_through_the_menu(w, monkeypatch, folder, fmt)
    assert shown and shown[-1][0] == "Export failed" and "folder" in shown[-1][1]
    assert "Exported" not in w.statusBar().currentMessage()
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("fmt", ["svg", "pdf", "png"])
def test_an_export_over_a_read_only_file_is_refused(qapp, tmp_path, fmt):
    scene = DesignScene(EditorSession(small_design()), light_theme())
    target = tmp_path / f"out.{fmt}"
    target.write_bytes(b"keep me")
    target.chmod(0o444)
    with pytest.raises(OSError, match="read-only"):
        export_scene(scene, target)
    assert target.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


@pytest.mark.parametrize("fmt", ["svg", "pdf", "png"])
def test_an_export_onto_a_full_disk_fails_and_leaves_nothing(qapp, tmp_path, monkeypatch, fmt):
    scene = DesignScene(EditorSession(small_design()), light_theme())
    real = atomic._write_all

    def full(fd: int, data: bytes) -> None:
        real(fd, data[: len(data) // 3])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "_write_all", full)
    with pytest.raises(OSError, match="No space left"):
        export_scene(scene, tmp_path / f"out.{fmt}")
    assert list(tmp_path.iterdir()) == []


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "designer", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_cli_export_output_errors_exit_4_with_one_line(tmp_path):
    source = tmp_path / "design.json"
    save(small_design(), source)
    not_a_folder = tmp_path / "plain-file"
    not_a_folder.write_text("x")
    run = _cli("export", str(source), "-o", str(not_a_folder / "out.svg"))
    assert run.returncode == 4, run.stderr
    assert "wrote" not in run.stdout + run.stderr.split("\n", 1)[-1]
    assert run.stderr.count("\n") == 1 and "out.svg" in run.stderr
    read_only = tmp_path / "ro.pdf"
    read_only.write_bytes(b"old")
    read_only.chmod(0o444)
    run = _cli("export", str(source), "-o", str(read_only))
    assert run.returncode == 4 and "read-only" in run.stderr
    assert read_only.read_bytes() == b"old"
