"""What each import kind reads (``import KIND SOURCE...``, File > Import): the words
only, without the readers (:mod:`designer.interop.importing`), so that the window's
menu names them without importing the readers before its first frame (issue 10)."""

from __future__ import annotations

__all__ = ["SOURCES"]

#: Import kind -> what it reads.
SOURCES: dict[str, str] = {
    "calculator": (
        "Exchange Role Requirements Calculator CSVs (MailboxDatabases.csv, "
        "MailboxDatabaseCopies.csv, Servers.csv)"
    ),
    "exchange": (
        "Export-Csv of Get-DatabaseAvailabilityGroup -Status, Get-MailboxDatabase, "
        "Get-MailboxDatabaseCopyStatus"
    ),
    "rvtools": "RVTools export (xlsx, or its RVTools_tab*.csv files)",
}
