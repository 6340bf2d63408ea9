"""``dr-designer gui FILE`` keeps the code it compiles for its dataclasses and named
tuples (designer.codecache) for the next start (wave 24, ``open24a``).

The window ends its process with ``os._exit`` inside the command's code-cache block
(designer.ui.app.leave), so the block's own save never ran: every start of the window
compiled the ~120 methods of its modules' dataclasses again (~60 M instructions of the
window's imports). Now the window saves them once its modules are imported, and again at
the process's exit, and the next start reads them.

Through the user's door: ``python -m designer gui FILE`` in a child process, quit by
File > Quit as soon as the design shows (tests/ui/quit_child.py ``open``)."""

from __future__ import annotations

import marshal
import os
import shutil
import sys
from pathlib import Path

from tests.ui.test_quit_mid_work import run_child

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_designs" / "three_site_stretched_dag.json"


def gui_cache(folder: Path) -> Path:
    return folder / f"dataclass-code.gui.{sys.implementation.cache_tag}.marshal"


def open_and_quit(tmp_path: Path, cache: Path, design: Path, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DR_DESIGNER_CACHE_DIR", str(cache))  # run_child passes os.environ on
    run = run_child(tmp_path, "open", design)
    said = run.stdout + run.stderr
    assert "quitting" in run.stdout, said
    assert run.returncode == 0, said
    assert "interpreter teardown" not in run.stdout, said  # ended by the command's os._exit
    return said


def test_the_window_keeps_its_compiled_code_for_the_next_start(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache"
    design = tmp_path / "design.json"
    shutil.copy(SAMPLE, design)
    first = tmp_path / "first"
    first.mkdir()
    said = open_and_quit(first, cache, design, monkeypatch)
    saved = gui_cache(cache)
    assert saved.is_file(), said  # before: never written (the block's end never came)
    version, codes = marshal.loads(saved.read_bytes())
    assert version == sys.version
    # The window's dataclasses' methods: __init__, __repr__, __eq__ of many classes.
    assert sum(text.startswith("def __create_fn__") for text in codes) >= 50
    second = tmp_path / "second"
    second.mkdir()
    said = open_and_quit(second, cache, design, monkeypatch)
    # The second start read them (the texts it compiled besides, if any: simulation
    # mode's modules imported in the background before or after the quit, added).
    again = marshal.loads(saved.read_bytes())[1]
    assert again.keys() >= codes.keys(), said
    assert not [p for p in os.listdir(cache) if p.endswith(".tmp")]
