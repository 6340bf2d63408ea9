"""Export the copy layout the calculator's way, plus PowerShell that builds it.

Written into a folder:

- ``MailboxDatabases.csv`` and ``MailboxDatabaseCopies.csv`` in the calculator's v7.6
  layout (the ``VersionNumber`` line included), which :mod:`designer.interop.calculator`
  reads back to the same copies and the calculator's deployment scripts accept;
- ``Servers.csv`` (``ServerName`` … ``DbMap``);
- ``CreateDAG.ps1``: ``New-DatabaseAvailabilityGroup`` (witness, IP-less or not),
  ``Set-DatabaseAvailabilityGroup`` (alternate witness, DAC mode) and
  ``Add-DatabaseAvailabilityGroupServer`` per member;
- ``CreateDatabases.ps1``: ``New-MailboxDatabase`` on the preference-1 member and
  ``Add-MailboxDatabaseCopy`` with ``-ActivationPreference`` and ``-ReplayLagTime`` for
  every other copy (lowest preference first, as Exchange requires preferences to be
  added in order), then ``Set-MailboxDatabase -CircularLoggingEnabled $true`` for a
  database no backup names.

``CircularLoggingEnabled`` follows the design's backups: ``FALSE`` for a database a
backup names, ``TRUE`` for one no backup names. The sources (checked in wave 25,
``eyes25``; wave 24 had cited them from memory):

- Microsoft, *Backup, restore, and disaster recovery* (Exchange Server; TechNet
  394fc4ed-fa02-41fa-9159-cc2754ff8875), section *Exchange Native Data Protection*: a
  successful full or incremental backup ends by truncating the logs the database no
  longer needs for recovery; with no backups taken nothing truncates them, and circular
  logging is what a replicated database without backups is given so that its logs do
  not build up. On a replicated database it is continuous replication circular logging
  (CRCL), run by the Replication service: a log goes once it is below the checkpoint,
  the other non-lagged copies agree and every lagged copy has inspected it (a lagged
  copy's own logs once older than its ReplayLagTime + TruncationLagTime). The same page
  asks for at least three non-lagged copies before traditional backups are dropped (BK001
  and BK003 say what a database without either lacks).
- ESE's ``InstanceParameters.CircularLog`` (Microsoft.Isam.Esent.Interop): with circular
  logging off the logs stay until a full backup retires them; on, only those younger
  than the checkpoint stay, not every log since the last full backup; so it stays off
  under a backup.
- ``Add-MailboxDatabaseCopy`` (Exchange PowerShell reference): circular logging must be
  off while a database's second copy is added and can be turned on after; on a
  replicated database it is CRCL, on a database of one copy JET circular logging
  (*Configure circular logging for a mailbox database*, Exchange 2013: that kind takes
  effect at the next mount). Hence ``Set-MailboxDatabase`` after the copies.
- The calculator's own ``MailboxDatabases.csv`` exports carry either value
  (dsccommunity/ExchangeDsc's test data: ``TRUE`` in a v7.6 export, ``FALSE`` in its v6.6
  examples); nothing in them says which of the calculator's inputs chose it, so this
  export does not claim to mirror one.
"""

from __future__ import annotations

import csv
import io

from designer.domain.design import Design
from designer.domain.elements import (
    Backup,
    Dag,
    FileShareWitness,
    MailboxDatabase,
    VirtualMachine,
)

__all__ = ["CALCULATOR_FILES", "calculator_files", "timespan"]

CALCULATOR_FILES = (
    "MailboxDatabases.csv",
    "MailboxDatabaseCopies.csv",
    "Servers.csv",
    "CreateDAG.ps1",
    "CreateDatabases.ps1",
)
_DB_COLUMNS = [
    "Name", "Server", "EDBFilePath", "LogFolderPath", "DeletedItemRetention", "GC", "OAB",
    "RetainDeletedItemsUntilBackup", "IndexEnabled", "CircularLoggingEnabled",
    "ProhibitSendReceiveQuota", "ProhibitSendQuota", "IssueWarningQuota", "AllowFileRestore",
    "BackgroundDatabaseMaintenance", "IsExcludedFromProvisioning", "IsSuspendedFromProvisioning",
    "MailboxRetention", "MountAtStartup", "EventHistoryRetentionPeriod",
    "AutoDagExcludeFromMonitoring", "CalendarLoggingQuota", "IsExcludedFromInitialProvisioning",
    "DataMoveReplicationConstraint", "RecoverableItemsQuota", "RecoverableItemsWarningQuota",
]  # fmt: skip
_COPY_COLUMNS = [
    "GC", "GC2", "Name", "Server", "ActivationPreference", "ReplayLagTime", "TruncationLagTime"
]  # fmt: skip
_SERVER_COLUMNS = [
    "ServerName", "StartDrive", "DbPerVolume", "AutoReseedVolumes", "DbLogIsolation",
    "VolumesRootFolder", "DatabasesRootFolder", "DbMap",
]  # fmt: skip


_WITNESS_DIR = "C:\\DAGFileShareWitnesses\\"


def timespan(days: float) -> str:
    """Days as a .NET TimeSpan: ``7.00:00:00``."""
    total = round(days * 86400)
    d, rest = divmod(total, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    return f"{d}.{h:02d}:{m:02d}:{s:02d}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _ps(text: str) -> str:
    """A PowerShell single-quoted string literal."""
    return "'" + text.replace("'", "''") + "'"


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def calculator_files(design: Design) -> dict[str, str]:
    """File name -> content of every file the calculator export writes (written by
    :mod:`designer.interop.exporting` through the one atomic writer)."""
    by_id = {e.id: e for e in design.elements}

    def name(element_id: str | None) -> str:
        element = by_id.get(element_id) if element_id else None
        return element.name if element is not None else (element_id or "")

    databases = [e for e in design.elements if isinstance(e, MailboxDatabase) and e.copies]
    # Every row said TRUE (eyes24): the calculator's scripts fed the CSV turned circular
    # logging on under the customer's nightly backup, whose logs it then deleted.
    backed_up = {db for e in design.elements if isinstance(e, Backup) for db in e.databases}
    db_rows = [_DB_COLUMNS, ["VersionNumber", "2.1", "7.6", *[""] * (len(_DB_COLUMNS) - 3)]]
    copy_rows = [_COPY_COLUMNS, ["VersionNumber", "2.1", "7.6", "", "", "", "0.00:00:00"]]
    dbmap: dict[str, list[str]] = {}
    ps_db = [
        "# Creates the mailbox databases and their copies of design "
        f"{_one_line(design.name)} (exported by DR Designer).",
        "# Run in the Exchange Management Shell after CreateDAG.ps1.",
        "$ErrorActionPreference = 'Stop'",
        "",
    ]
    for db in databases:
        copies = sorted(db.copies, key=lambda c: (c.activation_preference, name(c.member)))
        first = copies[0]
        edb = f"C:\\ExchangeDatabases\\{db.name}\\{db.name}.db\\{db.name}.edb"
        log = f"C:\\ExchangeDatabases\\{db.name}\\{db.name}.log"
        db_rows.append(
            [db.name, name(first.member), edb, log, "14.00:00:00", "",
             "\\Default Offline Address Book", "TRUE", "True",
             "FALSE" if db.id in backed_up else "TRUE", "Unlimited",
             "Unlimited", "Unlimited", "True", "True",
             "False", "False", "30.00:00:00", "True", "7.00:00:00", "False", "1GB", "False",
             "SecondCopy", "30", "20"]
        )  # fmt: skip
        ps_db.append(
            f"New-MailboxDatabase -Name {_ps(db.name)} -Server {_ps(name(first.member))} "
            f"-EdbFilePath {_ps(edb)} -LogFolderPath {_ps(log)}"
        )
        if first.replay_lag_days:
            ps_db.append(
                f"# {name(first.member)} holds the first copy; a lag of "
                f"{timespan(first.replay_lag_days)} on it is set with Set-MailboxDatabaseCopy"
            )
        for copy in copies:
            dbmap.setdefault(name(copy.member), []).append(db.name)
        for copy in copies[1:]:
            lag = timespan(copy.replay_lag_days)
            copy_rows.append(
                ["", "", db.name, name(copy.member), str(copy.activation_preference), lag,
                 "0.00:00:00"]
            )  # fmt: skip
            ps_db.append(
                f"Add-MailboxDatabaseCopy -Identity {_ps(db.name)} "
                f"-MailboxServer {_ps(name(copy.member))} "
                f"-ActivationPreference {copy.activation_preference} -ReplayLagTime {lag}"
            )
        if first.activation_preference != 1 or first.replay_lag_days:
            ps_db.append(
                f"Set-MailboxDatabaseCopy -Identity {_ps(db.name + chr(92) + name(first.member))} "
                f"-ActivationPreference {first.activation_preference} "
                f"-ReplayLagTime {timespan(first.replay_lag_days)}"
            )
        if db.id not in backed_up:
            # The CSV's TRUE, done: after the copies (Add-MailboxDatabaseCopy wants it off
            # while the second is added), as no backup will truncate the logs.
            ps_db.append(f"# No backup names {db.name}: circular logging truncates its logs")
            ps_db.append(
                f"Set-MailboxDatabase -Identity {_ps(db.name)} -CircularLoggingEnabled $true"
            )
    server_rows = [_SERVER_COLUMNS, ["VersionNumber", "2.1", "7.6", "", "", "", "", ""]]
    for server in sorted(dbmap, key=str.casefold):
        server_rows.append(
            [server, "5", "4", "1", "0", "C:\\ExchangeVolumes", "C:\\ExchangeDatabases",
             ",".join(dbmap[server])]
        )  # fmt: skip
    ps_dag = [
        f"# Creates the DAGs of design {_one_line(design.name)} (exported by DR Designer).",
        "# Run in the Exchange Management Shell.",
        "$ErrorActionPreference = 'Stop'",
        "",
    ]
    for dag in (e for e in design.elements if isinstance(e, Dag)):
        args = [f"-Name {_ps(dag.name)}"]
        witness = by_id.get(dag.witness) if dag.witness else None
        if isinstance(witness, FileShareWitness):
            server = name(witness.vm) if witness.vm else witness.name
            args += [
                f"-WitnessServer {_ps(server)}",
                "-WitnessDirectory " + _ps(_WITNESS_DIR + dag.name),
            ]
        if not dag.ip_per_subnet:
            args.append("-DatabaseAvailabilityGroupIPAddresses ([System.Net.IPAddress]::None)")
        ps_dag.append("New-DatabaseAvailabilityGroup " + " ".join(args))
        settings = []
        alternate = by_id.get(dag.alternate_witness) if dag.alternate_witness else None
        if isinstance(alternate, FileShareWitness):
            server = name(alternate.vm) if alternate.vm else alternate.name
            settings += [
                f"-AlternateWitnessServer {_ps(server)}",
                "-AlternateWitnessDirectory " + _ps(_WITNESS_DIR + dag.name),
            ]
        if dag.dac_mode:
            settings.append("-DatacenterActivationMode DagOnly")
        if settings:
            ps_dag.append(
                f"Set-DatabaseAvailabilityGroup -Identity {_ps(dag.name)} " + " ".join(settings)
            )
        for member in dag.members:
            vm = by_id.get(member)
            if isinstance(vm, VirtualMachine):
                ps_dag.append(
                    f"Add-DatabaseAvailabilityGroupServer -Identity {_ps(dag.name)} "
                    f"-MailboxServer {_ps(vm.name)}"
                )
        ps_dag.append("")
    return {
        "MailboxDatabases.csv": _csv(db_rows),
        "MailboxDatabaseCopies.csv": _csv(copy_rows),
        "Servers.csv": _csv(server_rows),
        "CreateDAG.ps1": "\r\n".join(ps_dag) + "\r\n",
        "CreateDatabases.ps1": "\r\n".join(ps_db) + "\r\n",
    }
