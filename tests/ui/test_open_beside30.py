"""File > Open Recent and File > Open of a big design read it on a worker (wave 30,
``open30``): the window painted nothing and said nothing for the whole read (1-3 s at
100,000 elements, 16 s on a loaded machine). Now its event loop runs while the file is
read, the status bar says how far it has come, keys and clicks are refused until it is
read, and the design shown is the file's. The designs here are made "big" by lowering
the size threshold; the timings are measured in benchmarks, not here."""

from __future__ import annotations

from pathlib import Path

import pytest
from gates import Gates
from PySide6.QtCore import QTimer
from PySide6.QtGui import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from benchmarks.generate import generate_design
from designer.persistence import LoadError, dumps, in_slices, load, load_with_stamp
from designer.ui import main_window as main_window_module
from designer.ui import opening
from designer.ui.main_window import MainWindow


@pytest.fixture
def big_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A generated design of ~300 elements, counted as big, validated in many slices."""
    monkeypatch.setattr(main_window_module, "OPEN_BESIDE_BYTES", 1)
    monkeypatch.setattr(in_slices, "SLICE_BYTES", 4096)
    path = tmp_path / "big.json"
    path.write_text(dumps(generate_design(300, seed=1)), encoding="utf-8")
    return path


def _on_screen(launch, qtbot) -> MainWindow:  # type: ignore[no-untyped-def]
    """``dr-designer gui`` (the bundled sample), once its first frame is painted: a
    window that has not painted yet (``dr-designer gui FILE``) reads its file at once."""
    window: MainWindow = launch()
    qtbot.waitUntil(lambda: window._on_screen, timeout=20000)
    return window


def _held_after_first_slice(monkeypatch: pytest.MonkeyPatch, gate) -> list[float]:  # type: ignore[no-untyped-def]
    """The worker's read waits at ``gate`` after its first slice; the shares it said."""
    said: list[float] = []
    real = opening.load_with_stamp

    def held(path, *, progress):  # type: ignore[no-untyped-def]
        def note(share: float) -> None:
            progress(share)
            said.append(share)
            if len(said) == 1:
                gate.wait()

        return real(path, progress=note)

    monkeypatch.setattr(opening, "load_with_stamp", held)
    return said


def _while_reading(window: MainWindow, gate, look) -> list[str]:  # type: ignore[no-untyped-def]
    """Runs ``look()`` from the window's event loop once the status bar shows the read's
    share (the worker held at ``gate``), then opens the gate; the messages seen."""
    seen: list[str] = []
    poll = QTimer(window)
    poll.setInterval(10)

    def check() -> None:
        message = window.statusBar().currentMessage()
        if not message.endswith("%"):
            return
        poll.stop()
        seen.append(message)
        try:
            look(seen)
        finally:
            gate.set()

    poll.timeout.connect(check)
    poll.start()
    return seen


def _assert_shows(window: MainWindow, path: Path) -> None:
    expected = load(path)
    design = window.session.design
    assert design == expected
    assert window.session.path == path.resolve()
    assert window.windowTitle().startswith("big.json")
    assert (
        window.statusBar().currentMessage()
        == f"Opened big.json: {len(expected.elements):,} elements"
    )
    site = next(e for e in expected.elements if e.kind == "site")
    assert window.view.design_scene.item_for(site.id) is not None  # its box is on the canvas


def test_open_recent_reads_a_big_file_while_the_window_paints_and_says_how_far(
    launch, qtbot, big_file, monkeypatch, gates: Gates, no_modal_dialogs
) -> None:  # type: ignore[no-untyped-def]
    window = _on_screen(launch, qtbot)
    sample = window.session.design
    window.recent.add(big_file)
    gate = gates()
    said = _held_after_first_slice(monkeypatch, gate)
    ticks: list[int] = []

    def look(seen: list[str]) -> None:
        # The event loop runs: timers tick, the canvas is the sample's until it is read.
        QTest.qWait(50)
        ticks.append(1)
        assert window.session.design is sample
        # A key on the canvas is refused, and the status bar says why.
        QTest.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
        seen.append(window.statusBar().currentMessage())

    seen = _while_reading(window, gate, look)
    window.recent_menu.aboutToShow.emit()
    entry = window.recent_menu.actions()[0]
    assert entry.text() == "&1 big.json"
    entry.trigger()  # File > Open Recent > 1 big.json: back once the design is shown
    assert ticks == [1], "the window's event loop did not run while the file was read"
    assert seen[0].startswith("Opening big.json… ") and seen[0].endswith(" %")
    assert seen[1] == "Opening big.json… the window waits until it is read"
    assert len(said) > 2 and said == sorted(said)
    assert window.session.design is not sample
    _assert_shows(window, big_file)
    assert no_modal_dialogs == []


def test_file_open_of_a_big_file_reads_it_beside_the_window(
    launch, qtbot, big_file, monkeypatch, gates: Gates, no_modal_dialogs
) -> None:  # type: ignore[no-untyped-def]
    window = _on_screen(launch, qtbot)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(big_file), ""))
    )
    gate = gates()
    _held_after_first_slice(monkeypatch, gate)
    seen = _while_reading(window, gate, lambda seen: None)
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.session.path == big_file.resolve(), timeout=20000)
    assert seen and seen[0].startswith("Opening big.json… ")
    _assert_shows(window, big_file)


def test_a_close_while_a_big_file_is_read_waits_until_it_is_read(
    launch, qtbot, big_file, monkeypatch, gates: Gates, no_modal_dialogs
) -> None:  # type: ignore[no-untyped-def]
    window = _on_screen(launch, qtbot)
    window.recent.add(big_file)
    gate = gates()
    _held_after_first_slice(monkeypatch, gate)
    _while_reading(window, gate, lambda seen: window.close())
    window.recent_menu.aboutToShow.emit()
    window.recent_menu.actions()[0].trigger()
    _assert_shows(window, big_file)  # read and shown, then closed (nothing to save)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    assert no_modal_dialogs == []


def test_a_broken_big_file_says_why_and_keeps_the_design(
    launch, qtbot, big_file, monkeypatch, no_modal_dialogs
) -> None:  # type: ignore[no-untyped-def]
    window = _on_screen(launch, qtbot)
    sample = window.session.design
    text = big_file.read_text(encoding="utf-8")
    cut = text.rindex('"kind": "esxi_host"')  # in a later slice than the first
    big_file.write_text(text[:cut] + '"kind": "esxi_hots"' + text[cut + 19 :], encoding="utf-8")
    window.recent.add(big_file)
    window.recent_menu.aboutToShow.emit()
    window.recent_menu.actions()[0].trigger()
    assert window.session.design is sample
    ((kind, message),) = no_modal_dialogs
    assert kind == "critical"
    with pytest.raises(LoadError) as refused:
        load(big_file)
    assert message == str(refused.value)
    assert window.statusBar().currentMessage().startswith("Could not open big.json: ")


def test_dr_designer_gui_file_reads_a_big_file_before_its_first_frame(
    launch, qtbot, big_file, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # The window's first frame is the design's: no frame of the empty window first (and
    # the read ahead of the window's imports is taken at once).
    beside: list[Path] = []

    def stand_in(path: Path, **_: object) -> object:
        beside.append(path)
        return load_with_stamp(path)

    monkeypatch.setattr(opening, "load_beside_the_window", stand_in)
    window = launch(big_file)
    assert beside == []
    assert window.session.design == load(big_file)
    # Once it has painted, Open Recent of the same file reads it beside the window.
    qtbot.waitUntil(lambda: window._on_screen, timeout=20000)
    window.recent_menu.aboutToShow.emit()
    window.recent_menu.actions()[0].trigger()
    assert [p.resolve() for p in beside] == [big_file.resolve()]
    assert window.statusBar().currentMessage().startswith("Opened big.json: ")
