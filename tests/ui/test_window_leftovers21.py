"""Wave 21's window leftovers (``ui21``), each through the user's door (``dr-designer gui
FILE``) and real widgets:

2. a zoomed-out cluster's name keeps off (or under) its first host's findings marker;
3. a bundled sample opened by its path is not saved in place: Save goes to Save As;
4. "Untitled design" takes the file's name only once the file is written;
5. Connect To's entries name a reference in words ("virtual disk's LUN"), not by its
   field (``lun``, ``cas_arrays``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu

SAMPLES = Path(__file__).resolve().parents[2] / "sample_designs"
SAMPLE = SAMPLES / "three_site_stretched_dag.json"
SHOTS = Path(os.environ.get("DR_SHOTS", "/tmp/ui21-shots"))


def _shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}.png"))


def _connect_to_entries(window: Any, element_id: str) -> list[str]:
    """The entries of Connect To in the canvas menu of ``element_id`` (Shift+F10), as
    shown (without their Alt keys' marks): its submenu's, or those of the chooser it
    opens when there are many (read, then cancelled)."""
    window.session.set_selection([element_id])
    view = window.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = view._menu
    assert isinstance(menu, QMenu) and menu.isVisible()
    found = [a for a in menu.actions() if a.text().replace("&", "").startswith("Connect To")]
    assert len(found) == 1, [a.text() for a in menu.actions()]
    sub = found[0].menu()
    if isinstance(sub, QMenu):
        entries = [a.text().replace("&", "") for a in sub.actions() if a.text()]
        menu.close()
        return entries
    chooser: list[str] = []

    def read_and_cancel() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog)]
        if not dialogs or not dialogs[0].isVisible():
            QTimer.singleShot(20, read_and_cancel)
            return
        chooser.extend(dialogs[0].comboBoxItems())
        dialogs[0].reject()

    QTimer.singleShot(20, read_and_cancel)
    found[0].trigger()
    return chooser


# -- 5. Connect To names a reference in words ------------------------------------------------
def test_connect_to_names_the_reference_it_sets_in_words(launch: Any) -> None:
    window = launch(SAMPLE)
    lun = _connect_to_entries(window, "lun-bos-mbx01-db")  # 70 targets: the chooser
    disk = [e for e in lun if "(virtual disk)" in e]
    assert len(disk) == 44 and all(e.endswith(" — virtual disk's LUN") for e in disk), disk
    balancer = _connect_to_entries(window, "lb-bos")
    assert balancer == ["WOR CAS array (CAS array) — load balancer's CAS arrays"], balancer
    assert not [e for e in lun + balancer if "_" in e or "'s lun" in e or "cas arrays" in e]
