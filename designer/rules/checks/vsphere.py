"""vSphere and storage rules (VS…)."""

from __future__ import annotations

from collections.abc import Iterator

from designer.catalog import limits
from designer.domain.design import Severity
from designer.domain.elements import VirtualMachine
from designer.rules.context import RuleContext
from designer.rules.finding import Finding
from designer.rules.registry import rule


@rule(
    code="VS002",
    name="too-many-users-per-vm",
    severity=Severity.WARNING,
    source="002",
)
def too_many_users_per_vm(ctx: RuleContext) -> Iterator[Finding]:
    """More than the recommended number of Exchange users in one VM.

    What it checks
    --------------
    Each VM's ``mailboxes`` against the recommended limit of Exchange users per VM.

    Why
    ---
    EMC's SRM/MirrorView guidance recommends at most 4,000 Exchange users within a VM;
    beyond it the VM's storage and recovery time grow past what was validated.

    Fix
    ---
    Spread the mailboxes over more mailbox server VMs.

    Source
    ------
    002 ("a recommended limit of 4,000 Exchange users within a VM").
    """
    cap = limits()["max_users_per_vm"]
    for vm in ctx.index.of("vm", VirtualMachine):
        if vm.mailboxes > cap:
            yield ctx.finding(
                f"VM {vm.name} hosts {vm.mailboxes:,} users; the recommended limit is {cap:,}",
                [vm],
            )
