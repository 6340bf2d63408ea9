"""What an import tells the user: the rows it could not map (file, row, column, why)
and the assumptions it made. Nothing is dropped silently: every skipped row and every
value replaced by a default is one :class:`ImportIssue`."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from designer.domain.errors import DesignError
from designer.domain.words import word_for

__all__ = ["ImportIssue", "ImportReport", "InteropError"]


class InteropError(DesignError):
    """A source that cannot be used at all (not a CSV or workbook, no known columns),
    or an output that cannot be written; the message names the file, and the row and
    column when there is one. The CLI prints it on one line and exits 2."""


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """One row (or one cell) the import could not use as it stands.

    ``row`` is the line or sheet row a spreadsheet shows (the header is row 1);
    ``skipped`` says the whole row was left out, otherwise only the cell's value was
    (the field keeps its default or its previous value).
    """

    file: str
    row: int | None
    column: str | None
    message: str
    skipped: bool = True

    def location(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column:
            where += f": column {self.column}"
        return where

    def __str__(self) -> str:
        tail = ""
        if self.row is not None:
            tail = "row skipped" if self.skipped else "value ignored"
        return f"{self.location()}: {self.message}" + (f"; {tail}" if tail else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "skipped": self.skipped,
        }


@dataclass
class ImportReport:
    """Issues and assumptions of one import, and counts of what it created or updated."""

    issues: list[ImportIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    rows_read: int = 0

    def issue(
        self,
        file: str,
        row: int | None,
        column: str | None,
        message: str,
        *,
        skipped: bool = True,
    ) -> None:
        self.issues.append(ImportIssue(file, row, column, message, skipped))

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    @property
    def skipped_rows(self) -> int:
        return sum(1 for i in self.issues if i.skipped and i.row is not None)

    def summary(self) -> str:
        made = sum(self.created.values())
        changed = sum(self.updated.values())
        # The cells left out, as the lines below the summary say "value ignored": a
        # missing RVTools sheet is no value ("1 values ignored" over "sheet vDatastore is
        # missing", eyes23), and one of each reads in the singular.
        ignored = sum(1 for i in self.issues if not i.skipped and i.row is not None)
        return (
            f"{_count(self.rows_read, 'row')} read: {_count(made, 'element')} created, "
            f"{changed:,} updated, {_count(self.skipped_rows, 'row')} skipped, "
            f"{_count(ignored, 'value')} ignored"
        )

    def to_text(self, limit: int | None = None) -> str:
        lines = [self.summary()]
        lines += [f"note: {n}" for n in self.notes]
        shown = self.issues if limit is None else self.issues[:limit]
        lines += [str(i) for i in shown]
        if limit is not None and len(self.issues) > limit:
            lines.append(f"… {len(self.issues) - limit:,} more (--report FILE lists them all)")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        data = {
            "summary": {
                "rows_read": self.rows_read,
                "created": self.created,
                "updated": self.updated,
                "rows_skipped": self.skipped_rows,
            },
            "notes": self.notes,
            "issues": [i.to_json() for i in self.issues],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["file", "row", "column", "skipped", "why"])
        for i in self.issues:
            writer.writerow(
                [i.file, "" if i.row is None else i.row, i.column or "", i.skipped, i.message]
            )
        return out.getvalue()


def _count(n: int, word: str) -> str:
    """``"1 row"``, ``"1,024 rows"``."""
    return f"{n:,} {word_for(n, word)}"
