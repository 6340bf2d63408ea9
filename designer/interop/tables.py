"""Read the tables an import works on: CSV files (calculator, PowerShell ``Export-Csv``,
RVTools' own CSV export) and sheets of xlsx workbooks, into one shape.

Whatever the bytes are, reading either gives a :class:`Table` or raises
:class:`~designer.interop.report.InteropError` naming the file (and row): encodings
(UTF-8 with or without BOM, UTF-16 as ``Export-Csv -Encoding Unicode`` writes, Windows
ANSI), PowerShell's ``#TYPE`` line, ``;`` or tab delimiters (``-UseCulture``) and
ragged rows are handled here so the importers see plain rows.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from designer.interop.report import InteropError

__all__ = ["MAX_SOURCE_BYTES", "Row", "Table", "normalise", "read_csv", "read_workbook"]

#: Larger sources are refused before they are read (an RVTools export of a very large
#: vCenter is a few tens of MB).
MAX_SOURCE_BYTES = 200 * 1024 * 1024
_csv_field_limit = 10 * 1024 * 1024


def normalise(name: str) -> str:
    """The key a column is looked up by: case, spaces, ``#`` and punctuation ignored."""
    return re.sub(r"[^0-9a-z]+", "", name.casefold())


@dataclass
class Table:
    """The rows of one CSV file or one sheet; ``row`` numbers are those a spreadsheet
    shows (the header is row 1 unless a ``#TYPE`` line comes first)."""

    file: str
    sheet: str | None
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    header_row: int = 1
    meta: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._index: dict[str, int] = {}
        for i, name in enumerate(self.columns):
            self._index.setdefault(normalise(name), i)

    @property
    def where(self) -> str:
        """The file, and the sheet of a workbook: ``export.xlsx [vInfo]``."""
        return f"{self.file} [{self.sheet}]" if self.sheet else self.file

    def has(self, *names: str) -> bool:
        return all(normalise(n) in self._index for n in names)

    def column(self, *names: str) -> str | None:
        """The first of ``names`` the table has, spelled as in the file."""
        for name in names:
            i = self._index.get(normalise(name))
            if i is not None:
                return self.columns[i]
        return None

    def position(self, name: str) -> int | None:
        return self._index.get(normalise(name))


@dataclass(slots=True)
class Row:
    table: Table
    number: int
    values: Sequence[Any]

    def get(self, *names: str) -> Any:
        """The cell of the first column of ``names`` the table has; None when absent
        or empty."""
        for name in names:
            i = self.table.position(name)
            if i is not None:
                value = self.values[i] if i < len(self.values) else None
                if isinstance(value, str):
                    value = value.strip()
                    if value == "":
                        return None
                return value
        return None

    def text(self, *names: str) -> str | None:
        value = self.get(*names)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)

    def is_blank(self) -> bool:
        return all(v is None or (isinstance(v, str) and not v.strip()) for v in self.values)


# -- CSV ---------------------------------------------------------------------------------
def _decode(raw: bytes, where: str) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "UTF-8"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise InteropError(f"{where}: broken UTF-16 text at byte {exc.start}") from None
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        # Windows PowerShell 5.1's Export-Csv writes the ANSI code page by default.
        return raw.decode("cp1252", errors="replace"), "Windows-1252"


def _sniff_delimiter(line: str) -> str:
    counts = {d: 0 for d in (",", ";", "\t")}
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: str | Path, *, name: str | None = None) -> Table:
    """One CSV file as a :class:`Table` (``name``: how messages call it)."""
    path = Path(path)
    where = name or path.name
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise InteropError(
                f"{where}: {size / 1e6:.0f} MB; sources above "
                f"{MAX_SOURCE_BYTES / 1e6:.0f} MB are not read"
            )
        raw = path.read_bytes()
    except InteropError:
        raise
    except IsADirectoryError:
        raise InteropError(f"{where}: is a folder, not a CSV file") from None
    except OSError as exc:
        raise InteropError(f"{where}: cannot read: {exc.strerror or exc}") from None
    if raw.startswith(b"PK\x03\x04"):
        raise InteropError(f"{where}: is a zip archive or a workbook, not a CSV file")
    text, _encoding = _decode(raw, where)
    return parse_csv_text(text, where)


def parse_csv_text(text: str, where: str) -> Table:
    if "\x00" in text:
        raise InteropError(f"{where}: holds NUL bytes; not a text CSV file")
    lines = text.splitlines()
    meta: dict[str, str] = {}
    first = 0
    while first < len(lines) and lines[first].startswith("#"):
        if lines[first].startswith("#TYPE"):
            meta["type"] = lines[first][5:].strip()
        first += 1
    body = "\n".join(lines[first:])
    if not body.strip():
        raise InteropError(f"{where}: is empty (no header row)")
    delimiter = _sniff_delimiter(lines[first] if first < len(lines) else "")
    csv.field_size_limit(_csv_field_limit)
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        header = next(reader)
        for record in reader:
            rows.append(record)
    except csv.Error as exc:
        raise InteropError(
            f"{where}:{first + len(rows) + 2}: not readable as CSV ({exc})"
        ) from None
    except StopIteration:
        raise InteropError(f"{where}: is empty (no header row)") from None
    columns = [c.strip().lstrip("\ufeff") for c in header]
    if not any(columns):
        raise InteropError(f"{where}:{first + 1}: the header row is empty")
    table = Table(where, None, columns, header_row=first + 1, meta=meta)
    table.rows = [
        Row(table, first + 2 + i, record)
        for i, record in enumerate(rows)
        if any(cell.strip() for cell in record)
    ]
    return table


# -- xlsx --------------------------------------------------------------------------------
def read_workbook(
    path: str | Path, sheets: Sequence[str], *, name: str | None = None
) -> tuple[dict[str, Table], list[str]]:
    """The sheets of ``sheets`` a workbook has (matched without regard to case), and
    the names of all its sheets."""
    from openpyxl import load_workbook  # only imports that read workbooks pay for it

    path = Path(path)
    where = name or path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InteropError(f"{where}: cannot read: {exc.strerror or exc}") from None
    if size > MAX_SOURCE_BYTES:
        raise InteropError(f"{where}: {size / 1e6:.0f} MB; too large to read")
    if not zipfile.is_zipfile(path):
        raise InteropError(f"{where}: is not an xlsx workbook (not a zip archive)")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InteropError(f"{where}: is not a readable xlsx workbook ({_short(exc)})") from None
    tables: dict[str, Table] = {}
    try:
        names = list(book.sheetnames)
        by_key = {n.casefold(): n for n in names}
        for wanted in sheets:
            actual = by_key.get(wanted.casefold())
            if actual is None:
                continue
            try:
                tables[wanted] = _sheet_table(book[actual], where, wanted)
            except InteropError:
                raise
            except Exception as exc:
                raise InteropError(
                    f"{where} [{actual}]: the sheet cannot be read ({_short(exc)})"
                ) from None
    finally:
        book.close()
    return tables, names


def _sheet_table(sheet: Any, where: str, name: str) -> Table:
    rows_iter: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
    header: tuple[Any, ...] | None = None
    number = 0
    for values in rows_iter:
        number += 1
        if any(v is not None and str(v).strip() for v in values):
            header = values
            break
    if header is None:
        raise InteropError(f"{where} [{name}]: the sheet is empty (no header row)")
    columns = ["" if v is None else str(v).strip() for v in header]
    table = Table(where, name, columns, header_row=number)
    rows: list[Row] = []
    for values in rows_iter:
        number += 1
        row = Row(table, number, values)
        if not row.is_blank():
            rows.append(row)
    table.rows = rows
    return table


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
