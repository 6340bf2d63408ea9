"""Client access and network rules (NET…): CAS arrays, load balancers, domain controllers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from designer.catalog import edge, timings
from designer.domain.design import Severity
from designer.domain.elements import CasArray, Dag, LoadBalancer, VirtualMachine
from designer.domain.enums import FailoverIntent, LoadBalancerKind, VmRole
from designer.rules.context import RuleContext
from designer.rules.finding import Finding
from designer.rules.registry import rule

__all__ = [
    "automatic_site_failover_without_cas_access",
    "cas_array_without_members",
    "edge_over_connection_limit",
    "edge_pool_too_large",
    "load_balancer_in_front_of_empty_cas_array",
    "single_load_balancer",
    "too_few_domain_controllers",
]

#: Exchange roles whose servers need Active Directory in their site (Edge does not).
_AD_EXCHANGE_ROLES = frozenset(
    {VmRole.MAILBOX, VmRole.CLIENT_ACCESS, VmRole.HUB_TRANSPORT, VmRole.UNIFIED_MESSAGING}
)


def _fronting(ctx: RuleContext) -> dict[str, list[LoadBalancer]]:
    """For each CAS array id, the load balancers that list it."""
    result: dict[str, list[LoadBalancer]] = defaultdict(list)
    for lb in ctx.index.of("load_balancer", LoadBalancer):
        for cas_id in dict.fromkeys(lb.cas_arrays):
            result[cas_id].append(lb)
    return result


def _is_local(lb: LoadBalancer) -> bool:
    return lb.lb_kind is not LoadBalancerKind.GEOGRAPHIC


@rule(
    code="NET001",
    name="automatic-site-failover-without-cas-access",
    severity=Severity.ERROR,
    source="000 §5.3.1",
    reads=("cas_array", "dag", "load_balancer"),
    follows=("esxi_host", "site", "storage_array", "vm"),
)
def automatic_site_failover_without_cas_access(ctx: RuleContext) -> Iterator[Finding]:
    """A DAG meant to fail over sites automatically lacks client access in a member site.

    What it checks
    --------------
    For each DAG with automatic site failover whose members span two or more sites:
    every member site has a CAS array fronted by a local load balancer (any kind but
    geographic), and those CAS arrays are reachable either by one namespace shared by a
    load-balanced CAS array in every member site, or by one geographic load balancer
    that fronts a load-balanced CAS array in every member site.

    Why
    ---
    Automated datacenter failover works only if clients follow the databases: "each
    site must be able to provide a load balanced client access array that is either
    registered in DNS using a single FQDN, or using a geographic load balancing
    solution". Otherwise the databases fail over but users of the lost site cannot
    reach them.

    Fix
    ---
    Give every member site a CAS array behind a load balancer, and either use one
    namespace for them all or put a geographic load balancer over them.

    Source
    ------
    000 §5.3.1 (Example: Stretched DAG with Automated Failover).
    """
    index = ctx.index
    fronting = _fronting(ctx)
    balanced_by_site: dict[str, list[CasArray]] = defaultdict(list)
    for cas in index.of("cas_array", CasArray):
        if any(_is_local(lb) for lb in fronting.get(cas.id, [])):
            balanced_by_site[cas.site].append(cas)
    for dag in index.of("dag", Dag):
        if dag.failover_intent is not FailoverIntent.AUTOMATIC:
            continue
        sites = list(dict.fromkeys(s for s in map(index.site_of, dag.members) if s))
        if len(sites) < 2:
            continue
        missing = [s for s in sites if not balanced_by_site.get(s)]
        for site_id in missing:
            site = index.get(site_id)
            yield ctx.finding(
                f"DAG {dag.name} fails over sites automatically but site "
                f"{site.name if site else site_id} has no load-balanced CAS array",
                [dag, site_id],
            )
        if missing:
            continue
        arrays = [cas for s in sites for cas in balanced_by_site[s]]
        if _one_namespace(arrays, sites) or _one_geographic(arrays, sites, fronting):
            continue
        namespaces = sorted({cas.namespace for cas in arrays})
        yield ctx.finding(
            f"DAG {dag.name}'s CAS arrays {', '.join(c.name for c in arrays)} share neither "
            f"one namespace nor a geographic load balancer; namespaces "
            f"{', '.join(namespaces)}",
            [dag, *(cas.id for cas in arrays)],
        )


def _one_namespace(arrays: list[CasArray], sites: list[str]) -> bool:
    sites_by_namespace: dict[str, set[str]] = defaultdict(set)
    for cas in arrays:
        sites_by_namespace[cas.namespace].add(cas.site)
    return any(len(covered) == len(sites) for covered in sites_by_namespace.values())


def _one_geographic(
    arrays: list[CasArray], sites: list[str], fronting: dict[str, list[LoadBalancer]]
) -> bool:
    sites_by_glb: dict[str, set[str]] = defaultdict(set)
    for cas in arrays:
        for lb in fronting.get(cas.id, []):
            if not _is_local(lb):
                sites_by_glb[lb.id].add(cas.site)
    return any(len(covered) == len(sites) for covered in sites_by_glb.values())


def _pool(ctx: RuleContext, lb: LoadBalancer) -> list[str]:
    """The pool members: the explicit pool, else the members of the fronted CAS arrays."""
    if lb.pool:
        return list(dict.fromkeys(lb.pool))
    members: dict[str, None] = {}
    for cas_id in lb.cas_arrays:
        cas = ctx.index.typed(cas_id, CasArray)
        if cas is not None:
            members.update(dict.fromkeys(cas.members))
    return list(members)


@rule(
    code="NET002",
    name="edge-pool-too-large",
    severity=Severity.ERROR,
    source="000 §4.2",
    reads=("load_balancer",),
    follows=("cas_array",),
)
def edge_pool_too_large(ctx: RuleContext) -> Iterator[Finding]:
    """A vCloud Networking and Security Edge load balancer pool above its member limit.

    What it checks
    --------------
    Each Edge load balancer's pool (its ``pool``, or when that is empty the members of
    the CAS arrays it fronts) against Edge's maximum pool size.

    Why
    ---
    "Edge can support up to 10 members in a load balancer pool"; servers beyond that
    cannot be balanced by it.

    Fix
    ---
    Split the CAS servers over two Edge load balancers (two namespaces or a geographic
    load balancer above them), or use a hardware load balancer.

    Source
    ------
    000 §4.2 (Load Balancing with vCloud Networking and Security).
    """
    cap = int(edge()["max_pool_members"])
    for lb in ctx.index.of("load_balancer", LoadBalancer):
        if lb.lb_kind is not LoadBalancerKind.EDGE:
            continue
        members = len(_pool(ctx, lb))
        if members > cap:
            yield ctx.finding(
                f"Edge load balancer {lb.name} has {members} pool members; Edge allows {cap}",
                [lb],
            )


@rule(
    code="NET003",
    name="edge-over-connection-limit",
    severity=Severity.WARNING,
    source="000 §4.2",
    reads=("load_balancer",),
    follows=("cas_array", "site", "vm"),
)
def edge_over_connection_limit(ctx: RuleContext) -> Iterator[Finding]:
    """Peak concurrent connections above what an extra-large Edge appliance carries.

    What it checks
    --------------
    For each Edge load balancer, the peak concurrent connections of the sites it serves
    (the sites of the CAS arrays it fronts, else its own site) against the extra-large
    Edge limit for its layer. A site served by several local load balancers is shared
    evenly among them. Also each Edge load balancer whose pool holds Exchange 2007 or
    2010 Client Access servers, whose Outlook clients connect over MAPI/RPC, a protocol
    Edge does not balance.

    Why
    ---
    The extra-large Edge appliance supports up to 400,000 concurrent connections in
    layer 7 proxy mode or 1,000,000 in layer 4 mode; above that clients are refused.
    Edge also balances only HTTP and HTTPS, so other client protocols need another path.

    Fix
    ---
    Use layer 4 mode, add Edge load balancers (one per CAS array or site), or use a
    hardware load balancer (also for the RPC traffic of Exchange 2007/2010 CAS arrays).

    Source
    ------
    000 §4.2 (Load Balancing with vCloud Networking and Security).
    """
    index = ctx.index
    limits = edge()["x_large_max_concurrent_connections"]
    protocols = [str(p) for p in edge()["protocols"]]
    rpc_versions = set(timings()["exchange_guidelines"]["rpc_client_access_versions"])
    served: dict[str, list[str]] = {}
    sharers: dict[str, int] = defaultdict(int)
    for lb in index.of("load_balancer", LoadBalancer):
        if not _is_local(lb):
            continue
        sites = [index.site_of(c) for c in lb.cas_arrays] or [lb.site]
        served[lb.id] = list(dict.fromkeys(s for s in sites if s))
        for site_id in served[lb.id]:
            sharers[site_id] += 1
    for lb in index.of("load_balancer", LoadBalancer):
        if lb.lb_kind is not LoadBalancerKind.EDGE:
            continue
        load = 0.0
        for site_id in served.get(lb.id, []):
            site = index.get(site_id)
            peak = getattr(site, "peak_concurrent_connections", 0)
            load += peak / sharers[site_id]
        cap = int(limits[lb.layer.value])
        if load > cap:
            layer = "layer 7" if lb.layer.value == "L7" else "layer 4"
            yield ctx.finding(
                f"Edge load balancer {lb.name} serves {load:,.0f} peak concurrent "
                f"connections; an extra-large Edge allows {cap:,} at {layer}",
                [lb, *served.get(lb.id, [])],
            )
        rpc = [
            vm
            for vm in _pool_vms(ctx, lb)
            if vm.exchange_version in rpc_versions
            and (VmRole.CLIENT_ACCESS in vm.roles or not vm.roles)
        ]
        if rpc:
            versions = sorted({str(vm.exchange_version) for vm in rpc})
            yield ctx.finding(
                f"Edge load balancer {lb.name} fronts Exchange {'/'.join(versions)} Client "
                f"Access servers {', '.join(vm.name for vm in rpc)} whose Outlook clients use "
                f"MAPI/RPC; Edge balances only {'/'.join(protocols)}",
                [lb, *(vm.id for vm in rpc)],
            )


def _pool_vms(ctx: RuleContext, lb: LoadBalancer) -> list[VirtualMachine]:
    vms = (ctx.index.typed(vm_id, VirtualMachine) for vm_id in _pool(ctx, lb))
    return [vm for vm in vms if vm is not None]


@rule(
    code="NET004",
    name="single-load-balancer",
    severity=Severity.WARNING,
    source="000 §4.2",
    reads=("load_balancer",),
)
def single_load_balancer(ctx: RuleContext) -> Iterator[Finding]:
    """A CAS array behind one load balancer unit, with no HA pair.

    What it checks
    --------------
    Each load balancer that is not an HA pair (round-robin DNS has no unit to fail and
    is skipped) and fronts a CAS array no other load balancer fronts.

    Why
    ---
    A single load balancer is a single point of failure for client access: when it
    fails, its CAS array is unreachable although every CAS server is up. Edge "can be
    deployed in a high availability pair".

    Fix
    ---
    Deploy the load balancer as an HA pair, or put a second load balancer in front of
    the CAS array.

    Source
    ------
    000 §4.2 (Load Balancing with vCloud Networking and Security).
    """
    fronting = _fronting(ctx)
    index = ctx.index
    for lb in index.of("load_balancer", LoadBalancer):
        if lb.ha_pair or lb.lb_kind is LoadBalancerKind.DNS_ROUND_ROBIN:
            continue
        alone = [
            cas_id
            for cas_id in dict.fromkeys(lb.cas_arrays)
            if not any(
                other.id != lb.id and other.lb_kind is not LoadBalancerKind.DNS_ROUND_ROBIN
                for other in fronting.get(cas_id, [])
            )
        ]
        if not alone:
            continue
        names = ", ".join(getattr(index.get(c), "name", c) for c in alone)
        yield ctx.finding(
            f"load balancer {lb.name} in front of CAS array {names} is a single unit "
            "with no HA pair",
            [lb, *alone],
        )


@rule(
    code="NET005",
    name="too-few-domain-controllers",
    severity=Severity.WARNING,
    source="002",
    reads=("vm",),
    follows=("esxi_host", "site"),
)
def too_few_domain_controllers(ctx: RuleContext) -> Iterator[Finding]:
    """Fewer than two domain controllers / global catalogs in a site running Exchange.

    What it checks
    --------------
    For each site running an Exchange VM (one with a Mailbox, Client Access, Hub
    Transport or Unified Messaging role; Edge Transport is not domain-joined), the VMs
    with the domain controller role in that site. The site an import makes up for the
    servers its sources place nowhere (``Unplaced (import)``, its notes still saying it
    is a placeholder) is not a datacenter: it is not checked; the import's report says
    to move those servers to their sites, where the check then counts them.

    Why
    ---
    Exchange cannot work without Active Directory: with one domain controller / global
    catalog in a site, its failure (or a site failover that brings Exchange up without
    one) stops mail there. EMC's SRM guidance asks for two at each site.

    Fix
    ---
    Run two domain controller / global catalog VMs in each Exchange site, on different
    hosts.

    Source
    ------
    002 ("There should be two Active Directory servers (domain controller/global catalog
    server) at each site").
    """
    need = int(timings()["exchange_guidelines"]["min_domain_controllers_per_exchange_site"])
    index = ctx.index
    controllers: dict[str, int] = defaultdict(int)
    exchange_sites: dict[str, None] = {}
    for vm in index.of("vm", VirtualMachine):
        site_id = index.site_of(vm.id)
        if site_id is None:
            continue
        if VmRole.DOMAIN_CONTROLLER in vm.roles:
            controllers[site_id] += 1
        if _AD_EXCHANGE_ROLES.intersection(vm.roles) or (
            vm.exchange_version is not None and VmRole.EDGE_TRANSPORT not in vm.roles
        ):
            exchange_sites[site_id] = None
    for site_id in exchange_sites:
        have = controllers.get(site_id, 0)
        if have < need:
            site = index.get(site_id)
            if site is not None and site.import_placeholder:
                continue
            yield ctx.finding(
                f"site {site.name if site else site_id} runs Exchange with {have} domain "
                f"controller/global catalog VM{'' if have == 1 else 's'}; {need} are needed",
                [site_id],
            )


@rule(
    code="NET006",
    name="cas-array-without-members",
    severity=Severity.ERROR,
    source="000 §4.2.1",
    reads=("cas_array",),
)
def cas_array_without_members(ctx: RuleContext) -> Iterator[Finding]:
    """A CAS array with no Client Access server in it.

    What it checks
    --------------
    Each CAS array: that it lists at least one member VM.

    Why
    ---
    Clients of the array's namespace are sent to its servers; with none, every client of
    that site reaches nothing through it, whatever load balancer fronts it, and a design
    that counts on it for site failover (NET001) counts on nothing.

    Fix
    ---
    Add the site's Client Access servers to the array, or remove the array.

    Source
    ------
    000 §4.2.1 ("Client Access servers in a Client Access server (CAS) array must be
    load balanced to provide a highly available and well performing experience").
    """
    for array in ctx.index.of("cas_array", CasArray):
        if not array.members:
            site = ctx.index.get(array.site)
            yield ctx.finding(
                f"CAS array {array.name} in site {site.name if site else array.site} has no "
                "Client Access server: its clients reach nothing through it",
                [array],
            )


@rule(
    code="NET007",
    name="load-balancer-in-front-of-empty-cas-array",
    severity=Severity.WARNING,
    source="000 §4.2",
    reads=("load_balancer",),
    follows=("cas_array",),
)
def load_balancer_in_front_of_empty_cas_array(ctx: RuleContext) -> Iterator[Finding]:
    """A load balancer fronts a CAS array that has no members.

    What it checks
    --------------
    Each load balancer: the CAS arrays it lists that have no member VM.

    Why
    ---
    The load balancer's pool for that array is empty: the clients it takes in for the
    array's namespace are balanced over nothing. Usually the array's members were never
    added, or the load balancer points at the wrong array.

    Fix
    ---
    Add the Client Access servers to the CAS array, or point the load balancer at the
    array that holds them.

    Source
    ------
    000 §4.2 (load balancing a CAS array's members: "Edge can support up to 10 members
    in a load balancer pool").
    """
    index = ctx.index
    for lb in index.of("load_balancer", LoadBalancer):
        empty = [
            cas
            for cas_id in dict.fromkeys(lb.cas_arrays)
            if (cas := index.typed(cas_id, CasArray)) is not None and not cas.members
        ]
        if empty:
            yield ctx.finding(
                f"load balancer {lb.name} fronts CAS array {', '.join(c.name for c in empty)} "
                "with no members: its pool for them is empty",
                [lb, *empty],
            )
