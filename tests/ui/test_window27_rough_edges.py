"""The rough edges a user meets after drawing (wave 27, ``window27``), through the user's
doors (``dr-designer gui FILE``, real clicks and keys) at 1280 × 800: a finding's *go
to* takes the user to the field that fixes it; the Problems list's Elements column and
rows; a copy added in the Databases panel said in the status bar; a WAN link's unset
distance under the arrows; File > Export's dialog titles; the review report's lists."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox

from designer.ui.main_window import MainWindow
from designer.ui.panels import InspectorPanel, ProblemsPanel

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("WINDOW27_SHOTS", "/tmp/window27-shots"))


def _shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


def _design(tmp_path: Path, sample: str, **dag_fields: Any) -> Path:
    """A copy of ``sample`` with its first DAG's fields set (and its waivers dropped)."""
    data = json.loads((ROOT / "sample_designs" / sample).read_text(encoding="utf-8"))
    design = data.get("design", data)
    dag = next(e for e in design["elements"] if e["kind"] == "dag")
    dag.update(dag_fields)
    design.setdefault("rules", {})["waivers"] = []
    path = tmp_path / sample
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _many_findings(tmp_path: Path) -> Path:
    """The CX4/SRM sample with 9 mirrors on automatic recovery (9 MV008 rows) and no
    mailbox counts (one CAP006 about its 12 databases): 10 rows of findings."""
    data = json.loads((ROOT / "sample_designs/cx4_srm_mirrorview_s.json").read_text("utf-8"))
    mirrors = 0
    for element in data["design"]["elements"]:
        if element["kind"] == "mailbox_database":
            element["mailboxes"] = 0
        elif element["kind"] == "mirror" and mirrors < 9:
            element["recovery_policy"] = "automatic"
            mirrors += 1
    data["design"]["rules"]["waivers"] = []
    path = tmp_path / "cx4.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _open(launch: Any, qtbot: Any, path: Path) -> MainWindow:
    window: MainWindow = launch(path)
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: not window.session.checking, timeout=20000)
    return window


def _row_of(qtbot: Any, panel: ProblemsPanel, code: str) -> int:
    def found() -> bool:
        return any(r.finding.code == code for r in panel.model.rows)

    qtbot.waitUntil(found, timeout=20000)
    return next(n for n, r in enumerate(panel.model.rows) if r.finding.code == code)


# -- 1. a finding's go-to: the field that fixes it, scrolled to and focused -------------------
def test_double_clicking_dag012_focuses_the_dags_dac_mode_in_the_inspector(
    qtbot, launch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    # DAG012 says "turn on its DAC mode"; the DAC field sat below the fold of the DAG's
    # Inspector at 1280 × 800 and nothing took the user there (eyes26 #11).
    window = _open(launch, qtbot, _design(tmp_path, "stretched_dag_lagged.json", dac_mode=False))
    problems = window.findChild(ProblemsPanel)
    inspector = window.findChild(InspectorPanel)
    row = _row_of(qtbot, problems, "DAG012")
    finding = problems.model.rows[row].finding
    assert finding.fix_field == "dac_mode"
    table = problems.table
    index = problems.model.index(row, 2)
    table.scrollTo(index)
    cell = table.visualRect(index).center()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    dag_id = finding.elements[0]
    assert window.session.selection == [dag_id]
    editor = inspector.editors["dac_mode"]

    def shown_and_focused() -> bool:
        viewport = inspector.scroll_area.viewport()
        top_left = editor.mapTo(viewport, QPoint(0, 0))
        inside = viewport.rect().contains(top_left) and viewport.rect().contains(
            top_left + QPoint(editor.width() - 1, editor.height() - 1)
        )
        return inside and editor.editor.hasFocus()

    qtbot.waitUntil(shown_and_focused, timeout=5000)
    # It was below the fold: the form scrolled to it.
    assert inspector.scroll_area.verticalScrollBar().value() > 0
    _shot(window, "1-dag012-go-to-dac-mode")
    _shot(inspector, "1-dag012-inspector")
    # The focus is there: Space turns DAC mode on, and DAG012 goes.
    box = editor.editor
    assert isinstance(box, QCheckBox) and not box.isChecked()
    QTest.keyClick(box, Qt.Key.Key_Space)
    dag = window.session.document.get(dag_id)
    assert dag is not None and dag.dac_mode is True  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: not any(f.code == "DAG012" for f in window.session.findings.findings),
        timeout=20000,
    )


def test_explains_link_goes_to_the_field_too(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = _open(launch, qtbot, _design(tmp_path, "stretched_dag_lagged.json", dac_mode=False))
    problems = window.findChild(ProblemsPanel)
    inspector = window.findChild(InspectorPanel)
    row = _row_of(qtbot, problems, "DAG012")
    table = problems.table
    index = problems.model.index(row, 2)
    table.scrollTo(index)
    QTest.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center()
    )
    QTest.mouseClick(problems.explain_button, Qt.MouseButton.LeftButton)
    view = problems.explain_view
    qtbot.waitUntil(lambda: "DAC mode in the Inspector" in view.toPlainText(), timeout=5000)
    assert 'href="field:dac_mode"' in view.toHtml()
    _shot(window, "1-dag012-explain-link")
    # Click the link where it is drawn: find its text in the document.
    cursor = view.document().find("Go to")
    assert not cursor.isNull()
    rect = view.cursorRect(cursor)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center() - QPoint(4, 0))
    dag = problems.model.rows[row].finding.elements[0]
    qtbot.waitUntil(lambda: window.session.selection == [dag], timeout=5000)
    editor = inspector.editors["dac_mode"]
    qtbot.waitUntil(lambda: editor.editor.hasFocus(), timeout=5000)
    assert QApplication.focusWidget() is editor.editor


# -- 2. the Problems list at 1280 × 800: its Elements column, and rows enough ------------------
def test_the_problems_list_shows_eight_rows_and_a_gathered_findings_names_whole(
    qtbot, launch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    # "12 elements: A, B, C and 9 more" was cut in a 180 px column, and the dock showed
    # 5 rows of a dozen findings at 1280 × 800 (eyes26 #14).
    window = _open(launch, qtbot, _many_findings(tmp_path))
    problems = window.findChild(ProblemsPanel)
    row = _row_of(qtbot, problems, "CAP006")
    qtbot.waitUntil(lambda: len(problems.model.rows) == 10, timeout=20000)
    table = problems.table
    text = problems.model.index(row, 3).data()
    assert text.startswith("12 elements: PHL-MBX01-SG1-DB, PHL-MBX01-SG2-DB,")
    assert text.endswith(" and 9 more")
    margin = 2 * (
        table.style().pixelMetric(table.style().PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    )
    qtbot.waitUntil(
        lambda: table.fontMetrics().horizontalAdvance(text) <= table.columnWidth(3) - margin,
        timeout=5000,
    )
    rows = table.viewport().height() // table.verticalHeader().defaultSectionSize()
    assert rows >= 8, rows
    _shot(window, "2-problems-1280x800")
    # A width the user drags stays theirs when the table is resized.
    header = table.horizontalHeader()
    edge = header.sectionViewportPosition(3) - 1
    y = header.height() // 2
    QTest.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge, y))
    QTest.mouseMove(header.viewport(), QPoint(edge - 60, y))
    QTest.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge - 60, y))
    dragged = table.columnWidth(3)
    window.resize(1400, 800)
    qtbot.waitUntil(lambda: table.viewport().width() > 1300, timeout=5000)
    assert table.columnWidth(3) == dragged


def test_every_field_a_rule_names_as_its_fix_is_one_the_inspector_shows() -> None:
    # A finding's go-to focuses the Inspector's editor of its fix_field: each one named in
    # the rules is a field of the kinds its findings start with, with an editor.
    import ast

    from designer.domain.elements import ElementBase
    from designer.ui.panels.field_specs import field_specs

    def kinds(cls: type) -> list[type]:
        return [cls, *(k for sub in cls.__subclasses__() for k in kinds(sub))]

    edited = {spec.name for cls in kinds(ElementBase) for spec in field_specs(cls)}
    named: set[str] = set()
    for path in (ROOT / "designer/rules/checks").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "fix_field":
                for value in ast.walk(node.value):
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        named.add(value.value)
    assert "dac_mode" in named and len(named) >= 10, named
    assert named <= edited, named - edited


# -- 3. the Databases panel: a copy added is said in the status bar ---------------------------
def test_a_copy_added_in_the_databases_panel_is_said_in_the_status_bar(
    qtbot, launch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    # Double-click and Enter added a copy and said nothing (the History had it: eyes26 #10).
    from test_capacity_window import open_tab

    from designer.ui.panels.databases import CopyEditor, DatabasesPanel

    window = _open(launch, qtbot, ROOT / "sample_designs/dag_with_ha.json")
    open_tab(window, "Databases")
    panel = window.findChild(DatabasesPanel)
    qtbot.waitUntil(
        lambda: panel.cell_item("db-den-db01", "vm-den-mbx04") is not None, timeout=10000
    )
    table = panel.table
    rect = table.visualItemRect(panel.cell_item("db-den-db01", "vm-den-mbx04"))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    (editor,) = [e for e in table.findChildren(CopyEditor) if e.isVisible()]
    QTest.keyClick(editor.preference, Qt.Key.Key_Return)
    db = window.session.document.get("db-den-db01")
    assert [c.member for c in db.copies][-1] == "vm-den-mbx04"  # type: ignore[attr-defined]
    said = window.statusBar().currentMessage()
    assert said == "Added copy of DEN-DB01 on DEN-MBX04: activation preference 4", said
    _shot(window, "3-databases-copy-added")
    # Removed again from its menu's words alike; Ctrl+Z as any edit.
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(window.session.document.get("db-den-db01").copies) == 3  # type: ignore[attr-defined]


# -- 4. a WAN link's unset distance: the arrows wait for a typed number -----------------------
def test_an_unset_wan_link_distance_waits_for_a_typed_number(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The up arrow of "(not set)" went to 0.01 km ("0 km" on the link), a meaningless
    # distance the user then had to correct.
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QAbstractSpinBox

    data = json.loads((ROOT / "sample_designs/three_site_stretched_dag.json").read_text("utf-8"))
    for element in data["design"]["elements"]:
        if element["id"] == "wan-bos-wor":
            del element["distance_km"]
    path = tmp_path / "three.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    window = _open(launch, qtbot, path)
    view = window.view
    link = view.scene().edges["wan-bos-wor"]
    label = link.label_scene_rect()
    assert label is not None
    view.resetTransform()
    view.centerOn(label.center())
    at = QPointF(label.center().x(), label.top() + 2)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(at))
    qtbot.waitUntil(lambda: window.session.selection == ["wan-bos-wor"], timeout=5000)
    inspector = window.findChild(InspectorPanel)
    spin = inspector.editors["distance_km"].editor
    assert spin.text() == "(not set)"
    assert spin.stepEnabled() == QAbstractSpinBox.StepEnabledFlag.StepNone
    spin.setFocus()
    QTest.keyClick(spin, Qt.Key.Key_Up)
    QTest.keyClick(spin, Qt.Key.Key_PageUp)
    assert spin.text() == "(not set)"
    assert window.session.document.get("wan-bos-wor").distance_km is None  # type: ignore[attr-defined]
    assert window.session.undo_stack.count() == 0
    # (The link has no findings: the form takes the findings' place once laid out.)
    qtbot.waitUntil(lambda: inspector.scroll_area.y() == inspector.findings_area.y(), timeout=5000)
    _shot(inspector, "4-wan-distance-not-set")
    _shot(window, "4-wan-distance-not-set-window")
    # A typed distance is set; then the arrows step from it.
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin, "65")
    QTest.keyClick(spin, Qt.Key.Key_Return)
    assert window.session.document.get("wan-bos-wor").distance_km == 65.0  # type: ignore[attr-defined]
    QTest.keyClick(spin, Qt.Key.Key_Up)
    assert window.session.document.get("wan-bos-wor").distance_km == 66.0  # type: ignore[attr-defined]
    _shot(inspector, "4-wan-distance-typed")


# -- 5. File > Export: each dialog's title is its entry's words --------------------------------
def test_each_export_dialog_is_titled_as_its_menu_entry(qtbot, launch, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # "PNG Image…" opened "Export as PNG", "Design Review Report…" "Design review report",
    # "Calculator CSVs and PowerShell Scripts…" "Export calculator CSVs to".
    from PySide6.QtWidgets import QFileDialog

    window = _open(launch, qtbot, ROOT / "sample_designs/dag_with_ha.json")
    titles: list[str] = []

    def shown(parent: Any, title: str, *_a: Any, **_k: Any) -> tuple[str, str]:
        titles.append(title)
        if len(titles) == 1:  # the first as a user sees it (Qt's own dialog, offscreen)
            dialog = QFileDialog(parent, title)
            dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
            dialog.resize(760, 460)
            dialog.show()
            qtbot.waitExposed(dialog)
            _shot(dialog, "5-export-png-dialog")
            dialog.close()
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(shown))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a: shown(*a)[0]))
    entries = [a for a in window.export_menu.actions() if not a.isSeparator()]
    for entry in entries:
        entry.trigger()
    words = [e.text().replace("&", "").rstrip("…") for e in entries]
    assert titles == [f"Export {w}" for w in words]
    assert titles[0] == "Export PNG Image"


# -- 6. the review report: a gathered finding's names as the Problems list says them ----------
def test_the_review_reports_findings_name_many_elements_as_the_problems_list(
    qtbot, launch, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    # CAP006 about 12 databases listed all 12 names in the findings table's cell.
    import re
    import subprocess

    from gui_door import activate
    from PySide6.QtWidgets import QFileDialog

    window = _open(launch, qtbot, _many_findings(tmp_path))
    words = "12 elements: PHL-MBX01-SG1-DB, PHL-MBX01-SG2-DB, PHL-MBX01-SG3-DB and 9 more"
    for suffix in ("html", "pdf"):
        target = tmp_path / f"review.{suffix}"
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", staticmethod(lambda *_a, t=target, **_k: (str(t), ""))
        )
        activate(window)
        window.view.setFocus()
        QTest.keyClick(window.view.viewport(), Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(
            lambda t=target: t.exists() and window.interop.review_job is None, timeout=120_000
        )
    page = (tmp_path / "review.html").read_text(encoding="utf-8")
    findings = page[page.index('<h2 id="findings">') : page.index('<h2 id="n-1">')]
    (cell,) = re.findall(r"<details[^>]*><summary>(.*?)</summary>(.*?)</details>", findings)
    assert re.sub(r"<[^>]+>", "", cell[0]) == words
    whole = re.sub(r"<[^>]+>", "", cell[1]).split(", ")
    assert len(whole) == 12 and whole[-1] == "PHL-MBX02-SG6-DB", whole
    assert "PHL-MBX02-SG6-DB" not in re.sub(r"<details.*?</details>", "", findings)
    # The PDF: the same words in the table, the whole list under it.
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "review.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    flat = " ".join(text.split())
    assert "12 elements: PHL-MBX01-SG1-DB, PHL-MBX01-SG2-DB," in flat
    assert "above that names more than the table shows" in flat  # ("ﬁ": a ligature)
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "6-review.html").write_text(page, encoding="utf-8")
    (SHOTS / "6-review.pdf").write_bytes((tmp_path / "review.pdf").read_bytes())


def test_the_findings_menu_goes_to_the_field_too(qtbot, launch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The go-to for the keyboard: the finding's menu (the menu key), then G.
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QMenu

    window = _open(launch, qtbot, _design(tmp_path, "stretched_dag_lagged.json", dac_mode=False))
    problems = window.findChild(ProblemsPanel)
    inspector = window.findChild(InspectorPanel)
    row = _row_of(qtbot, problems, "DAG012")
    table = problems.table
    index = problems.model.index(row, 2)
    table.scrollTo(index)
    at = table.visualRect(index).center()
    entries: list[str] = []

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(20, choose)
            return
        entries.extend(a.text() for a in menu.actions() if a.text())
        QTest.keyClick(menu, Qt.Key.Key_G)

    QTimer.singleShot(0, choose)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, table.viewport().mapToGlobal(at))
    QApplication.sendEvent(table.viewport(), event)
    assert "&Go to its DAC mode in the Inspector" in entries, entries
    dag = problems.model.rows[row].finding.elements[0]
    qtbot.waitUntil(lambda: window.session.selection == [dag], timeout=5000)
    editor = inspector.editors["dac_mode"]
    # (Offscreen, the closed menu leaves no window active; a desktop gives it back.)
    qtbot.waitUntil(lambda: window.focusWidget() is editor.editor, timeout=5000)
