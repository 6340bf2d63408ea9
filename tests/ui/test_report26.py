"""Wave 26's review report and File > Export (``report26``), through the user's doors
(``dr-designer report``, ``dr-designer gui FILE``, real key events):

1. the HTML report lists whole the names its diagram shows cut (LUN rows, VMs beside
   their disks), as the PDF's diagram page does, and names them under the pointer;
2. the review report has a key of its own, Ctrl+R, which no other key of the window is;
3. File > Export is grouped: a picture of the drawing, the report, data for other tools.
"""

from __future__ import annotations

import base64
import html
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from gui_door import activate, console_main
from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

from designer.domain.words import natural_key
from designer.persistence import load

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_designs"
MIRRORED = SAMPLES / "cx4_srm_mirrorview_s.json"  # LUN rows too short for their names
THREE_SITES = SAMPLES / "three_site_stretched_dag.json"
SHOTS = Path("/tmp/report26-shots")


def _shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}.png"))


def _cells(row: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", "", c))
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)
    ]


def _shortened(page: str) -> list[list[str]]:
    """The rows (in, on the diagram, name) of the page's list of shortened names."""
    start = page.index("<b>Names shortened on the diagram</b>")
    table = page[start : page.index("</table>", start)]
    rows = [_cells(r) for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    assert rows[0] == ["in", "on the diagram", "name"]
    return rows[1:]


# -- 1. the HTML report says the diagram's cut names whole ----------------------------------
def test_the_html_reports_diagram_lists_the_lun_names_it_shows_cut(tmp_path: Path) -> None:
    """The PDF's diagram page listed them since wave 25 (ui25); the HTML page showed
    "…BX02 SG3 LOG (sec)" and "PHL-MBX01 SG5 DB …" with nothing saying which LUN."""
    page_path = tmp_path / "review.html"
    assert console_main()(["report", str(MIRRORED), "-o", str(page_path)]) == 0
    page = page_path.read_text(encoding="utf-8")
    rows = _shortened(page)
    design = load(MIRRORED)
    by_name = {e.name: e for e in design.elements}
    luns = [name for _box, _shown, name in rows if by_name[name].kind == "lun"]
    assert len(luns) >= 10, rows
    for box, shown, name in rows:
        # What the drawing shows is the name cut ("…"), its pieces from the name.
        assert "…" in shown and shown != name
        assert all(piece.strip() in name for piece in shown.split("…")), (shown, name)
        assert box in by_name or box == "—"
    # By box, and by name within a box: a name is looked up (the array's grid of rows
    # read row by row zig-zagged through SG1…SG6).
    assert rows == sorted(rows, key=lambda r: (natural_key(r[0]), natural_key(r[2])))
    # Listed under the drawing, before the Inventory.
    assert page.index('<figure class="diagram">') < page.index("Names shortened")
    assert page.index("Names shortened") < page.index('<h2 id="inventory">')
    # Under the pointer each cut name is whole: an area of the picture titled with it,
    # where the picture shows text (dark pixels on the row's light fill).
    img = re.search(r'<img [^>]*usemap="#shortened" src="data:image/png;base64,([^"]+)">', page)
    assert img is not None
    picture = QImage.fromData(QByteArray(base64.b64decode(img[1])), "PNG")
    width = int(re.search(r'<figure class="diagram"><img [^>]*width="(\d+)"', page)[1])  # type: ignore[index]
    density = picture.width() / width
    areas = re.findall(r'<area shape="rect" coords="(\d+),(\d+),(\d+),(\d+)" title="([^"]*)"', page)
    assert sorted(html.unescape(a[4]) for a in areas) == sorted(name for *_, name in rows)
    for *coords, _title in areas:
        left, top, right, bottom = (round(int(c) * density) for c in coords)
        darkest = min(
            QColor(picture.pixel(x, y)).lightness()
            for x in range(left, right)
            for y in range(top, bottom)
        )
        assert darkest < 120, (coords, darkest)


def test_a_diagram_that_cuts_no_name_lists_none(tmp_path: Path) -> None:
    page_path = tmp_path / "review.html"
    sample = SAMPLES / "dag_with_ha.json"
    assert console_main()(["report", str(sample), "-o", str(page_path)]) == 0
    page = page_path.read_text(encoding="utf-8")
    assert "Names shortened" not in page and "usemap" not in page and "<map" not in page


# -- 2. Ctrl+R writes the review report -----------------------------------------------------
def _keys(window: Any) -> Counter[str]:
    """Every key sequence of the window: its actions' (menus, panes, canvas) and its
    shortcuts' (F6, the Replace dialog's Ctrl+H), each as often as it is bound."""
    keys: Counter[str] = Counter()
    for action in window.findChildren(QAction):
        keys.update(k.toString() for k in action.shortcuts())
    for shortcut in window.findChildren(QShortcut):
        keys.update(k.toString() for k in shortcut.keys())  # noqa: SIM118 (a QShortcut)
    return keys


def test_ctrl_r_on_the_canvas_writes_the_review_report(
    launch: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window = launch(THREE_SITES)
    review = window.interop.review_action
    assert review.shortcut() == QKeySequence("Ctrl+R")
    keys = _keys(window)
    assert keys["Ctrl+R"] == 1, keys  # no other key of the window's is Ctrl+R
    assert not [k for k, n in keys.items() if n > 1], keys  # nor is any key bound twice
    # The menus say it beside the entry (File and File > Export: the same action).
    assert review in window.file_menu.actions() and review in window.export_menu.actions()
    target = tmp_path / "review.html"
    asked: list[str] = []

    def where(_parent: Any, title: str, *_a: Any, **_k: Any) -> tuple[str, str]:
        asked.append(title)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(where))
    activate(window)
    window.view.setFocus()
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["Export Design Review Report"]
    job = window.interop.review_job
    assert job is not None
    # Ctrl+R again while it is written starts no second report.
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["Export Design Review Report"] and window.interop.review_job is job
    qtbot.waitUntil(lambda: window.interop.review_job is None, timeout=120_000)
    page = target.read_text(encoding="utf-8")
    assert "<h1>Design review: Three-site stretched DAG" in page
    assert [row[2] for row in _shortened(page)] == ["BOS-MBX01", "BOS-MBX02"]


def test_the_readme_names_the_review_reports_key() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Design Review Report… (Ctrl+R)" in readme


# -- 3. File > Export in groups -------------------------------------------------------------
def _groups(menu: QMenu) -> list[tuple[str, list[str]]]:
    """The menu's sections (their headings) and the entries (with their keys) under each."""
    groups: list[tuple[str, list[str]]] = []
    for action in menu.actions():
        if action.isSeparator():
            groups.append((action.text(), []))
        else:
            keys = action.shortcut().toString()
            groups[-1][1].append(action.text() + (f"\t{keys}" if keys else ""))
    return groups


def test_file_export_groups_pictures_report_and_data_for_other_tools(
    launch: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    window = launch(THREE_SITES)
    (file_entry,) = [a for a in window.menuBar().actions() if a.text() == "&File"]
    file_menu = file_entry.menu()
    assert isinstance(file_menu, QMenu)
    (export_entry,) = [a for a in file_menu.actions() if a.text() == "&Export"]
    export = export_entry.menu()
    assert isinstance(export, QMenu)
    assert _groups(export) == [
        ("Picture of the drawing", ["&PNG Image…", "&SVG Image…", "PD&F Document…"]),
        ("Report", ["&Design Review Report…\tCtrl+R"]),
        (
            "Data for other tools",
            [
                "d&raw.io Diagram…",
                "&GraphML Graph…",
                "G&EXF Graph…",
                "&Calculator CSVs and PowerShell Scripts…",
            ],
        ),
    ]
    entries = [a for a in export.actions() if not a.isSeparator()]
    letters = [re.search(r"&(\w)", a.text())[1].lower() for a in entries]  # type: ignore[index]
    assert len(set(letters)) == len(letters), letters  # each entry its own Alt key
    assert all(a.statusTip() for a in entries)  # the status bar says what each is for
    # Every entry still does what it did: each asks where to write its own format.
    titles: list[str] = []

    def cancel(_parent: Any, title: str, *_a: Any, **_k: Any) -> tuple[str, str]:
        titles.append(title)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(cancel))
    monkeypatch.setattr(
        QFileDialog,
        "getExistingDirectory",
        staticmethod(lambda _p, title, *a, **k: cancel(_p, title)[0]),
    )
    # Through the keyboard, as a user without a mouse: Alt+F, E, then each entry's letter.
    activate(window)
    for letter in letters:
        file_menu.popup(window.mapToGlobal(window.rect().center()))
        qtbot.waitUntil(file_menu.isVisible)
        QTest.keyClick(file_menu, Qt.Key.Key_E)
        qtbot.waitUntil(export.isVisible)
        if letter == "e" and not SHOTS.joinpath("export-menu.png").exists():
            _shot(export, "export-menu")
        QTest.keyClick(export, getattr(Qt.Key, f"Key_{letter.upper()}"))
        qtbot.waitUntil(lambda: not export.isVisible())
        assert window.interop.review_job is None  # (the report's dialog cancelled: no job)
    # Each dialog's title is the entry's words (window27: "Export as PNG", "Design review
    # report", "Export calculator CSVs to" were each worded its own way).
    assert titles == [
        "Export PNG Image",
        "Export SVG Image",
        "Export PDF Document",
        "Export Design Review Report",
        "Export draw.io Diagram",
        "Export GraphML Graph",
        "Export GEXF Graph",
        "Export Calculator CSVs and PowerShell Scripts",
    ]
    assert titles == ["Export " + a.text().replace("&", "").rstrip("…") for a in entries]


# -- 4. README's table of keys is the window's ----------------------------------------------
#: Keys the platform adds to a standard one (Qt's Undo and Redo keys of a multimedia
#: keyboard): not the designer's to list.
PLATFORM_KEYS = {"Undo", "Redo"}


def _readme_keys() -> list[tuple[list[str], str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("### Keys") : readme.index("## Command line")]
    rows = re.findall(r"^\| (?!Key |---)(.+?) \| (.+?) \|$", part, re.M)
    return [(keys.split(", "), does) for keys, does in rows]


def _menu_entry(window: Any, path: list[str]) -> QAction | None:
    """The action at ``path`` of the menu bar (texts without their Alt keys)."""
    actions = window.menuBar().actions()
    found = None
    for step in path:
        found = next((a for a in actions if plain_text(a.text()) == step), None)
        if found is None:
            return None
        if found.menu() is not None:
            found.menu().aboutToShow.emit()
            actions = found.menu().actions()
    return found


def plain_text(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def test_the_readmes_keys_are_the_windows(launch: Any) -> None:
    window = launch(THREE_SITES)
    window.simulation.action.trigger()  # (its mode's actions made)
    window.simulation.action.trigger()
    rows = _readme_keys()
    assert len(rows) > 20
    bound: dict[str, list[Any]] = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            bound.setdefault(key.toString(), []).append(action)
    for shortcut in window.findChildren(QShortcut):
        for key in shortcut.keys():  # noqa: SIM118 (a QShortcut)
            bound.setdefault(key.toString(), []).append(shortcut)
    listed = {key for keys, _ in rows for key in keys}
    assert set(bound) - PLATFORM_KEYS == listed, (set(bound) - listed, listed - set(bound))
    for keys, does in rows:
        for key in keys:
            (target,) = bound[key]
            if isinstance(target, QShortcut):
                assert does.startswith("the next"), (key, does)
                continue
            path = does.split(" — ")[0].split(" > ")
            assert plain_text(target.text()) == path[-1], (key, target.text(), does)
            if len(path) > 1:  # a menu's entry: there, and the key's own action
                assert _menu_entry(window, path) is target, (key, does)
