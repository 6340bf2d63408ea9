"""Imports of real published files (tests/interop/data/README.md) and of the Exchange
PowerShell exports; merging by name; the calculator round trip."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from designer.domain import check_structure
from designer.domain.elements import (
    Dag,
    EsxiHost,
    FileShareWitness,
    Lun,
    MailboxDatabase,
    Site,
    VirtualDisk,
    VirtualMachine,
    VsphereCluster,
)
from designer.interop.builder import PLACEHOLDER_NOTE, SOURCE_PREFIX
from designer.interop.calculator_export import calculator_files
from designer.interop.importing import import_sources
from designer.interop.values import parse_timespan_days

DATA = Path(__file__).parent / "data"
CALC = DATA / "calculator"
PROD = DATA / "calculator-prod"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, skipinitialspace=True))
    return [r for r in rows if r[next(iter(r))] != "VersionNumber"]


def _expected_copies(databases: Path, copies: Path) -> set[tuple[str, str, int, float]]:
    """(database, server, preference, lag days) read straight from the calculator CSVs."""
    out = {(r["Name"], r["Server"].casefold(), 1, 0.0) for r in _rows(databases)}
    out |= {
        (r["Name"], r["Server"].casefold(), int(r["ActivationPreference"]),
         parse_timespan_days(r["ReplayLagTime"]))
        for r in _rows(copies)
    }  # fmt: skip
    return out


def _copies(design) -> set[tuple[str, str, int, float]]:  # type: ignore[no-untyped-def]
    names = {e.id: e.name for e in design.elements}
    return {
        (db.name, names[c.member].casefold(), c.activation_preference, c.replay_lag_days)
        for db in design.elements
        if isinstance(db, MailboxDatabase)
        for c in db.copies
    }


@pytest.mark.parametrize(
    ("databases", "copies", "servers", "n_db", "n_members"),
    [
        (CALC / "MailboxDatabasesV7.6.csv", CALC / "MailboxDatabaseCopiesV7.6.csv",
         CALC / "ServersV7.6.csv", 40, 4),
        (PROD / "MailboxDatabases.csv", PROD / "MailboxDatabaseCopies.csv",
         PROD / "Servers.csv", 72, 8),
    ],
)  # fmt: skip
def test_real_calculator_exports_import_every_copy(databases, copies, servers, n_db, n_members):
    result = import_sources("calculator", [databases, copies, servers])
    design = result.design
    check_structure(design)
    assert _copies(design) == _expected_copies(databases, copies)
    dbs = [e for e in design.elements if isinstance(e, MailboxDatabase)]
    (dag,) = [e for e in design.elements if isinstance(e, Dag)]
    assert len(dbs) == n_db and len(dag.members) == n_members
    assert dag.name == "DAG-nn"  # named after its databases, DAG-nn-DB01…
    assert all(db.dag == dag.id for db in dbs)
    lagged = [c for db in dbs for c in db.copies if c.replay_lag_days]
    assert lagged and all(c.replay_lag_days == 7 for c in lagged)
    # Every element notes its source rows; the report names the calculator version.
    db01 = next(db for db in dbs if db.name == "DAG-nn-DB01")
    assert f"{SOURCE_PREFIX}{databases.name} row 3" in db01.notes
    assert copies.name in db01.notes
    assert any("calculator version" in n for n in result.report.notes)
    # Servers run on placeholder hosts in a placeholder site, laid out by the auto-layout.
    hosts = [e for e in design.elements if isinstance(e, EsxiHost)]
    assert hosts and all(h.notes.startswith(PLACEHOLDER_NOTE) for h in hosts)
    boxes = [e for e in design.elements if e.kind in ("site", "esxi_host", "vm", "dag")]
    assert all(e.id in design.layout for e in boxes)
    assert result.report.issues == []


def test_calculator_round_trip_gives_the_same_copies(tmp_path):
    first = import_sources(
        "calculator", [CALC / "MailboxDatabasesV7.6.csv", CALC / "MailboxDatabaseCopiesV7.6.csv"]
    ).design
    files = calculator_files(first)
    for name in ("MailboxDatabases.csv", "MailboxDatabaseCopies.csv"):
        (tmp_path / name).write_text(files[name], encoding="utf-8-sig", newline="")
    again = import_sources(
        "calculator", [tmp_path / "MailboxDatabases.csv", tmp_path / "MailboxDatabaseCopies.csv"]
    ).design
    assert _copies(again) == _copies(first)
    assert _copies(again) == _expected_copies(
        CALC / "MailboxDatabasesV7.6.csv", CALC / "MailboxDatabaseCopiesV7.6.csv"
    )
    script = files["CreateDatabases.ps1"]
    assert "New-MailboxDatabase -Name 'DAG-nn-DB01' -Server 'srv-nn-01'" in script
    assert (
        "Add-MailboxDatabaseCopy -Identity 'DAG-nn-DB01' -MailboxServer 'srv-nn-04' "
        "-ActivationPreference 4 -ReplayLagTime 7.00:00:00" in script
    )
    dag_script = files["CreateDAG.ps1"]
    assert "New-DatabaseAvailabilityGroup -Name 'DAG-nn'" in dag_script
    assert dag_script.count("Add-DatabaseAvailabilityGroupServer -Identity 'DAG-nn'") == 4


def test_a_v6_database_list_without_copies_gives_single_copy_databases():
    result = import_sources("calculator", [CALC / "MailboxDatabasesV6.6.csv"])
    dbs = [e for e in result.design.elements if isinstance(e, MailboxDatabase)]
    assert len(dbs) == 40 and all(len(db.copies) == 1 for db in dbs)
    assert not [e for e in result.design.elements if isinstance(e, Dag)]


def test_exchange_powershell_exports_build_the_dag_witnesses_and_copies():
    ex = DATA / "exchange"
    result = import_sources(
        "exchange",
        [
            ex / "Get-DatabaseAvailabilityGroup.csv",
            ex / "Get-MailboxDatabase.csv",
            ex / "Get-MailboxDatabaseCopyStatus-Unicode.csv",  # UTF-16, as -Encoding Unicode
        ],
    )
    design = result.design
    by_name = {e.name: e for e in design.elements}
    dag = by_name["DAG01"]
    assert isinstance(dag, Dag)
    assert dag.dac_mode and not dag.ip_per_subnet  # DagOnly, 255.255.255.255
    assert {by_name_id(design, m) for m in dag.members} == {
        "BOS-MBX01", "BOS-MBX02", "WOR-MBX01", "WOR-MBX02"
    }  # fmt: skip
    witness = next(e for e in design.elements if e.id == dag.witness)
    assert isinstance(witness, FileShareWitness) and witness.name.startswith("HFD-FS01")
    assert dag.alternate_witness is not None
    db01, db02 = by_name["DB01"], by_name["DB02"]
    assert isinstance(db01, MailboxDatabase) and isinstance(db02, MailboxDatabase)
    assert db01.size_gb == pytest.approx(412.302, abs=0.01)
    prefs = {by_name_id(design, c.member): (c.activation_preference, c.replay_lag_days)
             for c in db01.copies}  # fmt: skip
    assert prefs == {"BOS-MBX01": (1, 0), "BOS-MBX02": (2, 0), "WOR-MBX01": (3, 0),
                     "WOR-MBX02": (4, 7)}  # fmt: skip
    # DB02's Get-MailboxDatabase row holds .NET type names: reported with the fix, and
    # the copy status rows (Configured:7.00:00:00) give its copies instead.
    issue = next(i for i in result.report.issues if i.column == "ActivationPreference"
                 and i.file == "Get-MailboxDatabase.csv")  # fmt: skip
    assert issue.row == 4 and "-join" in issue.message
    prefs = {by_name_id(design, c.member): (c.activation_preference, c.replay_lag_days)
             for c in db02.copies}  # fmt: skip
    assert prefs["WOR-MBX01"] == (4, 7.0) and prefs["BOS-MBX02"] == (1, 0)
    bad = next(i for i in result.report.issues if "'one'" in i.message)
    assert bad.row == 7 and bad.skipped
    assert "DB03" not in by_name  # its only row was unmappable, and is listed above


def by_name_id(design, element_id):  # type: ignore[no-untyped-def]
    return next(e.name for e in design.elements if e.id == element_id)


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def rvtools_workbook(path: Path) -> Path:
    """An RVTools-shaped workbook (RVTools 4.x column names) placing srv-nn-01…04."""
    vinfo = [["VM", "Powerstate", "Template", "CPUs", "Memory", "Datacenter", "Cluster", "Host",
              "OS according to the configuration file"]]  # fmt: skip
    vdisk = [["VM", "Disk", "Capacity MiB", "Raw", "Raw LUN ID", "Raw Comp. Mode", "Path"]]
    for i in range(1, 5):
        dc = "Boston" if i <= 2 else "Worcester"
        vinfo.append([f"SRV-NN-0{i}", "poweredOn", "False", 8, 65536, dc, f"{dc}-EXCH",
                      f"esx{i}.corp", "Microsoft Windows Server 2012 (64-bit)"])  # fmt: skip
        vdisk.append([f"SRV-NN-0{i}", "Hard disk 1", 81920, "False", "", "",
                      f"[{dc}-vmfs-01] SRV-NN-0{i}/SRV-NN-0{i}.vmdk"])  # fmt: skip
        vdisk.append([f"SRV-NN-0{i}", "Hard disk 2", 2048000, "True", f"naa.600{i}",
                      "physicalMode", ""])  # fmt: skip
    vinfo.append(["TEMPLATE-W2012", "poweredOff", "True", 2, 4096, "Boston", "", "esx1.corp", ""])
    vinfo.append(["bad-cpu", "poweredOn", "False", "lots", 4096, "Boston", "Boston-EXCH",
                  "esx1.corp", ""])  # fmt: skip
    vdisk.append(["ghost-vm", "Hard disk 1", 1024, "False", "", "", "[x] ghost/ghost.vmdk"])
    return _workbook(
        path,
        {
            "vInfo": vinfo,
            "vHost": [["Host", "Datacenter", "Cluster", "# CPU", "Cores per CPU", "# Cores",
                       "# Memory"]]
            + [[f"esx{i}.corp", "Boston" if i <= 2 else "Worcester",
                f"{'Boston' if i <= 2 else 'Worcester'}-EXCH", 2, 12, 24, 262144]
               for i in range(1, 5)],
            "vCluster": [["Name", "HA enabled", "DRS enabled", "AdmissionControlEnabled",
                          "Failover Level"],
                         ["Boston-EXCH", "True", "True", "True", 1],
                         ["Worcester-EXCH", "True", "False", "False", 1]],
            "vDatastore": [["Name", "Type", "Capacity MiB", "Hosts"],
                           ["Boston-vmfs-01", "VMFS", 2097152, "esx1.corp, esx2.corp"],
                           ["Worcester-vmfs-01", "NFS", 1048576, "esx3.corp, esx4.corp"]],
            "vDisk": vdisk,
        },
    )  # fmt: skip


def test_rvtools_places_the_calculator_servers_when_imported_into_the_design(tmp_path):
    calc = import_sources(
        "calculator", [CALC / "MailboxDatabasesV7.6.csv", CALC / "MailboxDatabaseCopiesV7.6.csv"]
    ).design
    n_vms = sum(isinstance(e, VirtualMachine) for e in calc.elements)
    merged = import_sources("rvtools", [rvtools_workbook(tmp_path / "rv.xlsx")], into=calc)
    design = merged.design
    check_structure(design)
    vms = {e.name: e for e in design.elements if isinstance(e, VirtualMachine)}
    # Matched by name ignoring case: updated, not duplicated (bad-cpu is new).
    assert len(vms) == n_vms + 1
    by_id = {e.id: e for e in design.elements}
    host = by_id[vms["srv-nn-03"].host]
    assert isinstance(host, EsxiHost) and host.name == "esx3.corp" and host.cpu_cores == 24
    assert by_id[host.site].name == "Worcester"
    assert isinstance(by_id[host.cluster], VsphereCluster)
    assert by_id[host.cluster].host_failures_tolerated == 0  # admission control off
    assert vms["srv-nn-01"].windows_version == "2012 x64" and vms["srv-nn-01"].vcpu == 8
    # The placeholders nothing uses any more are gone; the copies are kept.
    assert not any(
        isinstance(e, Site | EsxiHost) and e.notes.startswith(PLACEHOLDER_NOTE)
        for e in design.elements
    )
    assert _copies(design) == _copies(calc)
    disks = {e.name: e for e in design.elements if isinstance(e, VirtualDisk)}
    rdm = disks["srv-nn-02 Hard disk 2"]
    assert rdm.placement == "rdm_physical" and rdm.purpose == "database"
    nfs = disks["srv-nn-04 Hard disk 1"]
    assert nfs.placement == "nas" and nfs.purpose == "os"
    lun = by_id[nfs.lun]
    assert isinstance(lun, Lun) and lun.usage == "nfs_export" and lun.size_gb == 1024
    # Unmappable rows are listed with file, sheet, row and column.
    text = merged.report.to_text()
    assert "rv.xlsx [vInfo]:6: column Template: TEMPLATE-W2012 is a template" in text
    assert "rv.xlsx [vInfo]:7: column CPUs: 'lots' is not a number; value ignored" in text
    assert "rv.xlsx [vDisk]:10: column VM: VM ghost-vm is not in vInfo" in text
    # Importing the same workbook again changes nothing.
    again = import_sources("rvtools", [tmp_path / "rv.xlsx"], into=design)
    assert [e for e in again.design.elements] == [e for e in design.elements]
    assert sum(again.report.created.values()) == 0


@pytest.mark.parametrize(
    ("name", "vms", "missing"),
    [
        ("SizingWorkshop-RVTools.xlsx", 795, {"vCluster", "vDisk", "vDatastore"}),
        ("rvtools-small-complete.xlsx", 3, {"vDatastore"}),
    ],
)
def test_real_rvtools_workbooks_import_and_name_their_missing_sheets(name, vms, missing):
    result = import_sources("rvtools", [DATA / "rvtools" / name])
    design = result.design
    check_structure(design)
    assert sum(isinstance(e, VirtualMachine) for e in design.elements) == vms
    reported = {i.message.split()[1] for i in result.report.issues if i.row is None}
    assert reported == missing
    templates = [i for i in result.report.issues if "template" in i.message]
    assert all(i.row is not None and i.column == "Template" for i in templates)
    vm = next(e for e in design.elements if isinstance(e, VirtualMachine))
    assert "row" in vm.notes and name in vm.notes
