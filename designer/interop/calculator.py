"""Import the Exchange Server Role Requirements Calculator's deployment CSVs.

The calculator's *Export* buttons write the files its deployment scripts (and
``ExchangeDscCalculatorHelper``) read; their published layouts, as kept in
dsccommunity/ExchangeDsc's test data and examples (tests/interop/data/README.md):

- ``MailboxDatabases.csv``: ``Name, Server, DBFilePath`` (``EDBFilePath`` from v7),
  ``LogFolderPath`` … — one row per database; ``Server`` holds its first copy
  (activation preference 1);
- ``MailboxDatabaseCopies.csv``: ``GC, GC2, Name, Server, ActivationPreference,
  ReplayLagTime, TruncationLagTime`` — one row per further copy, lag as a .NET
  TimeSpan (``7.0:00:00``);
- ``Servers.csv``: ``ServerName, StartDrive, DbPerVolume, …, DbMap`` — the servers and
  the databases each holds.

The second line of each is ``VersionNumber, <export format>, <calculator version>``.
Files are recognised by their columns, not their names. The exports carry no DAG
name, site or host: servers sharing databases become one DAG, named after the common
prefix of its database names (``DAG-nn-DB01``… gives ``DAG-nn``), on placeholder hosts
in a placeholder site until RVTools (or an edit) places them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from designer.interop.builder import DesignBuilder, Draft
from designer.interop.report import ImportReport, InteropError
from designer.interop.tables import Row, Table, read_csv
from designer.interop.values import parse_int, parse_timespan_days

__all__ = ["import_calculator", "infer_dag_name"]


def _kind(table: Table) -> str | None:
    if table.has("ServerName", "DbMap"):
        return "servers"
    if table.has("Name", "Server", "ActivationPreference"):
        return "copies"
    if table.has("Name", "Server") and (
        table.has("DBFilePath") or table.has("EDBFilePath") or table.has("LogFolderPath")
    ):
        return "databases"
    return None


def _version(table: Table, rows: list[Row]) -> tuple[str | None, list[Row]]:
    """Take the ``VersionNumber`` line off; the calculator version it names."""
    kept: list[Row] = []
    version = None
    for row in rows:
        first = row.values[0] if row.values else None
        if isinstance(first, str) and first.strip().strip('"') == "VersionNumber":
            cells = [str(v).strip() for v in row.values[1:3] if v is not None]
            version = cells[-1] if cells else None
            continue
        kept.append(row)
    return version, kept


def infer_dag_name(database_names: Sequence[str], fallback: str) -> str:
    """The DAG name the calculator's database names start with: the common prefix,
    less a trailing ``DB`` and separators; ``fallback`` when there is none."""
    if not database_names:
        return fallback
    first, last = min(database_names), max(database_names)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    prefix = first[:n].rstrip("0123456789")
    for tail in ("DB", "db", "Db"):
        if prefix.endswith(tail):
            prefix = prefix[: -len(tail)]
    prefix = prefix.rstrip("-_. ")
    return prefix if len(prefix) >= 2 else fallback


def import_calculator(paths: Sequence[str | Path], builder: DesignBuilder) -> None:
    report = builder.report
    tables: dict[str, list[tuple[Table, list[Row]]]] = {
        "databases": [],
        "copies": [],
        "servers": [],
    }
    versions: set[str] = set()
    for path in paths:
        table = read_csv(path)
        kind = _kind(table)
        if kind is None:
            raise InteropError(
                f"{table.where}: not a calculator export; expected the columns of "
                "MailboxDatabases.csv (Name, Server, EDBFilePath), MailboxDatabaseCopies.csv "
                "(Name, Server, ActivationPreference) or Servers.csv (ServerName, DbMap); "
                f"found {', '.join(table.columns[:8]) or 'none'}"
            )
        version, rows = _version(table, table.rows)
        if version:
            versions.add(version)
        report.rows_read += len(rows)
        tables[kind].append((table, rows))
    exchange = None
    for version in versions:
        major = version.split(".")[0]
        if major in ("6", "7"):
            exchange = "2013"
        report.note(f"calculator version {version}")
    #: database name -> {server name: (preference, lag, row)}
    links: dict[str, dict[str, tuple[int | None, float, Row]]] = {}
    db_rows: dict[str, Row] = {}
    for table, rows in tables["databases"]:
        for row in rows:
            name, server = row.text("Name"), row.text("Server")
            if not name or not server:
                report.issue(
                    table.where,
                    row.number,
                    "Name" if not name else "Server",
                    "a database row needs a Name and a Server",
                )
                continue
            db_rows.setdefault(name, row)
            links.setdefault(name, {})[server] = (1, 0.0, row)
    for table, rows in tables["copies"]:
        for row in rows:
            _copy_row(table, row, links, report)
    servers_seen: dict[str, Row] = {}
    dbmap: dict[str, list[str]] = {}
    for table, rows in tables["servers"]:
        for row in rows:
            server = row.text("ServerName")
            if not server:
                report.issue(
                    table.where, row.number, "ServerName", "a server row needs a ServerName"
                )
                continue
            servers_seen.setdefault(server, row)
            mapped = row.text("DbMap") or ""
            dbmap[server] = [d.strip() for d in mapped.split(",") if d.strip()]
    _build(builder, links, db_rows, servers_seen, dbmap, exchange)
    if links or servers_seen:
        report.note(
            "the calculator's exports name no site or ESXi host: new servers run on "
            "placeholder hosts in site 'Unplaced (import)' until RVTools or an edit places them"
        )
        report.note(
            "database size and mailbox counts are not in the calculator's exports: "
            "new databases keep the defaults (100 GB, 0 mailboxes)"
        )


def _copy_row(
    table: Table,
    row: Row,
    links: dict[str, dict[str, tuple[int | None, float, Row]]],
    report: ImportReport,
) -> None:
    name, server = row.text("Name"), row.text("Server")
    if not name or not server:
        report.issue(
            table.where,
            row.number,
            "Name" if not name else "Server",
            "a copy row needs a database Name and a Server",
        )
        return
    raw_pref = row.get("ActivationPreference")
    try:
        preference = parse_int(raw_pref) if raw_pref is not None else None
        if preference is not None and not 1 <= preference <= 64:
            raise ValueError(f"activation preference {preference} is outside 1…64")
    except ValueError as exc:
        report.issue(table.where, row.number, table.column("ActivationPreference"), str(exc))
        return
    raw_lag = row.get("ReplayLagTime")
    try:
        lag = parse_timespan_days(raw_lag) if raw_lag is not None else 0.0
        if lag > 365:
            raise ValueError(f"replay lag of {lag:g} days is beyond what a copy can lag")
    except ValueError as exc:
        report.issue(table.where, row.number, table.column("ReplayLagTime"), str(exc))
        return
    copies = links.setdefault(name, {})
    if server in copies and copies[server][2].table is table:
        report.issue(
            table.where,
            row.number,
            "Server",
            f"database {name} already has a copy on {server} (row {copies[server][2].number}); "
            "this row replaces it",
            skipped=False,
        )
    copies[server] = (preference, lag, row)


def _components(links: dict[str, dict[str, tuple[int | None, float, Row]]]) -> list[set[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for servers in links.values():
        names = list(servers)
        for other in names[1:]:
            parent[find(other)] = find(names[0])
        if names:
            find(names[0])
    groups: dict[str, set[str]] = {}
    for server in parent:
        groups.setdefault(find(server), set()).add(server)
    return sorted(groups.values(), key=lambda g: sorted(g)[0].casefold())


def _build(
    builder: DesignBuilder,
    links: dict[str, dict[str, tuple[int | None, float, Row]]],
    db_rows: dict[str, Row],
    servers_seen: dict[str, Row],
    dbmap: dict[str, list[str]],
    exchange: str | None,
) -> None:
    report = builder.report
    vms: dict[str, Draft] = {}

    def vm(server: str, row: Row | None) -> Draft:
        draft = vms.get(server) or builder.vm(server, row)
        if row is not None and server in vms:
            builder.add_source(draft, row)
        vms[server] = draft
        builder.add_role(draft, "mailbox")
        if exchange and not draft.get("exchange_version"):
            builder.set(draft, "exchange_version", exchange)
        return draft

    for server, row in servers_seen.items():
        vm(server, row)
    n_dag = len(builder.all("dag"))
    for group in _components(links):
        databases = sorted(db for db, servers in links.items() if set(servers) & group)
        dag: Draft | None = None
        if len(group) > 1:
            dag = _existing_dag(builder, databases, group)
            if dag is None:
                n_dag += 1
                dag = builder.ensure("dag", infer_dag_name(databases, f"DAG-{n_dag}"))
                report.note(
                    f"DAG {dag.name}: servers {', '.join(sorted(group))} share databases; "
                    "the calculator's exports do not name the DAG, so it is named after "
                    "its databases"
                )
        for db_name in databases:
            copies = links[db_name]
            first_row = db_rows.get(db_name) or next(iter(copies.values()))[2]
            database = builder.ensure("mailbox_database", db_name, first_row)
            if dag is not None:
                builder.set(database, "dag", dag.id)
            for server, (preference, lag, row) in sorted(
                copies.items(), key=lambda item: (item[1][0] or 99, item[0].casefold())
            ):
                member = vm(server, row)
                if dag is not None:
                    builder.add_member(dag, member)
                    builder.add_source(dag, row)
                builder.put_copy(database, member, preference, lag, row)
    for server, databases in dbmap.items():
        row = servers_seen[server]
        missing = [db for db in databases if server not in links.get(db, {})]
        if missing and links:
            report.issue(
                row.table.where,
                row.number,
                row.table.column("DbMap"),
                f"DbMap puts {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''} on "
                f"{server}, but no database or copy row does; no copy added",
                skipped=False,
            )


def _existing_dag(builder: DesignBuilder, databases: list[str], group: set[str]) -> Draft | None:
    for name in databases:
        database = builder.find("mailbox_database", name)
        dag = builder.get(database.get("dag")) if database else None
        if dag is not None:
            return dag
    for dag in builder.all("dag"):
        members = {
            builder.drafts[m].name.casefold()
            for m in dag.get("members") or []
            if m in builder.drafts
        }
        if members & {g.casefold() for g in group}:
            return dag
    return None
