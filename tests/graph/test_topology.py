"""The dependency graph and its queries: edges, what fails with what, reachability."""

from __future__ import annotations

import networkx as nx
import pytest

from designer.domain import (
    CasArray,
    Dag,
    DatabaseCopy,
    Design,
    DiskPurpose,
    EsxiHost,
    FileShareWitness,
    LoadBalancer,
    Lun,
    MailboxDatabase,
    Mirror,
    Site,
    StorageArray,
    VirtualDisk,
    VirtualMachine,
    VsphereCluster,
    WanLink,
    structural_errors,
)
from designer.graph.failure import dependency_closure, failure_domain
from designer.graph.network import reachable_sites
from designer.graph.topology import build_graph, storage_processor_id


def two_site_dag() -> Design:
    """Boston and Denver each run two DAG members; the witness lives in Austin."""
    elements = [
        Site(id="bos", name="Boston"),
        Site(id="den", name="Denver"),
        Site(id="aus", name="Austin"),
        WanLink(id="l-bd", name="BOS-DEN", site_a="bos", site_b="den"),
        WanLink(id="l-ba", name="BOS-AUS", site_a="bos", site_b="aus"),
        WanLink(id="l-da", name="DEN-AUS", site_a="den", site_b="aus"),
        VsphereCluster(id="cl-b", name="cl-b", site="bos"),
        VsphereCluster(id="cl-d", name="cl-d", site="den"),
        EsxiHost(id="h-b1", name="h-b1", site="bos", cluster="cl-b"),
        EsxiHost(id="h-b2", name="h-b2", site="bos", cluster="cl-b"),
        EsxiHost(id="h-d1", name="h-d1", site="den", cluster="cl-d"),
        EsxiHost(id="h-a1", name="h-a1", site="aus"),  # no cluster
        VirtualMachine(id="mbx-b1", name="mbx-b1", host="h-b1"),
        VirtualMachine(id="mbx-b2", name="mbx-b2", host="h-b2"),
        VirtualMachine(id="mbx-d1", name="mbx-d1", host="h-d1"),
        VirtualMachine(id="mbx-d2", name="mbx-d2", host="h-d1"),
        VirtualMachine(id="fs-a", name="fs-a", host="h-a1"),
        VirtualMachine(id="cas-b", name="cas-b", host="h-b2"),
        StorageArray(id="cx-b", name="cx-b", site="bos"),
        StorageArray(id="cx-b2", name="cx-b2", site="bos"),
        StorageArray(id="cx-d", name="cx-d", site="den"),
        Lun(id="lun-b1", name="lun-b1", array="cx-b"),
        Lun(id="lun-b1-logs", name="lun-b1-logs", array="cx-b2"),
        Lun(id="lun-b1-other", name="lun-b1-other", array="cx-b2"),
        Lun(id="lun-d1", name="lun-d1", array="cx-d"),
        Lun(id="lun-d-remote", name="lun-d-remote", array="cx-b2"),
        # mbx-b1 holds db1 on lun-b1, db1's logs on lun-b1-logs, and db2 on lun-b1-other.
        VirtualDisk(id="d-b1-os", name="d-b1-os", vm="mbx-b1"),  # no LUN: not a domain
        VirtualDisk(
            id="d-b1-db1",
            name="d-b1-db1",
            vm="mbx-b1",
            lun="lun-b1",
            database="db1",
            purpose=DiskPurpose.DATABASE,
        ),
        VirtualDisk(
            id="d-b1-logs",
            name="d-b1-logs",
            vm="mbx-b1",
            lun="lun-b1-logs",
            purpose=DiskPurpose.LOGS,
        ),
        VirtualDisk(
            id="d-b1-db2",
            name="d-b1-db2",
            vm="mbx-b1",
            lun="lun-b1-other",
            database="db2",
            purpose=DiskPurpose.DATABASE,
        ),
        # mbx-d1's copy of db1 lives on an array of the other site.
        VirtualDisk(id="d-d1-db1", name="d-d1-db1", vm="mbx-d1", lun="lun-d-remote"),
        Mirror(id="mv-1", name="mv-1", source_lun="lun-b1", target_lun="lun-d1"),
        FileShareWitness(id="fsw", name="fsw", site="aus", vm="fs-a"),
        Dag(
            id="dag",
            name="DAG1",
            members=["mbx-b1", "mbx-d1", "mbx-b2", "mbx-d2"],
            witness="fsw",
        ),
        MailboxDatabase(
            id="db1",
            name="DB1",
            dag="dag",
            copies=[
                DatabaseCopy(member="mbx-b1", activation_preference=1),
                DatabaseCopy(member="mbx-d1", activation_preference=2),
            ],
        ),
        MailboxDatabase(id="db2", name="DB2", dag="dag"),
        CasArray(id="casarr", name="casarr", site="bos", members=["cas-b"]),
        LoadBalancer(id="lb", name="lb", site="bos", pool=["cas-b"], cas_arrays=["casarr"]),
    ]
    design = Design(elements=elements)
    assert structural_errors(design) == []
    return design


@pytest.fixture(scope="module")
def topo():
    return build_graph(two_site_dag())


def relation(topo, a: str, b: str) -> str | None:
    data = topo.graph.get_edge_data(a, b)
    return None if data is None else data["relation"]


# -- build_graph ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("mbx-b1", "h-b1", "runs_on"),
        ("h-b1", "cl-b", "contained_in"),
        ("h-b1", "bos", "contained_in"),
        ("h-a1", "aus", "contained_in"),
        ("cl-b", "bos", "contained_in"),
        ("mbx-b1", "d-b1-db1", "uses_disk"),
        ("d-b1-db1", "lun-b1", "stored_on"),
        ("lun-b1", "cx-b", "contained_in"),
        ("cx-b", "bos", "contained_in"),
        ("cx-b/SP-A", "cx-b", "contained_in"),
        ("cx-b/SP-B", "cx-b", "contained_in"),
        ("mv-1", "lun-b1", "depends_on"),
        ("mv-1", "lun-d1", "depends_on"),
        ("fsw", "fs-a", "runs_on"),
        ("fsw", "aus", "contained_in"),
        ("dag", "mbx-d2", "member"),
        ("dag", "fsw", "witness"),
        ("db1", "mbx-d1", "copy_on"),
        ("casarr", "cas-b", "member"),
        ("casarr", "lb", "fronted_by"),
        ("lb", "bos", "contained_in"),
    ],
)
def test_edges_point_from_an_element_to_what_it_depends_on(topo, a, b, kind) -> None:
    assert relation(topo, a, b) == kind
    assert relation(topo, b, a) != kind


def test_every_element_is_a_node_with_its_kind(topo) -> None:
    for element in topo.design.elements:
        assert topo.graph.nodes[element.id]["kind"] == element.kind
    assert topo.graph.nodes[storage_processor_id("cx-d", "B")]["kind"] == "storage_processor"
    assert storage_processor_id("cx-d", "B") == "cx-d/SP-B"


def test_disk_without_lun_has_no_storage_edge(topo) -> None:
    assert list(topo.graph.successors("d-b1-os")) == []


def test_what_fails_with_a_site_is_its_ancestors(topo) -> None:
    gone = nx.ancestors(topo.graph, "den")
    assert {"cl-d", "h-d1", "mbx-d1", "mbx-d2", "cx-d", "lun-d1"} <= gone
    assert "mbx-b2" not in gone and "h-b1" not in gone and "bos" not in gone


def test_network_holds_sites_and_links_keyed_by_link_id(topo) -> None:
    assert set(topo.network.nodes) == {"bos", "den", "aus"}
    keys = {key for _, _, key in topo.network.edges(keys=True)}
    assert keys == {"l-bd", "l-ba", "l-da"}


def test_isolated_site_is_still_in_the_network() -> None:
    topo = build_graph(Design(elements=[Site(id="s", name="Lonely")]))
    assert list(topo.network.nodes) == ["s"]
    assert reachable_sites(topo, "s") == {"s"}


# -- what fails with X (failure_domain over the gates) -------------------------------------
def test_a_host_takes_its_vms_not_its_neighbours(topo) -> None:
    assert failure_domain(topo, ["h-b1"]) == {"h-b1", "mbx-b1"}  # its disks stay on their LUNs
    # cas-b is the CAS array's only member: its "all" gate closes, the array is down
    assert failure_domain(topo, ["h-b2"]) == {"h-b2", "mbx-b2", "cas-b", "casarr"}


def test_an_array_takes_its_luns_and_disks_not_the_vm(topo) -> None:
    """A database or log disk lost is the copy's business (the simulator's), not the
    VM's: the VM runs on; its OS disk would take it down."""
    lost = failure_domain(topo, ["cx-b"])
    assert {"lun-b1", "d-b1-db1", "cx-b/SP-A", "cx-b/SP-B"} <= lost
    assert "mbx-b1" not in lost and "lun-b1-logs" not in lost


def test_storage_in_another_site_fails_with_that_site(topo) -> None:
    """mbx-d1 in Denver boots from a disk on a Boston array (an OS disk, the default
    purpose): it fails with Boston; Denver and its other VMs do not."""
    lost = failure_domain(topo, ["bos"])
    assert {"d-d1-db1", "lun-d-remote", "cx-b2", "mbx-d1", "l-bd", "l-ba"} <= lost
    assert not lost & {"den", "h-d1", "mbx-d2", "l-da", "aus"}


def test_what_a_copy_needs_is_its_dependency_closure(topo) -> None:
    needs = dependency_closure(topo, "mbx-b1")
    assert {"h-b1", "cl-b", "bos", "lun-b1", "cx-b", "lun-b1-logs", "cx-b2"} <= needs
    assert "den" not in needs and "mbx-b2" not in needs


def test_host_without_cluster_fails_with_its_site() -> None:
    design = Design(
        elements=[
            Site(id="s", name="S"),
            EsxiHost(id="h", name="h", site="s"),
            VirtualMachine(id="v", name="v", host="h"),
        ]
    )
    assert failure_domain(build_graph(design), ["s"]) == {"s", "h", "v"}


def test_an_unknown_element_is_a_key_error(topo) -> None:
    with pytest.raises(KeyError):
        failure_domain(topo, ["nobody"])


# -- reachable_sites --------------------------------------------------------------------
def test_all_sites_reachable_with_nothing_failed(topo) -> None:
    assert reachable_sites(topo, "bos") == {"bos", "den", "aus"}


def test_one_failed_link_is_routed_around(topo) -> None:
    assert reachable_sites(topo, "bos", failed=["l-bd"]) == {"bos", "den", "aus"}


def test_two_failed_links_isolate_a_site(topo) -> None:
    assert reachable_sites(topo, "bos", failed=["l-bd", "l-ba"]) == {"bos"}
    assert reachable_sites(topo, "den", failed=["l-bd", "l-ba"]) == {"den", "aus"}


def test_a_failed_site_is_not_a_transit(topo) -> None:
    assert reachable_sites(topo, "bos", failed=["l-bd", "aus"]) == {"bos"}


def test_a_failed_start_site_reaches_nothing(topo) -> None:
    assert reachable_sites(topo, "bos", failed=["bos"]) == set()


def test_parallel_links_fail_one_at_a_time() -> None:
    design = Design(
        elements=[
            Site(id="a", name="A"),
            Site(id="b", name="B"),
            WanLink(id="x1", name="x1", site_a="a", site_b="b"),
            WanLink(id="x2", name="x2", site_a="b", site_b="a"),
        ]
    )
    topo = build_graph(design)
    assert reachable_sites(topo, "a", failed=["x1"]) == {"a", "b"}
    assert reachable_sites(topo, "b", failed=["x2"]) == {"a", "b"}
    assert reachable_sites(topo, "a", failed=["x1", "x2"]) == {"a"}


def test_replication_is_kept_apart_from_dependencies(topo) -> None:
    """Losing a mirror's target site must not take the source's VMs with it."""
    import networkx as nx

    assert topo.replication.has_edge("lun-b1", "lun-d1")
    assert topo.replication.edges["lun-b1", "lun-d1"]["mirror"] == "mv-1"
    assert "mbx-b1" not in nx.ancestors(topo.graph, "lun-d1")
    assert "mv-1" in nx.ancestors(topo.graph, "lun-d1"), "the mirror needs its target"
