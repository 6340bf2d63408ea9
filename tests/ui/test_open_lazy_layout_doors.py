"""A design opened through File > Open keeps its layout as read (a dict) and starts its
index from the loader's check until the idle slices build the rest (open11, wave 11).
Through the window's doors: what the user saves, opens next or edits is what a design
built whole gives (review11). Designs are made "big" by lowering the thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from benchmarks.generate import generate_design
from designer.document import SetProperty
from designer.domain.index import LiveIndex
from designer.persistence import dumps
from designer.ui import main_window as main_window_module
from designer.ui import session as session_module
from designer.ui.main_window import MainWindow

BIG = 20  # elements above which a design counts as big in these tests


@pytest.fixture
def big_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setattr(main_window_module, "SYNC_CHECK_LIMIT", BIG)
    monkeypatch.setattr(session_module, "SYNC_CHECK_LIMIT", BIG)
    paths = []
    for name, size, seed in (("a", 300, 1), ("b", 400, 2)):
        path = tmp_path / f"{name}.json"
        path.write_text(dumps(generate_design(size, seed=seed)), encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1]


def _settled(window: MainWindow) -> bool:
    session = window.session
    return (
        not session.holding
        and not session.preparing_edits
        and session.findings_revision == session.document.revision
    )


def _index_is_a_fresh_ones(window: MainWindow) -> None:
    """The window's index holds what one built from the open design would, element for
    element (the very objects of the design)."""
    document = window.session.document
    live, fresh = document._live, LiveIndex(document.design)
    assert live.by_id == fresh.by_id
    assert all(live.by_id[e.id] is e for e in document.design.elements)
    assert {kind: [e.id for e in members] for kind, members in live.by_kind.items()} == {
        kind: [e.id for e in members] for kind, members in fresh.by_kind.items()
    }


def test_saving_right_after_opening_writes_the_file_as_the_slices_would(
    qtbot, launch, big_files, tmp_path
):
    opened, _ = big_files
    window = launch()
    assert window.open_file(opened, ask=False)
    layout = window.session.document._layout
    assert not layout.built  # the layout is still the file's dict: the lazy path
    early = tmp_path / "early.json"
    assert window.save_to(early, overwrite=True)
    assert early.read_bytes() == opened.read_bytes()
    # Opened again, and saved once the slices have built the layout's trie.
    assert window.open_file(opened, ask=False)
    layout = window.session.document._layout
    qtbot.waitUntil(lambda: _settled(window), timeout=20000)
    assert layout.built and window.session.document._layout is layout  # built by the slices
    late = tmp_path / "late.json"
    assert window.save_to(late, overwrite=True)
    assert late.read_bytes() == opened.read_bytes()


def test_opening_a_b_a_a_broken_file_and_new_keeps_each_designs_index(
    qtbot, launch, big_files, tmp_path, no_modal_dialogs
):
    a, b = big_files
    broken = tmp_path / "broken.json"
    broken.write_text(
        a.read_text(encoding="utf-8").replace('"host": "', '"host": "nowhere-', 1),
        encoding="utf-8",
    )
    window = launch()
    for path in (a, b, a):  # each the next right after the last, before its slices
        assert window.open_file(path, ask=False)
        _index_is_a_fresh_ones(window)
        assert dumps(window.session.design) == path.read_text(encoding="utf-8")
    assert not window.open_file(broken, ask=False)  # refused: a's design stays, whole
    assert no_modal_dialogs and "nowhere-" in no_modal_dialogs[-1][1]
    _index_is_a_fresh_ones(window)
    QApplication.processEvents()
    window.new_design()  # File > New while a's slices still run
    for _ in range(5):
        QApplication.processEvents()
    _index_is_a_fresh_ones(window)
    assert window.open_file(b, ask=False)
    session = window.session
    vm = next(e for e in session.design.elements if e.kind == "vm")
    assert session.push(SetProperty(vm.id, "name", "renamed-right-after-opening"))
    _index_is_a_fresh_ones(window)
    qtbot.waitUntil(lambda: _settled(window), timeout=20000)
    _index_is_a_fresh_ones(window)
    session.undo_stack.undo()
    _index_is_a_fresh_ones(window)
    assert dumps(session.design) == b.read_text(encoding="utf-8")
