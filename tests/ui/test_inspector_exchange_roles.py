"""The Inspector's role list knows the VM's Exchange version (wave 17, `dom17`): Exchange
2013 has no Hub Transport or Unified Messaging role (EX006; 000 §5.3, §6.1.1; [product
fact]), so those rows say so and cannot be checked; one already checked can be unchecked.
"""

from __future__ import annotations

import os
from pathlib import Path

from check_lists import ListRow, list_rows
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QListView

from designer.document import SetProperty
from designer.domain import Design, EsxiHost, Site, VirtualMachine, VmRole
from designer.persistence import dumps
from designer.ui.main_window import MainWindow
from designer.ui.panels import InspectorPanel

SHOTS = Path(os.environ.get("DR_SHOTS", "/tmp/dom17-shots"))


#: An Exchange 2013 Mailbox server stating the Hub Transport role 2013 does not have.
MAILBOX_2013 = VirtualMachine(
    id="mbx1", name="BOS-MBX01", host="h1", exchange_version="2013",
    roles=[VmRole.MAILBOX, VmRole.HUB_TRANSPORT],
)  # fmt: skip


def _design() -> Design:
    where = [Site(id="s1", name="Boston"), EsxiHost(id="h1", name="esx-b1", site="s1")]
    return Design(name="Exchange 2013 roles", elements=[*where, MAILBOX_2013])


def _rows(roles: QListView) -> dict[str, ListRow]:
    return {row.data(Qt.ItemDataRole.UserRole): row for row in list_rows(roles)}


def _enabled(item: ListRow) -> bool:
    return bool(item.flags() & Qt.ItemFlag.ItemIsEnabled)


def _codes(window: MainWindow) -> set[str]:
    return {f.code for f in window.session.findings.active}


def test_a_2013_vms_roles_lack_hub_transport_and_unified_messaging(  # type: ignore[no-untyped-def]
    qtbot, launch, tmp_path: Path
) -> None:
    path = tmp_path / "roles.drd.json"
    path.write_text(dumps(_design()), encoding="utf-8")
    window: MainWindow = launch(path)  # the command-line argument: dr-designer gui FILE
    window.resize(1280, 800)
    session = window.session
    qtbot.waitUntil(lambda: "EX006" in _codes(window), timeout=20_000)
    session.focus("mbx1")
    inspector = window.findChild(InspectorPanel)
    assert inspector is not None and inspector.element_id == "mbx1"
    roles = inspector.editors["roles"].editor
    assert isinstance(roles, QListView)
    rows = _rows(roles)
    hub, um, mailbox = rows["hub_transport"], rows["unified_messaging"], rows["mailbox"]
    # The names stay whole (a note after them was cut off in the dock); a warning sign
    # and the tooltip say why.
    assert hub.text() == "Hub Transport" and um.text() == "Unified Messaging"
    assert not hub.icon().isNull() and not um.icon().isNull()
    assert um.toolTip() == (
        "Exchange 2013 has no Unified Messaging role (EX006): its Mailbox servers run that service"
    )
    assert hub.toolTip() == (
        "Exchange 2013 has no Hub Transport role (EX006): its Mailbox servers run that service"
    )
    assert mailbox.text() == "Mailbox" and rows["client_access"].text() == "Client Access"
    assert all(rows[r].toolTip() == "" for r in ("mailbox", "domain_controller", "edge_transport"))
    # Checked already: it can be unchecked; unchecked: it cannot be chosen.
    assert _enabled(hub) and not _enabled(um) and _enabled(mailbox)
    SHOTS.mkdir(parents=True, exist_ok=True)
    inspector.scroll_area.ensureWidgetVisible(roles)
    inspector.grab().save(str(SHOTS / "inspector-2013-roles.png"))

    def click_check(item: ListRow) -> None:
        inspector.scroll_area.ensureWidgetVisible(roles)
        roles.scrollTo(item.index)
        rect = roles.visualRect(item.index)
        QTest.mouseClick(
            roles.viewport(),
            Qt.MouseButton.LeftButton,
            pos=QPoint(rect.left() + 10, rect.center().y()),
        )

    click_check(um)  # a click on a disabled row changes nothing
    vm = session.document.get("mbx1")
    assert isinstance(vm, VirtualMachine) and vm.roles == [VmRole.MAILBOX, VmRole.HUB_TRANSPORT]
    click_check(hub)
    vm = session.document.get("mbx1")
    assert isinstance(vm, VirtualMachine) and vm.roles == [VmRole.MAILBOX]
    hub = _rows(roles)["hub_transport"]
    assert hub.checkState() == Qt.CheckState.Unchecked and not _enabled(hub)
    qtbot.waitUntil(lambda: "EX006" not in _codes(window), timeout=20_000)
    # Exchange 2010 has all five roles: the rows read plainly and can be chosen again.
    assert session.push(SetProperty("mbx1", "exchange_version", "2010"))
    rows = _rows(roles)
    assert rows["hub_transport"].text() == "Hub Transport" and _enabled(rows["hub_transport"])
    assert rows["hub_transport"].toolTip() == "" and rows["hub_transport"].icon().isNull()
    assert rows["unified_messaging"].text() == "Unified Messaging"
    assert _enabled(rows["unified_messaging"])
