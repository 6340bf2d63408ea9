"""Bridges to the tools architects already use (issue 12), all headless (no Qt):

- import: the Exchange Role Requirements Calculator's deployment CSVs, Exchange
  PowerShell ``Export-Csv`` output and RVTools workbooks become a design
  (:func:`~designer.interop.importing.import_sources`);
- export: draw.io XML, GraphML and GEXF, calculator-shaped CSVs with PowerShell
  scripts (:mod:`designer.interop.exporting`);
- the design-review report's content and its HTML (:mod:`designer.interop.review`);
- the semantic diff of two designs (:mod:`designer.interop.diff`).

The review report's diagram and its PDF need Qt and live in ``designer.ui.review``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from designer.interop.report import ImportIssue, ImportReport, InteropError

__all__ = ["ImportIssue", "ImportReport", "InteropError"]


def __getattr__(name: str) -> Any:
    """The report's names, imported on first use (PEP 562): the window's File menu
    imports :mod:`designer.interop.sources` before its first frame, and with it this
    package; the report's dataclasses and :mod:`csv` cost that start ~3 ms (wave 20,
    ``open20a``)."""
    if name in __all__:
        from designer.interop import report

        return getattr(report, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
