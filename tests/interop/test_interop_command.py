"""An import applied to an open document is one undoable step, placeholders retired
by a later import included."""

from __future__ import annotations

from pathlib import Path

from test_interop_imports import rvtools_workbook

from designer.document import Document, UndoStack
from designer.domain.elements import EsxiHost
from designer.interop.builder import PLACEHOLDER_NOTE
from designer.interop.command import ApplyImport
from designer.interop.importing import import_sources

CALC = Path(__file__).parent / "data" / "calculator"


def test_rvtools_into_a_calculator_import_is_done_and_undone_whole(tmp_path):
    doc = Document()
    stack = UndoStack(doc)
    first = import_sources(
        "calculator", [CALC / "MailboxDatabasesV7.6.csv", CALC / "MailboxDatabaseCopiesV7.6.csv"]
    ).design
    stack.push(ApplyImport(doc.design, first, "Import calculator"))
    assert [e.id for e in doc.design.elements] == [e.id for e in first.elements]
    after_calc = doc.design
    merged = import_sources("rvtools", [rvtools_workbook(tmp_path / "rv.xlsx")], into=after_calc)
    command = ApplyImport(after_calc, merged.design, "Import RVTools")
    assert command.removed and command.added and command.changed_after
    stack.push(command)
    assert {e.id: e for e in doc.design.elements} == {e.id: e for e in merged.design.elements}
    assert doc.design.layout == merged.design.layout
    assert not any(
        isinstance(e, EsxiHost) and e.notes.startswith(PLACEHOLDER_NOTE)
        for e in doc.design.elements
    )
    stack.undo()
    assert doc.design == after_calc  # the placeholders are back where they were
    stack.undo()
    assert doc.design.elements == [] and doc.design.layout == {}
    stack.redo()
    stack.redo()
    assert {e.id: e for e in doc.design.elements} == {e.id: e for e in merged.design.elements}
