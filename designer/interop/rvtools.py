"""Import an RVTools export of vCenter: the xlsx workbook (``RVTools_export_all.xlsx``)
or the per-tab CSV files of ``-c ExportAll2csv`` (``RVTools_tabvInfo.csv`` …).

Sheets and the columns read (RVTools 3.x/4.x names; others are ignored):

- ``vHost``: ``Host``, ``Datacenter``, ``Cluster``, ``# Cores``, ``# Memory`` (MiB);
- ``vCluster``: ``Name``, ``HA enabled``, ``DRS enabled``, ``AdmissionControlEnabled``,
  ``Failover Level``;
- ``vInfo``: ``VM``, ``Template``, ``Host``, ``Cluster``, ``Datacenter``, ``CPUs``,
  ``Memory`` (MiB), ``OS according to the configuration file``;
- ``vDisk``: ``VM``, ``Disk``, ``Capacity MiB``, ``Raw``, ``Raw Comp. Mode``,
  ``Raw LUN ID``, ``Path`` (``[datastore] vm/vm.vmdk``);
- ``vDatastore``: ``Name``, ``Type`` (VMFS, NFS, vsan), ``Capacity MiB``, ``Hosts``.

A vCenter datacenter becomes a site, a datastore a LUN. vCenter does not know the
storage array behind a datastore: each site gets one stand-in array holding its
datastores (and the LUNs of raw device mappings), said so in its notes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from designer.interop.builder import STAND_IN_NOTE, DesignBuilder, Draft
from designer.interop.report import InteropError
from designer.interop.tables import Row, Table, read_csv, read_workbook
from designer.interop.values import parse_bool, parse_float, parse_int

__all__ = ["SHEETS", "import_rvtools"]

SHEETS = ("vHost", "vCluster", "vInfo", "vDatastore", "vDisk")
#: Per sheet, the columns it must have (each a tuple of accepted spellings).
_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "vHost": (("Host",),),
    "vCluster": (("Name", "Cluster"),),
    "vInfo": (("VM",),),
    "vDatastore": (("Name",),),
    "vDisk": (("VM",), ("Disk",)),
}
_TAB_CSV = re.compile(r"RVTools_tab(\w+)\.csv$", re.IGNORECASE)


def _load(paths: Sequence[str | Path], builder: DesignBuilder) -> dict[str, list[Table]]:
    found: dict[str, list[Table]] = {s: [] for s in SHEETS}
    for path in paths:
        path = Path(path)
        match = _TAB_CSV.search(path.name)
        if match:
            sheet = next((s for s in SHEETS if s.casefold() == match.group(1).casefold()), None)
            if sheet is None:
                builder.report.note(f"{path.name}: RVTools tab {match.group(1)} is not used")
                continue
            table = read_csv(path)
            table.sheet = sheet
            found[sheet].append(table)
            continue
        if path.suffix.casefold() in (".xlsx", ".xlsm"):
            tables, names = read_workbook(path, SHEETS)
            if not tables:
                raise InteropError(
                    f"{path.name}: no RVTools sheet (vInfo, vHost, vCluster, vDisk, "
                    "vDatastore) in this workbook; its sheets are "
                    f"{', '.join(names[:10]) or 'none'}"
                )
            for sheet in SHEETS:
                if sheet in tables:
                    found[sheet].append(tables[sheet])
                else:
                    builder.report.issue(
                        path.name,
                        None,
                        None,
                        f"sheet {sheet} is missing; "
                        + {
                            "vHost": "hosts keep default cores and memory",
                            "vCluster": "clusters keep default HA/DRS settings",
                            "vInfo": "no VMs are placed from this workbook",
                            "vDatastore": "datastore types and sizes are unknown",
                            "vDisk": "no virtual disks are imported",
                        }[sheet],
                        skipped=False,
                    )
            continue
        raise InteropError(
            f"{path.name}: not an RVTools export; give the xlsx workbook or its "
            "RVTools_tab*.csv files"
        )
    for sheet, sheet_tables in found.items():
        for table in sheet_tables:
            missing = [c for c in _REQUIRED[sheet] if table.column(*c) is None]
            if missing:
                raise InteropError(
                    f"{table.where}: sheet {sheet} has no column {' or '.join(missing[0])!r} "
                    f"(columns found: {', '.join(table.columns[:10]) or 'none'})"
                )
            builder.report.rows_read += len(table.rows)
    return found


def import_rvtools(paths: Sequence[str | Path], builder: DesignBuilder) -> None:
    tables = _load(paths, builder)
    importer = _RvTools(builder)
    cluster_sites: dict[str, str] = {}
    for sheet in ("vHost", "vInfo"):
        for table in tables[sheet]:
            for row in table.rows:
                dc, cluster = row.text("Datacenter"), row.text("Cluster")
                if dc and cluster:
                    cluster_sites.setdefault(cluster, dc)
    importer.cluster_sites = cluster_sites
    for table in tables["vCluster"]:
        for row in table.rows:
            importer.cluster_row(row)
    for table in tables["vHost"]:
        for row in table.rows:
            importer.host_row(row)
    for table in tables["vDatastore"]:
        for row in table.rows:
            importer.datastore_row(row)
    for table in tables["vInfo"]:
        for row in table.rows:
            importer.vm_row(row)
    for table in tables["vDisk"]:
        for row in table.rows:
            importer.disk_row(row)
    if importer.stand_ins:
        builder.report.note(
            "vCenter does not know the storage arrays behind datastores: each site's "
            "datastores are LUNs on a stand-in array ("
            + ", ".join(sorted(importer.stand_ins))
            + "); set the array models or move the LUNs to the real arrays"
        )


class _RvTools:
    def __init__(self, builder: DesignBuilder) -> None:
        self.b = builder
        self.report = builder.report
        self.cluster_sites: dict[str, str] = {}
        self.stand_ins: set[str] = set()
        self.datastore_kind: dict[str, str] = {}

    def number(
        self, row: Row, column: str, parse: Callable[[Any], float] = parse_float
    ) -> float | None:
        value = row.get(column)
        if value is None:
            return None
        try:
            return float(parse(value))
        except ValueError as exc:
            self.report.issue(
                row.table.where, row.number, row.table.column(column), str(exc), skipped=False
            )
            return None

    def site(self, name: str | None, row: Row) -> Draft:
        if not name:
            return self.b.placeholder_site()
        return self.b.ensure("site", name, row)

    def cluster(self, name: str, row: Row, site_name: str | None = None) -> Draft:
        existing = self.b.find("vsphere_cluster", name)
        if existing is not None:
            self.b.add_source(existing, row)
            return existing
        site = self.site(site_name or self.cluster_sites.get(name), row)
        return self.b.ensure("vsphere_cluster", name, row, site=site.id)

    def cluster_row(self, row: Row) -> None:
        name = row.text("Name", "Cluster")
        if not name:
            self.report.issue(row.table.where, row.number, "Name", "a cluster row needs a Name")
            return
        cluster = self.cluster(name, row, row.text("Datacenter"))
        for column, field in (("HA enabled", "ha_enabled"), ("DRS enabled", "drs_enabled")):
            value = row.get(column)
            if value is not None:
                try:
                    self.b.set(cluster, field, parse_bool(value), row, column)
                except ValueError as exc:
                    self.report.issue(
                        row.table.where,
                        row.number,
                        row.table.column(column),
                        str(exc),
                        skipped=False,
                    )
        admission = row.get("AdmissionControlEnabled")
        level = self.number(row, "Failover Level", parse_int)
        try:
            enabled = parse_bool(admission) if admission is not None else True
        except ValueError:
            enabled = True
        if level is not None:
            self.b.set(
                cluster,
                "host_failures_tolerated",
                int(level) if enabled else 0,
                row,
                row.table.column("Failover Level"),
            )

    def host(self, name: str, row: Row, cluster_name: str | None, dc: str | None) -> Draft:
        existing = self.b.find("esxi_host", name)
        cluster = self.cluster(cluster_name, row, dc) if cluster_name else None
        site_id = cluster.get("site") if cluster else self.site(dc, row).id
        if existing is not None and not existing.placeholder:
            self.b.add_source(existing, row)
            if cluster is not None and existing.get("cluster") is None:
                self.b.set(existing, "site", site_id)
                self.b.set(existing, "cluster", cluster.id)
            return existing
        host = self.b.ensure("esxi_host", name, row, site=site_id)
        self.b.set(host, "site", site_id)
        if cluster is not None:
            self.b.set(host, "cluster", cluster.id)
        return host

    def host_row(self, row: Row) -> None:
        name = row.text("Host")
        if not name:
            self.report.issue(row.table.where, row.number, "Host", "a host row needs a Host name")
            return
        host = self.host(name, row, row.text("Cluster"), row.text("Datacenter"))
        cores = self.number(row, "# Cores", parse_int)
        if cores is None:
            sockets = self.number(row, "# CPU", parse_int)
            per = self.number(row, "Cores per CPU", parse_int)
            cores = sockets * per if sockets and per else None
        if cores is not None:
            self.b.set(host, "cpu_cores", int(cores), row, row.table.column("# Cores"))
        memory = self.number(row, "# Memory")
        if memory is not None:
            self.b.set(
                host, "memory_gb", round(memory / 1024, 1), row, row.table.column("# Memory")
            )

    def array(self, site: Draft) -> Draft:
        name = f"{site.name} storage"
        array = self.b.find("storage_array", name)
        if array is None:
            array = self.b.ensure("storage_array", name, site=site.id)
            array.data["notes"] = (
                f"{STAND_IN_NOTE}: vCenter (RVTools) does not know the storage array behind "
                f"the datastores of {site.name}; set its model or move the LUNs to the real array."
            )
            self.stand_ins.add(name)
        return array

    def datastore_row(self, row: Row) -> None:
        name = row.text("Name")
        if not name:
            self.report.issue(row.table.where, row.number, "Name", "a datastore row needs a Name")
            return
        kind = (row.text("Type") or "VMFS").casefold()
        self.datastore_kind[name.casefold()] = kind
        site_name = row.text("Datacenter")
        if not site_name:
            hosts = row.text("Hosts") or ""
            for host_name in re.split(r"[,;]\s*", hosts):
                host = self.b.find("esxi_host", host_name.strip()) if host_name.strip() else None
                if host is not None:
                    site_draft = self.b.get(host.get("site"))
                    site_name = site_draft.name if site_draft else None
                    break
        lun = self.lun(name, self.site(site_name, row), row)
        self.b.set(lun, "usage", "nfs_export" if kind.startswith("nfs") else "vmfs_datastore")
        capacity = self.number(row, "Capacity MiB")
        if capacity is not None:
            self.b.set(
                lun, "size_gb", round(capacity / 1024, 1), row, row.table.column("Capacity MiB")
            )

    def lun(self, name: str, site: Draft, row: Row) -> Draft:
        existing = self.b.find("lun", name)
        if existing is not None:
            self.b.add_source(existing, row)
            return existing
        return self.b.ensure("lun", name, row, array=self.array(site).id)

    def vm_row(self, row: Row) -> None:
        where = row.table.where
        name = row.text("VM")
        if not name:
            self.report.issue(where, row.number, "VM", "a VM row needs a VM name")
            return
        template = row.get("Template")
        if template is not None:
            try:
                if parse_bool(template):
                    self.report.issue(
                        where,
                        row.number,
                        row.table.column("Template"),
                        f"{name} is a template, not a running VM",
                    )
                    return
            except ValueError:
                pass
        host_name = row.text("Host")
        vm = self.b.vm(name, row)
        if host_name:
            host = self.host(host_name, row, row.text("Cluster"), row.text("Datacenter"))
            self.b.set(vm, "host", host.id)
        else:
            self.report.issue(
                where,
                row.number,
                "Host",
                f"VM {name} has no host; left where it was",
                skipped=False,
            )
        cpus = self.number(row, "CPUs", parse_int)
        if cpus is not None:
            self.b.set(vm, "vcpu", int(cpus), row, row.table.column("CPUs"))
        memory = self.number(row, "Memory")
        if memory is not None:
            self.b.set(vm, "memory_gb", round(memory / 1024, 2), row, row.table.column("Memory"))
        os_name = row.text(
            "OS according to the configuration file", "OS according to the VMware Tools"
        )
        if os_name and "windows" in os_name.casefold():
            self.b.set(vm, "windows_version", _windows(os_name))

    def disk_row(self, row: Row) -> None:
        where = row.table.where
        vm_name, disk_name = row.text("VM"), row.text("Disk")
        if not vm_name or not disk_name:
            self.report.issue(
                where,
                row.number,
                "VM" if not vm_name else "Disk",
                "a disk row needs a VM and a Disk",
            )
            return
        vm = self.b.find("vm", vm_name)
        if vm is None:
            self.report.issue(
                where, row.number, "VM", f"VM {vm_name} is not in vInfo nor in the design"
            )
            return
        disk = self.b.ensure("virtual_disk", f"{vm.name} {disk_name}", row, vm=vm.id)
        capacity = self.number(row, "Capacity MiB")
        if capacity is not None:
            self.b.set(
                disk, "size_gb", round(capacity / 1024, 2), row, row.table.column("Capacity MiB")
            )
        raw = row.get("Raw")
        try:
            is_raw = parse_bool(raw) if raw is not None else False
        except ValueError as exc:
            self.report.issue(where, row.number, row.table.column("Raw"), str(exc), skipped=False)
            is_raw = False
        site = self.b.get(self.b.site_of_host(vm.get("host"))) or self.b.placeholder_site()
        if is_raw:
            mode = (row.text("Raw Comp. Mode") or "").casefold()
            placement = "rdm_physical" if mode.startswith("physical") else "rdm_virtual"
            lun_id = row.text("Raw LUN ID", "Raw Device Name") or f"{vm.name} {disk_name}"
            lun = self.lun(f"RDM {lun_id}", site, row)
            self.b.set(lun, "usage", "rdm")
            self.b.set(disk, "placement", placement)
            self.b.set(disk, "lun", lun.id)
        else:
            path = row.text("Path", "Disk Path") or ""
            match = re.match(r"^\[([^\]]+)\]", path)
            if match:
                datastore = match.group(1)
                kind = self.datastore_kind.get(datastore.casefold(), "vmfs")
                lun = self.lun(datastore, site, row)
                self.b.set(disk, "placement", "nas" if kind.startswith("nfs") else "vmdk_vmfs")
                self.b.set(disk, "lun", lun.id)
        lowered = disk_name.casefold()
        roles = [str(r) for r in vm.get("roles") or []]
        if "log" in lowered:
            self.b.set(disk, "purpose", "logs")
        elif lowered in ("hard disk 1", "disk 1") or "mailbox" not in roles:
            self.b.set(disk, "purpose", "os")
        else:
            self.b.set(disk, "purpose", "database")


def _windows(os_name: str) -> str:
    match = re.search(r"(20\d\d)( R2)?", os_name)
    if not match:
        return os_name[:100]
    bits = " x64" if "64" in os_name else ""
    return f"{match.group(1)}{match.group(2) or ''}{bits}"
