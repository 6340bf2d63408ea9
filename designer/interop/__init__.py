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

from designer.interop.report import ImportIssue, ImportReport, InteropError

__all__ = ["ImportIssue", "ImportReport", "InteropError"]
