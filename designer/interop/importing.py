"""``import KIND SOURCE... [--into DESIGN]``: sources of one kind into a new design or
merged by name into an existing one, laid out by the auto-layout."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from designer.domain.design import Design
from designer.interop.builder import DesignBuilder
from designer.interop.calculator import import_calculator
from designer.interop.exchange import import_exchange
from designer.interop.layout import lay_out
from designer.interop.report import ImportReport, InteropError
from designer.interop.rvtools import import_rvtools
from designer.interop.sources import SOURCES

__all__ = ["KINDS", "ImportResult", "import_sources"]

#: Import kind -> (reader, what it reads).
KINDS: dict[str, tuple[Callable[[Sequence[str | Path], DesignBuilder], None], str]] = {
    kind: (reader, SOURCES[kind])
    for kind, reader in (
        ("calculator", import_calculator),
        ("exchange", import_exchange),
        ("rvtools", import_rvtools),
    )
}


@dataclass(frozen=True)
class ImportResult:
    design: Design
    report: ImportReport


def import_sources(
    kind: str,
    sources: Sequence[str | Path],
    into: Design | None = None,
    *,
    layout: bool = True,
) -> ImportResult:
    """Read ``sources`` (files of one ``kind``) into a design, or into ``into``
    (elements matched by kind and name are updated, not duplicated).

    Raises :class:`InteropError` when a source cannot be used at all; rows that cannot
    be mapped are listed in the result's report.
    """
    if kind not in KINDS:
        raise InteropError(f"unknown import kind {kind!r}; use {', '.join(KINDS)}")
    if not sources:
        raise InteropError("nothing to import: give at least one source file")
    for source in sources:
        if not Path(source).exists():
            raise InteropError(f"{source}: no such file")
    report = ImportReport()
    base = into
    if base is None:
        names = ", ".join(Path(s).name for s in sources)
        base = Design(
            name=f"Imported from {kind}",
            # "… Calculator CSVs: MailboxDatabases.csv, …", the files named once (the
            # kind's label lists the files it expects in brackets).
            description=f"Imported from {KINDS[kind][1].split(' (')[0]}: {names}"[:100_000],
        )
    builder = DesignBuilder(base, report)
    reader = KINDS[kind][0]
    reader(list(sources), builder)
    try:
        design = builder.build()
    except InteropError as exc:  # the whole import: name the files it came from
        files = ", ".join(Path(s).name for s in sources)
        raise InteropError(f"{files}: {exc}") from None
    if layout:
        design = lay_out(design)
    return ImportResult(design, report)
