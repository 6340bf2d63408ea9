"""File > Export's groups, as a user looks for them: a picture of the drawing, the
review report, data for other tools; and the review report's keys.

The window builds the first group (:mod:`designer.ui.main_window`), the interop entries
the other two (:mod:`designer.ui.interop_actions`). Each group is a section of the menu:
a heading where the style draws one (Fusion), a line where it does not.
"""

from __future__ import annotations

__all__ = ["EXPORT_GROUPS", "PICTURE_TIPS", "REVIEW_KEY", "dialog_title"]

#: The sections of File > Export, top to bottom.
EXPORT_GROUPS = ("Picture of the drawing", "Report", "Data for other tools")

#: What each picture is for (the status bar says it over the entry).
PICTURE_TIPS = {
    "png": "The whole drawing as a PNG image (for a slide or a wiki page)",
    "svg": "The whole drawing as an SVG image: vectors, for an editor or a web page",
    "pdf": "The whole drawing as a PDF page of its size, as vectors",
}

#: File > Design Review Report…: R for report. No other key of the window (its menus,
#: its panes, the canvas) is Ctrl+R; tests/ui/test_report26.py checks them all.
REVIEW_KEY = "Ctrl+R"


def dialog_title(entry: str) -> str:
    """The title of the dialog File > Export's ``entry`` opens: the entry's own words
    ("&PNG Image…" → "Export PNG Image"; they read "Export as PNG", "Design review
    report", "Export calculator CSVs to": each its own wording, none the menu's).

    >>> dialog_title("d&raw.io Diagram…"), dialog_title("&Design Review Report…")
    ('Export draw.io Diagram', 'Export Design Review Report')
    """
    return "Export " + entry.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")
