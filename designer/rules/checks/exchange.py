"""Exchange server rules (EX…): 2007 replication limits, Hub Transport, domains and OS."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator

from designer.catalog import exchange_roles, limits, timings
from designer.domain.design import Severity
from designer.domain.elements import (
    Dag,
    ElementBase,
    Exchange2007Replication,
    HostReplication,
    MailboxDatabase,
    ProtectionGroup,
    Site,
    SrmSitePair,
    VirtualMachine,
)
from designer.domain.enums import Exchange2007Kind, VmRole
from designer.domain.field_words import choice_text
from designer.graph.network import lowest_rtt
from designer.rules.checks._dag_facts import dag_facts
from designer.rules.checks._exchange_facts import (
    EXCHANGE_ROLES,
    exchange_facts,
    is_exchange,
    runs_transport,
)
from designer.rules.context import RuleContext
from designer.rules.finding import Finding
from designer.rules.registry import rule

__all__ = [
    "exchange2007_topology_limits",
    "exchange_domain_and_os",
    "hub_transport_unprotected",
    "role_not_in_exchange_version",
    "store_counts_over_edition_limit",
    "stretched_exchange2007_cluster",
]


def _domain_joined_exchange(vm: VirtualMachine) -> bool:
    """An Exchange server in the Windows domain (Edge Transport alone is not)."""
    return is_exchange(vm) and set(vm.roles) != {VmRole.EDGE_TRANSPORT}


@rule(
    code="EX001",
    name="exchange2007-topology-limits",
    severity=Severity.WARNING,
    source="003, 004",
    reads=("exchange2007_replication", "mailbox_database", "virtual_disk", "vm"),
)
def exchange2007_topology_limits(ctx: RuleContext) -> Iterator[Finding]:
    """Exchange 2007 roles and replication outside what the product supports.

    What it checks
    --------------
    An Edge Transport VM that carries any other role; an LCR server with more than one
    database in one storage group; a CCR cluster with more than two nodes; a CCR or
    single-copy (MSCS) cluster with no passive node, or an MSCS cluster above 8 nodes.

    Why
    ---
    All Exchange roles except Edge can share a server; Edge sits in the perimeter on its
    own. LCR supports only one database in a storage group. CCR clusters are limited to
    two nodes. MSCS clusters can have up to eight nodes, one of them always passive
    (active/active is not supported with Exchange 2007).

    Fix
    ---
    Give Edge Transport its own VM; split LCR storage groups to one database each; keep
    CCR to two nodes; keep MSCS clusters to eight nodes with a passive one.

    Source
    ------
    003 (server roles); 004 (Local Clustering with MSCS, Local Continuous Replication,
    Cluster Continuous Replication).
    """
    index = ctx.index
    guidelines = timings()["exchange_guidelines"]
    lcr_cap = int(guidelines["max_lcr_databases_per_storage_group"])
    min_passive = int(guidelines["min_cluster_passive_nodes"])
    ccr_cap = int(limits()["max_ccr_nodes"])
    mscs_cap = int(limits()["max_mscs_nodes"])
    for vm in index.of("vm", VirtualMachine):
        if VmRole.EDGE_TRANSPORT in vm.roles and len(set(vm.roles)) > 1:
            others = ", ".join(
                r.value.replace("_", " ") for r in dict.fromkeys(vm.roles) if r != "edge_transport"
            )
            yield ctx.finding(f"Edge Transport VM {vm.name} also runs {others}", [vm])
    replications = index.of("exchange2007_replication", Exchange2007Replication)
    databases_on: dict[str, dict[str, None]] | None = None
    for rep in replications:
        kind = rep.replication
        if kind is Exchange2007Kind.LCR:
            if databases_on is None:
                databases_on = _databases_by_server(ctx)
            yield from _lcr_storage_groups(ctx, rep, databases_on, lcr_cap)
        if kind is Exchange2007Kind.CCR and len(rep.nodes) > ccr_cap:
            yield ctx.finding(
                f"CCR {rep.name} has {len(rep.nodes)} nodes; CCR allows {ccr_cap}",
                [rep, *rep.nodes],
            )
        if kind is Exchange2007Kind.SCC and len(rep.nodes) > mscs_cap:
            yield ctx.finding(
                f"MSCS cluster {rep.name} has {len(rep.nodes)} nodes; MSCS allows {mscs_cap}",
                [rep, *rep.nodes],
            )
        if kind in (Exchange2007Kind.SCC, Exchange2007Kind.CCR) and rep.passive_nodes < min_passive:
            yield ctx.finding(
                f"{kind.value.upper()} cluster {rep.name} has {rep.passive_nodes} passive nodes; "
                f"Exchange 2007 needs {min_passive}",
                [rep],
            )


def _databases_by_server(ctx: RuleContext) -> dict[str, dict[str, None]]:
    result: dict[str, dict[str, None]] = defaultdict(dict)
    for db_id, servers in sorted(exchange_facts(ctx).servers_of_database.items()):
        for vm_id in servers:
            result[vm_id][db_id] = None
    return result


def _lcr_storage_groups(
    ctx: RuleContext,
    rep: Exchange2007Replication,
    databases_on: dict[str, dict[str, None]],
    cap: int,
) -> Iterator[Finding]:
    """LCR storage groups of ``rep`` holding more than ``cap`` databases."""
    ids = dict.fromkeys(rep.databases)
    for node in rep.nodes:
        ids.update(databases_on.get(node, {}))
    groups: dict[str, list[MailboxDatabase]] = defaultdict(list)
    for db_id in ids:
        db = ctx.index.typed(db_id, MailboxDatabase)
        if db is not None and db.storage_group:
            groups[db.storage_group].append(db)
    for group, members in groups.items():
        if len(members) > cap:
            yield ctx.finding(
                f"LCR {rep.name} storage group {group} holds {len(members)} databases; "
                f"LCR allows {cap}",
                [rep, *(db.id for db in members)],
            )


@rule(
    code="EX002",
    name="hub-transport-unprotected",
    severity=Severity.WARNING,
    source="002; [product fact]",
    reads=("host_replication", "mailbox_database", "protection_group", "virtual_disk", "vm"),
    follows=("esxi_host", "site"),
    # Hub and Mailbox servers; active servers come from database copies and data disks.
    narrow={"vm": "exchange", "virtual_disk": "data"},
)
def hub_transport_unprotected(ctx: RuleContext) -> Iterator[Finding]:
    """A mailbox site with one unprotected Hub Transport server, or none.

    What it checks
    --------------
    Per site that runs mailbox databases actively (a database's preferred copy, the
    disks of a database without copies, or a Mailbox-role VM holding no modelled copy;
    a site of passive copies only has no mail in flight): the Hub Transport servers in
    that site (Exchange 2013 Mailbox servers count, as they carry the Transport
    service). Fewer than two is reported
    unless one of them is protected by SRM (in a protection group) or by Double-Take.
    The check is per site rather than per organisation because mailbox servers submit
    mail to Hub Transport servers of their own site, and a site failure takes the
    site's Hub Transport servers with it. The site an import makes up for the servers
    its sources place nowhere (``Unplaced (import)``) is not a site: it is not checked
    (as NET005).

    Why
    ---
    Incoming messages go to the Hub Transport server before reaching the Mailbox
    server; with a single Hub Transport server and no replication of it, mail in flight
    at the failure is lost and mail flow stops until it is rebuilt.

    Fix
    ---
    Add a second Hub Transport server in the site (Exchange 2013: a second Mailbox
    server, which runs the Transport service; 2013 has no Hub Transport role, EX006),
    or protect the Hub Transport VM with SRM (or host-based replication).

    Source
    ------
    002 (Table 1: CAS and Hub Transport servers at each site; "You can protect these
    additional in-flight messages by replicating the Hub Transport server with SRM");
    [product fact] Exchange 2013's Mailbox servers run the Transport service.
    """
    index = ctx.index
    need = int(timings()["exchange_guidelines"]["min_hub_transport_per_mailbox_site"])
    facts = exchange_facts(ctx)
    active, copy_holders = facts.active_servers, facts.copy_holders
    protected: set[str] = set()
    for group in index.of("protection_group", ProtectionGroup):
        protected.update(group.vms)
    for replication in index.of("host_replication", HostReplication):
        protected.add(replication.source)
    hubs: dict[str, list[VirtualMachine]] = defaultdict(list)
    #: Site → whether it runs active databases, and its Mailbox servers otherwise.
    mailbox_sites: dict[str, list[str]] = {}
    running: set[str] = set()
    for vm in index.of("vm", VirtualMachine):
        site_id = index.site_of(vm.id)
        if site_id is None:
            continue
        if runs_transport(vm):
            hubs[site_id].append(vm)
        if vm.id in active:
            running.add(site_id)
            mailbox_sites.setdefault(site_id, [])
        elif VmRole.MAILBOX in vm.roles and vm.id not in copy_holders:
            mailbox_sites.setdefault(site_id, []).append(vm.name)
    for site_id, servers in mailbox_sites.items():
        site_hubs = hubs.get(site_id, [])
        if len(site_hubs) >= need or any(vm.id in protected for vm in site_hubs):
            continue
        site = index.get(site_id)
        if site is not None and site.import_placeholder:
            continue
        what = (
            "runs mailbox databases"
            if site_id in running
            else f"has Mailbox server{'' if len(servers) == 1 else 's'} {', '.join(servers)}"
        )
        count = len(site_hubs)
        if any(VmRole.HUB_TRANSPORT not in vm.roles for vm in site_hubs):
            # Counted as Exchange 2013 Mailbox servers: "1 Hub Transport server" and
            # "add a second Hub Transport server" sent a newcomer to tick a role 2013
            # has not, and EX006 then reported it as an error (eyes27).
            names = ", ".join(vm.name for vm in site_hubs)
            message = (
                f"site {site.name if site else site_id} {what} with {count} "
                f"server{'' if count == 1 else 's'} running the Transport service "
                f"({names}: Exchange 2013 Mailbox servers run it; 2013 has no Hub "
                f"Transport role) and no protection of it; {need} are needed: add an "
                "Exchange 2013 Mailbox server in the site, or protect one with SRM or "
                "Double-Take"
            )
        else:
            message = (
                f"site {site.name if site else site_id} {what} with "
                f"{count} Hub Transport server{'' if count == 1 else 's'} "
                f"and no Hub Transport protection; {need} are needed"
            )
        yield ctx.finding(message, [site_id, *(vm.id for vm in site_hubs)])


@rule(
    code="EX003",
    name="exchange-domain-and-os",
    severity=Severity.INFO,
    source="002",
    reads=("dag", "exchange2007_replication", "host_replication", "srm_site_pair", "vm"),
    follows=("esxi_host", "site"),
)
def exchange_domain_and_os(ctx: RuleContext) -> Iterator[Finding]:
    """Cross-site Exchange servers in different Windows domains; 2007 not on 2008 x64.

    What it checks
    --------------
    For each cross-site protection (a DAG spanning sites, an SRM site pair, a
    Double-Take replication, an Exchange 2007 replication), the Windows domains of the
    Exchange servers involved (a VM's ``windows_domain``, else its site's); an SRM site
    side with no Exchange server counts with its site's domain. Also every Exchange 2007
    VM whose Windows version is not Windows 2008 x64 (2008 R2 is 64-bit only and
    passes).

    Why
    ---
    Recovered Exchange servers must find their own domain at the other site: "The
    Exchange servers at both sites should be within the same Windows domain". Microsoft
    supports virtualized Exchange 2007 (SVVP) only on Windows 2008 x64.

    Fix
    ---
    Put the Exchange servers of both sites in one Windows domain; run Exchange 2007
    VMs on Windows Server 2008 x64.

    Source
    ------
    002 (Table 1 and "Additional considerations").
    """
    index = ctx.index
    domain_of = _domain_resolver(ctx)
    exchange_by_site: dict[str, list[VirtualMachine]] = defaultdict(list)
    for vm in index.of("vm", VirtualMachine):
        site_id = index.site_of(vm.id)
        if site_id and _domain_joined_exchange(vm):
            exchange_by_site[site_id].append(vm)

    def exchange_vms(ids: Iterable[str]) -> list[VirtualMachine]:
        vms = (index.typed(i, VirtualMachine) for i in dict.fromkeys(ids))
        return [vm for vm in vms if vm is not None and _domain_joined_exchange(vm)]

    spans: list[tuple[ElementBase, list[VirtualMachine], list[str]]] = []
    for dag in index.of("dag", Dag):
        spans.append((dag, exchange_vms(dag.members), []))
    for pair in index.of("srm_site_pair", SrmSitePair):
        vms: list[VirtualMachine] = []
        extra: list[str] = []
        for site_id in (pair.protected_site, pair.recovery_site):
            here = exchange_by_site.get(site_id, [])
            vms.extend(here)
            site = index.typed(site_id, Site)
            if not here and site is not None:
                extra.append(site.windows_domain.lower())
        spans.append((pair, vms, extra))
    for rep in index.of("host_replication", HostReplication):
        spans.append((rep, exchange_vms([rep.source, rep.target]), []))
    for rep2007 in index.of("exchange2007_replication", Exchange2007Replication):
        ends = [*rep2007.nodes, *([rep2007.target] if rep2007.target else [])]
        spans.append((rep2007, exchange_vms(ends), []))
    for owner, vms, extra in spans:
        sites = {index.site_of(vm.id) for vm in vms}
        if len(sites) + len(extra) < 2:
            continue
        domains = Counter(domain_of(vm) for vm in vms)
        domains.update(extra)
        if len(domains) < 2:
            continue
        majority = domains.most_common(1)[0][0]
        odd = sorted(vm.id for vm in vms if domain_of(vm) != majority)
        yield ctx.finding(
            f"{owner.label} {owner.name} protects Exchange servers across sites in "
            f"{len(domains)} Windows domains: {', '.join(sorted(domains))}",
            [owner, *odd],
        )
    wanted = str(timings()["exchange_guidelines"]["svvp_windows_version"])
    for vm in index.of("vm", VirtualMachine):
        if vm.exchange_version == "2007" and not _is_svvp_windows(vm.windows_version):
            yield ctx.finding(
                f"Exchange 2007 VM {vm.name} runs Windows {vm.windows_version}; "
                f"Microsoft's virtualization support (SVVP) needs Windows {wanted}",
                [vm],
            )


def _domain_resolver(ctx: RuleContext) -> Callable[[VirtualMachine], str]:
    index = ctx.index

    def domain_of(vm: VirtualMachine) -> str:
        if vm.windows_domain:
            return vm.windows_domain.lower()
        site = index.typed(index.site_of(vm.id), Site)
        return site.windows_domain.lower() if site else ""

    return domain_of


def _is_svvp_windows(version: str) -> bool:
    text = version.lower()
    return "2008" in text and bool(re.search(r"x64|64-bit|64 bit|r2", text))


@rule(
    code="EX004",
    name="store-counts-over-edition-limit",
    severity=Severity.ERROR,
    source="004; [product fact]",
    reads=("exchange2007_replication", "mailbox_database", "virtual_disk", "vm"),
    narrow={"vm": "exchange", "virtual_disk": "data"},  # servers with a version, their data
)
def store_counts_over_edition_limit(ctx: RuleContext) -> Iterator[Finding]:
    """An Exchange server holds more storage groups or databases than its version and
    edition allow.

    What it checks
    --------------
    Each VM with an Exchange version: the mailbox databases it holds (copies, disks,
    Exchange 2007 cluster nodes), and for Exchange 2003 and 2007 their storage groups (a
    database with no storage group counts as one of its own) and the databases in each,
    against the limits of its version and edition (``exchange_edition``) in the catalog.

    Why
    ---
    The store refuses to create (or mount) the storage group or database past the limit:
    the design holds data the server cannot serve.

    Fix
    ---
    Spread the databases over more servers, consolidate storage groups within the
    limit, or use the Enterprise edition.

    Source
    ------
    004 ("Exchange Server 2003 Enterprise Edition enabled an organization to run up to
    20 Exchange databases (four storage groups of up to five databases each), Exchange
    2007 Enterprise Edition allows up to 50 storage groups, each with its own
    database"); [product fact] the Standard editions' and Exchange 2010/2013 limits.
    """
    index = ctx.index
    table = timings()["exchange_store_limits"]
    held: dict[str, dict[str, None]] = _databases_by_server(ctx)
    for rep in index.of("exchange2007_replication", Exchange2007Replication):
        for node in rep.nodes:
            held.setdefault(node, {}).update(dict.fromkeys(rep.databases))
    for vm in index.of("vm", VirtualMachine):
        version = vm.exchange_version
        limit = table.get(version or "", {}).get(vm.exchange_edition)
        if limit is None:
            continue
        dbs = [d for d in (index.typed(i, MailboxDatabase) for i in held.get(vm.id, {})) if d]
        label = f"Exchange {version} {vm.exchange_edition.capitalize()} server {vm.name}"
        groups: dict[str, list[MailboxDatabase]] = defaultdict(list)
        for db in dbs:
            groups[db.storage_group or f"(database {db.name})"].append(db)
        cap_groups = limit.get("storage_groups")
        if cap_groups is not None and len(groups) > cap_groups:
            yield ctx.finding(
                f"{label} holds {len(groups)} storage groups; {version} "
                f"{vm.exchange_edition.capitalize()} allows {cap_groups}",
                [vm],
            )
        per_group = limit.get("databases_per_storage_group")
        if per_group is not None:
            for group, members in groups.items():
                if len(members) > per_group:
                    yield ctx.finding(
                        f"{label} holds {len(members)} databases in storage group {group}; "
                        f"{version} allows {per_group} per storage group",
                        [vm, *(db.id for db in members)],
                    )
        if len(dbs) > limit["databases"]:
            yield ctx.finding(
                f"{label} holds {len(dbs)} mailbox databases; {version} "
                f"{vm.exchange_edition.capitalize()} allows {limit['databases']}",
                [vm],
            )


@rule(
    code="EX005",
    name="stretched-exchange2007-cluster",
    severity=Severity.ERROR,
    source="004",
    reads=("dag", "exchange2007_replication", "mailbox_database", "site", "wan_link"),
    follows=("esxi_host", "storage_array", "vm", "vsphere_cluster"),
)
def stretched_exchange2007_cluster(ctx: RuleContext) -> Iterator[Finding]:
    """An Exchange 2007 cluster stretched over sites too far apart, or on Windows 2003.

    What it checks
    --------------
    Each Exchange 2007 CCR or single-copy (SCC/MSCS) cluster whose nodes run in two or
    more sites: the lowest round-trip time between every two of those sites against
    500 ms (it must be less), and that every node runs Windows Server 2008.

    Why
    ---
    Cluster nodes exchange heartbeats every 500 ms; a stretched cluster works only when
    the latency between nodes stays reliably under that, and Windows Server 2003's
    clusters cannot span significant distances at all.

    Fix
    ---
    Keep the cluster's nodes in sites less than 500 ms apart (round trip) on Windows
    Server 2008, or protect the other site with SCR instead of stretching the cluster.

    Source
    ------
    004 ("Windows Server 2008 will natively support stretch clusters, enabling nodes in
    an MNS cluster to be geographically separated as far as desired—provided that the
    network latency between nodes is reliably less than 500ms"; multi-copy clusters
    "won't be able to span significant distances until Windows Server 2008").
    """
    index = ctx.index
    cap = float(limits()["max_stretched_cluster_rtt_ms"])
    facts = None
    for rep in index.of("exchange2007_replication", Exchange2007Replication):
        if rep.replication not in (Exchange2007Kind.CCR, Exchange2007Kind.SCC):
            continue
        sites = list(dict.fromkeys(s for n in rep.nodes if (s := index.site_of(n)) is not None))
        if len(sites) < 2:
            continue
        facts = facts or dag_facts(ctx)
        kind = rep.replication.value.upper()
        for i, a in enumerate(sites):
            for b in sites[i + 1 :]:
                found = lowest_rtt(ctx.topology, a, b)
                if found is None:
                    yield ctx.finding(
                        f"{kind} cluster {rep.name} has nodes in sites {facts.name(a)} and "
                        f"{facts.name(b)} with no WAN path between them",
                        [rep, a, b],
                    )
                elif found[0] >= cap:
                    rtt, path = found
                    yield ctx.finding(
                        f"{kind} cluster {rep.name} is stretched over sites {facts.name(a)} "
                        f"and {facts.name(b)}, {rtt:g} ms apart (round trip); the latency "
                        f"between nodes must be reliably less than {cap:g} ms",
                        [rep, a, b, *path],
                    )
        old = [
            vm.name
            for n in rep.nodes
            if (vm := index.typed(n, VirtualMachine)) is not None
            and "2008" not in vm.windows_version
        ]
        if old:
            yield ctx.finding(
                f"{kind} cluster {rep.name} is stretched over {len(sites)} sites but node "
                f"{', '.join(old)} does not run Windows Server 2008, which stretch clusters need",
                [rep],
            )


@rule(
    code="EX006",
    name="role-not-in-exchange-version",
    severity=Severity.ERROR,
    source="000 §5.3, §6.1.1; 003; [product fact]",
    reads=("vm",),
    narrow={"vm": "exchange"},
)
def role_not_in_exchange_version(ctx: RuleContext) -> Iterator[Finding]:
    """An Exchange server has a role its Exchange version does not have.

    What it checks
    --------------
    Each VM with an Exchange version the catalog lists roles for (2007, 2010, 2013):
    its Exchange roles against that version's. Exchange 2013 has the Mailbox and
    Client Access roles (and Edge Transport from SP1): a 2013 VM with the Hub Transport
    or Unified Messaging role is reported. Exchange 2003 (front-end and back-end
    servers, no roles) is not checked. A CAS array of Exchange 2013 Client Access
    servers is not reported: 000 §5.3.1 gives each site of a 2013 DAG "a load
    balanced client access array".

    Why
    ---
    Exchange 2013 decoupled the Client Access and Mailbox servers; its Mailbox servers
    run the Transport and Unified Messaging services themselves. No Exchange 2013
    server can be installed with the Hub Transport or Unified Messaging role, so the
    design describes a server that cannot be built, and the rules counting Hub
    Transport servers (EX002, SRM005) would count a Client Access server as one.

    Fix
    ---
    Remove the role: an Exchange 2013 Mailbox server already counts as a Hub Transport
    server (EX002, SRM005). Or set the VM's Exchange version to the one it runs.

    Source
    ------
    000 §5.3 ("decoupling Client Access and Mailbox servers") and §6.1.1 ("both the
    Client Access and Mailbox Exchange server roles"); 003 (the Exchange 2007 roles:
    Mailbox, Hub Transport, Client Access, Unified Messaging, Edge); [product fact]
    Exchange 2010 has the same five roles, Exchange 2013 folds Hub Transport and
    Unified Messaging into its Mailbox role.
    """
    on_mailbox = timings()["exchange_roles"]["mailbox_runs_transport"]
    for vm in ctx.index.of("vm", VirtualMachine):
        version = vm.exchange_version
        allowed = exchange_roles(version)
        if allowed is None:
            continue
        extra = [
            r for r in dict.fromkeys(vm.roles) if r in EXCHANGE_ROLES and r.value not in allowed
        ]
        if extra:
            instead = (
                " (its Mailbox servers run the Transport service)"
                if version in on_mailbox and VmRole.HUB_TRANSPORT in extra
                else ""
            )
            yield ctx.finding(
                f"Exchange {version} VM {vm.name} has the "
                f"{' and '.join(choice_text(r.value) for r in extra)} "
                f"role{'' if len(extra) == 1 else 's'}, which Exchange {version} does not "
                f"have{instead}",
                [vm],
                fix_field="roles",
            )
