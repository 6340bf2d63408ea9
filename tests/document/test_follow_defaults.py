"""The defaults that follow an edit (:func:`designer.document.factory.follow_defaults`):
a VM given an Exchange role takes an Exchange version, and a Windows version nobody
chose follows the Exchange version — values the rules agree with (wave 19, ``ui19``)."""

from __future__ import annotations

import pytest

from designer.catalog import exchange_roles, exchange_windows
from designer.document import Document
from designer.document.commands import MacroCommand, SetProperty
from designer.document.factory import follow_defaults
from designer.domain import (
    Design,
    EsxiHost,
    MailboxDatabase,
    Site,
    VirtualDisk,
    VirtualMachine,
    VmRole,
    VsphereCluster,
)
from designer.domain.facets import EXCHANGE_ROLES
from designer.rules import check

VERSIONS = ("2003", "2007", "2010", "2013")


def _design(*vms: VirtualMachine) -> Design:
    return Design(
        elements=[
            Site(id="s1", name="Boston"),
            VsphereCluster(id="c1", name="prod", site="s1"),
            EsxiHost(id="h1", name="esx-b1", site="s1", cluster="c1"),
            *vms,
        ]
    )


def _vm(vm_id: str = "mbx1", **fields: object) -> VirtualMachine:
    return VirtualMachine(id=vm_id, name=vm_id.upper(), host="h1", **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("version", VERSIONS)
def test_each_exchange_versions_windows_is_one_the_rules_accept(version: str) -> None:
    windows = exchange_windows(version)
    assert windows is not None
    vm = _vm(exchange_version=version, roles=[VmRole.MAILBOX], windows_version=windows)
    report = check(_design(vm))
    # EX003: Exchange 2007 needs Windows 2008 x64 (SVVP); no other rule names Windows.
    assert [f.message for f in report.active if f.code == "EX003" and "Windows" in f.message] == []


def test_a_role_ticked_first_takes_the_newest_version_that_has_it() -> None:
    # Exchange 2013 for a Mailbox server (it was 2010: closing-note25), with 2013's
    # Windows; the roles 2013 has not (Hub Transport, Unified Messaging: EX006) take the
    # newest version that has them, so that no rule fires on a role a user ticks first.
    vm = _vm()
    for role in VmRole:
        follow = follow_defaults(_design(vm), vm, "roles", [role])
        if role.value not in {r.value for r in EXCHANGE_ROLES}:
            assert follow == {}, role
            continue
        version = follow["exchange_version"]
        roles = exchange_roles(version)
        assert roles is not None and role.value in roles, role
        newer = [v for v in VERSIONS if int(v) > int(version)]
        assert all(role.value not in (exchange_roles(v) or ()) for v in newer), role
        windows = follow.get("windows_version", vm.windows_version)
        assert windows == exchange_windows(version), role
    assert follow_defaults(_design(vm), vm, "roles", [VmRole.MAILBOX]) == {
        "exchange_version": "2013"  # its Windows (2012 x64) is the field's default
    }
    both = [VmRole.MAILBOX, VmRole.HUB_TRANSPORT]
    assert follow_defaults(_design(vm), vm, "roles", both)["exchange_version"] == "2010"


def test_a_role_given_takes_the_version_of_the_designs_other_exchange_servers() -> None:
    others = [_vm(f"mbx{n}", exchange_version="2013", roles=[VmRole.MAILBOX]) for n in (2, 3)]
    new = _vm()
    design = _design(new, *others)
    assert follow_defaults(design, new, "roles", [VmRole.CLIENT_ACCESS]) == {
        "exchange_version": "2013"  # Windows: 2013's is the field's default already
    }
    # Not an Exchange role, or a version already there: nothing follows.
    assert follow_defaults(design, new, "roles", [VmRole.DOMAIN_CONTROLLER]) == {}
    versioned = _vm(exchange_version="2010", windows_version="2008 R2 x64")
    assert follow_defaults(design, versioned, "roles", [VmRole.MAILBOX]) == {}
    # Not a VM: nothing.
    assert follow_defaults(design, design.elements[0], "name", "x") == {}


def test_windows_follows_the_exchange_version_until_the_user_chose_one() -> None:
    vm = _vm(exchange_version="2010", windows_version="2008 R2 x64")
    design = _design(vm)
    assert follow_defaults(design, vm, "exchange_version", "2013") == {
        "windows_version": "2012 x64"
    }
    assert follow_defaults(design, vm, "exchange_version", "2007") == {
        "windows_version": "2008 x64"
    }
    chosen = vm.model_copy(update={"windows_version": "2008 R2 SP1 x64"})
    assert follow_defaults(design, chosen, "exchange_version", "2013") == {}
    # Back to no version: the Windows version stays.
    assert follow_defaults(design, vm, "exchange_version", None) == {}


def test_the_edit_and_what_follows_are_one_undo_step() -> None:
    doc = Document(_design(_vm()))
    before = doc.design
    follow = follow_defaults(doc.index, doc.get("mbx1"), "roles", [VmRole.MAILBOX])  # type: ignore[arg-type]
    text = "Set roles of MBX1"
    command = MacroCommand(
        text,
        [
            SetProperty("mbx1", "roles", [VmRole.MAILBOX], text=text),
            *(SetProperty("mbx1", k, v) for k, v in follow.items()),
        ],
    )
    command.redo(doc)
    vm = doc.get("mbx1")
    assert isinstance(vm, VirtualMachine)
    assert (vm.exchange_version, vm.windows_version) == ("2013", "2012 x64")
    command.undo(doc)
    assert doc.design == before


# -- a database disk takes its database's size (wave 24, rulesq24: VS006) ------------------
def _disk_design(db_gb: float = 600, **disk: object) -> tuple[Design, VirtualDisk]:
    new = VirtualDisk.model_validate({"id": "k1", "name": "vDisk-1", "vm": "mbx1", **disk})
    db = MailboxDatabase(id="db1", name="DB01", size_gb=db_gb)
    return _design(_vm(), db, new), new


def test_a_palette_disk_made_a_database_s_disk_takes_its_size_either_way() -> None:
    # Purpose first (no database yet: nothing), then the database; or the other way.
    design, disk = _disk_design()
    assert disk.size_gb == 40 and disk.purpose == "os"
    assert follow_defaults(design, disk, "purpose", "database") == {}
    design, disk = _disk_design(purpose="database")
    assert follow_defaults(design, disk, "database", "db1") == {"size_gb": 600}
    design, disk = _disk_design(database="db1")
    assert follow_defaults(design, disk, "purpose", "database") == {"size_gb": 600}
    # A size someone chose, a log disk, a database under 40 GB: the disk keeps its size.
    design, disk = _disk_design(purpose="database", size_gb=480)
    assert follow_defaults(design, disk, "database", "db1") == {}
    design, disk = _disk_design(purpose="logs")
    assert follow_defaults(design, disk, "database", "db1") == {}
    design, disk = _disk_design(db_gb=30, purpose="database")
    assert follow_defaults(design, disk, "database", "db1") == {}
