"""Alt keys for the standard dialog buttons Qt names without one.

Qt's own words for a dialog's standard buttons come from its platform theme, through
:meth:`QCoreApplication.translate`: "Save" is Enter and "Cancel" Escape in
"Save the changes to …?", but "Discard" has no mnemonic, so a keyboard user reached it
only by Tab, Space (eyes20 #17). A translator for those few words gives it one
(Alt+D) in every dialog built by Qt's static helpers (``QMessageBox.question``), which
keep working as they are (and as tests replace them). Every other text passes through
untranslated.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

__all__ = ["BUTTON_KEYS", "install_button_keys"]

#: (translation context, Qt's word): the same word with its Alt key. "QPlatformTheme":
#: Qt's generic words; "QGnomeTheme": the GNOME theme's own for Discard.
BUTTON_KEYS: dict[tuple[str, str], str] = {
    ("QPlatformTheme", "Discard"): "&Discard",
    ("QGnomeTheme", "Close without Saving"): "Close &without Saving",
}


class _ButtonKeys(QTranslator):
    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        # None: not translated here (Qt tries the next translator, then keeps the text).
        return BUTTON_KEYS.get((context, source_text))

    def isEmpty(self) -> bool:
        return False


_installed: list[_ButtonKeys] = []


def install_button_keys(app: QCoreApplication) -> None:
    """Install the translator on ``app`` once (the application keeps no reference of
    its own: this module does)."""
    if not _installed:
        translator = _ButtonKeys(app)
        app.installTranslator(translator)
        _installed.append(translator)
