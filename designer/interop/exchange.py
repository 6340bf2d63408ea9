"""Import Exchange Management Shell output saved with ``Export-Csv``:

- ``Get-DatabaseAvailabilityGroup -Status``: ``Name``, ``Servers``, ``WitnessServer``,
  ``WitnessDirectory``, ``AlternateWitnessServer``, ``DatacenterActivationMode``
  (``Off`` / ``DagOnly``), ``DatabaseAvailabilityGroupIpAddresses``;
- ``Get-MailboxDatabaseCopyStatus``: ``Name`` (``DB01\\EX01``), ``DatabaseName``,
  ``MailboxServer``, ``Status``, ``ActivationPreference``, ``ReplayLagStatus``
  (``…; Configured:7.00:00:00; …``);
- ``Get-MailboxDatabase`` (``-Status`` for the size): ``Name``,
  ``MasterServerOrAvailabilityGroup``, ``Server``, ``ActivationPreference``
  (``{[EX01, 1], [EX02, 2]}``), ``ReplayLagTimes``, ``DatabaseSize``.

Property names are those of the cmdlets' output objects (``DatabaseCopyStatusEntry``
and friends). Export-Csv cannot flatten multi-valued properties: a column holding a
.NET type name (``System.Collections.ArrayList``) is reported with the ``-join``
expression that exports its values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from designer.interop.builder import DesignBuilder, Draft
from designer.interop.report import InteropError
from designer.interop.tables import Row, Table, read_csv
from designer.interop.values import (
    parse_int,
    parse_list,
    parse_pairs,
    parse_size_gb,
    parse_timespan_days,
)

__all__ = ["import_exchange"]


def _kind(table: Table) -> str | None:
    if table.has("Name", "WitnessServer") or table.has("Name", "Servers", "WitnessDirectory"):
        return "dag"
    if table.has("DatabaseName", "MailboxServer") or table.has("ActiveDatabaseCopy", "Status"):
        return "copy_status"
    if table.has("Name", "MasterServerOrAvailabilityGroup") or table.has("Name", "EdbFilePath"):
        return "database"
    return None


def import_exchange(paths: Sequence[str | Path], builder: DesignBuilder) -> None:
    tables: dict[str, list[Table]] = {"dag": [], "copy_status": [], "database": []}
    for path in paths:
        table = read_csv(path)
        kind = _kind(table)
        if kind is None:
            raise InteropError(
                f"{table.where}: not an Exchange Export-Csv this import knows; expected "
                "Get-DatabaseAvailabilityGroup (Name, Servers, WitnessServer), "
                "Get-MailboxDatabaseCopyStatus (DatabaseName, MailboxServer, "
                "ActivationPreference) or Get-MailboxDatabase (Name, "
                f"MasterServerOrAvailabilityGroup); found {', '.join(table.columns[:8]) or 'none'}"
            )
        builder.report.rows_read += len(table.rows)
        tables[kind].append(table)
    for table in tables["dag"]:
        for row in table.rows:
            _dag_row(builder, row)
    for table in tables["database"]:
        for row in table.rows:
            _database_row(builder, row)
    for table in tables["copy_status"]:
        for row in table.rows:
            _copy_status_row(builder, row)
    if any(tables.values()):
        builder.report.note(
            "Exchange's output names no ESXi host or site: new servers and witnesses are "
            "placed in site 'Unplaced (import)' until RVTools or an edit places them"
        )


def _servers(builder: DesignBuilder, row: Row, column: str) -> list[str] | None:
    value = row.get(column)
    if value is None:
        return []
    try:
        return parse_list(value)
    except ValueError as exc:
        builder.report.issue(row.table.where, row.number, row.table.column(column), str(exc))
        return None


def _witness(builder: DesignBuilder, server: str, directory: str | None, row: Row) -> Draft:
    host = server.split("\\")[-1].split(".")[0] if "\\" in server else server
    vm = builder.find("vm", host)
    site = builder.site_of_host(vm.get("host")) if vm else None
    if site is None:
        site = builder.placeholder_site().id
    witness = builder.ensure("file_share_witness", host, row, site=site)
    if vm is not None:
        builder.set(witness, "vm", vm.id)
    if directory:
        note = f"Witness directory {directory}"
        notes = str(witness.get("notes") or "")
        if note not in notes:
            witness.data["notes"] = (notes + "\n" + note).strip()
    return witness


def _dag_row(builder: DesignBuilder, row: Row) -> None:
    report, where = builder.report, row.table.where
    name = row.text("Name")
    if not name:
        report.issue(where, row.number, "Name", "a DAG row needs a Name")
        return
    servers = _servers(builder, row, "Servers")
    if servers is None:
        return
    dag = builder.ensure("dag", name, row)
    for server in servers:
        vm = builder.vm(server, row)
        builder.add_role(vm, "mailbox")
        builder.add_member(dag, vm)
    witness = row.text("WitnessServer")
    if witness:
        fsw = _witness(builder, witness, row.text("WitnessDirectory"), row)
        builder.set(dag, "witness", fsw.id)
    alternate = row.text("AlternateWitnessServer")
    if alternate:
        fsw = _witness(builder, alternate, row.text("AlternateWitnessDirectory"), row)
        builder.set(dag, "alternate_witness", fsw.id)
    mode = row.text("DatacenterActivationMode")
    if mode is not None:
        if mode.casefold() in ("dagonly", "off"):
            builder.set(dag, "dac_mode", mode.casefold() == "dagonly")
        else:
            report.issue(
                where,
                row.number,
                row.table.column("DatacenterActivationMode"),
                f"{mode!r} is not Off or DagOnly",
                skipped=False,
            )
    ips = row.text("DatabaseAvailabilityGroupIpAddresses", "DatabaseAvailabilityGroupIpv4Addresses")
    if ips is not None:
        # An IP-less DAG (Exchange 2013 SP1+) has the address 255.255.255.255.
        builder.set(dag, "ip_per_subnet", "255.255.255.255" not in ips)


def _database_row(builder: DesignBuilder, row: Row) -> None:
    report, where = builder.report, row.table.where
    name = row.text("Name")
    if not name:
        report.issue(where, row.number, "Name", "a database row needs a Name")
        return
    preferences: dict[str, int] = {}
    raw = row.get("ActivationPreference")
    if raw is not None:
        try:
            for server, value in parse_pairs(raw):
                preferences[server] = parse_int(value)
        except ValueError as exc:
            report.issue(where, row.number, row.table.column("ActivationPreference"), str(exc))
            return
    lags: dict[str, float] = {}
    raw = row.get("ReplayLagTimes")
    if raw is not None:
        try:
            for server, value in parse_pairs(raw):
                lags[server] = parse_timespan_days(value)
        except ValueError as exc:
            report.issue(where, row.number, row.table.column("ReplayLagTimes"), str(exc))
            return
    database = builder.ensure("mailbox_database", name, row)
    master = row.text("MasterServerOrAvailabilityGroup")
    dag = builder.find("dag", master) if master else None
    if master and dag is None and builder.find("vm", master) is None:
        # A DAG this import has not seen yet (no Get-DatabaseAvailabilityGroup file).
        dag = builder.ensure("dag", master, row)
    if dag is not None:
        builder.set(database, "dag", dag.id)
    size = row.get("DatabaseSize")
    if size is not None:
        try:
            builder.set(database, "size_gb", round(parse_size_gb(size), 3), row, "DatabaseSize")
        except ValueError as exc:
            report.issue(
                where, row.number, row.table.column("DatabaseSize"), str(exc), skipped=False
            )
    servers = list(preferences) or ([s for s in [row.text("Server")] if s])
    for server in servers:
        _copy(builder, database, dag, server, preferences.get(server), lags.get(server), row)


def _copy(
    builder: DesignBuilder,
    database: Draft,
    dag: Draft | None,
    server: str,
    preference: int | None,
    lag: float | None,
    row: Row,
) -> None:
    if preference is not None and not 1 <= preference <= 64:
        builder.report.issue(
            row.table.where,
            row.number,
            row.table.column("ActivationPreference"),
            f"activation preference {preference} of {server} is outside 1…64",
        )
        return
    if lag is not None and lag > 365:
        builder.report.issue(
            row.table.where, row.number, None, f"replay lag of {lag:g} days is out of range"
        )
        return
    vm = builder.vm(server, row)
    builder.add_role(vm, "mailbox")
    if dag is None:
        dag = builder.get(database.get("dag"))
    if dag is None:
        dag = next((d for d in builder.all("dag") if vm.id in (d.get("members") or [])), None)
        if dag is not None:
            builder.set(database, "dag", dag.id)
    if dag is not None:
        builder.add_member(dag, vm)
    builder.put_copy(database, vm, preference, lag, row)


_CONFIGURED = re.compile(r"Configured:\s*([\d.:]+)")


def _copy_status_row(builder: DesignBuilder, row: Row) -> None:
    report, where = builder.report, row.table.where
    database_name, server = row.text("DatabaseName"), row.text("MailboxServer")
    identity = row.text("Name")
    if (not database_name or not server) and identity and "\\" in identity:
        database_name, _, server = identity.partition("\\")
    if not database_name or not server:
        report.issue(
            where,
            row.number,
            "DatabaseName" if not database_name else "MailboxServer",
            "a copy status row needs DatabaseName and MailboxServer (or Name DB\\SERVER)",
        )
        return
    raw = row.get("ActivationPreference")
    try:
        preference = parse_int(raw) if raw is not None else None
    except ValueError as exc:
        report.issue(where, row.number, row.table.column("ActivationPreference"), str(exc))
        return
    lag: float | None = None
    status = row.text("ReplayLagStatus")
    if status:
        match = _CONFIGURED.search(status)
        if match:
            try:
                lag = parse_timespan_days(match.group(1))
            except ValueError as exc:
                report.issue(where, row.number, row.table.column("ReplayLagStatus"), str(exc))
                return
    database = builder.ensure("mailbox_database", database_name, row)
    _copy(builder, database, None, server, preference, lag, row)
