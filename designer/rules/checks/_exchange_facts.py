"""Facts about Exchange data shared by the vSphere, backup and Exchange rules.

A 25,000-element design holds some 17,000 virtual disks; the rules that look at
Exchange data read one pass over them, built once per :class:`DesignIndex` (a design
snapshot is immutable, so the facts stay true as long as the index lives).
"""

from __future__ import annotations

from functools import cached_property
from weakref import WeakKeyDictionary, proxy

from designer.catalog import timings
from designer.domain.elements import MailboxDatabase, VirtualDisk, VirtualMachine
from designer.domain.enums import VmRole
from designer.domain.facets import EXCHANGE_ROLES, is_data_disk, is_exchange
from designer.domain.index import DesignIndex
from designer.rules.context import RuleContext

__all__ = ["EXCHANGE_ROLES", "ExchangeFacts", "exchange_facts", "is_exchange", "runs_transport"]


def runs_transport(vm: VirtualMachine) -> bool:
    """A server that carries mail in transport: the Hub Transport role, or a Mailbox
    server of a version whose Mailbox role runs the Transport service (Exchange 2013:
    the catalog's ``exchange_roles``)."""
    if VmRole.HUB_TRANSPORT in vm.roles:
        return True
    if VmRole.MAILBOX not in vm.roles or vm.exchange_version is None:
        return False
    return vm.exchange_version in timings()["exchange_roles"]["mailbox_runs_transport"]


class ExchangeFacts:
    """Exchange data disks and the servers holding each mailbox database."""

    def __init__(self, index: DesignIndex) -> None:
        # A weak proxy: the cache below is keyed weakly by the index, and a value that
        # held the index itself would keep it (and its design) alive for ever.
        self.index: DesignIndex = proxy(index)

    @cached_property
    def data_disks(self) -> list[VirtualDisk]:
        """Disks holding Exchange data: purpose database or logs, or tied to a database."""
        return [d for d in self.index.of("virtual_disk", VirtualDisk) if is_data_disk(d)]

    @cached_property
    def servers_of_database(self) -> dict[str, set[str]]:
        """For each mailbox database id, the VMs holding it (its copies and its disks)."""
        servers: dict[str, set[str]] = {}
        for db in self.index.of("mailbox_database", MailboxDatabase):
            servers[db.id] = {c.member for c in db.copies}
        for disk in self.data_disks:
            db_id = disk.database
            if db_id is not None:
                held = servers.get(db_id)
                if held is None:
                    servers[db_id] = {disk.vm}
                else:
                    held.add(disk.vm)
        return servers

    @cached_property
    def active_servers(self) -> set[str]:
        """VMs expected to run a database actively: its preferred copy, else its disks."""
        result: set[str] = set()
        with_copies: set[str] = set()
        for db in self.index.of("mailbox_database", MailboxDatabase):
            if db.copies:
                with_copies.add(db.id)
                result.add(min(db.copies, key=lambda c: c.activation_preference).member)
        for disk in self.data_disks:
            if disk.database is not None and disk.database not in with_copies:
                result.add(disk.vm)
        return result

    @cached_property
    def active_mailboxes(self) -> dict[str, int]:
        """For each VM running databases actively (:attr:`active_servers`), the mailboxes
        of those databases (a database without copies counts on each VM holding its disks)."""
        result: dict[str, int] = {}
        with_copies: set[str] = set()
        by_id: dict[str, MailboxDatabase] = {}
        for db in self.index.of("mailbox_database", MailboxDatabase):
            by_id[db.id] = db
            if db.copies:
                with_copies.add(db.id)
                vm = min(db.copies, key=lambda c: c.activation_preference).member
                result[vm] = result.get(vm, 0) + db.mailboxes
        seen: set[tuple[str, str]] = set()
        for disk in self.data_disks:
            db_id = disk.database
            if db_id is None or db_id in with_copies or (disk.vm, db_id) in seen:
                continue
            seen.add((disk.vm, db_id))
            held = by_id.get(db_id)
            if held is not None:
                result[disk.vm] = result.get(disk.vm, 0) + held.mailboxes
        return result

    @cached_property
    def copy_holders(self) -> set[str]:
        """VMs named by any database copy."""
        return {
            c.member for db in self.index.of("mailbox_database", MailboxDatabase) for c in db.copies
        }


_CACHE: WeakKeyDictionary[DesignIndex, ExchangeFacts] = WeakKeyDictionary()


def exchange_facts(ctx: RuleContext) -> ExchangeFacts:
    """The facts of ``ctx``'s design, built on first use and kept with its index."""
    facts = _CACHE.get(ctx.index)
    if facts is None:
        facts = ExchangeFacts(ctx.index)
        _CACHE[ctx.index] = facts
    return facts
