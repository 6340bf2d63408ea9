"""Client access and network rules NET001-NET005: a failing and a passing fixture each."""

from __future__ import annotations

from _misc_fixtures import (
    assert_sound,
    build,
    findings,
    noted,
    random_designs,
    two_sites,
    unplaced,
    vm,
)
from hypothesis import given

from designer.domain import (
    CasArray,
    Dag,
    Design,
    EdgeSize,
    FailoverIntent,
    FileShareWitness,
    LoadBalancer,
    LoadBalancerKind,
    LoadBalancerLayer,
    Site,
    VmRole,
)

MBX = [VmRole.MAILBOX]
CAS = [VmRole.CLIENT_ACCESS]


# -- NET001 ------------------------------------------------------------------------------
def _stretched(
    *,
    namespaces: tuple[str, str] = ("mail.example.com", "mail.example.com"),
    balanced: tuple[bool, bool] = (True, True),
    geographic: bool = False,
    intent: FailoverIntent = FailoverIntent.AUTOMATIC,
) -> list:
    """A DAG over Boston and Chicago (witness in Denver), a CAS array in each site."""
    elements = [
        *two_sites(),
        Site(id="s3", name="Denver"),
        vm("mbx-b", "h1", roles=MBX),
        vm("mbx-c", "h2", roles=MBX),
        vm("cas-b1", "h1", roles=CAS),
        vm("cas-c1", "h2", roles=CAS),
        FileShareWitness(id="fsw", name="fsw", site="s3"),
        Dag(id="dag1", name="DAG1", members=["mbx-b", "mbx-c"], witness="fsw",
            failover_intent=intent),
        CasArray(id="ca-b", name="cas-boston", site="s1", members=["cas-b1"],
                 namespace=namespaces[0]),
        CasArray(id="ca-c", name="cas-chicago", site="s2", members=["cas-c1"],
                 namespace=namespaces[1]),
    ]  # fmt: skip
    for site, cas, on in (("s1", "ca-b", balanced[0]), ("s2", "ca-c", balanced[1])):
        if on:
            elements.append(LoadBalancer(id=f"lb-{site}", name=f"lb-{site}", site=site,
                                         cas_arrays=[cas]))  # fmt: skip
    if geographic:
        elements.append(
            LoadBalancer(id="glb", name="glb", lb_kind=LoadBalancerKind.GEOGRAPHIC,
                         cas_arrays=["ca-b", "ca-c"])
        )  # fmt: skip
    return elements


def test_net001_triggers() -> None:
    (finding,) = findings(build(*_stretched(balanced=(True, False))), "NET001")
    assert finding.severity.value == "error"
    assert finding.elements == ("dag1", "s2")
    assert "DAG1" in finding.message and "Chicago" in finding.message


def test_net001_passes() -> None:
    assert findings(build(*_stretched()), "NET001") == []


def test_net001_two_namespaces_need_a_geographic_load_balancer() -> None:
    split = ("mail-b.example.com", "mail-c.example.com")
    (finding,) = findings(build(*_stretched(namespaces=split)), "NET001")
    assert finding.elements == ("dag1", "ca-b", "ca-c")
    assert "mail-b.example.com" in finding.message
    assert findings(build(*_stretched(namespaces=split, geographic=True)), "NET001") == []


def test_net001_ignores_manual_intent() -> None:
    design = build(*_stretched(balanced=(True, False), intent=FailoverIntent.MANUAL))
    assert findings(design, "NET001") == []


# -- NET002 ------------------------------------------------------------------------------
def _edge_pool(size: int, *, via_cas_array: bool = False) -> list:
    servers = [vm(f"cas{i}", roles=CAS) for i in range(size)]
    ids = [s.id for s in servers]
    cas = CasArray(id="ca", name="cas-array", site="s1", members=ids)
    lb = LoadBalancer(
        id="lb-1", name="lb-1", site="s1", lb_kind=LoadBalancerKind.EDGE,
        pool=[] if via_cas_array else ids, cas_arrays=["ca"],
    )  # fmt: skip
    return [*two_sites(), *servers, cas, lb]


def test_net002_triggers() -> None:
    (finding,) = findings(build(*_edge_pool(12)), "NET002")
    assert finding.elements == ("lb-1",)
    assert finding.message == "Edge load balancer lb-1 has 12 pool members; Edge allows 10"


def test_net002_passes() -> None:
    assert findings(build(*_edge_pool(10)), "NET002") == []


def test_net002_counts_the_fronted_cas_members_when_no_pool_is_given() -> None:
    (finding,) = findings(build(*_edge_pool(11, via_cas_array=True)), "NET002")
    assert "11 pool members" in finding.message


# -- NET003 ------------------------------------------------------------------------------
def _edge_load(
    connections: int,
    layer: LoadBalancerLayer = LoadBalancerLayer.L7,
    *,
    second_balancer: bool = False,
) -> list:
    elements = [
        Site(id="s1", name="Boston", peak_concurrent_connections=connections),
        Site(id="s2", name="Chicago", peak_concurrent_connections=10**7),
        CasArray(id="ca", name="cas-array", site="s1"),
        LoadBalancer(id="edge", name="edge-1", site="s1", lb_kind=LoadBalancerKind.EDGE,
                     layer=layer, edge_size=EdgeSize.X_LARGE, cas_arrays=["ca"]),
    ]  # fmt: skip
    if second_balancer:
        elements.append(
            LoadBalancer(id="edge2", name="edge-2", site="s1", lb_kind=LoadBalancerKind.EDGE,
                         layer=layer, edge_size=EdgeSize.X_LARGE, cas_arrays=["ca"])
        )  # fmt: skip
    return elements


def test_net003_triggers() -> None:
    (finding,) = findings(build(*_edge_load(450_000)), "NET003")
    assert finding.elements == ("edge", "s1")
    assert "edge-1" in finding.message
    assert "450,000" in finding.message and "400,000 at layer 7" in finding.message


def test_net003_passes() -> None:
    assert findings(build(*_edge_load(450_000, LoadBalancerLayer.L4)), "NET003") == []


def test_net003_layer4_limit_and_load_sharing() -> None:
    (finding,) = findings(build(*_edge_load(1_200_000, LoadBalancerLayer.L4)), "NET003")
    assert "1,000,000 at layer 4" in finding.message
    shared = build(*_edge_load(700_000, second_balancer=True))
    assert findings(shared, "NET003") == []


# -- NET004 ------------------------------------------------------------------------------
def _fronted(*pairs: bool, kind: LoadBalancerKind = LoadBalancerKind.HARDWARE) -> list:
    balancers = [
        LoadBalancer(id=f"lb{i}", name=f"lb-{i}", site="s1", lb_kind=kind, ha_pair=pair,
                     cas_arrays=["ca"])
        for i, pair in enumerate(pairs)
    ]  # fmt: skip
    return [*two_sites(), CasArray(id="ca", name="cas-boston", site="s1"), *balancers]


def test_net004_triggers() -> None:
    (finding,) = findings(build(*_fronted(False)), "NET004")
    assert finding.elements == ("lb0", "ca")
    assert "lb-0" in finding.message and "cas-boston" in finding.message


def test_net004_passes() -> None:
    assert findings(build(*_fronted(True)), "NET004") == []


def test_net004_two_single_units_back_each_other_up() -> None:
    assert findings(build(*_fronted(False, False)), "NET004") == []
    dns = build(*_fronted(False, kind=LoadBalancerKind.DNS_ROUND_ROBIN))
    assert findings(dns, "NET004") == []


# -- NET005 ------------------------------------------------------------------------------
def _controllers(boston: int, *, chicago_exchange: bool = False) -> list:
    dcs = [vm(f"dc{i}", roles=[VmRole.DOMAIN_CONTROLLER]) for i in range(boston)]
    elements = [*two_sites(), vm("mbx1", roles=MBX, exchange_version="2010"), *dcs]
    if chicago_exchange:
        elements.append(vm("edge-c", "h2", roles=[VmRole.EDGE_TRANSPORT]))
    return elements


def test_net005_triggers() -> None:
    (finding,) = findings(build(*_controllers(1)), "NET005")
    assert finding.elements == ("s1",)
    assert "Boston" in finding.message and "1 domain controller" in finding.message
    assert finding.message.endswith("2 are needed")


def test_net005_passes() -> None:
    assert findings(build(*_controllers(2)), "NET005") == []


def test_net005_passes_the_imports_placeholder_site() -> None:
    # wave 23 (rules23): an import puts the servers its sources place nowhere in a site
    # it makes up, "Unplaced (import)": not a datacenter that needs domain controllers.
    placeholder = unplaced(_controllers(0))
    assert findings(build(*placeholder), "NET005") == []
    # Its notes edited (the user made it a real site): it needs its two again.
    edited = noted(placeholder, "s1", "Our Boston room")
    assert [f.elements for f in findings(build(*edited), "NET005")] == [("s1",)]


def test_net005_edge_transport_alone_needs_no_domain_controller() -> None:
    assert findings(build(*_controllers(2, chicago_exchange=True)), "NET005") == []


@given(random_designs())
def test_network_rules_never_crash_and_name_real_elements(design: Design) -> None:
    assert_sound(design, ["NET001", "NET002", "NET003", "NET004", "NET005", "NET006", "NET007"])


# -- NET006, NET007 (issue 14) ------------------------------------------------------------
def _cas_array(*members: str) -> list:
    return [
        *two_sites(),
        *(vm(m, roles=CAS, exchange_version="2013") for m in members),
        CasArray(id="ca", name="cas-boston", site="s1", members=list(members)),
        LoadBalancer(id="lb", name="lb-boston", site="s1", cas_arrays=["ca"]),
    ]


def test_net006_triggers() -> None:
    # 000 §4.2.1: "Client Access servers in a Client Access server (CAS) array must be
    # load balanced" — an array without servers serves no client.
    (finding,) = findings(build(*_cas_array()), "NET006")
    assert finding.severity.value == "error"
    assert finding.elements == ("ca",)
    assert "cas-boston in site Boston has no Client Access server" in finding.message


def test_net006_passes() -> None:
    assert findings(build(*_cas_array("cas1", "cas2")), "NET006") == []


def test_net007_triggers() -> None:
    (finding,) = findings(build(*_cas_array()), "NET007")
    assert finding.elements == ("lb", "ca")
    assert "lb-boston fronts CAS array cas-boston with no members" in finding.message


def test_net007_passes() -> None:
    assert findings(build(*_cas_array("cas1")), "NET007") == []


def test_net003_edge_does_not_balance_the_rpc_of_exchange_2010_cas() -> None:
    def design(version: str) -> list:
        return [
            *two_sites(),
            vm("cas1", roles=CAS, exchange_version=version),
            vm("cas2", roles=CAS, exchange_version=version),
            CasArray(id="ca", name="cas-array", site="s1", members=["cas1", "cas2"]),
            LoadBalancer(id="edge", name="edge-1", site="s1", lb_kind=LoadBalancerKind.EDGE,
                         cas_arrays=["ca"]),
        ]  # fmt: skip

    (finding,) = findings(build(*design("2010")), "NET003")
    assert finding.elements == ("edge", "cas1", "cas2")
    assert "Exchange 2010" in finding.message and "MAPI/RPC" in finding.message
    assert finding.message.endswith("Edge balances only HTTP/HTTPS")
    assert findings(build(*design("2013")), "NET003") == []
